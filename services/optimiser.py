"""The what-if optimiser over the work plan: which activities go ahead with the money and staff
hours available.

A 0/1 mixed-integer program solved by HiGHS and checked exactly (``services.optimiser_program``
says how): maximise the weighted value of the funded activities within the budget and the staff
hours, keeping the mandatory activities, at most ``max_count`` activities of a cap group, at
most one of an exclusive group, and an activity only with the ones it depends on. With
``conveni_first`` the objective is lexicographic, as the plan asks ("prioritat a les activitats
vinculades al Conveni"): first the best Conveni-linked value, then (that value fixed as a
constraint) the best total value; with whole-number values (the page's integer weights) both
stages are one exact solve of ``(total value + 1) × Conveni value + value``. Among equally
valuable plans the cheapest wins, so money left is never wasted on activities worth nothing with
the chosen weights.

Money is handled in integer cents and hours in integer tenths, so the solver's answer is checked
exactly against every constraint before it is returned; past ``SOLVE_SECONDS`` the best plan
found is returned, not called proven, with its gap. Every cut activity carries the reasons that
block it against the chosen selection (budget, hours, cap, exclusion, dependency): each reason
is a fact that can be checked, not a guess.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from services.catalan import plural
from services.errors import ValidationError
from services.formatting import fmt_eur, fmt_number
from services.frames import frame_of
from services.limits import (
    AMOUNT_CEILING_EUR,
    AMOUNT_CEILING_TEXT,
    HOURS_CEILING,
    HOURS_CEILING_TEXT,
)
from services.optimiser_frontier import FrontierSampler
from services.optimiser_program import PlanArrays, Solver

CRITERIA: tuple[str, ...] = ("impact", "territory", "alignment", "demand")
CRITERIA_LABELS: dict[str, str] = {
    "impact": "Impacte en els membres",
    "territory": "Abast territorial",
    "alignment": "Alineació amb els reptes del pla",
    "demand": "Demanda de la trobada de càrrecs electes",
}
# Why an activity is out, as the Commission reads it.
REASON_LABELS: dict[str, str] = {
    "budget": "Pressupost",
    "hours": "Hores de l'equip",
    "cap": "Límit del grup",
    "exclusion": "Alternativa triada",
    "dependency": "Dependència",
    "value": "Sense valor",
}
FRONTIER_POINTS = 40
# How long one what-if may search (past it HiGHS's best plan is shown as found, not proven, with
# its gap), and how long the frontier goes on adding budgets to its chart once its ends and the
# scenario's budget are solved: a network planning two years at once stays responsive.
SOLVE_SECONDS = 3.0
FRONTIER_SECONDS = 2.0


@dataclass(frozen=True)
class Activity:
    """One plan activity as the optimiser sees it (``scores`` in ``CRITERIA`` order)."""

    code: str
    cost_eur: Decimal
    staff_hours: Decimal
    scores: tuple[int, int, int, int] = (0, 0, 0, 0)
    conveni: bool = False
    mandatory: bool = False
    cap_group: str | None = None
    exclusive_group: str | None = None
    requires: tuple[str, ...] = ()
    title: str = ""
    axis: int = 1


@dataclass(frozen=True)
class Plan:
    activities: tuple[Activity, ...] = ()
    # (cap group, max count) pairs: a tuple keeps the plan hashable and picklable.
    caps: tuple[tuple[str, int], ...] = ()

    @property
    def total_cost_eur(self) -> Decimal:
        return sum((a.cost_eur for a in self.activities), Decimal("0"))

    @property
    def total_hours(self) -> Decimal:
        return sum((a.staff_hours for a in self.activities), Decimal("0"))


@dataclass(frozen=True)
class Weights:
    impact: float = 1.0
    territory: float = 1.0
    alignment: float = 1.0
    demand: float = 1.0

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.impact, self.territory, self.alignment, self.demand)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(CRITERIA, self.as_tuple(), strict=True))

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Weights:
        return cls(**{name: float(values.get(name, 1.0)) for name in CRITERIA})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Inputs:
    budget_eur: Decimal
    staff_hours: Decimal
    weights: Weights = field(default_factory=Weights)
    conveni_first: bool = True


@dataclass(frozen=True)
class Decision:
    code: str
    selected: bool
    value: float
    # Machine-readable kinds (keys of REASON_LABELS) and the Catalan sentences, one per kind.
    reason_kinds: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Shortfall:
    """Why the mandatory activities alone cannot go ahead: which ones, and by how much."""

    kind: str  # "budget", "hours", "cap" or "exclusion"
    message: str
    codes: tuple[str, ...]
    excess: Decimal


@dataclass(frozen=True)
class Solution:
    feasible: bool
    decisions: tuple[Decision, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    budget_eur: Decimal = Decimal("0")
    staff_hours_available: Decimal = Decimal("0")
    cost_eur: Decimal = Decimal("0")
    staff_hours: Decimal = Decimal("0")
    conveni_cost_eur: Decimal = Decimal("0")
    value: float = 0.0
    conveni_value: float = 0.0
    # False when the plan is the best found but not proven optimal (HiGHS hit its time
    # limit, or its answer failed the exact checks and no run could prove another).
    proven_optimal: bool = True
    # A second, careful HiGHS solve checked the answer (see services.optimiser_program).
    solved_twice: bool = False
    # HiGHS's first answer broke a rule or was beaten by the exact local search: the plan
    # shown is the repaired one.
    corrected: bool = False
    # When not proven: how much more value a plan could have, as a share of this one's (0 when
    # only a cheaper plan of the same value might exist; None when unknown).
    gap: float | None = None

    @property
    def selected(self) -> frozenset[str]:
        return frozenset(d.code for d in self.decisions if d.selected)

    @property
    def budget_left_eur(self) -> Decimal:
        return self.budget_eur - self.cost_eur

    @property
    def hours_left(self) -> Decimal:
        return self.staff_hours_available - self.staff_hours

    @property
    def conveni_share(self) -> float:
        return float(self.conveni_cost_eur / self.cost_eur) if self.cost_eur else 0.0


# --- Checking the input ----------------------------------------------------------------------


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _cents(value: object, rounding: str = ROUND_HALF_UP) -> int:
    return int((_decimal(value) * 100).to_integral_value(rounding))


def _tenths(value: object, rounding: str = ROUND_HALF_UP) -> int:
    return int((_decimal(value) * 10).to_integral_value(rounding))


def _finite_non_negative(value: object) -> bool:
    try:
        number = _decimal(value)
    except ArithmeticError:
        return False
    return number.is_finite() and number >= 0


def _above(value: object, ceiling: Decimal) -> bool:
    """Whether a number already known to be finite is above ``ceiling``."""
    return _decimal(value) > ceiling


def validate(plan: Plan, inputs: Inputs) -> None:
    """Refuse a problem the optimiser cannot read (``ValidationError``, Catalan messages)."""
    errors: list[str] = []
    if not _finite_non_negative(inputs.budget_eur):
        errors.append(f"Pressupost: «{inputs.budget_eur}» ha de ser un import de 0 € o més.")
    elif _above(inputs.budget_eur, AMOUNT_CEILING_EUR):
        errors.append(
            f"Pressupost: «{inputs.budget_eur}» passa del màxim que es pot calcular "
            f"({AMOUNT_CEILING_TEXT})."
        )
    if not _finite_non_negative(inputs.staff_hours):
        errors.append(f"Hores de l'equip: «{inputs.staff_hours}» ha de ser 0 o més.")
    elif _above(inputs.staff_hours, HOURS_CEILING):
        errors.append(
            f"Hores de l'equip: «{inputs.staff_hours}» passa del màxim que es pot calcular "
            f"({HOURS_CEILING_TEXT})."
        )
    for name, weight in inputs.weights.as_dict().items():
        if not (math.isfinite(weight) and weight >= 0):
            errors.append(f"Pes «{CRITERIA_LABELS[name]}»: «{weight}» ha de ser 0 o més.")
    caps = dict(plan.caps)
    codes: set[str] = set()
    for activity in plan.activities:
        if activity.code in codes:
            errors.append(f"Activitat {activity.code}: el codi està repetit.")
        codes.add(activity.code)
    for activity in plan.activities:
        where = f"Activitat {activity.code}"
        if not _finite_non_negative(activity.cost_eur):
            errors.append(f"{where}, cost: «{activity.cost_eur}» no és un import vàlid.")
        elif _above(activity.cost_eur, AMOUNT_CEILING_EUR):
            errors.append(
                f"{where}, cost: «{activity.cost_eur}» passa del màxim que es pot calcular "
                f"({AMOUNT_CEILING_TEXT})."
            )
        if not _finite_non_negative(activity.staff_hours):
            errors.append(f"{where}, hores: «{activity.staff_hours}» no és un nombre vàlid.")
        elif _above(activity.staff_hours, HOURS_CEILING):
            errors.append(
                f"{where}, hores: «{activity.staff_hours}» passa del màxim que es pot calcular "
                f"({HOURS_CEILING_TEXT})."
            )
        if len(activity.scores) != len(CRITERIA) or not all(
            math.isfinite(score) and score >= 0 for score in activity.scores
        ):
            errors.append(f"{where}, puntuacions: han de ser {len(CRITERIA)} valors de 0 o més.")
        if activity.cap_group is not None and activity.cap_group not in caps:
            errors.append(f"{where}: el grup de límit «{activity.cap_group}» no existeix.")
        for required in activity.requires:
            if required == activity.code:
                errors.append(f"{where}: no pot dependre d'ella mateixa.")
            elif required not in codes:
                errors.append(f"{where}: depèn de «{required}», que no és cap activitat del pla.")
    for group, max_count in plan.caps:
        if max_count < 0:
            errors.append(f"Límit «{group}»: el màxim no pot ser negatiu.")
    if errors:
        raise ValidationError(errors)


# --- The program -----------------------------------------------------------------------------


class _Model(PlanArrays):
    """The plan as arrays (``PlanArrays``), with its activities and the objectives to maximise."""

    def __init__(self, plan: Plan, inputs: Inputs) -> None:
        self.plan = plan
        self.activities = plan.activities
        self.index = {a.code: i for i, a in enumerate(self.activities)}
        n = len(self.activities)
        weights = np.array(inputs.weights.as_tuple(), dtype=float)
        scores = np.array([a.scores for a in self.activities], dtype=float).reshape(n, 4)
        super().__init__(
            cost_cents=[_cents(a.cost_eur) for a in self.activities],
            hours_tenths=[_tenths(a.staff_hours) for a in self.activities],
            value=scores @ weights,
            conveni=[a.conveni for a in self.activities],
            forced_seeds=[i for i, a in enumerate(self.activities) if a.mandatory],
            caps=dict(plan.caps),
            cap_of=[a.cap_group for a in self.activities],
            exclusive_of=[a.exclusive_group for a in self.activities],
            requires=[[self.index[code] for code in a.requires] for a in self.activities],
        )

    def stages(self, conveni_first: bool, *, cheapest: bool) -> np.ndarray:
        """The objectives to maximise in turn (lexicographically), one row each."""
        conveni_value = np.where(self.conveni, self.value, 0.0)
        stages: list[np.ndarray]
        if not (conveni_first and np.any(conveni_value > 0)):
            stages = [self.value]
        else:
            total = float(self.value.sum())
            if np.all(self.value == np.round(self.value)) and total < 1e6:
                # Integer values (integer weights, as the page offers): one solve does both
                # stages, since any gain in Conveni value outweighs the whole remaining value.
                stages = [(total + 1.0) * conveni_value + self.value]
            else:
                stages = [conveni_value, self.value]
        if cheapest:
            # Among equally valuable plans the cheapest: minimising cost is maximising minus it.
            stages.append(-self.cost.astype(float))
        return np.vstack(stages)


# --- Explaining ------------------------------------------------------------------------------


def _eur(value: Decimal) -> str:
    """Whole euros without cents (the plan's estimates), cents only when there are some."""
    return fmt_eur(value, 0 if value == value.to_integral_value() else 2)


def _hours(tenths: int) -> str:
    return fmt_number(tenths / 10, 0 if tenths % 10 == 0 else 1)


def _label(activity: Activity) -> str:
    return f"{activity.code} («{activity.title}»)" if activity.title else activity.code


def _shortfalls(model: _Model, budget_cents: int, hours_tenths: int) -> list[Shortfall]:
    """What makes the mandatory activities (with what they depend on) impossible."""
    forced = sorted(model.forced)
    codes = tuple(model.activities[i].code for i in forced)
    found: list[Shortfall] = []
    needs_cents = int(model.cost[forced].sum())
    if needs_cents > budget_cents:
        excess = Decimal(needs_cents - budget_cents) / 100
        found.append(
            Shortfall(
                "budget",
                f"Les activitats obligatòries costen {_eur(Decimal(needs_cents) / 100)}: "
                f"{_eur(excess)} més que el pressupost disponible "
                f"({_eur(Decimal(budget_cents) / 100)}). Obligatòries: {', '.join(codes)}.",
                codes,
                excess,
            )
        )
    needs_tenths = int(model.hours[forced].sum())
    if needs_tenths > hours_tenths:
        excess = Decimal(needs_tenths - hours_tenths) / 10
        found.append(
            Shortfall(
                "hours",
                f"Les activitats obligatòries necessiten {_hours(needs_tenths)} h "
                f"de l'equip: {_hours(needs_tenths - hours_tenths)} h més de les disponibles "
                f"({_hours(hours_tenths)} h). Obligatòries: {', '.join(codes)}.",
                codes,
                excess,
            )
        )
    for group, members in model.cap_members.items():
        inside = [i for i in members if i in model.forced]
        if len(inside) > model.caps[group]:
            group_codes = tuple(model.activities[i].code for i in inside)
            found.append(
                Shortfall(
                    "cap",
                    "Hi ha "
                    + plural(len(inside), "activitat obligatòria", "activitats obligatòries")
                    + f" al grup «{group}», que en "
                    f"permet {model.caps[group]}: {', '.join(group_codes)}.",
                    group_codes,
                    Decimal(len(inside) - model.caps[group]),
                )
            )
    for group, members in model.exclusive_members.items():
        inside = [i for i in members if i in model.forced]
        if len(inside) > 1:
            group_codes = tuple(model.activities[i].code for i in inside)
            found.append(
                Shortfall(
                    "exclusion",
                    f"{', '.join(group_codes)} són alternatives (grup «{group}») i totes són "
                    "obligatòries: només se'n pot fer una.",
                    group_codes,
                    Decimal(len(inside) - 1),
                )
            )
    return found


def _explain(
    model: _Model, x: np.ndarray, i: int, budget_cents: int, hours_tenths: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Why activity ``i`` is out of selection ``x``: every constraint that adding it (with the
    activities it needs that are out too) would break."""
    selected = set(np.flatnonzero(x).tolist())
    bundle = model.closure([i], beyond=selected)
    extra = " (amb les activitats de què depèn)" if len(bundle) > 1 else ""
    kinds: list[str] = []
    reasons: list[str] = []
    # Only the groups the bundle touches can block it (2.000 activities: no scan of them all).
    touched = list(bundle)
    exclusive = {model.exclusive_names[k] for k in model.exclusive_index[touched] if k >= 0}
    capped = {model.cap_names[k] for k in model.cap_index[touched] if k >= 0}
    for group in sorted(exclusive, key=model.exclusive_names.index):
        members = model.exclusive_members[group]
        chosen = [j for j in members if j in selected]
        if chosen and any(j in bundle for j in members):
            kinds.append("exclusion")
            names = ", ".join(_label(model.activities[j]) for j in chosen)
            reasons.append(f"És alternativa a {names}, que sí que es finança")
        elif len([j for j in members if j in bundle]) > 1:
            kinds.append("exclusion")
            reasons.append(f"Depèn d'activitats alternatives entre elles (grup «{group}»)")
    for group in sorted(capped, key=model.cap_names.index):
        members = model.cap_members[group]
        taken = sum(1 for j in members if j in selected)
        adding = sum(1 for j in members if j in bundle)
        if adding and taken + adding > model.caps[group]:
            kinds.append("cap")
            reasons.append(
                f"Límit «{group}»: ja se n'han triat {taken} de {model.caps[group]} permeses"
            )
    left_cents = budget_cents - int(model.cost[x].sum())
    needs_cents = int(model.cost[list(bundle)].sum())
    if needs_cents > left_cents:
        kinds.append("budget")
        reasons.append(
            f"Pressupost: necessita {_eur(Decimal(needs_cents) / 100)}{extra} i en queden "
            f"{_eur(Decimal(left_cents) / 100)}"
        )
    left_tenths = hours_tenths - int(model.hours[x].sum())
    needs_tenths = int(model.hours[list(bundle)].sum())
    if needs_tenths > left_tenths:
        kinds.append("hours")
        reasons.append(
            f"Hores: necessita {_hours(needs_tenths)} h{extra} i en queden {_hours(left_tenths)} h"
        )
    missing = [j for j in model.requires[i] if j not in selected]
    if missing:
        kinds.append("dependency")
        names = ", ".join(_label(model.activities[j]) for j in missing)
        reasons.append(f"Depèn de {names}, que queda fora")
    if not kinds:
        # Nothing blocks it, so the optimum left it out because it adds nothing: any value
        # would have made the plan better.
        kinds.append("value")
        reasons.append("No aporta valor amb els pesos triats")
    return tuple(kinds), tuple(reasons)


# --- Public API ------------------------------------------------------------------------------


def solve(
    plan: Plan, inputs: Inputs, *, explain: bool = True, seconds: float = SOLVE_SECONDS
) -> Solution:
    """The best plan for ``inputs`` (or, when the mandatory activities cannot go ahead, why),
    found within about ``seconds``: past them, the best plan found, with ``proven_optimal``
    False and the gap."""
    validate(plan, inputs)
    model = _Model(plan, inputs)
    budget_cents = _cents(inputs.budget_eur, ROUND_FLOOR)
    hours_tenths = _tenths(inputs.staff_hours, ROUND_FLOOR)
    base = Solution(
        feasible=True,
        budget_eur=Decimal(budget_cents) / 100,
        staff_hours_available=Decimal(hours_tenths) / 10,
    )
    shortfalls = _shortfalls(model, budget_cents, hours_tenths)
    if shortfalls:
        return Solution(
            feasible=False,
            shortfalls=tuple(shortfalls),
            budget_eur=base.budget_eur,
            staff_hours_available=base.staff_hours_available,
        )
    if model.n == 0:
        return base
    stages = model.stages(inputs.conveni_first, cheapest=True)
    answer = Solver(model, stages, value_stages=len(stages) - 1).solve(
        budget_cents, hours_tenths, seconds=seconds
    )
    x = answer.x
    decisions = []
    for i, activity in enumerate(plan.activities):
        kinds, reasons = (
            _explain(model, x, i, budget_cents, hours_tenths) if explain and not x[i] else ((), ())
        )
        decisions.append(Decision(activity.code, bool(x[i]), float(model.value[i]), kinds, reasons))
    return Solution(
        feasible=True,
        decisions=tuple(decisions),
        budget_eur=base.budget_eur,
        staff_hours_available=base.staff_hours_available,
        cost_eur=Decimal(int(model.cost[x].sum())) / 100,
        staff_hours=Decimal(int(model.hours[x].sum())) / 10,
        conveni_cost_eur=Decimal(int(model.cost[x & model.conveni].sum())) / 100,
        value=float(model.value[x].sum()),
        conveni_value=float(model.value[x & model.conveni].sum()),
        proven_optimal=answer.proven,
        solved_twice=answer.solved_twice,
        corrected=answer.corrected,
        gap=answer.gap,
    )


def mandatory_floor_eur(plan: Plan) -> Decimal:
    """What the mandatory activities (and what they depend on) cost: the least budget."""
    model = _Model(plan, Inputs(Decimal("0"), Decimal("0")))
    return Decimal(int(model.cost[list(model.forced)].sum())) / 100


def frontier(
    plan: Plan,
    inputs: Inputs,
    *,
    points: int = FRONTIER_POINTS,
    seconds: float = FRONTIER_SECONDS,
) -> pd.DataFrame:
    """Value against budget, from the mandatory floor to the cheapest budget that buys the best
    plan possible (everything, unless hours, caps or alternatives stop it), at ``points``
    evenly spaced budgets plus ``inputs.budget_eur``. Staff hours and weights as in ``inputs``.
    Budgets are solved where the curve bends first (``services.optimiser_frontier``); past
    ``seconds`` the ones still open are left out (the ends and the scenario's budget never are).

    Columns: ``budget_eur``, ``value``, ``conveni_value``, ``cost_eur``, ``funded``,
    ``current`` (the row of ``inputs.budget_eur``), ``proven`` (the plan is proven optimal at
    that budget), ``complete`` (every budget of the grid is there: time left none out). Empty
    when the mandatory activities do not fit the hours (no budget can help then).
    """
    columns = [
        "budget_eur",
        "value",
        "conveni_value",
        "cost_eur",
        "funded",
        "current",
        "proven",
        "complete",
    ]
    validate(plan, inputs)
    model = _Model(plan, inputs)
    hours_tenths = _tenths(inputs.staff_hours, ROUND_FLOOR)
    floor = int(model.cost[list(model.forced)].sum())
    if model.n == 0 or _shortfalls(model, floor, hours_tenths):
        return pd.DataFrame(columns=columns)
    started = time.monotonic()
    current = _cents(inputs.budget_eur, ROUND_FLOOR)
    top_solver = Solver(model, model.stages(inputs.conveni_first, cheapest=True))
    sampler = FrontierSampler(
        model, model.stages(inputs.conveni_first, cheapest=False), hours_tenths
    )
    sampled = sampler.sample(
        floor=floor,
        current=current,
        points=points,
        top=lambda: top_solver.solve(int(model.cost.sum()), hours_tenths, seconds=SOLVE_SECONDS),
        deadline=started + seconds,
        least_seconds=SOLVE_SECONDS,
    )
    rows: list[tuple[int, float, float, int, int, bool, bool, bool]] = []
    for budget, point in sampled.items():
        x = point.x
        rows.append(
            (
                budget,
                float(model.value[x].sum()),
                float(model.value[x & model.conveni].sum()),
                int(model.cost[x].sum()),
                int(x.sum()),
                budget == current,
                point.proven,
                sampler.left_out == 0,
            )
        )
    frame = frame_of(rows, columns).sort_values("budget_eur", ignore_index=True)
    frame["budget_eur"] = frame["budget_eur"] / 100
    frame["cost_eur"] = frame["cost_eur"] / 100
    return frame


@dataclass(frozen=True)
class Gain:
    """What ``extra_eur`` more would change: activities in and out, and the value gained."""

    extra_eur: Decimal
    added: tuple[str, ...]
    removed: tuple[str, ...]
    value_gain: float
    cost_gain_eur: Decimal


def what_more_buys(
    plan: Plan, inputs: Inputs, extra_eur: Decimal, *, now: Solution | None = None
) -> Gain | None:
    """The answer to "what does the next 10.000 € buy?" (None when either side is infeasible).

    ``now`` is the solution at ``inputs`` when the caller already has it."""
    now = now if now is not None else solve(plan, inputs, explain=False)
    more = solve(
        plan,
        Inputs(
            inputs.budget_eur + extra_eur, inputs.staff_hours, inputs.weights, inputs.conveni_first
        ),
        explain=False,
    )
    if not (now.feasible and more.feasible):
        return None
    order = {a.code: i for i, a in enumerate(plan.activities)}
    return Gain(
        extra_eur=extra_eur,
        added=tuple(sorted(more.selected - now.selected, key=order.__getitem__)),
        removed=tuple(sorted(now.selected - more.selected, key=order.__getitem__)),
        value_gain=more.value - now.value,
        cost_gain_eur=more.cost_eur - now.cost_eur,
    )


DECISION_COLUMNS = [
    "code",
    "title",
    "axis",
    "conveni",
    "mandatory",
    "cost_eur",
    "staff_hours",
    "value",
    "selected",
    "reason_kinds",
    "reason",
]


def decisions_frame(plan: Plan, solution: Solution) -> pd.DataFrame:
    """One row per activity (plan order): its facts, whether it is funded, and why not."""
    decisions = {d.code: d for d in solution.decisions}
    rows = []
    for activity in plan.activities:
        decision = decisions.get(activity.code)
        rows.append(
            (
                activity.code,
                activity.title,
                activity.axis,
                activity.conveni,
                activity.mandatory,
                float(activity.cost_eur),
                float(activity.staff_hours),
                decision.value if decision else 0.0,
                bool(decision and decision.selected),
                ", ".join(REASON_LABELS[k] for k in (decision.reason_kinds if decision else ())),
                decision.reason if decision else "",
            )
        )
    return frame_of(rows, DECISION_COLUMNS)


def axis_totals(plan: Plan, solution: Solution) -> pd.DataFrame:
    """Per axis: activities and money funded and cut, and the staff hours funded."""
    frame = decisions_frame(plan, solution)
    columns = ["axis", "activities", "funded", "funded_cost_eur", "cut_cost_eur", "funded_hours"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["funded_cost"] = frame["cost_eur"].where(frame["selected"], 0.0)
    frame["cut_cost"] = frame["cost_eur"].where(~frame["selected"], 0.0)
    frame["funded_hours"] = frame["staff_hours"].where(frame["selected"], 0.0)
    totals = frame.groupby("axis", as_index=False).agg(
        activities=("code", "size"),
        funded=("selected", "sum"),
        funded_cost_eur=("funded_cost", "sum"),
        cut_cost_eur=("cut_cost", "sum"),
        funded_hours=("funded_hours", "sum"),
    )
    return totals[columns]
