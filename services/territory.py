"""Territorial figures over the reference data: comarques, municipalities and presence."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Comarca, Member, Municipality, Province
from services.overview import active_member_clause


def comarca_presence(*, session: Session, today: date) -> pd.DataFrame:
    """One row per comarca: its province, municipalities, population and active members."""
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
    return pd.DataFrame(
        rows,
        columns=["Codi", "Comarca", "Demarcació", "Municipis", "Població", "Membres actius"],
    )


def municipalities(*, session: Session) -> pd.DataFrame:
    """The 947 municipalities with their comarca and province."""
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
    return pd.DataFrame(
        rows,
        columns=[
            "Codi INE",
            "Municipi",
            "Comarca",
            "Demarcació",
            "Població",
            "Latitud",
            "Longitud",
        ],
    )
