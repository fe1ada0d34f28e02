from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.clock import catalan_today


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 23:30 UTC on 28 March 2026 is already 29 March in Barcelona (CET, +1).
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),
        # 22:30 UTC in summer is 00:30 the next day (CEST, +2).
        (datetime(2026, 7, 14, 22, 30, tzinfo=UTC), date(2026, 7, 15)),
        (datetime(2026, 7, 14, 21, 59, tzinfo=UTC), date(2026, 7, 14)),
    ],
)
def test_today_is_the_catalan_date_whatever_the_server_zone(
    instant: datetime, expected: date
) -> None:
    assert catalan_today(instant) == expected


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        catalan_today(datetime(2026, 3, 28, 23, 30))
