"""The page says what is wrong with the database and what to do, in Catalan, and never shows
a traceback: an unreachable server, a wrong password, a missing database, a malformed URL, a
schema behind or ahead of the code (before any page draws), a read-only SQLite file and a
full one (on a write). ``postgres://`` URLs work end to end."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.pool import Pool
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade, upgrade_to_head
from db.session import make_engine, session_scope
from tests import factories as make
from tests.db.test_problems import (
    PASSWORD_FAILED,
    closed_port,
    fake_postgres,
    other_database,
    postgres_url,
    read_only_url,
)

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"
)
SIGNED_IN = {"email": "anna.puig@xmess.cat", "name": "Anna Puig"}


def stopped_with(app: AppTest, message: str) -> str:
    """The page's one error, which must contain ``message``; nothing else drew."""
    assert not app.exception
    assert len(app.error) == 1
    assert message in app.error[0].value, app.error[0].value
    assert not app.metric and not app.dataframe
    return str(app.error[0].value)


@pytest.mark.parametrize("user", [None, SIGNED_IN], ids=["local", "signed-in"])
def test_an_unreachable_server(app_on: Callable[..., AppTest], user: dict[str, str] | None) -> None:
    with closed_port() as port:
        app = app_on(postgres_url(port), user=user)
    message = stopped_with(app, "No es pot connectar amb la base de dades")
    assert f"(PostgreSQL · 127.0.0.1:{port}/xmess): el servidor no respon" in message
    assert "Connection refused" in app.caption[0].value  # the technical detail


def test_a_wrong_password(app_on: Callable[..., AppTest]) -> None:
    with fake_postgres(PASSWORD_FAILED) as port:
        app = app_on(postgres_url(port))
    stopped_with(app, "no accepta l'usuari o la contrasenya de `XMESS_DATABASE_URL`")
    assert not any("wrong" in caption.value for caption in app.caption)


@needs_postgresql
def test_a_missing_database(app_on: Callable[..., AppTest]) -> None:
    name = f"xmess_missing_{uuid.uuid4().hex[:8]}"
    app = app_on(other_database(name))
    message = stopped_with(app, "no existeix al servidor: creeu-la")
    assert f"/{name})" in message


@pytest.mark.parametrize("url", ["postgresql://user:s3cret@:notaport/x", "nonsense", "mysql://x/y"])
def test_a_malformed_url(app_on: Callable[..., AppTest], url: str) -> None:
    app = app_on(url)
    stopped_with(app, "L'adreça de la base de dades no és vàlida")
    assert not any("s3cret" in element.value for element in [*app.error, *app.caption])


@needs_postgresql
def test_postgres_urls_are_accepted_end_to_end(
    migrated_engine: Engine, app_on: Callable[..., AppTest]
) -> None:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("the postgres:// form is PostgreSQL's")
    bare = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgres://", 1)
    app = app_on(bare)
    assert not app.exception
    assert not app.error
    assert app.title  # Inici drew


def test_a_schema_behind_the_code_then_migrated(
    app_on: Callable[..., AppTest], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    engine = make_engine(url)
    upgrade(engine, "0002")
    app = app_on(url)
    message = stopped_with(app, "La base de dades no està al dia amb l'aplicació")
    assert "Executeu `make migrate`" in message
    assert "database at revision 0002" in app.caption[0].value
    # Someone runs `make migrate`: the next run draws, though the failed status is still in
    # the 30-second cache.
    upgrade_to_head(engine)
    engine.dispose()
    app.run()
    assert not app.exception
    assert not app.error


def test_a_schema_ahead_of_the_code(app_on: Callable[..., AppTest], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    message = stopped_with(app_on(url), "és d'una versió de l'aplicació més nova que aquesta")
    assert "make migrate" not in message


@pytest.fixture
def network(tmp_path: Path) -> tuple[Path, int]:
    """A migrated SQLite file with one member, compacted (no free page left inside it)."""
    path = tmp_path / "xarxa.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        member_id = make.member(session, "Ajuntament de Vic").id
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")
    engine.dispose()
    return path, member_id


def _interactions(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM interaction").fetchone()[0])


def _log_a_call(app: AppTest, member_id: int, summary: str) -> AppTest:
    app.selectbox(key="seguiment_member").set_value(member_id).run()
    app.text_area(key="contact_summary").input(summary)
    return next(b for b in app.button if b.label == "Desa el contacte").click().run()


def test_a_read_only_sqlite_file(app_on: Callable[..., AppTest], network: tuple[Path, int]) -> None:
    path, member_id = network
    if os.geteuid() != 0:
        path.chmod(0o444)  # root ignores permissions: the URI's mode=ro is what refuses
    app = _log_a_call(app_on(read_only_url(path), "seguiment"), member_id, "Trucada")
    assert not app.exception
    message = " ".join(error.value for error in app.error)
    assert "No s'ha desat el contacte" in message
    assert "La base de dades (SQLite · xarxa.db) és només de lectura: no s'ha desat res." in message
    assert "readonly" not in message  # not the driver's words
    path.chmod(0o644)
    assert _interactions(path) == 0


@pytest.fixture
def full(network: tuple[Path, int]) -> Iterator[tuple[Path, int]]:
    """``network`` as a full disk would leave it: no connection made meanwhile to the file
    (the page's engine's included) may grow it by a page."""
    path = network[0]

    def on_connect(dbapi_connection: object, _record: object) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if str(path) in files:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Pool, "connect", on_connect)
    yield network
    event.remove(Pool, "connect", on_connect)


def test_a_full_disk(app_on: Callable[..., AppTest], full: tuple[Path, int]) -> None:
    path, member_id = full
    # The form's longest summary needs pages the file may not add.
    app = _log_a_call(app_on(f"sqlite:///{path}", "seguiment"), member_id, "é" * 4000)
    assert not app.exception
    message = " ".join(error.value for error in app.error)
    assert "El disc de la base de dades (SQLite · xarxa.db) és ple: no s'ha desat res." in message
    assert _interactions(path) == 0
