"""Seguiment de membres through AppTest: filter, open a member, log a contact, tick a step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import (
    AppUser,
    Channel,
    Interaction,
    OnboardingStep,
    OnboardingStepKind,
    UserRole,
)
from db.session import make_engine, session_scope
from services.clock import catalan_today
from tests import factories as make


@pytest.fixture
def network(tmp_path: Path) -> dict:
    """Three members: Vic overdue, Reus new and never contacted, Girona up to date."""
    url = f"sqlite:///{tmp_path / 'network.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    today = catalan_today()
    with session_scope(engine) as session:
        marta = AppUser(email="marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF)
        session.add(marta)
        session.flush()
        vic = make.member(session, "Ajuntament de Vic", owner_id=marta.id)
        make.person(session, vic, "Anna Puig", email="anna@vic.example.cat", phone="93 886 00 00")
        reus = make.member(
            session,
            "Ajuntament de Reus",
            municipality_code="43123",
            joined_on=today - timedelta(days=5),
        )
        for step in OnboardingStepKind:
            session.add(OnboardingStep(member_id=reus.id, step=step))
        girona = make.member(session, "Ajuntament de Girona", municipality_code="17079")
        for member, days_ago in ((vic, 200), (girona, 3)):
            session.add(
                Interaction(
                    member_id=member.id,
                    occurred_on=today - timedelta(days=days_ago),
                    channel=Channel.PHONE,
                    summary="Trucada de seguiment",
                )
            )
        ids = {"vic": vic.id, "reus": reus.id, "girona": girona.id}
    engine.dispose()
    return {"url": url, **ids}


def _interactions(url: str) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(Interaction)) or 0


def _table_members(app: AppTest) -> list[str]:
    """The members of the follow-up list (an open file's tables come before it)."""
    table = next(d.value for d in app.dataframe if "Dies de retard" in d.value.columns)
    return table["Membre"].tolist()


def _open(app: AppTest, member_id: int) -> AppTest:
    return app.selectbox(key="seguiment_member").set_value(member_id).run()


def _submit(app: AppTest) -> AppTest:
    return next(b for b in app.button if b.label == "Desa el contacte").click().run()


def test_list_is_sorted_by_urgency_and_filters_by_status(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "seguiment")
    assert not app.exception
    assert _table_members(app) == [
        "Ajuntament de Vic",
        "Ajuntament de Reus",
        "Ajuntament de Girona",
    ]
    app.multiselect(key="seguiment_status").set_value(["Endarrerit"]).run()
    assert _table_members(app) == ["Ajuntament de Vic"]
    app.multiselect(key="seguiment_province").set_value(["Girona"]).run()
    assert "Cap membre no compleix els filtres" in app.info[0].value


def test_log_a_call_and_see_the_member_move_to_up_to_date(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _open(app_on(network["url"], "seguiment"), network["vic"])
    assert app.subheader[0].value == "Ajuntament de Vic"
    app.text_area(key="contact_summary").input("Trucada: demanen assessorament en CCPR")
    app.multiselect(key="contact_needs").set_value(["ccpr"])
    app = _submit(app)
    assert not app.exception
    assert "Contacte amb Ajuntament de Vic desat" in app.success[0].value
    assert _interactions(network["url"]) == 3
    timeline = next(df.value for df in app.dataframe if "Resum" in df.value.columns)
    assert timeline.columns.tolist() == [
        "Data",
        "Canal",
        "Equip",
        "Persona",
        "Resum",
        "Derivació",
        "Proper contacte",
        "Necessitats",
    ]
    # A real date (the table writes it dd/mm/aaaa, and sorts it as a date).
    assert timeline.iloc[0]["Data"] == catalan_today()
    assert timeline.iloc[0]["Resum"] == "Trucada: demanen assessorament en CCPR"
    assert timeline.iloc[0]["Necessitats"] == "CCPR"
    app.multiselect(key="seguiment_status").set_value(["Al dia"]).run()
    assert "Ajuntament de Vic" in _table_members(app)


def test_refused_contact_shows_why_and_writes_nothing(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _open(app_on(network["url"], "seguiment"), network["vic"])
    app.date_input(key="contact_date").set_value(catalan_today() + timedelta(days=2))
    app = _submit(app)
    assert not app.exception
    message = app.error[0].value
    assert "No s'ha desat el contacte" in message
    assert "Data:" in message and "Resum:" in message
    assert _interactions(network["url"]) == 2


def test_tick_an_onboarding_step(app_on: Callable[..., AppTest], network: dict) -> None:
    app = _open(app_on(network["url"], "seguiment"), network["reus"])
    app.checkbox(key=f"onboarding_{network['reus']}_welcome_meeting").check().run()
    assert not app.exception
    with Session(make_engine(network["url"])) as session:
        done = session.scalar(
            select(OnboardingStep.done_on).where(
                OnboardingStep.member_id == network["reus"],
                OnboardingStep.step == OnboardingStepKind.WELCOME_MEETING,
            )
        )
    assert done == catalan_today()


def test_presentation_mode_hides_personal_contact_data(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _open(app_on(network["url"], "seguiment"), network["vic"])
    persons = next(df.value for df in app.dataframe if "Correu" in df.value.columns)
    assert persons.columns.tolist() == [
        "Nom",
        "Rol",
        "Càrrec",
        "Correu",
        "Telèfon",
        "Consent contacte",
    ]
    # Staff act straight from the list: the e-mail opens the mail program, the phone dials.
    assert persons.loc[0, "Correu"] == "mailto:anna@vic.example.cat"
    assert persons.loc[0, "Telèfon"] == "tel:93-886-00-00"
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    shown = " ".join(str(df.value.values) for df in app.dataframe)
    assert "anna@vic.example.cat" not in shown and "Anna Puig" not in shown
    assert not [b for b in app.button if b.label == "Desa el contacte"]


def test_needs_and_advisory_tabs_show_the_demo_figures(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "seguiment")
    app.session_state["seguiment_tab"] = "Necessitats i derivacions"
    app.run()
    assert not app.exception
    subheaders = [s.value for s in app.subheader]
    assert "Necessitats detectades per trimestre" in subheaders
    assert "Derivacions sense contacte posterior" in subheaders

    app.session_state["seguiment_tab"] = "Assessoraments i mentories"
    app.run()
    assert not app.exception
    assert any(s.value.startswith("Servei d'assessorament expert en CCPR") for s in app.subheader)
    # The 50-hour bag of the plan, with what is used of it.
    bag = app.get("progress")[0]
    assert "h usades de 50 h" in bag.proto.text
    assert "Parelles de mentoria" in [s.value for s in app.subheader]


def _status_of(app: AppTest, member: str) -> str:
    table = app.dataframe[0].value
    return table.set_index("Membre").loc[member, "Estat"]


def test_follow_up_cadence_setting_changes_the_status_shown(
    app_on: Callable[..., AppTest], network: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Girona was called 3 days ago: up to date at 90 days, overdue at 2.
    monkeypatch.delenv("XMESS_FOLLOW_UP_CADENCE_DAYS", raising=False)
    assert _status_of(app_on(network["url"], "seguiment"), "Ajuntament de Girona") == "Al dia"
    monkeypatch.setenv("XMESS_FOLLOW_UP_CADENCE_DAYS", "2")
    app = app_on(network["url"], "seguiment")
    assert not app.exception
    assert _status_of(app, "Ajuntament de Girona") == "Endarrerit"
    assert (
        app.dataframe[0].value.set_index("Membre").loc["Ajuntament de Girona", "Dies de retard"]
        == 1
    )


def test_ccpr_bag_setting_is_the_bag_shown(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XMESS_CCPR_BAG_HOURS", "80")
    app = app_on(demo_sqlite_url, "seguiment")
    app.session_state["seguiment_tab"] = "Assessoraments i mentories"
    app.run()
    assert not app.exception
    assert "h usades de 80 h" in app.get("progress")[0].proto.text


def test_a_bad_setting_stops_the_app_naming_the_knob(
    app_on: Callable[..., AppTest], network: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XMESS_ONBOARDING_CADENCE_DAYS", "un mes")
    app = app_on(network["url"], "seguiment")
    assert not app.exception
    message = app.error[0].value
    assert "Configuració incorrecta" in message
    assert "onboarding_cadence_days" in message and "XMESS_ONBOARDING_CADENCE_DAYS" in message
    assert not app.dataframe


@pytest.mark.parametrize("url_path", ["seguiment", "inici"])
def test_presentation_mode_hides_the_staff_member_in_charge(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, url_path: str
) -> None:
    app = app_on(demo_sqlite_url, url_path)
    in_charge = {
        name
        for df in app.dataframe
        if "Responsable" in df.value.columns
        for name in df.value["Responsable"]
        if name
    }
    assert in_charge, "the demo's members have staff in charge"
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert not [df for df in app.dataframe if "Responsable" in df.value.columns]
    shown = " ".join(str(df.value.values) for df in app.dataframe)
    assert not [name for name in in_charge if name in shown]
    assert "Responsable" not in [m.label for m in app.multiselect]


def test_a_member_file_address_opens_that_file_first(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "seguiment", query={"membre": str(network["girona"])})
    assert not app.exception
    # The file is the first thing under the title, before the list's filters.
    assert app.subheader[0].value == "Ajuntament de Girona"
    assert app.selectbox(key="seguiment_member").value == network["girona"]
    # Picking another member writes it into the address, so a reload opens it again.
    _open(app, network["vic"])
    assert app.query_params["membre"] == str(network["vic"])
    assert app.subheader[0].value == "Ajuntament de Vic"
    app.selectbox(key="seguiment_member").set_value(None).run()
    assert "membre" not in app.query_params
    assert not any(s.value.startswith("Ajuntament de") for s in app.subheader)


def test_a_member_file_address_opens_it_even_when_filters_leave_it_out(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "seguiment")
    app.multiselect(key="seguiment_status").set_value(["Endarrerit"]).run()
    app.query_params["membre"] = str(network["girona"])
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "Ajuntament de Girona"


@pytest.mark.parametrize("wrong", ["999999", "Vic", "-1", "[Cliqueu](http://evil.example)"])
def test_a_wrong_member_address_says_so_in_catalan(
    app_on: Callable[..., AppTest], network: dict, wrong: str
) -> None:
    app = app_on(network["url"], "seguiment", query={"membre": wrong})
    assert not app.exception
    shown = app.warning[0].value
    # What the address asked for, as typed (Markdown escapes aside); a link in it stays text.
    assert f"L'adreça demana la fitxa del membre «{wrong}»" in shown.replace("\\", "")
    assert "[" not in wrong or "\\[Cliqueu\\]" in shown
    assert "membre" not in app.query_params
    # The list is still there, and no file is open.
    assert _table_members(app)[0] == "Ajuntament de Vic"
    assert app.selectbox(key="seguiment_member").value is None
