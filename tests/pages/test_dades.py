"""Dades through AppTest: preview and import a spreadsheet, edit a member (also against a
colleague's save), the audit log, the backup tab, and presentation mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AuditLog, Member
from db.session import make_engine, session_scope
from services.clock import catalan_today
from services.records import member_record, save_member
from tests import factories as make

GOOD = (
    "Nom;Tipus d'ens;Municipi;Data d'alta;Notes\n"
    "Ajuntament de Tàrrega;Ajuntament;Tàrrega;01/02/2024;<script>alert(1)</script>\n"
    "Ajuntament de l'Hospitalet;Ajuntament;Hospitalet de Llobregat, l';15/01/2024;\n"
).encode("cp1252")
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
    assert "fila 2, columna *Data d'alta*: 31/02/2026 no és una data" in errors
    preview = next(df.value for df in app.dataframe if "Resultat" in df.value.columns)
    assert preview["Resultat"].tolist() == ["Refusat"]
    assert not [b for b in app.button if b.key == "dades_import_go"]
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
    assert "notes: (buit) → Nova regidora d'ESS" in log.iloc[0]["Canvis"]
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
            username="jordi",
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
    assert app.text_area(key=f"dades_member_{vic}_notes").value == "Canvi del Jordi"


def test_demo_database_backup_tab_and_territory(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "dades")
    assert not app.exception
    assert app.title[0].value == "Dades"
    counts = next(df.value for df in app.dataframe if "Taula" in df.value.columns)
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
    assert sum("no es mostra en mode presentació" in i.value for i in app.info) == 4
    assert not app.file_uploader
    assert not [s for s in app.selectbox if s.key == "dades_edit_member"]
