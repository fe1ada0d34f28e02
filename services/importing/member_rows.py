"""Members: one row per member, found by name (an existing name updates that member)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Member
from services.importing.base import Column, Importer, KindSpec, Record, RowPlan, RowReader, table_of
from services.importing.matching import MemberMatcher, MunicipalityMatcher, staff_lookup
from services.importing.values import Choices, DateReader, key, parse_bool, shown, text
from services.labels import MEMBER_KIND

SPEC = KindSpec(
    code="membres",
    label="Membres",
    table="member",
    matching="per nom: un nom que ja existeix actualitza aquell membre",
    columns=(
        Column(
            "name",
            "Nom",
            "Nom de l'ens, únic (p. ex. «Ajuntament de Vic»)",
            aliases=("membre", "ens", "nom de l'ens"),
            required=True,
            needed=True,
            field="name",
        ),
        Column(
            "kind",
            "Tipus d'ens",
            "Ajuntament, Consell comarcal, Diputació o Altre ens local",
            aliases=("tipus", "kind"),
            needed=True,
            field="kind",
        ),
        Column(
            "municipality",
            "Municipi",
            "Codi INE (5 xifres), codi Idescat (6) o nom del municipi on té la seu",
            aliases=("codi ine", "ine", "seu", "municipality", "municipality_code"),
            needed=True,
            field="municipality_code",
        ),
        Column(
            "joined_on",
            "Data d'alta",
            "dd/mm/aaaa",
            aliases=("alta", "data alta", "joined_on"),
            needed=True,
            field="joined_on",
        ),
        Column(
            "left_on",
            "Data de baixa",
            "dd/mm/aaaa; buit si continua a la xarxa",
            aliases=("baixa", "data baixa", "left_on"),
            field="left_on",
        ),
        Column(
            "mentor",
            "Municipi mentor",
            "Nom d'un altre membre (existent o del mateix fitxer)",
            aliases=("mentor", "membre mentor"),
        ),
        Column(
            "is_territorial_delegate",
            "Municipi delegat",
            "sí / no",
            aliases=("delegat", "delegat territorial", "is_territorial_delegate"),
            field="is_territorial_delegate",
            empty=False,
        ),
        Column(
            "abc_sheet_updated_on",
            "Fitxa ABC actualitzada",
            "dd/mm/aaaa de l'última actualització de la fitxa ABC de l'ESS",
            aliases=("fitxa abc", "abc", "abc_sheet_updated_on"),
            field="abc_sheet_updated_on",
        ),
        Column(
            "owner",
            "Responsable",
            "Usuari o nom de la persona de l'equip que en porta el seguiment",
            aliases=("owner", "responsable de seguiment"),
            field="owner_id",
        ),
        Column("notes", "Notes", "Text lliure", aliases=("observacions",), field="notes", empty=""),
    ),
)

COLUMNS = (
    "id",
    "name",
    "kind",
    "municipality_code",
    "joined_on",
    "left_on",
    "mentor_id",
    "is_territorial_delegate",
    "abc_sheet_updated_on",
    "owner_id",
    "notes",
    "version",
)


class MemberImporter(Importer):
    spec = SPEC
    model = Member

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.municipalities = MunicipalityMatcher(session)
        self.members = MemberMatcher(session, self.municipalities)
        self.staff = staff_lookup(session)
        self.current = {
            row.id: dict(row._mapping)
            for row in session.execute(select(*(getattr(Member, c) for c in COLUMNS)))
        }
        # Names of the members this file creates: a mentor may be one of them.
        self.new_names: dict[str, str] = {}
        kinds = Choices.of(MEMBER_KIND, "cap tipus d'ens")
        self.parsers = {
            "name": lambda v: text(v, max_length=160),
            "kind": kinds.parse,
            "municipality": self.municipalities.match,
            "joined_on": DateReader.about_past(today),
            "left_on": DateReader.about_past(today),
            "is_territorial_delegate": parse_bool,
            "abc_sheet_updated_on": DateReader.about_past(today),
            "owner": self.staff.match,
            "notes": lambda v: text(v, multiline=True),
        }
        self.labels = {"kind": dict(MEMBER_KIND)}

    def prepare(self, rows: list[RowReader]) -> None:
        for row in rows:
            name = shown(row.raw("name")).strip()
            if name and self.members.find(name) is None:
                self.new_names.setdefault(key(name), name)

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        name = values.get("name")
        if not name:
            return None, None
        member_id = self.members.find(name)
        current = self.current.get(member_id) if member_id is not None else None
        if current is not None:
            # Found by name ignoring case and accents: keep the stored spelling.
            values["name"] = current["name"]
        return key(name), current

    def extra(self, row: RowReader, values: Record, current: Record | None) -> Record:
        if not row.has("mentor"):
            return {}
        if row.blank("mentor"):
            return {"mentor": None}
        wanted = shown(row.raw("mentor")).strip()
        mentor_id = self.members.find(wanted)
        if mentor_id is not None:
            return {"mentor": self.members.names[mentor_id]}
        if key(wanted) in self.new_names:
            return {"mentor": self.new_names[key(wanted)]}
        row.parse("mentor", lambda v: self.members.match(v, pending=self.new_names.values()))
        return {}

    def extra_changes(self, extra: Record, current: Record) -> dict[str, tuple[Any, Any]]:
        if "mentor" not in extra:
            return {}
        before = self.members.names.get(current["mentor_id"]) if current["mentor_id"] else None
        return {"mentor": (before, extra["mentor"])} if before != extra["mentor"] else {}

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        merged = (current or {}) | values
        joined, left = merged.get("joined_on"), merged.get("left_on")
        if joined and left and left < joined:
            row.fail(
                "left_on" if "left_on" in values else "joined_on",
                f"la baixa ({shown(left)}) és anterior a l'alta ({shown(joined)})",
            )
        if joined and joined > self.today:
            row.fail("joined_on", f"{shown(joined)} és una data futura")
        mentor = row.cells.get("mentor")
        if mentor is not None and merged.get("name") and key(shown(mentor)) == key(merged["name"]):
            row.fail("mentor", "un membre no pot ser el seu propi mentor")

    def label(self, values: Record, current: Record | None) -> str:
        return str(values.get("name") or (current or {}).get("name") or "(sense nom)")

    def display_value(self, column: str, value: object) -> str:
        if column == "municipality_code" and isinstance(value, str):
            return self.municipalities.label(value) if value in self.municipalities.names else value
        if column == "owner_id" and isinstance(value, int):
            return self.staff.by_id.get(value, str(value))
        return super().display_value(column, value)

    def _mentor_ids(self) -> dict[str, int]:
        rows = self.session.execute(select(Member.id, Member.name)).all()
        return {key(name): member_id for member_id, name in rows}

    def after_insert(self, created: list[RowPlan]) -> None:
        # Mentors are set once every new member has an id: one may mentor another.
        with_mentor = [plan for plan in created if plan.extra.get("mentor")]
        if not with_mentor:
            return
        ids = self._mentor_ids()
        table = table_of(Member)
        self.session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(mentor_id=bindparam("mentor")),
            [{"row_id": p.target, "mentor": ids[key(p.extra["mentor"])]} for p in with_mentor],
        )

    def update_rows(self, plans: Sequence[RowPlan]) -> None:
        changing = [plan for plan in plans if "mentor" in plan.changes]
        if changing:
            ids = self._mentor_ids()
            for plan in changing:
                mentor = plan.extra["mentor"]
                plan.values["mentor_id"] = ids[key(mentor)] if mentor else None
        super().update_rows(plans)
