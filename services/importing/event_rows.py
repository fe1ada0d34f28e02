"""Events, found by title and date (the same title on the same day updates that event)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Event, EventKind, PlanActivity, WorkGroup
from db.plan_loader import WORK_GROUPS, load_work_groups
from services.importing.base import Column, Importer, KindSpec, Record, RowPlan, RowReader
from services.importing.matching import MunicipalityMatcher, NamedLookup
from services.importing.values import Choices, DateReader, key, shown, text
from services.labels import EVENT_FORMAT, EVENT_KIND

SPEC = KindSpec(
    code="esdeveniments",
    label="Esdeveniments",
    table="event",
    matching="per títol i data: el mateix títol el mateix dia actualitza aquell esdeveniment",
    columns=(
        Column(
            "title",
            "Títol",
            "Nom de l'esdeveniment",
            aliases=("titol", "nom", "esdeveniment", "title"),
            required=True,
            needed=True,
            field="title",
        ),
        Column(
            "held_on",
            "Data",
            "dd/mm/aaaa",
            aliases=("held_on", "dia"),
            required=True,
            needed=True,
            field="held_on",
        ),
        Column(
            "kind",
            "Tipus",
            ", ".join(EVENT_KIND.values()),
            aliases=("kind", "tipus d'esdeveniment"),
            needed=True,
            field="kind",
        ),
        Column(
            "format",
            "Format",
            ", ".join(EVENT_FORMAT.values()),
            aliases=("modalitat",),
            needed=True,
            field="format",
        ),
        Column(
            "municipality",
            "Municipi",
            "On es fa (codi INE o nom); buit si és virtual",
            aliases=("lloc", "municipality_code"),
            field="municipality_code",
        ),
        Column(
            "work_group",
            "Grup de treball",
            "Obligatori per a una sessió de grup de treball",
            aliases=("grup", "gt", "work_group"),
            field="work_group_id",
        ),
        Column(
            "plan_activity",
            "Activitat del pla",
            "Codi de l'activitat del pla de treball (p. ex. A5-01)",
            aliases=("activitat", "plan_activity", "codi activitat"),
            field="plan_activity_id",
        ),
        Column("notes", "Notes", "Text lliure", aliases=("observacions",), field="notes", empty=""),
    ),
)

COLUMNS = (
    "id",
    "title",
    "kind",
    "held_on",
    "format",
    "municipality_code",
    "work_group_id",
    "plan_activity_id",
    "notes",
)


def work_group_lookup(session: Session) -> tuple[NamedLookup[int | str], dict[str, str]]:
    """Work groups by code or name: those stored and the plan's own (created on write).

    Returns the lookup (to an id, or to ``"plan:<code>"`` for a plan group not stored yet)
    and the names by that reference."""
    stored = session.execute(select(WorkGroup.id, WorkGroup.code, WorkGroup.name)).all()
    entries: list[tuple[int | str, str, str]] = list(stored)
    stored_codes = {code for _, code, _ in stored}
    entries += [
        (f"plan:{s.code}", s.code, s.name) for s in WORK_GROUPS if s.code not in stored_codes
    ]
    lookup = NamedLookup(entries, "cap grup de treball")
    return lookup, {str(ident): name for ident, _, name in entries}


def resolve_plan_groups(session: Session, plans: Sequence[RowPlan], field: str) -> None:
    """Replace ``plan:<code>`` references with the ids of the plan's work groups."""
    pending = [p for p in plans if isinstance(p.values.get(field), str)]
    if not pending:
        return
    groups = load_work_groups(session)
    for plan in pending:
        plan.values[field] = groups[plan.values[field].removeprefix("plan:")].id
        if field in plan.changes:
            plan.changes[field] = (plan.changes[field][0], plan.values[field])


class EventImporter(Importer):
    spec = SPEC
    model = Event

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.municipalities = MunicipalityMatcher(session)
        self.groups, self.group_names = work_group_lookup(session)
        self.activities: dict[tuple[int, str], int] = {}
        self.activity_codes: dict[str, list[int]] = {}
        for activity_id, year, code in session.execute(
            select(PlanActivity.id, PlanActivity.year, PlanActivity.code)
        ):
            self.activities[(year, code.casefold())] = activity_id
            self.activity_codes.setdefault(code.casefold(), []).append(activity_id)
        self.activity_names = {
            activity_id: code
            for activity_id, code in session.execute(select(PlanActivity.id, PlanActivity.code))
        }
        self.current: dict[tuple[str, date], Record] = {}
        for row in session.execute(select(*(getattr(Event, c) for c in COLUMNS))):
            self.current.setdefault((key(row.title), row.held_on), dict(row._mapping))
        self.parsers = {
            "title": lambda v: text(v, max_length=200),
            "held_on": DateReader.about_future(today),
            "kind": Choices.of(EVENT_KIND, "cap tipus d'esdeveniment").parse,
            "format": Choices.of(EVENT_FORMAT, "cap format").parse,
            "municipality": self.municipalities.match,
            "work_group": self.groups.match,
            "notes": lambda v: text(v, multiline=True),
        }
        self.labels = {"kind": dict(EVENT_KIND), "format": dict(EVENT_FORMAT)}

    def parse_cells(self, row: RowReader) -> Record:
        values = super().parse_cells(row)
        if row.has("plan_activity") and not row.blank("plan_activity"):
            code = shown(row.raw("plan_activity")).strip()
            held_on = values.get("held_on")
            found = self.activities.get((held_on.year, code.casefold())) if held_on else None
            candidates = self.activity_codes.get(code.casefold(), [])
            if found is None and len(candidates) == 1:
                found = candidates[0]
            if found is None:
                year = f" del {held_on.year}" if held_on else ""
                row.fail("plan_activity", f"«{code}» no és cap activitat del pla{year}")
            else:
                values["plan_activity_id"] = found
        return values

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        if not values.get("title") or values.get("held_on") is None:
            return None, None
        identity = (key(values["title"]), values["held_on"])
        current = self.current.get(identity)
        if current is not None:
            values["title"] = current["title"]
        return identity, current

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        merged = (current or {}) | values
        if merged.get("kind") == EventKind.WORK_GROUP_SESSION and not merged.get("work_group_id"):
            row.fail(
                "work_group" if row.has("work_group") else "kind",
                "una sessió de grup de treball ha d'indicar el grup de treball",
            )

    def label(self, values: Record, current: Record | None) -> str:
        title = values.get("title") or (current or {}).get("title") or "(sense títol)"
        held_on = values.get("held_on")
        return f"{title} ({shown(held_on)})" if held_on else str(title)

    def display_value(self, column: str, value: object) -> str:
        if column == "municipality_code" and isinstance(value, str):
            return self.municipalities.label(value) if value in self.municipalities.names else value
        if column == "work_group_id" and value is not None:
            return self.group_names.get(str(value), str(value))
        if column == "plan_activity_id" and isinstance(value, int):
            return self.activity_names.get(value, str(value))
        return super().display_value(column, value)

    def insert_rows(self, plans: Sequence[RowPlan]) -> None:
        resolve_plan_groups(self.session, plans, "work_group_id")
        super().insert_rows(plans)

    def update_rows(self, plans: Sequence[RowPlan]) -> None:
        resolve_plan_groups(self.session, plans, "work_group_id")
        super().update_rows(plans)
