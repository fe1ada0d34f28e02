"""Cells as people's exports write them: dates with a time, two-digit years read as 20yy only
when plausible for the column (and said so), and yes/no in Catalan, Spanish and English."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Event, Interaction, Member, Registration
from services.errors import ValidationError
from services.importing import apply_import, preview_import
from services.importing.base import RowReader
from services.importing.member_rows import MemberImporter
from services.importing.reading import Cell
from services.importing.registration_rows import RegistrationImporter
from services.importing.values import CellError, DateReader, parse_bool
from tests import factories as make
from tests.factories import admin

TODAY = date(2026, 11, 24)
MEMBER_HEADER = "Nom;Tipus d'ens;Municipi;Data d'alta;Municipi delegat"


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _preview(session: Session, kind: str, data: str):
    return preview_import(
        session=session, kind=kind, data=data.encode(), file_name="f.csv", today=TODAY
    )


def _apply(session: Session, kind: str, data: str):
    return apply_import(
        session=session,
        kind=kind,
        data=data.encode(),
        file_name="f.csv",
        today=TODAY,
        actor=admin("marta"),
    )


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("01/02/2026", date(2026, 2, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        ("01.02.2026", date(2026, 2, 1)),
        ("01-02-2026", date(2026, 2, 1)),
        (" 01/02/2026 ", date(2026, 2, 1)),
        ("01/02/2026 0:00", date(2026, 2, 1)),
        ("1/2/2026 00:00:00", date(2026, 2, 1)),
        ("01/02/2026 14:30", date(2026, 2, 1)),
        ("01/02/2026 23:59:59.5", date(2026, 2, 1)),
        ("2026-02-01", date(2026, 2, 1)),
        ("2026-02-01 00:00:00", date(2026, 2, 1)),
        ("2026-02-01T10:30:00", date(2026, 2, 1)),
        ("2026-02-01T10:30:00.000", date(2026, 2, 1)),
        ("2026-02-01T23:30:00+01:00", date(2026, 2, 1)),  # the date as written
        ("03/02/26", date(2026, 2, 3)),
        ("3/2/26", date(2026, 2, 3)),
        ("03.02.26", date(2026, 2, 3)),
        ("03/02/26 0:00", date(2026, 2, 3)),
        ("03/02/26 14:30:00", date(2026, 2, 3)),
        ("01/01/00", date(2000, 1, 1)),
        (datetime(2026, 2, 1, 10, 30), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 2, 1)),
    ],
)
def test_dates_are_read_with_or_without_a_time(cell: Cell, expected: date) -> None:
    assert DateReader.about_past(TODAY)(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("ahir", "«ahir» no és una data (useu dd/mm/aaaa)"),
        ("31/02/2026", "«31/02/2026» no és una data"),
        ("31/02/26", "«31/02/26» no és una data"),
        ("01/02/2026 25:00", "«01/02/2026 25:00» no és una data: l'hora no existeix"),
        ("01/02/2026 10:75", "«01/02/2026 10:75» no és una data: l'hora no existeix"),
        ("1/2/026", "«1/2/026» no és una data (useu dd/mm/aaaa)"),
        # Month first: the order cannot be told, so it is not guessed.
        ("2/1/2026 12:00 PM", "«2/1/2026 12:00 PM» no és una data (useu dd/mm/aaaa)"),
        ("46054", "«46054» no és una data (useu dd/mm/aaaa)"),
    ],
)
def test_what_is_not_a_date_is_refused(cell: Cell, message: str) -> None:
    reader = DateReader.about_past(TODAY)
    with pytest.raises(CellError) as refused:
        reader(cell)
    assert str(refused.value) == message
    # Cached refusals say the same.
    with pytest.raises(CellError) as again:
        reader(cell)
    assert str(again.value) == message


@pytest.mark.parametrize(
    ("reader", "accepted", "refused", "year"),
    [
        # About the past (an entry, a contact): up to a year after today.
        (DateReader.about_past(TODAY), "24/11/27", "25/11/27", 2027),
        (DateReader.about_past(TODAY), "31/12/26", "03/02/95", 2095),
        # About the future (an event, a next contact): up to ten years after today.
        (DateReader.about_future(TODAY), "24/11/36", "25/11/36", 2036),
        (DateReader.about_future(TODAY), "10/12/30 18:00", "03/02/95 0:00", 2095),
    ],
)
def test_a_two_digit_year_is_20yy_only_when_plausible_for_the_column(
    reader: DateReader, accepted: str, refused: str, year: int
) -> None:
    assert reader(accepted).year == int("20" + accepted.split("/")[2][:2])
    with pytest.raises(CellError) as error:
        reader(refused)
    assert str(error.value) == (
        f"«{refused}»: any de dues xifres; {year} no és una data plausible per a aquesta "
        "columna: escriviu l'any sencer (dd/mm/aaaa)"
    )
    assert date(year, 1, 1) not in reader.two_digit


def test_four_digit_years_are_never_bounded() -> None:
    reader = DateReader.about_past(TODAY)
    assert reader("03/02/2095") == date(2095, 2, 3)
    assert reader("1895-02-03") == date(1895, 2, 3)
    assert not reader.two_digit


def test_the_bound_of_a_29_february() -> None:
    assert DateReader.about_past(date(2028, 2, 29)).latest == date(2029, 2, 28)
    assert DateReader.about_future(date(2028, 2, 29)).latest == date(2038, 2, 28)
    assert DateReader.about_future(date(2024, 2, 29)).latest == date(2034, 2, 28)


def test_a_reader_remembers_each_two_digit_date_once_with_its_first_spelling() -> None:
    reader = DateReader.about_past(TODAY)
    for cell in ["03/02/26", "03/02/26", "03/02/26 0:00", "01/02/2026", "04/02/26", "3/2/26"]:
        reader(cell)
    assert reader.two_digit == {date(2026, 2, 3): "03/02/26", date(2026, 2, 4): "04/02/26"}


# --- Yes / no ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        *("sí", "Sí", "SI", "si", "s", "S", "x", "X", "✓"),
        *("vertader", "VERTADER", "verdader", "cert", "V", "v"),
        *("VERDADERO", "verdadero", "CIERTO", "cierto"),
        *("TRUE", "True", "T", "t", "yes", "Yes", "Y"),
        *("1", "1.0", "1,0", " 1 "),
        *(1, 1.0, True),
    ],
)
def test_yes(cell: Cell) -> None:
    assert parse_bool(cell) is True


@pytest.mark.parametrize(
    "cell",
    [
        *("no", "No", "NO", "n", "N"),
        *("fals", "FALS", "falsa", "F", "f"),
        *("FALSO", "falso"),
        *("FALSE", "false"),
        *("0", "0.0", "0,0"),
        *(0, 0.0, False),
        *(None, "", "  "),  # a column of crosses: blank is no
    ],
)
def test_no(cell: Cell) -> None:
    assert parse_bool(cell) is False


@pytest.mark.parametrize("cell", ["potser", "sí?", "2", 2, 0.5, "oui", "-"])
def test_other_yes_no_values_are_refused_listing_the_accepted_forms(cell: Cell) -> None:
    with pytest.raises(CellError) as refused:
        parse_bool(cell)
    assert str(refused.value).endswith(
        "no és un valor de sí/no vàlid (valors possibles: sí/no, s/n, x/buit, vertader/fals, "
        "verdadero/falso, true/false, 1/0)"
    )


# --- Notes for the preview --------------------------------------------------------------------


def _rows(column: str, header: str, cells: list[Cell]) -> list[RowReader]:
    return [
        RowReader(line, {"name": f"Ens {line}", column: cell}, {"name": "Nom", column: header})
        for line, cell in enumerate(cells, start=2)
    ]


def test_reading_notes_count_distinct_dates_per_column(session: Session) -> None:
    importer = MemberImporter(session, TODAY)
    # Thousands of rows repeat a few dates: ``parse_cells`` reads each distinct cell once.
    cells: list[Cell] = ["03/02/26", "04/02/26", "03/02/26 0:00", "05/02/2026"] * 500
    for row in _rows("joined_on", "Alta", cells):
        importer.parse_cells(row)
    for row in _rows("left_on", "Baixa", ["30/06/26"]):
        importer.parse_cells(row)
    assert importer.reading_notes() == [
        "Columna *Data d'alta*: 2 dates diferents amb l'any de dues xifres (p. ex. 03/02/26) "
        "s'han llegit com a 20aa (03/02/2026).",
        "Columna *Data de baixa*: 1 data amb l'any de dues xifres (30/06/26) s'ha llegit com a "
        "20aa (30/06/2026).",
    ]


def test_no_reading_notes_when_every_year_is_whole(session: Session) -> None:
    importer = MemberImporter(session, TODAY)
    for row in _rows("joined_on", "Alta", ["03/02/2026", "2026-02-04 00:00:00", "03/02/95"]):
        importer.parse_cells(row)
    assert importer.reading_notes() == []


def test_a_registrations_event_date_lookup_is_noted_too(session: Session) -> None:
    make.event(session, "Jornada CCPR", date(2027, 12, 10))
    session.commit()
    importer = RegistrationImporter(session, TODAY)
    row = RowReader(
        2,
        {"event": "Jornada CCPR", "event_date": "10/12/27"},
        {"event": "Esdeveniment", "event_date": "Data"},
    )
    assert importer._event(row) is not None
    assert importer.reading_notes() == [
        "Columna *Data de l'esdeveniment*: 1 data amb l'any de dues xifres (10/12/27) s'ha "
        "llegit com a 20aa (10/12/2027)."
    ]


# --- Through the importer ---------------------------------------------------------------------


def test_members_with_times_two_digit_years_and_spanish_yes_no(session: Session) -> None:
    data = (
        f"{MEMBER_HEADER}\n"
        "Ajuntament de Vic;Ajuntament;Vic;01/02/2026 0:00;VERDADERO\n"
        "Ajuntament de Reus;Ajuntament;Reus;03/02/26;s\n"
        "Ajuntament de Tona;Ajuntament;Tona;2026-02-01T10:30:00;x\n"
        "Ajuntament de Manlleu;Ajuntament;Manlleu;1/2/2026 00:00:00;0\n"
        "Ajuntament de Cervera;Ajuntament;Cervera;03/02/26 14:30;\n"
    )
    preview = _preview(session, "membres", data)
    assert not preview.problems
    assert preview.created == 5
    _apply(session, "membres", data)
    session.commit()
    stored = {
        name: (joined_on, delegate)
        for name, joined_on, delegate in session.execute(
            select(Member.name, Member.joined_on, Member.is_territorial_delegate)
        )
    }
    assert stored == {
        "Ajuntament de Vic": (date(2026, 2, 1), True),
        "Ajuntament de Reus": (date(2026, 2, 3), True),
        "Ajuntament de Tona": (date(2026, 2, 1), True),
        "Ajuntament de Manlleu": (date(2026, 2, 1), False),
        "Ajuntament de Cervera": (date(2026, 2, 3), False),
    }


def test_an_implausible_two_digit_year_refuses_the_file(session: Session) -> None:
    data = (
        f"{MEMBER_HEADER}\n"
        "Ajuntament de Vic;Ajuntament;Vic;01/02/2026;sí\n"
        "Ajuntament de Reus;Ajuntament;Reus;03/02/95;no\n"
    )
    preview = _preview(session, "membres", data)
    assert (preview.created, preview.refused) == (1, 1)
    expected = (
        "fila 3, columna *Data d'alta*: «03/02/95»: any de dues xifres; 2095 no és una data "
        "plausible per a aquesta columna: escriviu l'any sencer (dd/mm/aaaa)"
    )
    assert expected in preview.problems
    with pytest.raises(ValidationError) as refused:
        _apply(session, "membres", data)
    session.rollback()
    assert expected in refused.value.messages
    assert _count(session, Member) == 0
    assert _count(session, AuditLog) == 0


def test_a_yes_no_typo_is_refused_naming_row_and_column(session: Session) -> None:
    data = f"{MEMBER_HEADER}\nAjuntament de Vic;Ajuntament;Vic;01/02/2026;potser\n"
    preview = _preview(session, "membres", data)
    assert preview.problems == (
        "fila 2, columna *Municipi delegat*: «potser» no és un valor de sí/no vàlid (valors "
        "possibles: sí/no, s/n, x/buit, vertader/fals, verdadero/falso, true/false, 1/0)",
    )


def test_contacts_with_a_future_two_digit_next_contact(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    session.commit()
    data = (
        "Membre;Data;Canal;Resum;Proper contacte\n"
        "Ajuntament de Vic;02/03/26 0:00;Telèfon;Trucada;15/01/30\n"
        "Ajuntament de Vic;2026-03-05 10:00:00;Telèfon;Correu de seguiment;01/06/27 9:00\n"
    )
    preview = _preview(session, "contactes", data)
    assert not preview.problems
    _apply(session, "contactes", data)
    session.commit()
    stored = session.execute(
        select(Interaction.occurred_on, Interaction.next_contact_on)
        .where(Interaction.member_id == vic.id)
        .order_by(Interaction.occurred_on)
    ).all()
    assert [tuple(row) for row in stored] == [
        (date(2026, 3, 2), date(2030, 1, 15)),
        (date(2026, 3, 5), date(2027, 6, 1)),
    ]


def test_a_contact_two_digit_year_beyond_its_bound_is_refused(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    session.commit()
    data = (
        "Membre;Data;Canal;Resum;Proper contacte\n"
        "Ajuntament de Vic;02/03/26;Telèfon;Trucada;15/01/37\n"
        "Ajuntament de Vic;02/03/28;Telèfon;Una altra;\n"
    )
    preview = _preview(session, "contactes", data)
    assert preview.problems == (
        "fila 2, columna *Proper contacte*: «15/01/37»: any de dues xifres; 2037 no és una data "
        "plausible per a aquesta columna: escriviu l'any sencer (dd/mm/aaaa)",
        "fila 3, columna *Data*: «02/03/28»: any de dues xifres; 2028 no és una data plausible "
        "per a aquesta columna: escriviu l'any sencer (dd/mm/aaaa)",
    )


def test_events_and_registrations_with_future_two_digit_dates(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    session.commit()
    events = (
        "Títol;Data;Tipus;Format\n"
        "Jornada CCPR;10/12/27 18:00;Jornada temàtica;Virtual\n"
        "Jornada CCPR;2028-03-01T10:30:00;Jornada temàtica;Virtual\n"
    )
    preview = _preview(session, "esdeveniments", events)
    assert not preview.problems
    _apply(session, "esdeveniments", events)
    session.commit()
    assert sorted(session.scalars(select(Event.held_on))) == [
        date(2027, 12, 10),
        date(2028, 3, 1),
    ]
    # Two events share the title: the two-digit date tells them apart.
    registrations = (
        "Esdeveniment;Data de l'esdeveniment;Membre;Estat;Data d'inscripció\n"
        "Jornada CCPR;10/12/27;Ajuntament de Vic;Inscrit;20/11/26 12:00\n"
    )
    preview = _preview(session, "inscripcions", registrations)
    assert not preview.problems
    _apply(session, "inscripcions", registrations)
    session.commit()
    held_on, registered_on = session.execute(
        select(Event.held_on, Registration.registered_on).join(
            Registration, Registration.event_id == Event.id
        )
    ).one()
    assert (held_on, registered_on) == (date(2027, 12, 10), date(2026, 11, 20))
