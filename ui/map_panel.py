"""Beside the map: the selection from a click, the comarques without presence with their
nearest member, the per-province summary and the members, each narrowed by the selection."""

from __future__ import annotations

import streamlit as st

from services.formatting import fmt_number
from services.map_layers import MapLayers
from ui.links import member_file_urls, member_query
from ui.map import MapSelection
from ui.navigation import page
from ui.tables import data_table
from ui.text import literal_markdown

SELECTION_KEY = "mapa_selection"
TABS_KEY = "mapa_tabs"
# Which tab a click opens, and how many clicks have opened one: each click draws the tabs
# under a new key (see ``side_panel``).
_OPEN_TAB_KEY = "mapa_open_tab"
_TABS_ROUND_KEY = "mapa_tabs_round"
UNCOVERED_TAB = "Territoris sense presència"
PROVINCES_TAB = "Per demarcació"
MEMBERS_TAB = "Membres"

# The services' keys → the tables' Catalan headers, in the order shown.
UNCOVERED_LABELS = {
    "comarca": "Comarca",
    "province": "Demarcació",
    "population": "Població",
    "municipalities": "Municipis",
    "nearest_member": "Membre més proper",
    "nearest_member_km": "A (km)",
    "nearest_delegate": "Delegat més proper",
    "nearest_delegate_km": "Al delegat (km)",
}
PROVINCE_LABELS = {
    "province": "Demarcació",
    "comarques": "Comarques",
    "comarques_with_presence": "Amb presència",
    "comarques_without_presence": "Sense presència",
    "members": "Membres",
    "delegates": "Delegats",
    "population": "Població",
    "population_without_presence": "Població sense presència",
}
MEMBER_LABELS = {
    "member": "Membre",
    "file": "Fitxa",
    "kind": "Tipus",
    "comarca": "Comarca",
    "status": "Estat",
    "last_contact": "Últim contacte",
    "participation": "Participació",
    "territorial_delegate": "Delegat",
    "mentor": "Municipi mentor",
    "owner": "Responsable",
}


def remember(selection: MapSelection | None, layers: MapLayers) -> MapSelection | None:
    """Keep a new click as the selection (and open the tab it concerns); drop a selection
    that the province filter has taken off the map."""
    if selection is not None:
        st.session_state[SELECTION_KEY] = selection
        st.session_state[_OPEN_TAB_KEY] = (
            UNCOVERED_TAB
            if selection.kind == "comarca"
            and selection.key in set(layers.uncovered["comarca_code"])
            else MEMBERS_TAB
        )
        st.session_state[_TABS_ROUND_KEY] = st.session_state.get(_TABS_ROUND_KEY, 0) + 1
    current = st.session_state.get(SELECTION_KEY)
    if current is not None and _describe(current, layers) is None:
        st.session_state.pop(SELECTION_KEY, None)
        return None
    return current


def _describe(selection: MapSelection, layers: MapLayers) -> str | None:
    if selection.kind == "comarca":
        rows = layers.comarques[layers.comarques["comarca_code"] == selection.key]
        if rows.empty:
            return None
        row = rows.iloc[0]
        presence = (
            "sense presència"
            if row["members"] == 0
            else ("1 membre" if row["members"] == 1 else f"{fmt_number(row['members'])} membres")
        )
        comarca, province = literal_markdown(row["comarca"]), literal_markdown(row["province"])
        return f"Comarca: **{comarca}** ({province}), {presence}"
    rows = layers.members[layers.members["member_id"].astype(str) == selection.key]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return f"Membre: **{literal_markdown(row['member'])}** ({literal_markdown(row['comarca'])})"


def _clear() -> None:
    st.session_state.pop(SELECTION_KEY, None)


def selection_bar(selection: MapSelection | None, layers: MapLayers) -> None:
    if selection is None:
        st.caption(
            "Feu clic en una comarca o en un membre del mapa per centrar-hi aquestes taules."
        )
        return
    st.markdown(_describe(selection, layers) or "")
    buttons = st.container(horizontal=True)
    buttons.button("Treu la selecció", key="mapa_clear", on_click=_clear, icon=":material/close:")
    if selection.kind != "comarca" and _describe(selection, layers) is not None:
        buttons.page_link(
            page("seguiment"),
            label="Obre la fitxa del membre",
            icon=":material/contact_page:",
            query_params=member_query(int(selection.key)),
        )


def _member_ids(selection: MapSelection | None, layers: MapLayers) -> set[int] | None:
    """The members a selection narrows to: a comarca's members, or a member with its mentor
    and mentees (its mentoring links)."""
    if selection is None:
        return None
    members = layers.members
    if selection.kind == "comarca":
        return set(members.loc[members["comarca_code"] == selection.key, "member_id"])
    member_id = int(selection.key)
    links = layers.mentor_links
    linked = set(links.loc[links["mentor_id"] == member_id, "mentee_id"]) | set(
        links.loc[links["mentee_id"] == member_id, "mentor_id"]
    )
    return {member_id, *map(int, linked)}


def uncovered_table(layers: MapLayers, selection: MapSelection | None) -> None:
    uncovered = layers.uncovered
    if selection is not None and selection.kind == "comarca":
        uncovered = uncovered[uncovered["comarca_code"] == selection.key]
        if uncovered.empty:
            st.info("Aquesta comarca té presència de la Xarxa: vegeu-ne els membres.")
            return
    elif selection is not None:
        member_id = int(selection.key)
        uncovered = uncovered[
            (uncovered["nearest_member_id"] == member_id)
            | (uncovered["nearest_delegate_id"] == member_id)
        ]
        if uncovered.empty:
            st.info("Aquest membre no és el més proper a cap comarca sense presència.")
            return
        st.caption("Comarques sense presència on aquest membre és el més proper (o el delegat).")
    if uncovered.empty:
        st.success("Totes les comarques d'aquesta selecció tenen algun membre actiu.")
        return
    st.caption(
        "Ordenades per població. Distàncies en línia recta des del centre de població de la "
        "comarca: el membre més proper és un candidat a mentor o a delegat."
    )
    data_table(
        uncovered,
        key="mapa_sense_presencia",
        file_name="comarques-sense-presencia",
        labels=UNCOVERED_LABELS,
        column_config={
            "Població": st.column_config.NumberColumn(format="localized"),
            "A (km)": st.column_config.NumberColumn(format="%.1f"),
            "Al delegat (km)": st.column_config.NumberColumn(format="%.1f"),
        },
    )


def provinces_table(layers: MapLayers) -> None:
    data_table(
        layers.provinces,
        key="mapa_demarcacions",
        file_name="presencia-per-demarcacio",
        labels=PROVINCE_LABELS,
        column_config={
            "Població": st.column_config.NumberColumn(format="localized"),
            "Població sense presència": st.column_config.NumberColumn(format="localized"),
        },
    )


def members_table(layers: MapLayers, selection: MapSelection | None, *, presentation: bool) -> None:
    members = layers.members
    ids = _member_ids(selection, layers)
    if ids is not None:
        members = members[members["member_id"].isin(ids)]
    if members.empty:
        st.info("No hi ha cap membre actiu en aquesta selecció.")
        return
    shown = members.assign(
        territorial_delegate=members["territorial_delegate"].map({True: "Sí", False: ""}),
        mentor=members["mentor"].map(lambda m: m if isinstance(m, str) else ""),
        owner=members["owner"].fillna(""),
        file=member_file_urls(members["member_id"]),
    )
    labels = dict(MEMBER_LABELS)
    # The staff member in charge is a person: not on the Commission's shared screen.
    if presentation:
        del labels["owner"]
    data_table(
        shown,
        key="mapa_membres",
        file_name="membres-mapa",
        labels=labels,
        links={"Fitxa": "Obre la fitxa"},
        column_config={
            "Participació": st.column_config.ProgressColumn(
                format="%.0f", min_value=0, max_value=100
            )
        },
    )


def side_panel(layers: MapLayers, selection: MapSelection | None, *, presentation: bool) -> None:
    selection_bar(selection, layers)
    # A click on the map opens the tab it concerns (``remember``). Setting the tabs' state
    # under one key was not enough: the component sends its value again right after a click
    # (opening the popup pans the map), and that rerun can carry the browser's tab from
    # before the click's answer arrived, which put the old tab back (a flaky Chromium test).
    # Under a new key per click the tabs start on the tab to open, and a stale value sent
    # for an older key is ignored.
    uncovered, provinces, members = st.tabs(
        [UNCOVERED_TAB, PROVINCES_TAB, MEMBERS_TAB],
        key=f"{TABS_KEY}_{st.session_state.get(_TABS_ROUND_KEY, 0)}",
        default=st.session_state.get(_OPEN_TAB_KEY, UNCOVERED_TAB),
        on_change="rerun",
    )
    with uncovered:
        uncovered_table(layers, selection)
    with provinces:
        provinces_table(layers)
    with members:
        members_table(layers, selection, presentation=presentation)
