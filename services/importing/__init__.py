"""Importing the team's spreadsheets: members, persons, interactions, events, registrations
and plan activities, from CSV or XLSX.

``preview_import`` reads and checks a whole file and says, per row, what would be created,
updated or refused and why (in Catalan, naming the row and the column); it writes nothing.
``apply_import`` does the same checks and then writes everything in the caller's transaction,
or raises ``ValidationError`` and writes nothing: a file with one refused row imports no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from services.access import Actor, Right, needs, require
from services.catalan import with_de
from services.errors import ValidationError
from services.frames import frame_of
from services.importing.base import (
    ACTION_LABELS,
    CREATE,
    DUPLICATE,
    REFUSED,
    UNCHANGED,
    UPDATE,
    Importer,
    KindSpec,
    RowPlan,
    RowReader,
)
from services.importing.event_rows import EventImporter
from services.importing.exporting import EXPORTERS
from services.importing.interaction_rows import InteractionImporter
from services.importing.layout import (
    HEADER_SEARCH_ROWS,
    columns_by_name,
    header_index,
    lay_out,
)
from services.importing.member_rows import MemberImporter
from services.importing.person_rows import PersonImporter
from services.importing.plan_rows import PlanActivityImporter
from services.importing.reading import RawTable, read_table
from services.importing.registration_rows import RegistrationImporter
from services.importing.values import is_blank, key

IMPORTERS: dict[str, type[Importer]] = {
    importer.spec.code: importer
    for importer in (
        MemberImporter,
        PersonImporter,
        InteractionImporter,
        EventImporter,
        RegistrationImporter,
        PlanActivityImporter,
    )
}
# The command line also takes the English names of the tables.
KIND_ALIASES = {
    "members": "membres",
    "persons": "persones",
    "interactions": "contactes",
    "events": "esdeveniments",
    "registrations": "inscripcions",
    "plan_activities": "activitats",
    "plan-activities": "activitats",
}

# A preview's rows: the file's line, what importing it does (an action of ``ACTION_LABELS``),
# the record it names and why (what changes, or what is refused).
PREVIEW_COLUMNS = ["line", "action", "record", "detail"]
# The columns a kind's file takes: its header, whether it is needed, its values, other headers.
HELP_COLUMNS = ["column", "required", "values", "aliases"]


def kinds() -> dict[str, str]:
    """Kind code → its Catalan label, in the order the page offers them."""
    return {code: importer.spec.label for code, importer in IMPORTERS.items()}


def kind_code(name: str) -> str:
    """``members``, ``Membres`` or ``membres`` → ``membres``; ``ValidationError`` otherwise."""
    code = KIND_ALIASES.get(name.strip().lower(), name.strip().lower())
    if code not in IMPORTERS:
        valid = ", ".join([*IMPORTERS, *KIND_ALIASES])
        raise ValidationError([f"«{name}» no és cap tipus d'importació (tipus: {valid})."])
    return code


def spec(kind: str) -> KindSpec:
    return IMPORTERS[kind_code(kind)].spec


def columns_help(kind: str) -> pd.DataFrame:
    """The columns a kind's file takes (``HELP_COLUMNS``), for the page and the README;
    ``required`` says in Catalan when a value is needed."""
    return frame_of(
        [
            (
                column.header,
                "Sí" if column.required else ("Per crear-ne un de nou" if column.needed else "No"),
                column.help,
                ", ".join(column.aliases),
            )
            for column in spec(kind).columns
        ],
        HELP_COLUMNS,
    )


def template(kind: str) -> pd.DataFrame:
    """An empty table with the kind's columns: the file to fill in."""
    return pd.DataFrame(columns=[column.header for column in spec(kind).columns])


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    file_name: str
    file_format: str = ""
    # The file's row taken as the header (a title block above it is left out); None when the
    # file could not be read at all.
    header_line: int | None = None
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PREVIEW_COLUMNS))
    # Everything that stops the import: file-level problems first, then each refused cell.
    problems: tuple[str, ...] = ()
    # Worth knowing, stops nothing: ignored columns, encodings, repeated rows skipped.
    notes: tuple[str, ...] = ()
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    refused: int = 0

    @property
    def can_import(self) -> bool:
        return not self.problems and (self.created + self.updated) > 0

    def summary(self) -> str:
        """One Catalan sentence with the counts."""
        parts = [
            _counted(self.created, "nou", "nous"),
            _counted(self.updated, "actualitzat", "actualitzats"),
            f"{self.unchanged} sense canvis",
        ]
        if self.duplicates:
            parts.append(_counted(self.duplicates, "repetit", "repetits"))
        parts.append(_counted(self.refused, "refusat", "refusats"))
        return _counted(len(self.rows), "fila", "files") + ": " + ", ".join(parts) + "."


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int
    updated: int
    unchanged: int
    duplicates: int


def _map_headers(
    headers: tuple[str, ...], header_line: int, kind_spec: KindSpec
) -> tuple[dict[str, int], list[str], list[str]]:
    """Column key → position in the file; problems; notes."""
    by_name = columns_by_name(kind_spec)
    positions: dict[str, int] = {}
    problems: list[str] = []
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        found = by_name.get(key(header))
        if found is None:
            ignored.append(header)
            continue
        if found.key in positions:
            first = headers[positions[found.key]]
            problems.append(
                f"Les columnes «{first}» i «{header}» són la mateixa dada "
                f"(*{found.header}*): deixeu-ne només una."
            )
            continue
        positions[found.key] = index
    missing = [c.header for c in kind_spec.columns if c.required and c.key not in positions]
    if missing:
        expected = ", ".join(c.header for c in kind_spec.columns)
        present = ", ".join(f"«{h}»" for h in headers if h) or "res"
        if positions:
            where = (
                f"La fila {header_line} sembla la capçalera, però no la té (columnes possibles: "
                f"{expected}); s'hi ha trobat: {present}."
            )
        else:
            where = (
                f"Cap de les primeres {HEADER_SEARCH_ROWS} files no té els noms de les columnes "
                f"({expected}); a la fila {header_line} hi ha: {present}."
            )
        problems.insert(0, f"Falta la columna {', '.join(f'*{m}*' for m in missing)}. {where}")
    # Headers are quoted: they are the file's words, not the app's.
    unknown = ", ".join(f"«{name}»" for name in ignored)
    notes = [f"Columnes que no s'importen (no les reconeixem): {unknown}."] if ignored else []
    return positions, problems, notes


def _looks_like(table: RawTable, code: str) -> str | None:
    """The kind this file's columns fit better than ``code``'s, said in Catalan; or None.

    Better: that kind's header names all its required columns and more of its columns than
    ``code``'s header names of ``code``'s. The file is then refused even when its rows would
    go through: a persons file read as members would create a member per person."""
    _, own = header_index(table, IMPORTERS[code].spec)
    best: tuple[int, KindSpec, set[str]] | None = None
    for other, importer in IMPORTERS.items():
        other_spec = importer.spec
        if other == code:
            continue
        _, matched = header_index(table, other_spec)
        required = {c.key for c in other_spec.columns if c.required}
        if required <= matched and len(matched) > max(len(own), best[0] if best else 0):
            best = (len(matched), other_spec, matched)
    if best is None:
        return None
    _, other_spec, matched = best
    named = ", ".join(c.header for c in other_spec.columns if c.key in matched)
    return (
        f"Aquest fitxer sembla {with_de(other_spec.label.lower())}, no "
        f"{with_de(IMPORTERS[code].spec.label.lower())} (té les columnes {named}): trieu "
        f"«{other_spec.label}» a «Què voleu importar?» (a la "
        f"línia d'ordres: {other_spec.code})."
    )


@dataclass
class _Plan:
    kind: str
    file_name: str
    file_format: str = ""
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    importer: Importer | None = None
    header_line: int | None = None
    looks_like: str | None = None


def _plan(session: Session, kind: str, data: bytes, file_name: str, today: date) -> _Plan:
    plan = _plan_rows(session, kind, data, file_name, today)
    if plan.looks_like is not None:
        plan.problems.insert(0, plan.looks_like)
    return plan


def _plan_rows(session: Session, kind: str, data: bytes, file_name: str, today: date) -> _Plan:
    code = kind_code(kind)
    plan = _Plan(kind=code, file_name=file_name)
    try:
        table = read_table(data, file_name)
    except ValidationError as error:
        plan.problems.extend(error.messages)
        return plan
    plan.file_format = table.file_format
    plan.notes.extend(table.notes)
    importer = IMPORTERS[code](session, today)
    layout = lay_out(table, importer.spec)
    plan.header_line = layout.header_line
    positions, problems, notes = _map_headers(layout.headers, layout.header_line, importer.spec)
    plan.notes.extend(layout.notes)
    plan.notes.extend(notes)
    # Said first, whatever else is refused: the kind chosen is the likelier mistake.
    plan.looks_like = _looks_like(table, code)
    if problems:
        plan.problems.extend(problems)
        return plan
    if not layout.rows:
        plan.problems.append(
            f"El fitxer només té la fila de capçalera (fila {layout.header_line}): no hi ha "
            "cap fila per importar."
        )
        return plan
    headers = {column: layout.headers[index] for column, index in positions.items()}
    width = len(layout.headers)
    readers: list[RowReader | RowPlan] = []
    for line, cells in layout.rows:
        if len(cells) > width and any(not is_blank(c) for c in cells[width:]):
            readers.append(
                RowPlan(
                    line,
                    REFUSED,
                    messages=[
                        f"fila {line}: té {len(cells)} valors però la capçalera només "
                        f"{width} columnes (potser un separador de més dins d'un text "
                        "sense cometes)"
                    ],
                )
            )
            continue
        readers.append(
            RowReader(
                line,
                {col: cells[i] if i < len(cells) else None for col, i in positions.items()},
                headers,
            )
        )
    importer.prepare([r for r in readers if isinstance(r, RowReader)])
    for reader in readers:
        plan.rows.append(importer.plan_row(reader) if isinstance(reader, RowReader) else reader)
    importer.finish(plan.rows)
    plan.importer = importer
    plan.notes.extend(importer.reading_notes())
    plan.problems.extend(m for r in plan.rows if r.action == REFUSED for m in r.messages)
    duplicates = sum(1 for r in plan.rows if r.action == DUPLICATE)
    if duplicates == 1:
        plan.notes.append("1 fila repetida dins del fitxer: s'importa només la primera.")
    elif duplicates:
        plan.notes.append(
            f"{duplicates} files repetides dins del fitxer: s'importa només la primera de cada."
        )
    return plan


def _preview(plan: _Plan) -> ImportPreview:
    importer = plan.importer
    frame = frame_of(
        [
            (
                r.line,
                r.action,
                r.label,
                importer.describe(r) if importer else "; ".join(r.messages),
            )
            for r in plan.rows
        ],
        PREVIEW_COLUMNS,
    )
    counts = {action: 0 for action in ACTION_LABELS}
    for row in plan.rows:
        counts[row.action] += 1
    return ImportPreview(
        kind=plan.kind,
        file_name=plan.file_name,
        file_format=plan.file_format,
        header_line=plan.header_line,
        rows=frame,
        problems=tuple(plan.problems),
        notes=tuple(plan.notes),
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        duplicates=counts[DUPLICATE],
        refused=counts[REFUSED],
    )


@reads(Area.MEMBERS, Area.REFERENCE, Area.USERS)
@needs(Right.IMPORT)
def preview_import(
    *, session: Session, kind: str, data: bytes, file_name: str, today: date
) -> ImportPreview:
    """What importing ``data`` would do, row by row; writes nothing."""
    return _preview(_plan(session, kind, data, file_name, today))


def _write(session: Session, plan: _Plan, username: str) -> None:
    if plan.problems:
        raise ValidationError(plan.problems)
    if plan.importer is None:
        raise ValidationError(["No hi ha res per importar."])
    try:
        plan.importer.write(plan.rows, username)
        session.flush()
    except IntegrityError as error:
        # Checks run first, so this is a race (someone wrote the same row meanwhile) or a
        # rule we do not check: refuse the whole file, the caller's transaction rolls back.
        # Any other database failure (locked, read-only, full) is not the file's fault: it
        # goes up as it is, for the caller to say what it means (db.problems).
        detail = str(getattr(error, "orig", None) or error).splitlines()[0][:300]
        raise ValidationError(
            [f"La base de dades ha refusat la importació i no s'ha desat res: {detail}"]
        ) from error


def apply_import(
    *, session: Session, kind: str, data: bytes, file_name: str, today: date, actor: Actor
) -> ImportResult:
    """Check ``data`` as ``preview_import`` does and write it all, in the caller's
    transaction. Raises ``ValidationError`` (and writes nothing) when anything is refused."""
    require(actor, Right.IMPORT)
    preview = import_file(
        session=session,
        kind=kind,
        data=data,
        file_name=file_name,
        today=today,
        actor=actor,
    )
    if preview.problems:
        raise ValidationError(list(preview.problems))
    return ImportResult(
        kind=preview.kind,
        created=preview.created,
        updated=preview.updated,
        unchanged=preview.unchanged,
        duplicates=preview.duplicates,
    )


def import_file(
    *, session: Session, kind: str, data: bytes, file_name: str, today: date, actor: Actor
) -> ImportPreview:
    """Plan once and, when nothing is refused, write (the command line's single pass).

    Returns the preview; when it has problems nothing was written. A database error while
    writing raises ``ValidationError``; the caller's transaction must then roll back."""
    require(actor, Right.IMPORT)
    plan = _plan(session, kind, data, file_name, today)
    if not plan.problems:
        _write(session, plan, actor.audit_name)
    return _preview(plan)


@needs(Right.IMPORT)
def current_rows(*, session: Session, kind: str) -> pd.DataFrame:
    """What is stored, in ``kind``'s import format: an unedited download imports as
    "sense canvis", an edited one updates what changed."""
    code = kind_code(kind)
    frame = EXPORTERS[code](session)
    return frame if not frame.empty else template(code)
