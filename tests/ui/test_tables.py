"""``ui.tables.data_table``: what is drawn and what the downloads carry."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.tables


def _table_with_a_link() -> None:
    import pandas as pd

    from ui.tables import data_table

    data_table(
        pd.DataFrame({"Membre": ["Ajuntament de Vic"], "Fitxa": ["seguiment?membre=3"]}),
        key="links",
        file_name="amb_enllac",
        links={"Fitxa": "Obre la fitxa"},
    )


def test_link_columns_are_drawn_as_links_and_left_out_of_downloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloaded: list[pd.DataFrame] = []
    monkeypatch.setattr(ui.tables, "download_buttons", lambda frame, **_: downloaded.append(frame))
    app = AppTest.from_function(_table_with_a_link).run()
    assert not app.exception
    shown = app.dataframe[0]
    assert list(shown.value.columns) == ["Membre", "Fitxa"]
    assert shown.proto.columns and "Obre la fitxa" in shown.proto.columns
    assert [list(frame.columns) for frame in downloaded] == [["Membre"]]
