"""Who may sign in, from the command line: how the first administrator of a new server is
created, and how access is managed when no administrator can sign in.

    python -m scripts.users add E-MAIL --name "Nom i cognoms" --role admin|coordinacio|comissio
    python -m scripts.users list
    python -m scripts.users deactivate E-MAIL
    python -m scripts.users activate E-MAIL
    python -m scripts.users role E-MAIL admin|coordinacio|comissio

Roles are accepted by their Catalan names (with or without accents) or the stored values
(``admin``, ``staff``, ``commission``). Nobody signs in here: whoever can run this already
holds the database, so the command runs with every right, and the audit log records the
operating-system account ("root (compte del sistema)").

Exit status: 0 when done, 1 when refused (nothing is written), 2 for bad usage. The database is
the configured one (``XMESS_DATABASE_URL`` or ``.streamlit/secrets.toml``); when it fails
(unreachable, behind the code, read-only, ...) one English line on stderr says so, and the exit
status is the failure's (``db.problems``, the README's table).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.migrate import schema_status
from db.models import UserRole
from db.problems import exit_on_database_problem
from db.session import describe_url, make_engine, run_write, session_scope
from services import users
from services.access import ROLE_LABELS, Actor, system_actor
from services.errors import ValidationError
from services.formatting import fmt_datetime
from settings import database_url

ROLES_HELP = "admin, coordinacio o comissio"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.users",
        description="Gestiona qui pot iniciar la sessió al quadre de comandament, i amb quin rol.",
    )
    commands = parser.add_subparsers(dest="command", metavar="ORDRE", required=True)
    add = commands.add_parser("add", help="afegeix un usuari, actiu")
    add.add_argument("email", metavar="E-MAIL", help="el correu amb què inicia la sessió")
    add.add_argument("--name", required=True, metavar="NOM", help="nom i cognoms")
    add.add_argument("--role", required=True, metavar="ROL", help=ROLES_HELP)
    commands.add_parser("list", help="llista els usuaris")
    deactivate = commands.add_parser("deactivate", help="impedeix que un usuari entri")
    deactivate.add_argument("email", metavar="E-MAIL")
    activate = commands.add_parser("activate", help="torna a deixar entrar un usuari")
    activate.add_argument("email", metavar="E-MAIL")
    role = commands.add_parser("role", help="canvia el rol d'un usuari")
    role.add_argument("email", metavar="E-MAIL")
    role.add_argument("role", metavar="ROL", help=ROLES_HELP)
    return parser


def _signed_in(moment: object) -> str:
    if not isinstance(moment, datetime) or pd.isna(moment):
        return "mai"
    return fmt_datetime(moment)


def _list(session: Session) -> int:
    frame = users.list_users(session=session)
    if frame.empty:
        print("No hi ha cap usuari. Afegiu el primer administrador amb:")
        print('  python -m scripts.users add CORREU --name "Nom i cognoms" --role admin')
        return 0
    rows = [
        (
            row.email,
            row.full_name,
            ROLE_LABELS[UserRole(str(row.role))],
            "actiu" if row.active else "desactivat",
            _signed_in(row.last_signed_in_at),
        )
        for row in frame.itertuples()
    ]
    header = ("Correu", "Nom", "Rol", "Estat", "Darrer inici de sessió")
    widths = [max(len(str(cells[i])) for cells in [header, *rows]) for i in range(len(header))]
    for cells in [header, *rows]:
        line = "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
        print(line.rstrip())
    active = int(frame["active"].sum())
    print(f"{len(frame)} usuaris, {active} actius.")
    return 0


def _account_line(account: users.UserAccount) -> str:
    state = "actiu" if account.active else "desactivat"
    return f"{account.email} ({account.full_name}): {ROLE_LABELS[account.role]}, {state}."


def _write(args: argparse.Namespace, actor: Actor) -> Callable[[Session], str]:
    """The command's write, as a function of the session returning what to print."""

    def add(session: Session) -> str:
        users.add_user(
            session=session, actor=actor, email=args.email, full_name=args.name, role=args.role
        )
        account = users.find_user(session=session, email=args.email)
        assert account is not None  # just added, in this transaction
        return f"Afegit: {_account_line(account)}"

    def deactivate(session: Session) -> str:
        account = users.deactivate_user(session=session, actor=actor, email=args.email)
        return f"Desactivat: {_account_line(account)}"

    def activate(session: Session) -> str:
        account = users.activate_user(session=session, actor=actor, email=args.email)
        return f"Activat: {_account_line(account)}"

    def change_role(session: Session) -> str:
        user_id = users.user_id_of(session=session, email=args.email)
        account = users.update_user(session=session, actor=actor, user_id=user_id, role=args.role)
        return f"Rol desat: {_account_line(account)}"

    writes = {"add": add, "deactivate": deactivate, "activate": activate, "role": change_role}
    return writes[args.command]


def _run(engine: Engine, args: argparse.Namespace) -> int:
    if args.command == "list":
        with session_scope(engine) as session:
            return _list(session)
    actor = system_actor()
    print(f"Al registre de canvis hi constarà: {actor.audit_name}")
    try:
        print(run_write(engine, _write(args, actor)))
    except ValidationError as error:
        print("REFUSAT: no s'ha desat res.")
        for message in error.messages:
            print(f"  - {message}")
        return 1
    return 0


@exit_on_database_problem
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    role = getattr(args, "role", None)
    if role is not None:
        try:
            users.parse_role(role)
        except ValidationError as error:
            print(f"REFUSAT: {error.messages[0]}")
            return 2
    url = database_url()
    engine = make_engine(url)
    try:
        # Unreachable, behind or ahead of the code: raised, and said by main's wrapper.
        schema_status(engine).require_up_to_date()
        print(f"Base de dades: {describe_url(url)}")
        return _run(engine, args)
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
