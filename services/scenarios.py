"""Saved what-ifs over the plan: their inputs, the selection the optimiser made and why each cut
activity is out; listed, compared side by side and exported for the minutes.

A saved scenario keeps its selection and reasons as they were when it was saved; money and
hours are the plan's current figures (the details say when the plan changed since).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    AppUser,
    AuditAction,
    AuditLog,
    PlanActivity,
    Scenario,
    ScenarioActivity,
)
from services.access import Actor, Right, require
from services.audit import add_audited, record_change
from services.errors import ValidationError
from services.export import xlsx_bytes
from services.formatting import fmt_eur, fmt_number, fmt_percent
from services.frames import frame_of
from services.labels import PLAN_AXIS
from services.optimiser import CRITERIA_LABELS, Inputs, Weights, solve, validate
from services.plan import plan_model

# The funding the plan depends on ("un Pla de Treball de màxims, supeditat a la pròrroga de
# Conveni o altres ingressos"). Estimates for the what-if, editable on the page: the network's
# own income (members' fees) and what the Conveni with the Departament de Treball adds.
OWN_FUNDS_EUR = Decimal("60000")
CONVENI_GRANT_EUR = Decimal("90000")
BUDGET_CONVENI_EXTENDED_EUR = OWN_FUNDS_EUR + CONVENI_GRANT_EUR
BUDGET_WITHOUT_CONVENI_EUR = OWN_FUNDS_EUR
# Impact on members and alignment with the plan's challenges weigh most.
DEFAULT_WEIGHTS = Weights(impact=3, territory=2, alignment=3, demand=2)
MAX_WEIGHT = 5
MAX_NAME_LENGTH = 120


def default_budget(conveni_extended: bool) -> Decimal:
    return BUDGET_CONVENI_EXTENDED_EUR if conveni_extended else BUDGET_WITHOUT_CONVENI_EUR


@dataclass(frozen=True)
class ScenarioInputs:
    """What the Commission sets: the funding, the team's hours and the criteria weights."""

    conveni_extended: bool
    budget_eur: Decimal
    other_income_eur: Decimal
    staff_hours: Decimal
    weights: Weights = DEFAULT_WEIGHTS
    conveni_first: bool = True

    @property
    def available_eur(self) -> Decimal:
        return self.budget_eur + self.other_income_eur

    def optimiser_inputs(self) -> Inputs:
        return Inputs(self.available_eur, self.staff_hours, self.weights, self.conveni_first)


def input_errors(inputs: ScenarioInputs) -> list[str]:
    """Catalan messages for inputs the page must refuse (empty when all is well)."""
    errors: list[str] = []
    for label, value in (
        ("Pressupost", inputs.budget_eur),
        ("Altres ingressos", inputs.other_income_eur),
        ("Hores de l'equip", inputs.staff_hours),
    ):
        if not (value.is_finite() and value >= 0):
            errors.append(f"{label}: «{value}» ha de ser 0 o més.")
    for name, weight in inputs.weights.as_dict().items():
        if not 0 <= weight <= MAX_WEIGHT:
            errors.append(f"Pes «{CRITERIA_LABELS[name]}»: ha de ser entre 0 i {MAX_WEIGHT}.")
    return errors


def _yes_no(value: bool) -> str:
    return "Sí" if value else "No"


# --- Writing ---------------------------------------------------------------------------------


def _name_errors(session: Session, name: str) -> list[str]:
    if not name:
        return ["Nom: cal posar un nom a l'escenari (p. ex. «Sense pròrroga»)."]
    if len(name) > MAX_NAME_LENGTH:
        return [f"Nom: és massa llarg (màxim {MAX_NAME_LENGTH} caràcters)."]
    if session.scalar(select(Scenario.id).where(func.lower(Scenario.name) == name.lower())):
        return [f"Nom: ja hi ha un escenari «{name}»; trieu-ne un altre o esborreu-lo."]
    return []


def save_scenario(
    *,
    session: Session,
    year: int,
    name: str,
    inputs: ScenarioInputs,
    actor: Actor,
    notes: str = "",
) -> int:
    """Solve ``inputs`` over the year's plan and save the result under ``name``; returns its id.

    The selection is computed here, not taken from the caller, so a saved scenario is always
    what the optimiser says for its inputs."""
    require(actor, Right.EDIT_PLAN)
    name = " ".join(name.split())
    errors = input_errors(inputs) + _name_errors(session, name)
    if errors:
        raise ValidationError(errors)
    plan = plan_model(session=session, year=year)
    if not plan.activities:
        raise ValidationError([f"No hi ha cap activitat del pla {year} per prioritzar."])
    validate(plan, inputs.optimiser_inputs())
    solution = solve(plan, inputs.optimiser_inputs())
    if not solution.feasible:
        raise ValidationError(
            ["No es pot desar un escenari on no hi caben les activitats obligatòries:"]
            + [shortfall.message for shortfall in solution.shortfalls]
        )
    return store_scenario(
        session=session,
        year=year,
        name=name,
        inputs=inputs,
        selection={d.code: (d.selected, d.reason) for d in solution.decisions},
        actor=actor,
        notes=notes,
    )


def store_scenario(
    *,
    session: Session,
    year: int,
    name: str,
    inputs: ScenarioInputs,
    selection: Mapping[str, tuple[bool, str]],
    actor: Actor,
    notes: str = "",
) -> int:
    """Write a scenario whose selection is already decided (``code → (selected, reason)``),
    audited; returns its id. The writers above (and the mid-year re-plan) decide it."""
    require(actor, Right.EDIT_PLAN)
    name = " ".join(name.split())
    errors = _name_errors(session, name)
    if errors:
        raise ValidationError(errors)
    user_id = session.scalar(select(AppUser.id).where(AppUser.email == actor.audit_name))
    scenario = Scenario(
        name=name,
        year=year,
        conveni_extended=inputs.conveni_extended,
        budget_eur=inputs.budget_eur,
        other_income_eur=inputs.other_income_eur,
        staff_hours=inputs.staff_hours,
        conveni_first=inputs.conveni_first,
        weights=inputs.weights.as_dict(),
        notes=notes.strip(),
        created_by_id=user_id,
    )
    try:
        add_audited(
            session,
            scenario,
            username=actor.audit_name,
            after={
                "name": name,
                "year": year,
                "conveni_extended": inputs.conveni_extended,
                "budget_eur": str(inputs.budget_eur),
                "other_income_eur": str(inputs.other_income_eur),
                "staff_hours": str(inputs.staff_hours),
                "conveni_first": inputs.conveni_first,
                "weights": inputs.weights.as_dict(),
                "selected": sorted(code for code, (chosen, _) in selection.items() if chosen),
            },
        )
    except IntegrityError:
        # Someone saved the same name between our check and this insert.
        raise ValidationError([f"Nom: ja hi ha un escenari «{name}»."]) from None
    ids = dict(
        session.execute(
            select(PlanActivity.code, PlanActivity.id).where(PlanActivity.year == year)
        ).all()
    )
    session.add_all(
        ScenarioActivity(
            scenario_id=scenario.id,
            plan_activity_id=ids[code],
            selected=chosen,
            reason=reason,
        )
        for code, (chosen, reason) in selection.items()
    )
    session.flush()
    return scenario.id


def delete_scenario(*, session: Session, scenario_id: int, actor: Actor) -> None:
    require(actor, Right.EDIT_PLAN)
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise ValidationError(["Aquest escenari ja no existeix."])
    record_change(
        session,
        username=actor.audit_name,
        action=AuditAction.DELETE,
        table="scenario",
        record_id=scenario.id,
        before={"name": scenario.name, "year": scenario.year},
    )
    session.delete(scenario)
    session.flush()


# --- Reading ---------------------------------------------------------------------------------


def _inputs(scenario: Scenario) -> ScenarioInputs:
    return ScenarioInputs(
        conveni_extended=scenario.conveni_extended,
        budget_eur=Decimal(scenario.budget_eur),
        other_income_eur=Decimal(scenario.other_income_eur),
        staff_hours=Decimal(scenario.staff_hours),
        weights=Weights.from_mapping(scenario.weights or {}),
        conveni_first=scenario.conveni_first,
    )


@dataclass(frozen=True)
class ScenarioDetail:
    scenario_id: int
    name: str
    year: int
    inputs: ScenarioInputs
    notes: str
    created_at: datetime | None
    # One row per activity: code, title, axis, conveni, mandatory, cost_eur, staff_hours,
    # value, selected, reason.
    activities: pd.DataFrame
    plan_changed_since: bool

    @property
    def funded(self) -> pd.DataFrame:
        return self.activities[self.activities["selected"]]

    @property
    def cost_eur(self) -> float:
        return float(self.funded["cost_eur"].sum())

    @property
    def staff_hours(self) -> float:
        return float(self.funded["staff_hours"].sum())

    @property
    def conveni_share(self) -> float:
        cost = self.cost_eur
        conveni = float(self.funded.loc[self.funded["conveni"], "cost_eur"].sum())
        return conveni / cost if cost else 0.0

    @property
    def value(self) -> float:
        return float(self.funded["value"].sum())


def scenario_detail(*, session: Session, scenario_id: int) -> ScenarioDetail | None:
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        return None
    inputs = _inputs(scenario)
    weights = inputs.weights.as_tuple()
    stored = {
        row.plan_activity_id: row
        for row in session.scalars(
            select(ScenarioActivity).where(ScenarioActivity.scenario_id == scenario_id)
        )
    }
    activities = session.scalars(
        select(PlanActivity)
        .where(PlanActivity.id.in_(list(stored)))
        .order_by(PlanActivity.axis, PlanActivity.code)
    ).all()
    columns = [
        "code", "title", "axis", "conveni", "mandatory", "cost_eur", "staff_hours", "value",
        "selected", "reason",
    ]  # fmt: skip
    rows = [
        (
            a.code,
            a.title,
            a.axis,
            a.conveni,
            a.mandatory,
            float(a.estimated_cost_eur),
            float(a.staff_hours),
            sum(
                w * s
                for w, s in zip(
                    weights,
                    (a.score_impact, a.score_territory, a.score_alignment, a.score_demand),
                    strict=True,
                )
            ),
            stored[a.id].selected,
            stored[a.id].reason,
        )
        for a in activities
    ]
    last_plan_change = session.scalar(
        select(func.max(AuditLog.at)).where(AuditLog.table_name == "plan_activity")
    )
    changed = (
        last_plan_change is not None
        and scenario.created_at is not None
        and last_plan_change > scenario.created_at
    )
    return ScenarioDetail(
        scenario_id=scenario.id,
        name=scenario.name,
        year=scenario.year,
        inputs=inputs,
        notes=scenario.notes,
        created_at=scenario.created_at,
        activities=frame_of(rows, columns).astype({"selected": bool}),
        plan_changed_since=changed,
    )


@reads(Area.PLAN, Area.SCENARIOS)
def list_scenarios(*, session: Session, year: int) -> pd.DataFrame:
    """The saved scenarios of ``year``, newest first, with what they fund."""
    funded = (
        select(
            ScenarioActivity.scenario_id,
            func.count().label("funded"),
            func.sum(PlanActivity.estimated_cost_eur).label("cost"),
        )
        .join(PlanActivity, PlanActivity.id == ScenarioActivity.plan_activity_id)
        .where(ScenarioActivity.selected.is_(True))
        .group_by(ScenarioActivity.scenario_id)
        .subquery()
    )
    rows = session.execute(
        select(Scenario, funded.c.funded, funded.c.cost)
        .outerjoin(funded, funded.c.scenario_id == Scenario.id)
        .where(Scenario.year == year)
        .order_by(Scenario.created_at.desc(), Scenario.id.desc())
    ).all()
    columns = [
        "scenario_id", "name", "conveni_extended", "available_eur", "staff_hours",
        "conveni_first", "funded", "cost_eur", "created_at", "notes",
    ]  # fmt: skip
    return frame_of(
        [
            (
                s.id,
                s.name,
                s.conveni_extended,
                float(s.budget_eur + s.other_income_eur),
                float(s.staff_hours),
                s.conveni_first,
                int(count or 0),
                float(cost or 0),
                s.created_at,
                s.notes,
            )
            for s, count, cost in rows
        ],
        columns,
    )


def summary_rows(detail: ScenarioDetail) -> list[tuple[str, str]]:
    """The scenario's inputs and totals, as the minutes read them."""
    inputs = detail.inputs
    available = float(inputs.available_eur)
    return [
        ("Conveni prorrogat", _yes_no(inputs.conveni_extended)),
        ("Pressupost", fmt_eur(inputs.budget_eur, 0)),
        ("Altres ingressos", fmt_eur(inputs.other_income_eur, 0)),
        ("Disponible", fmt_eur(available, 0)),
        ("Hores de l'equip", fmt_number(inputs.staff_hours)),
        ("Prioritat al Conveni", _yes_no(inputs.conveni_first)),
        *(
            (f"Pes: {CRITERIA_LABELS[name]}", fmt_number(value))
            for name, value in inputs.weights.as_dict().items()
        ),
        ("Activitats finançades", f"{len(detail.funded)} de {len(detail.activities)}"),
        ("Cost finançat", fmt_eur(detail.cost_eur, 0)),
        ("Diners sobrants", fmt_eur(available - detail.cost_eur, 0)),
        ("Hores sobrants", fmt_number(float(inputs.staff_hours) - detail.staff_hours)),
        ("Part del Conveni en el cost", fmt_percent(detail.conveni_share)),
        ("Valor ponderat", fmt_number(detail.value)),
    ]


@dataclass(frozen=True)
class Comparison:
    left: ScenarioDetail
    right: ScenarioDetail
    # ``concept`` | ``left`` (A) | ``right`` (B): inputs and totals side by side, as the
    # minutes read them (``summary_rows``).
    summary: pd.DataFrame
    # The activities funded in one and not in the other: ``change`` ("enters" B or "leaves"
    # it), ``code``, ``title``, ``cost_eur``, ``reason_a``, ``reason_b``, ``conveni``, ``axis``;
    # entering first, then by code.
    changes: pd.DataFrame


CHANGE_COLUMNS = [
    "change", "code", "title", "cost_eur", "reason_a", "reason_b", "conveni", "axis",
]  # fmt: skip


@reads(Area.PLAN, Area.SCENARIOS, Area.AUDIT)
def compare_scenarios(*, session: Session, left_id: int, right_id: int) -> Comparison | None:
    """Two scenarios side by side and what changes from the first (A) to the second (B)."""
    left = scenario_detail(session=session, scenario_id=left_id)
    right = scenario_detail(session=session, scenario_id=right_id)
    if left is None or right is None:
        return None
    summary = frame_of(
        [
            (concept, a_value, b_value)
            for (concept, a_value), (_, b_value) in zip(
                summary_rows(left), summary_rows(right), strict=True
            )
        ],
        ["concept", "left", "right"],
    )
    merged = left.activities.merge(
        right.activities[["code", "selected", "reason"]],
        on="code",
        how="outer",
        suffixes=("_a", "_b"),
    )
    merged = merged[merged["selected_a"].fillna(False) != merged["selected_b"].fillna(False)]
    changes = pd.DataFrame(
        {
            "change": merged["selected_b"].map({True: "enters", False: "leaves"}),
            "code": merged["code"],
            "title": merged["title"],
            "cost_eur": merged["cost_eur"],
            "reason_a": merged["reason_a"].fillna(""),
            "reason_b": merged["reason_b"].fillna(""),
            "conveni": merged["conveni"],
            "axis": merged["axis"],
        },
        columns=CHANGE_COLUMNS,
    ).sort_values(["change", "code"], ignore_index=True)
    return Comparison(left=left, right=right, summary=summary, changes=changes)


# The workbook for the minutes is a document people read and file: its sheets carry Catalan
# headers, as the importer's and the backup's files do.


def _activities_sheet(detail: ScenarioDetail) -> pd.DataFrame:
    """Every activity with its decision, numbers kept as numbers for the spreadsheet."""
    frame = detail.activities
    return pd.DataFrame(
        {
            "Codi": frame["code"],
            "Activitat": frame["title"],
            "Eix": frame["axis"].map(PLAN_AXIS),
            "Conveni": frame["conveni"].map(_yes_no),
            "Obligatòria": frame["mandatory"].map(_yes_no),
            "Cost (€)": frame["cost_eur"],
            "Hores": frame["staff_hours"],
            "Valor": frame["value"],
            "Decisió": frame["selected"].map({True: "Es finança", False: "Queda fora"}),
            "Motiu": frame["reason"],
        }
    )


def _axis_sheet(detail: ScenarioDetail) -> pd.DataFrame:
    frame = detail.activities.assign(
        funded_cost=lambda f: f["cost_eur"].where(f["selected"], 0.0),
        cut_cost=lambda f: f["cost_eur"].where(~f["selected"], 0.0),
    )
    totals = frame.groupby("axis", as_index=False).agg(
        activities=("code", "size"),
        funded=("selected", "sum"),
        funded_cost=("funded_cost", "sum"),
        cut_cost=("cut_cost", "sum"),
    )
    return pd.DataFrame(
        {
            "Eix": totals["axis"].map(PLAN_AXIS),
            "Activitats": totals["activities"],
            "Finançades": totals["funded"].astype(int),
            "Cost finançat (€)": totals["funded_cost"],
            "Cost retallat (€)": totals["cut_cost"],
        }
    )


@reads(Area.PLAN, Area.SCENARIOS, Area.AUDIT)
def scenario_workbook(*, session: Session, scenario_id: int, with_notes: bool = True) -> bytes:
    """The scenario for the minutes: its inputs and totals, every decision, totals by axis.

    ``with_notes=False`` leaves the notes out: free text that may name a person, never in a
    workbook for the shared screen or the Commission."""
    detail = scenario_detail(session=session, scenario_id=scenario_id)
    if detail is None:
        raise ValidationError(["Aquest escenari ja no existeix."])
    notes = [("Notes", detail.notes)] if detail.notes and with_notes else []
    summary = frame_of(
        [("Escenari", detail.name), ("Any del pla", str(detail.year)), *summary_rows(detail)]
        + notes,
        ["Concepte", "Valor"],
    )
    return xlsx_bytes(
        {
            "Escenari": summary,
            "Activitats": _activities_sheet(detail),
            "Per eix": _axis_sheet(detail),
        }
    )
