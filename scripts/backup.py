"""A full backup from the command line: the same workbook as the Dades page's download.

    python -m scripts.backup OUT.xlsx [--user E-MAIL]

OUT.xlsx receives the whole database (every table, reference data and the audit log too), one
sheet per table, exactly as ``services.backup`` writes it; ``python -m scripts.import_data copia
OUT.xlsx`` restores it into an empty, migrated database of the same schema revision.

The file appears whole or not at all: it is written to a temporary file in the same folder and
renamed over OUT.xlsx only once complete, so a nightly job that fails (or is stopped) never
leaves half a workbook under the name a restore would pick. The workbook holds every person's
data: it is created readable by its owner only.

Exit status: 0 when the backup was written, 1 when refused (nothing is written), 2 for bad
usage. The database is the configured one (``XMESS_DATABASE_URL`` or ``.streamlit/secrets.toml``);
when it fails (unreachable, behind the code, ...) one English line on stderr says so, and the
exit status is the failure's (``db.problems``, the README's table); no file is written then.

``--user`` names an active administrator on the users' list (``python -m scripts.users list``);
without it, the command runs as the operating-system account ("root (compte del sistema)"),
which holds the database anyway. Taking a backup writes nothing, so nothing is audited.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from db.migrate import schema_status
from db.problems import exit_on_database_problem
from db.session import describe_url, make_engine, snapshot_scope
from scripts.acting import command_actor
from services import backup
from services.access import Right
from services.formatting import fmt_number
from settings import database_url

# The temporary file is ".OUT.xlsx.<random>.part": hidden, and never taken for a backup (or
# deleted) by a rotation rule on "*.xlsx".
TEMPORARY_SUFFIX = ".part"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.backup",
        description="Desa una còpia de seguretat completa de la base de dades (un llibre XLSX).",
    )
    parser.add_argument("out", metavar="OUT.xlsx", type=Path, help="el fitxer .xlsx que es desa")
    parser.add_argument(
        "--user",
        metavar="E-MAIL",
        help="correu d'un administrador actiu que fa la còpia (per defecte: el compte del "
        "sistema que executa l'ordre)",
    )
    return parser


def _output_refusal(out: Path) -> tuple[str, int] | None:
    """Why ``out`` cannot receive the backup, with the exit status, or ``None``. Checked
    before the database is touched, so a typo costs nothing."""
    if out.suffix.lower() != ".xlsx":
        return (
            f"REFUSAT: la còpia és un llibre XLSX; el nom del fitxer ha d'acabar en .xlsx ({out}).",
            2,
        )
    if out.is_dir():
        return f"REFUSAT: {out} és una carpeta; doneu el nom del fitxer .xlsx.", 1
    if not out.parent.is_dir():
        # Not created for the user: a mistyped folder would otherwise silently collect backups
        # that nobody looks for.
        return f"REFUSAT: no existeix la carpeta {out.parent}.", 1
    return None


def write_atomically(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` so that ``path`` is always either what it was or the whole new
    file: a temporary file in the same folder (a rename is atomic only within one file
    system), on disk before the rename, and the folder's new entry on disk after it, so that
    a power cut right after a nightly backup does not lose it. mkstemp creates the file
    readable by its owner only, which is what a file of everyone's personal data needs."""
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _size(count: int) -> str:
    """A file size as people read it (decimal units, Catalan digits)."""
    if count < 1_000_000:
        return f"{fmt_number(count / 1000, 1)} kB"
    return f"{fmt_number(count / 1_000_000, 1)} MB"


@exit_on_database_problem
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out: Path = args.out
    refusal = _output_refusal(out)
    if refusal is not None:
        print(refusal[0])
        return refusal[1]
    url = database_url()
    engine = make_engine(url)
    try:
        # The workbook records the schema revision and restores only into that same one: a
        # database behind (or ahead of) the code, or unreachable, is raised here and said by
        # main's wrapper, before anything is written.
        schema_status(engine).require_up_to_date()
        print(f"Base de dades: {describe_url(url)}")
        actor = command_actor(
            engine,
            args.user,
            right=Right.BACKUP,
            reserved="les còpies de seguretat són per a administradors",
        )
        if isinstance(actor, str):
            print(actor)
            return 1
        print(f"Còpia feta com a: {actor.audit_name}")
        with snapshot_scope(engine) as session:
            data = backup.backup_xlsx(session=session, actor=actor)
            # In the same snapshot: the counts are the workbook's own.
            counts = backup.row_counts(session=session)
    finally:
        engine.dispose()
    try:
        write_atomically(out, data)
    except OSError as error:
        print(f"REFUSAT: no s'ha pogut desar {out}: {error.strerror or error}. No s'ha desat res.")
        return 1
    for table, rows in zip(counts["table"], counts["rows"], strict=True):
        print(f"  {table}: {fmt_number(int(rows))} files")
    print(
        f"Còpia desada a {out}: {fmt_number(len(counts))} taules, "
        f"{fmt_number(int(counts['rows'].sum()))} files, {_size(len(data))}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
