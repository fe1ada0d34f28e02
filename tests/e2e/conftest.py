"""A real Streamlit server and headless Debian Chromium, driven by Playwright.

Chromium comes from Debian's package (``.ci/run`` installs it); Playwright never downloads a
browser here. Without Chromium the tests skip, except in CI, where they must run.

Every assertion about the page retries (``expect``) and every wait is for a condition, never
for a fixed time: a loaded machine makes things slower, not different.

Sign-in is tested against a real OpenID Connect provider, ``oidc-provider-mock``, started once
per session on 127.0.0.1 and knowing the ``SIGN_IN_USERS``; a server started with
``auth_secrets(...)`` signs in through it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect, sync_playwright
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from db.models import AppUser, Interaction, Member, Person
from scripts.load_browser import PageRuns

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT = 60  # seconds; a cold server on a loaded two-core machine
APP_TIMEOUT = 60_000  # milliseconds; a first run imports the page's libraries
# expect()'s own default is 5 s: short for a loaded two-core machine.
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _LocalProcess:
    """A server this test session starts on 127.0.0.1: its log in a file (a pipe nobody reads
    fills up and blocks the server once it has logged 64 KB), a wait until it answers, a
    stop."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def _start(self, command: list[str], log_path: Path, **options: Any) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, **options
        )

    def _wait_until_answering(self, url: str, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log()) from None
                time.sleep(0.2)  # polling the server: not a wait in a test's browser
        self.stop()
        raise RuntimeError(f"{what} did not start in {START_TIMEOUT} s")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class StreamlitServer(_LocalProcess):
    """``streamlit run dashboard.py`` on a free port, answering once constructed; with
    ``wait=False`` it returns at once (servers then start side by side) and
    ``wait_until_healthy`` waits for it.

    It reads only the ``secrets`` file given, never a developer's own
    ``.streamlit/secrets.toml``: without one it runs in local mode (no sign-in), whatever
    that file configures."""

    def __init__(
        self,
        database_url: str,
        home: Path,
        *,
        wait: bool = True,
        secrets: Path | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"XMESS_DATABASE_URL": database_url, "HOME": str(home)}
        env |= settings or {}
        if secrets is None:
            secrets = home / "no-secrets.toml"
            secrets.touch()
        self._start(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--secrets.files",
                str(secrets),
            ],
            home / f"streamlit-{self.port}.log",
            cwd=ROOT,
            env=env,
        )
        if wait:
            self.wait_until_healthy()

    def wait_until_healthy(self) -> StreamlitServer:
        self._wait_until_answering(f"{self.url}/_stcore/health", "the Streamlit server")
        return self


@dataclass(frozen=True)
class SignInUser:
    """Someone the test provider vouches for: it signs them in with this e-mail and name."""

    email: str
    name: str


# Everyone the session's provider knows. Each e-mail is also the user's subject (``sub``): the
# provider's authorisation page offers a button per subject.
SIGN_IN_USERS = {
    "coordinator": SignInUser("carla.coordinadora@xmess.test", "Carla Coordinadora Prova"),
    "commission": SignInUser("quim.comissio@xmess.test", "Quim Comissió Prova"),
    "admin": SignInUser("ada.administradora@xmess.test", "Ada Administradora Prova"),
    # Vouched for by the provider, but on no list of the dashboard's.
    "unknown": SignInUser("desconeguda@exemple.test", "Persona Desconeguda"),
}


class OidcProvider(_LocalProcess):
    """``oidc-provider-mock`` on a free port of 127.0.0.1, knowing ``users``; answering once
    constructed. It accepts any client id and secret."""

    def __init__(self, users: Sequence[SignInUser], home: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        claims = [
            arg
            for user in users
            for arg in (
                "--user-claims",
                json.dumps({"sub": user.email, "email": user.email, "name": user.name}),
            )
        ]
        self._start(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
            + ["--port", str(self.port), *claims],
            home / f"oidc-provider-{self.port}.log",
            env=os.environ | {"HOME": str(home)},
        )
        self._wait_until_answering(self.metadata_url, "the OpenID Connect provider")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """The one OpenID Connect provider of the session, knowing the ``SIGN_IN_USERS``."""
    provider = OidcProvider(list(SIGN_IN_USERS.values()), tmp_path_factory.mktemp("oidc"))
    yield provider
    provider.stop()
    print(f"--- provider log ({provider.url}) ---\n{provider.log()[-5000:]}")


def auth_secrets(path: Path, provider: OidcProvider) -> Path:
    """Write a ``secrets.toml`` at ``path`` that turns sign-in on through ``provider``, for
    any server (Streamlit puts each server's own port into ``{port}``)."""
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        # A test secret, long enough for Streamlit not to warn (at least 14 bytes).
        'cookie_secret = "e2e-sign-in-test-cookie-secret-0123456789"\n'
        'client_id = "xmess-e2e"\n'
        'client_secret = "xmess-e2e-secret"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n',
        encoding="utf-8",
    )
    return path


def stop_and_report(servers: list[StreamlitServer]) -> None:
    for server in servers:  # all asked first: they wind down side by side
        if server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        server.stop()
        # Captured, so shown only when a test failed: what the server did meanwhile.
        print(f"--- server log ({server.url}) ---\n{server.log()[-5000:]}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[[str], StreamlitServer]]:
    """``server_factory(url)`` starts a fresh server and waits for it; all stop after the
    test."""
    servers: list[StreamlitServer] = []

    def _start(database_url: str) -> StreamlitServer:
        server = StreamlitServer(database_url, home=tmp_path, wait=False)
        servers.append(server)  # stopped (and its log shown) even if it never answers
        return server.wait_until_healthy()

    yield _start
    stop_and_report(servers)


@pytest.fixture(scope="module")
def browser(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One Chromium per test module; each test gets its own context (no shared cookies,
    storage or cache). Closed with the module: Playwright's event loop must not outlive the
    browser tests (AppTest runs its own)."""
    # Chromium writes to ~/.config and ~/.cache.
    home = tmp_path_factory.mktemp("chromium-home")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path),
            args=CHROMIUM_FLAGS,
            headless=True,
            env=os.environ | {"HOME": str(home)},
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ca-ES")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page: Page) -> None:
    """After a navigation: the script has run to the end. (Right after a click the state may
    not have left "notRunning" yet: wait for what the click shows instead.)"""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=APP_TIMEOUT
    )


def expect_no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def poll(page: Page, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Wait until ``condition()`` holds. Playwright's sync API delivers events (websocket
    frames among them) only while it is called, so the loop ticks through it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        page.wait_for_timeout(50)


class Reruns:
    """Every rerun the browser asks the server for, with the widget values it sends, and
    whether the server has finished the last one (the freshness check's own runs left out)."""

    def __init__(self, page: Page) -> None:
        self.sent: list[dict[str, Any]] = []
        self._events: list[str] = []  # "asked" and "finished", in the order the browser saw
        self._runs = PageRuns()
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framesent", self._record_sent)
            socket.on("framereceived", self._record_received)

    def _record_sent(self, payload: str | bytes) -> None:
        message = BackMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        if not self._runs.asked(message):
            return
        values: dict[str, Any] = {}
        for widget in message.rerun_script.widget_states.widgets:
            kind = widget.WhichOneof("value")
            value = getattr(widget, kind) if kind else None
            values[widget.id] = json.loads(value) if kind == "json_value" else value
        self.sent.append(values)
        self._events.append("asked")

    def _record_received(self, payload: str | bytes) -> None:
        message = ForwardMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        if self._runs.ended(message):
            self._events.append("finished")

    def settled(self) -> bool:
        """At least one rerun was asked for, and a run finished after the last one."""
        return "asked" in self._events and self._events[-1] == "finished"

    def wait_until_settled(self, page: Page) -> None:
        poll(page, self.settled, timeout=APP_TIMEOUT / 1000, what="the last rerun to finish")
        wait_for_app(page)

    def value(self, index: int, key_prefix: str) -> Any:
        """The value sent in rerun ``index`` by the widget whose key starts with
        ``key_prefix``; ``None`` if it sent none. (A widget's id is "$$ID-<hash>-<key>".)"""
        return next(
            (
                value
                for id_, value in self.sent[index].items()
                if id_.split("-", 2)[-1].startswith(key_prefix)
            ),
            None,
        )


def personal_data(session: Session, *, also: Callable[[str], str] | None = None) -> dict[str, str]:
    """Every person's full name, e-mail and phone, and every staff member's name and e-mail,
    as they must never reach a viewer: value → what it is, for a failure message. ``also``
    gives one more form of each name to look for (how free text writes it)."""
    personal: dict[str, str] = {}

    def add_name(name: str, what: str) -> None:
        personal[name] = f"the {what} name {name!r}"
        if also is not None:
            personal[also(name)] = f"the {what} name {also(name)!r} ({name})"

    for name, email, phone in session.execute(select(Person.full_name, Person.email, Person.phone)):
        add_name(name, "person")
        if email:
            personal[email] = f"the e-mail {email!r} of {name}"
        if phone:
            personal[phone] = f"the phone {phone!r} of {name}"
    for name, email in session.execute(select(AppUser.full_name, AppUser.email)):
        add_name(name, "staff")
        personal[email] = f"the e-mail {email!r} of staff member {name}"
    return personal


def member_with_most_named_contacts(session: Session) -> tuple[int, str]:
    """The member whose file is richest in contacts with a person: its id and name."""
    member_id, name = session.execute(
        select(Member.id, Member.name)
        .join(Interaction, Interaction.member_id == Member.id)
        .where(Interaction.person_id.is_not(None))
        .group_by(Member.id, Member.name)
        .order_by(func.count(Interaction.id).desc(), Member.name)
        .limit(1)
    ).one()
    return member_id, name
