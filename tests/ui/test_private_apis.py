"""Private APIs of pinned libraries that the app relies on, checked against the installed
versions: an upgrade that changes them fails here, saying what to do, instead of breaking the
map or the page tests in some less obvious way.

- ui/map.py renders the folium map once per data version with streamlit-folium's private
  helpers and calls its private component directly, mirroring ``st_folium`` (see
  ``RenderedMap``).
- ui/tables.py hands st.dataframe a Styler whose private ``_translate`` it replaces, with the
  cells' ca-ES texts only: Streamlit's ``marshall_styler`` reads the display texts from it.
- tests/pages/conftest.py and scripts/bench.py open a function page (``st.Page`` with a
  ``url_path``) by setting AppTest's private ``_page_hash``: ``switch_page`` only takes files.
"""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import textwrap
from datetime import date
from pathlib import Path

import folium
import pandas as pd
import pyarrow as pa
import streamlit_folium
from pandas.io.formats.style import Styler
from streamlit.components.v1.custom_component import CustomComponent
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from services.formatting import ColumnFormat
from ui.tables import _stand_in, _text_of, catalan_styler

ROOT = Path(__file__).resolve().parents[2]
# The versions whose private APIs the code was last checked against.
STREAMLIT_FOLIUM = "0.27.4"
STREAMLIT = "1.67.0"
HELPERS = ("_get_html", "_get_header", "_get_map_string", "get_full_id")
REREAD_ST_FOLIUM = (
    "ui/map.py (render_map, show_map) mirrors st_folium of streamlit-folium "
    f"{STREAMLIT_FOLIUM}: re-read st_folium in the installed version, make ui/map.py do what it "
    "does, then update STREAMLIT_FOLIUM in this test."
)
REREAD_APPTEST = (
    "tests/pages/conftest.py and scripts/bench.py set AppTest._page_hash to open a function "
    f"page, as AppTest of Streamlit {STREAMLIT} reads it: check how the installed AppTest "
    "chooses the page to run (AppTest._run, switch_page), adapt both files, then update "
    "STREAMLIT in this test."
)


def _component_keywords(tree: ast.AST) -> set[str]:
    """The keyword arguments of the one ``_component_func(...)`` call in ``tree``."""
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "_component_func")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "_component_func")
        )
    ]
    assert len(calls) == 1, "expected exactly one _component_func(...) call"
    assert not calls[0].args, "the component is called with keyword arguments only"
    return {keyword.arg for keyword in calls[0].keywords if keyword.arg is not None}


def test_streamlit_folium_is_the_version_ui_map_mirrors() -> None:
    installed = importlib.metadata.version("streamlit-folium")
    assert installed == STREAMLIT_FOLIUM, f"streamlit-folium {installed}. {REREAD_ST_FOLIUM}"


def test_map_passes_the_component_what_st_folium_passes() -> None:
    """The component's frontend reads these arguments; a new or renamed one must be passed
    too (``on_change`` is ``st_folium``'s own callback, which the map does not use)."""
    theirs = _component_keywords(
        ast.parse(textwrap.dedent(inspect.getsource(streamlit_folium.st_folium)))
    )
    ours = _component_keywords(ast.parse((ROOT / "ui" / "map.py").read_text(encoding="utf-8")))
    assert {
        "st_folium passes, ui/map.py does not": sorted(theirs - ours - {"on_change"}),
        "ui/map.py passes, st_folium does not": sorted(ours - theirs),
    } == {
        "st_folium passes, ui/map.py does not": [],
        "ui/map.py passes, st_folium does not": [],
    }, REREAD_ST_FOLIUM


def test_the_component_takes_a_default_a_key_and_keyword_arguments() -> None:
    component = streamlit_folium._component_func
    assert isinstance(component, CustomComponent), REREAD_ST_FOLIUM
    parameters = inspect.signature(component).parameters
    assert {"default", "key"} <= set(parameters), REREAD_ST_FOLIUM
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()), (
        REREAD_ST_FOLIUM
    )


def test_the_rendering_helpers_take_the_map_and_return_its_strings() -> None:
    for name in HELPERS:
        helper = getattr(streamlit_folium, name, None)
        assert callable(helper), f"streamlit_folium.{name} is gone. {REREAD_ST_FOLIUM}"
        parameters = list(inspect.signature(helper).parameters.values())
        assert len(parameters) == 1 and parameters[0].kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ), f"streamlit_folium.{name}{inspect.signature(helper)}. {REREAD_ST_FOLIUM}"

    fmap = folium.Map(location=(41.8, 1.5), zoom_start=8)
    fmap.get_root().render()
    rendered = {name: getattr(streamlit_folium, name)(fmap) for name in HELPERS}
    assert all(isinstance(value, str) for value in rendered.values()), REREAD_ST_FOLIUM
    # The component draws into its own div, named map_div: the script must address it.
    assert "map_div" in rendered["_get_map_string"], REREAD_ST_FOLIUM
    assert rendered["get_full_id"] == fmap.get_name(), REREAD_ST_FOLIUM


def test_streamlit_is_the_version_whose_apptest_the_page_tests_rely_on() -> None:
    installed = importlib.metadata.version("streamlit")
    assert installed == STREAMLIT, f"Streamlit {installed}. {REREAD_APPTEST}"


def test_apptest_keeps_the_page_to_run_in_page_hash(tmp_path: Path) -> None:
    """It exists after init, and ``switch_page`` (the public way) sets it."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("import streamlit as st\nst.write('main')\n")
    (tmp_path / "pages" / "other.py").write_text("import streamlit as st\nst.write('other')\n")
    app = AppTest.from_file(str(tmp_path / "app.py"))
    assert getattr(app, "_page_hash", None) == "", REREAD_APPTEST
    app.run()
    app.switch_page("pages/other.py")
    assert app._page_hash not in ("", None), REREAD_APPTEST
    app.run()
    assert [m.value for m in app.markdown] == ["other"], REREAD_APPTEST


def test_setting_page_hash_runs_the_function_page_with_that_url_path() -> None:
    """What tests/pages/conftest.py does: the hash of a function page is its URL path's."""
    app = AppTest.from_string(
        textwrap.dedent(
            """
            import streamlit as st

            def first():
                st.markdown("first page")

            def second():
                st.markdown("second page")

            st.navigation(
                [st.Page(first, url_path="first", default=True), st.Page(second, url_path="second")]
            ).run()
            """
        )
    )
    app.run()
    assert [m.value for m in app.markdown] == ["first page"]
    app._page_hash = calc_hash("second")
    app.run()
    assert not app.exception
    assert [m.value for m in app.markdown] == ["second page"], REREAD_APPTEST


def _pandas_catalan_styler(frame: pd.DataFrame, formats: dict[str, ColumnFormat]) -> Styler:
    """The same texts as ``catalan_styler``, the way pandas documents: what it replaced."""
    shown = frame.copy()
    for column, described in formats.items():
        values = shown[column]
        if described.empty and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            if described.kind in ("date", "datetime"):
                values = values.astype(object)
            shown[column] = values.where(values.notna(), _stand_in(described))
    return shown.style.format(na_rep="").format(
        {column: _text_of(described) for column, described in formats.items()},
        subset=list(formats),
    )


def _display_texts(styler: Styler) -> pd.DataFrame:
    proto = ArrowData()
    marshall_styler(proto, styler, "uuid")
    return pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()


def test_streamlit_draws_the_tables_texts_as_pandas_would_format_them() -> None:
    """If Streamlit stopped reading a Styler's texts from ``_translate``, pandas' own unformatted
    texts ("3185.81", "2026-03-28") would reach the screen and this would fail: re-read
    ``marshall_styler`` of the installed Streamlit and adapt ``ui.tables.catalan_styler``."""
    frame = pd.DataFrame(
        {
            "Membre": ["Ajuntament de Vic", None, "Ajuntament de Reus"],
            "Sessions": [3, 12, 1250],
            "Import": [3185.81, float("nan"), 0.5],
            "Taxa": [0.5, 0.4567, 1.0],
            "Data": [date(2026, 3, 28), None, date(2025, 12, 1)],
            "Actiu": [True, False, True],
        }
    )
    formats = {
        "Sessions": ColumnFormat("number"),
        "Import": ColumnFormat("eur", 2),
        "Taxa": ColumnFormat("percent"),
        "Data": ColumnFormat("date", empty="Mai"),
    }
    ours = catalan_styler(frame, formats)
    assert ours is not None
    texts = _display_texts(ours)
    pd.testing.assert_frame_equal(texts, _display_texts(_pandas_catalan_styler(frame, formats)))
    assert texts.loc[0, "Import"] != "3185.81" and texts.loc[1, "Data"] == "Mai"
    assert texts.loc[1, "Membre"] == ""
