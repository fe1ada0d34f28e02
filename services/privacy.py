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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd

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
    personal = [column for column in frame.columns if column in PERSONAL_KEYS]
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
        return _blank(value.to_frame())[value.name] if value.name in PERSONAL_KEYS else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            new = _masked(current) if field.name in PERSONAL_KEYS else redact(current)
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
            key: _masked(item) if key in PERSONAL_KEYS else redact(item)
            for key, item in value.items()
        }
    return value
