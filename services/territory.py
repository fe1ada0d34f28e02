"""Territorial figures over the reference data: comarques, municipalities and presence."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import Comarca, Member, Municipality, Province
from db.reference_data import REFERENCE_DIR
from services.clauses import active_member_clause
from services.collation import sort_by_place
from services.frames import frame_of
from services.labels import MEMBER_KIND

COMARQUES_GEOJSON = REFERENCE_DIR / "comarques.geojson"

# ``members``: active members, as everywhere in this module.
PRESENCE_COLUMNS = [
    "comarca_code",
    "comarca",
    "province",
    "municipalities",
    "population",
    "members",
]
MUNICIPALITY_COLUMNS = [
    "municipality_code",
    "municipality",
    "comarca",
    "province",
    "population",
    "lat",
    "lon",
]


def comarca_geometries() -> dict[str, dict[str, Any]]:
    """The comarca boundaries shipped with the app (IGN via es-atlas, dissolved by Idescat's
    assignment): GeoJSON geometries by comarca code. A fresh copy on every call."""
    collection = json.loads(COMARQUES_GEOJSON.read_text(encoding="utf-8"))
    return {
        feature["properties"]["comarca_code"]: feature["geometry"]
        for feature in collection["features"]
    }


@reads(Area.MEMBERS, Area.REFERENCE)
def comarca_presence(*, session: Session, today: date) -> pd.DataFrame:
    """One row per comarca with municipalities: its province, municipalities, population and
    active members (``PRESENCE_COLUMNS``), by comarca name."""
    members = (
        select(Municipality.comarca_code, func.count(Member.id).label("members"))
        .join(Member, Member.municipality_code == Municipality.ine_code)
        .where(active_member_clause(today))
        .group_by(Municipality.comarca_code)
        .subquery()
    )
    territory = (
        select(
            Municipality.comarca_code,
            func.count(Municipality.ine_code).label("municipalities"),
            func.sum(Municipality.population).label("population"),
        )
        .group_by(Municipality.comarca_code)
        .subquery()
    )
    rows = session.execute(
        select(
            Comarca.code,
            Comarca.name,
            Province.name,
            territory.c.municipalities,
            territory.c.population,
            func.coalesce(members.c.members, 0),
        )
        .join(Province, Province.code == Comarca.province_code)
        .join(territory, territory.c.comarca_code == Comarca.code)
        .outerjoin(members, members.c.comarca_code == Comarca.code)
        .order_by(Comarca.name)
    ).all()
    return frame_of(rows, PRESENCE_COLUMNS)


@reads(Area.REFERENCE)
def municipalities(*, session: Session) -> pd.DataFrame:
    """The 947 municipalities with their comarca, province, population and point
    (``MUNICIPALITY_COLUMNS``), by name."""
    rows = session.execute(
        select(
            Municipality.ine_code,
            Municipality.name,
            Comarca.name,
            Province.name,
            Municipality.population,
            Municipality.lat,
            Municipality.lon,
        )
        .join(Comarca, Comarca.code == Municipality.comarca_code)
        .join(Province, Province.code == Municipality.province_code)
        .order_by(Municipality.name)
    ).all()
    return frame_of(rows, MUNICIPALITY_COLUMNS)


# --- Coverage: where the network is, where it is not, and who is nearest ------------------

EARTH_RADIUS_KM = 6371.0088

COVERAGE_COLUMNS = [
    "comarca_code",
    "comarca",
    "province_code",
    "province",
    "municipalities",
    "population",
    "lat",
    "lon",
    "members",
    "delegates",
]
LOCATION_COLUMNS = [
    "member_id",
    "member",
    "kind",
    "municipality_code",
    "municipality",
    "comarca_code",
    "comarca",
    "province_code",
    "province",
    "lat",
    "lon",
    "territorial_delegate",
    "mentor_id",
]
UNCOVERED_COLUMNS = [
    "comarca_code",
    "comarca",
    "province",
    "population",
    "municipalities",
    "nearest_member_id",
    "nearest_member",
    "nearest_member_comarca",
    "nearest_member_km",
    "nearest_delegate_id",
    "nearest_delegate",
    "nearest_delegate_km",
]
PROVINCE_COLUMNS = [
    "province_code",
    "province",
    "comarques",
    "comarques_with_presence",
    "comarques_without_presence",
    "members",
    "delegates",
    "population",
    "population_without_presence",
]


def haversine_km(
    lat1: float | np.ndarray, lon1: float | np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km (broadcasts like numpy)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)))


def member_locations(*, session: Session, today: date) -> pd.DataFrame:
    """Active members with the point of their municipality (or seat), comarca and province."""
    rows = session.execute(
        select(
            Member.id,
            Member.name,
            Member.kind,
            Municipality.ine_code,
            Municipality.name,
            Comarca.code,
            Comarca.name,
            Province.code,
            Province.name,
            Municipality.lat,
            Municipality.lon,
            Member.is_territorial_delegate,
            Member.mentor_id,
        )
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        # The member's own demarcació, as everywhere else in the app: a comarca may straddle
        # two (a member in Bellver de Cerdanya is in Lleida, though the Cerdanya is filed
        # under Girona).
        .join(Province, Municipality.province_code == Province.code)
        .where(active_member_clause(today))
    ).all()
    frame = sort_by_place(frame_of(rows, LOCATION_COLUMNS))
    frame["kind"] = frame["kind"].map(lambda kind: MEMBER_KIND[kind])
    frame["territorial_delegate"] = frame["territorial_delegate"].astype(bool)
    frame["mentor_id"] = frame["mentor_id"].astype("Int64")
    return frame


def _municipality_points(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Municipality.comarca_code,
            Municipality.lat,
            Municipality.lon,
            Municipality.population,
        )
    ).all()
    return frame_of(rows, ["comarca_code", "lat", "lon", "population"])


def coverage_from(
    comarques: pd.DataFrame, points: pd.DataFrame, members: pd.DataFrame
) -> pd.DataFrame:
    """Presence per comarca from its municipalities' points and the located members.

    A comarca's point is its population centre (the population-weighted mean of its
    municipalities' points): distances to it say how far a member is from the people of an
    empty comarca, not from an empty mountainside."""
    points = points.assign(population=points["population"].fillna(0).astype(float))
    # Municipalities with no population figure still count, with a tiny weight.
    weight = points["population"].clip(lower=1.0)
    weighted = points.assign(
        w=weight, wlat=points["lat"] * weight, wlon=points["lon"] * weight
    ).groupby("comarca_code")
    territory = pd.DataFrame(
        {
            "municipalities": weighted.size(),
            "population": weighted["population"].sum().round().astype(int),
            "lat": weighted["wlat"].sum() / weighted["w"].sum(),
            "lon": weighted["wlon"].sum() / weighted["w"].sum(),
        }
    )
    counts = members.groupby("comarca_code").agg(
        members=("member_id", "size"), delegates=("territorial_delegate", "sum")
    )
    frame = comarques.set_index("comarca_code").join(territory).join(counts)
    frame[["members", "delegates"]] = frame[["members", "delegates"]].fillna(0).astype(int)
    frame["municipalities"] = frame["municipalities"].fillna(0).astype(int)
    frame["population"] = frame["population"].fillna(0).astype(int)
    return frame.reset_index()[COVERAGE_COLUMNS].sort_values("comarca").reset_index(drop=True)


def _comarques(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Comarca.code, Comarca.name, Province.code, Province.name).join(
            Province, Province.code == Comarca.province_code
        )
    ).all()
    return frame_of(rows, ["comarca_code", "comarca", "province_code", "province"])


def coverage_of(*, session: Session, members: pd.DataFrame) -> pd.DataFrame:
    """``coverage_from`` over the reference territory, for already located ``members``."""
    return coverage_from(_comarques(session), _municipality_points(session), members)


def comarca_coverage(*, session: Session, today: date) -> pd.DataFrame:
    """One row per comarca (all 43): municipalities, population, population centre
    (``lat``, ``lon``), active members and territorial delegates, by comarca name."""
    return coverage_of(session=session, members=member_locations(session=session, today=today))


def _nearest(
    origins: pd.DataFrame, candidates: pd.DataFrame
) -> tuple[list[int | None], list[float | None]]:
    """For each origin (``lat``, ``lon``), the id (index label) of the nearest candidate and
    the distance in km; ``None`` when there is no candidate. Ties go to the first candidate."""
    if candidates.empty:
        return [None] * len(origins), [None] * len(origins)
    distances = haversine_km(
        origins["lat"].to_numpy()[:, None],
        origins["lon"].to_numpy()[:, None],
        candidates["lat"].to_numpy()[None, :],
        candidates["lon"].to_numpy()[None, :],
    )
    best = distances.argmin(axis=1)
    labels: list[int | None] = [int(candidates.index[i]) for i in best]
    return labels, [round(float(distances[row, i]), 1) for row, i in enumerate(best)]


def uncovered_from(coverage: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Comarques without an active member, most populated first, each with the nearest
    member and the nearest territorial delegate (candidates to mentor it or to reach it)."""
    empty = coverage[coverage["members"] == 0].sort_values(
        ["population", "comarca"], ascending=[False, True]
    )
    if empty.empty:
        return pd.DataFrame(columns=UNCOVERED_COLUMNS)
    located = members.set_index("member_id")
    delegates = located[located["territorial_delegate"]]
    member_ids, member_km = _nearest(empty, located)
    delegate_ids, delegate_km = _nearest(empty, delegates)

    def names(ids: list[int | None], column: str) -> list[object]:
        return [None if i is None else located.at[i, column] for i in ids]

    frame = pd.DataFrame(
        {
            "comarca_code": empty["comarca_code"].to_numpy(),
            "comarca": empty["comarca"].to_numpy(),
            "province": empty["province"].to_numpy(),
            "population": empty["population"].to_numpy(),
            "municipalities": empty["municipalities"].to_numpy(),
            "nearest_member_id": pd.array(member_ids, dtype="Int64"),
            "nearest_member": names(member_ids, "member"),
            "nearest_member_comarca": names(member_ids, "comarca"),
            "nearest_member_km": pd.array(member_km, dtype="Float64"),
            "nearest_delegate_id": pd.array(delegate_ids, dtype="Int64"),
            "nearest_delegate": names(delegate_ids, "member"),
            "nearest_delegate_km": pd.array(delegate_km, dtype="Float64"),
        }
    )
    return frame[UNCOVERED_COLUMNS]


def uncovered_comarques(*, session: Session, today: date) -> pd.DataFrame:
    """The plan's "territoris sense presència": comarques with no active member, most
    populated first, with the nearest member and delegate and their distance in km."""
    members = member_locations(session=session, today=today)
    return uncovered_from(coverage_of(session=session, members=members), members)


def province_summary_from(coverage: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Per province (demarcació): comarques with and without presence, population and the
    population living in comarques without presence (comarques by the province they are filed
    under), and members and delegates (by their own municipality's province, so the figures
    match the rest of the app)."""
    present = coverage["members"] > 0
    frame = (
        coverage.assign(
            with_presence=present.astype(int),
            without_presence=(~present).astype(int),
            population_without=coverage["population"].where(~present, 0),
        )
        .groupby(["province_code", "province"], as_index=False)
        .agg(
            comarques=("comarca_code", "size"),
            comarques_with_presence=("with_presence", "sum"),
            comarques_without_presence=("without_presence", "sum"),
            population=("population", "sum"),
            population_without_presence=("population_without", "sum"),
        )
    )
    people = members.groupby("province_code").agg(
        members=("member_id", "size"), delegates=("territorial_delegate", "sum")
    )
    frame = frame.join(people, on="province_code")
    frame[["members", "delegates"]] = frame[["members", "delegates"]].fillna(0).astype(int)
    return frame[PROVINCE_COLUMNS].sort_values("province").reset_index(drop=True)


def province_summary(*, session: Session, today: date) -> pd.DataFrame:
    """One row per province: see ``province_summary_from``."""
    members = member_locations(session=session, today=today)
    return province_summary_from(coverage_of(session=session, members=members), members)
