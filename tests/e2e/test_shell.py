"""The app shell in a real browser: deep links on a fresh server, presentation mode."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import ARTIFACTS, StreamlitServer, wait_for_app

pytestmark = pytest.mark.e2e


def test_first_request_of_a_new_server_can_be_a_deep_link(
    server_factory: Callable[[str], StreamlitServer], demo_sqlite_url: str, browser_page
) -> None:
    server = server_factory(demo_sqlite_url)
    browser_page.goto(f"{server.url}/dades")
    wait_for_app(browser_page)
    browser_page.get_by_role("heading", name="Dades").wait_for(timeout=30_000)
    # The sidebar and page config come from dashboard.py: it ran, not the page file alone.
    assert browser_page.get_by_text("Mode presentació").is_visible()
    assert "XMESS" in browser_page.title() or "Dades" in browser_page.title()
    assert browser_page.locator('[data-testid="stException"]').count() == 0


def test_inici_in_presentation_mode(
    server_factory: Callable[[str], StreamlitServer], demo_sqlite_url: str, browser_page
) -> None:
    server = server_factory(demo_sqlite_url)
    browser_page.goto(server.url)
    wait_for_app(browser_page)
    browser_page.get_by_text("Membres actius", exact=True).first.wait_for(timeout=30_000)
    normal = browser_page.locator('[data-testid="stMetricValue"]').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    browser_page.get_by_text("Mode presentació").click()
    wait_for_app(browser_page)
    browser_page.wait_for_timeout(500)
    large = browser_page.locator('[data-testid="stMetricValue"]').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert large > normal
    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "inici-presentacio.png"), full_page=True)
    assert browser_page.locator('[data-testid="stException"]').count() == 0
