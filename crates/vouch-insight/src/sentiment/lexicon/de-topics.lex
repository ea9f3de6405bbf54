# Deutscher Wortschatz nach Feedback-Thema, nach de.lex (ein Eintrag dort gewinnt).

## Einführung und Einrichtung
im handumdrehen = 2.2
in wenigen minuten = 1.5
in ein paar minuten = 1.5
innerhalb einer stunde = 1.2
an einem tag = 1.2
sofort startklar = 2.0
startklar = 1.5
auf anhieb = 1.8
reibungslos = 2.2
schnell eingerichtet = 2.2
gut begleitet = 2.0
begleitet = 0.8
allein gelassen = -2.2
alleingelassen = -2.2
im stich gelassen = -2.5
keine unterstützung = -2.0 neg -2.0
keine hilfe = -2.0 neg -2.0
wochenlang = -1.5
monatelang = -1.8
ewigkeit = -1.5
eine ewigkeit = -2.0
holprig = -1.5
chaotisch = -2.0
unorganisiert* = -2.0
überstürzt* = -1.5

## Preis
preis leistung = 0
preis leistungs verhältnis = 0
preiswert = 1.5
jeden cent wert = 3.0
sein geld wert = 2.2
das geld wert = 2.2
fairer preis = 1.8
faire preise = 1.8
günstiger = 1.2
preiserhöhung* = -2.0
preissteigerung* = -2.0
teurer geworden = -2.0
zu teuer = -2.2
viel zu teuer = -2.8
nicht bezahlbar = -2.5 neg -2.5
unbezahlbar* = -2.5
abzocke = -3.0
abzock* = -2.8
aufpreis = -1.2
aufpreise = -1.2
zusatzkosten = -1.2
kostenpflichtig* = -0.8
pro nutzer = 0

## Support
schnelle antwort = 2.0
schnelle antworten = 2.0
antwortet schnell = 2.0
antworten schnell = 2.0
sehr hilfsbereit = 2.8
freundlich und kompetent = 2.8
zuvorkommend* = 2.2
engagiert* = 2.0
verständnisvoll* = 1.8
erreichbar* = 1.2
keine antwort = -2.0 neg -2.0
nie eine antwort = -2.2
nie geantwortet = -2.2
unerreichbar* = -2.2
inkompetent* = -2.8
unfreundlich* = -2.2
herablassend* = -2.5
standardantwort* = -1.5
textbaustein* = -1.5
vertröstet = -1.8
abgewimmelt = -2.2
hingehalten = -2.0
ticket = 0
tickets = 0

## Geschwindigkeit
rasend schnell = 2.8
pfeilschnell = 2.5
flink* = 1.8
performant* = 2.0
lädt sofort = 2.3
lädt schnell = 2.0
ladezeit* = 0
lädt ewig = -2.2
schneckentempo = -2.2
schnecke = -1.8
ruckelt = -1.8
ruckelig* = -1.8
hakt = -1.5
hakelig* = -1.5
stockt = -1.5
verzögert* = -1.5
ausgebremst = -1.5

## Zuverlässigkeit
verfügbarkeit = 0.8
immer verfügbar = 1.8
ausfallsicher* = 2.2
felsenfest* = 2.5
grundsolide* = 2.5
kein ausfall = 2.0 neg 2.0
nicht erreichbar = -2.0 neg -2.0
nicht verfügbar = -1.8 neg -1.8
offline = -1.0
datenverlust* = -2.8
daten verloren = -2.5
beschädigt* = -2.0
verschwinden = -1.5
sporadisch* = -1.0
zufällig* = -0.5
schon wieder = x1.3 -0.8
stürzt ab = -2.3

## Bedienung
leicht zu bedienen = 2.0
einfach zu bedienen = 2.0
intuitiv bedienbar = 2.2
selbsterklärend* = 2.2
logisch = 1.2
logisch aufgebaut = 2.0
gut strukturiert = 2.0
durchdacht* = 2.2
schwer zu finden = -1.8
schwer zu bedienen = -2.2
schwer zu durchschauen = -2.0
zu viele klicks = -2.0
klicks = -0.3
versteckt* = -1.2
unauffindbar* = -2.0
verwirrend* = -2.0
unverständlich* = -2.0
unstrukturiert* = -1.8
überfrachtet* = -1.8
labyrinth = -1.8
unintuitiv* = -2.0

## Integrationen
synchronisiert = 0.5 neg -1.5
synchronisation = 0.3
verbindet sich = 0.5 neg -1.5
nahtlos* = 2.3
integriert sich = 0.8 neg -1.5
lässt sich gut = 1.5
lässt sich einfach = 1.5
lassen sich einfach = 1.5
lassen sich super = 2.2
verbindung bricht = -2.0
getrennt = -1.2
neu verbinden = -1.0
neu verbunden = -1.0
dubletten = -1.5
duplikate = -1.5
doppelt angelegt = -1.8

## Berichte und Auswertungen
aussagekräftig* = 2.0
anpassbar* = 1.5
konfigurierbar* = 1.2
auf einen blick = 1.5
erkenntnisreich* = 2.0
aufschlussreich* = 2.0
starr = -1.5
unflexibel* = -1.8
irreführend* = -2.2
unleserlich* = -2.2
falsche zahlen = -2.2
stimmen nicht = -2.0 neg -2.0
passen nicht = -1.8 neg -1.8

## App
akku = 0
frisst akku = -2.2
akkufresser = -2.2
schließt sich = -1.5
stürzt ständig ab = -2.8
unterwegs = 1.0
nicht optimiert = -1.8 neg -1.8
optimiert = 1.0
winzig* = -0.8
vernachlässigt* = -2.0
stiefmütterlich* = -2.0
halbgar* = -2.0
unausgereift* = -2.0
ausgereift* = 1.8

## Abrechnung
doppelt berechnet = -2.2
falsch berechnet = -2.2
zu viel berechnet = -2.2
ohne vorwarnung = -1.8
ohne ankündigung = -1.8
automatisch verlängert = -1.2
rückerstattung* = -0.3
erstattet = 1.0 neg -1.8
transparent* = 1.5
nachvollziehbar* = 1.5
übersichtlich = 1.8

## Dokumentation
gut geschrieben = 2.2
gut erklärt = 2.2
gut dokumentiert = 2.2
schlecht dokumentiert = -2.2
nicht dokumentiert = -1.8 neg -1.8
undokumentiert* = -1.8
leicht verständlich = 2.0
verständlich = 1.5
beispiele = 0.3
oberflächlich* = -1.5
unvollständig* = -1.8
lückenhaft = -1.8
vage = -1.2
verstreut* = -1.3

## Sicherheit und Vertrauen
vertrauen = 1.5
vertrauenswürdig* = 2.0
beruhigend* = 2.0
sicheres gefühl = 2.2
konform* = 1.3
zertifiziert* = 1.0
verschlüsselt* = 0.8
bedenklich* = -1.8
ausschlusskriterium = -2.5
k.o. kriterium = -2.5
no go = -2.5
nogo = -2.5
riskant* = -1.5
unsicher = -1.5
nicht konform = -2.0 neg -2.0
unterschiedliche zahlen = -1.5
andere zahlen = -1.2
