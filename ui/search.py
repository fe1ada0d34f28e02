"""The sidebar search, on every page: a member or a person by any part of the name, each hit
a link to the member's file (``services.directory``)."""

from __future__ import annotations

from typing import Any

from services.clock import catalan_today
from services.directory import find, search_entries
from ui.data import query
from ui.layout import presentation_mode
from ui.links import member_query
from ui.navigation import page
from ui.text import escape_markup

SEARCH_KEY = "sidebar_search"
# Fewer letters find half the network: no help, and a long list in the sidebar.
MIN_LETTERS = 2
HITS = 8


def sidebar_search(where: Any) -> None:
    """The search box in ``where`` (a sidebar container), and its hits under it. On the
    shared screen it finds members only: a person's name is never listed there."""
    presenting = presentation_mode()
    text = where.text_input(
        "Cerca un membre" if presenting else "Cerca un membre o una persona",
        key=SEARCH_KEY,
        placeholder="Part del nom, i Retorn",
        icon=":material/search:",
        help="Troba un ens membre"
        + ("" if presenting else " o una persona de contacte")
        + " per qualsevol part del nom, sense importar accents ni majúscules, i n'obre la "
        "fitxa a Seguiment de membres.",
    )
    if len(text.strip()) < MIN_LETTERS:
        return
    entries = query(search_entries, today=catalan_today(), include_persons=not presenting)
    hits = find(entries, text, limit=HITS + 1)
    if hits.empty:
        nobody = "membre" if presenting else "membre ni persona"
        where.caption(f"Cap {nobody} amb «{escape_markup(text.strip())}».")
        return
    shown = hits.head(HITS)
    for member_id, member, person in zip(
        shown["member_id"].tolist(), shown["member"].tolist(), shown["person"].tolist(), strict=True
    ):
        label = f"{person} · {member}" if person else str(member)
        where.page_link(
            page("seguiment"),
            label=escape_markup(label),
            icon=":material/person:" if person else ":material/account_balance:",
            query_params=member_query(int(member_id)),
        )
    if len(hits) > HITS:
        where.caption("N'hi ha més: afegiu lletres o una altra paraula per afinar la cerca.")
