"""Members and places in Catalan alphabetical order, by the place's name."""

from __future__ import annotations

import pandas as pd

from services.collation import catalan_key, holds_every_word, sort_by_place, sorted_by_place


def test_members_sort_by_their_place_not_by_the_kind_of_body() -> None:
    names = [
        "Ajuntament de Vic",
        "Ajuntament d'Òdena",
        "Consell Comarcal del Bages",
        "Ajuntament de Badalona",
        "Ajuntament de l'Hospitalet de Llobregat",
        "Ajuntament d'Olot",
        "Diputació de Barcelona",
        "Ajuntament de la Seu d'Urgell",
        "Ajuntament de Zaragoza",
        "Ajuntament d'Àger",
    ]
    assert sorted_by_place(names) == [
        "Ajuntament d'Àger",
        "Ajuntament de Badalona",
        "Consell Comarcal del Bages",
        "Diputació de Barcelona",
        "Ajuntament de l'Hospitalet de Llobregat",
        "Ajuntament d'Òdena",
        "Ajuntament d'Olot",
        "Ajuntament de la Seu d'Urgell",
        "Ajuntament de Vic",
        "Ajuntament de Zaragoza",
    ]


def test_accents_case_and_the_middle_dot_do_not_move_a_name() -> None:
    assert catalan_key("Cabanelles") == catalan_key("CABANEL·LES") == "cabanelles"
    assert sorted_by_place(["Éssera", "Esparreguera", "Ezcaray"]) == [
        "Esparreguera",
        "Éssera",
        "Ezcaray",
    ]


def test_a_frame_is_sorted_on_its_name_column_and_renumbered() -> None:
    frame = pd.DataFrame(
        {"member": ["Ajuntament de Vic", "Ajuntament d'Òdena", "Ajuntament de Badalona"]}
    )
    assert sort_by_place(frame)["member"].tolist() == [
        "Ajuntament de Badalona",
        "Ajuntament d'Òdena",
        "Ajuntament de Vic",
    ]
    assert sort_by_place(frame).index.tolist() == [0, 1, 2]
    assert sort_by_place(frame.iloc[0:0]).empty


def test_every_word_typed_must_be_in_the_name_in_any_order() -> None:
    keys = pd.Series(["Anna Puig", "Joan Vicens", "Ajuntament de la Vilà Nova"]).map(catalan_key)
    assert holds_every_word(keys, "PUIG anna").tolist() == [True, False, False]
    assert holds_every_word(keys, "vila").tolist() == [False, False, True]
    assert holds_every_word(keys, "").all()
