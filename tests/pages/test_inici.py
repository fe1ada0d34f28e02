"""Inici's morning lists, driven through AppTest."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pandas as pd
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


def _table_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in app.dataframe if column in df.value.columns)


def test_each_member_to_contact_links_to_its_file(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    to_contact = _table_with(app, "Per què")
    first = to_contact.iloc[0]
    link = urlsplit(first["Fitxa"])
    assert link.path == "seguiment"
    member_id = parse_qs(link.query)["membre"][0]
    # Following the link opens that member's file, at the top.
    followed = app_on(demo_sqlite_url, "seguiment", query={"membre": member_id})
    assert not followed.exception
    assert followed.subheader[0].value == first["Membre"]


def test_a_stuck_onboarding_links_to_its_file_and_keeps_presentation_mode(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    app.toggle(key="presentation_mode").set_value(True).run()
    stuck = _table_with(app, "Dies sense avançar")
    query = parse_qs(urlsplit(stuck.iloc[0]["Fitxa"]).query)
    assert query["presentacio"] == ["1"]
    assert query["membre"][0].isdigit()
