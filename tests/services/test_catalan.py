"""Catalan as a person writes it: "de" contracted and elided before places, month names, and
a count before its noun."""

from __future__ import annotations

import pytest

from services.catalan import MONTHS, comarca_with_de, fold, plural, with_de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sabadell", "de Sabadell"),
        ("Olot", "d'Olot"),
        ("Igualada", "d'Igualada"),
        # A mute h elides too, and an accented vowel is still a vowel.
        ("Hostalric", "d'Hostalric"),
        ("Òdena", "d'Òdena"),
        ("L'Hospitalet de Llobregat", "de l'Hospitalet de Llobregat"),
        ("L’Ametlla de Mar", "de l'Ametlla de Mar"),
        ("La Seu d'Urgell", "de la Seu d'Urgell"),
        ("El Prat de Llobregat", "del Prat de Llobregat"),
        ("Els Hostalets de Pierola", "dels Hostalets de Pierola"),
        ("Les Franqueses del Vallès", "de les Franqueses del Vallès"),
        # Only a separate word is an article: "Lleida" and "Elx" start with none.
        ("Lleida", "de Lleida"),
        ("Elx", "d'Elx"),
    ],
)
def test_de_before_a_place_contracts_or_elides_its_article(name: str, expected: str) -> None:
    assert with_de(name) == expected


@pytest.mark.parametrize(
    ("comarca", "expected"),
    [
        ("Bages", "del Bages"),
        ("Vallès Occidental", "del Vallès Occidental"),
        ("Alt Empordà", "de l'Alt Empordà"),
        ("Anoia", "de l'Anoia"),
        ("Selva", "de la Selva"),
        ("Ribera d'Ebre", "de la Ribera d'Ebre"),
        ("Conca de Barberà", "de la Conca de Barberà"),
        ("Alta Ribagorça", "de l'Alta Ribagorça"),
        ("Garrigues", "de les Garrigues"),
        ("Osona", "d'Osona"),
        ("Aran", "d'Aran"),
        # A name given with its article keeps it.
        ("el Baix Llobregat", "del Baix Llobregat"),
        ("la Noguera", "de la Noguera"),
    ],
)
def test_de_before_a_comarca_uses_the_article_the_comarca_takes(
    comarca: str, expected: str
) -> None:
    assert comarca_with_de(comarca) == expected


def test_months_are_written_mid_sentence_in_calendar_order() -> None:
    assert len(MONTHS) == 12
    assert (MONTHS[0], MONTHS[2], MONTHS[11]) == ("gener", "març", "desembre")


def test_fold_matches_names_however_they_are_accented_or_cased() -> None:
    assert fold("Alt Empordà") == "alt emporda"
    assert fold("Sant Martí de Tous") == fold("SANT MARTI DE TOUS")
    assert fold("Paral·lel") == "parallel"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 canvi"),
        (2, "2 canvis"),
        # Zero takes the plural, as in "0 canvis".
        (0, "0 canvis"),
        # ca-ES figures: a dot between thousands.
        (1234, "1.234 canvis"),
    ],
)
def test_a_count_takes_the_singular_only_for_one(count: int, expected: str) -> None:
    assert plural(count, "canvi", "canvis") == expected


def test_the_noun_may_carry_its_adjective() -> None:
    assert plural(1, "inscripció actualitzada", "inscripcions actualitzades") == (
        "1 inscripció actualitzada"
    )
    assert plural(3, "inscripció actualitzada", "inscripcions actualitzades") == (
        "3 inscripcions actualitzades"
    )
