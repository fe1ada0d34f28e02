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

_TRUE = {"1", "true", "si", "s", "yes", "y", "x", "cert", "verdader", "vertader"}
_FALSE = {"0", "false", "no", "n", "fals"}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
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


@lru_cache(maxsize=1 << 14)
def parse_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = shown(value).strip()
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO.match(raw)
        if not match:
            raise CellError(f"{raw} no és una data (useu dd/mm/aaaa)")
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"{raw} no és una data") from None


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
    raise CellError(f"«{shown(value)}» no és un valor de sí/no (useu sí o no)")


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
