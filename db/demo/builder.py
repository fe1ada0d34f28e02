"""A demo network that looks live: ``python -m db.demo [--scale N] [--seed S] [--today D]``.

Fills an empty, migrated database with a plausible XMESS: about 70 members at scale 1 (mostly
ajuntaments, skewed towards the province of Barcelona, several comarques with no presence),
their contact persons, two years of follow-up contacts, new members in onboarding (one stuck),
work groups with their sessions, the year's events and last year's, registrations, advisories
and the CCPR expert hours bag, plus the 2026 work plan through ``db.plan_loader``.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``, so the
same seed and day always give the same database, and the data never looks stale. Rows are
written with bulk inserts in one transaction: ``--scale 10`` loads in seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    AppUser,
    Channel,
    Comarca,
    Event,
    EventFormat,
    EventKind,
    Interaction,
    InteractionNeed,
    Member,
    MemberKind,
    Municipality,
    OnboardingStep,
    OnboardingStepKind,
    Person,
    PersonRole,
    PlanActivity,
    Referral,
    Registration,
    RegistrationStatus,
    Topic,
    UserRole,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from db.plan_loader import activities_csv, load_plan
from db.session import session_scope
from services.catalan import MONTHS, comarca_with_de, fold, with_de

FOUNDED_ON = date(2016, 5, 17)
PLAN_YEAR = 2026
BASE_MEMBERS = 70
NEW_MEMBERS = 8  # joined in the last twelve months, per unit of scale
LEFT_MEMBERS = 4
DRIFTING_MEMBERS = 5  # last contact 100-300 days ago
DELEGATES = 6
CONSELLS = 6
CCPR_BAG_HOURS = 50
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
STAFF = (
    ("nuria.vila", "Núria Vila i Soler", UserRole.STAFF),
    ("jordi.mas", "Jordi Mas i Pujol", UserRole.STAFF),
    ("laia.ferrer", "Laia Ferrer i Camps", UserRole.STAFF),
    ("marc.rovira", "Marc Rovira i Bosch", UserRole.STAFF),
    ("admin", "Administració XMESS", UserRole.ADMIN),
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
ELECTED_POSITIONS = (
    ("Regidora d'Economia Social i Solidària", "Regidor d'Economia Social i Solidària"),
    ("Regidora de Promoció Econòmica", "Regidor de Promoció Econòmica"),
    ("Tinenta d'alcaldia de Drets Socials", "Tinent d'alcaldia de Drets Socials"),
    ("Regidora de Comerç i Consum", "Regidor de Comerç i Consum"),
    ("Alcaldessa", "Alcalde"),
)
CONSELL_ELECTED = (
    ("Consellera comarcal de Promoció Econòmica", "Conseller comarcal de Promoció Econòmica"),
)
DIPUTACIO_ELECTED = (("Diputada delegada d'Economia Social", "Diputat delegat d'Economia Social"),)
TECHNICIAN_POSITIONS = (
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


@dataclass(frozen=True)
class DemoSummary:
    members: int
    persons: int
    staff: int
    interactions: int
    onboarding_steps: int
    advisories: int
    work_groups: int
    memberships: int
    events: int
    registrations: int
    plan_activities: int

    def describe(self) -> str:
        return (
            f"Dades de demostració: {self.members} membres, {self.persons} persones, "
            f"{self.interactions} contactes, {self.events} esdeveniments, "
            f"{self.registrations} inscripcions, {self.advisories} assessoraments, "
            f"{self.memberships} participacions en {self.work_groups} grups de treball, "
            f"{self.plan_activities} activitats del pla"
        )


# --- Names and slugs ---------------------------------------------------------------------------


def _comarca_key(name: str) -> str:
    """A comarca name folded and without its article, for lookups: "l'Alt Empordà" and "Alt
    Empordà" both give "alt emporda"."""
    folded = fold(name)
    for article in ("el ", "la ", "els ", "les ", "l'"):
        if folded.startswith(article):
            return folded[len(article) :]
    return folded


def _slug(text: str) -> str:
    folded = fold(text)
    kept = "".join(c if c.isalnum() else "-" for c in folded)
    return "-".join(part for part in kept.split("-") if part)


# --- Generation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Muni:
    ine_code: str
    name: str
    comarca_code: str
    comarca_name: str
    province_code: str
    population: int


@dataclass
class _Member:
    name: str
    kind: MemberKind
    muni: _Muni
    engagement: float
    joined_on: date = FOUNDED_ON
    left_on: date | None = None
    is_new: bool = False
    drifting: bool = False
    is_delegate: bool = False
    owner_id: int | None = None
    mentor: _Member | None = None
    abc_on: date | None = None
    id: int = 0
    persons: list[_Person] = field(default_factory=list)

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


@dataclass
class _Person:
    id: int
    role: PersonRole
    active: bool
    short_name: str


@dataclass
class _Event:
    title: str
    kind: EventKind
    held_on: date
    format: EventFormat
    place: _Muni | None
    work_group_code: str | None = None
    plan_activity_id: int | None = None
    # Who may register: a work group's enrolled members, a province, or the commission.
    province_code: str | None = None
    id: int = 0


class _DemoBuilder:
    def __init__(self, session: Session, rng: random.Random, scale: int, today: date) -> None:
        self.session = session
        self.rng = rng
        self.scale = scale
        self.today = today
        self.year = today.year
        self.counts: dict[str, int] = {}

    # -- helpers --

    def _insert_returning_ids(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Bulk insert that hands back the new ids in row order (RETURNING, one round trip per
        batch), so later tables can refer to them without an ORM object per row."""
        if not rows:
            return []
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(self.session.scalars(statement, rows))

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(model), rows)

    def _weighted(self, pairs: Sequence[tuple[Any, float]]) -> Any:
        values = [value for value, _ in pairs]
        weights = [weight for _, weight in pairs]
        return self.rng.choices(values, weights=weights)[0]

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    @staticmethod
    def _weekday(day: date) -> date:
        """Events fall on working days: a Saturday moves to Friday, a Sunday to Monday."""
        if day.weekday() == 5:
            return day - timedelta(days=1)
        if day.weekday() == 6:
            return day + timedelta(days=1)
        return day

    def _in_year(self, year: int, month: int, first_day: int = 1, last_day: int = 28) -> date:
        # Nothing is held over the Christmas holidays (from 20 December to 7 January).
        if month == 12:
            last_day = min(last_day, 19)
            first_day = min(first_day, last_day)
        if month == 1:
            first_day = max(first_day, 8)
            last_day = max(last_day, first_day)
        return self._weekday(date(year, month, self.rng.randint(first_day, last_day)))

    # -- the pieces, in dependency order --

    def run(self) -> DemoSummary:
        plan_year = self.year if activities_csv(self.year).is_file() else PLAN_YEAR
        plan_created = load_plan(self.session, year=plan_year)
        self.plan = {
            activity.code: activity
            for activity in self.session.scalars(
                select(PlanActivity).where(PlanActivity.year == plan_year)
            )
        }
        self.plan_year = plan_year
        self.groups = {group.code: group for group in self.session.scalars(select(WorkGroup))}
        self.topics = {topic.code: topic.id for topic in self.session.scalars(select(Topic))}

        self._staff()
        self._members()
        self._persons()
        self._onboarding()
        self._interactions()
        self._work_groups()
        self._events()
        self._advisories()
        self.session.flush()
        return DemoSummary(
            members=len(self.members),
            persons=self.counts["persons"],
            staff=len(self.staff_ids),
            interactions=self.counts["interactions"],
            onboarding_steps=self.counts["onboarding_steps"],
            advisories=self.counts["advisories"],
            work_groups=len(self.groups),
            memberships=self.counts["memberships"],
            events=self.counts["events"],
            registrations=self.counts["registrations"],
            plan_activities=plan_created,
        )

    def _staff(self) -> None:
        existing = {user.username: user.id for user in self.session.scalars(select(AppUser))}
        missing = [
            {"username": username, "full_name": name, "role": role, "active": True}
            for username, name, role in STAFF
            if username not in existing
        ]
        ids = iter(self._insert_returning_ids(AppUser, missing))
        by_username = {username: existing.get(username) or next(ids) for username, _, _ in STAFF}
        # Each coordinator owns a territory: two share Barcelona, one has Girona and Lleida.
        self.staff_ids = [by_username[u] for u, _, role in STAFF if role == UserRole.STAFF]
        self.admin_id = by_username["admin"]

    def _owner_for(self, province_code: str) -> int:
        staff = self.staff_ids
        if province_code in ("17", "25"):
            return staff[2 % len(staff)]
        if province_code == "43":
            return staff[3 % len(staff)]
        return self.rng.choice([staff[0], staff[1 % len(staff)]])

    def _municipalities(self) -> list[_Muni]:
        rows = self.session.execute(
            select(
                Municipality.ine_code,
                Municipality.name,
                Municipality.comarca_code,
                Comarca.name,
                Municipality.province_code,
                Municipality.population,
            )
            .join(Comarca, Comarca.code == Municipality.comarca_code)
            .order_by(Municipality.ine_code)
        ).all()
        if not rows:
            raise ValueError(
                "La base de dades no té municipis: cal aplicar les migracions abans de generar "
                "les dades de demostració."
            )
        return [
            _Muni(code, name, comarca, comarca_name, province, population or 0)
            for code, name, comarca, comarca_name, province, population in rows
        ]

    def _members(self) -> None:
        rng, scale = self.rng, self.scale
        munis = self._municipalities()
        by_name = {muni.name: muni for muni in munis}
        empty = {m.comarca_code for m in munis if _comarca_key(m.comarca_name) in EMPTY_COMARQUES}
        eligible = [m for m in munis if m.comarca_code not in empty]
        names: set[str] = set()
        members: list[_Member] = []

        def add(name: str, kind: MemberKind, muni: _Muni, engagement: float) -> _Member:
            member = _Member(name=name, kind=kind, muni=muni, engagement=engagement)
            names.add(name)
            members.append(member)
            return member

        def unique(name: str) -> str:
            # Beyond the real bodies (at larger scales) a body is reused with a suffix.
            copy = 2
            candidate = name
            while candidate in names:
                candidate = f"{name} (demo {copy})"
                copy += 1
            return candidate

        total = BASE_MEMBERS * scale
        diputacio = add(
            "Diputació de Barcelona",
            MemberKind.DIPUTACIO,
            next((m for m in munis if m.ine_code == "08019"), None)
            or by_name.get("Barcelona")
            or munis[0],
            0.8,
        )
        diputacio.joined_on = date(2017, 3, 14)

        # Consells comarcals, seated in their capital (or their largest town).
        by_comarca: dict[str, list[_Muni]] = {}
        for muni in eligible:
            by_comarca.setdefault(muni.comarca_code, []).append(muni)
        comarca_names = {m.comarca_code: m.comarca_name for m in eligible}
        keys = {code: _comarca_key(name) for code, name in comarca_names.items()}
        preferred = [c for c in by_comarca if keys[c] in CONSELL_COMARQUES]
        preferred.sort(key=lambda c: CONSELL_COMARQUES.index(keys[c]))
        others = [c for c in sorted(by_comarca) if c not in preferred and keys[c] != "barcelones"]
        rng.shuffle(others)
        consell_codes = (preferred + others)[: CONSELLS * scale]
        for code in consell_codes:
            seat_name = CAPITALS.get(keys[code])
            towns = by_comarca[code]
            seat = next((m for m in towns if m.name == seat_name), None) or max(
                towns, key=lambda m: (m.population, m.ine_code)
            )
            name = f"Consell Comarcal {comarca_with_de(comarca_names[code])}"
            add(unique(name), MemberKind.CONSELL_COMARCAL, seat, rng.betavariate(2, 2))

        # Ajuntaments: the well-known ones, then larger towns first, province by province.
        towns_left = total - len(members)
        forced = [by_name[name] for name in WELL_KNOWN if name in by_name]
        for index, province in enumerate(PROVINCE_SHARES):
            code, share = province
            quota = round(towns_left * share)
            if index == 0:
                quota = towns_left - sum(round(towns_left * s) for _, s in PROVINCE_SHARES[1:])
            chosen = [m for m in forced if m.province_code == code]
            pool = [m for m in eligible if m.province_code == code and m not in chosen]
            # Weighted sampling without replacement (Efraimidis-Spirakis): larger towns are
            # likelier, but a small town can still be a member.
            keyed = sorted(
                pool,
                key=lambda m: rng.random() ** (1.0 / max(m.population, 300) ** 0.75),
                reverse=True,
            )
            order = chosen + keyed
            for position in range(quota):
                muni = order[position % len(order)]
                engagement = rng.betavariate(2.2, 2.0)
                if muni in forced:
                    engagement = max(engagement, 0.55)
                add(
                    unique(f"Ajuntament {with_de(muni.name)}"),
                    MemberKind.AJUNTAMENT,
                    muni,
                    engagement,
                )
        self._dates(members, forced)
        for member in members:
            member.owner_id = self._owner_for(member.muni.province_code)
        # Oldest first, so that a mentor always has a smaller id than the member it mentors.
        members.sort(key=lambda m: (m.joined_on, m.name))
        self.members = members
        self._write_members()

    def _dates(self, members: list[_Member], forced: list[_Muni]) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        forced_names = {f"Ajuntament {with_de(m.name)}" for m in forced}
        founders = {f"Ajuntament {with_de(m.name)}" for m in forced[:FOUNDERS]}
        span = max((today - timedelta(days=400) - FOUNDED_ON).days, 30)
        for member in members:
            if member.name in founders:
                member.joined_on = FOUNDED_ON
            elif member.name in forced_names:
                # The other capitals joined in the network's first years.
                member.joined_on = FOUNDED_ON + timedelta(days=rng.randint(60, 1200))
            elif member.kind != MemberKind.DIPUTACIO:
                # Growth was steady: a uniform draw over the years since the founding.
                member.joined_on = FOUNDED_ON + timedelta(days=rng.randint(30, span))

        ordinary = [
            m for m in members if m.kind == MemberKind.AJUNTAMENT and m.name not in forced_names
        ]
        rng.shuffle(ordinary)
        new = ordinary[: NEW_MEMBERS * scale]
        rest = ordinary[NEW_MEMBERS * scale :]
        offsets = sorted(rng.sample(range(35, 350), len(new) - 2)) if len(new) > 2 else []
        for member, days in zip(new, [7, 19, *offsets], strict=False):
            member.joined_on = today - timedelta(days=days)
            member.is_new = True
            member.engagement = rng.uniform(0.35, 0.75)

        old_enough = [m for m in rest if (today - m.joined_on).days > 800]
        for member in old_enough[: LEFT_MEMBERS * scale]:
            # Within the two years of contacts, so the farewell call is on record.
            earliest = max(member.joined_on + timedelta(days=365), today - timedelta(days=690))
            latest = today - timedelta(days=60)
            member.left_on = earliest + timedelta(
                days=rng.randint(0, max((latest - earliest).days, 0))
            )
            member.engagement = min(member.engagement, 0.3)
        leaving = set(map(id, old_enough[: LEFT_MEMBERS * scale]))
        remaining = [m for m in rest if id(m) not in leaving]
        for member in remaining[: DRIFTING_MEMBERS * scale]:
            member.drifting = True
            member.engagement = min(member.engagement, 0.3)

        # Territorial delegates: engaged, long-standing members spread over the provinces.
        candidates = [
            m
            for m in members
            if not (m.is_new or m.drifting or m.left_on) and m.kind != MemberKind.DIPUTACIO
        ]
        delegates_left = DELEGATES * scale
        for province, _share in PROVINCE_SHARES:
            in_province = [m for m in candidates if m.muni.province_code == province]
            in_province.sort(key=lambda m: -m.engagement)
            take = max(1, round(delegates_left * (0.5 if province == "08" else 0.17)))
            for member in in_province[:take]:
                member.is_delegate = True
                member.engagement = max(member.engagement, 0.6)

        # ABC-of-ESS sheets: most active members updated theirs at some point.
        for member in members:
            if member.is_new or member.left_on:
                continue
            if rng.random() < 0.72:
                days = rng.randint(15, max(16, min(1100, (today - member.joined_on).days)))
                member.abc_on = today - timedelta(days=days)

        # Each new member gets a mentor: an older, engaged member, of its province if possible.
        seniors = [
            m
            for m in members
            if m.kind == MemberKind.AJUNTAMENT
            and not (m.is_new or m.drifting or m.left_on)
            and (today - m.joined_on).days > 730
        ]
        seniors.sort(key=lambda m: -m.engagement)
        seniors = seniors[: max(10, len(seniors) // 2)]
        for member in new:
            same = [m for m in seniors if m.muni.province_code == member.muni.province_code]
            member.mentor = rng.choice(same or seniors)

    def _write_members(self) -> None:
        def row(member: _Member) -> dict[str, Any]:
            return {
                "name": member.name,
                "kind": member.kind,
                "municipality_code": member.muni.ine_code,
                "joined_on": member.joined_on,
                "left_on": member.left_on,
                "mentor_id": member.mentor.id if member.mentor else None,
                "is_territorial_delegate": member.is_delegate,
                "abc_sheet_updated_on": member.abc_on,
                "owner_id": member.owner_id,
                "notes": "",
                "version": 1,
            }

        # Mentors are inserted first: a new member refers to its mentor's id.
        first = [m for m in self.members if m.mentor is None]
        second = [m for m in self.members if m.mentor is not None]
        for batch in (first, second):
            ids = self._insert_returning_ids(Member, [row(m) for m in batch])
            for member, member_id in zip(batch, ids, strict=True):
                member.id = member_id

    def _persons(self) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        owners: list[_Member] = []
        meta: list[tuple[PersonRole, bool, str]] = []
        emails: set[str] = set()
        for member in self.members:
            if member.kind == MemberKind.DIPUTACIO:
                count = 3
            elif member.muni.population > 100_000 and member.kind == MemberKind.AJUNTAMENT:
                count = rng.randint(3, 4)
            else:
                count = self._weighted(((1, 3), (2, 5), (3, 2)))
            domain_kind = {
                MemberKind.AJUNTAMENT: "ajuntament",
                MemberKind.CONSELL_COMARCAL: "consell",
                MemberKind.DIPUTACIO: "diputacio",
                MemberKind.ALTRE: "ens",
            }[member.kind]
            domain = f"{domain_kind}-{_slug(member.name.split(' ', 2)[-1])}.example"
            for index in range(count):
                # One technician at least: the day-to-day contact of the coordination team.
                role = (
                    PersonRole.TECHNICIAN
                    if index == 0
                    else self._weighted(((PersonRole.ELECTED, 5), (PersonRole.TECHNICIAN, 4)))
                )
                female = rng.random() < 0.58
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                surname, second = rng.sample(SURNAMES, 2)
                if role == PersonRole.ELECTED:
                    positions = {
                        MemberKind.CONSELL_COMARCAL: CONSELL_ELECTED,
                        MemberKind.DIPUTACIO: DIPUTACIO_ELECTED,
                    }.get(member.kind, ELECTED_POSITIONS)
                else:
                    positions = TECHNICIAN_POSITIONS
                position = rng.choice(positions)[0 if female else 1]
                local = f"{_slug(first)}.{_slug(surname)}".replace("-", "")
                email = f"{local}@{domain}"
                suffix = 2
                while email in emails:
                    email = f"{local}{suffix}@{domain}"
                    suffix += 1
                emails.add(email)
                active = rng.random() > 0.06 or index == 0
                rows.append(
                    {
                        "member_id": member.id,
                        "full_name": f"{first} {surname} {second}",
                        "role": role,
                        "position": position,
                        "email": email,
                        "phone": self._phone(member.muni.province_code),
                        "consent_contact": rng.random() < 0.92,
                        "consent_image": rng.random() < 0.75,
                        "active": active,
                        "version": 1,
                    }
                )
                owners.append(member)
                meta.append((role, active, f"{first} {surname}"))
        ids = self._insert_returning_ids(Person, rows)
        for member, person_id, (role, active, short) in zip(owners, ids, meta, strict=True):
            member.persons.append(_Person(person_id, role, active, short))
        self.counts["persons"] = len(ids)

    def _phone(self, province_code: str) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            return f"6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        if province_code == "08":
            return f"93 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        prefix = {"17": "972", "25": "973", "43": "977"}[province_code]
        return f"{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"

    def _onboarding(self) -> None:
        """New members' welcome protocol: the two newest have nothing (or almost nothing) done,
        a couple are stuck, some are complete, the rest are on their way."""
        rng, today = self.rng, self.today
        steps = list(OnboardingStepKind)
        new = sorted((m for m in self.members if m.is_new), key=lambda m: m.joined_on)
        rows: list[dict[str, Any]] = []
        self.welcome_on: dict[int, date] = {}
        self.first_advisory_on: dict[int, date] = {}
        self.mentor_assigned_on: dict[int, date] = {}
        # Stuck: members a few months in whose last step is over a month old (not the very
        # oldest new member, which is nearly a year in and done).
        long_ago = [m for m in new if (today - m.joined_on).days > 90]
        stuck = {id(m) for m in long_ago[1 : 1 + 2 * self.scale]}
        for member in new:
            age = (today - member.joined_on).days
            done: list[date | None] = [None] * len(steps)
            if age <= 10:
                pass  # joined a week ago: nothing done yet
            elif age <= 30:
                # The mentor is assigned and the virtual office opened before the welcome call.
                done[1] = member.joined_on + timedelta(days=3)
                done[3] = member.joined_on + timedelta(days=5)
            else:
                if id(member) in stuck:
                    how_many = rng.randint(2, 4)
                    horizon = today - timedelta(days=rng.randint(35, 70))
                elif age > 200 or rng.random() < 0.4:
                    how_many = len(steps)
                    horizon = today - timedelta(days=2)
                else:
                    how_many = rng.randint(3, len(steps) - 1)
                    horizon = today - timedelta(days=rng.randint(2, 20))
                day = member.joined_on + timedelta(days=rng.randint(4, 12))
                for index in range(how_many):
                    done[index] = min(day, horizon)
                    day += timedelta(days=rng.randint(3, 30))
                # The last step done is what the stuck rule reads: a member on its way did
                # something in the last weeks; a stuck one has not for over a month.
                if id(member) not in stuck:
                    done[how_many - 1] = max(horizon, done[how_many - 2] or horizon)
            for step, done_on in zip(steps, done, strict=True):
                rows.append({"member_id": member.id, "step": step, "done_on": done_on})
            if done[0] is not None:
                self.welcome_on[member.id] = done[0]
            if done[1] is not None:
                self.mentor_assigned_on[member.id] = done[1]
            if done[5] is not None:
                member.abc_on = done[5]
            if done[6] is not None:
                self.first_advisory_on[member.id] = done[6]
        self._insert(OnboardingStep, rows)
        # The ABC sheet date of a new member follows its onboarding step.
        updates = [m for m in new if m.abc_on is not None]
        for member in updates:
            self.session.execute(
                Member.__table__.update()
                .where(Member.__table__.c.id == member.id)
                .values(abc_sheet_updated_on=member.abc_on)
            )
        self.counts["onboarding_steps"] = len(rows)

    def _interactions(self) -> None:
        rng, today = self.rng, self.today
        window_start = today - timedelta(days=730)
        topic_pairs = [
            (code, weight) for code, weight in NEED_WEIGHTS.items() if code in self.topics
        ]
        rows: list[dict[str, Any]] = []
        needs: list[list[int]] = []
        for member in self.members:
            persons = [p for p in member.persons if p.active] or member.persons
            events: list[tuple[date, str | None]] = []  # (day, fixed summary)
            if member.is_new:
                welcome = self.welcome_on.get(member.id)
                if welcome is None:
                    continue  # the newest members: never contacted yet
                events.append((welcome, "welcome"))
                start = welcome + timedelta(days=rng.randint(10, 30))
                end = today
            else:
                start = max(member.joined_on, window_start)
                end = member.left_on or today
                if member.drifting:
                    end = today - timedelta(days=rng.randint(100, 300))
            # Engaged members are called more often: every ~35 days down to every ~130.
            gap = 130 - 95 * member.engagement
            day = start + timedelta(days=rng.randint(0, int(gap)))
            while day <= end:
                events.append((day, None))
                day += timedelta(days=max(7, int(gap * rng.uniform(0.5, 1.5))))
            if member.left_on is not None:
                events.append((member.left_on - timedelta(days=rng.randint(0, 20)), "left"))
            elif not member.drifting:
                last = max((d for d, _ in events), default=None)
                if last is None or last < today - timedelta(days=75):
                    events.append((self._days_ago(2, 70), None))
            events.sort(key=lambda pair: pair[0])
            for position, (occurred_on, kind) in enumerate(events):
                person = rng.choice(persons) if persons and rng.random() < 0.88 else None
                staff = member.owner_id if rng.random() < 0.8 else rng.choice(self.staff_ids)
                topic_codes: list[str] = []
                referral: Referral | None = None
                if kind == "welcome":
                    channel = Channel.MEETING
                    summary = (
                        "Reunió de benvinguda amb {person}: presentació del protocol "
                        "d'acollida, drets i deures i recursos de la XMESS."
                    )
                elif kind == "left":
                    channel = Channel.PHONE
                    summary = (
                        "Trucada amb {person}: ens comuniquen la baixa de la XMESS per motius "
                        "pressupostaris."
                    )
                else:
                    channel = self._weighted(CHANNEL_WEIGHTS)
                    summary = rng.choice(SUMMARIES[channel])
                    if rng.random() < 0.32 and topic_pairs:
                        topic_codes.append(self._weighted(topic_pairs))
                        if rng.random() < 0.25:
                            other = self._weighted(topic_pairs)
                            if other not in topic_codes:
                                topic_codes.append(other)
                        summary += (
                            " Detectada necessitat de "
                            + " i de ".join(NEED_PHRASES.get(code, code) for code in topic_codes)
                            + "."
                        )
                        if rng.random() < 0.35:
                            referral = self._weighted(REFERRAL_WEIGHTS)
                            summary += " " + REFERRAL_PHRASES[referral]
                person_text = "l'equip tècnic" if person is None else person.short_name
                text = summary.format(person=person_text, municipality=member.muni.name)
                is_last = position == len(events) - 1
                next_contact = None
                if kind != "left" and is_last and not member.drifting:
                    # The latest call set the next one: mostly ahead, a few just missed.
                    next_contact = max(
                        today + timedelta(days=rng.randint(-10, 75)),
                        occurred_on + timedelta(days=7),
                    )
                elif kind != "left" and rng.random() < 0.3:
                    next_contact = occurred_on + timedelta(days=rng.randint(14, 100))
                rows.append(
                    {
                        "member_id": member.id,
                        "person_id": person.id if person else None,
                        "staff_id": staff,
                        "occurred_on": occurred_on,
                        "channel": channel,
                        "summary": text,
                        "referral": referral,
                        "next_contact_on": next_contact,
                    }
                )
                needs.append([self.topics[code] for code in topic_codes])
        ids = self._insert_returning_ids(Interaction, rows)
        need_rows = [
            {"interaction_id": interaction_id, "topic_id": topic_id}
            for interaction_id, topic_ids in zip(ids, needs, strict=True)
            for topic_id in topic_ids
        ]
        self._insert(InteractionNeed, need_rows)
        self.counts["interactions"] = len(ids)

    def _work_groups(self) -> None:
        """Memberships: engaged members sit in more groups; Finançament keeps a few old ones."""
        rng, today = self.rng, self.today
        active_codes = [
            code
            for code, group in self.groups.items()
            if group.status == WorkGroupStatus.ACTIVE and code in GROUP_POPULARITY
        ]
        active_codes += [
            code
            for code, group in self.groups.items()
            if group.status == WorkGroupStatus.ACTIVE and code not in active_codes
        ]
        # The ESS Law group starts with the year the plan activates it.
        law_start = date(self.year, 1, 20)
        if (today - law_start).days < 60:
            law_start = today - timedelta(days=120)
        self.group_start = {code: FOUNDED_ON + timedelta(days=200) for code in self.groups}
        self.group_start["llei_ess"] = law_start
        rows: list[dict[str, Any]] = []
        # (member, joined_on, left_on) per group, for the sessions' invitations.
        self.enrolled: dict[str, list[tuple[_Member, date, date | None]]] = {
            code: [] for code in self.groups
        }
        for member in self.members:
            e = member.engagement
            if member.is_new:
                count = 1 if rng.random() < 0.5 and (today - member.joined_on).days > 45 else 0
            else:
                count = 0 if rng.random() > 0.25 + e else 1 + (e > 0.5) + (rng.random() < e - 0.4)
            pairs = [(code, GROUP_POPULARITY.get(code, 0.7)) for code in active_codes]
            chosen: list[str] = []
            while len(chosen) < min(count, len(pairs)):
                code = self._weighted(pairs)
                if code not in chosen:
                    chosen.append(code)
            for code in chosen:
                start = max(member.joined_on, self.group_start[code])
                end = member.left_on or today
                if start > end:
                    continue
                joined = start + timedelta(days=rng.randint(0, min(200, (end - start).days)))
                left = member.left_on
                if left is None and rng.random() < 0.08 and (today - joined).days > 200:
                    left = joined + timedelta(days=rng.randint(90, (today - joined).days))
                rows.append(
                    {
                        "work_group_id": self.groups[code].id,
                        "member_id": member.id,
                        "joined_on": joined,
                        "left_on": left,
                    }
                )
                self.enrolled[code].append((member, joined, left))
        suspended = [c for c, g in self.groups.items() if g.status == WorkGroupStatus.SUSPENDED]
        veterans = [m for m in self.members if m.joined_on < date(2021, 1, 1) and not m.left_on]
        for code in suspended:
            for member in rng.sample(veterans, min(len(veterans), 4 * self.scale)):
                joined = member.joined_on + timedelta(days=rng.randint(60, 500))
                rows.append(
                    {
                        "work_group_id": self.groups[code].id,
                        "member_id": member.id,
                        "joined_on": joined,
                        "left_on": None,
                    }
                )
                self.enrolled[code].append((member, joined, None))
        self._insert(WorkGroupMembership, rows)
        self.counts["memberships"] = len(rows)

    # -- events --

    def _activity(self, *keywords: str, cap_group: str | None = None) -> int | None:
        """The plan activity an event carries out, found by keywords: in the titles first (a
        description may mention anything), then in the descriptions; ``cap_group`` restricts
        the search to cap groups whose name contains it (e.g. "jornad")."""
        activities = sorted(self.plan.values(), key=lambda a: a.code)
        if cap_group is not None:
            activities = [a for a in activities if cap_group in fold(a.cap_group or "")]
        for use_description in (False, True):
            for activity in activities:
                text = fold(activity.title + (activity.description if use_description else ""))
                if all(fold(keyword) in text for keyword in keywords):
                    return activity.id
        return None

    def _places(self, province_code: str | None = None) -> list[_Muni]:
        """Real towns of active members (no demo copies), where in-person events are held."""
        seen: dict[str, _Muni] = {}
        for member in self.members:
            if member.left_on or "(demo" in member.name or member.is_new:
                continue
            if province_code and member.muni.province_code != province_code:
                continue
            seen.setdefault(member.muni.ine_code, member.muni)
        return [seen[code] for code in sorted(seen)]

    def _host(self, places: list[_Muni]) -> _Muni:
        """A town for a network event: larger towns host more often, small ones sometimes."""
        return self._weighted([(m, max(m.population, 500) ** 0.5) for m in places])

    def _city(self, places: list[_Muni]) -> _Muni:
        """Barcelona for the big celebration, when it is a member."""
        return next((m for m in places if m.ine_code == "08019"), None) or self._host(places)

    def _network_events(self, year: int) -> list[_Event]:
        rng = self.rng
        current = year == self.year
        barcelona = self._places("08")
        anywhere = self._places()

        def linked(*keywords: str, cap_group: str | None = None) -> int | None:
            if year != self.plan_year:
                return None
            return self._activity(*keywords, cap_group=cap_group)

        events: list[_Event] = []
        rtes_format = EventFormat.VIRTUAL if year % 2 else EventFormat.IN_PERSON
        events.append(
            _Event(
                f"Trobada d'intercanvi amb RTES {year}",
                EventKind.RTES_EXCHANGE,
                self._in_year(year, 1, 20, 30),
                rtes_format,
                self._host(barcelona) if rtes_format != EventFormat.VIRTUAL else None,
                plan_activity_id=linked("rtes"),
            )
        )
        for title, month, first, last, keyword in (
            (f"Assemblea ordinària de primavera {year}", rng.choice((3, 4)), 10, 28, "assemble"),
            (f"Assemblea ordinària de tardor {year}", 10, 15, 30, "assemble"),
        ):
            events.append(
                _Event(
                    title,
                    EventKind.ASSEMBLY,
                    self._in_year(year, month, first, last),
                    EventFormat.HYBRID,
                    self._host(anywhere),
                    plan_activity_id=linked(keyword),
                )
            )
        events.append(
            _Event(
                f"Trobada anual de càrrecs electes {year}",
                EventKind.ELECTED_OFFICIALS_MEETING,
                self._in_year(year, rng.choice((4, 5)), 1, 28),
                EventFormat.IN_PERSON,
                self._host(barcelona),
                plan_activity_id=linked("carrecs electes"),
            )
        )
        # At most three thematic days a year (the plan's cap), spread over the year.
        months = sorted(rng.sample((2, 5, 6, 9, 11), 3))
        days = THEMATIC_DAYS["current" if current else "previous"]
        for (topic, keywords), month in zip(days, months, strict=True):
            place = self._host(anywhere)
            fmt = EventFormat.IN_PERSON if rng.random() < 0.6 else EventFormat.HYBRID
            activity = None
            if year == self.plan_year:
                activity = next(
                    (
                        found
                        for keyword in keywords
                        if (found := self._activity(keyword, cap_group="jornad")) is not None
                    ),
                    None,
                )
            events.append(
                _Event(
                    f"Jornada temàtica: {topic}",
                    EventKind.THEMATIC_DAY,
                    self._in_year(year, month),
                    fmt,
                    place,
                    plan_activity_id=activity,
                )
            )
        events.append(
            _Event(
                f"Trobada de la XMESS amb la XAC {year}",
                EventKind.XAC_MEETING,
                self._in_year(year, rng.choice((5, 6))),
                EventFormat.IN_PERSON,
                self._host(barcelona),
                plan_activity_id=linked("xac"),
            )
        )
        if current:
            anniversary = year - FOUNDED_ON.year
            events.append(
                _Event(
                    f"Acte de celebració dels {anniversary} anys de la XMESS",
                    EventKind.ANNIVERSARY,
                    self._weekday(date(year, 12, rng.randint(9, 12))),
                    EventFormat.IN_PERSON,
                    self._city(barcelona),
                    plan_activity_id=linked("10 anys"),
                )
            )
            events.append(
                _Event(
                    "Sessió informativa: la Llei de l'ESS i les competències municipals",
                    EventKind.TRAINING,
                    self._in_year(year, 6),
                    EventFormat.VIRTUAL,
                    None,
                    work_group_code=None,
                    plan_activity_id=linked("llei", "sessio informativa"),
                )
            )
        # Online training sessions, with the Formació group (one a year per unit of scale).
        for index in range(self.scale):
            title = TRAININGS[(index + year) % len(TRAININGS)]
            events.append(
                _Event(
                    f"Formació: {title}",
                    EventKind.TRAINING,
                    self._in_year(year, (2, 4, 6, 9, 10, 11)[(index + year) % 6]),
                    EventFormat.VIRTUAL,
                    None,
                    plan_activity_id=linked("formaci"),
                )
            )
        # Territorial meetings: one per province a year (more at larger scales).
        meeting_months = (3, 5, 10, 11)
        for round_ in range(self.scale):
            for (province, _), month in zip(PROVINCE_SHARES, meeting_months, strict=True):
                places = self._places(province)
                if not places:
                    continue
                place = rng.choice(places)
                title = TERRITORIAL_TITLES[province]
                if round_:
                    title = f"Trobada territorial a {place.name}"
                events.append(
                    _Event(
                        title,
                        EventKind.TERRITORIAL_MEETING,
                        self._in_year(year, (month + round_) % 12 + 1 if round_ else month),
                        EventFormat.IN_PERSON,
                        place,
                        plan_activity_id=linked("territorial"),
                        province_code=province,
                    )
                )
        # The Executive Commission meets online about monthly (not in August).
        for month in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12):
            events.append(
                _Event(
                    f"Comissió Executiva ({MONTHS[month - 1]} {year})",
                    EventKind.EXECUTIVE_COMMISSION,
                    self._in_year(year, month, 8, 18),
                    EventFormat.VIRTUAL,
                    None,
                    plan_activity_id=linked("comissio"),
                )
            )
        return events

    def _group_sessions(self, year: int) -> list[_Event]:
        rng, today = self.rng, self.today
        events: list[_Event] = []
        for code in sorted(self.groups):
            group = self.groups[code]
            if group.status == WorkGroupStatus.SUSPENDED:
                # Suspended: its last sessions were two years back, none since.
                if year == self.year - 2:
                    months = [3, 6]
                else:
                    continue
            else:
                count = rng.randint(4, 6)
                start_month = 2 if code != "llei_ess" else max(self.group_start[code].month, 2)
                if code == "llei_ess" and year < self.group_start[code].year:
                    continue
                available = [m for m in range(start_month, 13) if m != 8]
                months = sorted(rng.sample(available, min(count, len(available))))
            for month in months:
                held_on = self._in_year(year, month)
                if held_on < today - timedelta(days=730):
                    continue
                roll = rng.random()
                fmt = (
                    EventFormat.VIRTUAL
                    if roll < 0.8
                    else EventFormat.HYBRID
                    if roll < 0.9
                    else EventFormat.IN_PERSON
                )
                place = None
                if fmt != EventFormat.VIRTUAL:
                    hosts = [
                        m.muni for m, _, _ in self.enrolled[code] if "(demo" not in m.name
                    ] or self._places()
                    place = rng.choice(hosts)
                activity = None
                if year == self.plan_year and group.id is not None:
                    activity = next(
                        (
                            a.id
                            for a in sorted(self.plan.values(), key=lambda a: a.code)
                            if a.work_group_id == group.id
                            and "jornad" not in fold(f"{a.cap_group} {a.title}")
                        ),
                        None,
                    )
                events.append(
                    _Event(
                        f"Sessió del GT {with_de(group.name)} ({MONTHS[month - 1]} {year})",
                        EventKind.WORK_GROUP_SESSION,
                        held_on,
                        fmt,
                        place,
                        work_group_code=code,
                        plan_activity_id=activity,
                    )
                )
        return events

    def _events(self) -> None:
        events: list[_Event] = []
        for year in (self.year - 2, self.year - 1, self.year):
            if year >= self.year - 1:
                events.extend(self._network_events(year))
            events.extend(self._group_sessions(year))
        events.sort(key=lambda e: (e.held_on, e.title))
        ids = self._insert_returning_ids(
            Event,
            [
                {
                    "title": e.title,
                    "kind": e.kind,
                    "held_on": e.held_on,
                    "format": e.format,
                    "municipality_code": e.place.ine_code if e.place else None,
                    "work_group_id": self.groups[e.work_group_code].id
                    if e.work_group_code
                    else None,
                    "plan_activity_id": e.plan_activity_id,
                    "notes": "",
                }
                for e in events
            ],
        )
        for event, event_id in zip(events, ids, strict=True):
            event.id = event_id
        self.counts["events"] = len(ids)
        self._registrations(events)

    def _registrations(self, events: list[_Event]) -> None:
        rng, today = self.rng, self.today
        # The Executive Commission: the diputació, the delegates and a few engaged members.
        commission = [m for m in self.members if m.is_delegate or m.kind == MemberKind.DIPUTACIO]
        engaged = sorted(
            (m for m in self.members if not (m.is_new or m.left_on or m in commission)),
            key=lambda m: (-m.engagement, m.name),
        )
        commission += engaged[: 3 * self.scale]
        base = {
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
        rows: list[dict[str, Any]] = []
        for event in events:
            upcoming = event.held_on >= today
            if upcoming and (event.held_on - today).days > REGISTRATION_HORIZON_DAYS:
                continue  # registrations are not open yet
            if event.kind == EventKind.WORK_GROUP_SESSION:
                assert event.work_group_code is not None
                invited = [
                    m
                    for m, joined, left in self.enrolled[event.work_group_code]
                    if joined <= event.held_on
                    and (left is None or left > event.held_on)
                    and m.active_on(event.held_on)
                ]
            elif event.kind == EventKind.EXECUTIVE_COMMISSION:
                invited = commission
            elif event.kind == EventKind.TERRITORIAL_MEETING:
                invited = [m for m in self.members if m.muni.province_code == event.province_code]
            else:
                invited = self.members
            for member in invited:
                if not member.active_on(event.held_on - timedelta(days=3)):
                    continue
                e = member.engagement
                if event.kind == EventKind.WORK_GROUP_SESSION:
                    chance = 0.3 + 0.65 * e
                else:
                    chance = base[event.kind] * (0.35 + 0.9 * e)
                    if (
                        event.place is not None
                        and event.kind != EventKind.TERRITORIAL_MEETING
                        and event.place.province_code == member.muni.province_code
                    ):
                        chance += 0.1
                if upcoming:
                    chance *= 0.8  # not everyone has registered yet
                if rng.random() >= min(chance, 0.97):
                    continue
                persons = [p for p in member.persons if p.active]
                if event.kind in (EventKind.ELECTED_OFFICIALS_MEETING, EventKind.ASSEMBLY):
                    persons.sort(key=lambda p: p.role != PersonRole.ELECTED)
                else:
                    persons.sort(key=lambda p: p.role != PersonRole.TECHNICIAN)
                how_many = 2 if event.kind == EventKind.ASSEMBLY and e > 0.65 else 1
                chosen = persons[:how_many] or [None]
                for person in chosen:
                    registered_on = event.held_on - timedelta(days=rng.randint(1, 35))
                    registered_on = max(min(registered_on, today), member.joined_on)
                    if upcoming:
                        status = (
                            RegistrationStatus.CANCELLED
                            if rng.random() < 0.04
                            else RegistrationStatus.REGISTERED
                        )
                    elif rng.random() < 0.05:
                        status = RegistrationStatus.CANCELLED
                    elif rng.random() < 0.5 + 0.47 * e:
                        status = RegistrationStatus.ATTENDED
                    else:
                        status = RegistrationStatus.NO_SHOW
                    rows.append(
                        {
                            "event_id": event.id,
                            "member_id": member.id,
                            "person_id": person.id if person else None,
                            "status": status,
                            "registered_on": registered_on,
                        }
                    )
        self._insert(Registration, rows)
        self.counts["registrations"] = len(rows)

    # -- advisories --

    def _advisories(self) -> None:
        rng, today = self.rng, self.today
        topic_codes = [code for code in NEED_WEIGHTS if code in self.topics]
        rows: list[dict[str, Any]] = []

        def closed(requested: date, status: AdvisoryStatus) -> date | None:
            if status not in (AdvisoryStatus.DONE, AdvisoryStatus.CANCELLED):
                return None
            return min(requested + timedelta(days=rng.randint(10, 90)), today)

        def status_for(requested: date) -> AdvisoryStatus:
            age = (today - requested).days
            if age < 30:
                return self._weighted(
                    ((AdvisoryStatus.REQUESTED, 3), (AdvisoryStatus.IN_PROGRESS, 4))
                )
            if age < 120:
                return self._weighted(
                    (
                        (AdvisoryStatus.IN_PROGRESS, 4),
                        (AdvisoryStatus.DONE, 5),
                        (AdvisoryStatus.CANCELLED, 1),
                    )
                )
            return self._weighted(((AdvisoryStatus.DONE, 9), (AdvisoryStatus.CANCELLED, 1)))

        active = [m for m in self.members if m.left_on is None and not m.is_new]
        # Advisories: engaged members ask more.
        for index in range(7 * self.scale):
            member = self._weighted([(m, 0.2 + m.engagement) for m in active])
            # A few recent requests keep the list of open advisories alive.
            requested = self._days_ago(0, 100) if index % 3 == 0 else self._days_ago(0, 700)
            requested = max(requested, member.joined_on)
            status = status_for(requested)
            topic = self._weighted([(c, NEED_WEIGHTS[c]) for c in topic_codes])
            hours = Decimal(rng.randint(4, 24)) / 2 if status != AdvisoryStatus.REQUESTED else 0
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.ADVISORY,
                    "topic_id": self.topics[topic],
                    "status": status,
                    "mentor_member_id": None,
                    "requested_on": requested,
                    "closed_on": closed(requested, status),
                    "hours": Decimal(hours),
                    "description": f"Assessorament sobre {NEED_PHRASES[topic]}.",
                }
            )
        # First short advisories (píndoles) of new members who reached that step.
        for member in self.members:
            done_on = self.first_advisory_on.get(member.id)
            if done_on is None:
                continue
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.ADVISORY,
                    "topic_id": None,
                    "status": AdvisoryStatus.DONE,
                    "mentor_member_id": None,
                    "requested_on": done_on - timedelta(days=rng.randint(5, 20)),
                    "closed_on": done_on,
                    "hours": Decimal("2.0"),
                    "description": "Píndola: primeres passes per fer polítiques públiques d'ESS.",
                }
            )
        # Mentorings: every new member with its mentor, and a few between older members.
        for member in self.members:
            if member.mentor is None:
                continue
            requested = self.mentor_assigned_on.get(member.id)
            if requested is None:
                continue
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.MENTORING,
                    "topic_id": None,
                    "status": AdvisoryStatus.IN_PROGRESS,
                    "mentor_member_id": member.mentor.id,
                    "requested_on": requested,
                    "closed_on": None,
                    "hours": Decimal(rng.randint(1, 8)),
                    "description": f"Mentoria d'acollida amb {member.mentor.name}.",
                }
            )
        mentors = sorted(
            (m for m in active if m.kind == MemberKind.AJUNTAMENT), key=lambda m: -m.engagement
        )[:10]
        for _ in range(2 * self.scale):
            member = rng.choice(active)
            mentor = rng.choice([m for m in mentors if m is not member])
            requested = max(self._days_ago(30, 600), member.joined_on, mentor.joined_on)
            status = status_for(requested)
            topic = rng.choice(topic_codes)
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.MENTORING,
                    "topic_id": self.topics[topic],
                    "status": status,
                    "mentor_member_id": mentor.id,
                    "requested_on": requested,
                    "closed_on": closed(requested, status),
                    "hours": Decimal(rng.randint(2, 10)),
                    "description": f"Mentoria de {mentor.name} sobre {NEED_PHRASES[topic]}.",
                }
            )
        rows += self._ccpr_bag(active)
        self._insert(Advisory, rows)
        self.counts["advisories"] = len(rows)

    def _ccpr_bag(self, active: list[_Member]) -> list[dict[str, Any]]:
        """The CCPR expert service: a yearly bag of 50 h for small municipalities. This year's
        use grows with the year (about 32-44 h by November), last year's nearly filled it."""
        rng, today = self.rng, self.today
        small = sorted(
            (m for m in active if m.kind == MemberKind.AJUNTAMENT and "(demo" not in m.name),
            key=lambda m: (m.muni.population, m.name),
        )[:14]
        rows: list[dict[str, Any]] = []
        ccpr_topic = self.topics.get("ccpr")
        for year in (self.year - 1, self.year):
            first = date(year, 1, 8)
            last = min(date(year, 12, 15), today)
            if last <= first:
                continue
            if year == self.year:
                elapsed = (today - date(year, 1, 1)).days / 365
                target = rng.randint(32, 44) * min(1.0, 0.25 + elapsed)
            else:
                target = rng.randint(44, CCPR_BAG_HOURS)
            users = rng.sample(small, min(len(small), rng.randint(4, 6)))
            shares = [rng.uniform(0.6, 1.4) for _ in users]
            # Half hours, summing exactly to the target (never above the bag).
            halves = [max(2, int(2 * target * s / sum(shares))) for s in shares]
            halves[-1] += max(int(2 * target) - sum(halves), -halves[-1] + 2)
            starts = sorted(
                first + timedelta(days=rng.randint(0, (last - first).days)) for _ in users
            )
            for member, half_hours, requested in zip(users, halves, starts, strict=True):
                requested = max(requested, member.joined_on)
                age = (today - requested).days
                status = AdvisoryStatus.DONE if age > 60 else AdvisoryStatus.IN_PROGRESS
                rows.append(
                    {
                        "member_id": member.id,
                        "kind": AdvisoryKind.CCPR_EXPERT,
                        "topic_id": ccpr_topic,
                        "status": status,
                        "mentor_member_id": None,
                        "requested_on": requested,
                        "closed_on": (
                            min(requested + timedelta(days=rng.randint(15, 50)), today)
                            if status == AdvisoryStatus.DONE
                            else None
                        ),
                        "hours": Decimal(half_hours) / 2,
                        "description": "Servei expert en CCPR: clàusules socials i "
                        "reserva de contractes.",
                    }
                )
            # One request withdrawn before any hour was spent: shown, never counted.
            member = rng.choice(small)
            requested = max(
                first + timedelta(days=rng.randint(0, (last - first).days)), member.joined_on
            )
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.CCPR_EXPERT,
                    "topic_id": ccpr_topic,
                    "status": AdvisoryStatus.CANCELLED,
                    "mentor_member_id": None,
                    "requested_on": requested,
                    "closed_on": min(requested + timedelta(days=7), max(today, requested)),
                    "hours": Decimal("0"),
                    "description": "Sol·licitud retirada pel municipi.",
                }
            )
        return rows


def generate_demo(
    engine: Engine, *, seed: int = 2026, scale: int = 1, today: date | None = None
) -> DemoSummary:
    """Fill an empty, migrated database with the demo network, in one transaction.

    Raises ``ValueError`` (in Catalan) when the database already has members: the demo is
    never mixed with real data."""
    if scale < 1:
        raise ValueError("L'escala de les dades de demostració ha de ser 1 o més.")
    today = today or date.today()
    with session_scope(engine) as session:
        existing = session.scalar(select(func.count()).select_from(Member)) or 0
        if existing:
            raise ValueError(
                f"La base de dades ja té {existing} membres: les dades de demostració només "
                "es carreguen en una base de dades buida."
            )
        return _DemoBuilder(session, random.Random(seed), scale, today).run()


def has_members(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.scalar(select(func.count()).select_from(Member)))


def main(argv: list[str] | None = None) -> int:
    from db.migrate import upgrade_to_head  # local: importing Alembic is only for the CLI
    from db.session import describe_url, make_engine
    from settings import database_url

    parser = argparse.ArgumentParser(prog="python -m db.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="volume multiplier (default 1)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the day the data is relative to, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing, quietly, when the database already has members",
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be 1 or more")

    url = database_url()
    engine = make_engine(url)
    try:
        # The demo needs the schema and the territory: bring the database to head first.
        upgrade_to_head(engine)
        if has_members(engine):
            if args.if_empty:
                return 0
            print(
                "La base de dades ja té membres: no s'hi carreguen dades de demostració.",
                file=sys.stderr,
            )
            return 1
        start = time.perf_counter()
        summary = generate_demo(engine, seed=args.seed, scale=args.scale, today=args.today)
        elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
    print(f"{summary.describe()} ({describe_url(url)}, {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
