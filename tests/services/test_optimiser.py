"""The optimiser against a brute force, its reasons against the facts, and the odd inputs."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.errors import ValidationError
from services.optimiser import (
    Activity,
    Inputs,
    Plan,
    Solution,
    Weights,
    axis_totals,
    decisions_frame,
    frontier,
    mandatory_floor_eur,
    solve,
    what_more_buys,
)

EUR = Decimal
# Whole and fractional weights: integer weights take the one-solve lexicographic path, the
# others the two-stage one.
WEIGHT_CHOICES = [0, 1, 2, 3, 5, 0.5, 1.25]
ONE = Weights(1, 1, 1, 1)


def plain(text: str) -> str:
    """Babel separates the euro sign with a no-break space."""
    return text.replace("\u00a0", " ")


def activity(code: str, cost: str | int, hours: str | int = 0, **values: object) -> Activity:
    values.setdefault("scores", (1, 1, 1, 1))
    return Activity(code=code, cost_eur=EUR(str(cost)), staff_hours=EUR(str(hours)), **values)


def inputs(budget: str | int, hours: str | int = 10_000, **values: object) -> Inputs:
    values.setdefault("weights", ONE)
    return Inputs(budget_eur=EUR(str(budget)), staff_hours=EUR(str(hours)), **values)


# --- An independent reading of the rules ---------------------------------------------------


def _value(plan: Plan, weights: Weights, codes: Iterable[str], conveni_only: bool = False) -> float:
    by_code = {a.code: a for a in plan.activities}
    return sum(
        sum(w * s for w, s in zip(weights.as_tuple(), by_code[c].scores, strict=True))
        for c in codes
        if not conveni_only or by_code[c].conveni
    )


def broken_rules(plan: Plan, given_inputs: Inputs, codes: set[str]) -> set[str]:
    """Which rules the selection ``codes`` breaks (empty: it is a valid plan)."""
    chosen = [a for a in plan.activities if a.code in codes]
    broken = set()
    if sum((a.cost_eur for a in chosen), EUR(0)) > given_inputs.budget_eur:
        broken.add("budget")
    if sum((a.staff_hours for a in chosen), EUR(0)) > given_inputs.staff_hours:
        broken.add("hours")
    if any(a.mandatory and a.code not in codes for a in plan.activities):
        broken.add("mandatory")
    for group, max_count in plan.caps:
        if sum(1 for a in chosen if a.cap_group == group) > max_count:
            broken.add("cap")
    groups = [a.exclusive_group for a in chosen if a.exclusive_group is not None]
    if len(groups) != len(set(groups)):
        broken.add("exclusion")
    if any(required not in codes for a in chosen for required in a.requires):
        broken.add("dependency")
    return broken


def brute_force(plan: Plan, given_inputs: Inputs) -> tuple[float, float, Decimal] | None:
    """The best (Conveni value, value, -cost) over every subset, or None if none is valid."""
    codes = [a.code for a in plan.activities]
    cost = {a.code: a.cost_eur for a in plan.activities}
    best = None
    for size in range(len(codes) + 1):
        for subset in combinations(codes, size):
            chosen = set(subset)
            if broken_rules(plan, given_inputs, chosen):
                continue
            key = (
                _value(plan, given_inputs.weights, chosen, True)
                if given_inputs.conveni_first
                else 0.0,
                _value(plan, given_inputs.weights, chosen),
                -sum((cost[c] for c in chosen), EUR(0)),
            )
            if best is None or key > best:
                best = key
    return best


def expected_reasons(plan: Plan, given_inputs: Inputs, solution: Solution, code: str) -> set[str]:
    """What blocks adding ``code`` (with the requirements it is missing) to the selection."""
    by_code = {a.code: a for a in plan.activities}
    selected = set(solution.selected)
    bundle, stack = set(), [code]
    while stack:
        current = stack.pop()
        if current in bundle or current in selected:
            continue
        bundle.add(current)
        stack.extend(by_code[current].requires)
    reasons = broken_rules(plan, given_inputs, selected | bundle) - {"dependency", "mandatory"}
    if any(required not in selected for required in by_code[code].requires):
        reasons.add("dependency")
    if not reasons:
        reasons.add("value")
    return reasons


@st.composite
def problems(draw: st.DrawFn, max_size: int = 8) -> tuple[Plan, Inputs]:
    size = draw(st.integers(0, max_size))
    codes = [f"X{i}" for i in range(size)]
    activities = []
    for code in codes:
        requires = draw(st.lists(st.sampled_from(codes), max_size=2, unique=True)) if codes else []
        activities.append(
            Activity(
                code=code,
                cost_eur=EUR(draw(st.integers(0, 6000))) / 100,
                staff_hours=EUR(draw(st.integers(0, 300))) / 10,
                scores=tuple(draw(st.integers(0, 5)) for _ in range(4)),  # type: ignore[arg-type]
                conveni=draw(st.booleans()),
                mandatory=draw(st.integers(0, 5)) == 0,
                cap_group=draw(st.sampled_from([None, None, "jornades"])),
                exclusive_group=draw(st.sampled_from([None, None, "e1", "e2"])),
                # Cycles allowed: the activities in one go ahead all together or not at all.
                requires=tuple(c for c in requires if c != code),
            )
        )
    plan = Plan(tuple(activities), (("jornades", draw(st.integers(0, 3))),))
    given_inputs = Inputs(
        budget_eur=EUR(draw(st.integers(0, 20000))) / 100,
        staff_hours=EUR(draw(st.integers(0, 1000))) / 10,
        weights=Weights(*(draw(st.sampled_from(WEIGHT_CHOICES)) for _ in range(4))),
        conveni_first=draw(st.booleans()),
    )
    return plan, given_inputs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_optimiser_equals_brute_force_and_breaks_no_rule(problem: tuple[Plan, Inputs]) -> None:
    plan, given_inputs = problem
    solution = solve(plan, given_inputs)
    best = brute_force(plan, given_inputs)
    if best is None:
        assert not solution.feasible
        assert solution.shortfalls and all(s.message for s in solution.shortfalls)
        assert not solution.selected
        return
    assert solution.feasible
    assert broken_rules(plan, given_inputs, set(solution.selected)) == set()
    conveni_value = solution.conveni_value if given_inputs.conveni_first else 0.0
    assert (conveni_value, solution.value, -solution.cost_eur) == pytest.approx(best)
    assert solution.cost_eur == sum(
        (a.cost_eur for a in plan.activities if a.code in solution.selected), EUR(0)
    )
    assert solution.budget_left_eur >= 0 and solution.hours_left >= 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_cut_activity_has_true_reasons(problem: tuple[Plan, Inputs]) -> None:
    plan, given_inputs = problem
    solution = solve(plan, given_inputs)
    for decision in solution.decisions:
        if decision.selected:
            assert decision.reasons == ()
            continue
        assert len(decision.reasons) == len(decision.reason_kinds) >= 1
        assert set(decision.reason_kinds) == expected_reasons(
            plan, given_inputs, solution, decision.code
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_size=6))
def test_frontier_points_are_the_optimum_at_their_budget(problem: tuple[Plan, Inputs]) -> None:
    plan, given_inputs = problem
    curve = frontier(plan, given_inputs, points=6)
    floor_solution = solve(plan, Inputs(mandatory_floor_eur(plan), given_inputs.staff_hours))
    if not plan.activities or not floor_solution.feasible:
        assert curve.empty
        return
    assert curve["budget_eur"].min() == pytest.approx(float(mandatory_floor_eur(plan)))
    assert curve["current"].sum() == (
        1 if given_inputs.budget_eur >= mandatory_floor_eur(plan) else 0
    )
    for row in curve.itertuples():
        at_budget = solve(
            plan,
            Inputs(
                EUR(str(row.budget_eur)),
                given_inputs.staff_hours,
                given_inputs.weights,
                given_inputs.conveni_first,
            ),
            explain=False,
        )
        assert (row.value, row.conveni_value) == pytest.approx(
            (at_budget.value, at_budget.conveni_value)
        )
        assert row.cost_eur <= row.budget_eur + 1e-9


# --- Examples a reader can follow ------------------------------------------------------------


def test_conveni_first_funds_the_conveni_activity_and_plain_value_does_not() -> None:
    plan = Plan(
        (
            activity("CONVENI", 100, scores=(1, 1, 1, 1), conveni=True),
            activity("ALTRA", 100, scores=(5, 5, 5, 5)),
        )
    )
    first = solve(plan, inputs(100, conveni_first=True))
    plain_value = solve(plan, inputs(100, conveni_first=False))
    assert first.selected == {"CONVENI"}
    assert plain_value.selected == {"ALTRA"}
    reason = next(d for d in first.decisions if d.code == "ALTRA").reason
    assert plain(reason) == "Pressupost: necessita 100 € i en queden 0 €"


def test_lexicographic_keeps_the_conveni_value_then_adds_the_most_value() -> None:
    plan = Plan(
        (
            activity("C1", 60, scores=(5, 0, 0, 0), conveni=True),
            activity("C2", 40, scores=(4, 0, 0, 0), conveni=True),
            activity("C3", 90, scores=(4, 0, 0, 0), conveni=True),
            activity("A", 30, scores=(3, 0, 0, 0)),
            activity("B", 60, scores=(5, 0, 0, 0)),
        )
    )
    # 130 €: the best Conveni value is C1 + C2 (9); with the 30 € left, A beats nothing.
    solution = solve(plan, inputs(130, weights=Weights(1, 0, 0, 0)))
    assert solution.selected == {"C1", "C2", "A"}
    assert solution.conveni_value == 9 and solution.value == 12


def test_among_equal_values_the_cheaper_alternative_wins() -> None:
    plan = Plan(
        (
            activity("GRAN", 18000, exclusive_group="acte10anys"),
            activity("REDUIT", 4300, exclusive_group="acte10anys"),
        )
    )
    solution = solve(plan, inputs(50000))
    assert solution.selected == {"REDUIT"}
    gran = next(d for d in solution.decisions if d.code == "GRAN")
    assert gran.reason_kinds == ("exclusion",)
    assert "REDUIT" in gran.reason


def test_cap_dependency_and_hours_reasons() -> None:
    plan = Plan(
        (
            activity("J1", 10, 1, cap_group="jornades", scores=(5, 5, 5, 5)),
            activity("J2", 10, 1, cap_group="jornades"),
            activity("CAMPANYA", 500, 1, scores=(0, 0, 0, 0)),
            activity("PREMIS", 100, 1, requires=("CAMPANYA",)),
            activity("LLARGA", 10, 500),
        ),
        caps=(("jornades", 1),),
    )
    solution = solve(plan, inputs(300, hours=100))
    reasons = {d.code: d.reason_kinds for d in solution.decisions if not d.selected}
    assert solution.selected == {"J1"}
    assert reasons["J2"] == ("cap",)
    assert reasons["PREMIS"] == ("budget", "dependency")
    assert reasons["LLARGA"] == ("hours",)
    premis = plain(next(d for d in solution.decisions if d.code == "PREMIS").reason)
    assert "600 € (amb les activitats de què depèn)" in premis
    assert "Depèn de CAMPANYA" in premis


def test_zero_weights_fund_only_what_is_mandatory() -> None:
    plan = Plan((activity("OBL", 50, mandatory=True), activity("OPC", 10)))
    solution = solve(plan, inputs(1000, weights=Weights(0, 0, 0, 0)))
    assert solution.selected == {"OBL"}
    assert solution.decisions[1].reasons == ("No aporta valor amb els pesos triats",)


def test_zero_budget_still_funds_what_costs_nothing() -> None:
    plan = Plan((activity("GRATIS", 0), activity("CARA", 10)))
    solution = solve(plan, inputs(0))
    assert solution.feasible and solution.selected == {"GRATIS"}


def test_mandatory_over_budget_says_which_and_by_how_much() -> None:
    plan = Plan(
        (
            activity("ASSEMBLEA", "10500", 120, mandatory=True),
            activity("REGLAMENT", "3500", 60, mandatory=True, requires=("ASSESSORIA",)),
            activity("ASSESSORIA", "1000.50", 10),
            activity("JORNADA", 2500, 35),
        )
    )
    solution = solve(plan, inputs(12000, hours=100))
    assert not solution.feasible and not solution.selected
    budget, hours = solution.shortfalls
    assert (budget.kind, budget.excess) == ("budget", EUR("3000.50"))
    assert budget.codes == ("ASSEMBLEA", "REGLAMENT", "ASSESSORIA")
    assert "15.000,50 €: 3.000,50 € més que el pressupost disponible (12.000 €)" in plain(
        budget.message
    )
    assert (hours.kind, hours.excess) == ("hours", EUR("90"))


def test_mandatory_alternatives_and_caps_that_cannot_both_go_ahead() -> None:
    plan = Plan(
        (
            activity("A", 1, mandatory=True, exclusive_group="x"),
            activity("B", 1, mandatory=True, exclusive_group="x"),
            activity("J1", 1, mandatory=True, cap_group="jornades"),
            activity("J2", 1, mandatory=True, cap_group="jornades"),
        ),
        caps=(("jornades", 1),),
    )
    kinds = {s.kind: s for s in solve(plan, inputs(100)).shortfalls}
    assert set(kinds) == {"cap", "exclusion"}
    assert kinds["cap"].codes == ("J1", "J2") and kinds["cap"].excess == 1
    assert kinds["exclusion"].codes == ("A", "B")


def test_everything_mandatory_and_affordable_is_all_funded() -> None:
    plan = Plan(tuple(activity(f"M{i}", 100, mandatory=True) for i in range(5)))
    solution = solve(plan, inputs(500))
    assert solution.selected == {f"M{i}" for i in range(5)}
    assert solution.budget_left_eur == 0


def test_empty_plan() -> None:
    solution = solve(Plan(), inputs(1000))
    assert solution.feasible and solution.selected == frozenset() and solution.value == 0
    assert frontier(Plan(), inputs(1000)).empty
    assert decisions_frame(Plan(), solution).empty
    assert axis_totals(Plan(), solution).empty


@pytest.mark.parametrize(
    ("plan", "given_inputs", "message"),
    [
        (
            Plan((activity("A", 1), activity("A", 2))),
            inputs(10),
            "Activitat A: el codi està repetit",
        ),
        (Plan((activity("A", -1),)), inputs(10), "Activitat A, cost: «-1» no és un import vàlid"),
        (
            Plan((activity("A", 1, requires=("Z",)),)),
            inputs(10),
            "depèn de «Z», que no és cap activitat del pla",
        ),
        (Plan((activity("A", 1, cap_group="tallers"),)), inputs(10), "«tallers» no existeix"),
        (Plan((activity("A", 1, scores=(1, -2, 0, 0)),)), inputs(10), "A, puntuacions"),
        (Plan((activity("A", 1),)), inputs(-5), "Pressupost: «-5»"),
        (Plan((activity("A", 1),)), inputs(5, hours="NaN"), "Hores de l'equip"),
        (Plan((activity("A", 1),)), inputs(5, weights=Weights(-1, 1, 1, 1)), "Impacte"),
    ],
)
def test_unreadable_problems_are_refused_in_catalan(
    plan: Plan, given_inputs: Inputs, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        solve(plan, given_inputs)
    assert any(message in m for m in refused.value.messages)


def test_a_dependency_cycle_goes_ahead_all_together_or_not_at_all() -> None:
    plan = Plan((activity("A", 50, requires=("B",)), activity("B", 50, requires=("A",))))
    assert solve(plan, inputs(100)).selected == {"A", "B"}
    assert solve(plan, inputs(99)).selected == frozenset()


def test_frontier_runs_from_the_mandatory_floor_to_the_best_plan() -> None:
    plan = Plan(
        (
            activity("OBL", 1000, mandatory=True),
            *(activity(f"A{i}", 500 * (i + 1), scores=(i, 1, 1, 1)) for i in range(6)),
            activity("GRAN", 9000, exclusive_group="acte"),
            activity("PETIT", 2000, exclusive_group="acte"),
        )
    )
    curve = frontier(plan, inputs(4000, conveni_first=False), points=12)
    assert curve["budget_eur"].iloc[0] == 1000
    # The best plan takes every A and the cheaper of the two alternatives.
    assert curve["budget_eur"].iloc[-1] == 1000 + 500 * 21 + 2000
    assert curve["value"].is_monotonic_increasing
    assert curve.loc[curve["current"], "budget_eur"].tolist() == [4000]


def test_what_the_next_euros_buy() -> None:
    plan = Plan((activity("A", 100, scores=(3, 0, 0, 0)), activity("B", 150, scores=(5, 0, 0, 0))))
    gain = what_more_buys(plan, inputs(100), EUR(100))
    assert gain is not None
    assert (gain.added, gain.removed) == (("B",), ("A",))
    assert gain.value_gain == 2 and gain.cost_gain_eur == 50
    assert what_more_buys(plan, inputs(100), EUR(100), now=solve(plan, inputs(100))) == gain
    assert what_more_buys(Plan((activity("M", 500, mandatory=True),)), inputs(1), EUR(1)) is None


def test_totals_by_axis() -> None:
    plan = Plan(
        (
            activity("A", 100, 10, axis=1),
            activity("B", 300, 5, axis=1),
            activity("C", 50, 1, axis=5),
        )
    )
    totals = axis_totals(plan, solve(plan, inputs(200))).set_index("axis")
    assert totals.loc[1, ["activities", "funded", "funded_cost_eur", "cut_cost_eur"]].tolist() == [
        2, 1, 100.0, 300.0,
    ]  # fmt: skip
    assert totals.loc[5, "funded_hours"] == 1.0
