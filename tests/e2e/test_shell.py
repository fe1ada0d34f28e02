"""The app shell in a real browser: deep links on a fresh server, presentation mode."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member
from db.session import make_engine
from tests.e2e.conftest import (
    APP_TIMEOUT,
    ARTIFACTS,
    ROOT,
    StreamlitServer,
    expect_no_exception,
    member_with_most_named_contacts,
    stop_and_report,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

# Each page's heading, by URL path (the page file's name, see ui/navigation.py).
HEADINGS = {
    "inici": "Inici",
    "seguiment": "Seguiment de membres",
    "grups": "Grups de Treball",
    "esdeveniments": "Esdeveniments",
    "mapa": "Mapa territorial",
    "prioritzacio": "Priorització del pressupost",
    "pla": "Seguiment del pla",
    "comissio": "Reunió de la Comissió",
    "dades": "Dades",
}
PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
DEEP_LINK_TEST = "test_first_request_of_a_fresh_server_can_be_a_deep_link"


@pytest.fixture(scope="module")
def fresh_servers(
    request: pytest.FixtureRequest,
    demo_sqlite_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, StreamlitServer]]:
    """One never-visited server per page that a selected deep-link test will open, started
    together: a server takes seconds to start, mostly waiting, so they start side by side."""
    wanted = sorted(
        {
            item.callspec.params["url_path"]
            for item in request.session.items
            if getattr(item, "originalname", None) == DEEP_LINK_TEST
        }
    )
    home = tmp_path_factory.mktemp("deep-links")
    servers = {
        url_path: StreamlitServer(demo_sqlite_url, home=home, wait=False) for url_path in wanted
    }
    try:
        for server in servers.values():
            server.wait_until_healthy()
        yield servers
    finally:
        stop_and_report(list(servers.values()))


@pytest.mark.parametrize("url_path", PAGE_FILES)
def test_first_request_of_a_fresh_server_can_be_a_deep_link(
    url_path: str, fresh_servers: dict[str, StreamlitServer], browser_page: Page
) -> None:
    """Streamlit runs ``pages/<url_path>.py`` itself for the first request of a fresh server;
    its ``__main__`` guard (ui/standalone.py) must hand over to ``dashboard.py``."""
    assert url_path in HEADINGS, f"pages/{url_path}.py is a new page: add its heading above"
    page = browser_page
    page.goto(f"{fresh_servers[url_path].url}/{url_path}")
    wait_for_app(page)
    heading = page.get_by_role("heading", name=HEADINGS[url_path], exact=True, level=1)
    expect(heading).to_be_visible(timeout=APP_TIMEOUT)
    # The sidebar, its menu and the page config come from dashboard.py: it ran, not the page
    # file alone (whose own run would draw nothing, under a menu of file names).
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Mode presentació")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Priorització del pressupost")).to_be_visible()
    expect(page).to_have_title("XMESS · Quadre de comandament")
    expect_no_exception(page)


def _font_size(page: Page, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def test_inici_in_presentation_mode(
    server_factory: Callable[[str], StreamlitServer], demo_sqlite_url: str, browser_page: Page
) -> None:
    page = browser_page
    server = server_factory(demo_sqlite_url)
    page.goto(server.url)
    wait_for_app(page)
    metric = '[data-testid="stMetricValue"]'
    expect(page.get_by_text("Membres actius", exact=True).first).to_be_visible(timeout=APP_TIMEOUT)
    expect(page.locator(metric).first).to_be_visible()
    normal = _font_size(page, metric)

    page.get_by_text("Mode presentació").click()
    # The presentation CSS arrives with the rerun: wait for the size it sets, not for a time.
    page.wait_for_function(
        """([selector, normal]) => {
            const element = document.querySelector(selector);
            return element !== null && parseFloat(getComputedStyle(element).fontSize) > normal;
        }""",
        arg=[metric, normal],
        timeout=APP_TIMEOUT,
    )
    wait_for_app(page)
    expect(page.get_by_role("switch", name="Mode presentació")).to_be_checked()
    assert _font_size(page, metric) > normal
    expect(page.locator(metric).first).to_be_visible()
    expect_no_exception(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inici-presentacio.png"), full_page=True)


def test_every_page_file_is_a_deep_link_case() -> None:
    assert set(PAGE_FILES) == set(HEADINGS)


def test_a_member_file_has_its_own_address(
    server_factory: Callable[[str], StreamlitServer], demo_sqlite_url: str, browser_page: Page
) -> None:
    with Session(make_engine(demo_sqlite_url)) as session:
        member_id, name = member_with_most_named_contacts(session)
        other_id, other = session.execute(
            select(Member.id, Member.name)
            .where(Member.id != member_id, Member.left_on.is_(None))
            .limit(1)
        ).one()
    page = browser_page
    server = server_factory(demo_sqlite_url)
    page.goto(f"{server.url}/seguiment?membre={member_id}")
    wait_for_app(page)
    file_heading = page.get_by_role("heading", name=name, exact=True)
    expect(file_heading).to_be_visible(timeout=APP_TIMEOUT)
    # At the top: above the list's filters, in view without scrolling.
    status_filter = page.get_by_text("Estat", exact=True).first
    assert file_heading.bounding_box()["y"] < status_filter.bounding_box()["y"]  # type: ignore[index]
    assert file_heading.bounding_box()["y"] < 900  # type: ignore[index]

    # Another member picked: the address follows, and a reload opens that file.
    picker = page.get_by_role("combobox", name="Obre la fitxa d'un membre")
    picker.click()
    picker.fill(other)
    page.get_by_role("option", name=other, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/seguiment\?membre={other_id}$"), timeout=APP_TIMEOUT)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=other, exact=True)).to_be_visible(timeout=APP_TIMEOUT)
    expect_no_exception(page)
