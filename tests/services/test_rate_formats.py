"""How rates and their changes read in the tables and headlines of Grups and Esdeveniments."""

from __future__ import annotations

import math

from services.formatting import fmt_points, fmt_rate

NBSP = "\u00a0"


def test_a_rate_reads_as_a_percentage_and_no_rate_as_nothing() -> None:
    assert fmt_rate(0.456) == f"46{NBSP}%"
    assert fmt_rate(1.0) == f"100{NBSP}%"
    assert fmt_rate(None) == ""
    assert fmt_rate(math.nan) == ""  # a group without sessions


def test_a_change_reads_in_points_with_its_direction() -> None:
    assert fmt_points(-0.2) == "↓ 20 punts"
    assert fmt_points(0.334) == "↑ 33 punts"
    assert fmt_points(0.001) == "= 0 punts"
    assert fmt_points(None) == ""
    assert fmt_points(math.nan) == ""
