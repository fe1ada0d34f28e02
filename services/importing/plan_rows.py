"""Plan activities, found by year and code. Cells are read with the work-plan loader's own
rules (``db.plan_loader``): axis 1-7, scores 0-5, decimal commas, caps that exist,
dependencies on known codes and without cycles. Yes/no is read as every import reads it
(``parse_bool``: sí/no, 1/0, vertader/fals...), a superset of the loader's 1/0."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.models import ActivityStatus, PlanActivity, PlanActivityDependency, PlanCap
from db.plan_loader import ActivityRow, SheetRow, caps_csv, read_caps, refuse_cycles
from services.importing.base import (
    REFUSED,
    Column,
    Importer,
    KindSpec,
    Record,
    RowPlan,
    RowReader,
    split_list,
)
from services.importing.event_rows import resolve_plan_groups, work_group_lookup
from services.importing.reading import Cell
from services.importing.values import CellError, Choices, parse_bool, shown
from services.labels import ACTIVITY_STATUS
from services.limits import (
    AMOUNT_CEILING_EUR,
    AMOUNT_CEILING_TEXT,
    HOURS_CEILING,
    HOURS_CEILING_TEXT,
)


class _Cell(SheetRow):
    """One cell read with the plan loader's rules; its errors are ``CellError``."""

    def __init__(self, value: Cell) -> None:
        super().__init__("", 0, {"v": shown(value)})

    def error(self, column: str, message: str) -> ValueError:
        return CellError(message)


class _Line(SheetRow):
    """A row for the loader's cycle check, whose errors name our row and column."""

    def __init__(self, line: int, header: str) -> None:
        super().__init__("", line, {})
        self.header = header

    def error(self, column: str, message: str) -> ValueError:
        return CellError(f"fila {self.line}, columna *{self.header}*: {message}")


def _integer(low: int, high: int | None) -> Callable[[Cell], int]:
    return lambda value: _Cell(value).integer("v", low, high)


def _decimal(what: str, places: str, maximum: Decimal, limit: str) -> Callable[[Cell], Decimal]:
    """A number with ``places``; above ``maximum`` (the optimiser's ceiling, named ``limit``) it
    is refused, as the plan's editors refuse it: no scenario could be computed on it."""

    def parse(value: Cell) -> Decimal:
        raw = shown(value)
        # "1.234,50" as a Catalan spreadsheet writes it: the loader takes "1234,50".
        if "," in raw and "." in raw and raw.rindex(",") > raw.rindex("."):
            raw = raw.replace(".", "")
        number = _Cell(raw).decimal("v", what)
        # Compared before rounding: rounding 1e30 to cents needs more digits than Decimal keeps.
        if number > maximum:
            raise CellError(f"«{shown(value)}» passa del màxim que es pot calcular ({limit})")
        return number.quantize(Decimal(places))

    return parse


def _text(max_length: int | None) -> Callable[[Cell], str]:
    return lambda value: _Cell(value).text("v", max_length=max_length)


def _score(code: str, header: str, what: str) -> Column:
    return Column(code, header, f"0 a 5: {what}", aliases=(code,), field=code, empty=0)


SPEC = KindSpec(
    code="activitats",
    label="Activitats del pla de treball",
    table="plan_activity",
    matching="per any i codi: un codi que ja existeix aquell any actualitza l'activitat",
    columns=(
        Column(
            "year",
            "Any",
            "Any del pla; si falta, l'any en curs",
            aliases=("year", "exercici"),
            field="year",
        ),
        Column(
            "code",
            "Codi",
            "Únic dins l'any (p. ex. A5-01)",
            aliases=("code",),
            required=True,
            needed=True,
            field="code",
        ),
        Column(
            "axis", "Eix", "1 a 7 (apartat del pla)", aliases=("axis",), needed=True, field="axis"
        ),
        Column(
            "title", "Títol", "Màxim 200 caràcters", aliases=("title",), needed=True, field="title"
        ),
        Column(
            "description",
            "Descripció",
            "Text lliure",
            aliases=("description",),
            field="description",
            empty="",
        ),
        Column(
            "work_group",
            "Grup de treball",
            "Codi o nom d'un grup de treball",
            aliases=("work_group", "grup"),
            field="work_group_id",
        ),
        Column(
            "conveni",
            "Conveni",
            "1 o 0 (sí / no): vinculada al Conveni",
            aliases=("conveni",),
            field="conveni",
            empty=False,
        ),
        Column(
            "mandatory",
            "Obligatòria",
            "1 o 0 (sí / no)",
            aliases=("mandatory", "obligatoria"),
            field="mandatory",
            empty=False,
        ),
        Column(
            "estimated_cost_eur",
            "Cost estimat (€)",
            "Import, amb coma o punt decimal",
            aliases=("estimated_cost_eur", "cost", "cost estimat"),
            needed=True,
            field="estimated_cost_eur",
        ),
        Column(
            "staff_hours",
            "Hores de l'equip",
            "Nombre d'hores",
            aliases=("staff_hours", "hores"),
            needed=True,
            field="staff_hours",
        ),
        _score("score_impact", "Impacte", "impacte"),
        _score("score_territory", "Territori", "abast territorial"),
        _score("score_alignment", "Alineament", "alineament amb el pla"),
        _score("score_demand", "Demanda", "demanda dels membres"),
        Column(
            "cap_group",
            "Grup de límit",
            "Grup amb un màxim d'activitats l'any (p. ex. jornades)",
            aliases=("cap_group",),
            field="cap_group",
        ),
        Column(
            "depends_on",
            "Depèn de",
            "Codis d'altres activitats separats per punt i coma",
            aliases=("depends_on", "dependencies"),
        ),
        Column(
            "exclusive_group",
            "Grup exclusiu",
            "Activitats alternatives: com a màxim una",
            aliases=("exclusive_group",),
            field="exclusive_group",
        ),
        Column("quarter", "Trimestre", "1 a 4", aliases=("quarter",), field="quarter"),
        Column(
            "status",
            "Estat",
            ", ".join(ACTIVITY_STATUS.values()) + "; si falta, Prevista",
            aliases=("status",),
            field="status",
        ),
    ),
)

COLUMNS = [c.field for c in SPEC.columns if c.field and c.field != "year"]


class PlanActivityImporter(Importer):
    spec = SPEC
    model = PlanActivity

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.groups, self.group_names = work_group_lookup(session)
        self.current: dict[tuple[int, str], Record] = {}
        fields = ["id", "year", "version", *COLUMNS]
        for row in session.execute(select(*(getattr(PlanActivity, c) for c in fields))):
            self.current[(row.year, row.code)] = dict(row._mapping)
        self.codes = {row["id"]: row["code"] for row in self.current.values()}
        self.dependencies: dict[int, list[str]] = defaultdict(list)
        for activity_id, requires_id in session.execute(
            select(PlanActivityDependency.activity_id, PlanActivityDependency.requires_id)
        ):
            self.dependencies[activity_id].append(self.codes.get(requires_id, "?"))
        self.identities: dict[int, tuple[int, str]] = {}
        self.depends: dict[int, list[str]] = {}
        self.caps = {
            (year, group)
            for year, group in session.execute(select(PlanCap.year, PlanCap.cap_group))
        }
        # The caps the plan ships with (plan_caps_<year>.csv) count too: created on write.
        self.reference_caps: dict[tuple[int, str], tuple[int, str]] = {}
        self.parsers = {
            "year": _integer(2000, 2100),
            "code": _text(20),
            "axis": _integer(1, 7),
            "title": _text(200),
            "description": _text(None),
            "work_group": self.groups.match,
            "conveni": parse_bool,
            "mandatory": parse_bool,
            "estimated_cost_eur": _decimal(
                "un import", "0.01", AMOUNT_CEILING_EUR, AMOUNT_CEILING_TEXT
            ),
            "staff_hours": _decimal("un nombre d'hores", "0.1", HOURS_CEILING, HOURS_CEILING_TEXT),
            "score_impact": _integer(0, 5),
            "score_territory": _integer(0, 5),
            "score_alignment": _integer(0, 5),
            "score_demand": _integer(0, 5),
            "cap_group": _text(40),
            "exclusive_group": _text(40),
            "quarter": _integer(1, 4),
            "status": Choices.of(ACTIVITY_STATUS, "cap estat d'activitat").parse,
        }
        self.labels = {"status": dict(ACTIVITY_STATUS)}

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        if not values.get("code"):
            return None, None
        if values.get("year") is None:
            values["year"] = self.today.year
        identity = (values["year"], values["code"])
        self.identities[row.line] = identity
        return identity, self.current.get(identity)

    def complete(self, row: RowReader, values: Record, current: Record | None) -> None:
        super().complete(row, values, current)
        if current is None and values.get("status") is None:
            values["status"] = ActivityStatus.PLANNED

    def extra(self, row: RowReader, values: Record, current: Record | None) -> Record:
        if not row.has("depends_on") or (row.blank("depends_on") and current is not None):
            return {}
        depends = split_list(row.raw("depends_on"))
        self.depends[row.line] = depends
        return {"depends_on": depends}

    def extra_changes(self, extra: Record, current: Record) -> dict[str, tuple[Any, Any]]:
        if "depends_on" not in extra:
            return {}
        before = sorted(self.dependencies.get(current["id"], []))
        after = sorted(extra["depends_on"])
        return {"depends_on": ("; ".join(before), "; ".join(after))} if before != after else {}

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        merged = (current or {}) | values
        cap = merged.get("cap_group")
        year = merged.get("year", self.today.year)
        if cap and (year, cap) not in self.caps and not self._reference_cap(year, cap):
            known = sorted(group for y, group in self.caps if y == year)
            listed = f" (n'hi ha: {', '.join(known)})" if known else ""
            row.fail("cap_group", f"«{cap}» no és cap grup de límit del pla {year}{listed}")

    def finish(self, plans: list[RowPlan]) -> None:
        """Dependencies on known codes only, and no cycles (the plan loader's rule)."""
        header = self.spec.column("depends_on").header
        by_line = {plan.line: plan for plan in plans}
        years: dict[int, dict[str, int]] = defaultdict(dict)  # year → code → line
        for line, (year, code) in self.identities.items():
            years[year].setdefault(code, line)
        for year, in_file in years.items():
            known = set(in_file) | {code for (y, code) in self.current if y == year}
            activities = []
            for code, line in in_file.items():
                depends = self.depends.get(line)
                if depends is None:
                    continue
                missing = [d for d in depends if d not in known]
                if code in depends:
                    self._refuse(
                        by_line[line],
                        header,
                        f"l'activitat «{code}» no pot dependre d'ella mateixa",
                    )
                elif missing:
                    self._refuse(
                        by_line[line],
                        header,
                        f"«{', '.join(missing)}» no correspon a cap activitat del pla {year}",
                    )
                else:
                    activities.append(
                        ActivityRow(_Line(line, header), {"code": code}, None, tuple(depends))
                    )
            while activities:
                try:
                    refuse_cycles(activities)
                    break
                except CellError as error:
                    line = int(str(error).split(",")[0].removeprefix("fila "))
                    plan = by_line[line]
                    plan.action = REFUSED
                    plan.messages = [*plan.messages, str(error)]
                    activities = [a for a in activities if a.line.line != line]

    def _reference_cap(self, year: int, cap: str) -> bool:
        if (year, cap) not in self.reference_caps and caps_csv(year).is_file():
            try:
                for group, value in read_caps(caps_csv(year)).items():
                    self.reference_caps[(year, group)] = value
            except ValueError:
                return False
        return (year, cap) in self.reference_caps

    def _create_reference_caps(self, plans: Sequence[RowPlan]) -> None:
        wanted = {
            (self.identities[p.line][0], p.values["cap_group"])
            for p in plans
            if p.values.get("cap_group")
        }
        for year, cap in sorted(wanted - self.caps):
            max_count, description = self.reference_caps[(year, cap)]
            self.session.add(
                PlanCap(year=year, cap_group=cap, max_count=max_count, description=description)
            )
            self.caps.add((year, cap))
        self.session.flush()

    @staticmethod
    def _refuse(plan: RowPlan, header: str, message: str) -> None:
        plan.action = REFUSED
        plan.messages = [*plan.messages, f"fila {plan.line}, columna *{header}*: {message}"]

    def label(self, values: Record, current: Record | None) -> str:
        code = values.get("code") or (current or {}).get("code") or "(sense codi)"
        title = values.get("title") or (current or {}).get("title") or ""
        return f"{code} {title}".strip()

    def display_value(self, column: str, value: object) -> str:
        if column == "work_group_id" and value is not None:
            return self.group_names.get(str(value), str(value))
        return super().display_value(column, value)

    def insert_rows(self, plans: Sequence[RowPlan]) -> None:
        self._create_reference_caps(plans)
        resolve_plan_groups(self.session, plans, "work_group_id")
        super().insert_rows(plans)

    def update_rows(self, plans: Sequence[RowPlan]) -> None:
        self._create_reference_caps(plans)
        resolve_plan_groups(self.session, plans, "work_group_id")
        super().update_rows(plans)

    def _write_dependencies(self, plans: Sequence[RowPlan]) -> None:
        changing = [p for p in plans if "depends_on" in p.extra]
        if not changing:
            return
        ids = {
            (year, code): activity_id
            for activity_id, year, code in self.session.execute(
                select(PlanActivity.id, PlanActivity.year, PlanActivity.code)
            )
        }
        self.session.execute(
            delete(PlanActivityDependency).where(
                PlanActivityDependency.activity_id.in_([p.target for p in changing])
            )
        )
        rows = [
            {"activity_id": plan.target, "requires_id": ids[(self.identities[plan.line][0], code)]}
            for plan in changing
            for code in dict.fromkeys(plan.extra["depends_on"])
        ]
        if rows:
            self.session.execute(insert(PlanActivityDependency), rows)

    def after_insert(self, created: list[RowPlan]) -> None:
        self._write_dependencies(created)

    def after_update(self, updated: list[RowPlan]) -> None:
        self._write_dependencies(updated)
