"""What a role without ``Right.SEE_PERSONAL_DATA`` (the Commission) is never handed: persons'
names, e-mails and phones, staff names, and free text that may name any of them.

Services return English column keys, so one list of keys covers every table: ``redact``
blanks those columns (and those fields of a frozen dataclass, those keys of a mapping) in
whatever a read service returned. The one read path (``ui.data``) applies it for such a role
after the shared cache, so pages, tooltips, map popups and downloads all start from data that
holds nothing personal; the pages' presentation mode then leaves the blanked columns out
(``ui.tables.data_table`` does it for every table it labels).

A read service's key names what it holds: a person's or a staff member's name is never a
bare ``name`` (a member's, a group's or a topic's is), so a new service's personal column is
caught by its key alone.

Presentation mode for a viewer who may see personal data (a coordinator sharing their screen)
keeps free text readable instead: ``NameMasker`` replaces the names of the network's known
persons and staff (full names and the first name + surname forms a summary uses), e-mail
addresses and phone numbers by neutral placeholders. A read service asked for it returns the
masked text under its own key (``MASKED_SUMMARY``), never the raw text beside it, so the raw
text never reaches the page, its cache entry or the browser.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import AppUser, Person

# Shown in place of a personal value.
MASK = "—"

# The English keys (DataFrame columns, dataclass fields, mapping keys) that hold personal data,
# with the read services that use them today.
PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        # A person (a member's contact): member_file.member_persons and member_timeline,
        # events.event_registrations and person_options.
        "person",
        "person_name",
        "full_name",
        "email",
        "phone",
        # A person's post ("Alcaldessa de ...") names them as surely as their name.
        "position",
        # A staff member: member_file.member_timeline and staff_options (``staff``),
        # follow_up.member_status, member_file.member_profile and map_layers (``owner``).
        "staff",
        "staff_name",
        "owner",
        "owner_name",
        "created_by",
        "username",
        "user",
        # Free text written by the team, which may name anyone: contact summaries
        # (member_file.member_timeline, advisories.referrals_without_follow_up), scenario
        # and member notes (scenarios.list_scenarios, scenario_detail).
        "summary",
        "contact_summary",
        "notes",
        "note",
        "comment",
        "comments",
    }
)


# A contact summary with the known persons' names, e-mails and phones masked: the key a read
# service uses for it in presentation mode. Not a personal key, so presentation mode's tables
# keep it; ``redact`` still blanks it for a role that may not see any free text.
MASKED_SUMMARY = "masked_summary"
MASKED_TEXT_KEYS: frozenset[str] = frozenset({MASKED_SUMMARY})


# What ``redact`` blanks: the personal keys, and free text even once masked (a name nobody
# registered, typed in a summary, is not masked).
_REDACTED_KEYS = PERSONAL_KEYS | MASKED_TEXT_KEYS


def _masked(value: Any) -> Any:
    """A personal text as a viewer without the right gets it: ``MASK`` (for each text of a
    list); an empty text stays empty, so "nobody" still reads as nobody. Anything else under
    a personal key (a table such as a comparison's ``summary``) is redacted as any value."""
    if isinstance(value, str):
        return MASK if value else value
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return type(value)(_masked(item) for item in value)
    return redact(value)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    personal = [column for column in frame.columns if column in _REDACTED_KEYS]
    if not personal:
        return frame
    blanked = frame.copy()
    for column in personal:
        values = blanked[column]
        blanked[column] = values.where(values.isna() | (values == ""), MASK)
    return blanked


def redact(value: Any) -> Any:
    """``value`` with every personal column, field or key blanked; other values are returned
    as they are (never modified in place: cached results are shared)."""
    if isinstance(value, pd.DataFrame):
        return _blank(value)
    if isinstance(value, pd.Series):
        return _blank(value.to_frame())[value.name] if value.name in _REDACTED_KEYS else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            new = _masked(current) if field.name in _REDACTED_KEYS else redact(current)
            if new is not current:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, list | tuple):
        items = [redact(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    if isinstance(value, Mapping):
        return {
            key: _masked(item) if key in _REDACTED_KEYS else redact(item)
            for key, item in value.items()
        }
    return value


# --- Masking known persons in free text (presentation mode) ------------------------------------

PERSON_PLACEHOLDER = "[persona]"
EMAIL_PLACEHOLDER = "[correu]"
PHONE_PLACEHOLDER = "[telèfon]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Spanish number: nine digits starting 6-9 (mobile or landline), grouped by spaces, dots or
# hyphens as people write them, with or without +34/0034. Years, amounts and hours have fewer
# digits or another first digit.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)34[\s.-]?)?[6789](?:[\s.-]?\d){8}(?!\d)")
_WORD = re.compile(r"\w+")
# Between two words of one name: blanks, an apostrophe (d'Abadal) or a hyphen (Pujol-Vidal);
# a comma or a full stop ends the name.
_NAME_GAP = re.compile(r"[\s'’-]{1,3}")
# Words that join a name's parts ("Vila i Soler", "Maria de la Serra"): kept in the full name,
# never a form of their own.
_CONNECTORS = frozenset({"i", "y", "de", "del", "dels", "la", "les", "el", "d", "l"})


def _fold(text: str) -> str:
    """``text`` lower-cased and without accents, one character for each of ``text``'s, so a
    match's span in the folded text is its span in the original."""
    return "".join(unicodedata.normalize("NFD", char)[0].lower()[:1] or char for char in text)


def name_forms(full_name: str) -> set[tuple[str, ...]]:
    """The folded word sequences that name the person ``full_name`` in free text: the full
    name, and the first name with any surname, both surnames, or the first two parts ("Toni
    Pujol", "Toni Vidal", "Toni Pujol Vidal", "Pujol Vidal" for "Toni Pujol i Vidal"). A
    single word alone (a first name, a surname that is also a place) is never a form: it
    would mask municipalities' names."""
    words = tuple(_WORD.findall(_fold(full_name)))
    core = tuple(word for word in words if word not in _CONNECTORS)
    if len(core) < 2:
        return {words} if len(words) >= 2 else set()
    forms = {words, core}
    first = core[0]
    forms |= {(first, surname) for surname in core[1:]}
    forms |= {core[:length] for length in range(2, len(core) + 1)}
    if len(core) >= 3:
        forms.add(core[1:])
        forms |= {(first, core[1], surname) for surname in core[2:]}
    return forms


class NameMasker:
    """Replaces in free text the names of ``names`` (see ``name_forms``), any e-mail address
    and any phone number by the placeholders above. Case and accents do not matter ("toni
    pujol", "Toni PUJOL", "Toni Pujòl" are all masked); the longest name found wins."""

    def __init__(self, names: Iterable[str]) -> None:
        self._forms: set[tuple[str, ...]] = set()
        for name in names:
            self._forms |= name_forms(name)
        # Only a word that begins a form can begin a match: one set lookup per word of text.
        self._by_first: dict[str, int] = {}
        for form in self._forms:
            self._by_first[form[0]] = max(self._by_first.get(form[0], 0), len(form))

    def mask(self, text: str) -> str:
        if not text:
            return text
        text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
        text = _PHONE.sub(PHONE_PLACEHOLDER, text)
        folded = _fold(text)
        words = list(_WORD.finditer(folded))
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(words):
            longest = self._by_first.get(words[index].group())
            matched = 0
            if longest:
                # The run of words from here joined only by a name's gaps, up to the longest
                # form that starts with this word.
                run = [words[index]]
                while len(run) < longest and index + len(run) < len(words):
                    following = words[index + len(run)]
                    if not _NAME_GAP.fullmatch(folded, run[-1].end(), following.start()):
                        break
                    run.append(following)
                for length in range(len(run), 1, -1):
                    if tuple(word.group() for word in run[:length]) in self._forms:
                        matched = length
                        break
            if matched:
                spans.append((words[index].start(), words[index + matched - 1].end()))
                index += matched
            else:
                index += 1
        for start, end in reversed(spans):
            text = text[:start] + PERSON_PLACEHOLDER + text[end:]
        return text

    def mask_column(self, values: pd.Series) -> pd.Series:
        return values.map(lambda value: self.mask(value) if isinstance(value, str) else value)


@functools.lru_cache(maxsize=4)
def _masker_of(names: tuple[str, ...]) -> NameMasker:
    # Built once per set of names: every masked table of a run (and of later runs, until a
    # person or a user is added) shares it.
    return NameMasker(names)


@reads(Area.MEMBERS, Area.USERS)
def known_names(*, session: Session) -> tuple[str, ...]:
    """Every person's and staff member's full name, sorted: whom free text may name."""
    persons = session.scalars(select(Person.full_name))
    staff = session.scalars(select(AppUser.full_name))
    return tuple(sorted({*persons, *staff}))


def masker(*, session: Session) -> NameMasker:
    """The masker of the network's known persons and staff, as the database holds them now.
    A read service that uses it must declare ``Area.MEMBERS`` and ``Area.USERS``."""
    return _masker_of(known_names(session=session))


def mask_summaries(frame: pd.DataFrame, *, session: Session) -> pd.DataFrame:
    """``frame`` with its ``summary`` replaced, where it stood, by ``MASKED_SUMMARY``: the
    text with the network's known persons and staff, e-mails and phones masked. The raw
    column goes: what a shared screen is handed holds no name to leak. (The caller declares
    ``Area.MEMBERS`` and ``Area.USERS``.)"""
    masked = masker(session=session).mask_column(frame["summary"])
    position = list(frame.columns).index("summary")
    frame = frame.drop(columns="summary")
    frame.insert(position, MASKED_SUMMARY, masked)
    return frame
