"""The importer reads spreadsheets as people keep them (a title above the header, a totals
row, Excel's ``sep=`` line and UTF-16 text, dates with a time, two-digit years, booleans in
Catalan, Spanish and English, merged cells) and refuses the rest helpfully, writing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Member
from services.errors import ValidationError
from services.importing import apply_import, preview_import
from services.importing.values import key
from services.labels import MEMBER_KIND
from tests import factories as make
from tests.factories import admin
from tests.import_shapes import EXPECTED, HEADER, SHAPES, Shape, csv_text, typed_rows, xlsx

TODAY = date(2026, 11, 24)


def _stored(session: Session) -> list[tuple[str, str, str, date, bool]]:
    members = session.scalars(select(Member).order_by(Member.name)).all()
    return [
        (
            m.name,
            MEMBER_KIND[m.kind],
            m.municipality_code,
            m.joined_on,
            m.is_territorial_delegate,
        )
        for m in members
    ]


def _import(session: Session, data: bytes, file_name: str, kind: str = "membres") -> None:
    apply_import(
        session=session,
        kind=kind,
        data=data,
        file_name=file_name,
        today=TODAY,
        actor=admin("marta"),
    )


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_every_shape_is_read_or_refused_helpfully(session: Session, shape: Shape) -> None:
    preview = preview_import(
        session=session, kind=shape.kind, data=shape.data, file_name=shape.file_name, today=TODAY
    )
    notes, problems = " ".join(preview.notes), " ".join(preview.problems)
    for fragment in shape.notes:
        assert fragment in notes, preview.notes
    for fragment in shape.problems:
        assert fragment in problems, preview.problems
    if not shape.readable:
        assert not preview.can_import
        with pytest.raises(ValidationError):
            _import(session, shape.data, shape.file_name, shape.kind)
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Member)) == 0
        return
    assert preview.problems == ()
    assert preview.header_line == shape.header_line
    assert preview.created == len(EXPECTED)
    assert preview.rows["line"].tolist() == list(
        range(shape.header_line + 1, shape.header_line + 1 + len(EXPECTED))
    )
    _import(session, shape.data, shape.file_name, shape.kind)
    assert _stored(session) == sorted(shape.expected)


def test_a_two_digit_year_that_is_not_plausible_is_refused_naming_row_and_column(
    session: Session,
) -> None:
    rows = [HEADER, *typed_rows(joined=lambda d: d.strftime("%d/%m/%y"))]
    rows[3][3] = "03/02/95"  # 2095: no one joined the network then
    preview = preview_import(
        session=session,
        kind="membres",
        data=csv_text(rows).encode(),
        file_name="m.csv",
        today=TODAY,
    )
    assert not preview.can_import
    assert any(
        p.startswith("fila 4, columna *Data d'alta*:") and "dd/mm/aaaa" in p
        for p in preview.problems
    ), preview.problems


def test_a_totals_row_is_not_taken_for_the_only_data_row(session: Session) -> None:
    # One member named like a total is data, not a totals row: a table is never emptied.
    data = csv_text([HEADER, ["Total Ens", "Ajuntament", "Sort", "01/01/2024", "no"]]).encode()
    preview = preview_import(
        session=session, kind="membres", data=data, file_name="m.csv", today=TODAY
    )
    assert preview.created == 1 and not preview.problems


def test_a_file_that_fits_another_kind_better_is_refused_even_when_its_rows_would_go(
    session: Session,
) -> None:
    # Its rows would each create a member named after a person: the kind is the mistake.
    make.member(session, "Ajuntament de Vic")
    session.commit()
    data = (
        "Nom;Ajuntament;Rol;Correu electrònic;Telèfon;Tipus d'ens;Municipi;Data d'alta\n"
        "Núria Pla;Ajuntament de Vic;Personal tècnic;nuria@vic.cat;938861100;Ajuntament;Vic;"
        "01/01/2024\n"
    ).encode()
    preview = preview_import(
        session=session, kind="membres", data=data, file_name="p.csv", today=TODAY
    )
    assert not preview.can_import
    assert preview.rows["action"].tolist() == ["create"]
    assert preview.problems == (
        "Aquest fitxer sembla de persones de contacte, no de membres (té les columnes Nom, "
        "Membre, Rol, Correu electrònic, Telèfon): trieu «Persones de contacte» a «Què voleu "
        "importar?» (a la línia d'ordres: persones).",
    )
    with pytest.raises(ValidationError):
        _import(session, data, "p.csv")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Member)) == 1
    as_persons = preview_import(
        session=session, kind="persones", data=data, file_name="p.csv", today=TODAY
    )
    assert as_persons.problems == () and as_persons.created == 1


# --- The same table, whatever surrounds it ----------------------------------------------------

COLUMN_NAMES = {key(name) for name in [*HEADER, "membre", "ens", "ajuntament"]}
title_text = (
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzàèéíòóúç ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789·'-/",
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda t: t and key(t) not in COLUMN_NAMES)
)
totals_rows = st.sampled_from(
    [
        None,
        ["TOTAL", "", "", "", "3"],
        ["Total:", "", "", "", ""],
        ["Totals 2026", "", "", "", ""],
        ["", "", "", "", "=SUMA(E4:E6)"],
        ["SUMA", "3", "", "", ""],
    ]
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=st.lists(st.lists(title_text, min_size=1, max_size=2), max_size=3),
    blank_before=st.integers(0, 2),
    blank_inside=st.lists(st.integers(0, 2), min_size=3, max_size=3),
    totals=totals_rows,
    file_format=st.sampled_from(["csv", "xlsx"]),
)
def test_a_title_block_blank_rows_and_a_totals_row_do_not_change_the_import(
    session: Session,
    title: list[list[str]],
    blank_before: int,
    blank_inside: list[int],
    totals: list[str] | None,
    file_format: str,
) -> None:
    blank = [""] * len(HEADER)
    rows: list[list[object]] = [*title, *([blank] * blank_before), list(HEADER)]
    for data_row, blanks in zip(typed_rows(), blank_inside, strict=True):
        rows.extend([data_row, *([blank] * blanks)])
    if totals is not None:
        rows.append(list(totals))
    if file_format == "csv":
        data, name = csv_text(rows).encode("utf-8"), "membres.csv"
    else:
        data, name = xlsx([[c if c != "" else None for c in row] for row in rows]), "membres.xlsx"
    try:
        preview = preview_import(
            session=session, kind="membres", data=data, file_name=name, today=TODAY
        )
        assert preview.problems == (), preview.problems
        assert preview.header_line == len(title) + blank_before + 1
        assert preview.created == len(EXPECTED)
        _import(session, data, name)
        assert _stored(session) == sorted(EXPECTED)
    finally:
        session.rollback()


def test_a_header_under_a_title_missing_a_required_column_is_named_by_its_row(
    session: Session,
) -> None:
    data = "Contactes del trimestre\n\nMembre;Canal;Resum\nAjuntament de Sort;Telèfon;Trucada\n"
    preview = preview_import(
        session=session, kind="contactes", data=data.encode(), file_name="c.csv", today=TODAY
    )
    assert not preview.can_import
    assert preview.problems[0].startswith(
        "Falta la columna *Data*. La fila 3 sembla la capçalera, però no la té"
    ), preview.problems
    assert preview.problems[0].endswith("s'hi ha trobat: «Membre», «Canal», «Resum».")
