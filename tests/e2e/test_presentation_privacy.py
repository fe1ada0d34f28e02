"""Presentation mode in a real browser, for a viewer who may see personal data: a coordinator
(here the local single user, with every right) shares their screen at a Commission meeting.

The server runs on a copy of the demo network. Once the sidebar switch is on, every page
is opened through the menu, in that one session, with every tab and a member's file whose
contacts name persons; every file offered is downloaded, and every message the server sends
is recorded. None of them may hold a demo person's name (in full, or as the contact
summaries write it), e-mail or phone, nor a staff member's name or e-mail. The summaries are
still there, with the names masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import Interaction, Person
from db.session import make_engine, session_scope
from services.privacy import PERSON_PLACEHOLDER
from tests.databases import copy_of_demo
from tests.e2e.conftest import (
    APP_TIMEOUT,
    StreamlitServer,
    expect_no_exception,
    member_with_most_named_contacts,
    personal_data,
    stop_and_report,
)
from tests.e2e.test_shell import HEADINGS
from tests.e2e.test_sign_in import PRESENTATION, Sweep, _found, open_member_file

pytestmark = pytest.mark.e2e

# Every page of the menu, by its title (heading and menu entry).
PAGES = list(HEADINGS.values())


@dataclass(frozen=True)
class Network:
    url: str
    # Every demo person's name (in full, and as summaries write it: first name and first
    # surname), e-mail and phone, every staff member's name and e-mail: value → what it is.
    personal: dict[str, str]
    # The member with the most contacts that name one of its persons.
    member_to_open: str


def _short_name(full_name: str) -> str:
    """How the demo's summaries name a person: first name and first surname."""
    words = [word for word in full_name.split() if word != "i"]
    return " ".join(words[:2])


@pytest.fixture(scope="module")
def network(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Network:
    url = copy_of_demo(demo_sqlite_url, tmp_path_factory.mktemp("presentation"), "presentation")
    engine = make_engine(url)
    with session_scope(engine) as session:
        personal = personal_data(session, also=_short_name)
        member_id, member_to_open = member_with_most_named_contacts(session)
        named = session.execute(
            select(Person.full_name, Interaction.summary)
            .join(Interaction, Interaction.person_id == Person.id)
            .where(Interaction.member_id == member_id)
        ).all()
    engine.dispose()
    assert any(_short_name(name) in summary for name, summary in named), (
        "the demo's summaries should name the persons they were with"
    )
    assert len(personal) > 300, "the demo should have persons with e-mails and phones"
    return Network(url=url, personal=personal, member_to_open=member_to_open)


@pytest.fixture(scope="module")
def server(network: Network, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    # Local mode (no [auth]): the one user at the keyboard has every right, personal data
    # included; only presentation mode keeps it off the screen.
    server = StreamlitServer(network.url, home=tmp_path_factory.mktemp("presentation-server"))
    try:
        yield server
    finally:
        stop_and_report([server])


class PresentationSweep(Sweep):
    """The commission member's sweep (``tests/e2e/test_sign_in.py``), moving from page to
    page through the menu: the session, and its presentation mode, stay the same."""

    def open_from_menu(self, title: str, before_tabs: Callable[[Page], None] | None) -> None:
        page = self.page
        self.step = f"opening {title}"
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
        # Presentation mode closes the sidebar: its link is clicked where it is, unopened.
        link.evaluate("(link) => link.click()")
        heading = page.get_by_role("heading", name=title, exact=True, level=1)
        expect(heading).to_be_visible(timeout=APP_TIMEOUT)
        self._quiet()
        self.step = title
        self.pages.append(title)
        expect_no_exception(page)
        if before_tabs is not None:
            before_tabs(page)
            self._quiet()
        self._collect(title)
        self._walk_tabs(title)


def test_presentation_mode_sends_no_persons_name_email_or_phone(
    server: StreamlitServer, network: Network, browser_page: Page
) -> None:
    page = browser_page
    sweep = PresentationSweep(page)
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Inici", exact=True, level=1)).to_be_visible(
        timeout=APP_TIMEOUT
    )
    sweep._quiet()
    switch = page.get_by_role("switch", name=PRESENTATION)
    # Before the switch, working mode: the staff in charge of the members are named.
    before = _found(network.personal, sweep)
    assert before, "the search should find, in working mode, the persons presentation hides"

    page.get_by_test_id("stSidebar").get_by_text(PRESENTATION).click()
    expect(switch).to_be_checked()
    sweep._quiet()
    sweep.messages.clear()
    sweep.texts.clear()
    sweep.files.clear()

    before_tabs = {
        "Seguiment de membres": open_member_file(network.member_to_open),
        "Mapa territorial": sweep.wait_for_map,
    }
    for title in PAGES:
        sweep.open_from_menu(title, before_tabs.get(title))
        expect(switch).to_be_checked()

    assert sweep.pages == PAGES
    assert any(where.endswith("› Contactes") for where, _ in sweep.texts), "no member file"
    assert any(where.endswith("› Necessitats i derivacions") for where, _ in sweep.texts)
    assert len(sweep.files) >= 20, "every table shown should have been downloaded"
    leaks = _found(network.personal, sweep)
    assert leaks == [], "personal data reached the shared screen:\n" + "\n".join(leaks)
    # The search finds what may be shown: the member whose file was opened, in the page, a
    # download and what the server sent; and the summaries, there with the persons masked.
    control = _found({network.member_to_open: "the member"}, sweep)
    assert {line.split(" ", 1)[0] for line in control} == {"page", "download", "sent"}
    masked = _found({PERSON_PLACEHOLDER: "a masked summary"}, sweep)
    assert any(line.startswith("sent while on Seguiment de membres") for line in masked)
    assert any(line.startswith("download Seguiment de membres") for line in masked)


def test_the_sweep_reads_every_page_of_the_menu() -> None:
    """A new page must join the sweep."""
    from ui.navigation import PAGE_TITLES

    assert list(PAGE_TITLES.values()) == PAGES
