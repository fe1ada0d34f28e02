"""``ui.text``: what a user or a file typed shows as typed inside Streamlit's Markdown."""

from __future__ import annotations

from ui.text import escape_markup, escape_quoted


def test_typed_markup_is_escaped_and_plain_words_are_left_as_written() -> None:
    assert (
        escape_markup("[Cliqueu](http://x) **URGENT**")
        == "\\[Cliqueu\\](http://x) \\*\\*URGENT\\*\\*"
    )
    # Hyphens, full stops and colons inside a line change nothing: a name reads as written.
    assert escape_markup("Vila-seca: 1.250 habitants") == "Vila-seca: 1.250 habitants"
    # At a line's start they would make a list or a heading.
    assert escape_markup("# 1. - x") == "\\# 1. - x"
    assert escape_markup("1. primer") == "1\\. primer"


def test_a_sentence_keeps_its_own_italics_and_escapes_what_it_quotes() -> None:
    sentence = "fila 2, columna *Municipi*: «[Cliqueu](http://x) **URGENT**» no és res"
    assert escape_quoted(sentence) == (
        "fila 2, columna *Municipi*: «\\[Cliqueu\\](http://x) \\*\\*URGENT\\*\\*» no és res"
    )
    # A header from the file, in italics, keeps its emphasis but not its own markup.
    assert escape_quoted("columna *Notes_2026 [x](y)*") == "columna *Notes\\_2026 \\[x\\](y)*"
    # Mid-line, a quoted "-5,0" or "1.500" makes no list: it stays as written.
    assert escape_quoted("Cost: «-5,0» i «1.500»") == "Cost: «-5,0» i «1.500»"
    # A sentence with nothing quoted is left alone.
    assert escape_quoted("No hi ha res de nou.") == "No hi ha res de nou."
