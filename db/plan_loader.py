"""The work plan's work groups and activities, loaded from ``db/reference``.

The plan's activities (``plan_activities_<year>.csv``) and caps (``plan_caps_<year>.csv``) are
read and validated completely before anything is written: a bad row raises a Catalan
``ValueError`` naming the file, the row (numbered as a spreadsheet shows it, the header being
row 1) and the column, and the session is left untouched. Loading is idempotent: codes
already present for that year are skipped, so it can run on every start or after a partial
manual entry.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PlanActivity, PlanActivityDependency, PlanCap, WorkGroup, WorkGroupStatus

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class WorkGroupSpec:
    code: str
    name: str
    status: WorkGroupStatus
    description: str


# Section 6 of the 2026 plan, in its order. Financing is suspended by the plan ("deixar en
# suspens"); the ESS Law group is the one the plan newly activates in 2026.
WORK_GROUPS: tuple[WorkGroupSpec, ...] = (
    WorkGroupSpec(
        "agroecologia",
        "Agroecologia",
        WorkGroupStatus.ACTIVE,
        "Bones pràctiques de polítiques públiques alimentàries amb perspectiva d'ESS i "
        "detecció de necessitats per territoris.",
    ),
    WorkGroupSpec(
        "ccpr",
        "Compra i Contractació Pública Responsable",
        WorkGroupStatus.ACTIVE,
        "Jornades i materials sobre CCPR, coordinació amb els agents que hi treballen i "
        "formació via EAPC.",
    ),
    WorkGroupSpec(
        "comunalitats",
        "Comunalitats",
        WorkGroupStatus.ACTIVE,
        "Intercanvi entre ajuntaments de les Comunalitats Urbanes i models de gestió "
        "comunitària de béns comuns.",
    ),
    WorkGroupSpec(
        "formacio",
        "Formació",
        WorkGroupStatus.ACTIVE,
        "Pla formatiu 2026-2027, Guia «Soc regidor/a d'ESS, i ara què?» i formació acreditada.",
    ),
    WorkGroupSpec(
        "cures",
        "Cures",
        WorkGroupStatus.ACTIVE,
        "Col·laboració públic-cooperativa-comunitària en les cures i envelliment als municipis.",
    ),
    WorkGroupSpec(
        "llei_ess",
        "Llei de l'ESS",
        WorkGroupStatus.ACTIVE,
        "Activat el 2026: participació en el desplegament de la Llei de l'ESS i sessió "
        "informativa sobre les competències municipals.",
    ),
    WorkGroupSpec(
        "habitatge_cooperatiu",
        "Cooperativisme d'Habitatge",
        WorkGroupStatus.ACTIVE,
        "Formació i assessorament sobre habitatge cooperatiu, masoveria urbana i novetats "
        "normatives.",
    ),
    WorkGroupSpec(
        "monedes_locals",
        "Monedes Locals i Socials",
        WorkGroupStatus.ACTIVE,
        "Intercanvi d'experiències amb el GIMC i jornades sobre monedes locals com a política "
        "pública.",
    ),
    WorkGroupSpec(
        "financament",
        "Finançament de l'ESS",
        WorkGroupStatus.SUSPENDED,
        "En suspens segons el Pla de Treball 2026, sense excloure'n la reactivació o la "
        "reconversió en mentoria.",
    ),
)

ACTIVITY_COLUMNS = (
    "code",
    "axis",
    "title",
    "description",
    "work_group",
    "conveni",
    "mandatory",
    "estimated_cost_eur",
    "staff_hours",
    "score_impact",
    "score_territory",
    "score_alignment",
    "score_demand",
    "cap_group",
    "depends_on",
    "exclusive_group",
    "quarter",
)
CAP_COLUMNS = ("cap_group", "max_count", "description")

_TRUE = {"1", "true", "sí", "si", "s", "yes", "y", "x", "cert"}
_FALSE = {"0", "false", "no", "n", "fals", ""}


def activities_csv(year: int) -> Path:
    return REFERENCE_DIR / f"plan_activities_{year}.csv"


def caps_csv(year: int) -> Path:
    return REFERENCE_DIR / f"plan_caps_{year}.csv"


def load_work_groups(session: Session) -> dict[str, WorkGroup]:
    """The plan's work groups by code, creating the missing ones (existing ones are kept as
    they are: staff may have changed a status or a description since)."""
    existing = {group.code: group for group in session.scalars(select(WorkGroup))}
    for spec in WORK_GROUPS:
        if spec.code not in existing:
            group = WorkGroup(
                code=spec.code, name=spec.name, status=spec.status, description=spec.description
            )
            session.add(group)
            existing[spec.code] = group
    session.flush()
    return existing


# --- Reading and validating ------------------------------------------------------------------


class SheetRow:
    """One CSV row and where it is, so every error names the file, the row and the column."""

    def __init__(self, file_name: str, line: int, values: dict[str, str]) -> None:
        self.file_name = file_name
        self.line = line
        self.values = values

    def error(self, column: str, message: str) -> ValueError:
        return ValueError(f"{self.file_name}, fila {self.line}, columna {column}: {message}")

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.error(column, "el valor és obligatori i està buit")
        if max_length is not None and len(value) > max_length:
            raise self.error(
                column, f"«{value[:40]}…» és massa llarg (màxim {max_length} caràcters)"
            )
        return value

    def integer(self, column: str, low: int, high: int | None, *, optional: bool = False) -> int:
        raw = self.text(column)
        if optional and not raw:
            return -1
        try:
            value = int(raw)
        except ValueError:
            raise self.error(column, f"«{raw}» no és un nombre enter vàlid") from None
        if value < low or (high is not None and value > high):
            limit = f"entre {low} i {high}" if high is not None else f"{low} o més"
            raise self.error(column, f"«{raw}» ha de ser {limit}")
        return value

    def decimal(self, column: str, what: str) -> Decimal:
        raw = self.text(column)
        # A Catalan spreadsheet writes a decimal comma: accept "1234,5" as well as "1234.5".
        normalised = raw.replace(" ", "").replace("€", "")
        if "," in normalised and "." not in normalised:
            normalised = normalised.replace(",", ".")
        try:
            value = Decimal(normalised)
        except InvalidOperation:
            raise self.error(column, f"«{raw}» no és {what} vàlid") from None
        if not value.is_finite() or value < 0:
            raise self.error(column, f"«{raw}» no és {what} vàlid")
        return value

    def boolean(self, column: str) -> bool:
        raw = self.text(column).lower()
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise self.error(column, f"«{raw}» no és un valor de sí/no vàlid (useu 1 o 0)")


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[SheetRow]:
    if not path.is_file():
        raise ValueError(f"No es troba el fitxer {path.name} ({path})")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: falten les columnes {', '.join(missing)}")
        rows = []
        # Row numbers as a spreadsheet shows them: the header is row 1 (a quoted cell with a
        # line break stays one row, unlike the file's line numbers).
        for number, values in enumerate(reader, start=2):
            # Skip blank rows a spreadsheet leaves at the end.
            if not any(isinstance(v, str) and v.strip() for v in values.values()):
                continue
            rows.append(SheetRow(path.name, number, values))
    return rows


@dataclass(frozen=True)
class ActivityRow:
    line: SheetRow
    values: dict[str, object]
    work_group_code: str | None
    depends_on: tuple[str, ...]


def read_caps(path: Path) -> dict[str, tuple[int, str]]:
    caps: dict[str, tuple[int, str]] = {}
    for row in _read_rows(path, CAP_COLUMNS):
        group = row.text("cap_group", required=True, max_length=40)
        if group in caps:
            raise row.error("cap_group", f"«{group}» està repetit")
        caps[group] = (row.integer("max_count", 0, None), row.text("description"))
    return caps


def _read_activities(
    path: Path, year: int, caps: dict[str, tuple[int, str]], existing_codes: set[str]
) -> list[ActivityRow]:
    groups_by_name = {spec.name.casefold(): spec.code for spec in WORK_GROUPS}
    groups_by_name |= {spec.code: spec.code for spec in WORK_GROUPS}
    result: list[ActivityRow] = []
    seen: dict[str, SheetRow] = {}
    for row in _read_rows(path, ACTIVITY_COLUMNS):
        code = row.text("code", required=True, max_length=20)
        if code in seen:
            raise row.error("code", f"el codi «{code}» ja és a la fila {seen[code].line}")
        seen[code] = row
        group_name = row.text("work_group")
        group_code = None
        if group_name:
            group_code = groups_by_name.get(group_name.casefold())
            if group_code is None:
                raise row.error("work_group", f"«{group_name}» no és cap grup de treball del pla")
        cap_group = row.text("cap_group", max_length=40) or None
        if cap_group is not None and cap_group not in caps:
            raise row.error("cap_group", f"«{cap_group}» no és a {caps_csv(year).name}")
        quarter = row.integer("quarter", 1, 4, optional=True)
        depends_on = tuple(
            part.strip() for part in row.text("depends_on").split(";") if part.strip()
        )
        if code in depends_on:
            raise row.error("depends_on", f"l'activitat «{code}» no pot dependre d'ella mateixa")
        values: dict[str, object] = {
            "year": year,
            "code": code,
            "axis": row.integer("axis", 1, 7),
            "title": row.text("title", required=True, max_length=200),
            "description": row.text("description"),
            "conveni": row.boolean("conveni"),
            "mandatory": row.boolean("mandatory"),
            "estimated_cost_eur": row.decimal("estimated_cost_eur", "un import").quantize(
                Decimal("0.01")
            ),
            "staff_hours": row.decimal("staff_hours", "un nombre d'hores").quantize(Decimal("0.1")),
            "score_impact": row.integer("score_impact", 0, 5),
            "score_territory": row.integer("score_territory", 0, 5),
            "score_alignment": row.integer("score_alignment", 0, 5),
            "score_demand": row.integer("score_demand", 0, 5),
            "cap_group": cap_group,
            "exclusive_group": row.text("exclusive_group", max_length=40) or None,
            "quarter": None if quarter == -1 else quarter,
        }
        result.append(ActivityRow(row, values, group_code, depends_on))

    known = set(seen) | existing_codes
    for activity in result:
        for required in activity.depends_on:
            if required not in known:
                raise activity.line.error(
                    "depends_on", f"el codi «{required}» no correspon a cap activitat del pla"
                )
    refuse_cycles(result)
    return result


def refuse_cycles(activities: list[ActivityRow]) -> None:
    """A dependency cycle would make every activity in it impossible to select."""
    graph = {str(a.values["code"]): a for a in activities}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(code: str, path: list[str]) -> None:
        state[code] = 1
        for required in graph[code].depends_on if code in graph else ():
            if state.get(required) == 1:
                cycle = " → ".join([*path[path.index(required) :], required])
                raise graph[code].line.error("depends_on", f"dependència circular: {cycle}")
            if state.get(required) is None and required in graph:
                visit(required, [*path, required])
        state[code] = 2

    for code in graph:
        if code not in state:
            visit(code, [code])


# --- Writing -------------------------------------------------------------------------------


def load_plan(
    session: Session,
    year: int = 2026,
    *,
    activities_path: Path | None = None,
    caps_path: Path | None = None,
) -> int:
    """Load the year's plan (activities, dependencies, caps) and its work groups; returns the
    number of activities created. Flushes but does not commit: the caller owns the
    transaction."""
    activities_path = activities_path or activities_csv(year)
    caps_path = caps_path or caps_csv(year)
    existing = {
        activity.code: activity.id
        for activity in session.scalars(select(PlanActivity).where(PlanActivity.year == year))
    }
    # Everything is read and checked before the first write: a bad row leaves no trace.
    caps = read_caps(caps_path)
    rows = _read_activities(activities_path, year, caps, set(existing))

    groups = load_work_groups(session)
    present_caps = set(session.scalars(select(PlanCap.cap_group).where(PlanCap.year == year)))
    for cap_group, (max_count, description) in caps.items():
        if cap_group not in present_caps:
            cap = PlanCap(
                year=year, cap_group=cap_group, max_count=max_count, description=description
            )
            session.add(cap)

    created: list[tuple[PlanActivity, ActivityRow]] = []
    for row in rows:
        if row.values["code"] in existing:
            continue
        activity = PlanActivity(**row.values)
        if row.work_group_code is not None:
            activity.work_group_id = groups[row.work_group_code].id
        session.add(activity)
        created.append((activity, row))
    session.flush()

    ids = existing | {activity.code: activity.id for activity, _ in created}
    for activity, row in created:
        for required in row.depends_on:
            session.add(PlanActivityDependency(activity_id=activity.id, requires_id=ids[required]))
    session.flush()
    return len(created)
