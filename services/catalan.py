"""Catalan as the network writes it: month names, the preposition "de" before a place, and a
count before its noun, and a list as a sentence writes it.

Titles and names the application composes ("Sessió del GT de Cures (març 2026)", "Consell
Comarcal de l'Alt Empordà") must read as a person would write them, so the contraction and
elision rules live here, in one place, for the services and the demo generator alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from services.formatting import fmt_number

# Month names, lower case as they are written mid-sentence: ``MONTHS[month - 1]``.
MONTHS: tuple[str, ...] = (
    "gener", "febrer", "març", "abril", "maig", "juny",
    "juliol", "agost", "setembre", "octubre", "novembre", "desembre",
)  # fmt: skip

# Comarques by the article their name takes, folded (see ``fold``). The rest are masculine
# singular ("del Bages") or start with a vowel ("de l'Anoia"), which the rules below handle.
FEMININE_COMARQUES: frozenset[str] = frozenset(
    {
        "selva",
        "garrotxa",
        "noguera",
        "ribera d'ebre",
        "terra alta",
        "conca de barbera",
        "segarra",
        "cerdanya",
        "alta ribagorca",
    }
)
PLURAL_FEMININE_COMARQUES: frozenset[str] = frozenset({"garrigues"})
NO_ARTICLE_COMARQUES: frozenset[str] = frozenset({"osona", "aran", "val d'aran"})


def fold(text: str) -> str:
    """Lower case without accents or the middle dot: for matching names, slugs and e-mail
    addresses ("Alt Empordà" and "alt emporda", "Paral·lel" and "parallel" match)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("·", "")


def with_de(name: str) -> str:
    """``name`` after the preposition "de", with its article contracted or elided, as Catalan
    writes it: "de Sabadell", "d'Olot", "de l'Hospitalet", "del Prat", "de la Seu"."""
    lowered = name[:4].casefold()
    if lowered.startswith("l'") or lowered.startswith("l’"):
        return f"de l'{name[2:]}"
    articles = (("els ", "dels"), ("el ", "del"), ("les ", "de les"), ("la ", "de la"))
    for article, contracted in articles:
        if lowered.startswith(article):
            return f"{contracted} {name[len(article) :]}"
    # "De" is elided before a vowel or a mute h: d'Olot, d'Igualada, d'Hostalric.
    if fold(name[0]) in "aeiouh":
        return f"d'{name}"
    return f"de {name}"


def comarca_with_de(name: str) -> str:
    """The comarca after "de" with its article: "del Bages", "de l'Alt Empordà", "de la
    Selva", "de les Garrigues", "d'Osona".

    Official comarca names come without their article ("Bages"), so the article is looked up;
    a name that already carries one is handled like any place name."""
    folded = fold(name)
    if folded.startswith(("el ", "la ", "l'", "les ", "els ")):
        return with_de(name)
    vowel = folded[0] in "aeiouh"
    if folded in NO_ARTICLE_COMARQUES:
        return f"d'{name}" if vowel else f"de {name}"
    if folded in PLURAL_FEMININE_COMARQUES:
        return f"de les {name}"
    if vowel:
        return f"de l'{name}"
    if folded in FEMININE_COMARQUES:
        return f"de la {name}"
    return f"del {name}"


def plural(count: int | float, singular: str, plural_form: str) -> str:
    """``count`` in ca-ES figures before its noun, singular only for exactly one: "1 canvi",
    "0 canvis", "2 canvis", "1.234 inscripcions". Catalan, like English, writes zero with
    the plural."""
    return f"{fmt_number(count)} {singular if count == 1 else plural_form}"


def and_list(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "A", "A i B", "A, B i C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} i {items[-1]}"
