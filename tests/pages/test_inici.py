"""Inici's morning lists, driven through AppTest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    AppUser,
    Channel,
    Interaction,
    Referral,
    RegistrationStatus,
    UserRole,
)
from db.session import make_engine, session_scope
from services.clock import catalan_today
from tests import factories as make


def test_stuck_onboardings_come_longest_stuck_first(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    assert not app.exception
    stuck = next(df.value for df in app.dataframe if "Dies sense avançar" in df.value.columns)
    days = [int(d) for d in stuck["Dies sense avançar"]]
    assert len(days) > 1, "the demo network has several stuck onboardings"
    assert days == sorted(days, reverse=True)


def _table_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in app.dataframe if column in df.value.columns)


def test_each_member_to_contact_links_to_its_file(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    to_contact = _table_with(app, "Per què")
    first = to_contact.iloc[0]
    link = urlsplit(first["Fitxa"])
    assert link.path == "seguiment"
    member_id = parse_qs(link.query)["membre"][0]
    # Following the link opens that member's file, at the top.
    followed = app_on(demo_sqlite_url, "seguiment", query={"membre": member_id})
    assert not followed.exception
    assert followed.subheader[0].value == first["Membre"]


def test_a_stuck_onboarding_links_to_its_file_and_keeps_presentation_mode(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    app.toggle(key="presentation_mode").set_value(True).run()
    stuck = _table_with(app, "Dies sense avançar")
    query = parse_qs(urlsplit(stuck.iloc[0]["Fitxa"]).query)
    assert query["presentacio"] == ["1"]
    assert query["membre"][0].isdigit()


@pytest.fixture
def morning(tmp_path: Path) -> dict:
    """Vic (Marta's) waits on a referral and has an open request; Reus (Pau's) too, and
    today's assembly has Reus still to check in."""
    url = f"sqlite:///{tmp_path / 'morning.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    today = catalan_today()
    with session_scope(engine) as session:
        marta = AppUser(email="marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF)
        pau = AppUser(email="pau@xmess.cat", full_name="Pau Serra", role=UserRole.STAFF)
        session.add_all([marta, pau])
        session.flush()
        vic = make.member(session, "Ajuntament de Vic", owner_id=marta.id)
        reus = make.member(
            session, "Ajuntament de Reus", municipality_code="43123", owner_id=pau.id
        )
        for member, days_ago in ((vic, 12), (reus, 40)):
            session.add(
                Interaction(
                    member_id=member.id,
                    occurred_on=today - timedelta(days=days_ago),
                    channel=Channel.PHONE,
                    summary="Trucada",
                    referral=Referral.ATENEU,
                )
            )
            session.add(
                Advisory(
                    member_id=member.id,
                    kind=AdvisoryKind.MENTORING,
                    status=AdvisoryStatus.REQUESTED,
                    requested_on=today - timedelta(days=days_ago),
                )
            )
        assembly = make.event(session, "Assemblea d'avui", today)
        make.registration(session, assembly, reus)
        make.registration(session, assembly, vic, status=RegistrationStatus.ATTENDED)
        ids = {"vic": vic.id, "reus": reus.id}
    engine.dispose()
    return {"url": url, **ids}


def test_the_morning_lists_link_to_what_to_open(
    app_on: Callable[..., AppTest], morning: dict
) -> None:
    app = app_on(morning["url"])
    assert not app.exception
    referrals = _table_with(app, "Derivat a")
    # The longest waiting first, each linking to its member's file.
    assert referrals["Membre"].tolist() == ["Ajuntament de Reus", "Ajuntament de Vic"]
    # Short extracts are drawn from their ca-ES texts (the whole lists are on their pages).
    assert referrals["Dies esperant"].tolist() == ["40", "12"]
    assert referrals["Fitxa"].tolist() == [
        f"seguiment?membre={morning['reus']}",
        f"seguiment?membre={morning['vic']}",
    ]
    advisories = _table_with(app, "Dies oberta")
    assert advisories["Membre"].tolist() == ["Ajuntament de Reus", "Ajuntament de Vic"]
    assert set(advisories["Tipus"]) == {"Mentoria"}
    check_in = _table_with(app, "Per marcar")
    assert check_in[["Esdeveniment", "Per marcar", "Inscripcions"]].values.tolist() == [
        ["Assemblea d'avui", "1", "2"]
    ]
    links = {p.proto.label: p.proto.page for p in app.get("page_link")}
    assert links["Passa llista a Esdeveniments"] == "esdeveniments"
    # No work group here: the list says so instead of drawing an empty table.
    assert any("Cap grup de treball no perd assistència" in c.value for c in app.caption)


def test_my_members_narrows_the_lists_to_the_signed_in_persons_own(
    app_on: Callable[..., AppTest], morning: dict
) -> None:
    app = app_on(morning["url"], "inici", user={"email": "marta@xmess.cat", "name": "Marta"})
    assert not app.exception
    assert len(_table_with(app, "Derivat a")) == 2
    app.toggle(key="inici_my_members").set_value(True).run()
    assert _table_with(app, "Derivat a")["Membre"].tolist() == ["Ajuntament de Vic"]
    assert _table_with(app, "Dies oberta")["Membre"].tolist() == ["Ajuntament de Vic"]
    # Vic was called 12 days ago: none of Marta's members is due, whatever Pau's are.
    assert any("Tots els vostres membres estan al dia" in s.value for s in app.success)
    # Events are the network's, not a person's: the check-in list stays whole.
    assert len(_table_with(app, "Per marcar")) == 1


def test_my_members_is_not_offered_without_sign_in_or_on_the_shared_screen(
    app_on: Callable[..., AppTest], morning: dict
) -> None:
    local = app_on(morning["url"])
    assert not [t for t in local.toggle if t.key == "inici_my_members"]
    presenting = app_on(morning["url"], "inici", user={"email": "marta@xmess.cat", "name": "Marta"})
    presenting.toggle(key="presentation_mode").set_value(True).run()
    assert not [t for t in presenting.toggle if t.key == "inici_my_members"]
