"""What every kind of import shares: columns, the per-row plan (create, update, unchanged,
duplicate or refused, and why), and the bulk write.

A kind (members, persons, ...) declares its columns and how a row finds the record it is
about; the rest is here. Planning reads the database once (no query per row) and writes
nothing; writing inserts with ``executemany`` and records one audit entry per row changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from db.base import Base
from db.models import AuditAction
from services.audit import json_value, record_changes
from services.errors import ValidationError
from services.formatting import fmt_date
from services.importing.reading import Cell
from services.importing.values import CellError, DateReader, is_blank, key

# Distinct values remembered per column (free text is rarely repeated: stop there).
_MEMO_LIMIT = 20_000

T = TypeVar("T")

# A record's values by model attribute: as stored (the record a row updates) or as parsed from
# a row. Each attribute has its own column's type, so the values are typed per use.
Record = dict[str, Any]

# One column's distinct cells, by type and value (``1`` is not ``True``): ``(True, parsed)``,
# or ``(False, why the cell is refused)``.
_Memo = dict[tuple[type[object], object], tuple[bool, Any]]

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"
REFUSED = "refused"

ACTION_LABELS = {
    CREATE: "Nou",
    UPDATE: "Actualització",
    UNCHANGED: "Sense canvis",
    DUPLICATE: "Duplicat (s'ignora)",
    REFUSED: "Refusat",
}


@dataclass(frozen=True)
class Column:
    """A column of an import file. ``field`` is the model attribute it writes (None when the
    kind handles it itself); ``needed`` means a new record cannot be created without it."""

    key: str
    header: str
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    needed: bool = False
    field: str | None = None
    empty: object = None

    def names(self) -> set[str]:
        return {key(self.header), key(self.key), *(key(alias) for alias in self.aliases)}


# The member a contact, a person or a registration belongs to: the same column in every file,
# so a spreadsheet headed "Ajuntament" works for each of them.
MEMBER_COLUMN = Column(
    "member",
    "Membre",
    "Nom del membre (o del seu municipi, si només n'hi ha un)",
    aliases=("ens", "member", "ajuntament"),
    required=True,
    needed=True,
    field="member_id",
)


@dataclass(frozen=True)
class KindSpec:
    code: str
    label: str
    table: str
    columns: tuple[Column, ...]
    matching: str  # how a row finds an existing record, in Catalan

    def column(self, column_key: str) -> Column:
        return next(c for c in self.columns if c.key == column_key)


class RowReader:
    """One data row: its cells by column key, and the messages that refuse it."""

    def __init__(self, line: int, cells: dict[str, Cell], headers: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.headers = headers
        self.errors: list[str] = []

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> Cell:
        return self.cells.get(column)

    def blank(self, column: str) -> bool:
        return is_blank(self.cells.get(column))

    def fail(self, column: str | None, message: str) -> None:
        if column is None:
            self.errors.append(f"fila {self.line}: {message}")
        else:
            self.errors.append(f"fila {self.line}, columna *{self.headers[column]}*: {message}")

    def parse(self, column: str, parser: Callable[[Cell], T]) -> T | None:
        """The parsed cell; None (and an error recorded) when it cannot be read."""
        try:
            return parser(self.cells.get(column))
        except CellError as error:
            self.fail(column, str(error))
            return None


@dataclass
class RowPlan:
    line: int
    action: str
    label: str = ""
    messages: list[str] = field(default_factory=list)
    values: Record = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    extra: Record = field(default_factory=dict)
    target: int | None = None
    version: int | None = None


def display(value: object) -> str:
    """A value in a preview or an audit line."""
    if value is None or value == "":
        return "(buit)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    return str(getattr(value, "value", value))


def name_of(names: Mapping[int, str], ident: object) -> str:
    """The name of the record a row's id refers to; "" when it refers to none we know."""
    return names.get(ident, "") if isinstance(ident, int) else ""


class Importer:
    """The plan and the write of one kind. Subclasses set ``spec``, ``model`` and the
    parsers, and say how a row finds its record (``identify``)."""

    spec: ClassVar[KindSpec]
    model: ClassVar[type[Base]]

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.parsers: dict[str, Callable[[Cell], Any]] = {}
        self.seen: dict[object, tuple[int, object]] = {}
        # Read by ``display_value`` for closed lists: enum → Catalan label.
        self.labels: dict[str, dict[Any, str]] = {}
        self._parse_plan: list[tuple[str, str, Callable[[Cell], Any], _Memo]] | None = None

    # -- hooks ---------------------------------------------------------------------------

    def prepare(self, rows: list[RowReader]) -> None:
        """A first look at every row before planning (names a row may refer to)."""

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        """The row's identity (for duplicates in the file) and the current values of the
        record it updates (None: it creates one)."""
        raise NotImplementedError

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        """Checks across columns; record errors on ``row``."""

    def label(self, values: Record, current: Record | None) -> str:
        raise NotImplementedError

    def extra(self, row: RowReader, values: Record, current: Record | None) -> Record:
        """Values the kind writes itself (a member's mentor, an interaction's needs)."""
        return {}

    def extra_changes(self, extra: Record, current: Record) -> dict[str, tuple[Any, Any]]:
        return {}

    def finish(self, plans: list[RowPlan]) -> None:
        """Checks across rows, once all are planned."""

    def after_insert(self, created: list[RowPlan]) -> None:
        """Write what the new rows need once they have ids."""

    def after_update(self, updated: list[RowPlan]) -> None:
        """Write what changed rows need besides their columns."""

    def display_value(self, column: str, value: object) -> str:
        labels = self.labels.get(column)
        if labels is not None and value in labels:
            return labels[value]
        return display(value)

    def reading_notes(self) -> list[str]:
        """How the cells read so far were understood where that was a guess: one note per
        column whose two-digit years were read as 20yy.

        ``parse_cells`` hands a reader each distinct cell once, so rows cannot be counted
        here: the note counts distinct dates."""
        notes: list[str] = []
        for column in self.spec.columns:
            reader = self.parsers.get(column.key)
            if not isinstance(reader, DateReader) or not reader.two_digit:
                continue
            count = len(reader.two_digit)
            first, example = next(iter(reader.two_digit.items()))
            if count == 1:
                what = f"1 data amb l'any de dues xifres ({example}) s'ha llegit"
            else:
                what = (
                    f"{count} dates diferents amb l'any de dues xifres (p. ex. {example}) "
                    "s'han llegit"
                )
            notes.append(f"Columna *{column.header}*: {what} com a 20aa ({fmt_date(first)}).")
        return notes

    # -- planning ------------------------------------------------------------------------

    def parse_cells(self, row: RowReader) -> Record:
        """The row's non-blank cells, parsed, by model attribute.

        A file repeats the same few members, dates and labels on thousands of rows: each
        distinct cell of a column is parsed once (validation in bulk, not per row)."""
        if self._parse_plan is None:
            self._parse_plan = [
                (column.key, column.field, self.parsers[column.key], {})
                for column in self.spec.columns
                if column.field is not None and column.key in self.parsers
            ]
        values: Record = {}
        cells = row.cells
        for column_key, field_name, parser, memo in self._parse_plan:
            raw = cells.get(column_key)
            if raw is None or (raw.__class__ is str and not raw.strip()):
                continue
            memo_key = (raw.__class__, raw)
            hit = memo.get(memo_key)
            if hit is None:
                try:
                    hit = (True, parser(raw))
                except CellError as error:
                    hit = (False, str(error))
                if len(memo) < _MEMO_LIMIT:
                    memo[memo_key] = hit
            if hit[0]:
                values[field_name] = hit[1]
            else:
                row.fail(column_key, hit[1])
        return values

    def complete(self, row: RowReader, values: Record, current: Record | None) -> None:
        """A new record needs every ``needed`` column and gets the empty value of blank ones.
        An update only changes what the row fills in: a blank cell never erases anything."""
        if current is not None:
            return
        cells = row.cells
        for column in self.spec.columns:
            if column.needed:
                if column.key not in cells:
                    row.fail(
                        None,
                        f"cal la columna *{column.header}* per crear un registre nou "
                        f"({self.label(values, current)})",
                    )
                elif is_blank(cells[column.key]):
                    row.fail(column.key, "el valor és obligatori i està buit")
            elif column.field is not None and column.field not in values:
                if is_blank(cells.get(column.key)):
                    values[column.field] = column.empty

    def plan_row(self, row: RowReader) -> RowPlan:
        values = self.parse_cells(row)
        identity, current = self.identify(row, values)
        self.complete(row, values, current)
        extra = self.extra(row, values, current)
        self.check(row, values, current)
        label = self.label(values, current)
        if row.errors or identity is None:
            return RowPlan(row.line, REFUSED, label, messages=row.errors)
        signature = (
            tuple(values.items()),
            tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in extra.items()),
        )
        previous = self.seen.get(identity)
        if previous is not None:
            line, previous_signature = previous
            if previous_signature == signature:
                return RowPlan(
                    row.line,
                    DUPLICATE,
                    label,
                    messages=[f"fila {row.line}: repetida, igual que la fila {line}; s'ignora"],
                )
            return RowPlan(
                row.line,
                REFUSED,
                label,
                messages=[
                    f"fila {row.line}: {label} ja és a la fila {line} amb valors diferents; "
                    "deixeu-ne només una"
                ],
            )
        self.seen[identity] = (row.line, signature)
        if current is None:
            return RowPlan(row.line, CREATE, label, values=values, extra=extra)
        changes = {
            name: (current.get(name), value)
            for name, value in values.items()
            if current.get(name) != value
        }
        changes |= self.extra_changes(extra, current)
        return RowPlan(
            row.line,
            UPDATE if changes else UNCHANGED,
            label,
            values={name: values[name] for name in changes if name in values},
            changes=changes,
            extra=extra,
            target=current["id"],
            version=current.get("version"),
        )

    def describe(self, plan: RowPlan) -> str:
        if plan.action == REFUSED or plan.action == DUPLICATE:
            return "; ".join(m.split(": ", 1)[-1] for m in plan.messages)
        if plan.action == UPDATE:
            return "; ".join(
                f"{self.header_of(name)}: {self.display_value(name, before)} → "
                f"{self.display_value(name, after)}"
                for name, (before, after) in plan.changes.items()
            )
        return ""

    def header_of(self, name: str) -> str:
        for column in self.spec.columns:
            if column.field == name or column.key == name:
                return column.header
        return name

    # -- writing -------------------------------------------------------------------------

    def insert_rows(self, plans: Sequence[RowPlan]) -> None:
        ids = insert_returning_ids(self.session, self.model, [plan.values for plan in plans])
        for plan, new_id in zip(plans, ids, strict=True):
            plan.target = new_id

    def update_rows(self, plans: Sequence[RowPlan]) -> None:
        with_columns = [plan for plan in plans if plan.values]
        table = table_of(self.model)
        for chunk_start in range(0, len(with_columns), 500):
            chunk = with_columns[chunk_start : chunk_start + 500]
            rows = {
                row_id: row
                for row_id, row in self.session.execute(
                    select(table.c.id, self.model).where(table.c.id.in_([p.target for p in chunk]))
                )
            }
            for plan in chunk:
                row = rows.get(plan.target)
                stale = row is None or (
                    plan.version is not None and getattr(row, "version", None) != plan.version
                )
                if stale:
                    raise ValidationError(
                        [
                            f"fila {plan.line}: {plan.label} ha canviat mentre s'importava "
                            "(algú l'ha editat); torneu a previsualitzar el fitxer."
                        ]
                    )
                for name, value in plan.values.items():
                    setattr(row, name, value)
        self.session.flush()

    def write(self, plans: list[RowPlan], username: str) -> None:
        created = [plan for plan in plans if plan.action == CREATE]
        updated = [plan for plan in plans if plan.action == UPDATE]
        self.insert_rows(created)
        self.after_insert(created)
        self.update_rows(updated)
        self.after_update(updated)
        entries: list[dict[str, Any]] = []
        for plan in created:
            entries.append(
                {
                    "action": AuditAction.CREATE,
                    "table": self.spec.table,
                    "record_id": plan.target,
                    "before": None,
                    "after": _json_dict(plan.values) | _json_dict(plan.extra),
                }
            )
        for plan in updated:
            entries.append(
                {
                    "action": AuditAction.UPDATE,
                    "table": self.spec.table,
                    "record_id": plan.target,
                    "before": {name: json_value(b) for name, (b, _) in plan.changes.items()},
                    "after": {name: json_value(a) for name, (_, a) in plan.changes.items()},
                }
            )
        record_changes(self.session, username=username, entries=entries)


def table_of(model: type[Base]) -> Table:
    """The table a model is mapped to (every model here maps one ``Table``)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table")
    return table


def bulk_insert(session: Session, table: type[Base] | Table, rows: list[dict[str, Any]]) -> None:
    """One ``executemany`` (psycopg pipelines it on PostgreSQL)."""
    if rows:
        session.execute(insert(table if isinstance(table, Table) else table_of(table)), rows)


def insert_returning_ids(
    session: Session, model: type[Base], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` with one ``executemany`` and return their new ids, in order.

    RETURNING with the rows' order costs a sort per batch on PostgreSQL, and on SQLite
    SQLAlchemy would fall back to one INSERT per row. Instead: PostgreSQL reserves the ids
    from the table's sequence in one query (they are ours alone, whatever runs meanwhile);
    SQLite's transaction holds the write lock, so new keys follow the current maximum one by
    one, which is checked after the insert."""
    if not rows:
        return []
    table = table_of(model)
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        )
        ids = list(
            session.scalars(
                text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                {"sequence": sequence, "count": len(rows)},
            )
        )
        bulk_insert(session, table, [row | {"id": i} for row, i in zip(rows, ids, strict=True)])
        return ids
    if session.get_bind().dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, rows))
    last = session.scalar(select(func.max(table.c.id))) or 0
    session.execute(insert(table), rows)
    count, first, final = session.execute(
        select(func.count(), func.min(table.c.id), func.max(table.c.id)).where(table.c.id > last)
    ).one()
    if (count, first, final) != (len(rows), last + 1, last + len(rows)):
        raise RuntimeError("new ids are not consecutive: refusing to guess which is which")
    return list(range(last + 1, last + len(rows) + 1))


def _json_dict(values: Record) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            result[name] = [json_value(v) for v in value]
        else:
            result[name] = json_value(value)
    return result


def split_list(value: Cell) -> list[str]:
    """``a; b, c`` → ``["a", "b", "c"]``."""
    from services.importing.values import shown

    parts: Iterable[str] = shown(value).replace(";", ",").split(",")
    return [part.strip() for part in parts if part.strip()]
