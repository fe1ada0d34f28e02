"""The sidebar search, from any page: a member or a person by any part of the name."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.models import Member, Person
from db.session import make_engine
from services.clauses import active_member_clause
from services.clock import catalan_today


def _links(app: AppTest) -> list[tuple[str, str]]:
    """The sidebar's links to a member's file: (label, query string)."""
    return [
        (link.proto.label.replace("\\", ""), link.proto.query_string)
        for link in app.sidebar.get("page_link")
        if link.proto.page == "seguiment" and link.proto.query_string
    ]


def _search(app: AppTest, text: str) -> AppTest:
    return app.text_input(key="sidebar_search").input(text).run()


def _a_person(url: str) -> tuple[str, str, int]:
    """A person of an active demo member: their name, the member's, the member's id."""
    with Session(make_engine(url)) as session:
        name, member, member_id = session.execute(
            select(Person.full_name, Member.name, Member.id)
            .join(Member, Member.id == Person.member_id)
            .where(active_member_clause(catalan_today()))
            .order_by(Person.id)
            .limit(1)
        ).one()
    return name, member, member_id


@pytest.mark.parametrize("url_path", ["inici", "grups", "prioritzacio"])
def test_a_person_found_from_any_page_links_to_their_members_file(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, url_path: str
) -> None:
    person, member, member_id = _a_person(demo_sqlite_url)
    # Part of the surname, in capitals and without its accents.
    surname = person.split()[-1]
    app = _search(app_on(demo_sqlite_url, url_path), surname[1:].upper())
    assert not app.exception
    assert (f"{person} · {member}", f"membre={member_id}") in _links(app)
    # The link opens that file.
    followed = app_on(demo_sqlite_url, "seguiment", query={"membre": str(member_id)})
    assert followed.subheader[0].value == member


def test_a_search_with_no_hit_says_so(app_on: Callable[..., AppTest], demo_sqlite_url: str) -> None:
    app = _search(app_on(demo_sqlite_url), "qwxz")
    assert not _links(app)
    assert any("Cap membre ni persona amb «qwxz»" in c.value for c in app.sidebar.caption)


def test_on_the_shared_screen_only_members_are_found(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    person, member, member_id = _a_person(demo_sqlite_url)
    app = app_on(demo_sqlite_url)
    app.toggle(key="presentation_mode").set_value(True).run()
    app = _search(app, person.split()[-1])
    labels = [label for label, _ in _links(app)]
    assert not any(person in label for label in labels)
    app = _search(app, member)
    assert (member, f"membre={member_id}&presentacio=1") in _links(app)
