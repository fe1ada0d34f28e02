"""``python -m scripts.users``: the first admin of a new server, the list, and refusals."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.migrate import upgrade_to_head
from db.models import AppUser, AuditLog, UserRole
from db.session import make_engine, session_scope
from scripts.users import main
from services.users import find_user, record_sign_in


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    upgrade_to_head(make_engine(url))
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    return url


def _users(url: str) -> dict[str, tuple[UserRole, bool]]:
    with Session(make_engine(url)) as session:
        return {
            email: (role, active)
            for email, role, active in session.execute(
                select(AppUser.email, AppUser.role, AppUser.active)
            )
        }


def test_the_first_admin_is_created_as_the_system_account(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"]) == 0
    assert "No hi ha cap usuari" in capsys.readouterr().out
    assert main(["add", "Cap@XMESS.cat", "--name", "Núria Cap", "--role", "admin"]) == 0
    out = capsys.readouterr().out
    account = f"{getpass.getuser()} (compte del sistema)"
    assert f"Al registre de canvis hi constarà: {account}" in out
    assert "Afegit: cap@xmess.cat (Núria Cap): admin, actiu." in out
    assert _users(database) == {"cap@xmess.cat": (UserRole.ADMIN, True)}
    with Session(make_engine(database)) as session:
        entry = session.scalars(select(AuditLog)).one()
    assert (entry.username, entry.table_name) == (account, "app_user")


@pytest.mark.parametrize(
    ("role", "stored"),
    [
        ("coordinacio", UserRole.STAFF),
        ("coordinació", UserRole.STAFF),
        ("staff", UserRole.STAFF),
        ("comissio", UserRole.COMMISSION),
        ("commission", UserRole.COMMISSION),
    ],
)
def test_roles_in_catalan_or_english(database: str, role: str, stored: UserRole) -> None:
    assert main(["add", "anna@xmess.cat", "--name", "Anna", "--role", role]) == 0
    assert _users(database) == {"anna@xmess.cat": (stored, True)}


def test_list_shows_roles_states_and_last_sign_in(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "cap@xmess.cat", "--name", "Núria Cap", "--role", "admin"]) == 0
    assert main(["add", "anna@xmess.cat", "--name", "Anna Puig", "--role", "comissio"]) == 0
    assert main(["deactivate", "anna@xmess.cat"]) == 0
    with session_scope(make_engine(database)) as session:
        cap = find_user(session=session, email="cap@xmess.cat")
        assert cap is not None
        record_sign_in(
            session=session, user_id=cap.user_id, at=datetime(2026, 1, 15, 8, 5, tzinfo=UTC)
        )
    capsys.readouterr()
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    cap_line = next(line for line in lines if line.startswith("cap@xmess.cat"))
    anna_line = next(line for line in lines if line.startswith("anna@xmess.cat"))
    assert "Núria Cap" in cap_line and "admin" in cap_line and "actiu" in cap_line
    assert "15/01/2026 09:05" in cap_line  # Catalan winter time
    assert "comissió" in anna_line and "desactivat" in anna_line and "mai" in anna_line
    assert "2 usuaris, 1 actius." in lines


def test_activate_and_change_role(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "cap@xmess.cat", "--name", "Cap", "--role", "admin"]) == 0
    assert main(["add", "anna@xmess.cat", "--name", "Anna", "--role", "comissio"]) == 0
    assert main(["deactivate", "anna@xmess.cat"]) == 0
    assert main(["activate", "ANNA@xmess.cat"]) == 0
    assert main(["role", "anna@xmess.cat", "coordinació"]) == 0
    assert "Rol desat: anna@xmess.cat (Anna): coordinació, actiu." in capsys.readouterr().out
    assert _users(database)["anna@xmess.cat"] == (UserRole.STAFF, True)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["add", "no és un correu", "--name", "X", "--role", "admin"], "Correu: «no és un"),
        (["add", "cap@xmess.cat", "--name", "Un altre", "--role", "admin"], "ja és a la llista"),
        (["deactivate", "cap@xmess.cat"], "Actiu: Cap és l'únic administrador actiu"),
        (["role", "cap@xmess.cat", "comissio"], "Rol: Cap és l'únic administrador actiu"),
        (["deactivate", "ningu@xmess.cat"], "Correu: «ningu@xmess.cat» no és a la llista"),
    ],
)
def test_refusals_exit_one_and_write_nothing(
    database: str, capsys: pytest.CaptureFixture[str], arguments: list[str], expected: str
) -> None:
    assert main(["add", "cap@xmess.cat", "--name", "Cap", "--role", "admin"]) == 0
    capsys.readouterr()
    assert main(arguments) == 1
    out = capsys.readouterr().out
    assert "REFUSAT: no s'ha desat res." in out
    assert expected in out
    assert _users(database) == {"cap@xmess.cat": (UserRole.ADMIN, True)}


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["esborra", "cap@xmess.cat"],
        ["add", "cap@xmess.cat", "--role", "admin"],
        ["add", "cap@xmess.cat", "--name", "Cap", "--role", "superusuari"],
        ["role", "cap@xmess.cat", "rei"],
    ],
)
def test_bad_usage_exits_two(database: str, arguments: list[str]) -> None:
    try:
        status = main(arguments)
    except SystemExit as exit_:  # argparse's own refusals
        status = int(exit_.code or 0)
    assert status == 2
    assert _users(database) == {}
