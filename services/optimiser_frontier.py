"""The efficient frontier's budgets, solved where the curve needs them, on two cores, within a
time budget.

The frontier is a grid of budgets (evenly spaced from the mandatory floor to the cheapest budget
that buys the best plan, plus the scenario's own). Two exact facts settle many budgets without a
solve:

- a plan proven optimal at budget B that costs c is optimal at every budget from c to B (the
  choice shrinks, but still holds it);
- the best plan's key (Conveni value first when asked, then value) never falls when the budget
  grows, so when the plans proven at two budgets have the same key, the cheaper one is optimal
  at every budget between them.

The remaining budgets are solved in order of how much the chart could be wrong without them:
the interval between two solved budgets whose box (the value gained across it times its width)
is largest is split at the grid budget nearest its middle. Two solves run at a time, each with
its own HiGHS model (HiGHS releases Python's lock while it searches, so two threads use both
cores). Past the time budget the budgets still open are left out; the chart draws a step from
the budget below, which is a value the money surely buys (the plan there still fits).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from services.optimiser_program import (
    Answer,
    PlanArrays,
    Solver,
    better,
    key,
    shrink,
    stage_tolerances,
)

# Concurrent solves (the deployment's machines have two cores).
WORKERS = 2


@dataclass(frozen=True)
class Point:
    """The plan at one budget of the grid, and whether it is proven optimal there."""

    x: np.ndarray
    proven: bool


class FrontierSampler:
    """Solves the grid's budgets for one plan, one set of objectives and one number of hours."""

    def __init__(self, arrays: PlanArrays, stages: np.ndarray, hours_tenths: int) -> None:
        self.arrays = arrays
        self.stages = stages
        self.hours_tenths = hours_tenths
        self.tolerances = stage_tolerances(stages)
        self._solvers: list[Solver] = []
        # Budgets of the last grid that time left off the chart.
        self.left_out = 0

    def sample(
        self,
        *,
        floor: int,
        current: int,
        points: int,
        top: Callable[[], Answer],
        deadline: float,
        least_seconds: float,
    ) -> dict[int, Point]:
        """The plans at the frontier's budgets (ascending), keyed by budget in cents.

        ``top`` solves for the best plan possible at the least cost: its cost is the grid's
        last budget. The grid runs from ``floor`` to it at ``points`` even budgets, plus
        ``current``. The floor, the top and ``current`` are solved whatever the time (each
        with ``least_seconds`` at least); the rest while ``deadline`` (a ``time.monotonic``
        instant) allows another batch like the last one."""
        found: dict[int, Point] = {}
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            # The top and the scenario's budget at once: neither needs the other.
            first: list[Callable[[], Answer]] = [top]
            if current >= floor:
                first.append(self._job(0, current, found, least_seconds))
            answers = list(pool.map(lambda job: job(), first))
            best = answers[0]
            found[int(self.arrays.cost[best.x].sum())] = Point(best.x, best.proven)
            if current >= floor:
                found[current] = Point(answers[1].x, answers[1].proven)
            highest = max(found)
            grid = sorted(
                {int(round(b)) for b in np.linspace(floor, highest, max(points, 2))}
                | {b for b in found if b >= floor}
            )
            self._settle(grid, found)
            # How long the last batch took: a batch that would not finish before the deadline
            # is not started (it would only add points cut short, not proven).
            last_batch = time.monotonic() - started
            while floor not in found or time.monotonic() + last_batch < deadline:
                must = [] if floor in found else [floor]
                batch = must + [b for b in self._next_budgets(grid, found) if b not in must]
                if not batch:
                    break
                began = time.monotonic()
                seconds = least_seconds if must else max(0.05, deadline - began)
                self._solve(pool, batch[:WORKERS], found, grid, seconds)
                last_batch = time.monotonic() - began
        self.left_out = sum(1 for b in grid if b not in found)
        return {b: found[b] for b in grid if b in found}

    def _solver(self, slot: int) -> Solver:
        while len(self._solvers) <= slot:
            self._solvers.append(Solver(self.arrays, self.stages))
        return self._solvers[slot]

    def _solve(
        self,
        pool: ThreadPoolExecutor,
        budgets: list[int],
        points: dict[int, Point],
        grid: list[int],
        seconds: float,
    ) -> None:
        jobs = [self._job(slot, budget, points, seconds) for slot, budget in enumerate(budgets)]
        answers = list(pool.map(lambda job: job(), jobs))
        for budget, answer in zip(budgets, answers, strict=True):
            points[budget] = Point(answer.x, answer.proven)
        self._settle(grid, points)

    def _job(
        self, slot: int, budget: int, points: dict[int, Point], seconds: float
    ) -> Callable[[], Answer]:
        above = [b for b in points if b > budget]
        start = None
        if above:
            # The nearest plan above, shrunk to fit: where HiGHS starts looking.
            start = shrink(self.arrays, points[min(above)].x, budget, self.stages)
        solver = self._solver(slot)
        return lambda: solver.solve(budget, self.hours_tenths, seconds=seconds, start=start)

    def _settle(self, grid: list[int], points: dict[int, Point]) -> None:
        """Fills the budgets that the two exact facts of the module's docstring settle."""
        for budget, point in list(points.items()):
            if not point.proven:
                continue
            cost = int(self.arrays.cost[point.x].sum())
            for b in grid:
                if cost <= b < budget and b not in points:
                    points[b] = point
        solved = sorted(b for b in grid if b in points)
        for low, high in zip(solved, solved[1:], strict=False):
            lower, upper = points[low], points[high]
            if not (lower.proven and upper.proven) or self._differ(lower.x, upper.x):
                continue
            for b in grid:
                if low < b < high:
                    points[b] = lower

    def _differ(self, a: np.ndarray, b: np.ndarray) -> bool:
        key_a, key_b = key(self.stages, a), key(self.stages, b)
        return better(key_a, key_b, self.tolerances) or better(key_b, key_a, self.tolerances)

    def _next_budgets(self, grid: list[int], points: dict[int, Point]) -> list[int]:
        """Up to ``WORKERS`` open budgets, from the intervals the chart knows least about."""
        solved = [b for b in grid if b in points]
        span = max(grid[-1] - grid[0], 1)
        value_span = max(float(np.abs(self.stages[-1]).sum()), 1e-9)
        intervals: list[tuple[float, list[int]]] = []
        for low, high in zip(solved, solved[1:], strict=False):
            inside = [b for b in grid if low < b < high]
            if not inside:
                continue
            gained = abs(
                float(self.stages[-1][points[high].x].sum() - self.stages[-1][points[low].x].sum())
            )
            # A tie still has open budgets when a side is unproven: a small, non-zero weight.
            box = max(gained / value_span, 1e-6) * (high - low) / span
            intervals.append((box, inside))
        intervals.sort(key=lambda interval: interval[0], reverse=True)
        budgets: list[int] = []
        for _, inside in intervals[:WORKERS]:
            budgets.append(inside[len(inside) // 2])
        if len(budgets) < WORKERS and intervals and len(intervals[0][1]) > 2:
            # One interval left: split it in three rather than leave a core idle.
            inside = intervals[0][1]
            budgets = [inside[len(inside) // 3], inside[2 * len(inside) // 3]]
        return budgets
