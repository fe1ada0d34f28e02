"""The sidebar search: a member or a person found by any part of the name, from any page.

What is searched is read once per data version (``search_entries``, cached by the UI); each
keystroke then only filters that frame in memory (``find``), so a search costs no query.
Names compare as Catalan order compares them (``services.collation.catalan_key``): "vila",
"Vilà" and "VILA" all find "Ajuntament de la Vila"; every word typed must appear, in any
order ("puig anna" finds "Anna Puig").
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import Member, Person
from services.clauses import active_member_clause
from services.collation import catalan_key, holds_every_word, sort_by_place

COLUMNS = ["member_id", "member", "person", "key"]
# Members come first among the hits: a search most often looks for a member's file.
_MEMBER_FIRST, _PERSON_NEXT = 0, 1


@reads(Area.MEMBERS)
def search_entries(*, session: Session, today: date, include_persons: bool) -> pd.DataFrame:
    """Every active member, and (with ``include_persons``) every person of an active member,
    with the member whose file each opens and its search key. ``person`` is "" on a
    member's own row. Members in Catalan place order, each member's persons after them."""
    members = sort_by_place(
        pd.DataFrame(
            session.execute(
                select(Member.id, Member.name).where(active_member_clause(today))
            ).all(),
            columns=["member_id", "member"],
        )
    )
    rows: list[tuple[int, str, str, str]] = [
        (int(member_id), str(member), "", catalan_key(str(member)))
        for member_id, member in zip(
            members["member_id"].tolist(), members["member"].tolist(), strict=True
        )
    ]
    if include_persons and rows:
        names = {member_id: member for member_id, member, _, _ in rows}
        persons = session.execute(
            select(Person.member_id, Person.full_name)
            .where(Person.member_id.in_(list(names)))
            .order_by(Person.full_name)
        ).all()
        rows += [
            (member_id, names[member_id], full_name, catalan_key(full_name))
            for member_id, full_name in persons
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def find(entries: pd.DataFrame, text: str, *, limit: int = 8) -> pd.DataFrame:
    """The entries whose name holds every word of ``text``, at most ``limit``: members
    first, then names with a word starting with what was typed, then the entries' order."""
    words = catalan_key(text).split()
    if not words or entries.empty:
        return entries.iloc[0:0]
    found = entries[holds_every_word(entries["key"], text)]
    rank = pd.DataFrame(
        {
            "kind": found["person"].eq("").map({True: _MEMBER_FIRST, False: _PERSON_NEXT}),
            # 0 when a word of the name starts with the first word typed ("vi" → "Vic").
            "inside": found["key"].map(
                lambda key: not any(part.startswith(words[0]) for part in key.split())
            ),
            "order": range(len(found)),
        },
        index=found.index,
    )
    order = rank.sort_values(["kind", "inside", "order"]).index
    return found.loc[order].head(limit).reset_index(drop=True)
