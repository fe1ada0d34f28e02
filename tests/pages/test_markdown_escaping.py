"""Safer text: whatever a user typed is shown as typed. Every kind of user-supplied text (a
member's name and notes, a person's and a staff member's names, a contact's summary, an
event's title, a work group's name and description, a plan activity's title, a topic, a
scenario's name) holds Markdown and HTML in a copy of the demo; each page and tab is then
searched, in every string Streamlit renders as Markdown (text, headings, alerts, labels, help,
progress texts), for that Markdown left active: a link or bold text where the user typed
brackets and asterisks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf.message import Message
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from db.models import (
    AppUser,
    Event,
    Interaction,
    Member,
    Person,
    PlanActivity,
    Referral,
    Scenario,
    Topic,
    WorkGroup,
)
from db.session import make_engine, session_scope
from tests.databases import copy_of_demo
from ui.map import MapSelection

LINK = "](http://evil.example)"
BOLD = "**URGENT**"
# Live Markdown in a rendered string: a link or bold text whose brackets or asterisks are not
# escaped.
LIVE = re.compile(r"(?<!\\)\]\(http://evil|(?<![\\*])\*\*URGENT")
# The proto fields Streamlit renders as Markdown. (A select box's options, a table's cells
# and a chart's texts are drawn as plain text: typed Markdown there is harmless.)
MARKDOWN_FIELDS = {"body", "label", "help", "text", "caption"}


def hostile(what: str) -> str:
    return f"[{what}{LINK} {BOLD} <b>{what}</b>"


@pytest.fixture(scope="module")
def network(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo with one of each kind of text turned hostile, on records the pages show: the
    member with the most contacts, its persons, its latest contact, the events it went to, its
    work groups, a plan activity, a topic, the staff and the saved scenarios."""
    url = copy_of_demo(demo_sqlite_url, tmp_path_factory.mktemp("hostile"), "demo")
    with session_scope(make_engine(url)) as session:
        member_id = session.scalars(
            select(Interaction.member_id)
            .where(Interaction.person_id.is_not(None))
            .group_by(Interaction.member_id)
            .order_by(Interaction.member_id)
            .limit(1)
        ).one()
        session.execute(
            update(Member)
            .where(Member.id == member_id)
            .values(name=hostile("membre"), notes=hostile("notes"))
        )
        for person in session.scalars(select(Person).where(Person.member_id == member_id)):
            person.full_name = hostile(f"persona {person.id}")
            person.position = hostile("càrrec")
        latest = session.scalars(
            select(Interaction)
            .where(Interaction.member_id == member_id)
            .order_by(Interaction.occurred_on.desc())
            .limit(1)
        ).one()
        latest.summary = hostile("resum")
        latest.referral = Referral.ATENEU
        for user in session.scalars(select(AppUser)):
            user.full_name = hostile(f"equip {user.id}")
        for event in session.scalars(select(Event).order_by(Event.held_on.desc()).limit(40)):
            event.title = hostile(f"esdeveniment {event.id}")
        for group in session.scalars(select(WorkGroup)):
            group.name = hostile(f"grup {group.id}")[:120]
            group.description = hostile("descripció")
        for activity in session.scalars(select(PlanActivity).limit(10)):
            activity.title = hostile(f"activitat {activity.id}")
        for topic in session.scalars(select(Topic).limit(3)):
            topic.name = f"[t{topic.id}{LINK} {BOLD}"[:80]
        for scenario in session.scalars(select(Scenario)):
            scenario.name = hostile(f"escenari {scenario.id}")[:120]
        event_id = session.scalars(select(Event.id).order_by(Event.held_on.desc()).limit(1)).one()
    return {"url": url, "member_id": member_id, "event_id": event_id}


def _markdown_texts(message: Message) -> list[str]:
    texts: list[str] = []
    for descriptor, value in message.ListFields():
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, Message):
                texts.extend(_markdown_texts(item))
            elif isinstance(item, str) and descriptor.name in MARKDOWN_FIELDS:
                texts.append(item)
    return texts


def _rendered(node: Any) -> list[str]:
    texts: list[str] = []
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        texts.extend(_markdown_texts(proto))
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            texts.extend(_rendered(child))
    return texts


Steps = Callable[[dict[str, Any]], dict[str, Any]]


def _tab(key: str, label: str) -> Steps:
    return lambda _: {key: label}


# Each view: its address, an address query, and what it then picks (one run each).
VIEWS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, str]] | None, Steps | None]] = {
    "inici": ("inici", None, None),
    "seguiment-fitxa": ("seguiment", lambda n: {"membre": str(n["member_id"])}, None),
    "seguiment-derivacions": (
        "seguiment",
        None,
        _tab("seguiment_tab", "Necessitats i derivacions"),
    ),
    "seguiment-assessoraments": (
        "seguiment",
        None,
        _tab("seguiment_tab", "Assessoraments i mentories"),
    ),
    "grups": ("grups", None, None),
    "grups-membres": ("grups", None, _tab("grups_tab", "Membres")),
    "grups-index": ("grups", None, _tab("grups_tab", "Índex de participació")),
    "grups-gestio": ("grups", None, _tab("grups_tab", "Inscripcions i sessions")),
    "esdeveniments": ("esdeveniments", None, lambda n: {"esdeveniments_detail": n["event_id"]}),
    "esdeveniments-territori": ("esdeveniments", None, _tab("esdeveniments_tab", "Territori")),
    "esdeveniments-membres": ("esdeveniments", None, _tab("esdeveniments_tab", "Membres")),
    "esdeveniments-checkin": (
        "esdeveniments",
        None,
        lambda n: {"esdeveniments_tab": "Check-in", "esdeveniments_checkin_event": n["event_id"]},
    ),
    "mapa-membre": (
        "mapa",
        None,
        lambda n: {"mapa_selection": MapSelection("member", str(n["member_id"]))},
    ),
    "prioritzacio": ("prioritzacio", None, None),
    "dades": ("dades", None, None),
}


def _open(app_on: Callable[..., AppTest], network: dict[str, Any], name: str) -> AppTest:
    path, query, steps = VIEWS[name]
    app = app_on(network["url"], path, query=query(network) if query else None)
    for key, value in (steps(network) if steps else {}).items():
        app.session_state[key] = value
        app.run()
    return app


@pytest.mark.parametrize("name", list(VIEWS))
def test_typed_markdown_and_html_show_as_typed(
    app_on: Callable[..., AppTest], network: dict[str, Any], name: str
) -> None:
    app = _open(app_on, network, name)
    assert not app.exception, [e.value for e in app.exception]
    rendered = _rendered(app._tree)
    live = [text for text in rendered if LIVE.search(text)]
    assert live == [], "\n".join(sorted(set(live)))


# Views that show a hostile text through Markdown: the search above did meet one there.
SHOWN_IN_MARKDOWN = ["seguiment-fitxa", "grups", "grups-gestio", "esdeveniments", "prioritzacio"]


@pytest.mark.parametrize("name", SHOWN_IN_MARKDOWN)
def test_the_search_meets_the_typed_text_escaped(
    app_on: Callable[..., AppTest], network: dict[str, Any], name: str
) -> None:
    app = _open(app_on, network, name)
    assert any("\\*\\*URGENT\\*\\*" in text for text in _rendered(app._tree))
