"""The sign-in gate: nothing is drawn or queried for a person the dashboard does not know.

Sign-in is Streamlit's own OpenID Connect (``st.login``/``st.user``/``st.logout``, through
Authlib), configured by ``[auth]`` in ``.streamlit/secrets.toml``. The gate reads the same
``st.secrets`` that ``st.login`` reads, so the two can never disagree about whether sign-in is
on. The ``app_user`` table then says who, of those the provider vouches for, may come in and
with which role.

With no ``[auth]`` the app is one person's tool on their own machine ("local mode"): it runs
only when the server listens on a loopback address, so nobody else can reach it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db.session import run_write, session_scope
from services.access import Actor, system_actor
from services.users import UserAccount, admin_names, find_user, record_sign_in
from ui.data import get_engine
from ui.navigation import PAGE_PATHS
from ui.text import escape_markup
from ui.viewer import set_viewer

_LOG = logging.getLogger(__name__)
_SIGNED_IN_KEY = "_sign_in_recorded"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# What a provider's short name is shown as on the sign-in button.
_PROVIDER_NAMES = {"google": "Google", "microsoft": "Microsoft", "keycloak": "Keycloak"}


def _auth_section() -> Mapping[str, Any]:
    if not st.secrets.load_if_toml_exists():
        return {}
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) else {}


def auth_configured() -> bool:
    return bool(_auth_section())


def providers() -> list[str | None]:
    """The providers to offer: ``None`` for one configured directly under ``[auth]``, else
    the names of the ``[auth.<name>]`` tables."""
    section = _auth_section()
    named: list[str | None] = [
        name for name, value in section.items() if isinstance(value, Mapping) and value
    ]
    if "client_id" in section or not named:
        return [None]
    return named


def signed_in_email(claims: Mapping[str, Any]) -> str:
    """The e-mail the provider vouches for, or "" when it vouches for none.

    Microsoft Entra ID sends ``email`` only when the tenant is set up to; its
    ``preferred_username`` is then the sign-in address. An address the provider says it has
    not verified is no identity at all: anyone could have typed it."""
    if claims.get("email_verified") is False:
        return ""
    for claim in ("email", "preferred_username"):
        value = str(claims.get(claim) or "").strip()
        if "@" in value:
            return value
    return ""


def is_loopback(address: str | None) -> bool:
    address = (address or "").strip()
    return address in _LOOPBACK or address.startswith("127.")


def _gate(render: Callable[[], None]) -> NoReturn:
    """Show only ``render`` at every page's address (a deep link included), then stop."""
    pages = [
        st.Page(render, title="XMESS", url_path=path, default=index == 0)
        for index, path in enumerate(PAGE_PATHS)
    ]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _centred() -> Any:
    """The middle of three columns: a short notice reads better than a full-width line."""
    return st.columns([1, 2, 1])[1]


def _sign_in_page() -> None:
    with _centred():
        st.title("XMESS · Quadre de comandament")
        st.write(
            "Aquest quadre de comandament conté dades personals de càrrecs electes i personal "
            "tècnic dels membres de la Xarxa. Inicieu la sessió amb el compte de la vostra "
            "organització per continuar."
        )
        for provider in providers():
            label = "Inicia la sessió"
            if provider is not None:
                label += f" amb {_PROVIDER_NAMES.get(provider, provider.capitalize())}"
            if st.button(
                label,
                key=f"sign_in_{provider or 'default'}",
                type="primary",
                icon=":material/login:",
            ):
                st.login(provider) if provider else st.login()
        st.caption(
            "Només hi entren les persones donades d'alta per un administrador del quadre. "
            "No es desa cap contrasenya: l'inici de sessió és el del vostre proveïdor."
        )


def _no_access_page(email: str, admins: list[str]) -> Callable[[], None]:
    def render() -> None:
        with _centred():
            _no_access(email, admins)

    return render


def _no_access(email: str, admins: list[str]) -> None:
    st.title("No teniu accés al quadre de comandament")
    st.write(
        f"Heu iniciat la sessió com a **{escape_markup(email or 'compte sense correu')}**, però "
        "aquest compte no és a la llista de persones autoritzades o està desactivat."
    )
    if admins:
        st.write(f"Demaneu-ne l'accés a un administrador: {', '.join(admins)}.")
    else:
        st.write("Demaneu-ne l'accés a l'equip de coordinació de la XMESS.")
    if st.button("Tanca la sessió", key="sign_out_refused", icon=":material/logout:"):
        st.logout()


def _local_refusal(address: str) -> None:
    with _centred():
        st.title("Cal configurar l'inici de sessió")
        st.error(
            "Aquest servidor escolta a l'adreça "
            f"«{address or 'totes les interfícies'}», accessible des d'altres ordinadors, però "
            "no té l'inici de sessió configurat: no es mostra cap dada. Configureu `[auth]` a "
            "`.streamlit/secrets.toml` (vegeu el README, «Posar-lo al servidor de l'equip»), o "
            'engegueu-lo només per a aquest ordinador amb `server.address = "127.0.0.1"`.',
            icon=":material/lock:",
        )


def _account(email: str) -> tuple[UserAccount | None, list[str]]:
    """The active account of ``email``, or none and the admins to ask. Looked up on every run
    (one indexed row): an account deactivated by an admin loses access at its next click."""
    with session_scope(get_engine()) as session:
        account = find_user(session=session, email=email)
        if account is None or not account.active:
            return None, admin_names(session=session)
    if not st.session_state.get(_SIGNED_IN_KEY):
        _record_sign_in(account)
    return account, []


def _record_sign_in(account: UserAccount) -> None:
    """When this person last came in, for the admins' list of users. A database that cannot
    take the write just now (a long import, a read-only copy) does not keep them out."""
    try:
        run_write(
            get_engine(),
            lambda session: record_sign_in(
                session=session, user_id=account.user_id, at=datetime.now(UTC)
            ),
        )
    except SQLAlchemyError as error:
        _LOG.warning("Sign-in of %s not recorded: %s", account.email, error)


def require_viewer(require_database: Callable[[], None]) -> Actor:
    """Establish who is at the keyboard, or show the sign-in, no-access or local-mode page
    and stop. ``require_database`` runs only once the person has signed in: an anonymous
    visitor never causes a query."""
    if not auth_configured():
        address = str(st.get_option("server.address") or "")
        if not is_loopback(address):
            _LOG.error(
                "Refusing to serve data: no [auth] section in .streamlit/secrets.toml and "
                "server.address is %r, reachable from other machines. Configure sign-in "
                "([auth]) or bind to 127.0.0.1.",
                address or "all interfaces",
            )
            _gate(lambda: _local_refusal(address))
        # One person on their own machine, holding the database file: the operating-system
        # account, with every right, as on the command line.
        actor = system_actor()
        set_viewer(actor)
        return actor
    if not st.user.is_logged_in:
        _gate(_sign_in_page)
    email = signed_in_email(st.user.to_dict())
    require_database()
    account, admins = _account(email)
    if account is None:
        _gate(_no_access_page(email, admins))
    st.session_state[_SIGNED_IN_KEY] = True
    actor = Actor(audit_name=account.email, display_name=account.full_name, role=account.role)
    set_viewer(actor)
    return actor
