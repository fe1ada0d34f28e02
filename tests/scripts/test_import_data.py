"""The command line: a report on stdout, exit 1 (and nothing written) when anything is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.migrate import upgrade_to_head
from db.models import Member
from db.session import make_engine, session_scope
from scripts.import_data import main
from services.backup import backup_xlsx
from tests import factories as make

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


def test_import_reports_and_exits_zero(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["members", _file(tmp_path, MEMBERS), "--user", "marta"]) == 0
    out = capsys.readouterr().out
    assert "2 files: 2 nous, 0 actualitzats" in out
    assert "Importat: 2 nous" in out
    assert _members(database) == 2
    # Again: nothing new, still a success.
    assert main(["membres", _file(tmp_path, MEMBERS)]) == 0
    assert "ja tenia aquestes dades" in capsys.readouterr().out


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
    assert "fila 4, columna *Data d'alta*: 31/02/2026 no és una data" in out
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
        data = backup_xlsx(session=session)
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
