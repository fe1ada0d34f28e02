"""Dades through AppTest: preview and import a spreadsheet, edit a member (also against a
colleague's save), the audit log, the backup tab, and presentation mode."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AuditLog, Member, Person, PersonRole
from db.session import make_engine, session_scope
from services.backup import backup_xlsx
from services.clock import catalan_today
from services.records import member_record, save_member
from tests import factories as make
from tests.factories import admin
from tests.import_shapes import SHAPES

GOOD = (
    "Nom;Tipus d'ens;Municipi;Data d'alta;Notes\n"
    "Ajuntament de Tàrrega;Ajuntament;Tàrrega;01/02/2024;<script>alert(1)</script>\n"
    "Ajuntament de l'Hospitalet;Ajuntament;Hospitalet de Llobregat, l';15/01/2024;\n"
).encode("cp1252")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD = b"Nom;Tipus d'ens;Municipi;Data d'alta\nAjuntament de Reus;Ajuntament;Reus;31/02/2026\n"


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite database with one member, for tests that write."""
    url = f"sqlite:///{tmp_path / 'dades.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        make.member(session, "Ajuntament de Vic", notes="")
    engine.dispose()
    return url


def _members(url: str) -> list[str]:
    with Session(make_engine(url)) as session:
        return list(session.scalars(select(Member.name).order_by(Member.name)))


def _upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader(key="dades_import_file_0").set_value((name, data, "text/csv"))
    return app.run()


def _button(app: AppTest, key: str) -> AppTest:
    return app.button(key=key).click().run()


def test_refused_file_shows_row_and_column_and_offers_no_import(
    app_on: Callable[..., AppTest], url: str
) -> None:
    app = _upload(app_on(url, "dades"), "membres.csv", BAD)
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "fila 2, columna *Data d'alta*: «31/02/2026» no és una data" in errors
    preview = next(df.value for df in app.dataframe if "Resultat" in df.value.columns)
    assert preview["Resultat"].tolist() == ["Refusat"]
    assert not [b for b in app.button if b.key == "dades_import_go"]
    assert _members(url) == ["Ajuntament de Vic"]


def test_a_refusal_shows_the_files_cells_as_typed(app_on: Callable[..., AppTest], url: str) -> None:
    """A cell, or a header, that holds Markdown is quoted as typed in the refusal: no link, no
    bold text made of what a file says."""
    hostile = "[Cliqueu aquí](http://evil.example) **URGENT**"
    data = (
        f"Nom;Tipus d'ens;Municipi;Data d'alta;Notes *{hostile}*\n"
        f"Ajuntament de Reus;Ajuntament;{hostile};01/02/2026;\n"
    ).encode()
    app = _upload(app_on(url, "dades"), "membres.csv", data)
    assert not app.exception
    shown = " ".join(e.value for e in app.error) + " ".join(w.value for w in app.warning)
    assert "fila 2, columna *Municipi*: «\\[Cliqueu aquí\\](http://evil.example) " in shown
    assert "\\*\\*URGENT\\*\\*»" in shown
    live = re.compile(r"(?<!\\)\]\(http://evil|(?<![\\*])\*\*URGENT")
    assert not live.search(shown), shown
    assert _members(url) == ["Ajuntament de Vic"]


def test_preview_then_import_a_windows_1252_file(app_on: Callable[..., AppTest], url: str) -> None:
    app = _upload(app_on(url, "dades"), "membres.csv", GOOD)
    assert not app.exception
    preview = next(df.value for df in app.dataframe if "Resultat" in df.value.columns)
    assert preview["Resultat"].tolist() == ["Nou", "Nou"]
    assert any("Windows-1252" in w.value for w in app.warning)
    assert _members(url) == ["Ajuntament de Vic"]  # a preview writes nothing
    app = _button(app, "dades_import_go")
    assert not app.exception
    assert "Importat membres.csv: 2 nous" in app.success[0].value
    assert _members(url) == [
        "Ajuntament de Tàrrega",
        "Ajuntament de Vic",
        "Ajuntament de l'Hospitalet",
    ]
    # HTML typed in a cell is stored and shown as text.
    app.selectbox(key="dades_edit_member").set_value(
        next(i for i, n in _member_ids(url).items() if n == "Ajuntament de Tàrrega")
    ).run()
    notes = next(t for t in app.text_area if t.key and t.key.endswith("_notes"))
    assert notes.value == "<script>alert(1)</script>"


def _member_ids(url: str) -> dict[int, str]:
    with Session(make_engine(url)) as session:
        return {
            member_id: name for member_id, name in session.execute(select(Member.id, Member.name))
        }


def test_edit_a_member_and_see_it_in_the_audit_log(
    app_on: Callable[..., AppTest], url: str
) -> None:
    vic = next(iter(_member_ids(url)))
    app = app_on(url, "dades")
    app.selectbox(key="dades_edit_member").set_value(vic).run()
    app.text_area(key=f"dades_member_{vic}_notes").input("Nova regidora d'ESS")
    app.checkbox(key=f"dades_member_{vic}_delegate").check()
    app = next(b for b in app.button if b.label == "Desa el membre").click().run()
    assert not app.exception
    assert "Membre «Ajuntament de Vic» desat." in app.success[0].value
    log = next(df.value for df in app.dataframe if "Canvis" in df.value.columns)
    assert log.iloc[0]["Acció"] == "Modificació"
    assert "Notes: (buit) → Nova regidora d'ESS" in log.iloc[0]["Canvis"]
    assert log.iloc[0]["Registre"] == "Ajuntament de Vic"
    app.multiselect(key="dades_audit_actions").set_value(["create"]).run()
    assert any("Cap canvi no compleix" in i.value for i in app.info)


def test_a_colleagues_save_in_between_is_not_overwritten(
    app_on: Callable[..., AppTest], url: str
) -> None:
    vic = next(iter(_member_ids(url)))
    app = app_on(url, "dades")
    app.selectbox(key="dades_edit_member").set_value(vic).run()  # the form is open
    engine = make_engine(url)
    with session_scope(engine) as session:  # a colleague saves first
        opened = member_record(session=session, member_id=vic)
        assert opened is not None
        save_member(
            session=session,
            form=opened.form.__class__(**{**opened.form.__dict__, "notes": "Canvi del Jordi"}),
            opened=opened,
            today=catalan_today(),
            actor=admin("jordi"),
        )
    app.text_area(key=f"dades_member_{vic}_notes").input("El meu canvi")
    app = next(b for b in app.button if b.label == "Desa el membre").click().run()
    assert not app.exception
    assert "algú altre (jordi," in app.error[0].value
    assert any("Notes: (buit) → Canvi del Jordi" in m.value for m in app.markdown)
    with Session(engine) as session:
        assert session.scalar(select(Member.notes)) == "Canvi del Jordi"
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 1
    app = _button(app, f"dades_member_{vic}_reopen")
    # Reopened as new widgets (the form's next round), on the colleague's values.
    assert app.text_area(key=f"dades_member_{vic}_notes~1").value == "Canvi del Jordi"


def test_demo_database_backup_tab_and_territory(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "dades")
    assert not app.exception
    assert app.title[0].value == "Dades"
    counts = next(df.value for df in app.dataframe if {"Taula", "Files"} <= set(df.value.columns))
    assert counts.set_index("Taula").loc["municipality", "Files"] == 947
    assert any("només es restaura en una base de dades buida" in i.value for i in app.info)
    assert [b.label for b in app.get("download_button")][:1]  # downloads are offered
    comarques = next(df.value for df in app.dataframe if "Comarca" in df.value.columns)
    assert len(comarques) == 43


def test_presentation_mode_hides_personal_data(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "dades")
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    # Import, edit, audit log, backup and users: every tab but the territory's.
    assert sum("no es mostra en mode presentació" in i.value for i in app.info) == 5
    assert not app.file_uploader
    assert not [df for df in app.dataframe if "Correu" in df.value.columns]
    assert not [s for s in app.selectbox if s.key == "dades_edit_member"]


def test_a_long_refusal_lists_fifteen_reasons_and_points_at_the_table(
    app_on: Callable[..., AppTest], url: str
) -> None:
    rows = "".join(f"Ens {n};Ajuntament;Vic;31/02/2026\n" for n in range(20))
    app = _upload(
        app_on(url, "dades"), "membres.csv", f"{BAD.splitlines()[0].decode()}\n{rows}".encode()
    )
    assert not app.exception
    refusal = app.error[0].value
    assert refusal.count("no és una data") == 15
    assert "… i 5 més." in refusal
    assert "Vegeu-los tots a la taula de previsualització." in refusal
    preview = next(df.value for df in app.dataframe if "Resultat" in df.value.columns)
    assert (preview["Resultat"] == "Refusat").sum() == 20


def test_add_a_person_then_delete_it(app_on: Callable[..., AppTest], url: str) -> None:
    vic = next(iter(_member_ids(url)))
    app = app_on(url, "dades")
    app.segmented_control(key="dades_edit_what").set_value("Persones").run()
    app.selectbox(key="dades_edit_person_member").set_value(vic).run()
    app.selectbox(key=f"dades_edit_person_{vic}").set_value(-1).run()
    app.text_input(key="dades_person_-1_name").input("Anna Puig")
    app.selectbox(key="dades_person_-1_role").set_value(PersonRole.TECHNICIAN)
    app.text_input(key="dades_person_-1_email").input("no és un correu")
    app = _click(app, "Desa la persona")
    assert not app.exception
    assert "No s'ha desat la persona:" in app.error[0].value
    assert "«no és un correu» no és una adreça vàlida" in app.error[0].value
    app.text_input(key="dades_person_-1_email").input("anna@vic.cat")
    app = _click(app, "Desa la persona")
    assert not app.exception
    assert "Persona «Anna Puig» desada." in app.success[0].value
    anna = _person_ids(url)["Anna Puig"]

    app.selectbox(key=f"dades_edit_person_{vic}").set_value(anna).run()
    app = _button(app, f"dades_person_{anna}_delete")
    assert not app.exception
    assert "Persona «Anna Puig» esborrada." in app.success[0].value
    assert _person_ids(url) == {}
    log = next(df.value for df in app.dataframe if "Canvis" in df.value.columns)
    assert log["Acció"].tolist()[:2] == ["Baixa", "Alta"]
    assert set(log["Taula"][:2]) == {"Persones"}


def _person_ids(url: str) -> dict[str, int]:
    with Session(make_engine(url)) as session:
        return {
            name: person_id
            for person_id, name in session.execute(select(Person.id, Person.full_name))
        }


def _click(app: AppTest, label: str) -> AppTest:
    return next(b for b in app.button if b.label == label).click().run()


def test_restore_a_backup_into_an_empty_database(
    app_on: Callable[..., AppTest], url: str, tmp_path: Path
) -> None:
    with Session(make_engine(url)) as session:
        data = backup_xlsx(session=session, actor=admin())
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(empty))
    app = app_on(empty, "dades")
    app.file_uploader(key="dades_restore_file").set_value(("copia.xlsx", b"no", XLSX)).run()
    app = _button(app, "dades_restore_go")
    assert not app.exception
    assert "No s'ha restaurat res:" in app.error[0].value
    assert "no és un llibre XLSX vàlid" in app.error[0].value

    app.file_uploader(key="dades_restore_file").set_value(("copia.xlsx", data, XLSX)).run()
    app = _button(app, "dades_restore_go")
    assert not app.exception
    assert "Còpia restaurada:" in app.success[0].value
    assert _members(empty) == ["Ajuntament de Vic"]
    # A restored database is not empty: no second restore is offered.
    assert any("només es restaura en una base de dades buida" in i.value for i in app.info)


def test_every_spreadsheet_shape_is_previewed_as_it_will_import(
    app_on: Callable[..., AppTest], url: str
) -> None:
    app = app_on(url, "dades")
    for shape in SHAPES:
        app = _upload(app, shape.file_name, shape.data)
        assert not app.exception, shape.name
        said = " ".join([*(w.value for w in app.warning), *(e.value for e in app.error)])
        for fragment in (*shape.notes, *shape.problems):
            assert fragment in said, (shape.name, said)
        if shape.readable:
            assert any(
                f"capçalera a la fila {shape.header_line} · 3 files: 3 nous" in m.value
                for m in app.markdown
            ), shape.name
            preview = next(df.value for df in app.dataframe if "Resultat" in df.value.columns)
            assert preview["Resultat"].tolist() == ["Nou"] * 3, shape.name
            assert [b for b in app.button if b.key == "dades_import_go"], shape.name
        else:
            assert not [b for b in app.button if b.key == "dades_import_go"], shape.name
    assert _members(url) == ["Ajuntament de Vic"]  # previews write nothing
