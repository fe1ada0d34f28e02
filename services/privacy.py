"""What a role without ``Right.SEE_PERSONAL_DATA`` (the Commission) is never handed: persons'
names, e-mails and phones, staff names, and free text that may name any of them.

Services return English column keys, so one list of keys covers every table: ``redact``
blanks those columns (and those fields of a frozen dataclass) in whatever a read service
returned. The one read path (``ui.data``) applies it for such a role after the shared cache,
so pages, tooltips, map popups and downloads all start from data that holds nothing personal;
the pages' presentation mode then hides the blanked columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd

# Shown in place of a personal value.
MASK = "—"

# The English keys (DataFrame columns and dataclass fields) that hold personal data.
PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        "person",
        "person_name",
        "full_name",
        "email",
        "phone",
        "position",
        "staff",
        "staff_name",
        "owner",
        "owner_name",
        "summary",
        "notes",
        "note",
    }
)


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    personal = [column for column in frame.columns if column in PERSONAL_KEYS]
    if not personal:
        return frame
    blanked = frame.copy()
    for column in personal:
        blanked[column] = blanked[column].where(blanked[column].isna(), MASK)
    return blanked


def redact(value: Any) -> Any:
    """``value`` with every personal column or field blanked; other values are returned as
    they are (never modified in place: cached results are shared)."""
    if isinstance(value, pd.DataFrame):
        return _blank(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            if field.name in PERSONAL_KEYS and isinstance(current, str):
                changes[field.name] = MASK if current else current
            else:
                redacted = redact(current)
                if redacted is not current:
                    changes[field.name] = redacted
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, list | tuple):
        items = [redact(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    if isinstance(value, Mapping):
        return {key: redact(item) for key, item in value.items()}
    return value
