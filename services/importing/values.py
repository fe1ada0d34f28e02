"""Reading one cell: text, dates, yes/no, numbers and closed lists, as Catalan spreadsheets
write them. Each parser returns the value or raises ``CellError`` with the reason in Catalan
(the caller adds the row and the column)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Generic, TypeVar

from services.importing.reading import Cell

E = TypeVar("E")

# Yes/no as Catalan, Spanish and English spreadsheets write it (after ``fold``). "V"/"F" are
# Catalan and Spanish (vertader/verdadero, fals/falso), "T"/"F" English; "1.0" is how a
# spreadsheet that took the column for numbers exports 1.
_TRUE = {
    "1", "1.0", "1,0", "x", "✓", "✔",
    "si", "s", "cert", "certa", "vertader", "vertadera", "verdader", "veritat", "v",
    "verdadero", "verdadera", "cierto", "cierta",
    "yes", "y", "true", "t",
}  # fmt: skip
_FALSE = {"0", "0.0", "0,0", "no", "n", "fals", "falsa", "falso", "f", "false"}
# A refusal lists the families, not every synonym.
_BOOL_FORMS = "sí/no, s/n, x/buit, vertader/fals, verdadero/falso, true/false, 1/0"
# A date, and maybe a time (which is ignored): "01/02/2026 0:00", "1/2/26 14:30:00".
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
# Distinct cells a DateReader remembers (a column of 100,000 rows holds a few thousand dates).
_DATE_CACHE_LIMIT = 1 << 16
# Characters no one types: they break exports (XML) and PostgreSQL (NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class CellError(ValueError):
    """A cell that cannot be read; the message is Catalan and names the value."""


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no accents, apostrophes unified: for matching names typed by hand."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("·", "")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """``fold`` keeping letters and digits only: "L'Hospitalet" = "l hospitalet"."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def shown(value: Cell) -> str:
    """A cell as the user typed it, for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != datetime.min.time()
            else (value.strftime("%d/%m/%Y"))
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Cell, *, max_length: int | None = None, multiline: bool = False) -> str:
    """The cell as text, trimmed; stored exactly as typed otherwise (HTML included)."""
    result = shown(value).strip()
    if _CONTROL.search(result):
        raise CellError("conté caràcters de control que no es poden desar")
    if not multiline and ("\n" in result or "\r" in result):
        result = " ".join(result.split())
    if max_length is not None and len(result) > max_length:
        raise CellError(f"«{result[:40]}…» és massa llarg (màxim {max_length} caràcters)")
    return result


def _read_date(value: Cell) -> tuple[date, bool]:
    """The date a cell holds (a time after it is ignored), and whether its year had two
    digits (20yy: the caller decides whether that is plausible)."""
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    raw = shown(value).strip()
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(part) for part in match.group(1, 2, 3))
        two_digit = len(match.group(3)) == 2
    else:
        match = _ISO.match(raw)
        if not match:
            raise CellError(f"«{raw}» no és una data (useu dd/mm/aaaa)")
        year, month, day = (int(part) for part in match.group(1, 2, 3))
        two_digit = False
    hour, minute, second = (int(part or 0) for part in match.group(4, 5, 6))
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(f"«{raw}» no és una data: l'hora no existeix")
    if two_digit:
        year += 2000
    try:
        return date(year, month, day), two_digit
    except ValueError:
        raise CellError(f"«{raw}» no és una data") from None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


class DateReader:
    """Reads one column's dates: dd/mm/aaaa or ISO, with or without a time (ignored).

    A two-digit year (LibreOffice writes "03/02/26") is 20yy when that is no later than
    ``latest``, the latest date plausible for the column; otherwise the cell is refused
    rather than guessed, since 19yy or 20yy could each be meant. Four-digit years are read
    as they are: the importers' own checks judge them. The two-digit dates read are kept
    (``two_digit``) for the preview to say how they were understood."""

    def __init__(self, latest: date) -> None:
        self.latest = latest
        # Each distinct date read from a two-digit year → the first cell that gave it.
        self.two_digit: dict[date, str] = {}
        # A date or the refusal, per distinct cell: imports repeat the same dates on
        # thousands of rows, and some callers (lookups) read per row.
        self._cache: dict[tuple[type[object], Cell], date | str] = {}

    @classmethod
    def about_past(cls, today: date) -> DateReader:
        """For dates that have happened (an entry, a contact): up to a year ahead, for a
        date typed in advance."""
        return cls(_years_after(today, 1))

    @classmethod
    def about_future(cls, today: date) -> DateReader:
        """For dates that are planned (an event, a next contact)."""
        return cls(_years_after(today, 10))

    def __call__(self, value: Cell) -> date:
        cache_key = (value.__class__, value)
        found = self._cache.get(cache_key)
        if found is None:
            try:
                found = self._read(value)
            except CellError as error:
                found = str(error)
            if len(self._cache) < _DATE_CACHE_LIMIT:
                self._cache[cache_key] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _read(self, value: Cell) -> date:
        result, two_digit = _read_date(value)
        if not two_digit:
            return result
        raw = shown(value).strip()
        if result > self.latest:
            raise CellError(
                f"«{raw}»: any de dues xifres; {result.year} no és una data plausible per a "
                "aquesta columna: escriviu l'any sencer (dd/mm/aaaa)"
            )
        self.two_digit.setdefault(result, raw)
        return result


def parse_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return False
    raw = fold(shown(value).strip())
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(
        f"«{shown(value)}» no és un valor de sí/no vàlid (valors possibles: {_BOOL_FORMS})"
    )


def parse_decimal(value: Cell, what: str = "un nombre") -> Decimal:
    """``1234,5``, ``1.234,50``, ``1234.5`` and ``1.234,50 €`` are all 1234.5."""
    if isinstance(value, bool):
        raise CellError(f"«{shown(value)}» no és {what}")
    if isinstance(value, int | float):
        result = Decimal(str(value))
    else:
        raw = shown(value).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            result = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"«{shown(value)}» no és {what}") from None
    if not result.is_finite():
        raise CellError(f"«{shown(value)}» no és {what}")
    return result


def parse_email(value: Cell) -> str:
    result = text(value, max_length=254)
    if not _EMAIL.match(result):
        raise CellError(f"«{result}» no és una adreça de correu electrònic")
    return result


@dataclass(frozen=True)
class Choices(Generic[E]):
    """A closed list read by its Catalan label or its code, ignoring case and accents."""

    by_key: dict[str, E]
    labels: tuple[str, ...]
    what: str

    @classmethod
    def of(cls, labels: Mapping[E, str], what: str) -> Choices[E]:
        by_key: dict[str, E] = {}
        for member, label in labels.items():
            by_key[key(label)] = member
            by_key[key(str(getattr(member, "value", member)))] = member
        return cls(by_key=by_key, labels=tuple(labels.values()), what=what)

    def parse(self, value: Cell) -> E:
        found = self.by_key.get(key(shown(value)))
        if found is None:
            raise CellError(
                f"«{shown(value)}» no és {self.what} (valors possibles: {', '.join(self.labels)})"
            )
        return found
