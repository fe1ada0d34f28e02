"""Dades: the reference data the app ships with (territory), for checking and download."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from services import territory
from services.formatting import fmt_number
from ui.data import query
from ui.tables import data_table

IGN_ATTRIBUTION = (
    "Límits municipals: © Instituto Geográfico Nacional (IGN), CC BY 4.0, via es-atlas."
)


def _province_filter(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    provinces = sorted(frame["Demarcació"].unique())
    chosen = st.multiselect("Demarcació", provinces, key=key, placeholder="Totes")
    return frame[frame["Demarcació"].isin(chosen)] if chosen else frame


def render() -> None:
    st.title("Dades")
    st.caption("Dades de referència del territori: 947 municipis, 42 comarques i l'Aran.")
    comarques_tab, municipalities_tab = st.tabs(["Comarques", "Municipis"])

    with comarques_tab:
        comarques = query(territory.comarca_presence, today=date.today())
        if comarques.empty:
            st.info("No hi ha dades territorials: executeu `make migrate`.")
        else:
            shown = _province_filter(comarques, key="dades_comarques_province")
            without = int((shown["Membres actius"] == 0).sum())
            st.markdown(
                f"**{fmt_number(len(shown))}** comarques, **{fmt_number(without)}** sense cap "
                "membre actiu."
            )
            data_table(
                shown,
                key="dades_comarques",
                file_name="comarques",
                column_config={
                    "Població": st.column_config.NumberColumn(format="localized"),
                },
            )

    with municipalities_tab:
        municipalities = query(territory.municipalities)
        shown = _province_filter(municipalities, key="dades_municipis_province")
        search = st.text_input("Cerca un municipi", key="dades_municipis_search")
        if search:
            shown = shown[shown["Municipi"].str.contains(search, case=False, regex=False)]
        if shown.empty:
            st.info("Cap municipi no coincideix amb la cerca.")
        else:
            data_table(
                shown,
                key="dades_municipis",
                file_name="municipis",
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
