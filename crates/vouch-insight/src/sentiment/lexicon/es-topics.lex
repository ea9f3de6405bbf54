# Vocabulario español por tema de opinión, después de es.lex (una entrada allí gana).

## Puesta en marcha
en pocos minutos = 1.5
en un par de clics = 1.8
en unos minutos = 1.5
en una hora = 1.2
en un día = 1.2
en un santiamén = 2.2
de inmediato = 1.2
llave en mano = 2.0
sin complicaciones = 2.0
nos acompañaron = 1.8
acompañamiento = 0.5
guiad* = 1.0
solos = -0.8
nos dejaron solos = -2.2
a nuestra suerte = -2.2
sin ayuda = -1.8 neg -1.8
ninguna ayuda = -2.0 neg -2.0
eterna = -1.5
eternos = -1.5
caótico = -2.0
desorganizad* = -2.0
a medias = -1.5

## Precio
relación calidad precio = 0
calidad precio = 0
buena relación = 2.0
vale lo que cuesta = 2.2
precio razonable = 1.5
precio competitivo = 1.8
competitiv* = 1.2
más barato = 1.2
subida de precio = -2.0
subida de precios = -2.0
subieron el precio = -2.0
aumento de precio = -1.8
demasiado caro = -2.2
un ojo de la cara = -2.8
precio abusivo = -2.8
nos sale caro = -2.0
coste extra = -1.2
costes extra = -1.2
pago extra = -1.2
de pago = -0.5
por usuario = 0
justificar = 0.5 neg -1.8

## Soporte
atención al cliente = 0
responden rápido = 2.0
respuesta rápida = 2.0
respuestas rápidas = 2.0
muy atentos = 2.8
atentos = 1.8
amabilísim* = 2.8
majos = 2.0
majísim* = 2.8
cercanos = 1.5
implicad* = 1.8
se desviven = 2.8
sin respuesta = -2.0 neg -2.0
ninguna respuesta = -2.0 neg -2.0
nunca responden = -2.2
nunca contestan = -2.2
contestan = 0.3 neg -1.5
responden = 0.3 neg -1.5
ilocalizable* = -2.2
incompetent* = -2.8
maleducad* = -2.5
respuestas automáticas = -1.5
respuesta automática = -1.5
copiar y pegar = -1.2
ticket = 0
tickets = 0

## Rendimiento
rapidísimo = 2.5
vuela = 1.8
carga al instante = 2.3
carga rápido = 2.0
tiempo de carga = 0
tiempos de carga = 0
carga lenta = -2.0
tarda mucho = -2.0
tarda siglos = -2.5
una eternidad = -2.0
va lento = -2.0
va lentísimo = -2.5
a paso de tortuga = -2.2
tortuga = -1.5
se congela = -2.0
congela* = -1.8
se bloquea = -2.0
bloquea* = -1.5
pesad* = -1.2
se traba = -1.8

## Fiabilidad
fiabilidad = 1.5
disponibilidad = 0.8
siempre disponible = 1.8
a prueba de bombas = 2.8
como un reloj = 2.5
ni una caída = 2.0 neg 2.0
sin caídas = 2.0 neg 2.0
no carga = -1.8
se cayó = -2.0
caído = -1.8
fuera de línea = -1.0
inaccesible* = -2.0
no disponible = -1.8 neg -1.8
pérdida de datos = -2.8
perdimos datos = -2.5
datos perdidos = -2.5
corrupt* = -2.3
desapareci* = -1.8
intermitente* = -1.3
aleatori* = -0.6
otra vez = x1.2 -0.5
de nuevo = x1.2
otra caída = -2.5

## Facilidad de uso
fácil de usar = 2.0
sencillo de usar = 2.0
muy intuitivo = 2.8
se entiende = 1.2
se explica solo = 2.2
lógic* = 1.2
bien organizad* = 2.0
bien pensad* = 2.2
difícil de encontrar = -1.8
difícil de usar = -2.2
cuesta encontrar = -1.8
demasiados clics = -2.0
clics = -0.3
escondid* = -1.2
enrevesad* = -2.0
liado = -1.8
recargad* = -1.6
poco clar* = -1.5
laberinto = -1.8
me pierdo = -1.8
nos perdemos = -1.8

## Integraciones
sincroniza = 0.5 neg -1.5
se sincroniza = 0.8 neg -1.5
sincronización = 0.3
se conecta = 0.5 neg -1.5
se integra = 0.8 neg -1.5
se integra bien = 2.2
integración nativa = 1.0
desconect* = -1.5
desincroniz* = -2.0
duplicados = -1.5
duplica = -1.5
reconectar = -1.0
volver a conectar = -1.0
hay que volver a = -1.2
se rompe = -2.0

## Informes y análisis
personalizable* = 1.5
configurable* = 1.2
revelador* = 1.8
útilísim* = 2.5
de un vistazo = 1.5
echar un vistazo = 0
accionable* = 2.0
rígid* = -1.5
poco flexible* = -1.8
engañoso* = -2.2
ilegible* = -2.2
incomprensible* = -2.2
cifras erróneas = -2.2
erróne* = -1.6
no cuadran = -2.0 neg -2.0
no coinciden = -2.0 neg -2.0

## App móvil
batería = 0
gasta batería = -2.0
consume batería = -2.0
se cierra sola = -2.2
se cuelga siempre = -2.8
sobre la marcha = 1.0
desde el móvil = 0
no está optimizada = -1.8 neg -1.8
optimizad* = 1.0
diminut* = -0.8
abandonad* = -2.0
descuidad* = -2.0
a medio hacer = -2.0

## Facturación
cobro doble = -2.2
doble cobro = -2.2
cobraron dos veces = -2.2
cobrado de más = -2.5
cobran de más = -2.5
sin avisar = -1.8
sin previo aviso = -1.8
renovación automática = -0.8
reembolso = -0.3
reembolsaron = 1.0 neg -1.8
transparente* = 1.5
claras = 1.3
puntuales = 1.5

## Documentación
bien escrita = 2.2
bien explicad* = 2.2
bien documentad* = 2.2
mal documentad* = -2.2
sin documentar = -1.8 neg -1.8
fácil de seguir = 2.0
difícil de seguir = -2.0
ejemplos = 0.3
incomplet* = -1.8
vag* = -1.2
dispers* = -1.3
superficial* = -1.5
escueta = -0.8

## Seguridad y confianza
tranquilidad = 2.0
confianza = 1.5
nos da confianza = 2.2
cumple con = 1.0
certificad* = 1.0
cifrad* = 0.8
preocupante* = -1.8
descarta* = -1.5
nos descarta = -2.2
requisito indispensable = -0.5
bloqueante* = -2.0
riesgo de seguridad = -2.2
arriesgad* = -1.5
inseguridad = -1.8
cifras distintas = -1.5
cifras diferentes = -1.5
