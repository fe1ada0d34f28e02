"""Data shown inside Streamlit's Markdown (captions, labels, links): as literal text."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


def literal_markdown(text: object) -> str:
    """``text`` as literal Markdown: a name never turns into markup, a link or HTML."""
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(text))


# What turns typed text into a link, emphasis, code, HTML, a table, struck-out text or
# mathematics anywhere in a line; full stops, hyphens, colons and brackets alone change
# nothing there.
_MARKUP = set("\\`*_[]<>|~$")
# What starts a heading, a list or a quote, at the start of a line only.
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))", re.MULTILINE)


def escape_markup(text: object) -> str:
    """``text`` with only what would start Markdown markup escaped: for a sentence the app
    wrote around typed values (a saved record's name), or a name in a heading, which must
    still read as written where a test or a person compares it ("Vila-seca", "#1")."""
    escaped = _escape_inline(text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), escaped)


def _escape_inline(text: object) -> str:
    return "".join("\\" + char if char in _MARKUP else char for char in str(text))


def _escape_start(start: str) -> str:
    # "1." becomes "1\.": the digits stay, the full stop after them is what makes a list.
    return start + "\\" if start[0].isdigit() else "\\" + start


# What the services quote in their sentences: a value between guillemets («…»), and a column's
# header from a file in italics (*…*), whose emphasis is meant.
_QUOTED = re.compile(r"«([^«»\n]*)»")
_HEADER = re.compile(r"(?<![\\\w*])\*([^*\n]+)\*(?![\w*])")


def escape_quoted(sentence: str) -> str:
    """A service's sentence (a refusal, an importer's note) with what it quotes from a file or
    a form escaped: a cell that reads ``[Cliqueu aquí](http://…)`` stays text, a header in
    italics stays italic. The sentence's own words are the app's and are left as they are.
    A quoted value that itself holds a guillemet or an asterisk can still end its quote early:
    its remainder is then shown as the app's words are. A bare address in a value
    (``http://…``) still shows as a link to itself: Streamlit's Markdown links it after the
    escapes are read, and it never hides where it leads."""
    # Mid-line, after a guillemet or an asterisk: only inline markup can start there ("-5,0"
    # and "1.500" stay as written).
    quoted = _QUOTED.sub(lambda match: f"«{_escape_inline(match.group(1))}»", sentence)
    return _HEADER.sub(lambda match: f"*{_escape_inline(match.group(1))}*", quoted)
