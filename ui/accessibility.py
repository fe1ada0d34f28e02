"""WCAG 2.1 AA where Streamlit's theme options cannot reach: the captions' colour and the
document's language. ``dashboard.py`` calls ``apply_accessibility`` once per run;
``tests/e2e/test_accessibility.py`` runs axe-core on every page to keep it so."""

from __future__ import annotations

import streamlit as st

# Streamlit draws captions in the text colour at 60 % opacity (its theme's "secondary"
# opacity, which no theme option sets): #797f82 on white (4.06:1) and #737b7e on the
# sidebar's #f2f5f5 (3.93:1), under WCAG AA's 4.5:1 for body-size text. Captions here are
# opaque, in the theme's textColor (#1f2a2e, .streamlit/config.toml) as it shows at about
# 75 % on white: still a quieter grey than the text, at 6.0:1 on white and 5.5:1 on the
# sidebar. (Opacity, not a lighter colour, would also fade a caption's links and icons.)
CAPTION_COLOR = "#5b6467"

# The element's id: the CSS hides the (empty) element that carries the script, so it takes
# no room at the top of the page.
_ELEMENT_ID = "xmess-accessibility"

# Streamlit's index.html declares lang="en" and no option changes it; screen readers pick
# their voice and hyphenation from it, and the text is Catalan. st.html runs this script in
# the page itself (not in an iframe, as st.components.v1.html would), so it can set the
# document's language. Before the script has run (the first fraction of a second of a
# visit) the document still says "en".
_HTML = f"""
<style>
  .stApp [data-testid="stCaptionContainer"] {{
    opacity: 1;
    color: {CAPTION_COLOR};
  }}
  [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #{_ELEMENT_ID}) {{
    display: none;
  }}
</style>
<script id="{_ELEMENT_ID}">document.documentElement.lang = "ca";</script>
"""


def apply_accessibility() -> None:
    """Once per run, before any page draws: the caption colour and the document language."""
    st.html(_HTML, unsafe_allow_javascript=True)
