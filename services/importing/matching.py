"""Finding what a cell names: a municipality (INE or Idescat code, or its name however the
article is placed), a member, a staff user, a topic. Loaded once per import, then matched in
memory, so a file of 100,000 rows costs no query per row."""

from __future__ import annotations

import csv
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppUser, Member, Municipality, Topic
from db.reference_data import MUNICIPALITIES_CSV
from services.importing.reading import Cell
from services.importing.values import CellError, fold, key, shown

# What a ``NamedLookup`` finds: an id, or a reference to a row still to be created.
Ident = TypeVar("Ident")

# Catalan and Aranese articles that lists move behind the name ("Hospitalet de Llobregat, l'").
ARTICLES = ("l'", "el", "la", "els", "les", "es", "era", "eth", "eths", "eres", "lo", "los", "sa")
_TRAILING_ARTICLE = re.compile(
    r"^(?P<name>.+?)\s*(?:,\s*(?P<comma>[^\s,()]+)|\((?P<paren>[^\s()]+)\))$"
)
_WORD = re.compile(r"[0-9a-z]+")
# Enough to find the one meant without turning the refusal into a list.
MAX_SUGGESTIONS = 3


def front_article(name: str) -> str:
    """``Hospitalet de Llobregat, l'`` → ``l'Hospitalet de Llobregat`` (case as typed)."""
    stripped = name.strip().replace("’", "'")
    match = _TRAILING_ARTICLE.match(stripped)
    if not match:
        return stripped
    article = match.group("comma") or match.group("paren")
    if fold(article) not in ARTICLES:
        return stripped
    rest = match.group("name").strip()
    return f"{article}{rest}" if article.endswith("'") else f"{article} {rest}"


def _strip_article(folded: str) -> str:
    for article in ARTICLES:
        prefix = article if article.endswith("'") else f"{article} "
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def _without_article(folded_key_source: str) -> str:
    return key(_strip_article(fold(folded_key_source)))


def _words(folded: str) -> str:
    """The words of a folded name, space-padded so that a word sequence can only be found
    whole: " sant cugat " is in " sant cugat del valles " but " sant " is not in " santa "."""
    return f" {' '.join(_WORD.findall(folded))} "


@lru_cache(maxsize=1)
def _idescat_codes() -> dict[str, str]:
    """INE code → Idescat's six-digit code (the INE code and its check digit)."""
    with open(MUNICIPALITIES_CSV, encoding="utf-8", newline="") as handle:
        return {row["ine_code"]: row["idescat_code"] for row in csv.DictReader(handle)}


def closest(wanted: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names closest to ``wanted`` (ignoring case and accents), best first."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    matches = difflib.get_close_matches(key(wanted), list(by_key), n=n, cutoff=0.6)
    return [by_key[m] for m in matches]


def _suggest(names: list[str]) -> str:
    return f"; potser volíeu dir: {', '.join(names)}" if names else ""


class MunicipalityMatcher:
    def __init__(self, session: Session) -> None:
        rows = session.execute(
            select(Municipality.ine_code, Municipality.name, Municipality.population)
        ).all()
        self.names = {code: name for code, name, _ in rows}
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_bare_key: dict[str, list[str]] = defaultdict(list)
        for code, name, _ in rows:
            self.by_key[key(name)].append(code)
            self.by_bare_key[_without_article(name)].append(code)
        # Biggest first, so that each class of candidates comes out in the order to suggest:
        # someone who writes "Santa Coloma" more likely means Gramenet than Queralt.
        by_size = sorted(rows, key=lambda row: (-(row[2] or 0), row[1]))
        # Each name's words with and without its article: "Seu" should find La Seu d'Urgell.
        self.words: list[tuple[str, str, str]] = [
            (name, _words(fold(name)), _words(_strip_article(fold(name)))) for _, name, _ in by_size
        ]
        self.idescat = {v: k for k, v in _idescat_codes().items() if k in self.names}
        self._memo: dict[str, str | CellError] = {}

    def label(self, code: str) -> str:
        return f"{self.names[code]} ({code})"

    def match(self, value: Cell) -> str:
        """The INE code of the municipality ``value`` names; ``CellError`` otherwise."""
        raw = shown(value).strip()
        found = self._memo.get(raw)
        if found is None:
            try:
                found = self._match(raw)
            except CellError as error:
                found = error
            self._memo[raw] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _match(self, raw: str) -> str:
        if raw.isdigit():
            return self._by_code(raw)
        wanted = key(front_article(raw))
        codes = self.by_key.get(wanted) or self.by_bare_key.get(_without_article(raw)) or []
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            raise CellError(
                f"«{raw}» és ambigu: pot ser {', '.join(self.label(c) for c in codes)}; "
                "indiqueu el codi INE"
            )
        return self._unknown(raw)

    def _by_code(self, raw: str) -> str:
        # A spreadsheet that took the code for a number dropped its leading zero.
        if len(raw) == 4:
            raw = f"0{raw}"
        if len(raw) == 5:
            if raw in self.names:
                return raw
            if f"0{raw}" in self.idescat:
                return self.idescat[f"0{raw}"]
        if len(raw) == 6:
            if raw in self.idescat:
                return self.idescat[raw]
            if raw[:5] in self.names:
                raise CellError(
                    f"{raw}: el dígit de control no correspon al codi Idescat de "
                    f"{self.label(raw[:5])}"
                )
        raise CellError(f"«{raw}» no és cap codi INE (5 xifres) ni Idescat (6 xifres) de Catalunya")

    def _unknown(self, raw: str) -> str:
        # A short form ("Sant Cugat") is refused, never completed: two or more municipalities
        # may share it, and a wrong guess would be written without anyone noticing.
        short = self._completions(front_article(raw))
        if short:
            raise CellError(
                f"«{raw}» no és el nom complet de cap municipi de Catalunya{_suggest(short)}"
            )
        # Only when no name holds the typed words: a typo's near matches would bury the
        # completions ("Montgat" after the two Sant Cugats).
        suggestions = closest(front_article(raw), self.names.values(), n=MAX_SUGGESTIONS)
        raise CellError(f"«{raw}» no és cap municipi de Catalunya{_suggest(suggestions)}")

    def _completions(self, typed: str) -> list[str]:
        """Names that begin with the typed words (with or without their article), then names
        that hold them further on; biggest first within each."""
        wanted = _words(fold(typed))
        if not wanted.strip():
            return []
        starting: list[str] = []
        containing: list[str] = []
        for name, words, bare_words in self.words:
            if words.startswith(wanted) or bare_words.startswith(wanted):
                starting.append(name)
                if len(starting) == MAX_SUGGESTIONS:
                    break
            elif wanted in words and len(containing) < MAX_SUGGESTIONS:
                containing.append(name)
        return [*starting, *containing][:MAX_SUGGESTIONS]


class MemberMatcher:
    """Members by name; a municipality's name also finds its only member ("Vic")."""

    def __init__(self, session: Session, municipalities: MunicipalityMatcher) -> None:
        rows = session.execute(
            select(Member.id, Member.name, Member.municipality_code, Member.left_on)
        ).all()
        self.names = {member_id: name for member_id, name, _, _ in rows}
        self.by_key = {key(name): member_id for member_id, name, _, _ in rows}
        self.by_municipality: dict[str, list[int]] = defaultdict(list)
        for member_id, _, code, _ in rows:
            self.by_municipality[code].append(member_id)
        self.municipalities = municipalities
        self._memo: dict[str, int] = {}

    def find(self, value: Cell) -> int | None:
        """The member ``value`` names, or None when there is none (no error)."""
        return self.by_key.get(key(shown(value)))

    def match(self, value: Cell, *, pending: Iterable[str] = ()) -> int:
        raw = shown(value).strip()
        found = self._memo.get(raw)
        if found is not None:
            return found
        found = self._match(raw, pending)
        self._memo[raw] = found
        return found

    def _match(self, raw: str, pending: Iterable[str]) -> int:
        found = self.find(raw)
        if found is not None:
            return found
        try:
            code = self.municipalities.match(raw)
        except CellError:
            code = None
        there = self.by_municipality.get(code, []) if code is not None else []
        if len(there) == 1:
            return there[0]
        if len(there) > 1:
            names = ", ".join(sorted(self.names[m] for m in there))
            raise CellError(f"«{raw}» és ambigu: a {raw} hi ha {names}; escriviu-ne el nom")
        suggestions = closest(raw, [*self.names.values(), *pending])
        raise CellError(f"«{raw}» no és cap membre de la xarxa{_suggest(suggestions)}")


class NamedLookup(Generic[Ident]):
    """A small table matched by code or name, ignoring case and accents (staff, topics)."""

    def __init__(self, entries: Iterable[tuple[Ident, str, str]], what: str) -> None:
        self.by_key: dict[str, Ident] = {}
        self.names: list[str] = []
        self.by_id: dict[Ident, str] = {}
        for ident, code, name in entries:
            self.by_key.setdefault(key(code), ident)
            self.by_key.setdefault(key(name), ident)
            self.names.append(name)
            self.by_id[ident] = name
        self.what = what

    def match(self, value: Cell) -> Ident:
        raw = shown(value).strip()
        found = self.by_key.get(key(raw))
        if found is None:
            raise CellError(f"«{raw}» no és {self.what}{_suggest(closest(raw, self.names))}")
        return found


def staff_lookup(session: Session) -> NamedLookup[int]:
    users = session.execute(select(AppUser.id, AppUser.email, AppUser.full_name)).all()
    return NamedLookup(users, "cap usuari de l'equip")


def topic_lookup(session: Session) -> NamedLookup[int]:
    topics = session.execute(select(Topic.id, Topic.code, Topic.name)).all()
    return NamedLookup(topics, "cap tema de necessitat")
