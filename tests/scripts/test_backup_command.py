"""``python -m scripts.backup``: a backup taken on the command line restores, through
``python -m scripts.import_data copia``, into a new database equal to the original row for row
(on SQLite, and on PostgreSQL with ``TEST_DATABASE_URL``); a refused backup leaves no file."""

from __future__ import annotations

import errno
import getpass
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Engine, Text, cast, create_engine, func, select, text
from sqlalchemy.orm import Session

from db.base import Base
from db.demo import generate_demo
from db.migrate import upgrade, upgrade_to_head
from db.models import AppUser, AuditAction, Member, UserRole
from db.problems import Problem
from db.session import make_engine, session_scope, snapshot_scope
from scripts import backup as backup_command
from scripts import import_data
from services.audit import record_change
from services.formatting import fmt_number
from tests import factories as make

ADMIN = "anna@xmess.cat"
# Text that trips naive spreadsheets: formulas, markup, control characters, blanks.
TRICKY_NOTES = ["", '=HYPERLINK("http://x","clic")', "<b>Vic</b>", "línia 1\nlínia 2", "\x01"]


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order; JSON columns as their stored text (so SQL NULL
    and JSON null stay apart)."""
    result = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.columns]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            result[table.name] = [tuple(row) for row in rows]
    return result


def _members(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Member)) or 0


def _user(engine: Engine, email: str, role: UserRole, active: bool = True) -> None:
    with session_scope(engine) as session:
        session.add(AppUser(email=email, full_name=email, role=role, active=active))


def _left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _member_in(engine: Engine) -> None:
    with session_scope(engine) as session:
        make.member(session, "Ajuntament de Vic")


@pytest.fixture
def pointed_at(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database (SQLite, or PostgreSQL with TEST_DATABASE_URL), as the commands'
    configured database."""
    monkeypatch.setenv("XMESS_DATABASE_URL", _url(engine))
    return engine


@pytest.fixture
def empty_database(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """A second database on the test database's server, new, migrated and empty: where a
    backup is restored. On PostgreSQL a database of its own next to the test one, so its
    sequences, like a new server's, start at 1."""
    if engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        target = make_engine(url)
        upgrade_to_head(target)
        target.dispose()
        yield url
        return
    name = f"{engine.url.database}_restore"
    # CREATE and DROP DATABASE cannot run inside a transaction.
    server = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = engine.url.set(database=name).render_as_string(hide_password=False)
    target = make_engine(url)
    upgrade_to_head(target)
    target.dispose()
    try:
        yield url
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _fill(engine: Engine) -> None:
    """The demo network, plus what breaks naive backups: tricky text, nested JSON in the audit
    log, an inactive user, and the administrator who takes the backup."""
    generate_demo(engine, seed=2026, scale=1)
    with session_scope(engine) as session:
        session.add(AppUser(email=ADMIN, full_name="Anna Puig", role=UserRole.ADMIN))
        session.add(
            AppUser(email="antic@xmess.cat", full_name="Antic", role=UserRole.STAFF, active=False)
        )
        for number, notes in enumerate(TRICKY_NOTES):
            make.member(session, f"Ens {number}", notes=notes)
        record_change(
            session,
            username=ADMIN,
            action=AuditAction.UPDATE,
            table="member",
            record_id=1,
            before=None,
            after={"nested": {"list": [1, "à", None]}, "empty": {}},
        )


def test_a_backup_from_the_command_line_restores_row_for_row(
    pointed_at: Engine,
    empty_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill(pointed_at)
    before = _snapshot(pointed_at)
    folder = tmp_path / "copies"
    folder.mkdir()
    out = folder / "xmess-2026-05-01.xlsx"

    assert backup_command.main([str(out), "--user", "Anna@XMESS.cat"]) == 0
    printed = capsys.readouterr().out
    assert f"Còpia feta com a: {ADMIN}" in printed
    total = sum(len(rows) for rows in before.values())
    tables = len(Base.metadata.sorted_tables)
    assert f"Còpia desada a {out}: {tables} taules, {fmt_number(total)} files, " in printed
    assert f"  member: {len(before['member'])} files" in printed
    # Only the workbook, with no temporary file beside it, readable by its owner alone.
    assert _left_in(folder) == [out.name]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # Taking a backup writes nothing (not even an audit entry).
    assert _snapshot(pointed_at) == before

    monkeypatch.setenv("XMESS_DATABASE_URL", empty_database)
    assert import_data.main(["copia", str(out)]) == 0
    assert f"Còpia restaurada: {fmt_number(total)} files" in capsys.readouterr().out
    restored = make_engine(empty_database)
    try:
        after = _snapshot(restored)
    finally:
        restored.dispose()
    for table, rows in before.items():
        assert after[table] == rows, table
    assert len(before["member"]) > 70 and len(before["municipality"]) == 947


def test_without_user_the_operating_system_account_takes_it(
    pointed_at: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _member_in(pointed_at)
    out = tmp_path / "copia.xlsx"
    assert backup_command.main([str(out)]) == 0
    assert f"Còpia feta com a: {getpass.getuser()} (compte del sistema)" in capsys.readouterr().out
    assert out.is_file()


@pytest.mark.parametrize(
    ("email", "role", "active", "expected"),
    [
        ("ningu@xmess.cat", None, True, "no és cap usuari actiu"),
        ("jordi@xmess.cat", UserRole.ADMIN, False, "no és cap usuari actiu"),
        ("laia@xmess.cat", UserRole.STAFF, True, "les còpies de seguretat són per a admin"),
        ("comissio@xmess.cat", UserRole.COMMISSION, True, "són per a administradors"),
    ],
)
def test_only_an_active_admin_may_take_it_and_a_refusal_leaves_no_file(
    pointed_at: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    email: str,
    role: UserRole | None,
    active: bool,
    expected: str,
) -> None:
    _member_in(pointed_at)
    if role is not None:
        _user(pointed_at, email, role, active)
    folder = tmp_path / "copies"
    folder.mkdir()
    assert backup_command.main([str(folder / "copia.xlsx"), "--user", email]) == 1
    assert expected in capsys.readouterr().out
    assert _left_in(folder) == []


@pytest.mark.parametrize(
    ("out", "status", "expected"),
    [
        ("copia.csv", 2, "ha d'acabar en .xlsx"),
        ("no-such-folder/copia.xlsx", 1, "no existeix la carpeta"),
        ("folder.xlsx", 1, "és una carpeta"),
    ],
)
def test_bad_output_is_refused_before_the_database_is_touched(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
    status: int,
    expected: str,
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.setenv("XMESS_DATABASE_URL", f"sqlite:///{database}")
    (tmp_path / "folder.xlsx").mkdir()
    assert backup_command.main([str(tmp_path / out)]) == status
    assert expected in capsys.readouterr().out
    assert not database.exists()
    assert _left_in(tmp_path) == ["folder.xlsx"]


def test_missing_arguments_are_bad_usage() -> None:
    with pytest.raises(SystemExit) as stopped:
        backup_command.main([])
    assert stopped.value.code == 2


def _behind(engine: Engine) -> None:
    upgrade(engine, "0003")


def _blank(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("SELECT 1"))


def _ahead(engine: Engine) -> None:
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))


@pytest.mark.parametrize(
    ("prepare", "problem", "said"),
    [
        (_blank, Problem.SCHEMA_BEHIND, "run make migrate"),
        (_behind, Problem.SCHEMA_BEHIND, "run make migrate"),
        (_ahead, Problem.SCHEMA_AHEAD, "newer than this code"),
    ],
    ids=["blank", "behind", "ahead"],
)
def test_a_schema_other_than_the_codes_is_refused_before_anything_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    prepare: Any,
    problem: Problem,
    said: str,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = make_engine(url)
    prepare(database)
    database.dispose()
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    folder = tmp_path / "copies"
    folder.mkdir()
    # The workbook would restore only into this other revision: no backup at all.
    assert backup_command.main([str(folder / "copia.xlsx")]) == problem.exit_code == 7
    assert said in capsys.readouterr().err
    assert _left_in(folder) == []


def test_an_unreachable_database_is_said_in_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on loopback: refused at once, as a stopped server is.
    monkeypatch.setenv("XMESS_DATABASE_URL", "postgresql://xmess@127.0.0.1:1/xmess")
    assert backup_command.main([str(tmp_path / "copia.xlsx")]) == Problem.UNREACHABLE.exit_code
    said = capsys.readouterr()
    assert "cannot reach the database server" in said.err
    assert "Traceback" not in said.err + said.out
    assert _left_in(tmp_path) == []


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    pointed_at: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _member_in(pointed_at)
    out = tmp_path / "copia.xlsx"
    out.write_bytes(b"yesterday's backup")

    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    assert backup_command.main([str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().out
    assert out.read_bytes() == b"yesterday's backup"
    assert _left_in(tmp_path) == [out.name]


def test_the_backup_reads_one_moment_of_the_database(engine: Engine) -> None:
    _member_in(engine)
    with snapshot_scope(engine) as reading:
        seen = reading.scalar(select(func.count()).select_from(Member))
        # Another process writes in the middle of the backup...
        with session_scope(engine) as writing:
            make.member(writing, "Ajuntament de Reus", municipality_code="43123")
        # ... and the backup's later reads still see the database as it was.
        assert reading.scalar(select(func.count()).select_from(Member)) == seen == 1
    assert _members(engine) == 2
