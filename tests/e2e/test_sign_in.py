"""Sign-in in a real browser, through a real OpenID Connect provider (``oidc-provider-mock`` on
127.0.0.1): what an anonymous visitor, a coordinator, a commission member, an administrator
and an unknown e-mail each get from one server with ``[auth]`` configured.

The server runs over a copy of the demo network to which the test adds the three users. The
commission member's pages, their every tab, every file they download and everything the
server sends their browser are searched for the demo's persons and staff.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Download, Locator, Page, WebSocket, expect
from pypdf import PdfReader
from sqlalchemy import select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from db.models import AppUser, Member, UserRole
from db.session import make_engine, session_scope
from scripts.load_browser import PageRuns
from tests.databases import copy_of_demo
from tests.e2e.conftest import (
    APP_TIMEOUT,
    SIGN_IN_USERS,
    OidcProvider,
    SignInUser,
    StreamlitServer,
    auth_secrets,
    expect_no_exception,
    member_with_most_named_contacts,
    personal_data,
    poll,
    stop_and_report,
    wait_for_app,
)
from ui.map import MAP_KEY

pytestmark = pytest.mark.e2e

SIGN_IN_TITLE = "XMESS · Quadre de comandament"
SIGN_IN_BUTTON = "Inicia la sessió"
NO_ACCESS_TITLE = "No teniu accés al quadre de comandament"
SIGN_OUT = "Tanca la sessió"
PRESENTATION = "Mode presentació"
# Every page's address (the page files, see ui/navigation.py).
PAGE_PATHS = ["", "seguiment", "grups", "esdeveniments", "mapa", "prioritzacio", "dades"]
ROLES = {"coordinator": UserRole.STAFF, "commission": UserRole.COMMISSION, "admin": UserRole.ADMIN}
# The Dades page's tabs for an administrator, who has every right.
ADMIN_DADES_TABS = ["Importa", "Edita", "Registre de canvis", "Còpia de seguretat", "Usuaris"]
MEMBER_PICKER = "Obre la fitxa d'un membre"
# A state is drawn when the script has finished, nothing from the previous run is left, no
# element still waits for its component's code (a skeleton stands in for it meanwhile, after
# the run has finished), every grid in sight has drawn its accessibility table (the only text
# of a grid, also drawn after the run), and every open tab panel holds something (a lazy
# tab's panel stays empty until its rerun).
SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
    const grids = [...document.querySelectorAll('canvas[data-testid="data-grid-canvas"]')];
    if (grids.some((grid) => grid.checkVisibility() && !grid.querySelector("table"))) {
        return false;
    }
    return [...document.querySelectorAll('[data-testid="stTab"][aria-selected="true"]')].every(
        (tab) => document.getElementById(tab.getAttribute("aria-controls"))
            ?.querySelector('[data-testid="stElementContainer"]') != null
    );
}"""


@dataclass(frozen=True)
class Network:
    """The server's database copy, and what the test needs to know about it."""

    url: str
    members: tuple[str, ...]
    # Every demo person's full name, e-mail and phone, and every staff member's name and
    # e-mail: value → what it is, for the failure message.
    personal: dict[str, str]
    # The member whose file is richest in contacts that name a person.
    member_to_open: str
    # The administrators' names: the no-access page says whom to ask.
    admins: tuple[str, ...]


@dataclass
class SignInApp:
    """The module's one server with sign-in on. ``visited`` turns true with the first address
    asked of it: the anonymous test opens a deep link as the server's very first request."""

    server: StreamlitServer
    visited: bool = False

    def url(self, path: str = "") -> str:
        self.visited = True
        return f"{self.server.url}/{path}"


@pytest.fixture(scope="module")
def network(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Network:
    """A copy of the demo database, plus the coordinator, commission member and administrator
    (the unknown e-mail is left out on purpose)."""
    url = copy_of_demo(demo_sqlite_url, tmp_path_factory.mktemp("sign-in"), "sign-in")
    engine = make_engine(url)
    with session_scope(engine) as session:
        members = tuple(session.scalars(select(Member.name)))
        personal = personal_data(session)
        _, member_to_open = member_with_most_named_contacts(session)
        session.add_all(
            AppUser(email=SIGN_IN_USERS[key].email, full_name=SIGN_IN_USERS[key].name, role=role)
            for key, role in ROLES.items()
        )
        admins = tuple(
            session.scalars(select(AppUser.full_name).where(AppUser.role == UserRole.ADMIN))
        )
    engine.dispose()
    assert len(personal) > 300, "the demo should have persons with e-mails and phones"
    return Network(
        url=url,
        members=members,
        personal=personal,
        member_to_open=member_to_open,
        admins=admins,
    )


@pytest.fixture(scope="module")
def app(
    network: Network, oidc_provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInApp]:
    home = tmp_path_factory.mktemp("sign-in-server")
    secrets = auth_secrets(home / "secrets.toml", oidc_provider)
    server = StreamlitServer(network.url, home=home, secrets=secrets, wait=False)
    try:
        server.wait_until_healthy()
        yield SignInApp(server)
    finally:
        stop_and_report([server])


# --- What each page shows --------------------------------------------------------------------


def _heading(page: Page, name: str) -> None:
    """Wait for the page's title, then for its script to finish."""
    expect(page.get_by_role("heading", name=name, exact=True, level=1)).to_be_visible(
        timeout=APP_TIMEOUT
    )
    wait_for_app(page)


def _settle(page: Page) -> None:
    page.wait_for_function(SETTLED, timeout=APP_TIMEOUT)


def _expect_nothing_but_the_gate(
    page: Page, network: Network, *, naming: tuple[str, ...] = ()
) -> None:
    """No menu, no sidebar, no table, figure, chart, map or tab; no member, person or staff
    member named but those in ``naming``."""
    for test_id in (
        "stSidebar",
        "stDataFrame",
        "stMetric",
        "stVegaLiteChart",
        "stIFrame",
        "stTabs",
        "stSelectbox",
        "stMultiSelect",
    ):
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    text = page.locator("body").text_content() or ""
    assert [name for name in network.members if name in text] == []
    assert [value for value in network.personal if value in text and value not in naming] == []
    expect_no_exception(page)


def _expect_sign_in_page(page: Page, network: Network) -> None:
    _heading(page, SIGN_IN_TITLE)
    expect(page.get_by_role("button", name=SIGN_IN_BUTTON)).to_be_visible()
    expect(page).to_have_title(SIGN_IN_TITLE)
    _expect_nothing_but_the_gate(page, network)


def _sign_in(page: Page, app: SignInApp, user: SignInUser) -> None:
    """Sign in through the provider, as a person would; back on the app's first page."""
    page.goto(app.url())
    page.get_by_role("button", name=SIGN_IN_BUTTON).click(timeout=APP_TIMEOUT)
    # The provider's authorisation page offers a button per subject it knows.
    page.get_by_role("button", name=user.email, exact=True).click()
    page.wait_for_url(
        lambda url: url.startswith(app.server.url) and "/oauth2callback" not in url,
        timeout=APP_TIMEOUT,
    )


def _menu_link(page: Page, title: str) -> Locator:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)


# --- The tests, the anonymous one first -------------------------------------------------------


def test_anonymous_visitor_gets_only_the_sign_in_page_at_every_address(
    app: SignInApp, network: Network, browser_page: Page
) -> None:
    # Streamlit runs pages/dades.py itself for the first request of a fresh server: it must
    # hand over to the gate too. This test is the module's first: nothing has asked yet.
    assert not app.visited, "this test must be the first to use the module's server"
    page = browser_page
    page.goto(app.url("dades"))
    _expect_sign_in_page(page, network)
    for path in PAGE_PATHS:
        page.goto(app.url(path))
        _expect_sign_in_page(page, network)


def test_coordinator_signs_in_to_the_app_and_out_again(
    app: SignInApp, network: Network, browser_page: Page
) -> None:
    page, user = browser_page, SIGN_IN_USERS["coordinator"]
    _sign_in(page, app, user)
    _heading(page, "Inici")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(user.name)).to_be_visible()
    expect(sidebar.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    expect(_menu_link(page, "Dades")).to_be_visible()
    expect(page.get_by_role("switch", name=PRESENTATION)).to_be_enabled()
    expect_no_exception(page)
    engine = make_engine(network.url)
    with session_scope(engine) as session:
        signed_in_at = session.scalar(
            select(AppUser.last_signed_in_at).where(AppUser.email == user.email)
        )
    engine.dispose()
    assert signed_in_at is not None, "the sign-in is not recorded"

    sidebar.get_by_role("button", name=SIGN_OUT).click()
    # The provider ends its own session too, once confirmed, and sends the browser back.
    page.get_by_role("button", name="End session").click(timeout=APP_TIMEOUT)
    _expect_sign_in_page(page, network)
    page.goto(app.url("seguiment"))
    _expect_sign_in_page(page, network)


def test_unknown_email_is_told_it_has_no_access_and_shown_nothing_else(
    app: SignInApp, network: Network, browser_page: Page
) -> None:
    page, user = browser_page, SIGN_IN_USERS["unknown"]
    _sign_in(page, app, user)
    _heading(page, NO_ACCESS_TITLE)
    expect(page.get_by_text(user.email)).to_be_visible()
    # Whom to ask: the administrators, and no one else.
    expect(page.get_by_text(SIGN_IN_USERS["admin"].name)).to_be_visible()
    _expect_nothing_but_the_gate(page, network, naming=network.admins)
    page.goto(app.url("seguiment"))
    _heading(page, NO_ACCESS_TITLE)
    _expect_nothing_but_the_gate(page, network, naming=network.admins)


def test_admin_sees_the_dades_page_with_its_tabs(app: SignInApp, browser_page: Page) -> None:
    page, user = browser_page, SIGN_IN_USERS["admin"]
    _sign_in(page, app, user)
    _heading(page, "Inici")
    _menu_link(page, "Dades").click()
    _heading(page, "Dades")
    for tab in [*ADMIN_DADES_TABS, "Territori"]:
        expect(page.get_by_role("tab", name=tab, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text(user.name)).to_be_visible()
    expect_no_exception(page)


def test_commission_member_is_always_presenting_and_never_served_dades(
    app: SignInApp, browser_page: Page
) -> None:
    page, user = browser_page, SIGN_IN_USERS["commission"]
    _sign_in(page, app, user)
    _heading(page, "Inici")
    switch = page.get_by_role("switch", name=PRESENTATION)
    expect(switch).to_be_checked()
    expect(switch).to_be_disabled()
    # Signed in, but on the shared screen not even their own name.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Sessió iniciada · comissió")).to_be_visible()
    expect(sidebar.get_by_text(user.name)).to_have_count(0)
    expect(_menu_link(page, "Inici")).to_be_visible()
    expect(_menu_link(page, "Dades")).to_have_count(0)

    page.goto(app.url("dades"))
    _heading(page, "Pàgina no disponible")
    expect(page.get_by_role("heading", name="Dades", exact=True)).to_have_count(0)
    expect(page.get_by_role("tab")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_role("switch", name=PRESENTATION)).to_be_checked()
    expect_no_exception(page)


# --- The commission member's sweep ------------------------------------------------------------


# Counts, in the page, every message the browser sends the server, as it sends it: after a
# click, the test then knows how many it must have seen leave before the state can settle (a
# widget's rerun is asked for without the page's run state changing until the server answers).
COUNT_SENT = """() => {
    const send = WebSocket.prototype.send;
    window.xmessSent = 0;
    WebSocket.prototype.send = function (data) {
        window.xmessSent += 1;
        return send.call(this, data);
    };
}"""


@dataclass
class Sweep:
    """Everything the commission member's browser got, step by step: each drawn state's text
    (the grids' accessibility layer included), each file downloaded, each message the server
    sent over the websocket; and any control that writes."""

    page: Page
    step: str = "sign-in"
    texts: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)
    messages: dict[str, list[bytes]] = field(default_factory=dict)
    writers: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    downloaded: set[str] = field(default_factory=set)
    # The browser's messages seen leaving, the widget keys of each rerun it asked for, and
    # "asked"/"finished" in the order seen.
    sent: int = 0
    reruns: list[list[str]] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    _runs: PageRuns = field(default_factory=PageRuns)

    def __post_init__(self) -> None:
        self.page.add_init_script(f"({COUNT_SENT})()")
        self.page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framesent", self._sent)
            socket.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        self.sent += 1
        message = BackMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        if self._runs.asked(message):
            widgets = message.rerun_script.widget_states.widgets
            self.reruns.append([widget.id.split("-", 2)[-1] for widget in widgets])
            self.runs.append("asked")

    def _received(self, payload: str | bytes) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.messages.setdefault(self.step, []).append(data)
        message = ForwardMsg.FromString(data)
        if self._runs.ended(message):
            self.runs.append("finished")

    def _quiet(self) -> None:
        """Every message the page sent has left, every run asked for has finished, and the
        page is drawn; again if the page sent more meanwhile."""
        page = self.page
        sent = -1
        while sent != (sent := int(page.evaluate("window.xmessSent"))):
            poll(
                page,
                partial(self._answered, sent),
                timeout=APP_TIMEOUT / 1000,
                what="the reruns asked for to finish",
            )
            _settle(page)

    def _answered(self, sent: int) -> bool:
        return self.sent >= sent and (not self.runs or self.runs[-1] == "finished")

    def visit(self, url: str, before_tabs: Callable[[Page], None] | None = None) -> None:
        page = self.page
        self.step = url
        page.goto(url)
        heading = page.get_by_role("heading", level=1).first
        expect(heading).to_be_visible(timeout=APP_TIMEOUT)
        self._quiet()
        title = heading.text_content() or url
        self.step = title
        self.pages.append(title)
        expect_no_exception(page)
        if before_tabs is not None:
            before_tabs(page)
            self._quiet()
        self._collect(title)
        self._walk_tabs(title)

    def wait_for_map(self, page: Page) -> None:
        """Once drawn, the map sends its first value (a rerun): it must be over before a
        download button is clicked, or the button may be the previous run's."""
        poll(
            page,
            lambda: any(key.startswith(MAP_KEY) for keys in self.reruns for key in keys),
            timeout=APP_TIMEOUT / 1000,
            what="the map's first value",
        )

    def _walk_tabs(self, title: str) -> None:
        """Open every tab once. The last unseen one first: a tab list nested in an open tab
        (a member's file under Membres) comes after its parent's in the page, and goes away
        when another parent tab is opened."""
        page, seen = self.page, set()
        while True:
            # A tab list in a closed tab of another (not lazy) is in the page, hidden.
            tabs = [tab for tab in page.get_by_test_id("stTab").all() if tab.is_visible()]
            pending = [(tab, tab.text_content() or "") for tab in tabs]
            pending = [(tab, label) for tab, label in pending if label not in seen]
            if not pending:
                return
            tab, label = pending[-1]
            seen.add(label)
            self.step = f"{title} › {label}"
            if tab.get_attribute("aria-selected") != "true":
                tab.click()
                expect(tab).to_have_attribute("aria-selected", "true")
                self._quiet()
                expect_no_exception(page)
            self._collect(self.step)

    def _collect(self, where: str) -> None:
        page = self.page
        closed = page.locator('[data-testid="stExpander"] details:not([open]) summary')
        for expander in closed.all():
            expander.click()
        text = page.locator("body").text_content() or ""
        self.texts.append((where, text))
        for frame in page.frames[1:]:  # the map's iframe: its popups and tooltips
            frame.wait_for_load_state()
            component = frame.url.split("/component/")[-1].split("/")[0]
            self.texts.append((f"{where} (iframe {component})", frame.content()))
        self._find_writers(where)
        buttons = page.get_by_test_id("stDownloadButton")
        for index in range(buttons.count()):
            button = buttons.nth(index)
            key = button.evaluate(
                """(e) => (e.closest('[data-testid="stElementContainer"]').className
                        .match(/st-key-(\\S+)/) || [, ""])[1]"""
            )
            # A hidden tab's buttons wait for the tab to be opened.
            if key in self.downloaded or not button.is_visible():
                continue
            self.downloaded.add(key)
            with page.expect_download(timeout=APP_TIMEOUT) as download:
                button.get_by_role("button").click()
            name = download.value.suggested_filename
            self.files.append((f"{where}: {name}", _read(download.value)))

    def _find_writers(self, where: str) -> None:
        main = self.page.get_by_test_id("stMain")
        for test_id in ("stButton", "stFormSubmitButton", "stForm"):
            for control in main.get_by_test_id(test_id).all():
                self.writers.append(f"{where}: {test_id} {control.text_content()!r}")
        # An editable grid (the check-in's): its editable cells are not marked read-only.
        editable = main.locator(
            '[data-testid="stDataFrame"] td[role="gridcell"]:not([aria-readonly="true"])'
        )
        if editable.count():
            self.writers.append(f"{where}: an editable grid ({editable.count()} cells)")
        if where.endswith("Acollida"):  # ticking an onboarding step writes
            for box in main.locator('[data-testid="stCheckbox"] input:not([disabled])').all():
                label = box.evaluate("(e) => e.closest('label')?.textContent ?? ''")
                self.writers.append(f"{where}: the enabled checkbox {label!r}")


def _read(download: Download) -> str:
    path = Path(download.path())
    if download.suggested_filename.endswith(".xlsx"):
        # Playwright's copy has no extension: openpyxl gets its bytes.
        workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if download.suggested_filename.endswith(".pdf"):
        # The meeting pack: its text, as a reader would search it.
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8-sig")


def open_member_file(member: str) -> Callable[[Page], None]:
    """A step that opens ``member``'s file on Seguiment and waits for its tabs."""

    def open_it(page: Page) -> None:
        picker = page.get_by_role("combobox", name=MEMBER_PICKER)
        picker.click()
        picker.fill(member)
        page.get_by_role("option", name=member, exact=True).click()
        expect(page.get_by_role("tab", name="Persones", exact=True)).to_be_visible(
            timeout=APP_TIMEOUT
        )

    return open_it


def _found(values: dict[str, str], sweep: Sweep) -> list[str]:
    """Where each of ``values`` (value → what it is) turned up: the page, tab or file, or
    the step during which the server sent it."""
    found: list[str] = []
    for kind, items in (("page", sweep.texts), ("download", sweep.files)):
        for where, text in items:
            folded = text.casefold()
            found += [
                f"{kind} {where}: {what}"
                for value, what in values.items()
                if value.casefold() in folded
            ]
    # What the server sent, as UTF-8 (protobuf, Arrow) and as JSON's ASCII escapes (a chart's
    # data, a component's arguments): a tooltip or a popup no one hovered is there too.
    for step, messages in sweep.messages.items():
        sent = b"\n".join(messages)
        found += [
            f"sent while on {step}: {what}"
            for value, what in values.items()
            if value.encode() in sent or json.dumps(value)[1:-1].encode() in sent
        ]
    return found


def _sweep(page: Page, app: SignInApp, network: Network, user: SignInUser) -> Sweep:
    """Sign ``user`` in, then open every page of their menu and every tab of it, with a
    member's file open on Seguiment, downloading every table."""
    sweep = Sweep(page)
    _sign_in(page, app, user)
    _heading(page, "Inici")
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    before_tabs = {
        "seguiment": open_member_file(network.member_to_open),
        "mapa": sweep.wait_for_map,
    }
    for href in [str(link.get_attribute("href")) for link in links.all()]:
        url = href if href.startswith("http") else app.url(href.lstrip("/"))
        sweep.visit(url, before_tabs.get(url.rstrip("/").rsplit("/", 1)[-1]))
    return sweep


def test_commission_member_gets_no_personal_data_and_no_way_to_write(
    app: SignInApp, network: Network, browser_page: Page
) -> None:
    sweep = _sweep(browser_page, app, network, SIGN_IN_USERS["commission"])

    assert sweep.pages == [
        "Inici",
        "Seguiment de membres",
        "Grups de Treball",
        "Esdeveniments",
        "Mapa territorial",
        "Priorització del pressupost",
        "Seguiment del pla",
        "Reunió de la Comissió",
    ]
    assert any(where.endswith("› Persones") for where, _ in sweep.texts), "no member file"
    assert len(sweep.files) >= 20, "the commission member should download every table"
    # The search does find what the commission member may see: the member whose file it
    # opened, in the page, in a download and in what the server sent.
    control = _found({network.member_to_open: "the member"}, sweep)
    assert {line.split(" ", 1)[0] for line in control} == {"page", "download", "sent"}

    assert sweep.writers == []
    leaks = _found(network.personal, sweep)
    assert leaks == [], "personal data reached the commission member:\n" + "\n".join(leaks)
