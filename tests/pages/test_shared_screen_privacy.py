"""Presentation mode for a viewer who may see personal data (a coordinator sharing their
screen; here the local single user): every view the Commission's test opens is opened again
with the sidebar switch on, and everything AppTest exposes (text, tables, options, charts,
the map, every download) is searched for the demo's persons and staff. The contact summaries
stay on screen, with the persons masked.

The views, the demo and the search are ``tests/pages/test_commission_privacy.py``'s."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from services.privacy import PERSON_PLACEHOLDER
from tests.pages.test_commission_privacy import (
    VIEWS,
    CommissionDemo,
    _Downloads,
    _everything,
    _leaks,
    demo,  # noqa: F401  (a fixture)
    downloads,  # noqa: F401  (a fixture)
)
from ui.layout import PRESENTATION_KEY


def _present(
    app_on: Callable[..., AppTest],
    demo: CommissionDemo,  # noqa: F811
    name: str,
    recorded: _Downloads | None = None,
) -> AppTest:
    """``name``'s view, opened in working mode, then switched to presentation mode."""
    view = VIEWS[name]
    app = app_on(demo.url, view.path)
    app.session_state[PRESENTATION_KEY] = True
    if recorded is not None:
        recorded.files.clear()  # the first run's files were working mode's
    app.run()
    for key, value in (view.steps(demo) if view.steps else {}).items():
        app.session_state[key] = value
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[PRESENTATION_KEY] is True
    return app


def _table(app: AppTest, column: str) -> pd.DataFrame:
    """The table drawn with ``column`` (AppTest exposes no table's key)."""
    return next(t.value for t in app.dataframe if column in t.value.columns)


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_shared_screen_shows_no_person_anywhere(
    app_on: Callable[..., AppTest],
    demo: CommissionDemo,  # noqa: F811
    downloads: _Downloads,  # noqa: F811
    name: str,
) -> None:
    app = _present(app_on, demo, name, downloads)
    texts = _everything(app, downloads)
    assert any(VIEWS[name].expect in text for text in texts)
    assert _leaks(texts, demo.secrets) == {}


@pytest.mark.parametrize(
    ("name", "column"),
    [("seguiment-fitxa", "Canal"), ("seguiment-derivacions", "Dies sense resposta")],
)
def test_the_summaries_are_shown_with_the_persons_masked(
    app_on: Callable[..., AppTest],
    demo: CommissionDemo,  # noqa: F811
    name: str,
    column: str,
) -> None:
    app = _present(app_on, demo, name)
    frame = _table(app, column)
    assert "Resum" in frame.columns
    assert frame["Resum"].str.contains(PERSON_PLACEHOLDER, regex=False).any()
    # The person and the staff member are left out, as before.
    assert not {"Persona", "Equip"} & set(frame.columns)


def test_working_mode_still_shows_the_summaries_whole(
    app_on: Callable[..., AppTest],
    demo: CommissionDemo,  # noqa: F811
) -> None:
    app = app_on(demo.url, "seguiment")
    app.session_state["seguiment_member"] = demo.member_id
    app.run()
    frame = _table(app, "Canal")
    assert {"Resum", "Persona", "Equip"} <= set(frame.columns)
    assert not frame["Resum"].str.contains(PERSON_PLACEHOLDER, regex=False).any()
    assert any(secret in summary for summary in frame["Resum"] for secret in demo.secrets)
