# Vocabulaire français par thème d'avis, après fr.lex (une entrée de fr.lex l'emporte).

## Prise en main et déploiement
prise en main = 0
clé en main = 2.0
en quelques minutes = 1.5
en quelques clics = 1.8
en une heure = 1.2
en un jour = 1.2
tout de suite = 1.0
rapidement = 1.5
accompagnement = 0.5
accompagné* = 1.2
bien accompagné* = 2.2
bien guidés = 2.0
bien guidé = 2.0
livré* à nous-mêmes = -2.0
laissés seuls = -1.8
aucun accompagnement = -2.0
aucune aide = -2.0
interminable* = -2.2
laborieux = -1.8
chaotique* = -2.0
désorganisé* = -2.0
bâclé* = -2.2
expédié* = -1.0

## Prix
bon rapport qualité prix = 2.5
excellent rapport = 2.5
rapport qualité prix = 0
qualité prix = 0
vaut son prix = 2.0
prix correct = 1.0
prix raisonnable = 1.5
tarif* = 0
hausse = -1.2
augmentation = -1.0
augmentation de prix = -1.8
augmentation des prix = -1.8
hausse des prix = -1.8
hausse de prix = -1.8
trop cher = -2.2
ruineux = -2.2
excessif = -1.6
pas donné = -1.5 neg -1.5
coûte un bras = -2.5
la douloureuse = -1.8
payer plus = -1.2
en supplément = -1.0
option payante = -1.0
options payantes = -1.0

## Support
au petit soin* = 2.5
aux petits soins = 2.5
à l'écoute = 2.0
disponibles = 1.3
réponse rapide = 2.0
réponses rapides = 2.0
répond vite = 2.0
répondent vite = 2.0
réactifs = 2.0
réactives = 2.0
efficaces = 2.0
courtois* = 1.8
serviable* = 2.0
attentionné* = 2.0
compréhensi* = 1.5
sans réponse = -2.0
aucune réponse = -2.0
jamais de réponse = -2.0
jamais répondu = -2.0
répond jamais = -2.0
relance* = -0.8
relancer = -1.0
injoignable* = -2.2
incompétent* = -2.8
désagréable* = -2.2
méprisant* = -2.5
réponse type = -1.5
réponses types = -1.5
copier coller = -1.2
ticket = 0
tickets = 0

## Performance
fulgurant* = 2.5
ultra rapide = 2.8
réactivité = 2.0
se charge instantanément = 2.3
chargement* = 0
temps de chargement = 0
interminable = -2.2
mouline = -1.8
rame = -1.5
ça rame = -2.0
ralentissement* = -1.8
ramer = -1.5
à la traîne = -1.5
escargot = -1.8
lenteurs = -2.0
lourdeur* = -1.5
gourmand* = -1.0

## Fiabilité
fiabilité = 1.5
disponibilité = 0.8
toujours disponible = 1.8
jamais en panne = 2.0
increvable = 2.5
sans faille = 2.5
inaccessible* = -2.0
indisponible* = -1.8
hors ligne = -1.0
plantage = -2.0
plantages = -2.0
crashe* = -2.0
crash = -2.0
données perdues = -2.8
perte de données = -2.8
corrompu* = -2.3
disparu* = -1.8
aléatoire* = -0.8
intermittent* = -1.3
régression* = -1.5
encore une panne = -2.5
encore = 0

## Facilité d'utilisation
facile à utiliser = 2.0
facile d'utilisation = 2.0
simple d'utilisation = 2.0
prise en main facile = 2.2
prise en main rapide = 2.2
prise en main intuitive = 2.2
logique = 1.2
bien organisé* = 2.0
bien pensée = 2.2
auto-explicati* = 2.0
difficile à trouver = -1.8
difficile à utiliser = -2.2
pas intuitif = -2.0 neg -2.0
pas intuitive = -2.0 neg -2.0
trop de clics = -2.0
clics = -0.3
illogique* = -2.0
fouillis = -2.0
brouillon* = -1.5
surchargé* = -1.6
peu clair* = -1.5
labyrinthe = -1.8
perdu = -1.5
on s'y perd = -2.0
s'y retrouver = 0.5 neg -1.5
retrouver = 0.3 neg -1.2

## Intégrations
synchronise* = 0.5 neg -1.5
synchro = 0.3
se connecte = 0.5 neg -1.5
s'intègre = 0.8 neg -1.5
s'intègre bien = 2.2
intégration native = 1.0
désynchronis* = -2.0
doublon* = -1.5
en double = -1.2
reconnecter = -1.0
refaire = -1.0
tout refaire = -1.8
casse souvent = -2.0

## Rapports et analyses
personnalisable* = 1.5
paramétrable* = 1.2
parlant* = 1.5
exploitable* = 1.5
pertinent* = 1.8
éclairant* = 1.8
en un coup d'œil = 1.5
rigide* = -1.5
figé* = -1.2
trompeur* = -2.2
illisible* = -2.2
incompréhensible* = -2.2
chiffres faux = -2.2
pas fiables = -2.0 neg -2.0

## Appli mobile
vide la batterie = -2.2
batterie = 0
se ferme = -1.5
se ferme toute seule = -2.2
plante tout le temps = -2.8
en déplacement = 1.0
mobilité = 0.5
pas optimisé* = -1.8 neg -1.8
optimisé* = 1.0
minuscule* = -0.8
délaissé* = -2.0
abandonné* = -2.0
à l'abandon = -2.0

## Facturation
facturé = -0.5
facturés = -0.5
double facturation = -2.2
surfactur* = -2.5
erreur de facturation = -2.2
sans prévenir = -1.8
sans préavis = -1.8
reconduction tacite = -1.0
remboursement = -0.3
remboursé = 1.0 neg -1.8
transparent* = 1.5
transparence = 1.5
claires = 1.5

## Documentation
bien écrite = 2.2
bien expliqué* = 2.2
bien documenté* = 2.2
mal documenté* = -2.2
pas documenté* = -1.8 neg -1.8
facile à suivre = 2.0
difficile à suivre = -2.0
exemples = 0.3
obsolète = -1.8
périmée* = -1.8
lacunaire* = -1.8
succinct* = -0.8
sommaire* = -1.0
vague* = -1.2
éparpillé* = -1.3

## Sécurité et confiance
sérénité = 2.0
rassurant* = 2.0
rassuré* = 2.0
confiance = 1.5
conforme* = 1.3
certifié* = 1.0
chiffré* = 0.8
sécurisé = 1.5
sécurisée = 1.5
inquiétant* = -1.8
rédhibitoire* = -2.5
bloquant* = -2.0
point bloquant = -2.2
non conforme = -2.0
faille de sécurité = -2.5
risqué* = -1.5
chiffres différents = -1.5
