"""The importer: previews that name the row and column, all-or-nothing writes, municipalities
matched however they are typed, duplicates never doubled, and broken files always answered."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    Channel,
    Event,
    Interaction,
    Member,
    MemberKind,
    Person,
    PersonRole,
    PlanActivity,
    PlanActivityDependency,
    Registration,
    RegistrationStatus,
)
from db.plan_loader import activities_csv
from services.errors import ValidationError
from services.export import csv_bytes, xlsx_bytes
from services.importing import (
    apply_import,
    current_rows,
    import_file,
    kinds,
    preview_import,
)
from tests import factories as make
from tests.factories import admin

TODAY = date(2026, 11, 24)
MEMBER_HEADER = "Nom;Tipus d'ens;Municipi;Data d'alta"


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _preview(session: Session, kind: str, data: bytes | str, name: str = "f.csv"):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return preview_import(session=session, kind=kind, data=raw, file_name=name, today=TODAY)


def _apply(session: Session, kind: str, data: bytes | str, name: str = "f.csv"):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return apply_import(
        session=session, kind=kind, data=raw, file_name=name, today=TODAY, actor=admin("marta")
    )


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Members and municipalities -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ine_code"),
    [
        ("L'Hospitalet de Llobregat", "08101"),
        ("Hospitalet de Llobregat, l'", "08101"),
        ("HOSPITALET DE LLOBREGAT (L')", "08101"),
        ("l’hospitalet de llobregat", "08101"),
        ("Seu d'Urgell, La", "25203"),
        ("la seu d urgell", "25203"),
        ("Bòrdes, Es", "25057"),
        ("es bordes", "25057"),
        ("08101", "08101"),
        ("8101", "08101"),  # a spreadsheet that took the code for a number
        ("081017", "08101"),  # Idescat's code, with its check digit
    ],
)
def test_municipality_by_code_or_name_however_typed(
    session: Session, typed: str, ine_code: str
) -> None:
    _apply(session, "membres", f"{MEMBER_HEADER}\nEns de prova;Altre ens local;{typed};01/01/2024")
    assert session.scalar(select(Member.municipality_code)) == ine_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Barcelone", "«Barcelone» no és cap municipi de Catalunya; potser volíeu dir: Barcelona"),
        (
            "Sant Cugat",
            "«Sant Cugat» no és el nom complet de cap municipi de Catalunya; potser volíeu dir: "
            "Sant Cugat del Vallès, Sant Cugat Sesgarrigues",
        ),
        ("081019", "081019: el dígit de control no correspon"),
        ("99999", "«99999» no és cap codi INE"),
    ],
)
def test_unknown_or_ambiguous_municipality_is_refused_with_candidates(
    session: Session, typed: str, expected: str
) -> None:
    preview = _preview(
        session, "membres", f"{MEMBER_HEADER}\nEns de prova;Altre;{typed};01/01/2024"
    )
    assert preview.refused == 1
    assert preview.problems[0].startswith("fila 2, columna *Municipi*: ")
    assert expected in preview.problems[0]


def test_preview_names_row_and_column_and_writes_nothing(session: Session) -> None:
    data = (
        f"{MEMBER_HEADER};Data de baixa\n"
        "Ajuntament de Vic;Ajuntament;Vic;01/02/2020;\n"
        "Ajuntament de Reus;Ajuntament;Reus;31/02/2026;\n"
        "Ajuntament de Tona;Astronauta;Tona;01/01/2021;01/01/2020\n"
    )
    preview = _preview(session, "membres", data)
    assert (preview.created, preview.refused) == (1, 2)
    assert "fila 3, columna *Data d'alta*: «31/02/2026» no és una data" in preview.problems
    assert any(
        p.startswith("fila 4, columna *Tipus d'ens*: «Astronauta»") for p in preview.problems
    )
    assert any("la baixa (01/01/2020) és anterior a l'alta" in p for p in preview.problems)
    assert preview.rows["action"].tolist() == ["create", "refused", "refused"]
    assert not preview.can_import
    assert _count(session, Member) == 0


def test_one_refused_row_imports_no_row_at_all(session: Session) -> None:
    data = f"{MEMBER_HEADER}\nAjuntament de Vic;Ajuntament;Vic;01/02/2020\nX;Ajuntament;Mart;ahir\n"
    with pytest.raises(ValidationError) as refused:
        _apply(session, "membres", data)
    session.rollback()
    assert "fila 3, columna *Data d'alta*: «ahir» no és una data (useu dd/mm/aaaa)" in (
        refused.value.messages
    )
    assert _count(session, Member) == 0
    assert _count(session, AuditLog) == 0


def test_members_create_update_and_unchanged_with_audit(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", notes="")
    session.commit()
    data = (
        f"{MEMBER_HEADER};Municipi delegat;Notes;Municipi mentor\n"
        "AJUNTAMENT DE VIC;Ajuntament;Vic;01/01/2020;sí;;\n"  # found ignoring case
        "Ajuntament de Cervera;Ajuntament;Cervera;01/02/2026;no;nou;Ajuntament de Tàrrega\n"
        "Ajuntament de Tàrrega;Ajuntament;Tàrrega;15/01/2026;no;;\n"  # mentor defined later
    )
    preview = _preview(session, "membres", data)
    assert (preview.created, preview.updated, preview.refused) == (2, 1, 0)
    assert preview.rows.iloc[0]["detail"] == "Municipi delegat: no → sí"
    _apply(session, "membres", data)
    session.commit()
    vic = session.scalars(select(Member).where(Member.name == "Ajuntament de Vic")).one()
    assert vic.is_territorial_delegate and vic.version == 2
    cervera = session.scalars(select(Member).where(Member.name == "Ajuntament de Cervera")).one()
    assert cervera.mentor is not None and cervera.mentor.name == "Ajuntament de Tàrrega"
    assert cervera.kind == MemberKind.AJUNTAMENT
    entries = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.action.value, e.table_name, e.username) for e in entries] == [
        ("create", "member", "marta"),
        ("create", "member", "marta"),
        ("update", "member", "marta"),
    ]
    assert entries[2].before == {"is_territorial_delegate": False}
    assert entries[2].after == {"is_territorial_delegate": True}
    # The same file again changes nothing.
    again = _preview(session, "membres", data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert not again.can_import


def test_a_blank_cell_never_erases_a_value(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", left_on=date(2025, 1, 1), notes="important")
    session.commit()
    preview = _preview(session, "membres", "Nom;Data de baixa;Notes\nAjuntament de Vic;;\n")
    assert (preview.unchanged, preview.updated) == (1, 0)


def test_same_member_twice_is_reported_not_doubled(session: Session) -> None:
    row = "Ajuntament de Vic;Ajuntament;Vic;01/02/2020"
    preview = _preview(session, "membres", f"{MEMBER_HEADER}\n{row}\n{row}\n")
    assert (preview.created, preview.duplicates) == (1, 1)
    assert "repetida, igual que la fila 2" in preview.rows.iloc[1]["detail"]
    assert any("fila repetida" in note for note in preview.notes)
    _apply(session, "membres", f"{MEMBER_HEADER}\n{row}\n{row}\n")
    assert _count(session, Member) == 1

    conflicting = f"{MEMBER_HEADER}\n{row}\najuntament de vic;Ajuntament;Vic;01/03/2020\n"
    preview = _preview(session, "membres", conflicting)
    assert any("ja és a la fila 2 amb valors diferents" in p for p in preview.problems)


def test_html_and_formulas_are_stored_as_typed_and_the_export_apostrophe_comes_off(
    session: Session,
) -> None:
    typed = {
        "<script>alert(1)</script>": "<script>alert(1)</script>",
        '\'=HYPERLINK("http://x","clic")': '=HYPERLINK("http://x","clic")',
        "'+34 600": "+34 600",
        "l'Escala": "l'Escala",  # an apostrophe that is not the export's stays
    }
    quoted = ['"' + raw.replace('"', '""') + '"' for raw in typed]
    lines = [f"{MEMBER_HEADER};Notes"] + [
        f"Ens {i};Altre;Vic;01/01/2024;{cell}" for i, cell in enumerate(quoted)
    ]
    _apply(session, "membres", "\n".join(lines))
    stored = session.scalars(select(Member.notes).order_by(Member.name)).all()
    assert stored == list(typed.values())
    # And the export defuses them again: the round trip is exact.
    frame = current_rows(session=session, kind="membres")
    assert _preview(session, "membres", csv_bytes(frame)).unchanged == len(typed)


# --- Formats and encodings ---------------------------------------------------------------------


PERSONS = (
    "Nom,Membre,Rol,Correu electrònic\n"
    "Núria Gòmez,Ajuntament de Vic,Càrrec electe,nuria@vic.cat\n"
    "Pere Martí,Ajuntament de Vic,Personal tècnic,pere@vic.cat\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("cp1252"),
        lambda text: text.replace(",", ";").encode("cp1252"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8-sig"),
        # Two exports pasted together: a UTF-8 half and a Windows-1252 half.
        lambda text: (
            text.splitlines(keepends=True)[0].encode("utf-8")
            + text.splitlines(keepends=True)[1].encode("utf-8")
            + text.splitlines(keepends=True)[2].encode("cp1252")
        ),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "cp1252-semicolon", "crlf", "mixed"],
)
def test_csv_encodings_and_separators_keep_the_accents(session: Session, encode) -> None:
    make.member(session, "Ajuntament de Vic")
    _apply(session, "persones", encode(PERSONS))
    names = session.scalars(select(Person.full_name).order_by(Person.full_name)).all()
    assert names == ["Núria Gòmez", "Pere Martí"]


def test_xlsx_with_typed_cells(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    data = _xlsx(
        [
            ["Membre", "Data", "Canal", "Resum", "Necessitats"],
            ["Ajuntament de Vic", date(2026, 3, 2), "Telèfon", "Trucada", "CCPR; Cures"],
            ["Ajuntament de Vic", "03/03/2026", "videotrucada", 12345, None],
        ]
    )
    _apply(session, "contactes", data, name="contactes.xlsx")
    rows = session.scalars(select(Interaction).order_by(Interaction.occurred_on)).all()
    assert [(r.occurred_on, r.channel, r.summary) for r in rows] == [
        (date(2026, 3, 2), Channel.PHONE, "Trucada"),
        (date(2026, 3, 3), Channel.VIDEO_CALL, "12345"),
    ]
    assert sorted(t.code for t in rows[0].needs) == ["ccpr", "cures"]


# --- The other kinds ---------------------------------------------------------------------------


def test_persons_are_matched_by_email(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.person(session, vic, "Anna Puig", email="anna@vic.cat", role=PersonRole.TECHNICIAN)
    session.commit()
    data = (
        "Nom;Membre;Rol;Correu electrònic;Càrrec\n"
        "Anna Puig i Soler;Ajuntament de Vic;Personal tècnic;ANNA@vic.cat;Tècnica d'ESS\n"
        "Joan Roca;Ajuntament de Vic;Càrrec electe;joan@vic.cat;Regidor\n"
        "Joan Roca;Ajuntament de Vic;Càrrec electe;joan@vic.cat;Regidor\n"
    )
    preview = _preview(session, "persones", data)
    assert (preview.created, preview.updated, preview.duplicates) == (1, 1, 1)
    _apply(session, "persones", data)
    assert _count(session, Person) == 2
    anna = session.scalars(select(Person).where(Person.email == "anna@vic.cat")).one()
    assert (anna.full_name, anna.position) == ("Anna Puig i Soler", "Tècnica d'ESS")


def test_contacts_already_registered_are_skipped(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    session.add(
        Interaction(
            member_id=vic.id,
            occurred_on=date(2026, 3, 2),
            channel=Channel.PHONE,
            summary="Trucada de seguiment",
        )
    )
    session.commit()
    data = (
        "Membre;Data;Canal;Resum;Proper contacte\n"
        "Ajuntament de Vic;02/03/2026;Telèfon;Trucada  de seguiment;\n"
        "Ajuntament de Vic;03/03/2026;Telèfon;Una altra;01/03/2026\n"
        "Ajuntament de Vic;01/01/2027;Telèfon;Futura;\n"
    )
    preview = _preview(session, "contactes", data)
    assert preview.rows["detail"].iloc[0] == "ja registrat: no es duplica"
    assert (
        "fila 3, columna *Proper contacte*: 01/03/2026 és anterior a la data del contacte "
        "(03/03/2026)" in preview.problems
    )
    assert any(
        "fila 4, columna *Data*: 01/01/2027 és una data futura" in p for p in preview.problems
    )


def test_a_member_column_headed_ajuntament_works_for_contacts_too(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    session.commit()
    data = "Ajuntament;Data;Canal;Resum\nAjuntament de Vic;02/03/2026;Telèfon;Trucada\n"
    preview = _preview(session, "contactes", data)
    assert not preview.problems
    _apply(session, "contactes", data)
    summaries = session.scalars(select(Interaction.summary).where(Interaction.member_id == vic.id))
    assert summaries.all() == ["Trucada"]


def test_events_then_registrations(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.person(session, vic, "Anna Puig", email="anna@vic.cat")
    make.member(session, "Ajuntament de Girona", municipality_code="17079")
    session.commit()
    events = (
        "Títol;Data;Tipus;Format;Municipi;Grup de treball\n"
        "Sessió del GT de Cures;10/12/2026;Sessió de grup de treball;Virtual;;Cures\n"
        "Jornada CCPR;11/12/2026;Jornada temàtica;Presencial;Girona;\n"
        "Sessió sense grup;12/12/2026;Sessió de grup de treball;Virtual;;\n"
    )
    preview = _preview(session, "esdeveniments", events)
    assert preview.problems == (
        "fila 4, columna *Grup de treball*: una sessió de grup de treball ha d'indicar el grup "
        "de treball",
    )
    _apply(session, "esdeveniments", "\n".join(events.splitlines()[:3]))
    assert _count(session, Event) == 2
    registrations = (
        "Esdeveniment;Membre;Persona;Estat\n"
        "Jornada CCPR;Ajuntament de Vic;anna@vic.cat;Hi ha assistit\n"
        "Jornada CCPR;Girona;;Inscrit\n"
        "jornada ccpr;Ajuntament de Vic;Anna Puig;No s'hi ha presentat\n"
    )
    preview = _preview(session, "inscripcions", registrations)
    # The third row is the first one again (same event, member and person), differently.
    assert any("ja és a la fila 2 amb valors diferents" in p for p in preview.problems)
    _apply(session, "inscripcions", "\n".join(registrations.splitlines()[:3]))
    statuses = session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == [RegistrationStatus.ATTENDED, RegistrationStatus.REGISTERED]
    registered_on = session.scalars(select(Registration.registered_on)).first()
    assert registered_on == TODAY  # the event is later: registered "today"


def test_plan_activities_reuse_the_plan_loader_rules(session: Session) -> None:
    reference = activities_csv(2026).read_bytes()
    result = _apply(session, "activitats", reference, name="plan_activities_2026.csv")
    assert result.created == _count(session, PlanActivity) > 50
    assert _count(session, PlanActivityDependency) > 0
    assert _preview(session, "activitats", reference).unchanged == result.created

    bad = (
        "Any;Codi;Eix;Títol;Cost estimat (€);Hores de l'equip;Depèn de;Grup de límit\n"
        "2026;Z-1;9;Massa eix;1.234,50;10;;\n"
        "2026;Z-2;1;Cicle A;100;5;Z-3;\n"
        "2026;Z-3;1;Cicle B;100;5;Z-2;\n"
        "2026;Z-4;1;Sense límit;100;5;;cap_inventat\n"
        "2026;Z-5;1;Massa car;1e13;5;;\n"
        "2026;Z-6;1;Massa hores;100;2000000;;\n"
    )
    problems = _preview(session, "activitats", bad).problems
    assert "fila 2, columna *Eix*: «9» ha de ser entre 1 i 7" in problems
    assert any("dependència circular: Z-2 → Z-3 → Z-2" in p for p in problems)
    assert any("«cap_inventat» no és cap grup de límit del pla 2026" in p for p in problems)
    # The optimiser's ceilings, as the plan's editors refuse them.
    assert (
        "fila 6, columna *Cost estimat (€)*: «1e13» passa del màxim que es pot calcular "
        "(1.000 M€)" in problems
    )
    assert (
        "fila 7, columna *Hores de l'equip*: «2000000» passa del màxim que es pot calcular "
        "(1.000.000 h)" in problems
    )


@pytest.mark.parametrize("kind", list(kinds()))
def test_export_then_import_round_trips_every_kind(session: Session, kind: str) -> None:
    vic = make.member(session, "Ajuntament de Vic", notes='=HYPERLINK("x")')
    make.member(session, "Ajuntament de Tona", mentor_id=vic.id, municipality_code="08283")
    anna = make.person(session, vic, "Anna Puig", email="anna@vic.cat")
    assembly = make.event(session, "Assemblea <b>anual</b>", date(2026, 3, 1))
    make.registration(session, assembly, vic, person_id=anna.id)
    make.plan_activity(session, "A1", "1234.50", description="-negatiu")
    session.add(
        Interaction(
            member_id=vic.id, occurred_on=date(2026, 3, 2), channel=Channel.EMAIL, summary="+1"
        )
    )
    session.commit()
    frame = current_rows(session=session, kind=kind)
    assert not frame.empty
    for data, name in ((csv_bytes(frame), "x.csv"), (xlsx_bytes({kind: frame}), "x.xlsx")):
        preview = _preview(session, kind, data, name)
        assert preview.problems == ()
        assert preview.unchanged == len(frame), preview.rows


# --- Broken files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "és buit"),
        (b"   \n\n", "és buit"),
        (b"Nom;Tipus d'ens;Municipi;Data d'alta\n", "només té la fila de capçalera"),
        (b"Ciutat,Habitants\nVic,47000\n", "Falta la columna *Nom*"),
        (b"\x00\x01\x02binary", "caràcters nuls"),
        (b"PK\x03\x04not really a zip", "no és un llibre XLSX vàlid"),
        (b"Nom;Nom\nA;B\n", "són la mateixa dada"),
    ],
    ids=["empty", "blank", "header-only", "wrong-columns", "binary", "fake-xlsx", "twice"],
)
def test_broken_files_get_a_message_and_write_nothing(
    session: Session, data: bytes, expected: str
) -> None:
    preview = _preview(session, "membres", data)
    assert not preview.can_import
    assert any(expected in problem for problem in preview.problems), preview.problems
    with pytest.raises(ValidationError):
        _apply(session, "membres", data)
    session.rollback()
    assert _count(session, Member) == 0


def test_a_row_with_more_cells_than_the_header_is_refused(session: Session) -> None:
    preview = _preview(session, "membres", f"{MEMBER_HEADER}\nA;Altre;Vic;01/01/2024;sobra\n")
    assert preview.problems[0].startswith("fila 2: té 5 valors però la capçalera només 4")


KINDS = list(kinds())
HEADERS = {
    "membres": MEMBER_HEADER,
    "persones": "Nom;Membre;Rol;Correu electrònic",
    "contactes": "Membre;Data;Canal;Resum",
    "esdeveniments": "Títol;Data;Tipus;Format",
    "inscripcions": "Esdeveniment;Membre;Estat",
    "activitats": "Codi;Eix;Títol;Cost estimat (€);Hores de l'equip",
}
text_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(
    lambda t: t.replace(";", ",").replace("\n", " ").replace("\r", " ")
)


def _never_crashes_never_half_writes(session: Session, kind: str, data: bytes) -> None:
    before = (_count(session, Member), _count(session, AuditLog))
    preview = _preview(session, kind, data, "hypothesis.csv")
    assert preview.problems or preview.notes or not preview.rows.empty or preview.can_import
    try:
        _apply(session, kind, data, "hypothesis.csv")
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        session.rollback()
        assert (_count(session, Member), _count(session, AuditLog)) == before
    else:
        assert preview.can_import or not preview.problems
    session.rollback()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=400))
def test_random_bytes_never_crash(session: Session, kind: str, data: bytes) -> None:
    _never_crashes_never_half_writes(session, kind, data)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(KINDS),
    rows=st.lists(st.lists(text_cells, min_size=0, max_size=7), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "mixed"]),
    keep_header=st.booleans(),
)
def test_random_rows_under_a_real_header_never_crash(
    session: Session, kind: str, rows: list[list[str]], encoding: str, keep_header: bool
) -> None:
    header = HEADERS[kind] if keep_header else ";".join(rows[0]) if rows else ""
    lines = [header, *(";".join(row) for row in rows)]
    chunks = []
    for number, line in enumerate(lines):
        codec = encoding if encoding != "mixed" else ("utf-8" if number % 2 else "cp1252")
        chunks.append((line + "\n").encode(codec, errors="replace"))
    _never_crashes_never_half_writes(session, kind, b"".join(chunks))


def _import_contacts_counting_statements(
    session: Session, members: list[Member], rows: int, tag: str
) -> list[tuple[str, int]]:
    """Import ``rows`` new contacts; every SQL statement sent, with how many rows it carried."""
    lines = ["Membre;Data;Canal;Resum;Necessitats"]
    for i in range(rows):
        day = date(2020, 1, 1) + timedelta(days=i % 2000)
        lines.append(f"{members[i % 3].name};{day:%d/%m/%Y};Telèfon;{tag} {i};CCPR")
    sent: list[tuple[str, int]] = []

    def count(*event_arguments: Any) -> None:
        _, _, statement, parameters, _, executemany = event_arguments
        sent.append((statement.split()[0], len(parameters) if executemany else 1))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        preview = import_file(
            session=session,
            kind="contactes",
            data="\n".join(lines).encode("utf-8"),
            file_name="contactes.csv",
            today=TODAY,
            actor=admin("marta"),
        )
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert preview.problems == () and preview.created == rows
    return sent


def test_an_import_sends_as_many_statements_for_3000_rows_as_for_300(session: Session) -> None:
    # The volume figure (100,000 rows, in seconds) is in `make bench`; this proves the shape
    # that makes it: one pass, and each table written with one bulk statement.
    members = [
        make.member(session, f"Ajuntament {n}", municipality_code=code)
        for n, code in enumerate(["08298", "17079", "43123"])
    ]
    session.commit()
    small = _import_contacts_counting_statements(session, members, 300, "Trucada")
    large = _import_contacts_counting_statements(session, members, 3000, "Visita")
    assert len(large) == len(small), (small, large)
    # The contacts, their needs and their audit entries: one executemany each.
    assert [rows for verb, rows in large if verb == "INSERT"] == [3000, 3000, 3000]
    assert _count(session, Interaction) == _count(session, AuditLog) == 3300
    last = session.scalars(select(Interaction).order_by(Interaction.id.desc()).limit(1)).one()
    assert last.summary == "Visita 2999" and [t.code for t in last.needs] == ["ccpr"]
