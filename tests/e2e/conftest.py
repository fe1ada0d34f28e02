"""A real Streamlit server and headless Debian Chromium, driven by Playwright.

Chromium comes from Debian's package (``.ci/run`` installs it); Playwright never downloads a
browser here. Without Chromium the tests skip, except in CI, where they must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    def __init__(self, database_url: str, home: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"XMESS_DATABASE_URL": database_url, "HOME": str(home)}
        # The server's log goes to a file: a pipe nobody reads fills up and blocks the server
        # mid-run once it has logged 64 KB.
        self.log_path = home / f"streamlit-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
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
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log()) from None
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the Streamlit server did not start in 60 s")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:
    """``server_factory(url)`` starts a fresh server; all are stopped after the test."""
    servers: list[StreamlitServer] = []

    def _start(database_url: str) -> StreamlitServer:
        server = StreamlitServer(database_url, home=tmp_path)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()
        # Captured, so shown only when the test failed: what the server did meanwhile.
        print(f"--- server log ({server.url}) ---\n{server.log()[-5000:]}")


@pytest.fixture
def browser_page(chromium_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    from playwright.sync_api import sync_playwright

    # Chromium writes to ~/.config and ~/.cache.
    monkeypatch.setenv("HOME", str(tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_FLAGS, headless=True
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="ca-ES")
        yield page
        browser.close()


def wait_for_app(page) -> None:
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
