"""Every command says a database failure in one English line on stderr, with the exit code
the README documents, and never a traceback: ``db.manage`` (migrate), ``db.demo``,
``scripts.import_data`` and ``scripts.users``, against an unreachable server, a wrong
password, a missing database, a malformed URL, a schema behind or ahead of the code, a
read-only SQLite file and a full one."""

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

import db.demo.cli
import db.manage
import scripts.import_data
import scripts.users
from db.migrate import head_revision, schema_status, upgrade, upgrade_to_head
from db.session import describe_url, make_engine
from tests.db.test_problems import (
    PASSWORD_FAILED,
    closed_port,
    fake_postgres,
    other_database,
    postgres_url,
    read_only_url,
)

MEMBERS = (
    "Nom;Tipus d'ens;Municipi;Data d'alta\n"
    "Ajuntament de Vic;Ajuntament;Vic;01/02/2020\n"
    "Ajuntament de Tàrrega;Ajuntament;25217;15/01/2024\n"
)

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"
)


@pytest.fixture
def members_file(tmp_path: Path) -> str:
    path = tmp_path / "membres.csv"
    path.write_text(MEMBERS, encoding="utf-8")
    return str(path)


# Each command, with arguments that reach the database.
COMMANDS: dict[str, Callable[[str], int]] = {
    "migrate": lambda _file: db.manage.main(["migrate"]),
    "demo": lambda _file: db.demo.cli.main(["--if-empty"]),
    "import": lambda file: scripts.import_data.main(["membres", file]),
    "users": lambda _file: scripts.users.main(["list"]),
}


def run_command(
    command: str,
    url: str,
    file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str]:
    """Run ``command`` against ``url``: its exit status and its one line of stderr (checked
    to be one line, with no traceback anywhere)."""
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    status = COMMANDS[command](file)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    return status, lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreachable_server(
    command: str,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with closed_port() as port:
        status, line = run_command(command, postgres_url(port), members_file, monkeypatch, capsys)
    assert status == 3
    assert line.startswith(
        f"error: cannot reach the database server (PostgreSQL · 127.0.0.1:{port}/xmess): "
        "check that it is running"
    )
    assert "Connection refused" in line
    assert "make migrate" not in line  # the server is down: migrating would not help


@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_password(
    command: str,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with fake_postgres(PASSWORD_FAILED) as port:
        status, line = run_command(command, postgres_url(port), members_file, monkeypatch, capsys)
    assert status == 4
    assert "refused the user or password in XMESS_DATABASE_URL" in line
    assert 'password authentication failed for user "xmess"' in line
    assert ":wrong@" not in line


@needs_postgresql
@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_database(
    command: str,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = f"xmess_missing_{uuid.uuid4().hex[:8]}"
    status, line = run_command(command, other_database(name), members_file, monkeypatch, capsys)
    assert status == 5
    assert f"/{name}) does not exist on the server: create it (createdb)" in line


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "url",
    ["postgresql://user@:notaport/x", "nonsense", "mysql://x/y", "postgres://u@127.0.0.1:99999/x"],
)
def test_a_malformed_url(
    command: str,
    url: str,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, line = run_command(command, url, members_file, monkeypatch, capsys)
    assert status == 6
    assert "error: the database URL is not valid (" in line
    assert "expected postgresql://user:password@host:5432/database" in line


def _behind(tmp_path: Path, revision: str | None = "0002") -> str:
    """A SQLite file at ``revision``, or never migrated (``None``)."""
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    engine = make_engine(url)
    if revision is not None:
        upgrade(engine, revision)
    engine.dispose()
    return url


def _ahead(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    return url


@pytest.mark.parametrize("revision", ["0002", None], ids=["at-0002", "never-migrated"])
@pytest.mark.parametrize(
    "arguments",
    [
        ["import"],
        ["users", "list"],
        ["users", "add", "cap@xmess.cat", "--name", "Cap", "--role", "admin"],
    ],
)
def test_a_schema_behind_the_code(
    arguments: list[str],
    revision: str | None,
    tmp_path: Path,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _behind(tmp_path, revision)
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    if arguments == ["import"]:
        status = scripts.import_data.main(["membres", members_file])
    else:
        status = scripts.users.main(arguments[1:])
    captured = capsys.readouterr()
    assert status == 7
    assert captured.err == (
        "error: the database schema (SQLite · behind.db) is behind the code: run make migrate "
        f"[database at revision {revision or 'none'}, the code needs {head_revision()}]\n"
    )
    assert captured.out == ""


def test_migrate_brings_a_schema_behind_to_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _behind(tmp_path)
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    assert db.manage.main(["migrate"]) == 0
    assert "Database at the latest schema: SQLite · behind.db" in capsys.readouterr().out
    assert schema_status(make_engine(url)).up_to_date


@pytest.mark.parametrize("command", COMMANDS)
def test_a_schema_ahead_of_the_code_is_left_alone(
    command: str,
    tmp_path: Path,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _ahead(tmp_path)
    status, line = run_command(command, url, members_file, monkeypatch, capsys)
    assert status == 7
    assert "is newer than this code: update the application" in line
    assert f"the code needs {head_revision()}" in line
    assert schema_status(make_engine(url)).current == "9999_future"


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "xmess.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


def _rows(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize(
    "arguments",
    [
        ["import"],
        ["users", "add", "cap@xmess.cat", "--name", "Cap", "--role", "admin"],
    ],
)
def test_a_read_only_sqlite_file(
    arguments: list[str],
    migrated: Path,
    members_file: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if os.geteuid() != 0:
        # Not root: the file's permissions refuse writes too (root ignores them).
        migrated.chmod(0o444)
    monkeypatch.setenv("XMESS_DATABASE_URL", read_only_url(migrated))
    if arguments == ["import"]:
        status = scripts.import_data.main(["membres", members_file])
    else:
        status = scripts.users.main(arguments[1:])
    captured = capsys.readouterr()
    assert status == 8
    assert captured.err == (
        "error: the database (SQLite · xmess.db) is read-only: nothing was written; make the "
        "file and its folder writable, or connect to the primary server "
        "[attempt to write a readonly database]\n"
    )
    assert "Traceback" not in captured.out
    assert "REFUSAT" not in captured.out  # the file is fine: the database refused
    migrated.chmod(0o644)
    assert (_rows(migrated, "member"), _rows(migrated, "app_user")) == (0, 0)


@pytest.fixture
def full(migrated: Path) -> Iterator[Path]:
    """``migrated`` as a full disk would leave it: every connection made meanwhile to this
    file (the command makes its own engine) may not grow it by a single page."""

    def on_connect(dbapi_connection: object, _record: object) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if str(migrated) in files:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Pool, "connect", on_connect)
    yield migrated
    event.remove(Pool, "connect", on_connect)


def test_a_full_disk(
    full: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"Entitat de prova {n:04d};Altre ens local;Vic;01/02/2020\n" for n in range(300))
    path = tmp_path / "moltes.csv"
    path.write_text("Nom;Tipus d'ens;Municipi;Data d'alta\n" + rows, encoding="utf-8")
    monkeypatch.setenv("XMESS_DATABASE_URL", f"sqlite:///{full}")
    status = scripts.import_data.main(["membres", str(path)])
    captured = capsys.readouterr()
    assert status == 9
    assert captured.err == (
        "error: the database's disk is full (SQLite · xmess.db): nothing was written; free "
        "some space and retry [database or disk is full]\n"
    )
    assert "REFUSAT" not in captured.out
    assert (_rows(full, "member"), _rows(full, "audit_log")) == (0, 0)


@needs_postgresql
def test_postgres_urls_are_accepted_end_to_end(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("the postgres:// form is PostgreSQL's")
    bare = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgres://", 1)
    monkeypatch.setenv("XMESS_DATABASE_URL", bare)
    assert scripts.users.main(["list"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert f"Base de dades: {describe_url(os.environ['TEST_DATABASE_URL'])}" in captured.out
