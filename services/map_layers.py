"""Everything the territorial map draws, as plain frames: comarques with their presence class,
members with follow-up status and participation, the year's events by place, mentor links,
and the side tables (comarques without presence, the per-province summary).

Built in one pass so the page asks once per data version; ``filter_province`` narrows the
whole bundle to one province without another query.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Event,
    Municipality,
    Province,
)
from services import territory
from services.follow_up import Cadence, member_status
from services.formatting import fmt_date
from services.frames import frame_of
from services.labels import EVENT_KIND
from services.participation import participation_index

NO_PRESENCE_LABEL = "Sense presència"
MENTOR_LABEL = "Municipi mentor"
MENTORING_LABEL = "Mentoria en curs"
# Up to this many classes of comarques with presence (the choropleth's colour steps).
PRESENCE_STEPS = 4

MEMBER_COLUMNS = [
    *territory.LOCATION_COLUMNS,
    "status",
    "last_contact",
    "owner",
    "in_onboarding",
    "participation",
    "mentor",
    "mentees",
]
EVENT_COLUMNS = [
    "municipality_code",
    "municipality",
    "comarca_code",
    "province",
    "lat",
    "lon",
    "events",
    "held",
    # The dated list of the place's events, one per line (a popup's content).
    "event_lines",
]
LINK_COLUMNS = [
    "mentor_id",
    "mentor",
    "mentee_id",
    "mentee",
    "kind",
    "mentor_lat",
    "mentor_lon",
    "mentee_lat",
    "mentee_lon",
    "mentor_province",
    "mentee_province",
]


@dataclass(frozen=True)
class PresenceClass:
    """A step of the choropleth: comarques with ``lower`` to ``upper`` members."""

    index: int
    lower: int
    upper: int | None
    label: str


@dataclass(frozen=True)
class MapLayers:
    today: date
    province: str | None
    comarques: pd.DataFrame
    members: pd.DataFrame
    events: pd.DataFrame
    virtual_events: int
    mentor_links: pd.DataFrame
    uncovered: pd.DataFrame
    provinces: pd.DataFrame
    presence_classes: tuple[PresenceClass, ...]
    # Changes whenever anything drawn changes: the key of the cached map.
    version: str


def presence_classes(counts: pd.Series, steps: int = PRESENCE_STEPS) -> tuple[PresenceClass, ...]:
    """Class 0 is "no presence"; comarques with members split into up to ``steps`` classes
    at the quantiles of their counts, so the colours spread whatever the network's size."""
    classes = [PresenceClass(0, 0, 0, NO_PRESENCE_LABEL)]
    present = np.sort(counts[counts > 0].to_numpy(dtype=float))
    if present.size == 0:
        return tuple(classes)
    uppers = sorted(
        {int(np.ceil(np.quantile(present, q / steps))) for q in range(1, steps)}
        | {int(present[-1])}
    )
    lower = 1
    for upper in uppers:
        if upper < lower:
            continue
        last = upper == uppers[-1]
        if last and upper > lower:
            label = f"{lower} o més"
        elif upper == lower:
            label = f"{lower}"
        else:
            label = f"{lower}–{upper}"
        classes.append(PresenceClass(len(classes), lower, None if last else upper, label))
        lower = upper + 1
    return tuple(classes)


def presence_class_of(members: int, classes: tuple[PresenceClass, ...]) -> int:
    for step in classes:
        if members >= step.lower and (step.upper is None or members <= step.upper):
            return step.index
    return classes[-1].index


def events_by_place(*, session: Session, year: int, today: date) -> tuple[pd.DataFrame, int]:
    """The year's events with a place, one row per municipality (count, held so far, and a
    dated list), and how many of the year's events were virtual (no place to draw)."""
    rows = session.execute(
        select(
            Event.held_on,
            Event.title,
            Event.kind,
            Municipality.ine_code,
            Municipality.name,
            Municipality.comarca_code,
            Province.name,
            Municipality.lat,
            Municipality.lon,
        )
        .outerjoin(Municipality, Event.municipality_code == Municipality.ine_code)
        .outerjoin(Province, Municipality.province_code == Province.code)
        .where(Event.held_on.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(Event.held_on, Event.title)
    ).all()
    frame = frame_of(
        rows,
        [
            "held_on",
            "title",
            "kind",
            "municipality_code",
            "municipality",
            "comarca_code",
            "province",
            "lat",
            "lon",
        ],
    )
    placed = frame[frame["municipality_code"].notna()]
    virtual = len(frame) - len(placed)
    if placed.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS), virtual
    lines = placed.apply(
        lambda row: f"{fmt_date(row['held_on'])} · {row['title']} ({EVENT_KIND[row['kind']]})",
        axis=1,
    )
    grouped = placed.assign(line=lines, held=placed["held_on"] <= today).groupby(
        ["municipality_code", "municipality", "comarca_code", "province", "lat", "lon"],
        as_index=False,
    )
    result = grouped.agg(
        events=("line", "size"), held=("held", "sum"), event_lines=("line", "\n".join)
    )
    result["held"] = result["held"].astype(int)
    return result[EVENT_COLUMNS].sort_values("municipality").reset_index(drop=True), virtual


def mentor_links(*, session: Session, members: pd.DataFrame) -> pd.DataFrame:
    """Mentor → mentee pairs between the located (active) ``members``: the mentor assigned at
    onboarding (municipi mentor) and the mentorings still open; one line per pair."""
    open_mentorings = session.execute(
        select(Advisory.mentor_member_id, Advisory.member_id).where(
            Advisory.kind == AdvisoryKind.MENTORING,
            Advisory.mentor_member_id.is_not(None),
            Advisory.status.in_([AdvisoryStatus.REQUESTED, AdvisoryStatus.IN_PROGRESS]),
        )
    ).all()
    assigned = members.loc[members["mentor_id"].notna(), ["mentor_id", "member_id"]]
    pairs = pd.concat(
        [
            pd.DataFrame(
                {
                    "mentor_id": assigned["mentor_id"].astype(int),
                    "mentee_id": assigned["member_id"].astype(int),
                    "kind": MENTOR_LABEL,
                }
            ),
            frame_of(open_mentorings, ["mentor_id", "mentee_id"])
            .astype(int)
            .assign(kind=MENTORING_LABEL),
        ],
        ignore_index=True,
    ).drop_duplicates(["mentor_id", "mentee_id"], keep="first")
    located = members.set_index("member_id")
    # Both ends must be active members: a mentor who left draws nothing.
    pairs = pairs[pairs["mentor_id"].isin(located.index) & pairs["mentee_id"].isin(located.index)]
    if pairs.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    mentor = located.loc[pairs["mentor_id"]]
    mentee_rows = located.loc[pairs["mentee_id"]]
    frame = pd.DataFrame(
        {
            "mentor_id": pairs["mentor_id"].to_numpy(),
            "mentor": mentor["member"].to_numpy(),
            "mentee_id": pairs["mentee_id"].to_numpy(),
            "mentee": mentee_rows["member"].to_numpy(),
            "kind": pairs["kind"].to_numpy(),
            "mentor_lat": mentor["lat"].to_numpy(),
            "mentor_lon": mentor["lon"].to_numpy(),
            "mentee_lat": mentee_rows["lat"].to_numpy(),
            "mentee_lon": mentee_rows["lon"].to_numpy(),
            "mentor_province": mentor["province"].to_numpy(),
            "mentee_province": mentee_rows["province"].to_numpy(),
        }
    )
    return frame[LINK_COLUMNS].sort_values(["mentor", "mentee"]).reset_index(drop=True)


def _members_frame(session: Session, today: date, cadence: Cadence) -> pd.DataFrame:
    members = territory.member_locations(session=session, today=today)
    statuses = member_status(session=session, today=today, cadence=cadence)[
        ["member_id", "status", "last_contact", "owner", "in_onboarding"]
    ]
    participation = participation_index(session=session, today=today)[["member_id", "index"]]
    frame = members.merge(statuses, on="member_id", how="left").merge(
        participation.rename(columns={"index": "participation"}), on="member_id", how="left"
    )
    names = frame.set_index("member_id")["member"]
    frame["mentor"] = [names.get(int(i)) if pd.notna(i) else None for i in frame["mentor_id"]]
    mentees = frame.loc[frame["mentor_id"].notna(), "mentor_id"].astype(int).value_counts()
    frame["mentees"] = frame["member_id"].map(mentees).fillna(0).astype(int)
    frame["participation"] = frame["participation"].astype(float)
    return frame[MEMBER_COLUMNS]


def _version(*frames: pd.DataFrame, extra: object) -> str:
    digest = hashlib.sha256(pickle.dumps(extra))
    for frame in frames:
        digest.update(pickle.dumps(frame))
    return digest.hexdigest()[:16]


@reads(Area.MEMBERS, Area.CONTACTS, Area.EVENTS, Area.REFERENCE, Area.USERS)
def map_layers(*, session: Session, today: date, cadence: Cadence) -> MapLayers:
    """The whole territory (all provinces) as of ``today``; events of ``today``'s year;
    members' follow-up status by ``cadence`` (the page passes the configured one, so the
    cached layers key on it)."""
    members = _members_frame(session, today, cadence)
    coverage = territory.coverage_of(session=session, members=members)
    classes = presence_classes(coverage["members"])
    coverage["presence_class"] = [presence_class_of(n, classes) for n in coverage["members"]]
    events, virtual = events_by_place(session=session, year=today.year, today=today)
    links = mentor_links(session=session, members=members)
    uncovered = territory.uncovered_from(coverage, members)
    provinces = territory.province_summary_from(coverage, members)
    return MapLayers(
        today=today,
        province=None,
        comarques=coverage,
        members=members,
        events=events,
        virtual_events=virtual,
        mentor_links=links,
        uncovered=uncovered,
        provinces=provinces,
        presence_classes=classes,
        version=_version(coverage, members, events, links, extra=(today, classes)),
    )


def filter_province(layers: MapLayers, province: str | None) -> MapLayers:
    """The same bundle narrowed to one province (by name); ``None`` keeps everything. Mentor
    links stay when either end is in the province; the per-province summary keeps all four,
    as the comparison."""
    if province is None:
        return layers
    comarques = layers.comarques[layers.comarques["province"] == province]
    members = layers.members[layers.members["province"] == province]
    events = layers.events[layers.events["province"] == province]
    links = layers.mentor_links[
        (layers.mentor_links["mentor_province"] == province)
        | (layers.mentor_links["mentee_province"] == province)
    ]
    uncovered = layers.uncovered[layers.uncovered["province"] == province]
    return replace(
        layers,
        province=province,
        comarques=comarques.reset_index(drop=True),
        members=members.reset_index(drop=True),
        events=events.reset_index(drop=True),
        mentor_links=links.reset_index(drop=True),
        uncovered=uncovered.reset_index(drop=True),
        version=f"{layers.version}:{province}",
    )
