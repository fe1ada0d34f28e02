"""The frontier's sampling: every budget it shows is the optimum there, the exact shortcuts
save solves, and out of time it still shows the ends and the scenario's budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.optimiser import Inputs, Plan, frontier, solve
from services.optimiser_program import Program, Run
from tests.services.test_optimiser import activity, inputs
from tests.services.test_optimiser_program import random_plan

EUR = Decimal


def optimum_at(plan: Plan, given_inputs: Inputs, budget: float) -> tuple[float, float]:
    at_budget = solve(
        plan,
        Inputs(
            EUR(str(budget)),
            given_inputs.staff_hours,
            given_inputs.weights,
            given_inputs.conveni_first,
        ),
        explain=False,
    )
    return at_budget.value, at_budget.conveni_value


@pytest.mark.parametrize("conveni_first", [False, True])
def test_with_time_every_budget_of_the_grid_is_the_proven_optimum(conveni_first: bool) -> None:
    plan = random_plan(40, seed=5)
    given_inputs = inputs(40_000, 2_000, conveni_first=conveni_first)
    curve = frontier(plan, given_inputs, points=25, seconds=60)
    assert len(curve) in (25, 26)  # the scenario's budget, unless it is on the grid
    assert curve["proven"].all() and curve["complete"].all()
    assert curve["current"].sum() == 1
    for row in curve.itertuples():
        value, conveni_value = optimum_at(plan, given_inputs, row.budget_eur)
        assert row.value == pytest.approx(value)
        if conveni_first:
            assert row.conveni_value == pytest.approx(conveni_value)


def count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    real_run = Program.run

    def counted(self: Program, *args: object, **kwargs: object) -> Run:
        runs.append(1)
        return real_run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Program, "run", counted)
    return runs


def test_a_curve_of_few_steps_takes_few_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three activities make a curve of a few steps: the proven plans settle most of the 40
    budgets without a solve."""
    runs = count_runs(monkeypatch)
    plan = Plan(
        (
            activity("A", 1000, scores=(3, 0, 0, 0)),
            activity("B", 2500, scores=(2, 0, 0, 0)),
            activity("C", 4000, scores=(5, 0, 0, 0)),
        )
    )
    curve = frontier(plan, inputs(3000, conveni_first=False), points=40)
    assert len(curve) == 41
    assert curve["proven"].all()
    # Each solve settles every budget from its plan's cost up: far fewer solves than budgets.
    assert len(runs) <= 41 // 3
    for row in curve.itertuples():
        assert row.value == optimum_at(plan, inputs(3000, conveni_first=False), row.budget_eur)[0]


def test_out_of_time_the_ends_and_the_scenario_are_still_drawn() -> None:
    plan = random_plan(120, seed=8)
    given_inputs = inputs(300_000, 8_000, conveni_first=False)
    curve = frontier(plan, given_inputs, points=40, seconds=0)
    everything = frontier(plan, given_inputs, points=40, seconds=60)
    assert len(curve) < len(everything)
    assert not curve["complete"].any() and everything["complete"].all()
    assert curve["budget_eur"].min() == everything["budget_eur"].min()
    assert curve["budget_eur"].max() == everything["budget_eur"].max()
    assert curve.loc[curve["current"], "budget_eur"].tolist() == [300_000]
    # Every budget shown is one of the full grid's, and its plan is never worth more than the
    # optimum there (a valid plan at that budget).
    full = everything.set_index("budget_eur")
    for row in curve.itertuples():
        assert row.budget_eur in full.index
        assert row.value <= full.loc[row.budget_eur, "value"] + 1e-9
        assert row.cost_eur <= row.budget_eur
