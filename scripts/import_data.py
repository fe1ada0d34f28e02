"""Bulk import from the command line, with the same checks as the Dades page.

    python -m scripts.import_data KIND FILE [--dry-run] [--user E-MAIL]

KIND is one of membres, persones, contactes, esdeveniments, inscripcions, activitats (or
members, persons, interactions, events, registrations, plan_activities), or ``copia`` to
restore a full backup (XLSX from the Dades page) into an empty database. FILE is a CSV (comma
or semicolon; UTF-8, with or without BOM, or Windows-1252) or an XLSX workbook.

The report goes to stdout. Exit status: 0 when everything was imported (or, with --dry-run,
would be), 1 when anything is refused (then nothing at all is written), 2 for bad usage. The
database is the configured one (``XMESS_DATABASE_URL`` or ``.streamlit/secrets.toml``); when it
fails (unreachable, behind the code, read-only, full, ...) one English line on stderr says so,
and the exit status is the failure's (``db.problems``, the README's table).

The audit log records ``--user``: the e-mail of an active administrator on the users' list
(``python -m scripts.users list``). Without it, the operating-system account that runs the
command is recorded, marked as such ("root (compte del sistema)").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine

from db.migrate import schema_status
from db.problems import exit_on_database_problem
from db.session import describe_url, make_engine, run_write, session_scope, write_scope
from scripts.acting import command_actor
from services import backup, importing
from services.access import Actor, Right
from services.catalan import plural
from services.clock import catalan_today
from services.errors import ValidationError
from services.formatting import fmt_number
from settings import database_url

RESTORE_KINDS = {"copia", "còpia", "backup", "restore"}


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.import_data",
        description="Importa un fitxer CSV o XLSX a la base de dades del quadre de comandament.",
    )
    parser.add_argument(
        "kind",
        metavar="KIND",
        help="membres, persones, contactes, esdeveniments, inscripcions, activitats o copia",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="fitxer .csv o .xlsx")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="comprova-ho tot i mostra què es faria, sense desar res",
    )
    parser.add_argument(
        "--user",
        metavar="E-MAIL",
        help="correu d'un administrador actiu, que constarà al registre de canvis (per "
        "defecte: el compte del sistema que executa l'ordre)",
    )
    return parser


def _print_problems(problems: tuple[str, ...] | list[str]) -> None:
    print(f"REFUSAT: no s'ha desat res. {plural(len(problems), 'problema', 'problemes')}:")
    for problem in problems:
        print(f"  - {problem}")


def _restore(engine: Engine, data: bytes, dry_run: bool, actor: Actor) -> int:
    try:
        with write_scope(engine) as session:
            result = backup.restore_xlsx(session=session, data=data, actor=actor)
            for table, count in result.rows:
                print(f"  {table}: {plural(count, 'fila', 'files')}")
            if dry_run:
                raise _DryRun
    except ValidationError as error:
        _print_problems(error.messages)
        return 1
    except _DryRun:
        print(
            f"Prova (--dry-run): es restaurarien {plural(result.total, 'fila', 'files')}. "
            "No s'ha desat res."
        )
        return 0
    print(
        f"Còpia restaurada: {plural(result.total, 'fila', 'files')} "
        f"(còpia del {result.created_at})."
    )
    return 0


@exit_on_database_problem
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.file.is_file():
        print(f"REFUSAT: no es troba el fitxer {args.file}.")
        return 1
    data = args.file.read_bytes()
    url = database_url()
    engine = make_engine(url)
    try:
        # Unreachable, behind or ahead of the code: raised, and said by main's wrapper.
        schema_status(engine).require_up_to_date()
        print(f"Base de dades: {describe_url(url)}")
        actor = command_actor(
            engine, args.user, right=Right.IMPORT, reserved="importar és per a administradors"
        )
        if isinstance(actor, str):
            print(actor)
            return 1
        print(f"Al registre de canvis hi constarà: {actor.audit_name}")
        if args.kind.strip().lower() in RESTORE_KINDS:
            return _restore(engine, data, args.dry_run, actor)
        try:
            kind = importing.kind_code(args.kind)
        except ValidationError as error:
            print(f"REFUSAT: {error.messages[0]}")
            return 2
        today = catalan_today()
        arguments = {"kind": kind, "data": data, "file_name": args.file.name, "today": today}
        try:
            if args.dry_run:
                with session_scope(engine) as session:
                    preview = importing.preview_import(session=session, **arguments)
            else:
                # The write lock from the start (SQLite), a deadlock run again once (PostgreSQL).
                preview = run_write(
                    engine,
                    lambda session: importing.import_file(
                        session=session, actor=actor, **arguments
                    ),
                )
        except ValidationError as error:
            _print_problems(error.messages)
            return 1
        header = (
            f", capçalera a la fila {preview.header_line}"
            if preview.header_line is not None
            else ""
        )
        print(
            f"{importing.kinds()[kind]} des de {args.file.name} "
            f"({preview.file_format or '?'}{header}): {preview.summary()}"
        )
        for note in preview.notes:
            print(f"Nota: {note}")
        if preview.problems:
            _print_problems(preview.problems)
            return 1
        if args.dry_run:
            print("Prova (--dry-run): no s'ha desat res.")
        elif not preview.can_import:
            print("No hi havia res de nou: la base de dades ja tenia aquestes dades.")
        else:
            print(
                f"Importat: {plural(preview.created, 'nou', 'nous')}, "
                f"{plural(preview.updated, 'actualitzat', 'actualitzats')}, "
                f"{fmt_number(preview.unchanged)} sense canvis."
            )
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
