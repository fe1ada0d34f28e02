"""The optimiser at its edges: near-ties HiGHS cannot see, the ceilings, the time limit, a
wrong first answer repaired, and a solver that prints nothing."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import optimiser_program
from services.errors import ValidationError
from services.optimiser import Activity, Inputs, Plan, Weights, frontier, solve
from services.optimiser_program import Program, Run
from tests.services.test_optimiser import activity, broken_rules, brute_force, inputs

EUR = Decimal


def one_cent_plan(big: Decimal) -> Plan:
    """Three activities of ``big`` worth 3 each and one of 0,01 € worth 1."""
    return Plan(
        (
            *(activity(code, big, scores=(3, 0, 0, 0)) for code in ("A", "B", "C")),
            activity("D", "0.01", scores=(1, 0, 0, 0)),
        )
    )


@pytest.mark.parametrize("big", ["20000", "20000.01", "123456.78", "999999.99", "1000000"])
def test_the_one_cent_activity_goes_ahead_with_one_of_the_big_ones(big: str) -> None:
    plan = one_cent_plan(EUR(big))
    solution = solve(plan, inputs(2 * EUR(big) - EUR("0.01")))
    assert solution.value == 4
    assert solution.proven_optimal
    assert "D" in solution.selected and len(solution.selected) == 2
    cut = [d for d in solution.decisions if not d.selected]
    # What is cut is cut by the money, never "adds no value".
    assert all(d.reason_kinds == ("budget",) for d in cut)


@st.composite
def near_ties(draw: st.DrawFn) -> tuple[Plan, Inputs]:
    """Large costs with cents, a few activities of cents, and a budget within a few cents of
    what some of them add up to: the ties HiGHS's tolerances hide."""
    big = [draw(st.integers(2_000_000, 20_000_000_000)) for _ in range(draw(st.integers(2, 4)))]
    small = [draw(st.integers(1, 300)) for _ in range(draw(st.integers(1, 3)))]
    cents = big + small
    activities = [
        Activity(
            code=f"X{i}",
            cost_eur=EUR(cost) / 100,
            staff_hours=EUR(0),
            scores=(draw(st.integers(1, 5)), 0, 0, 0),
            conveni=draw(st.booleans()),
        )
        for i, cost in enumerate(cents)
    ]
    chosen = draw(st.lists(st.sampled_from(range(len(cents))), min_size=1, unique=True))
    budget = sum(cents[i] for i in chosen) + draw(st.integers(-3, 3))
    return Plan(tuple(activities)), Inputs(
        budget_eur=EUR(max(budget, 0)) / 100,
        staff_hours=EUR(0),
        weights=Weights(1, 0, 0, 0),
        conveni_first=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_ties())
def test_near_tie_budgets_match_brute_force(problem: tuple[Plan, Inputs]) -> None:
    plan, given_inputs = problem
    solution = solve(plan, given_inputs)
    best = brute_force(plan, given_inputs)
    assert best is not None and solution.feasible
    assert broken_rules(plan, given_inputs, set(solution.selected)) == set()
    conveni_value = solution.conveni_value if given_inputs.conveni_first else 0.0
    assert (conveni_value, solution.value, -solution.cost_eur) == pytest.approx(best)
    assert solution.proven_optimal


@pytest.mark.parametrize(
    ("plan", "given_inputs", "message"),
    [
        (
            Plan((activity("A", "1e13"),)),
            inputs(10),
            "Activitat A, cost: «1E+13» passa del màxim que es pot calcular (1.000 M€).",
        ),
        (
            Plan((activity("A", "1e18"),)),
            inputs(10),
            "Activitat A, cost: «1E+18» passa del màxim que es pot calcular (1.000 M€).",
        ),
        (
            Plan((activity("A", 1),)),
            inputs("1000000000.01"),
            "Pressupost: «1000000000.01» passa del màxim que es pot calcular (1.000 M€).",
        ),
        (
            Plan((activity("A", 1, hours="2000000"),)),
            inputs(10),
            "Activitat A, hores: «2000000» passa del màxim que es pot calcular (1.000.000 h).",
        ),
    ],
)
def test_amounts_above_the_ceiling_are_refused_in_catalan(
    plan: Plan, given_inputs: Inputs, message: str
) -> None:
    for run in (solve, frontier):
        with pytest.raises(ValidationError) as refused:
            run(plan, given_inputs)
        assert message in refused.value.messages


def test_the_ceiling_itself_is_solved_exactly() -> None:
    plan = Plan(
        (
            activity("GRAN", "1000000000", scores=(4, 0, 0, 0)),
            activity("MITJA", "999999999.99", scores=(4, 0, 0, 0)),
            activity("CENT", "0.01", scores=(1, 0, 0, 0)),
        )
    )
    solution = solve(plan, inputs("1000000000"))
    assert solution.selected == {"MITJA", "CENT"} and solution.proven_optimal


def random_plan(size: int, seed: int) -> Plan:
    rng = random.Random(seed)
    return Plan(
        tuple(
            activity(
                f"R{i:03d}",
                rng.randrange(3, 200) * 100,
                rng.randrange(10, 200),
                scores=tuple(rng.randint(0, 5) for _ in range(4)),
                conveni=rng.random() < 0.4,
                exclusive_group=f"E{rng.randrange(size // 10)}" if rng.random() < 0.1 else None,
            )
            for i in range(size)
        )
    )


def test_out_of_time_gives_a_valid_plan_not_called_proven() -> None:
    plan = random_plan(400, seed=3)
    total = sum((a.cost_eur for a in plan.activities), EUR(0))
    hours = sum((a.staff_hours for a in plan.activities), EUR(0))
    given_inputs = inputs(total / 2, hours * 7 / 10)
    rushed = solve(plan, given_inputs, seconds=0.0)
    assert rushed.feasible and not rushed.proven_optimal
    assert broken_rules(plan, given_inputs, set(rushed.selected)) == set()
    assert rushed.gap is None or rushed.gap >= 0
    assert 0 < rushed.value <= solve(plan, given_inputs).value


def test_a_plan_stopped_in_its_tie_break_says_no_plan_is_worth_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_run = Program.run

    def stopped_in_tie_break(self: Program, *args: object, **kwargs: object) -> Run:
        run = real_run(self, *args, **kwargs)  # type: ignore[arg-type]
        return Run(run.x, False, stage=1, bound=None)

    monkeypatch.setattr(Program, "run", stopped_in_tie_break)
    plan = Plan((activity("A", 100, scores=(2, 0, 0, 0)), activity("B", 100)))
    solution = solve(plan, inputs(150))
    assert not solution.proven_optimal
    assert solution.gap == 0


@pytest.mark.parametrize("wrong", ["nothing", "everything"])
def test_a_wrong_first_answer_is_repaired_and_checked_again(
    monkeypatch: pytest.MonkeyPatch, wrong: str
) -> None:
    """HiGHS's first answer claimed optimal but worse (nothing) or breaking the budget
    (everything): the exact checks catch it, and the careful second solve proves the plan."""
    real_run = Program.run
    careful_runs = []

    def fast_is_wrong(self: Program, *args: object, **kwargs: object) -> Run:
        if self.careful:
            careful_runs.append(args)
            return real_run(self, *args, **kwargs)  # type: ignore[arg-type]
        n = self.arrays.n
        return Run(np.zeros(n, dtype=bool) if wrong == "nothing" else np.ones(n, dtype=bool), True)

    monkeypatch.setattr(Program, "run", fast_is_wrong)
    plan = Plan(
        (
            activity("A", 300, scores=(3, 0, 0, 0)),
            activity("B", 200, scores=(2, 0, 0, 0)),
            activity("C", 200, scores=(2, 0, 0, 0)),
        )
    )
    solution = solve(plan, inputs(400))
    assert solution.selected == {"B", "C"}
    assert solution.proven_optimal and solution.solved_twice and solution.corrected
    assert len(careful_runs) == 1


def test_two_runs_that_disagree_are_not_called_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """A careful solve that calls a worse plan optimal contradicts the first: neither is
    trusted, the better plan is kept."""
    monkeypatch.setattr(optimiser_program, "CAREFUL_FROM_UNITS", 1)
    real_run = Program.run

    def careful_is_wrong(self: Program, *args: object, **kwargs: object) -> Run:
        if self.careful:
            return Run(np.array([True, False, False]), True)
        return real_run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Program, "run", careful_is_wrong)
    # {A} is the careful run's wrong answer: no single addition or swap improves it.
    plan = Plan(
        (
            activity("A", 300, scores=(3, 0, 0, 0)),
            activity("B", 200, scores=(2, 0, 0, 0)),
            activity("C", 200, scores=(2, 0, 0, 0)),
        )
    )
    solution = solve(plan, inputs(400))
    assert solution.selected == {"B", "C"}
    assert solution.solved_twice and not solution.proven_optimal


def test_highs_prints_nothing_to_the_server_output(capfd: pytest.CaptureFixture[str]) -> None:
    plan = random_plan(60, seed=11)
    solve(plan, inputs(50_000, 2_000))
    frontier(plan, inputs(50_000, 2_000), points=8)
    solve(one_cent_plan(EUR(20_000)), inputs("39999.99"))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
