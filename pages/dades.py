"""Dades: getting data in and out safely. Import spreadsheets (preview first, then all or
nothing), edit members and persons, the audit log, the full backup, the users, and the
territory reference data the app ships with.

Each tab is drawn only for a viewer whose role has its right (the coordination team edits;
administrators also import, back up and restore, read the audit log and manage users). That
is comfort, not the rule: the services refuse the same roles whatever the page shows."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from services import territory
from services.access import Right
from services.clock import catalan_today
from services.formatting import fmt_number
from ui.dades import import_section
from ui.dades_audit import audit_section
from ui.dades_backup import backup_section
from ui.dades_records import records_section
from ui.dades_users import users_section
from ui.data import query
from ui.feedback import show_flash
from ui.layout import presentation_mode
from ui.tables import data_table
from ui.viewer import current_actor

IGN_ATTRIBUTION = (
    "Límits municipals: © Instituto Geográfico Nacional (IGN), CC BY 4.0, via es-atlas."
)


def _province_filter(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    provinces = sorted(frame["province"].unique())
    chosen = st.multiselect("Demarcació", provinces, key=key, placeholder="Totes")
    return frame[frame["province"].isin(chosen)] if chosen else frame


COMARCA_LABELS = {
    "comarca_code": "Codi",
    "comarca": "Comarca",
    "province": "Demarcació",
    "municipalities": "Municipis",
    "population": "Població",
    "members": "Membres actius",
}
MUNICIPALITY_LABELS = {
    "municipality_code": "Codi INE",
    "municipality": "Municipi",
    "comarca": "Comarca",
    "province": "Demarcació",
    "population": "Població",
    "lat": "Latitud",
    "lon": "Longitud",
}

PRIVATE = "Aquesta secció mostra dades personals de contacte: no es mostra en mode presentació."

# The tabs that hold personal data or change data, each with the right it takes, in order.
SECTIONS: tuple[tuple[str, Right, Callable[[], None]], ...] = (
    ("Importa", Right.IMPORT, import_section),
    ("Edita", Right.EDIT_NETWORK, records_section),
    ("Registre de canvis", Right.READ_AUDIT, audit_section),
    ("Còpia de seguretat", Right.BACKUP, backup_section),
    ("Usuaris", Right.MANAGE_USERS, users_section),
)
TERRITORY = "Territori"


def render() -> None:
    st.title("Dades")
    show_flash()
    viewer = current_actor()
    sections = [(label, section) for label, right, section in SECTIONS if viewer.can(right)]
    *tabs, territory_tab = st.tabs([label for label, _ in sections] + [TERRITORY])
    for tab, (_, section) in zip(tabs, sections, strict=True):
        with tab:
            if presentation_mode():
                st.info(PRIVATE, icon=":material/visibility_off:")
            else:
                section()
    with territory_tab:
        _territory()


def _territory() -> None:
    st.caption("Dades de referència del territori: 947 municipis, 42 comarques i l'Aran.")
    comarques_tab, municipalities_tab = st.tabs(["Comarques", "Municipis"])

    with comarques_tab:
        comarques = query(territory.comarca_presence, today=catalan_today())
        if comarques.empty:
            st.info("No hi ha dades territorials: executeu `make migrate`.")
        else:
            shown = _province_filter(comarques, key="dades_comarques_province")
            without = int((shown["members"] == 0).sum())
            st.markdown(
                f"**{fmt_number(len(shown))}** comarques, **{fmt_number(without)}** sense cap "
                "membre actiu."
            )
            data_table(
                shown,
                key="dades_comarques",
                file_name="comarques",
                labels=COMARCA_LABELS,
                column_config={
                    "Població": st.column_config.NumberColumn(format="localized"),
                },
            )

    with municipalities_tab:
        municipalities = query(territory.municipalities)
        shown = _province_filter(municipalities, key="dades_municipis_province")
        search = st.text_input("Cerca un municipi", key="dades_municipis_search")
        if search:
            shown = shown[shown["municipality"].str.contains(search, case=False, regex=False)]
        if shown.empty:
            st.info("Cap municipi no coincideix amb la cerca.")
        else:
            data_table(
                shown,
                key="dades_municipis",
                file_name="municipis",
                labels=MUNICIPALITY_LABELS,
                column_config={
                    "Població": st.column_config.NumberColumn(format="localized"),
                    "Latitud": st.column_config.NumberColumn(format="%.5f"),
                    "Longitud": st.column_config.NumberColumn(format="%.5f"),
                },
            )
    st.caption(IGN_ATTRIBUTION)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
