"""Catalan alphabetical order for members and places.

A member list sorted on the raw name sorts on "Ajuntament d'/de/del" first, so "Ajuntament
d'Òdena" comes before "Ajuntament de Badalona", and a byte order puts accented letters after
"z". People look a member up by its place: Badalona, Òdena, l'Hospitalet. So the key drops
the kind of body ("Ajuntament de", "Consell Comarcal del"...), the article before a place
name ("l'", "la", "el", "les", "els", as the Idescat's indexes do: "Hospitalet de
Llobregat, l'"), and compares letters without accents, the middle dot ("l·l" is "ll") or
apostrophes, case-insensitively; the full name breaks ties so the order is total.

ICU would give the same order for these names, but it is a compiled dependency for what a
few lines do here.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# "Ajuntament de", "Consell Comarcal del", "Diputació de", "Mancomunitat de"..., then the
# preposition and article that join them to the place.
_BODY = re.compile(
    r"^(ajuntament|consell\s+comarcal|diputaci[oó]|mancomunitat|consorci|entitat\s+municipal"
    r"\s+descentralitzada|ens)\s+(d['’]|de\s+les\s+|de\s+la\s+|de\s+l['’]|del\s+|dels\s+|de\s+)?",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(l['’]|la\s+|el\s+|les\s+|els\s+)", re.IGNORECASE)
_MIDDLE_DOT = re.compile(r"[·•.]")  # "l·l", and "l.l" as it is often typed


def catalan_key(text: str) -> str:
    """``text`` compared as Catalan alphabetical order compares it: no accents, no case, "l·l"
    as "ll", apostrophes and hyphens as nothing."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = _MIDDLE_DOT.sub("", letters).replace("'", "").replace("’", "").replace("-", " ")
    return " ".join(letters.split())


def place_key(name: str) -> tuple[str, str]:
    """The sort key of a member's or a municipality's name: its place, then the full name."""
    place = _ARTICLE.sub("", _BODY.sub("", name.strip()))
    return (catalan_key(place), catalan_key(name))


def sort_by_place(frame: pd.DataFrame, column: str = "member") -> pd.DataFrame:
    """``frame`` in Catalan order of ``column`` (a member's or a municipality's name), the
    index renumbered. Rows of one name keep their order (a stable sort)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = frame[column].map(lambda name: place_key(str(name)))
    order = sorted(range(len(frame)), key=lambda i: keys.iloc[i])
    return frame.iloc[order].reset_index(drop=True)


def sorted_by_place(names: list[str]) -> list[str]:
    return sorted(names, key=place_key)


def holds_every_word(keys: pd.Series, text: str) -> pd.Series:
    """Which of ``keys`` (names already through ``catalan_key``) hold every word of ``text``,
    in any order, as Catalan compares them: "puig anna" and "PUIG" both find "Anna Puig"."""
    hit = pd.Series(True, index=keys.index)
    for word in catalan_key(text).split():
        hit &= keys.str.contains(word, regex=False)
    return hit
