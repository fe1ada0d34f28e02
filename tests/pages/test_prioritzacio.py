"""Priorització del pressupost through AppTest: move the budget, switch the Conveni, read why
activities are out, save and compare scenarios, edit the plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AuditLog, PlanActivity, Scenario
from db.plan_loader import load_plan
from db.session import make_engine, session_scope
from services.optimiser_program import Program, Run

EDITOR = "prioritzacio_editor_0"


@pytest.fixture
def plan_url(tmp_path: Path) -> str:
    """A database of our own (these tests write) holding the 2026 plan alone."""
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        load_plan(session, 2026)
    engine.dispose()
    return url


def _table(app: AppTest, *, having: str, lacking: str | None = None) -> pd.DataFrame:
    """The first table with column ``having`` (and without ``lacking``)."""
    return next(
        df.value
        for df in app.dataframe
        if having in df.value.columns and (lacking is None or lacking not in df.value.columns)
    )


def _funded(app: AppTest) -> set[str]:
    return set(_table(app, having="Valor", lacking="Motiu")["Codi"])


def _cut(app: AppTest) -> pd.DataFrame:
    return _table(app, having="Motiu")


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def _click(app: AppTest, label: str) -> AppTest:
    return next(b for b in app.button if b.label == label).click().run()


def _count(url: str, model: type) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_moving_the_budget_changes_what_goes_ahead(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    assert not app.exception
    assert app.number_input(key="prioritzacio_budget").value == 60_000
    funded = _funded(app)
    assert {"A1-06", "A3-01", "A3-02", "A3-03", "A3-05"} <= funded  # the mandatory ones
    assert _metric(app, "Activitats finançades") == f"{len(funded)} de 75"

    app.number_input(key="prioritzacio_budget").set_value(35_000).run()
    assert not app.exception
    fewer = _funded(app)
    assert fewer < funded or len(fewer) < len(funded)
    cut = _cut(app).set_index("Codi")
    dropped = sorted(funded - fewer)
    assert dropped and all("Pressupost" in cut.loc[code, "Motiu"] for code in dropped)


def test_the_answer_says_it_was_checked(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    assert any(c.value.startswith("Resultat comprovat: ") for c in app.caption)
    assert not app.warning


@pytest.fixture
def cold_cache() -> Iterator[None]:
    """A test that fakes the solver must neither read nor leave a cached answer."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.mark.usefixtures("cold_cache")
def test_a_plan_stopped_by_the_time_limit_says_how_much_it_could_improve(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = Program.run

    def out_of_time(self: Program, *args: object, **kwargs: object) -> Run:
        run = real_run(self, *args, **kwargs)  # type: ignore[arg-type]
        assert run.x is not None
        value = float(args[2][0][run.x].sum())  # type: ignore[index]
        return Run(run.x, False, stage=0, bound=value * 1.02)

    monkeypatch.setattr(Program, "run", out_of_time)
    app = app_on(demo_sqlite_url, "prioritzacio")
    assert not app.exception
    warning = app.warning[0].value.replace("\u00a0", " ")
    assert "És el millor pla trobat en el temps de càlcul" in warning
    assert "com a molt, un 2,0 % més de valor" in warning
    assert not any(c.value.startswith("Resultat comprovat") for c in app.caption)


def test_switching_the_conveni_on_brings_its_budget_and_more_activities(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    without = _funded(app)
    app.toggle(key="prioritzacio_conveni").set_value(True).run()
    assert not app.exception
    assert app.number_input(key="prioritzacio_budget").value == 150_000
    # The field says the switch changed it, and reads in euros.
    notes = [c.value for c in app.caption]
    assert "150.000\xa0€ · posat al valor per defecte en activar la pròrroga del Conveni" in notes
    with_conveni = _funded(app)
    assert len(with_conveni) > len(without)
    # The thematic days are capped at three a year, whatever the money.
    jornades = _cut(app)
    assert jornades["Motiu"].str.contains("Límit «jornades»").any()


def test_a_typed_budget_reads_in_euros_and_drops_the_reset_note(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    app.toggle(key="prioritzacio_conveni").set_value(True).run()
    app.number_input(key="prioritzacio_budget").set_value(60_000).run()
    notes = [c.value for c in app.caption]
    assert "60.000\xa0€" in notes
    assert not any("valor per defecte" in note for note in notes)
    app.toggle(key="prioritzacio_conveni").set_value(False).run()
    assert any("en desactivar la pròrroga del Conveni" in c.value for c in app.caption)


def test_a_budget_below_the_mandatory_floor_says_by_how_much(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    app.number_input(key="prioritzacio_budget").set_value(20_000).run()
    assert not app.exception
    message = app.error[0].value.replace("\u00a0", " ")
    assert "Les activitats obligatòries costen 28.500 €: 8.500 € més" in message
    assert "A3-02" in message
    shown = _table(app, having="Obligatòria")
    assert set(shown["Codi"]) == {"A1-06", "A3-01", "A3-02", "A3-03", "A3-05"}


def test_save_two_scenarios_and_compare_them(app_on: Callable[..., AppTest], plan_url: str) -> None:
    app = app_on(plan_url, "prioritzacio")
    assert "Encara no hi ha cap escenari desat" in " ".join(i.value for i in app.info)
    app.text_input(key="prioritzacio_save_name").input("Sense pròrroga")
    app = _click(app, "Desa l'escenari")
    assert not app.exception
    assert "Escenari «Sense pròrroga» desat" in app.success[0].value

    app.toggle(key="prioritzacio_conveni").set_value(True).run()
    # Saved, the form is drawn anew and empty (its next round).
    assert app.text_input(key="prioritzacio_save_name~1").value == ""
    app.text_input(key="prioritzacio_save_name~1").input("Conveni prorrogat")
    app = _click(app, "Desa l'escenari")
    assert not app.exception
    assert _count(plan_url, Scenario) == 2

    saved = _table(app, having="Escenari")
    assert set(saved["Escenari"]) == {"Sense pròrroga", "Conveni prorrogat"}
    summary = _table(app, having="Concepte").set_index("Concepte")
    assert list(summary.columns) == ["A · Sense pròrroga", "B · Conveni prorrogat"]
    assert summary.loc["Conveni prorrogat"].tolist() == ["No", "Sí"]
    changes = _table(app, having="Canvi")
    assert (changes["Canvi"] == "Entra a B").any()
    assert all(changes.loc[changes["Canvi"] == "Entra a B", "Motiu a A"].str.len() > 0)

    # The same name again is refused and nothing is written.
    app.text_input(key="prioritzacio_save_name~2").input("sense PRÒRROGA")
    app = _click(app, "Desa l'escenari")
    assert "Nom: ja hi ha un escenari" in app.error[0].value
    assert _count(plan_url, Scenario) == 2

    with Session(make_engine(plan_url)) as session:
        chosen = session.scalar(select(Scenario.id).where(Scenario.name == "Conveni prorrogat"))
    app.selectbox(key="prioritzacio_export_choice").set_value(chosen).run()
    app = app.button(key="prioritzacio_delete").click().run()
    assert not app.exception
    assert "Escenari «Conveni prorrogat» esborrat." in app.success[0].value
    assert set(_table(app, having="Escenari")["Escenari"]) == {"Sense pròrroga"}
    assert _count(plan_url, Scenario) == 1


def _edit_cells(app: AppTest, rows: dict[int, dict[str, object]]) -> AppTest:
    app.session_state[EDITOR] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return app.run()


def test_editor_refuses_bad_cells_and_saves_good_ones(
    app_on: Callable[..., AppTest], plan_url: str
) -> None:
    app = app_on(plan_url, "prioritzacio")
    # Row 4 is A1-04, row 8 A1-08 (which depends on A1-07, row 7).
    app = _edit_cells(
        app, {3: {"estimated_cost_eur": -5.0}, 6: {"depends_on": "A1-08"}, 7: {"depends_on": "Z"}}
    )
    app = _click(app, "Desa els canvis")
    assert not app.exception
    message = app.error[0].value
    assert "No s'ha desat cap canvi" in message
    assert "Fila 4 (A1-04), Cost (€): «-5.0» no és un import vàlid" in message
    assert "Fila 8 (A1-08), Depèn de: el codi «Z» no correspon" in message
    assert _count(plan_url, AuditLog) == 0

    app = _edit_cells(app, {6: {"depends_on": "A1-08"}})
    app = _click(app, "Desa els canvis")
    assert "dependència circular: A1-07 → A1-08 → A1-07" in app.error[0].value

    app = _edit_cells(app, {3: {"estimated_cost_eur": 4000.0, "mandatory": True}})
    app = _click(app, "Desa els canvis")
    assert not app.exception
    assert "Activitats desades: 1" in app.success[0].value
    with Session(make_engine(plan_url)) as session:
        activity = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-04")).one()
        assert (activity.estimated_cost_eur, activity.mandatory) == (Decimal("4000.00"), True)
    assert _count(plan_url, AuditLog) == 1
    # The scenario follows the edit: A1-04 is now mandatory, so it is funded.
    assert "A1-04" in _funded(app)


def test_presentation_mode_hides_the_editor(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "prioritzacio")
    assert app.data_editor
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert not app.data_editor
    assert any("mode presentació" in i.value for i in app.info)


def test_an_empty_plan_gets_a_message(app_on: Callable[..., AppTest], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(url))
    app = app_on(url, "prioritzacio")
    assert not app.exception
    assert "No hi ha cap activitat del Pla de Treball" in app.info[0].value


def test_plan_data_the_optimiser_cannot_read_is_explained(
    app_on: Callable[..., AppTest], plan_url: str
) -> None:
    with session_scope(make_engine(plan_url)) as session:
        activity = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-01")).one()
        activity.cap_group = "tallers"  # no such cap for 2026
    app = app_on(plan_url, "prioritzacio")
    assert not app.exception
    message = app.error[0].value
    assert "No es pot calcular l'escenari" in message
    assert "Activitat A1-01: el grup de límit «tallers» no existeix" in message
    # The editor is still there to put it right.
    assert app.data_editor


def _ids(url: str, *codes: str) -> list[int]:
    with Session(make_engine(url)) as session:
        found = dict(
            session.execute(
                select(PlanActivity.code, PlanActivity.id).where(PlanActivity.code.in_(codes))
            ).all()
        )
    return [found[code] for code in codes]


def _fill_new_activity(app: AppTest, url: str, cost: str) -> AppTest:
    """The add form's first round, filled in (``A1-11``, depending on ``A1-01``)."""
    app.text_input(key="prioritzacio_add_code").input("A1-11")
    app.selectbox(key="prioritzacio_add_axis").set_value(1)
    app.text_input(key="prioritzacio_add_title").input("Guia per a nous càrrecs")
    app.text_input(key="prioritzacio_add_cost").input(cost)
    app.text_input(key="prioritzacio_add_hours").input("30")
    app.checkbox(key="prioritzacio_add_conveni").check()
    for column, score in zip(
        ("score_impact", "score_territory", "score_alignment", "score_demand"),
        (4, 3, 5, 2),
        strict=True,
    ):
        app.number_input(key=f"prioritzacio_add_{column}").set_value(score)
    app.multiselect(key="prioritzacio_add_depends_on").set_value(_ids(url, "A1-01"))
    return app


def test_add_an_activity_through_the_form(app_on: Callable[..., AppTest], plan_url: str) -> None:
    app = app_on(plan_url, "prioritzacio")
    # Above the optimiser's ceiling: refused, in Catalan, naming the field and the ceiling.
    _fill_new_activity(app, plan_url, cost="1.500.000.000")
    app = app.button(key="prioritzacio_add_submit").click().run()
    assert not app.exception
    message = app.error[0].value
    assert "No s'ha afegit l'activitat" in message
    assert (
        "Activitat nova (A1-11), Cost (€): «1.500.000.000» passa del màxim que es pot calcular "
        "(1.000 M€)." in message
    )
    assert _count(plan_url, PlanActivity) == 75
    # What was typed stays, to put right.
    assert app.text_input(key="prioritzacio_add_title").value == "Guia per a nous càrrecs"

    app.text_input(key="prioritzacio_add_cost").input("1.250,50")
    app = app.button(key="prioritzacio_add_submit").click().run()
    assert not app.exception
    assert "Activitat A1-11 afegida al pla 2026." in app.success[0].value
    with Session(make_engine(plan_url)) as session:
        added = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-11")).one()
        assert (added.axis, added.conveni, added.estimated_cost_eur) == (
            1,
            True,
            Decimal("1250.50"),
        )
        entry = session.scalars(select(AuditLog)).one()
        assert (entry.action.value, entry.record_id) == ("create", str(added.id))
    # The editor shows it, and the form comes back empty (its next round).
    editor = app.data_editor[0].value
    assert "A1-11" in set(editor["code"])
    assert app.text_input(key="prioritzacio_add_code~1").value == ""
    # The same code again is refused, whatever its case.
    app.text_input(key="prioritzacio_add_code~1").input("a1-11")
    app = app.button(key="prioritzacio_add_submit~1").click().run()
    assert "el codi «a1-11» ja és de l'activitat «A1-11 Guia per a nous càrrecs»" in (
        app.error[0].value
    )
    assert _count(plan_url, PlanActivity) == 76


def test_delete_activities_through_the_page(app_on: Callable[..., AppTest], plan_url: str) -> None:
    # Local: only this test needs a saved scenario.
    from services.scenarios import ScenarioInputs, store_scenario
    from tests.factories import staff

    with session_scope(make_engine(plan_url)) as session:
        store_scenario(
            session=session,
            year=2026,
            name="Amb pròrroga del Conveni",
            inputs=ScenarioInputs(
                conveni_extended=True,
                budget_eur=Decimal("150000"),
                other_income_eur=Decimal("0"),
                staff_hours=Decimal("3000"),
            ),
            selection={"A1-04": (True, "")},
            actor=staff(),
        )
    app = app_on(plan_url, "prioritzacio")
    assert not app.exception
    picker = "prioritzacio_activity_delete"
    app.multiselect(key=picker).set_value(_ids(plan_url, "A1-04", "A7-01")).run()
    app = app.button(key=f"{picker}_confirm").click().run()
    assert not app.exception
    message = app.error[0].value
    assert "No s'ha esborrat cap activitat" in message
    assert (
        "Activitat A1-04: no es pot esborrar perquè l'escenari «Amb pròrroga del Conveni» la fa "
        "servir." in message
    )
    assert "Activitat A7-01: no es pot esborrar perquè l'activitat A7-02 en depèn." in message
    assert _count(plan_url, PlanActivity) == 75

    app.multiselect(key=picker).set_value(_ids(plan_url, "A7-01", "A7-02")).run()
    app = app.button(key=f"{picker}_confirm").click().run()
    assert not app.exception
    assert "Pla 2026: 2 activitats esborrades (A7-01 i A7-02)." in app.success[0].value
    assert _count(plan_url, PlanActivity) == 73
    assert not {"A7-01", "A7-02"} & set(app.data_editor[0].value["code"])
    assert app.multiselect(key=f"{picker}~1").value == []
    with Session(make_engine(plan_url)) as session:
        deleted = session.scalars(
            select(AuditLog).where(AuditLog.table_name == "plan_activity")
        ).all()
    assert sorted((e.action.value, (e.before or {}).get("code")) for e in deleted) == [
        ("delete", "A7-01"),
        ("delete", "A7-02"),
    ]


def test_an_activity_changed_after_it_was_chosen_is_not_deleted(
    app_on: Callable[..., AppTest], plan_url: str
) -> None:
    app = app_on(plan_url, "prioritzacio")
    picker = "prioritzacio_activity_delete"
    app.multiselect(key=picker).set_value(_ids(plan_url, "A1-04")).run()
    with session_scope(make_engine(plan_url)) as session:
        activity = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-04")).one()
        activity.mandatory = True  # a colleague, before the confirmation
    app = app.button(key=f"{picker}_confirm").click().run()
    assert not app.exception
    assert "Activitat A1-04: una altra persona l'ha modificada" in app.error[0].value
    assert _count(plan_url, PlanActivity) == 75


def test_adding_and_deleting_wait_for_unsaved_edits(
    app_on: Callable[..., AppTest], plan_url: str
) -> None:
    app = app_on(plan_url, "prioritzacio")
    app = _edit_cells(app, {3: {"estimated_cost_eur": 4000.0}})
    assert app.button(key="prioritzacio_add_submit").disabled
    assert any("Deseu o descarteu abans els canvis de la taula." in c.value for c in app.caption)
