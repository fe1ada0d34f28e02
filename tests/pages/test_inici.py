"""Inici's morning lists, driven through AppTest."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest


def test_stuck_onboardings_come_longest_stuck_first(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    assert not app.exception
    stuck = next(df.value for df in app.dataframe if "Dies sense avançar" in df.value.columns)
    days = [int(d) for d in stuck["Dies sense avançar"]]
    assert len(days) > 1, "the demo network has several stuck onboardings"
    assert days == sorted(days, reverse=True)
