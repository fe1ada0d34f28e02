"""Reference data shipped with the app: the territory (from ``db/reference``) and the plan's
topics of need. Migrations call these, so every database at head has them.

Light ``sa.table`` definitions, not the ORM models, keep these usable by old migrations after
the models have moved on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
MUNICIPALITIES_CSV = REFERENCE_DIR / "municipalities.csv"
COMARQUES_CSV = REFERENCE_DIR / "comarques.csv"

PROVINCE_NAMES = {"08": "Barcelona", "17": "Girona", "25": "Lleida", "43": "Tarragona"}

# The fields of need the work plan lists for advisories (section 2), in its order.
TOPICS = [
    ("comerc", "Comerç i ESS"),
    ("energia", "Energia"),
    ("agroecologia", "Agroecologia"),
    ("industria", "Indústria i ESS"),
    ("financament", "Finançament"),
    ("ccpr", "CCPR"),
    ("habitatge_cooperatiu", "Habitatge cooperatiu"),
    ("cures", "Cures"),
]

province_table = sa.table("province", sa.column("code"), sa.column("name"))
comarca_table = sa.table(
    "comarca", sa.column("code"), sa.column("name"), sa.column("province_code")
)
municipality_table = sa.table(
    "municipality",
    sa.column("ine_code"),
    sa.column("name"),
    sa.column("comarca_code"),
    sa.column("province_code"),
    sa.column("lat"),
    sa.column("lon"),
    sa.column("population"),
)
topic_table = sa.table("topic", sa.column("id"), sa.column("code"), sa.column("name"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(
    connection: Connection, table: sa.TableClause, key: str, rows: Iterable[Mapping[str, Any]]
) -> None:
    """Insert missing rows and update changed ones, by primary key, on any dialect."""
    existing = {
        row._mapping[key]: dict(row._mapping) for row in connection.execute(sa.select(table))
    }
    to_insert = []
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            to_insert.append(dict(row))
        elif any(current.get(column) != value for column, value in row.items()):
            connection.execute(sa.update(table).where(table.c[key] == row[key]).values(**row))
    if to_insert:
        connection.execute(sa.insert(table), to_insert)


def sync_territory(connection: Connection) -> None:
    municipalities = _read_csv(MUNICIPALITIES_CSV)
    comarques = _read_csv(COMARQUES_CSV)
    _upsert(
        connection,
        province_table,
        "code",
        [{"code": code, "name": name} for code, name in PROVINCE_NAMES.items()],
    )
    _upsert(
        connection,
        comarca_table,
        "code",
        [
            {
                "code": row["comarca_code"],
                "name": row["comarca_name"],
                "province_code": row["province_code"],
            }
            for row in comarques
        ],
    )
    _upsert(
        connection,
        municipality_table,
        "ine_code",
        [
            {
                "ine_code": row["ine_code"],
                "name": row["name"],
                "comarca_code": row["comarca_code"],
                "province_code": row["ine_code"][:2],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "population": int(row["population"]) if row.get("population") else None,
            }
            for row in municipalities
        ],
    )


def sync_topics(connection: Connection) -> None:
    existing = {row.code for row in connection.execute(sa.select(topic_table.c.code))}
    missing = [{"code": code, "name": name} for code, name in TOPICS if code not in existing]
    if missing:
        connection.execute(sa.insert(topic_table), missing)
