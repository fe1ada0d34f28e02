"""Dades page: who may sign in, with which role. For administrators (``Right.MANAGE_USERS``);
the service refuses anyone else whatever the page shows."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from db.models import UserRole
from services import users
from services.access import ROLE_LABELS
from services.catalan import plural
from services.formatting import fmt_datetime
from ui.data import query
from ui.tables import data_table
from ui.widgets import id_labels, pick
from ui.writes import submission, write

USER_LABELS = {
    "full_name": "Nom",
    "email": "Correu",
    "role": "Rol",
    "active": "Actiu",
    "last_signed_in_at": "Darrer inici de sessió",
}
ROLE_HELP = (
    "coordinació: el treball diari de l'equip; comissió: només lectura, sempre en mode "
    "presentació i sense dades personals; admin: a més, usuaris, importacions, còpies i "
    "registre de canvis."
)
_ADD = "dades_users_add"
_EDIT = "dades_user_"


def _signed_in(moment: object) -> str:
    """Catalan date and time of a sign-in (already in Catalan time), or "Mai"."""
    if not isinstance(moment, datetime) or pd.isna(moment):
        return "Mai"
    return fmt_datetime(moment)


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        role=frame["role"].map(lambda role: ROLE_LABELS[UserRole(role)]),
        active=frame["active"].map({True: "Sí", False: "No"}),
        last_signed_in_at=frame["last_signed_in_at"].map(_signed_in),
    )


def users_section() -> None:
    listed = query(users.list_users)
    st.markdown(
        "Les persones que poden iniciar la sessió, amb el correu del compte de l'organització. "
        "Aquí no es guarda cap contrasenya: la comprova el proveïdor d'identitat."
    )
    if listed.empty:
        st.info("Encara no hi ha cap usuari a la llista.", icon=":material/group:")
    else:
        active = int(listed["active"].sum())
        st.caption(
            f"{plural(len(listed), 'usuari', 'usuaris')}, {plural(active, 'actiu', 'actius')}."
        )
        data_table(_readable(listed), key="dades_users", file_name="usuaris", labels=USER_LABELS)
    left, right = st.columns(2, gap="large")
    with left:
        _add_form()
    with right:
        _edit_form(listed)


def _role_options() -> dict[UserRole, str]:
    return {
        role: ROLE_LABELS[role] for role in (UserRole.STAFF, UserRole.COMMISSION, UserRole.ADMIN)
    }


def _add_form() -> None:
    st.subheader("Afegeix un usuari")
    # One round per account added: the form comes back empty and cannot add it twice.
    once = submission(_ADD)
    with st.form(key=once.key(f"{_ADD}_form"), border=True):
        email = st.text_input(
            "Correu",
            key=once.key(f"{_ADD}_email"),
            max_chars=254,
            help="El correu amb què la persona inicia la sessió al proveïdor de l'organització.",
        )
        full_name = st.text_input("Nom i cognoms", key=once.key(f"{_ADD}_name"), max_chars=120)
        role = pick("Rol", _role_options(), key=once.key(f"{_ADD}_role"), help=ROLE_HELP)
        submitted = st.form_submit_button(
            "Afegeix l'usuari", type="primary", key=once.key(f"{_ADD}_submit")
        )
    if not submitted:
        return
    write(
        users.add_user,
        refused="No s'ha afegit l'usuari:",
        success=f"Usuari {users.normalise_email(email or '')} afegit: ja pot iniciar la sessió.",
        once=once,
        email=email or "",
        full_name=full_name or "",
        role=role,
    )


def _edit_form(listed: pd.DataFrame) -> None:
    st.subheader("Canvia el rol o l'accés")
    if listed.empty:
        st.caption("Quan hi hagi usuaris, aquí se'ls podrà canviar el rol o desactivar.")
        return
    labels = id_labels(listed["user_id"], listed["full_name"].str.cat(listed["email"], sep=" · "))
    user_id = pick("Usuari", labels, key="dades_users_edit", placeholder="Trieu l'usuari…")
    if user_id is None:
        return
    current = listed.loc[listed["user_id"] == user_id].iloc[0]
    prefix = f"{_EDIT}{user_id}"
    roles = _role_options()
    # A round per save, so the form is redrawn on the values saved.
    once = submission(prefix)
    with st.form(key=once.key(f"{prefix}_form"), border=True):
        full_name = st.text_input(
            "Nom i cognoms",
            value=str(current["full_name"]),
            key=once.key(f"{prefix}_name"),
            max_chars=120,
        )
        role = pick(
            "Rol",
            roles,
            index=list(roles).index(UserRole(current["role"])),
            key=once.key(f"{prefix}_role"),
            help=ROLE_HELP,
        )
        active = st.checkbox(
            "Actiu (pot iniciar la sessió)",
            value=bool(current["active"]),
            key=once.key(f"{prefix}_active"),
        )
        submitted = st.form_submit_button(
            "Desa l'usuari", type="primary", key=once.key(f"{prefix}_submit")
        )
    if not submitted:
        return
    write(
        users.update_user,
        refused="No s'ha desat l'usuari:",
        success=lambda account: (
            f"Usuari {account.email} desat: {ROLE_LABELS[account.role]}, "
            + ("actiu." if account.active else "desactivat.")
        ),
        once=once,
        user_id=user_id,
        full_name=full_name or "",
        role=role,
        active=active,
    )
