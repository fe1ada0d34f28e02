"""WCAG 2.1 AA on every page, as axe-core judges it in a real browser: each page of the menu,
normally and in presentation mode, must have no violation of a WCAG 2.0/2.1 A or AA rule.

axe-core's script comes bundled in the ``axe-playwright-python`` wheel (requirements-dev.txt):
no npm and no network at test time. It is injected into the page and into every frame (the
map is drawn in one), so ``axe.run`` on the page judges the frames' content too."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import (
    ARTIFACTS,
    Reruns,
    StreamlitServer,
    expect_no_exception,
    poll,
    stop_and_report,
    wait_for_app,
)
from ui.navigation import PAGE_PATHS, PAGE_TITLES

pytestmark = pytest.mark.e2e

AXE_SCRIPT = (
    importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
)
# WCAG 2.1 level A and AA: the target. (Best practices and AAA are advice, not a rule
# the network's public bodies must meet.)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# The viewport of a staff laptop, as in the other browser tests' screenshots.
VIEWPORT = {"width": 1440, "height": 1000}


@pytest.fixture(scope="module")
def server(
    demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    """One server for every page of this module: the test reads pages, it never writes."""
    started = StreamlitServer(demo_sqlite_url, home=tmp_path_factory.mktemp("a11y"))
    yield started
    stop_and_report([started])


@pytest.fixture
def a11y_page(browser: Browser, server: StreamlitServer) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="ca-ES")
    context.set_default_timeout(30_000)
    page = context.new_page()

    # Offline, as in an office with a closed network: the map's optional background tiles
    # are not part of what is judged, and a test must not wait on the internet.
    def only_the_app(route: Route) -> None:
        url = route.request.url
        if url.startswith(server.url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_app)
    yield page
    context.close()


def _run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page as drawn now, its frames included."""
    for frame in page.frames:
        if frame.evaluate("() => typeof window.axe === 'undefined'"):
            frame.add_script_tag(content=AXE_SCRIPT)
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"  {node['target']}")
            lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


def _open(page: Page, server: StreamlitServer, url_path: str) -> Reruns:
    reruns = Reruns(page)
    page.goto(f"{server.url}/{url_path}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=PAGE_TITLES[url_path], exact=True)).to_be_visible()
    return reruns


def _present(page: Page, reruns: Reruns) -> None:
    """Switch presentation mode on, as a person does, and wait for the run it asks for."""
    asked = len(reruns.sent)
    page.get_by_test_id("stSidebar").get_by_text("Mode presentació").click()
    poll(
        page,
        lambda: len(reruns.sent) > asked and reruns.settled(),
        timeout=60,
        what="the presentation run",
    )
    wait_for_app(page)
    expect(page.get_by_role("switch", name="Mode presentació")).to_be_checked()


def _wait_for_caption_style(page: Page) -> None:
    """The captions' colour (ui/accessibility.py) comes from an element of the run that the
    browser mounts after the run's state has turned to "not running": on a loaded 2-core CI
    machine axe once judged the captions in the short moment before. Wait until every caption
    is drawn opaque; a page whose style never arrives still fails, after the timeout."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
            .every(caption => getComputedStyle(caption).opacity === "1")"""
    )


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentacio"])
@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_page_has_no_wcag_aa_violation(
    url_path: str, presenting: bool, a11y_page: Page, server: StreamlitServer
) -> None:
    page = a11y_page
    reruns = _open(page, server, url_path)
    if presenting:
        _present(page, reruns)
    if url_path == "mapa":
        # The map is drawn in its own frame after the page's run: judge it once drawn.
        map_frame = page.frame_locator(MAP_FRAME)
        expect(map_frame.locator("path.xmess-comarca").first).to_be_attached()
    expect_no_exception(page)
    _wait_for_caption_style(page)

    violations = _run_axe(page)

    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        mode = "presentacio" if presenting else "normal"
        page.screenshot(path=str(ARTIFACTS / f"a11y-{url_path}-{mode}.png"), full_page=True)
    assert not violations, _describe(violations)


def test_document_language_is_catalan(a11y_page: Page, server: StreamlitServer) -> None:
    """Screen readers pick their voice from the document's language: the text is Catalan."""
    _open(a11y_page, server, "inici")
    expect(a11y_page.locator("html")).to_have_attribute("lang", "ca")
