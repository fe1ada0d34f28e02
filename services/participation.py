"""The participation index: one figure per member, 0-100, from the facts of the last 12 months.

It combines three signals the work plan cares about (section 1, "cura de membres"; section 6,
more participation in the work groups; sections 3 and 5, assemblies and days):

- follow-up contacts with the member (the relationship is alive),
- work-group sessions the member attended,
- other network events the member attended (assemblies, days, territorial meetings...).

Each signal is capped, so one very active channel cannot hide silence in the others, then
weighted. The same figure over the 12 months before gives the change, and the members whose
index fell the most are the plan's "cura de membres" list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Comarca,
    Event,
    EventKind,
    Interaction,
    Member,
    Municipality,
    Province,
    Registration,
    RegistrationStatus,
)
from services.clauses import active_member_clause
from services.frames import frame_of

WINDOW_DAYS = 365


@dataclass(frozen=True)
class IndexComponent:
    """One signal of the index: ``weight`` points when the count reaches ``cap``."""

    column: str
    label: str
    weight: float
    cap: int
    why: str


# Weights add up to 100. Caps are what a well-connected member reaches in a normal year.
COMPONENTS: tuple[IndexComponent, ...] = (
    IndexComponent(
        column="contacts",
        label="Contactes de seguiment",
        weight=20,
        cap=4,
        why="un contacte per trimestre és el seguiment periòdic que demana el pla; pesa menys "
        "perquè sovint l'inicia la coordinació, no el membre",
    ),
    IndexComponent(
        column="work_group_attendances",
        label="Sessions de grups de treball",
        weight=40,
        cap=6,
        why="un grup es reuneix unes 4-6 vegades l'any: seguir-ne un tot l'any omple la part",
    ),
    IndexComponent(
        column="event_attendances",
        label="Altres esdeveniments",
        weight=40,
        cap=6,
        why="la xarxa fa unes deu cites l'any obertes a tothom (assemblees, trobada de "
        "càrrecs electes, jornades, trobada territorial...): anar a més de la meitat omple la "
        "part",
    ),
)

COLUMNS = [
    "member_id",
    "member",
    "comarca",
    "province",
    "joined_on",
    "contacts",
    "work_group_attendances",
    "event_attendances",
    "index",
    "previous_contacts",
    "previous_work_group_attendances",
    "previous_event_attendances",
    "previous_index",
    "change",
]


def index_value(contacts: int, work_group_attendances: int, event_attendances: int) -> float:
    """The index for one member's counts (0-100, one decimal)."""
    counts = {
        "contacts": contacts,
        "work_group_attendances": work_group_attendances,
        "event_attendances": event_attendances,
    }
    total = sum(c.weight * min(counts[c.column] / c.cap, 1.0) for c in COMPONENTS)
    return round(total, 1)


def _windows(today: date) -> tuple[date, date]:
    """Starts (exclusive) of the current and previous 12-month windows ending today."""
    current_start = today - timedelta(days=WINDOW_DAYS)
    return current_start, current_start - timedelta(days=WINDOW_DAYS)


@reads(Area.MEMBERS, Area.CONTACTS, Area.EVENTS, Area.REFERENCE)
def participation_index(*, session: Session, today: date) -> pd.DataFrame:
    """One row per active member: its counts over the last 12 months, its index (0-100), the
    same over the 12 months before (``previous_*``) and ``change`` (index − previous_index).

    Attendances count distinct events (two persons of a member at one assembly count once).
    Members who joined during the windows simply have fewer facts: their previous index is
    low, so they never show up as falling."""
    current_start, previous_start = _windows(today)
    members = session.execute(
        select(Member.id, Member.name, Comarca.name, Province.name, Member.joined_on)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        .join(Province, Municipality.province_code == Province.code)
        .where(active_member_clause(today))
        .order_by(Member.name)
    ).all()
    if not members:
        return pd.DataFrame(columns=COLUMNS)
    frame = frame_of(
        members, columns=["member_id", "member", "comarca", "province", "joined_on"]
    ).set_index("member_id", drop=False)

    contact_current = case((Interaction.occurred_on > current_start, 1), else_=0).label("current")
    contacts = session.execute(
        select(Interaction.member_id, contact_current, func.count(Interaction.id))
        .where(Interaction.occurred_on > previous_start, Interaction.occurred_on <= today)
        .group_by(Interaction.member_id, contact_current)
    ).all()

    event_current = case((Event.held_on > current_start, 1), else_=0).label("current")
    is_session = case((Event.kind == EventKind.WORK_GROUP_SESSION, 1), else_=0).label("session")
    attendances = session.execute(
        select(
            Registration.member_id,
            event_current,
            is_session,
            func.count(func.distinct(Registration.event_id)),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == RegistrationStatus.ATTENDED,
            Event.held_on > previous_start,
            Event.held_on <= today,
        )
        .group_by(Registration.member_id, event_current, is_session)
    ).all()

    counts = frame_of(
        [(m, "contacts", c, n) for m, c, n in contacts]
        + [
            (m, "work_group_attendances" if s else "event_attendances", c, n)
            for m, c, s, n in attendances
        ],
        columns=["member_id", "column", "current", "count"],
    )
    counts["column"] = counts["column"].where(
        counts["current"].astype(bool), "previous_" + counts["column"]
    )
    wide = counts.pivot_table(
        index="member_id", columns="column", values="count", aggfunc="sum", fill_value=0
    )
    for prefix in ("", "previous_"):
        for component in COMPONENTS:
            column = prefix + component.column
            values = wide[column] if column in wide.columns else pd.Series(dtype=int)
            frame[column] = values.reindex(frame.index, fill_value=0).astype(int)

    for prefix, target in (("", "index"), ("previous_", "previous_index")):
        frame[target] = [
            index_value(c, w, e)
            for c, w, e in zip(
                frame[prefix + "contacts"],
                frame[prefix + "work_group_attendances"],
                frame[prefix + "event_attendances"],
                strict=True,
            )
        ]
    frame["index"] = frame["index"].astype(float)
    frame["previous_index"] = frame["previous_index"].astype(float)
    frame["change"] = (frame["index"] - frame["previous_index"]).round(1)
    frame["member_id"] = frame["member_id"].astype(int)
    return frame[COLUMNS].reset_index(drop=True)


def falling_from(frame: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The "cura de membres" list from an index frame: members whose index fell, the largest
    fall first (pages pass the frame they already hold instead of querying again)."""
    fallen = frame[frame["change"] < 0]
    return fallen.sort_values(["change", "member"]).head(limit).reset_index(drop=True)


def falling_members(*, session: Session, today: date, limit: int = 20) -> pd.DataFrame:
    """The "cura de membres" list: members whose index fell the most, largest fall first."""
    return falling_from(participation_index(session=session, today=today), limit)


BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))


def band_label(low: int, high: int) -> str:
    return f"{low}-{high}"


def bands_from(frame: pd.DataFrame) -> pd.DataFrame:
    """Members per band of the index (0-20 ... 80-100), now and 12 months earlier, for the
    chart: columns ``band``, ``period`` (``now`` / ``year_before``) and ``members``."""
    rows = []
    for column, period in (("index", "now"), ("previous_index", "year_before")):
        for low, high in BANDS:
            upper = frame[column] <= high if high == 100 else frame[column] < high
            count = int(((frame[column] >= low) & upper).sum())
            rows.append((band_label(low, high), period, count))
    return frame_of(rows, columns=["band", "period", "members"])


def index_bands(*, session: Session, today: date) -> pd.DataFrame:
    return bands_from(participation_index(session=session, today=today))
