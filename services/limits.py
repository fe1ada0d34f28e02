"""The largest amount and the most staff hours the what-if optimiser can compute on, shared by
the optimiser, the plan's editors and the importer (without importing the solver).

Far above any real plan, and low enough that 2.000 activities at the ceiling still add up
exactly in the solver's floating point (2.000 × 10^11 cents is below 2^53) and within HiGHS's
largest coefficient. Above them, HiGHS fails (10^13 €) and the integer cents overflow
(10^18 €)."""

from __future__ import annotations

from decimal import Decimal

AMOUNT_CEILING_EUR = Decimal(1_000_000_000)
HOURS_CEILING = Decimal(1_000_000)
AMOUNT_CEILING_TEXT = "1.000 M€"
HOURS_CEILING_TEXT = "1.000.000 h"
