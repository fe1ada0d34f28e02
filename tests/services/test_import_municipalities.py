"""Municipalities typed by a short or colloquial form ("Sant Cugat", "L'Hospitalet") are
refused, never guessed, and the refusal names up to three full names, the likeliest first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from db.models import Member, Municipality
from services.importing import ImportPreview, apply_import, preview_import
from tests.factories import admin

TODAY = date(2026, 11, 24)
SHORT = "no és el nom complet de cap municipi de Catalunya"
UNKNOWN = "no és cap municipi de Catalunya"
SUGGESTED = "; potser volíeu dir: "
HEADER = "Nom;Tipus d'ens;Municipi;Data d'alta"


def _preview(session: Session, *typed: str) -> ImportPreview:
    lines = [HEADER]
    lines += [f"Ens de prova {n};Altre;{t};01/01/2024" for n, t in enumerate(typed)]
    return preview_import(
        session=session,
        kind="membres",
        data="\n".join(lines).encode("utf-8"),
        file_name="membres.csv",
        today=TODAY,
    )


def _refusal(session: Session, typed: str) -> str:
    """The reason row 2's municipality is refused, once the importer has written nothing."""
    preview = _preview(session, typed)
    assert (preview.refused, preview.created) == (1, 0)
    assert len(preview.problems) == 1
    assert session.scalar(select(func.count()).select_from(Member)) == 0
    prefix = "fila 2, columna *Municipi*: "
    assert preview.problems[0].startswith(prefix)
    return preview.problems[0].removeprefix(prefix)


def _suggestions(reason: str) -> list[str]:
    assert SUGGESTED in reason, reason
    return reason.split(SUGGESTED, 1)[1].split(", ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("L'Hospitalet", ["L'Hospitalet de Llobregat", "Vandellòs i l'Hospitalet de l'Infant"]),
        ("Hospitalet", ["L'Hospitalet de Llobregat", "Vandellòs i l'Hospitalet de l'Infant"]),
        ("Sant Cugat", ["Sant Cugat del Vallès", "Sant Cugat Sesgarrigues"]),
        ("sant cugat", ["Sant Cugat del Vallès", "Sant Cugat Sesgarrigues"]),
        ("la Seu", ["La Seu d'Urgell"]),
        ("Seu, la", ["La Seu d'Urgell"]),
        ("Seu", ["La Seu d'Urgell"]),
        (
            "Santa Coloma",
            ["Santa Coloma de Gramenet", "Santa Coloma de Farners", "Santa Coloma de Cervelló"],
        ),
        ("Sant Boi", ["Sant Boi de Llobregat", "Sant Boi de Lluçanès"]),
        (
            "Sant Feliu",
            ["Sant Feliu de Llobregat", "Sant Feliu de Guíxols", "Sant Feliu de Codines"],
        ),
        ("Vilanova", ["Vilanova i la Geltrú", "Vilanova del Camí", "Vilanova del Vallès"]),
        ("Sant Cugat del", ["Sant Cugat del Vallès"]),
    ],
)
def test_a_short_form_is_refused_with_the_full_names_it_may_mean(
    session: Session, typed: str, expected: list[str]
) -> None:
    reason = _refusal(session, typed)
    assert reason.startswith(f"«{typed}» {SHORT}{SUGGESTED}")
    assert _suggestions(reason) == expected


def test_names_starting_with_the_words_come_before_names_holding_them(
    session: Session,
) -> None:
    # Cassà de la Selva is bigger than both Selves; each class is by size on its own.
    assert _suggestions(_refusal(session, "Selva")) == [
        "La Selva del Camp",
        "La Selva de Mar",
        "Cassà de la Selva",
    ]
    assert _suggestions(_refusal(session, "Ribes")) == ["Ribes de Freser", "Sant Pere de Ribes"]
    assert _suggestions(_refusal(session, "Llobregat")) == [
        "L'Hospitalet de Llobregat",
        "Cornellà de Llobregat",
        "Sant Boi de Llobregat",
    ]


def test_size_comes_from_the_database_and_an_unknown_one_counts_as_none(
    session: Session,
) -> None:
    session.execute(
        update(Municipality).where(Municipality.ine_code == "08245").values(population=None)
    )
    session.flush()
    assert _suggestions(_refusal(session, "Santa Coloma")) == [
        "Santa Coloma de Farners",
        "Santa Coloma de Cervelló",
        "Santa Coloma de Queralt",
    ]


def test_a_typo_still_gets_its_close_matches(session: Session) -> None:
    assert _refusal(session, "Barcelone") == (
        "«Barcelone» no és cap municipi de Catalunya; potser volíeu dir: "
        "Barcelona, Sant Celoni, Barbens"
    )
    assert _suggestions(_refusal(session, "Sant Cugat del Vales"))[0] == "Sant Cugat del Vallès"


def test_nothing_like_a_municipality_gets_no_suggestion(session: Session) -> None:
    assert _refusal(session, "Xyzzy") == f"«Xyzzy» {UNKNOWN}"


@pytest.mark.parametrize(
    ("typed", "ine_code"),
    [
        ("Fígols", "08080"),  # a whole name, though "Fígols i Alinyà" starts with it
        ("Les", "25121"),  # a whole name that is also an article
        ("Sant Cugat del Vallès", "08205"),
        ("sant cugat del valles", "08205"),
        ("Seu d'Urgell", "25203"),
        ("082055", "08205"),
    ],
)
def test_a_full_name_or_code_is_accepted_as_before(
    session: Session, typed: str, ine_code: str
) -> None:
    apply_import(
        session=session,
        kind="membres",
        data=f"{HEADER}\nEns de prova;Altre;{typed};01/01/2024".encode(),
        file_name="membres.csv",
        today=TODAY,
        actor=admin("marta"),
    )
    assert session.scalar(select(Member.municipality_code)) == ine_code


def test_two_municipalities_of_one_name_still_ask_for_the_ine_code(session: Session) -> None:
    twin = session.get(Municipality, "08206")
    assert twin is not None
    session.add(
        Municipality(
            ine_code="08999",
            name=twin.name,
            comarca_code=twin.comarca_code,
            province_code=twin.province_code,
            lat=twin.lat,
            lon=twin.lon,
            population=None,
        )
    )
    session.flush()
    assert _refusal(session, "Sant Cugat Sesgarrigues") == (
        "«Sant Cugat Sesgarrigues» és ambigu: pot ser Sant Cugat Sesgarrigues (08206), "
        "Sant Cugat Sesgarrigues (08999); indiqueu el codi INE"
    )


def test_municipalities_are_loaded_with_one_query_however_many_short_forms(
    session: Session,
) -> None:
    sent: list[str] = []

    def record(*event_arguments: Any) -> None:
        sent.append(event_arguments[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        preview = _preview(session, *(["Sant Cugat", "Hospitalet", "Barcelone", "Vic"] * 50))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert (preview.created, preview.refused) == (50, 150)
    assert len([s for s in sent if "FROM municipality" in s]) == 1
