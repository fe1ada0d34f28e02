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


def _table_of_contacts() -> None:
    import pandas as pd

    from ui.tables import data_table

    data_table(
        pd.DataFrame(
            {
                "Nom": ["Anna Puig", "Pere Vila"],
                "Correu": ["anna@vic.example.cat", None],
                "Telèfon": ["+34 938.86 00 00", ""],
            }
        ),
        key="contacts",
        file_name="contactes",
        contacts={"Correu": "mailto", "Telèfon": "tel"},
    )


def test_emails_and_phones_are_links_on_screen_and_plain_in_the_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloaded: list[pd.DataFrame] = []
    monkeypatch.setattr(ui.tables, "download_buttons", lambda frame, **_: downloaded.append(frame))
    app = AppTest.from_function(_table_of_contacts).run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert shown["Correu"].tolist()[0] == "mailto:anna@vic.example.cat"
    assert shown["Telèfon"].tolist()[0] == "tel:+34-938-86-00-00"
    # A missing address is no link.
    assert not isinstance(shown["Correu"].tolist()[1], str)
    assert pd.isna(shown["Telèfon"].tolist()[1])
    assert downloaded[0]["Correu"].tolist()[0] == "anna@vic.example.cat"
    assert downloaded[0]["Telèfon"].tolist()[0] == "+34 938.86 00 00"


def _short_extract() -> None:
    from datetime import date

    import pandas as pd

    from ui.tables import data_table

    data_table(
        pd.DataFrame({"Membre": ["Vic"], "Dies": [1234], "Data": [date(2026, 3, 28)]}),
        key="short",
        file_name="curta",
        downloads=False,
    )


def test_a_short_extract_reads_in_ca_es_and_offers_no_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloaded: list[pd.DataFrame] = []
    monkeypatch.setattr(ui.tables, "download_buttons", lambda frame, **_: downloaded.append(frame))
    app = AppTest.from_function(_short_extract).run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert shown.iloc[0].tolist() == ["Vic", "1.234", "28/03/2026"]
    assert downloaded == []
