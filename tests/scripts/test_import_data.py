"""The command line: a report on stdout, exit 1 (and nothing written) when anything is refused."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.migrate import upgrade_to_head
from db.models import AppUser, AuditLog, Member, UserRole
from db.session import make_engine, session_scope
from scripts.import_data import main
from services.backup import backup_xlsx
from tests import factories as make
from tests.factories import admin
from tests.import_shapes import EXPECTED, SHAPES, Shape

MEMBERS = (
    "Nom;Tipus d'ens;Municipi;Data d'alta\n"
    "Ajuntament de Vic;Ajuntament;Vic;01/02/2020\n"
    "Ajuntament de Tàrrega;Ajuntament;25217;15/01/2024\n"
)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(make_engine(url))
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    return url


def _members(url: str) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(Member)) or 0


def _file(tmp_path: Path, text: str | bytes, name: str = "membres.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def _user(url: str, email: str, role: UserRole, active: bool = True) -> None:
    with session_scope(make_engine(url)) as session:
        session.add(AppUser(email=email, full_name=email, role=role, active=active))


def _audit_names(url: str) -> set[str]:
    with Session(make_engine(url)) as session:
        return set(session.scalars(select(AuditLog.username)))


def test_import_reports_and_exits_zero(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _user(database, "marta@xmess.cat", UserRole.ADMIN)
    assert main(["members", _file(tmp_path, MEMBERS), "--user", "Marta@xmess.cat"]) == 0
    out = capsys.readouterr().out
    assert "2 files: 2 nous, 0 actualitzats" in out
    assert "Importat: 2 nous" in out
    assert _members(database) == 2
    assert _audit_names(database) == {"marta@xmess.cat"}
    # Again: nothing new, still a success.
    assert main(["membres", _file(tmp_path, MEMBERS)]) == 0
    assert "ja tenia aquestes dades" in capsys.readouterr().out


def test_without_user_the_os_account_is_recorded_as_such(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["membres", _file(tmp_path, MEMBERS)]) == 0
    account = f"{getpass.getuser()} (compte del sistema)"
    assert f"Al registre de canvis hi constarà: {account}" in capsys.readouterr().out
    assert _audit_names(database) == {account}


@pytest.mark.parametrize(
    ("email", "role", "active", "expected"),
    [
        ("ningu@xmess.cat", None, True, "no és cap usuari actiu"),
        ("jordi@xmess.cat", UserRole.ADMIN, False, "no és cap usuari actiu"),
        ("laia@xmess.cat", UserRole.STAFF, True, "importar és per a administradors"),
        ("comissio@xmess.cat", UserRole.COMMISSION, True, "importar és per a administradors"),
    ],
)
def test_only_an_active_admin_may_be_named_as_the_importer(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    email: str,
    role: UserRole | None,
    active: bool,
    expected: str,
) -> None:
    if role is not None:
        _user(database, email, role, active)
    assert main(["membres", _file(tmp_path, MEMBERS), "--user", email]) == 1
    assert expected in capsys.readouterr().out
    assert _members(database) == 0


def test_dry_run_writes_nothing(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["membres", _file(tmp_path, MEMBERS), "--dry-run"]) == 0
    assert "Prova (--dry-run): no s'ha desat res." in capsys.readouterr().out
    assert _members(database) == 0


def test_a_refused_row_exits_one_and_writes_nothing(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = MEMBERS + "Ajuntament de Reus;Ajuntament;Reus;31/02/2026\n"
    assert main(["membres", _file(tmp_path, bad)]) == 1
    out = capsys.readouterr().out
    assert "REFUSAT: no s'ha desat res." in out
    assert "fila 4, columna *Data d'alta*: «31/02/2026» no és una data" in out
    assert _members(database) == 0


@pytest.mark.parametrize(
    ("arguments", "status", "expected"),
    [
        (["astronautes", "FILE"], 2, "no és cap tipus d'importació"),
        (["membres", "/no/such/file.csv"], 1, "no es troba el fitxer"),
        (["membres", "EMPTY"], 1, "és buit"),
    ],
)
def test_bad_usage_is_answered(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    status: int,
    expected: str,
) -> None:
    replaced = [
        _file(tmp_path, MEMBERS)
        if a == "FILE"
        else _file(tmp_path, b"", "e.csv")
        if a == "EMPTY"
        else a
        for a in arguments
    ]
    assert main(replaced) == status
    assert expected in capsys.readouterr().out


def test_restore_a_backup_into_an_empty_database(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(database)
    with session_scope(engine) as session:
        make.member(session, "Ajuntament de Vic")
        data = backup_xlsx(session=session, actor=admin())
    backup_file = _file(tmp_path, data, "copia.xlsx")
    assert main(["copia", backup_file]) == 1  # not empty
    assert "La base de dades no és buida" in capsys.readouterr().out

    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(empty))
    monkeypatch.setenv("XMESS_DATABASE_URL", empty)
    assert main(["copia", backup_file, "--dry-run"]) == 0
    assert _members(empty) == 0
    assert main(["copia", backup_file]) == 0
    assert "Còpia restaurada" in capsys.readouterr().out
    assert _members(empty) == 1


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_every_spreadsheet_shape_from_the_command_line(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shape: Shape,
) -> None:
    # On SQLite and PostgreSQL: the command opens its own engine on the test database.
    monkeypatch.setenv("XMESS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    status = main([shape.kind, _file(tmp_path, shape.data, shape.file_name)])
    out = capsys.readouterr().out
    for fragment in (*shape.notes, *shape.problems):
        assert fragment in out, out
    with Session(engine) as session:
        stored = session.execute(
            select(Member.name, Member.municipality_code, Member.joined_on).order_by(Member.name)
        ).all()
    if shape.readable:
        assert status == 0, out
        assert f"capçalera a la fila {shape.header_line}" in out
        assert [tuple(row) for row in stored] == sorted((n, c, d) for n, _, c, d, _ in EXPECTED)
    else:
        assert status == 1 and "REFUSAT: no s'ha desat res." in out
        assert stored == []
