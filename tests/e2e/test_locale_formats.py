"""Tables read in ca-ES in an English browser, and their numeric columns sort as numbers.

``st.dataframe`` draws on a canvas; its text is in the accessibility table glide-data-grid
keeps inside the canvas (only the rows in view), which is what these tests read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    APP_TIMEOUT,
    StreamlitServer,
    expect_no_exception,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

# ca-ES: "." groups thousands, "," before decimals, a (no-break) space before € and %.
CA_INTEGER = re.compile(r"^\d{1,3}(\.\d{3})*$")
CA_EUR = re.compile(r"^\d{1,3}(\.\d{3})*(,\d\d)?\s€$")
CA_PERCENT = re.compile(r"^\d{1,3}(,\d)?\s%$")
CA_DATE = re.compile(r"^\d\d/\d\d/\d{4}$")
# What a grid shows is painted on its canvas; its accessibility table holds the raw values
# (a number's digits, a date's ISO form), not what is painted. So every text painted on a
# canvas is recorded, with where it was painted (CSS pixels from the canvas' corner).
RECORD_DRAWN_TEXT = """
window.__drawn = [];
const canvases = new WeakMap();
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    const m = this.getTransform();
    const ratio = window.devicePixelRatio || 1;
    if (!canvases.has(this.canvas)) canvases.set(this.canvas, window.__drawn.length + 1);
    window.__drawn.push({
        canvas: canvases.get(this.canvas),
        text: String(text),
        x: (m.a * x + m.c * y + m.e) / ratio,
        y: (m.b * x + m.d * y + m.f) / ratio,
    });
    return fillText.call(this, text, x, y, ...rest);
};
"""


@pytest.fixture(scope="module")
def server(
    demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    server = StreamlitServer(demo_sqlite_url, home=tmp_path_factory.mktemp("locale-formats"))
    yield server
    server.stop()


@pytest.fixture
def english_page(browser: Browser) -> Iterator[Page]:
    """A browser whose language is American English: Streamlit's own number formats would
    write "115,701" and "2,500.00" there."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.add_init_script(RECORD_DRAWN_TEXT)
    assert page.evaluate("navigator.language") == "en-US"
    yield page
    context.close()


def _open(page: Page, server: StreamlitServer, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=APP_TIMEOUT)
    expect_no_exception(page)


def _grid(page: Page, *headers: str) -> Locator:
    """The accessibility table of the grid whose columns include ``headers``."""
    grids = page.get_by_test_id("stDataFrame")
    for header in headers:
        grids = grids.filter(has=page.locator('th[role="columnheader"]', has_text=header))
    grid = grids.first
    grid.scroll_into_view_if_needed()
    table = grid.locator('canvas[data-testid="data-grid-canvas"] table')
    expect(table.locator('td[role="gridcell"]').first).to_be_attached()
    return table


def _headers(table: Locator) -> list[str]:
    return [(t or "").strip() for t in table.locator('th[role="columnheader"]').all_text_contents()]


def _column(table: Locator, title: str) -> list[str]:
    """The texts of column ``title`` in the rows drawn, top to bottom."""
    headers = [re.sub(r"^[↑↓] ", "", h) for h in _headers(table)]
    index = headers.index(title) + 1  # aria-colindex counts from 1
    cells = table.locator(f'tbody td[role="gridcell"][aria-colindex="{index}"]')
    return [(t or "").strip() for t in cells.all_text_contents()]


def _all_match(values: list[str], pattern: re.Pattern[str]) -> bool:
    present = [v for v in values if v]
    return bool(present) and all(pattern.match(v) for v in present)


def _ca_int(text: str) -> int:
    return int(text.replace(".", ""))


HEADER_HEIGHT = 35  # pixels: st.dataframe's header row


def _painted(page: Page, *titles: str, since: int = 0) -> dict[str, list[str]]:
    """What the grid whose header reads ``titles`` last painted in full: each column's texts,
    top to bottom (a column spans from its title's left edge to the next title's).

    glide-data-grid paints its header and then its cells (on canvases of their own), so a
    paint is a run of header texts and the cell texts that follow it."""
    drawn: list[dict[str, Any]] = page.evaluate("window.__drawn")[since:]
    paints: list[list[dict[str, Any]]] = []
    for entry in drawn:
        in_header = entry["y"] < HEADER_HEIGHT
        if in_header and (not paints or paints[-1][-1]["y"] >= HEADER_HEIGHT):
            paints.append([])
        if paints:
            paints[-1].append(entry)
    paint = next(
        p
        for p in reversed(paints)
        if set(titles) <= {e["text"] for e in p if e["y"] < HEADER_HEIGHT}
    )
    headers = {e["text"]: e["x"] for e in paint if e["y"] < HEADER_HEIGHT}
    starts = sorted(headers.values())
    cells: dict[tuple[float, float], str] = {}
    for entry in paint:
        if entry["y"] >= HEADER_HEIGHT:
            cells[(entry["x"], entry["y"])] = entry["text"]  # a repaint replaces what was there
    top_to_bottom = sorted(cells.items(), key=lambda cell: cell[0][1])
    columns: dict[str, list[str]] = {}
    for title in titles:
        left = headers[title]
        right = next((x for x in starts if x > left), float("inf"))
        columns[title] = [text for (x, _), text in top_to_bottom if left <= x < right]
    return columns


def test_grups_table_reads_catalan_and_sorts_as_numbers_in_an_english_browser(
    server: StreamlitServer, english_page: Page
) -> None:
    page = english_page
    _open(page, server, "grups")
    table = _grid(page, "Inscrits", "Assistència")
    rates = [float(v) for v in _column(table, "Assistència") if v]
    last_sessions = [v for v in _column(table, "Última sessió") if v]
    painted = _painted(page, "Inscrits", "Assistència", "Última sessió")
    # The values underneath are numbers and dates; what is painted is Catalan.
    assert _all_match(painted["Assistència"], CA_PERCENT), painted["Assistència"]
    assert f"{round(rates[0] * 100)}\u00a0%" in painted["Assistència"]
    assert _all_match(painted["Última sessió"], CA_DATE), painted["Última sessió"]
    year, month, day = last_sessions[0].split("-")
    assert f"{day}/{month}/{year}" in painted["Última sessió"]
    assert "None" not in {t for column in painted.values() for t in column}

    # Sorting by a count: 9 before 10, as numbers, not as text ("10" < "9").
    enrolled = [_ca_int(v) for v in painted["Inscrits"]]
    assert any(n < 10 for n in enrolled) and any(n >= 10 for n in enrolled)
    before = len(page.evaluate("window.__drawn"))
    box = (
        page.get_by_test_id("stDataFrame")
        .filter(has=page.locator('th[role="columnheader"]', has_text="Inscrits"))
        .first.locator('canvas[data-testid="data-grid-canvas"]')
        .bounding_box()
    )
    assert box is not None
    header_x = _header_x(page, "Inscrits")
    page.mouse.click(box["x"] + header_x + 5, box["y"] + HEADER_HEIGHT / 2)
    expect(table.locator('th[role="columnheader"]', has_text="↑ Inscrits")).to_be_attached()
    raw = [int(float(v)) for v in _column(table, "Inscrits") if v]
    assert raw == sorted(raw)
    sorted_painted = _painted(page, "↑ Inscrits", "Assistència", since=before)["↑ Inscrits"]
    assert [_ca_int(v) for v in sorted_painted] == sorted(enrolled)


def _header_x(page: Page, title: str) -> float:
    return float(
        next(
            d["x"]
            for d in reversed(page.evaluate("window.__drawn"))
            if d["text"] == title and d["y"] < HEADER_HEIGHT
        )
    )


def test_esdeveniments_dates_and_rates_read_catalan_in_an_english_browser(
    server: StreamlitServer, english_page: Page
) -> None:
    page = english_page
    _open(page, server, "esdeveniments")
    _grid(page, "Assistència", "Data")
    painted = _painted(page, "Data", "Assistència")
    assert _all_match(painted["Data"], CA_DATE), painted["Data"]
    assert _all_match(painted["Assistència"], CA_PERCENT), painted["Assistència"]


def test_prioritzacio_money_reads_catalan_in_an_english_browser(
    server: StreamlitServer, english_page: Page
) -> None:
    page = english_page
    _open(page, server, "prioritzacio")
    _grid(page, "Cost", "Hores")
    painted = _painted(page, "Cost", "Hores")
    assert _all_match(painted["Cost"], CA_EUR), painted["Cost"]
    # Hours: whole ones bare, others with a decimal comma, never a point.
    assert all(re.match(r"^\d{1,3}(\.\d{3})*(,\d)?$", h) for h in painted["Hores"] if h)
