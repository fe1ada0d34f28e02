"""What the demo network is drawn from: its sizes and dates, real places, Catalan names and
positions, the phrases of its contacts, and the weights that make some things likelier.

Only data lives here, so that the look of the demo can be tuned without reading the builders.
"""

from __future__ import annotations

from datetime import date

from db.models import Channel, EventKind, Referral, UserRole

FOUNDED_ON = date(2016, 5, 17)
PLAN_YEAR = 2026
BASE_MEMBERS = 70
NEW_MEMBERS = 8  # joined in the last twelve months, per unit of scale
LEFT_MEMBERS = 4
DRIFTING_MEMBERS = 5  # last contact 100-300 days ago
DELEGATES = 6
CONSELLS = 6
# Registrations open about two months ahead: events further away have none yet.
REGISTRATION_HORIZON_DAYS = 60

# Shares of ajuntaments per province: the network is strongest around Barcelona.
PROVINCE_SHARES = (("08", 0.64), ("17", 0.16), ("43", 0.12), ("25", 0.08))

# Comarques with no member (the Pyrenees, Terra Alta, Priorat, Segarra), by normalised name.
EMPTY_COMARQUES = (
    "aran",
    "val d'aran",
    "alta ribagorca",
    "pallars sobira",
    "pallars jussa",
    "terra alta",
    "priorat",
    "segarra",
)

# Well-known members that must be there, in order; the first ten are founders.
WELL_KNOWN = (
    "Barcelona",
    "Sabadell",
    "Terrassa",
    "Santa Coloma de Gramenet",
    "Manresa",
    "Vic",
    "Badalona",
    "Mataró",
    "Granollers",
    "Reus",
    "L'Hospitalet de Llobregat",
    "Girona",
    "Lleida",
    "Tarragona",
)
FOUNDERS = 10

# Consells comarcals in the network at scale 1; more are drawn at larger scales.
CONSELL_COMARQUES = ("bages", "osona", "alt emporda", "selva", "baix ebre", "noguera")

# The capital (seat of the consell comarcal) of each comarca; the largest town otherwise.
CAPITALS = {
    "alt camp": "Valls",
    "alt emporda": "Figueres",
    "alt penedes": "Vilafranca del Penedès",
    "alt urgell": "La Seu d'Urgell",
    "anoia": "Igualada",
    "bages": "Manresa",
    "baix camp": "Reus",
    "baix ebre": "Tortosa",
    "baix emporda": "La Bisbal d'Empordà",
    "baix llobregat": "Sant Feliu de Llobregat",
    "baix penedes": "El Vendrell",
    "bergueda": "Berga",
    "cerdanya": "Puigcerdà",
    "conca de barbera": "Montblanc",
    "garraf": "Vilanova i la Geltrú",
    "garrigues": "Les Borges Blanques",
    "garrotxa": "Olot",
    "girones": "Girona",
    "llucanes": "Prats de Lluçanès",
    "maresme": "Mataró",
    "moianes": "Moià",
    "montsia": "Amposta",
    "noguera": "Balaguer",
    "osona": "Vic",
    "pla d'urgell": "Mollerussa",
    "pla de l'estany": "Banyoles",
    "ribera d'ebre": "Móra d'Ebre",
    "ripolles": "Ripoll",
    "segria": "Lleida",
    "selva": "Santa Coloma de Farners",
    "solsones": "Solsona",
    "tarragones": "Tarragona",
    "urgell": "Tàrrega",
    "valles occidental": "Terrassa",
    "valles oriental": "Granollers",
}
# The demo's team: sign-in e-mail, name and role (an invented domain: nobody is written to).
STAFF = (
    ("nuria.vila@xmess.example", "Núria Vila i Soler", UserRole.STAFF),
    ("jordi.mas@xmess.example", "Jordi Mas i Pujol", UserRole.STAFF),
    ("laia.ferrer@xmess.example", "Laia Ferrer i Camps", UserRole.STAFF),
    ("marc.rovira@xmess.example", "Marc Rovira i Bosch", UserRole.STAFF),
    ("admin@xmess.example", "Administració XMESS", UserRole.ADMIN),
)

FEMALE_NAMES = (
    "Marta", "Laia", "Núria", "Anna", "Montserrat", "Mireia", "Carme", "Elisenda", "Judit",
    "Mercè", "Roser", "Gemma", "Sílvia", "Ester", "Aina", "Clara", "Irene", "Berta", "Meritxell",
    "Neus", "Olga", "Glòria", "Imma", "Txell", "Rosa", "Alba", "Júlia", "Maria", "Eulàlia",
    "Assumpta",
)  # fmt: skip
MALE_NAMES = (
    "Jordi", "Marc", "Pau", "Joan", "Xavier", "Oriol", "Albert", "Josep", "Jaume", "Ferran",
    "Sergi", "David", "Lluís", "Arnau", "Pere", "Quim", "Toni", "Ramon", "Enric", "Bernat",
    "Gerard", "Àlex", "Martí", "Narcís", "Ignasi", "Francesc", "Miquel", "Salvador", "Isidre",
    "Eduard",
)  # fmt: skip
SURNAMES = (
    "Puig", "Vila", "Soler", "Ferrer", "Pujol", "Serra", "Vidal", "Roca", "Casals", "Font",
    "Camps", "Bosch", "Riera", "Coll", "Martí", "Sala", "Prat", "Pons", "Mas", "Torres",
    "Esteve", "Planas", "Rovira", "Batlle", "Costa", "Farré", "Sabaté", "Grau", "Oliveras",
    "Badia", "Fabregat", "Rius", "Vilaró", "Comas", "Bertran", "Girbau", "Castells", "Noguera",
    "Sunyer", "Pagès", "Tarrés", "Valls", "Carbonell", "Canals", "Borràs", "Montserrat",
    "Cortés", "Garcia", "Martínez", "López", "Sánchez", "Fernández", "Rodríguez", "Pérez",
    "Ruiz", "Moreno", "Navarro", "Jiménez", "Romero", "Gil",
)  # fmt: skip

# (feminine, masculine) positions, by kind of member.
Positions = tuple[tuple[str, str], ...]
ELECTED_POSITIONS: Positions = (
    ("Regidora d'Economia Social i Solidària", "Regidor d'Economia Social i Solidària"),
    ("Regidora de Promoció Econòmica", "Regidor de Promoció Econòmica"),
    ("Tinenta d'alcaldia de Drets Socials", "Tinent d'alcaldia de Drets Socials"),
    ("Regidora de Comerç i Consum", "Regidor de Comerç i Consum"),
    ("Alcaldessa", "Alcalde"),
)
CONSELL_ELECTED: Positions = (
    ("Consellera comarcal de Promoció Econòmica", "Conseller comarcal de Promoció Econòmica"),
)
DIPUTACIO_ELECTED: Positions = (
    ("Diputada delegada d'Economia Social", "Diputat delegat d'Economia Social"),
)
TECHNICIAN_POSITIONS: Positions = (
    ("Tècnica de Promoció Econòmica", "Tècnic de Promoció Econòmica"),
    ("Tècnica d'Economia Social", "Tècnic d'Economia Social"),
    ("Tècnica de Desenvolupament Local", "Tècnic de Desenvolupament Local"),
    ("Agent d'Ocupació i Desenvolupament Local", "Agent d'Ocupació i Desenvolupament Local"),
    ("Cap del Servei de Promoció Econòmica", "Cap del Servei de Promoció Econòmica"),
    ("Tècnica de Contractació", "Tècnic de Contractació"),
)

CHANNEL_WEIGHTS = (
    (Channel.PHONE, 40),
    (Channel.EMAIL, 24),
    (Channel.VIDEO_CALL, 15),
    (Channel.MEETING, 12),
    (Channel.EVENT, 7),
    (Channel.OTHER, 2),
)
SUMMARIES: dict[Channel, tuple[str, ...]] = {
    Channel.PHONE: (
        "Trucada de seguiment: revisem les prioritats d'ESS del mandat i la participació a la "
        "Xarxa.",
        "Trucada de seguiment amb {person}: recordatori dels serveis (assessoraments, "
        "mentories, oficina virtual).",
        "Trucada per convidar {person} a l'assemblea i a les jornades temàtiques.",
        "Trucada de seguiment: canvis a l'equip tècnic, actualitzem les persones de contacte.",
        "Trucada amb {person} per preparar l'actualització de la fitxa de l'ABC de l'ESS.",
    ),
    Channel.EMAIL: (
        "Correu a {person} amb els materials del grup de treball i la circular d'activitats.",
        "Correu de seguiment: enviem la proposta d'assessorament i el calendari.",
        "Consulta per correu sobre les línies d'ajut de la DGESSC per a projectes d'ESS.",
        "Correu amb {person}: demanem experiències per al repositori de bones pràctiques.",
    ),
    Channel.VIDEO_CALL: (
        "Videotrucada amb {person}: seguiment del projecte local i properes passes.",
        "Videotrucada per preparar una mentoria amb un municipi de la Xarxa.",
        "Videotrucada amb l'equip tècnic sobre el pla local d'impuls de l'ESS.",
    ),
    Channel.MEETING: (
        "Reunió de seguiment a {municipality} amb l'equip tècnic i la regidoria.",
        "Reunió amb {person} per revisar el pla local d'ESS i les necessitats del territori.",
        "Visita a {municipality}: coneixem projectes d'ESS del municipi.",
    ),
    Channel.EVENT: (
        "Conversa durant l'assemblea amb {person}: interès a sumar-se a un grup de treball.",
        "Conversa a la jornada temàtica: volen compartir la seva experiència a la Xarxa.",
    ),
    Channel.OTHER: ("Missatge de seguiment a través de l'oficina virtual.",),
}
NEED_PHRASES = {
    "comerc": "vincular el comerç local amb l'ESS",
    "energia": "impulsar una comunitat energètica local",
    "agroecologia": "acompanyament en polítiques alimentàries i agroecologia",
    "industria": "connectar la indústria local amb l'ESS",
    "financament": "finançament per a projectes d'ESS",
    "ccpr": "assessorament en clàusules socials i contractació pública responsable",
    "habitatge_cooperatiu": "orientació sobre habitatge cooperatiu en cessió d'ús",
    "cures": "models comunitaris de gestió de les cures",
}
NEED_WEIGHTS = {
    "ccpr": 20,
    "energia": 17,
    "habitatge_cooperatiu": 15,
    "comerc": 13,
    "agroecologia": 12,
    "cures": 10,
    "industria": 8,
    "financament": 5,
}
REFERRAL_WEIGHTS = (
    (Referral.ADVISORY, 45),
    (Referral.ATENEU, 25),
    (Referral.MENTORING, 15),
    (Referral.DGESSC, 15),
)
REFERRAL_PHRASES = {
    Referral.ADVISORY: "Derivació a assessorament de la XMESS.",
    Referral.MENTORING: "Derivació a una mentoria amb un municipi de la Xarxa.",
    Referral.ATENEU: "Derivació a l'Ateneu Cooperatiu del territori.",
    Referral.DGESSC: "Derivació a un programa de la DGESSC.",
}
# How popular each active work group is when members pick theirs.
GROUP_POPULARITY = {
    "ccpr": 1.5,
    "agroecologia": 1.2,
    "habitatge_cooperatiu": 1.2,
    "formacio": 1.0,
    "comunalitats": 0.8,
    "cures": 0.8,
    "llei_ess": 0.8,
    "monedes_locals": 0.6,
}
THEMATIC_DAYS = {
    "current": (
        ("Compra i Contractació Pública Responsable", ("ccpr", "contractaci")),
        ("Habitatge Cooperatiu", ("habitatge",)),
        ("Comunitats Energètiques", ("energ",)),
    ),
    "previous": (
        ("Cures", ()),
        ("Indústria i ESS", ()),
        ("Consum conscient i responsable", ()),
    ),
}
# The base chance that an invited member registers, by kind of event: its engagement scales
# it, and an event held in its province adds to it (work-group sessions go by engagement alone).
REGISTRATION_CHANCES = {
    EventKind.ASSEMBLY: 0.7,
    EventKind.ELECTED_OFFICIALS_MEETING: 0.45,
    EventKind.THEMATIC_DAY: 0.28,
    EventKind.TERRITORIAL_MEETING: 0.6,
    EventKind.XAC_MEETING: 0.2,
    EventKind.RTES_EXCHANGE: 0.22,
    EventKind.ANNIVERSARY: 0.55,
    EventKind.EXECUTIVE_COMMISSION: 0.9,
    EventKind.TRAINING: 0.3,
    EventKind.OTHER: 0.2,
}
TERRITORIAL_TITLES = {
    "08": "Trobada territorial de la Catalunya Central i el Vallès",
    "17": "Trobada territorial de les comarques gironines",
    "25": "Trobada territorial de Ponent",
    "43": "Trobada territorial del Camp de Tarragona i les Terres de l'Ebre",
}
TRAININGS = (
    "la transversalització de l'ESS a les àrees municipals",
    "clàusules socials i reserva de contractes",
    "comunitats energètiques locals",
    "habitatge cooperatiu i masoveria urbana",
    "monedes locals com a eina de política pública",
    "economia de les cures i envelliment",
)
