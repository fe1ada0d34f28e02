"""One database, several writers, in real servers: an import from the command line and a write
through another app server show on the shared screen's page left open, with nobody touching
it (ui/live.py checks every ``refresh_seconds``, 2 by default); a colleague's working page left
open says there is new data, and shows it at a click. On SQLite, and on PostgreSQL when
``TEST_DATABASE_URL`` names a server (a database of this test's own there)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.migrate import upgrade_to_head
from db.session import make_engine, session_scope
from tests import factories as make
from tests.e2e.conftest import ROOT, StreamlitServer, expect_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

E2E_DATABASE = "xmess_e2e_shared"
NEW_MEMBERS = (
    "Nom;Tipus d'ens;Municipi;Data d'alta\n"
    "Ajuntament de Tàrrega;Ajuntament;25217;15/01/2024\n"
    "Ajuntament de Cervera;Ajuntament;25072;01/03/2024\n"
)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def _fresh_postgresql(server_url: str) -> str:
    """A database of this test's own on the test server, made anew."""
    url = make_url(server_url)
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {E2E_DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {E2E_DATABASE}"))
    admin.dispose()
    return url.set(database=E2E_DATABASE).render_as_string(hide_password=False)


@pytest.fixture(params=_backends())
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with two members, and no contact yet."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        url = _fresh_postgresql(os.environ["TEST_DATABASE_URL"])
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        make.member(session, "Ajuntament de Vic", joined_on=date(2020, 1, 1))
        make.member(session, "Ajuntament de Girona", municipality_code="17079")
    engine.dispose()
    yield url


@pytest.fixture
def two_pages(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages of separate browser contexts: two people, each with their own session."""
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ca-ES")
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def _metric(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _open_inici(page: Page, server: StreamlitServer) -> None:
    # Inici is the root: its deep link /inici opens Streamlit's "Page not found" box on a
    # fresh server (the page still draws), which would cover the page.
    page.goto(server.url)
    wait_for_app(page)
    expect_no_exception(page)


def test_writes_through_another_server_and_the_command_line_show_on_an_open_page(
    shared_url: str,
    server_factory: Callable[[str], StreamlitServer],
    two_pages: Callable[[], Page],
    tmp_path: Path,
) -> None:
    # Both stories in one test: each server's start and first runs are most of its time.
    writer_server, reader_server = server_factory(shared_url), server_factory(shared_url)
    reader = two_pages()
    _open_inici(reader, reader_server)
    # The reader's server has computed (and cached) the figures.
    expect(_metric(reader, "Membres actius")).to_have_text("2")
    expect(_metric(reader, "Contactes (3 mesos)")).to_have_text("0")
    # The reader is the Commission's shared screen.
    reader.get_by_text("Mode presentació").click()
    expect(reader.get_by_role("switch", name="Mode presentació")).to_be_checked()
    wait_for_app(reader)
    # A colleague at work, on the same server.
    colleague = two_pages()
    _open_inici(colleague, reader_server)
    expect(_metric(colleague, "Membres actius")).to_have_text("2")
    new_data = colleague.get_by_test_id("stSidebar").get_by_text("Hi ha dades noves")
    expect(new_data).to_have_count(0)

    members = tmp_path / "membres.csv"
    members.write_text(NEW_MEMBERS, encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "scripts.import_data", "membres", str(members)],
        cwd=ROOT,
        env=os.environ | {"XMESS_DATABASE_URL": shared_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    # The open page redraws by itself: no reload, no expiry, no restart of its server.
    imported_at = time.monotonic()
    expect(_metric(reader, "Membres actius")).to_have_text("4")
    print(f"the import showed {time.monotonic() - imported_at:.1f} s after the command ended")

    writer = two_pages()
    writer.goto(f"{writer_server.url}/seguiment")
    wait_for_app(writer)
    member = writer.locator(".st-key-seguiment_member").get_by_role("combobox")
    member.click()
    member.fill("Ajuntament de Vic")
    writer.get_by_role("option", name="Ajuntament de Vic", exact=True).click()
    summary = writer.locator(".st-key-contact_summary textarea")
    summary.fill("Trucada: volen entrar al grup de Cures")
    writer.get_by_role("button", name="Desa el contacte").click()
    expect(writer.get_by_test_id("stAlertContentSuccess")).to_contain_text("desat")
    saved_at = time.monotonic()

    # The reader's page, open on the other server, shows the write by itself.
    expect(_metric(reader, "Contactes (3 mesos)")).to_have_text("1")
    print(f"the write showed on the other server {time.monotonic() - saved_at:.1f} s later")
    expect_no_exception(reader)
    # The colleague's page did not move under them: it says there is new data...
    expect(new_data).to_be_visible()
    expect(_metric(colleague, "Membres actius")).to_have_text("2")
    # ...and shows it at a click.
    colleague.get_by_role("button", name="Actualitza la pàgina").click()
    expect(_metric(colleague, "Contactes (3 mesos)")).to_have_text("1")
    expect(_metric(colleague, "Membres actius")).to_have_text("4")
    expect(new_data).to_have_count(0)
    expect_no_exception(colleague)
