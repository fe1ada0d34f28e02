"""The optimiser's engine: the plan as a 0/1 program for HiGHS, and the exact checks that decide
whether HiGHS's answer may be called optimal.

Why the answer is checked, and how
----------------------------------
HiGHS works in floating point with tolerances of about one part in a million (10^-6 for
integrality and 10^-7 for rows, after its own scaling). Money is whole cents here, so plans
whose costs differ by less than a millionth of the budget row's largest coefficient are a tie to
HiGHS but not to the Commission. Three activities of 20.000 € and one of 0,01 € under a budget
of 39.999,99 €: HiGHS's presolve calls the problem infeasible, and without presolve it returns a
selection that is fractional within tolerance and one cent over budget once rounded. An earlier
version showed such answers as proven, explaining the one-cent activity as "adds no value".

So no answer is trusted. Every selection HiGHS returns is rounded and then:

1. checked exactly, in integers, against every rule (budget, hours, mandatory activities, caps,
   alternatives, dependencies); and
2. certified locally, exactly: no activity left out fits, with the activities it needs, in the
   money and hours left over, and no swap of one funded activity (with what depends on it) for
   one left out (with what it needs) gives a better plan. Better is the same lexicographic key
   the solver maximises (Conveni value first when asked, then value, then the lower cost). A
   move that improves is applied and the search goes on, so a wrong answer is also repaired.

This is an exact integer method, independent of HiGHS's arithmetic, and it costs a few
milliseconds (vectorised over every pair), against a second solve that would double the time of
every what-if. A second solve is still made, with presolve off, the finest tolerances HiGHS
allows (10^-10) and another scaling, whenever the first one is in doubt: it failed, broke a rule,
was improved by the local search, or the costs or hours (divided by their greatest common
divisor, so that round amounts stay small numbers) reach a million units, where a one-unit
difference is inside HiGHS's tolerance. The better of the verified plans wins.

A plan is called proven only when HiGHS proved it optimal under its tolerances, its rounded
selection keeps every rule exactly, the local search could not improve it, and no other run
found a better one. Otherwise the page says it is the best plan found, and by how much it could
still improve when HiGHS knows (the gap at its time limit).

HiGHS is used through ``highspy`` (not SciPy's ``milp`` wrapper): the model is built once per
what-if and only the budget row changes between the frontier's budgets, each solve starts from
a known good plan, and its log is switched off (SciPy's bundled build printed debug lines to the
server's output).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

INFINITY = highspy.kHighsInf
# Integer costs (or hours) of this many units or more put one-unit differences inside HiGHS's
# tolerances: the answer is then checked by a second, careful solve as well.
CAREFUL_FROM_UNITS = 1_000_000
_FAST_OPTIONS: dict[str, bool | int | float | str] = {}
_CAREFUL_OPTIONS: dict[str, bool | int | float | str] = {
    "presolve": "off",
    "mip_feasibility_tolerance": 1e-10,
    "primal_feasibility_tolerance": 1e-10,
    # Scale columns and rows to a largest entry of one, not HiGHS's equilibration.
    "simplex_scale_strategy": 4,
}


class PlanArrays:
    """The plan's numbers as arrays: costs in cents and hours in tenths (integers), each
    activity's value, its groups, and who depends on whom (closed transitively)."""

    def __init__(
        self,
        *,
        cost_cents: Sequence[int],
        hours_tenths: Sequence[int],
        value: np.ndarray,
        conveni: Sequence[bool],
        forced_seeds: Iterable[int],
        caps: dict[str, int],
        cap_of: Sequence[str | None],
        exclusive_of: Sequence[str | None],
        requires: Sequence[Sequence[int]],
    ) -> None:
        self.n = len(cost_cents)
        self.cost = np.array(cost_cents, dtype=np.int64)
        self.hours = np.array(hours_tenths, dtype=np.int64)
        self.value = np.asarray(value, dtype=float)
        self.conveni = np.array(conveni, dtype=bool).reshape(self.n)
        self.caps = caps
        self.cap_members: dict[str, list[int]] = {}
        self.exclusive_members: dict[str, list[int]] = {}
        for i, group in enumerate(cap_of):
            if group is not None:
                self.cap_members.setdefault(group, []).append(i)
        for i, group in enumerate(exclusive_of):
            if group is not None:
                self.exclusive_members.setdefault(group, []).append(i)
        self.requires = [sorted(set(r)) for r in requires]
        dependants: list[list[int]] = [[] for _ in range(self.n)]
        for i, required in enumerate(self.requires):
            for j in required:
                dependants[j].append(i)
        # Each activity with everything it needs, and with everything that needs it.
        self.needs = [
            np.array(sorted(_reach(self.requires, [i])), dtype=np.intp) for i in range(self.n)
        ]
        self.needed_by = [
            np.array(sorted(_reach(dependants, [i])), dtype=np.intp) for i in range(self.n)
        ]
        self.forced = _reach(self.requires, forced_seeds)
        # Group index per activity (-1: none), for the vectorised checks.
        self.cap_names = list(self.cap_members)
        self.cap_limit = np.array([caps[g] for g in self.cap_names], dtype=np.int64)
        self.cap_index = np.full(self.n, -1, dtype=np.intp)
        for k, group in enumerate(self.cap_names):
            self.cap_index[self.cap_members[group]] = k
        self.exclusive_names = list(self.exclusive_members)
        self.exclusive_index = np.full(self.n, -1, dtype=np.intp)
        for k, group in enumerate(self.exclusive_names):
            self.exclusive_index[self.exclusive_members[group]] = k

    def closure(self, seeds: Iterable[int], *, beyond: set[int] | None = None) -> set[int]:
        """``seeds`` and everything they depend on, transitively (stopping at ``beyond``)."""
        return _reach(self.requires, seeds, beyond=beyond)

    def broken_rules(self, x: np.ndarray, budget_cents: int, hours_tenths: int) -> list[str]:
        """Every rule selection ``x`` breaks, checked exactly in integers."""
        broken: list[str] = []
        if int(self.cost[x].sum()) > budget_cents:
            broken.append("pressupost")
        if int(self.hours[x].sum()) > hours_tenths:
            broken.append("hores")
        if any(not x[i] for i in self.forced):
            broken.append("obligatòries")
        for group, members in self.cap_members.items():
            if int(x[members].sum()) > self.caps[group]:
                broken.append(f"límit {group}")
        for group, members in self.exclusive_members.items():
            if int(x[members].sum()) > 1:
                broken.append(f"alternatives {group}")
        for i, required in enumerate(self.requires):
            if x[i] and not all(x[j] for j in required):
                broken.append(f"dependències de {i}")
        return broken

    def minimal_plan(self) -> np.ndarray:
        """The mandatory activities and what they need: valid whenever any plan is."""
        x = np.zeros(self.n, dtype=bool)
        x[list(self.forced)] = True
        return x


def _reach(
    edges: Sequence[Sequence[int]], seeds: Iterable[int], *, beyond: set[int] | None = None
) -> set[int]:
    done: set[int] = set()
    stack = list(seeds)
    while stack:
        i = stack.pop()
        if i in done or (beyond is not None and i in beyond):
            continue
        done.add(i)
        stack.extend(edges[i])
    return done


# --- Comparing plans -------------------------------------------------------------------------


def stage_tolerances(stages: np.ndarray) -> np.ndarray:
    """Per objective, the least difference that counts: half a unit for whole-number objectives
    (plans then differ by one at least), a relative 10^-9 otherwise."""
    tolerances = []
    for objective in stages:
        if np.all(objective == np.round(objective)):
            tolerances.append(0.5)
        else:
            tolerances.append(1e-9 * max(1.0, float(np.abs(objective).sum())))
    return np.array(tolerances)


def key(stages: np.ndarray, x: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in stages[:, x].sum(axis=1))


def better(a: tuple[float, ...], b: tuple[float, ...], tolerances: np.ndarray) -> bool:
    """Whether key ``a`` beats key ``b`` lexicographically (beyond the tolerances)."""
    for left, right, tolerance in zip(a, b, tolerances, strict=True):
        if left > right + tolerance:
            return True
        if left < right - tolerance:
            return False
    return False


# --- The exact local search ------------------------------------------------------------------


def improve(
    arrays: PlanArrays, x: np.ndarray, budget_cents: int, hours_tenths: int, stages: np.ndarray
) -> np.ndarray:
    """``x`` after every improving addition or one-for-one swap, applied one at a time (the
    best first) until none is left: a plan no single move can better."""
    x = x.copy()
    tolerances = stage_tolerances(stages)
    # Each move raises the key by a tolerance at least, so this ends; the bound is a guard.
    for _ in range(4 * arrays.n + 4):
        move = _best_move(arrays, x, budget_cents, hours_tenths, stages, tolerances)
        if move is None:
            break
        removed, added = move
        x[removed] = False
        x[added] = True
    return x


def _lex_best(gains: np.ndarray, allowed: np.ndarray, tolerances: np.ndarray) -> int | None:
    """The index of the lexicographically largest gain that beats zero, among ``allowed``
    (``gains``: one row per stage, one column per candidate move)."""
    candidates = np.flatnonzero(allowed)
    for stage, (gain, tolerance) in enumerate(zip(gains, tolerances, strict=True)):
        if candidates.size == 0:
            return None
        values = gain[candidates]
        if (values > tolerance).any():
            # These beat zero here, the earlier stages being equal: the best of them wins.
            winners = candidates[values > tolerance]
            for later, later_tolerance in zip(gains[stage:], tolerances[stage:], strict=True):
                top = later[winners].max()
                winners = winners[later[winners] >= top - later_tolerance]
            return int(winners[0])
        candidates = candidates[values >= -tolerance]
    return None


def _best_move(
    arrays: PlanArrays,
    x: np.ndarray,
    budget_cents: int,
    hours_tenths: int,
    stages: np.ndarray,
    tolerances: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    out = np.flatnonzero(~x)
    if out.size == 0:
        return None
    left_cost = budget_cents - int(arrays.cost[x].sum())
    left_hours = hours_tenths - int(arrays.hours[x].sum())
    n_caps = len(arrays.cap_names)
    n_exclusive = len(arrays.exclusive_names)
    cap_taken = np.bincount(arrays.cap_index[x & (arrays.cap_index >= 0)], minlength=n_caps)
    exclusive_taken = np.bincount(
        arrays.exclusive_index[x & (arrays.exclusive_index >= 0)], minlength=n_exclusive
    )

    # What adding each left-out activity brings in: itself and what it needs that is out.
    bundles = [arrays.needs[j][~x[arrays.needs[j]]] for j in out]
    add = _totals(arrays, bundles, stages)
    add_fits = (
        (add.cost <= left_cost)
        & (add.hours <= left_hours)
        & np.all(cap_taken + add.caps <= arrays.cap_limit, axis=1)
        & np.all(exclusive_taken + add.exclusive <= 1, axis=1)
    )
    best_add = _lex_best(add.key.T, add_fits, tolerances)
    if best_add is not None:
        return np.array([], dtype=np.intp), bundles[best_add]

    # What removing each funded activity takes out: itself and the funded ones that need it.
    forced = np.zeros(arrays.n, dtype=bool)
    forced[list(arrays.forced)] = True
    inside = [i for i in np.flatnonzero(x) if not forced[i]]
    removals = [arrays.needed_by[i][x[arrays.needed_by[i]]] for i in inside]
    keep = [k for k, r in enumerate(removals) if not forced[r].any()]
    if not keep:
        return None
    inside = [inside[k] for k in keep]
    removals = [removals[k] for k in keep]
    take = _totals(arrays, removals, stages)
    # A pair is a swap only if the added bundle needs nothing the removal takes out.
    clash = np.zeros((len(inside), out.size), dtype=bool)
    removed_by: dict[int, list[int]] = {}
    for row, removal in enumerate(removals):
        for k in removal:
            removed_by.setdefault(int(k), []).append(row)
    for column, j in enumerate(out):
        needed = arrays.needs[j]
        for k in needed[x[needed]]:
            for row in removed_by.get(int(k), ()):
                clash[row, column] = True
    fits = (
        ~clash
        & (add.cost[None, :] - take.cost[:, None] <= left_cost)
        & (add.hours[None, :] - take.hours[:, None] <= left_hours)
    )
    for k in range(n_caps):
        fits &= (
            cap_taken[k] - take.caps[:, k][:, None] + add.caps[:, k][None, :] <= arrays.cap_limit[k]
        )
    for k in range(n_exclusive):
        fits &= (
            exclusive_taken[k] - take.exclusive[:, k][:, None] + add.exclusive[:, k][None, :] <= 1
        )
    if not fits.any():
        return None
    gains = np.stack(
        [(add.key[:, s][None, :] - take.key[:, s][:, None]).ravel() for s in range(len(stages))]
    )
    best = _lex_best(gains, fits.ravel(), tolerances)
    if best is None:
        return None
    row, column = divmod(best, out.size)
    return removals[row], bundles[column]


@dataclass(frozen=True)
class _Totals:
    cost: np.ndarray
    hours: np.ndarray
    key: np.ndarray  # one row per bundle, one column per stage
    caps: np.ndarray  # one row per bundle, one column per cap group
    exclusive: np.ndarray


def _totals(arrays: PlanArrays, bundles: list[np.ndarray], stages: np.ndarray) -> _Totals:
    """Each bundle's cost, hours, objective values and members per group."""
    n_caps = len(arrays.cap_names)
    n_exclusive = len(arrays.exclusive_names)
    m = len(bundles)
    membership_rows = np.repeat(np.arange(m), [b.size for b in bundles])
    members = np.concatenate(bundles) if bundles else np.array([], dtype=np.intp)
    cost = np.bincount(membership_rows, weights=arrays.cost[members], minlength=m)
    hours = np.bincount(membership_rows, weights=arrays.hours[members], minlength=m)
    key = np.stack(
        [np.bincount(membership_rows, weights=s[members], minlength=m) for s in stages], axis=1
    )
    caps = np.zeros((m, n_caps), dtype=np.int64)
    grouped = arrays.cap_index[members] >= 0
    np.add.at(caps, (membership_rows[grouped], arrays.cap_index[members][grouped]), 1)
    exclusive = np.zeros((m, n_exclusive), dtype=np.int64)
    grouped = arrays.exclusive_index[members] >= 0
    np.add.at(exclusive, (membership_rows[grouped], arrays.exclusive_index[members][grouped]), 1)
    # Integer money and hours stay exact as float64 below 2^53 (the ceilings see to that).
    return _Totals(
        cost.round().astype(np.int64), hours.round().astype(np.int64), key, caps, exclusive
    )


def shrink(
    arrays: PlanArrays, x: np.ndarray, budget_cents: int, stages: np.ndarray
) -> np.ndarray | None:
    """``x`` with its least valuable activities per euro taken out until it fits
    ``budget_cents``: a good first plan for HiGHS at a lower budget (None if none fits).

    Each activity leaves with what depends on it, so dependencies still hold; the order is
    worked out once (a first plan need not be the best one, and 2.000 activities must not cost
    a second)."""
    x = x.copy()
    if int(arrays.cost[x].sum()) <= budget_cents:
        return x
    forced = np.zeros(arrays.n, dtype=bool)
    forced[list(arrays.forced)] = True
    inside = [i for i in np.flatnonzero(x) if not forced[i]]
    removals = [arrays.needed_by[i][x[arrays.needed_by[i]]] for i in inside]
    removals = [r for r in removals if not forced[r].any()]
    if not removals:
        return None
    take = _totals(arrays, removals, stages)
    worth = take.key[:, 0] / np.maximum(take.cost, 1)
    cost = int(arrays.cost[x].sum())
    for k in np.argsort(worth, kind="stable"):
        removal = removals[k][x[removals[k]]]
        x[removal] = False
        cost -= int(arrays.cost[removal].sum())
        if cost <= budget_cents:
            return x
    return None


# --- HiGHS -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What one HiGHS run gave: its rounded selection (None when it found none), whether it
    proved that optimal, and, when it stopped at its time limit, the objective's bound."""

    x: np.ndarray | None
    optimal: bool
    stage: int = 0
    bound: float | None = None


def _unit(values: np.ndarray) -> int:
    """The greatest common divisor of the non-zero values (1 when there are none)."""
    nonzero = values[values != 0]
    return int(np.gcd.reduce(nonzero)) if nonzero.size else 1


class Program:
    """The plan as one HiGHS model, built once: only the money and hours rows' bounds and the
    objective change between solves."""

    def __init__(self, arrays: PlanArrays, *, careful: bool) -> None:
        self.arrays = arrays
        self.careful = careful
        n = arrays.n
        self.columns = np.arange(n, dtype=np.int32)
        # highspy's stubs leave the constructor unannotated.
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        highs.setOptionValue("output_flag", False)
        # HiGHS stops at a 0,01 % gap by default; the what-if must be exact.
        highs.setOptionValue("mip_rel_gap", 0.0)
        for name, value in (_CAREFUL_OPTIONS if careful else _FAST_OPTIONS).items():
            highs.setOptionValue(name, value)
        lower = np.zeros(n)
        lower[sorted(arrays.forced)] = 1.0
        highs.addVars(n, lower, np.ones(n))
        highs.changeColsIntegrality(n, self.columns, np.array([highspy.HighsVarType.kInteger] * n))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        # Money and hours divided by their greatest common divisor: the same rows exactly (every
        # sum is a multiple of it), with smaller numbers for HiGHS's tolerances.
        self.cost_unit = _unit(arrays.cost)
        self.hours_unit = _unit(arrays.hours)
        self.largest_units = max(
            int(arrays.cost.max(initial=0)) // self.cost_unit,
            int(arrays.hours.max(initial=0)) // self.hours_unit,
            int(arrays.cost.sum()) // self.cost_unit,
        )
        self.highs = highs
        self._add_row(arrays.cost / self.cost_unit, -INFINITY, 0.0)
        self._add_row(arrays.hours / self.hours_unit, -INFINITY, 0.0)
        for group, members in arrays.cap_members.items():
            if len(members) > arrays.caps[group]:
                self._add_row(_indicator(n, members), -INFINITY, float(arrays.caps[group]))
        for members in arrays.exclusive_members.values():
            if len(members) > 1:
                self._add_row(_indicator(n, members), -INFINITY, 1.0)
        for i, required in enumerate(arrays.requires):
            for j in required:
                row = np.zeros(n)
                row[i], row[j] = 1.0, -1.0
                self._add_row(row, -INFINITY, 0.0)
        self.rows = highs.getNumRow()

    def _add_row(self, coefficients: np.ndarray, lower: float, upper: float) -> None:
        nonzero = np.flatnonzero(coefficients).astype(np.int32)
        self.highs.addRow(lower, upper, nonzero.size, nonzero, coefficients[nonzero])

    def run(
        self,
        budget_cents: int,
        hours_tenths: int,
        stages: np.ndarray,
        *,
        start: np.ndarray | None,
        seconds: float,
    ) -> Run:
        """Maximise each objective of ``stages`` in turn, the earlier ones kept at their best."""
        highs = self.highs
        n = self.arrays.n
        highs.changeRowBounds(0, -INFINITY, float(budget_cents // self.cost_unit))
        highs.changeRowBounds(1, -INFINITY, float(hours_tenths // self.hours_unit))
        deadline = time.monotonic() + seconds
        tolerances = stage_tolerances(stages)
        x = start
        try:
            for stage, objective in enumerate(stages):
                highs.changeColsCost(n, self.columns, objective)
                if x is not None:
                    highs.setSolution(n, self.columns, x.astype(float))
                highs.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
                highs.run()
                info = highs.getInfo()
                if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
                    return Run(None, False)
                x = np.asarray(highs.getSolution().col_value) > 0.5
                if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                    bound = float(info.mip_dual_bound)
                    return Run(x, False, stage, bound if math.isfinite(bound) else None)
                if stage + 1 < len(stages):
                    # Keep this stage's optimum while the next one improves on what is left.
                    best = min(float(objective @ x), float(info.objective_function_value))
                    self._add_row(objective, best - tolerances[stage], INFINITY)
        finally:
            added = highs.getNumRow() - self.rows
            if added:
                highs.deleteRows(added, np.arange(self.rows, self.rows + added, dtype=np.int32))
        return Run(x, True)


def _indicator(n: int, members: Sequence[int]) -> np.ndarray:
    row = np.zeros(n)
    row[list(members)] = 1.0
    return row


# --- Certified solves ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A selection that keeps every rule, and how far it is trusted."""

    x: np.ndarray
    proven: bool
    # A second, careful solve was made because the first answer was in doubt.
    solved_twice: bool = False
    # The first answer broke a rule, or the local search found a better plan than it.
    corrected: bool = False
    # How much more value a plan could still have (a share of this one's), when HiGHS stopped
    # at its time limit: 0 when only the cheapest among equally valuable plans was left to
    # find; None when proven or unknown.
    gap: float | None = None


class Solver:
    """Certified solves of one plan, for one set of objectives, at any money and hours."""

    def __init__(
        self, arrays: PlanArrays, stages: np.ndarray, *, value_stages: int | None = None
    ) -> None:
        self.arrays = arrays
        self.stages = stages
        # The stages that are value; any after them only break ties (the cheapest plan).
        self.value_stages = len(stages) if value_stages is None else value_stages
        self.tolerances = stage_tolerances(stages)
        self.fast = Program(arrays, careful=False)
        self._careful: Program | None = None

    @property
    def careful(self) -> Program:
        if self._careful is None:
            self._careful = Program(self.arrays, careful=True)
        return self._careful

    def solve(
        self,
        budget_cents: int,
        hours_tenths: int,
        *,
        seconds: float,
        start: np.ndarray | None = None,
    ) -> Answer:
        arrays = self.arrays
        deadline = time.monotonic() + seconds
        if start is not None and arrays.broken_rules(start, budget_cents, hours_tenths):
            start = None
        # (selection, whether its run proved it and the local search left it as it was)
        found: list[tuple[np.ndarray, bool]] = []
        gap: float | None = None
        in_doubt = self.fast.largest_units >= CAREFUL_FROM_UNITS
        corrected = False
        first = self.fast.run(budget_cents, hours_tenths, self.stages, start=start, seconds=seconds)
        timed_out = first.x is not None and not first.optimal
        certified = self._certify(first, budget_cents, hours_tenths)
        if certified is None:
            in_doubt = True
            # A plan that breaks a rule is corrected; no plan in the time allowed is not.
            corrected = first.x is not None
        else:
            found.append(certified)
            if certified[1] is False and first.optimal:
                in_doubt = corrected = True
            if timed_out:
                gap = self._gap(first, certified[0])
        solved_twice = False
        remaining = deadline - time.monotonic()
        if in_doubt and not timed_out and remaining > 0.05:
            solved_twice = True
            best_so_far = max(found, key=lambda f: self._key(f[0]))[0] if found else start
            second = self.careful.run(
                budget_cents, hours_tenths, self.stages, start=best_so_far, seconds=remaining
            )
            checked = self._certify(second, budget_cents, hours_tenths)
            if checked is not None:
                found.append(checked)
                if not second.optimal:
                    gap = self._gap(second, checked[0])
        if not found:
            # Neither run gave a valid plan: the mandatory activities, improved move by move.
            minimal = arrays.minimal_plan()
            found.append((improve(arrays, minimal, budget_cents, hours_tenths, self.stages), False))
        best, proven = max(found, key=lambda f: self._key(f[0]))
        # Two runs that each call their plan optimal but disagree cannot both be right.
        if any(
            stood and better(self._key(best), self._key(other), self.tolerances)
            for other, stood in found
        ):
            proven = False
        return Answer(best, proven, solved_twice, corrected, None if proven else gap)

    def _key(self, x: np.ndarray) -> tuple[float, ...]:
        return key(self.stages, x)

    def _certify(
        self, run: Run, budget_cents: int, hours_tenths: int
    ) -> tuple[np.ndarray, bool] | None:
        """The run's plan after the exact checks (None if it breaks a rule), and whether it
        stands as proven."""
        if run.x is None or self.arrays.broken_rules(run.x, budget_cents, hours_tenths):
            return None
        improved = improve(self.arrays, run.x, budget_cents, hours_tenths, self.stages)
        return improved, run.optimal and bool(np.array_equal(improved, run.x))

    def _gap(self, run: Run, x: np.ndarray) -> float | None:
        if run.stage >= self.value_stages:
            # Only the tie-break was cut short: no plan is worth more, a cheaper one might be.
            return 0.0
        if run.bound is None:
            return None
        achieved = float(self.stages[run.stage][x].sum())
        if abs(achieved) < 1e-9:
            return None
        return max(0.0, (run.bound - achieved) / abs(achieved))
