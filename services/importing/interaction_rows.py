"""Interactions (follow-up contacts): always new rows; a contact already registered (same
member, day, channel and summary) is reported and skipped, never doubled."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Interaction, InteractionNeed, Person
from services.importing.base import (
    MEMBER_COLUMN,
    Column,
    Importer,
    KindSpec,
    Record,
    RowPlan,
    RowReader,
    bulk_insert,
    name_of,
    split_list,
)
from services.importing.matching import (
    MemberMatcher,
    MunicipalityMatcher,
    closest,
    staff_lookup,
    topic_lookup,
)
from services.importing.values import CellError, Choices, DateReader, key, shown, text
from services.labels import CHANNEL, REFERRAL

SPEC = KindSpec(
    code="contactes",
    label="Contactes de seguiment",
    table="interaction",
    matching=(
        "sempre es creen; un contacte ja registrat (mateix membre, dia, canal i resum) "
        "s'indica i no es duplica"
    ),
    columns=(
        MEMBER_COLUMN,
        Column(
            "occurred_on",
            "Data",
            "dd/mm/aaaa; no pot ser futura",
            aliases=("data del contacte", "occurred_on"),
            required=True,
            needed=True,
            field="occurred_on",
        ),
        Column(
            "channel",
            "Canal",
            ", ".join(CHANNEL.values()),
            aliases=("channel", "via"),
            needed=True,
            field="channel",
        ),
        Column(
            "summary",
            "Resum",
            "De què s'ha parlat",
            aliases=("summary", "descripció", "observacions"),
            required=True,
            needed=True,
            field="summary",
        ),
        Column(
            "person",
            "Persona",
            "Correu o nom d'una persona de contacte del membre",
            aliases=("contacte", "person", "persona de contacte"),
            field="person_id",
        ),
        Column(
            "needs",
            "Necessitats",
            "Temes separats per punt i coma (p. ex. «CCPR; Cures»)",
            aliases=("necessitats detectades", "needs", "temes"),
        ),
        Column(
            "referral",
            "Derivació",
            ", ".join(REFERRAL.values()),
            aliases=("referral", "derivacio a"),
            field="referral",
        ),
        Column(
            "next_contact_on",
            "Proper contacte",
            "dd/mm/aaaa, no anterior a la data",
            aliases=("seguent contacte", "next_contact_on"),
            field="next_contact_on",
        ),
        Column(
            "staff",
            "Equip",
            "Usuari o nom de la persona de l'equip que ha fet el contacte",
            aliases=("staff", "tecnic", "responsable"),
            field="staff_id",
        ),
    ),
)


def _summary_key(summary: str) -> str:
    return " ".join(summary.split()).casefold()


class InteractionImporter(Importer):
    spec = SPEC
    model = Interaction

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.members = MemberMatcher(session, MunicipalityMatcher(session))
        self.staff = staff_lookup(session)
        self.topics = topic_lookup(session)
        self.persons: dict[int, dict[str, int]] = defaultdict(dict)
        self.person_names: dict[int, list[str]] = defaultdict(list)
        for person_id, member_id, full_name, email in session.execute(
            select(Person.id, Person.member_id, Person.full_name, Person.email)
        ):
            self.persons[member_id][key(full_name)] = person_id
            if email:
                self.persons[member_id][email.casefold()] = person_id
            self.person_names[member_id].append(full_name)
        self.existing = {
            (member_id, occurred_on, channel, _summary_key(summary))
            for member_id, occurred_on, channel, summary in session.execute(
                select(
                    Interaction.member_id,
                    Interaction.occurred_on,
                    Interaction.channel,
                    Interaction.summary,
                )
            )
        }
        channels = Choices.of(CHANNEL, "cap canal")
        referrals = Choices.of(REFERRAL, "cap derivació")
        self.parsers = {
            "member": self.members.match,
            "occurred_on": DateReader.about_past(today),
            "channel": channels.parse,
            "summary": lambda v: text(v, multiline=True),
            "referral": referrals.parse,
            "next_contact_on": DateReader.about_future(today),
            "staff": self.staff.match,
        }
        self.labels = {"channel": dict(CHANNEL), "referral": dict(REFERRAL)}

    def parse_cells(self, row: RowReader) -> Record:
        values = super().parse_cells(row)
        member_id = values.get("member_id")
        if member_id is not None and row.has("person") and not row.blank("person"):
            wanted = shown(row.raw("person")).strip()
            person_id = self.persons[member_id].get(wanted.casefold()) or self.persons[
                member_id
            ].get(key(wanted))
            if person_id is None:
                suggestions = closest(wanted, self.person_names[member_id])
                hint = f"; potser: {', '.join(suggestions)}" if suggestions else ""
                member = self.members.names[member_id]
                row.fail("person", f"«{wanted}» no és cap persona de contacte de {member}{hint}")
            else:
                values["person_id"] = person_id
        return values

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        needed = ("member_id", "occurred_on", "channel", "summary")
        if any(values.get(name) is None for name in needed) or not values.get("summary"):
            return None, None
        identity = (
            values["member_id"],
            values["occurred_on"],
            values["channel"],
            _summary_key(values["summary"]),
        )
        if identity in self.existing:
            # Already registered: report it as unchanged, never insert it twice.
            return identity, {"id": 0, **values}
        return identity, None

    def extra(self, row: RowReader, values: Record, current: Record | None) -> Record:
        if not row.has("needs") or row.blank("needs"):
            return {"needs": []} if current is None else {}
        codes: list[int] = []
        for part in split_list(row.raw("needs")):
            try:
                topic_id = self.topics.match(part)
            except CellError as error:
                row.fail("needs", str(error))
                continue
            if topic_id not in codes:
                codes.append(topic_id)
        return {"needs": codes}

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        occurred_on = values.get("occurred_on")
        if occurred_on and occurred_on > self.today:
            row.fail(
                "occurred_on",
                f"{shown(occurred_on)} és una data futura; registreu els contactes un cop fets",
            )
        next_on = values.get("next_contact_on")
        if next_on and occurred_on and next_on < occurred_on:
            row.fail(
                "next_contact_on",
                f"{shown(next_on)} és anterior a la data del contacte ({shown(occurred_on)})",
            )

    def label(self, values: Record, current: Record | None) -> str:
        member = name_of(self.members.names, values.get("member_id"))
        day = values.get("occurred_on")
        return f"{member}, {shown(day)}" if day else member

    def describe(self, plan: RowPlan) -> str:
        if plan.action == "unchanged":
            return "ja registrat: no es duplica"
        return super().describe(plan)

    def after_insert(self, created: list[RowPlan]) -> None:
        rows = [
            {"interaction_id": plan.target, "topic_id": topic_id}
            for plan in created
            for topic_id in plan.extra.get("needs", [])
        ]
        bulk_insert(self.session, InteractionNeed, rows)
