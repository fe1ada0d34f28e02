"""Data shown inside Streamlit's Markdown (captions, labels, links): as literal text."""

from __future__ import annotations

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


def literal_markdown(text: object) -> str:
    """``text`` as literal Markdown: a name never turns into markup, a link or HTML."""
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(text))
