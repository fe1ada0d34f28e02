"""The frontier's caption says when a large plan's chart leaves budgets out or shows plans not
proven the best."""

from __future__ import annotations

from services.optimiser import frontier
from tests.services.test_optimiser import inputs
from tests.services.test_optimiser_program import random_plan
from ui.prioritisation_frontier import sampling_note


def test_a_complete_proven_curve_needs_no_note() -> None:
    plan = random_plan(12, seed=4)
    assert sampling_note(frontier(plan, inputs(20_000, 1_000), points=10, seconds=60)) == ""


def test_a_curve_cut_short_by_time_says_what_it_shows() -> None:
    plan = random_plan(120, seed=8)
    curve = frontier(plan, inputs(300_000, 8_000, conveni_first=False), points=40, seconds=0)
    note = sampling_note(curve)
    assert f"Pla gran: s'han calculat {len(curve)} pressupostos" in note
    assert "el valor que ja garanteix el pressupost de l'esquerra" in note
    unproven = curve.assign(proven=[False] * 2 + [True] * (len(curve) - 2))
    assert "2 punts són el millor pla trobat en el temps de càlcul" in sampling_note(unproven)
