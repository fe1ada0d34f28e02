"""The global sidebar, presentation mode and small drawing helpers shared by pages."""

from __future__ import annotations

import streamlit as st

from db.session import describe_url
from services.access import Actor, Right
from settings import database_url, load_settings
from ui.auth import auth_configured
from ui.data import current_schema_status
from ui.viewer import current_actor

PRESENTATION_KEY = "presentation_mode"

# Presentation mode is for a shared screen at Executive Commission meetings: larger type,
# no chrome that distracts.
_PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 1.2rem; }
  [data-testid="stMetricValue"] { font-size: 3rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
  /* Large type must never cut a label or a delta short on the shared screen: wrap instead. */
  [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  }
  h1 { font-size: 3rem !important; }
  [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none; }
</style>
"""


def always_presenting(actor: Actor) -> bool:
    """A role that may not see personal data (the Commission) is always on the shared
    screen: it cannot switch the mode off."""
    return not actor.can(Right.SEE_PERSONAL_DATA)


def presentation_mode() -> bool:
    """True when the shared-screen mode is on: pages must then hide personal contact data.
    Decided on the server from the role, whatever the browser sends for the switch."""
    return always_presenting(current_actor()) or bool(st.session_state.get(PRESENTATION_KEY, False))


def render_sidebar(actor: Actor) -> None:
    forced = always_presenting(actor)
    if forced:
        st.session_state[PRESENTATION_KEY] = True
    with st.sidebar:
        st.toggle(
            "Mode presentació",
            key=PRESENTATION_KEY,
            disabled=forced,
            help="Per a la pantalla compartida de la Comissió Executiva: lletra gran i cap "
            "dada personal de contacte."
            + (f" Sempre activat per al vostre rol ({actor.role_label})." if forced else ""),
        )
        if auth_configured():
            # On the shared screen not even the signed-in person's own name is shown.
            who = (
                "Sessió iniciada" if presentation_mode() else f"Sessió de **{actor.display_name}**"
            )
            st.caption(f"{who} · {actor.role_label}")
            if st.button("Tanca la sessió", key="sign_out", icon=":material/logout:"):
                st.logout()
        else:
            st.caption("Mode local, sense inici de sessió")
        st.caption(f"Base de dades: {describe_url(database_url())}")
    if presentation_mode():
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)


def require_settings() -> None:
    """Stop before any page draws when a knob has a bad value, naming the knob."""
    try:
        load_settings()
    except ValueError as error:
        st.error(f"Configuració incorrecta: {error}", icon=":material/settings:")
        st.stop()


def require_database() -> None:
    """Stop the page with a clear Catalan message when the database cannot be used."""
    status = current_schema_status()
    if not status.reachable:
        st.error(
            "No es pot connectar amb la base de dades "
            f"({describe_url(database_url())}). Comproveu que el servidor està en marxa i "
            "que `XMESS_DATABASE_URL` o `.streamlit/secrets.toml` són correctes.",
            icon=":material/cloud_off:",
        )
        st.caption(f"Detall tècnic: {status.error}")
        st.stop()
    if not status.up_to_date:
        current = status.current or "cap (base de dades buida)"
        st.error(
            f"La base de dades no està al dia: és a la revisió {current} i l'aplicació "
            f"necessita la {status.head}. Executeu `make migrate` (o `make run`) i torneu a "
            "carregar la pàgina.",
            icon=":material/update:",
        )
        st.stop()
