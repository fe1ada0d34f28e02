"""Seguiment de membres: every member's follow-up status, and one member's file."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from services import follow_up, member_file
from services.clock import catalan_today
from services.formatting import fmt_number
from settings import load_settings
from ui import advisory
from ui import follow_up_panels as widgets
from ui.chart_specs import status_chart
from ui.charts import show_chart
from ui.data import query
from ui.feedback import show_flash
from ui.free_text import masks_names
from ui.layout import presentation_mode
from ui.links import MEMBER_PARAM
from ui.rights import offers_forms
from ui.tables import data_table
from ui.text import escape_markup
from ui.widgets import id_labels, pick

FILTERS = [
    ("status", "Estat", "seguiment_status"),
    ("province", "Demarcació", "seguiment_province"),
    ("comarca", "Comarca", "seguiment_comarca"),
    ("kind", "Tipus d'ens", "seguiment_kind"),
    ("owner", "Responsable", "seguiment_owner"),
]


def _filtered(statuses: pd.DataFrame) -> pd.DataFrame:
    shown = statuses
    # The staff member in charge is a person: not on the Commission's shared screen.
    filters = [f for f in FILTERS if not (presentation_mode() and f[0] == "owner")]
    for column, (field, label, key) in zip(st.columns(len(filters)), filters, strict=True):
        options = sorted(o for o in statuses[field].unique() if o)
        if field == "status":
            options = [s.value for s in follow_up.STATUS_ORDER if s.value in options]
        chosen = column.multiselect(label, options, key=key, placeholder="Tots")
        if chosen:
            shown = shown[shown[field].isin(chosen)]
    return shown


def _status_table(shown: pd.DataFrame) -> None:
    table = pd.DataFrame(
        {
            "Membre": shown["member"],
            "Estat": shown["status"],
            "Dies de retard": shown["days_overdue"],
            "Últim contacte": shown["last_contact"],
            "Proper contacte": shown["next_due"],
            "Comarca": shown["comarca"],
            "Responsable": shown["owner"],
            "Acollida": shown["in_onboarding"].map({True: "En curs", False: ""}),
        }
    )
    if presentation_mode():
        table = table.drop(columns="Responsable")
    data_table(table, key="seguiment_members", file_name="seguiment_membres", height=380)


PERSON_LABELS = {
    "person": "Nom",
    "role": "Rol",
    "position": "Càrrec",
    "email": "Correu",
    "phone": "Telèfon",
    "consent_contact": "Consent contacte",
}
ADVISORY_LABELS = {
    "requested_on": "Sol·licitat",
    "kind": "Tipus",
    "topic": "Tema",
    "status": "Estat",
    "hours": "Hores",
    "mentor": "Mentor",
}
EVENT_LABELS = {"held_on": "Data", "event": "Esdeveniment", "kind": "Tipus"}


def _member_file(member_id: int, today: date) -> None:
    profile = query(member_file.member_profile, member_id=member_id, today=today)
    if profile is None:
        st.warning("Aquest membre ja no existeix.")
        return
    widgets.member_profile(profile)
    tabs = st.tabs(["Contactes", "Acollida", "Persones", "Assessoraments", "Esdeveniments"])
    with tabs[0]:
        if offers_forms():
            widgets.contact_form(member_id, profile.name, today)
        # On the shared screen the summaries come with the known persons masked.
        widgets.timeline(
            query(member_file.member_timeline, member_id=member_id, mask_names=masks_names())
        )
    with tabs[1]:
        widgets.onboarding_checklist(profile, today)
    with tabs[2]:
        if presentation_mode():
            st.info("Les dades personals de contacte no es mostren en mode presentació.")
        else:
            persons = query(member_file.member_persons, member_id=member_id)
            if persons.empty:
                st.info("Aquest membre no té cap persona de contacte registrada.")
            else:
                data_table(
                    persons,
                    key="seguiment_persons",
                    file_name="persones_de_contacte",
                    labels=PERSON_LABELS,
                    contacts={"Correu": "mailto", "Telèfon": "tel"},
                )
    with tabs[3]:
        advisories = query(member_file.member_advisories, member_id=member_id)
        if advisories.empty:
            st.info("Cap assessorament ni mentoria registrats.")
        else:
            data_table(
                advisories,
                key="seguiment_advisories",
                file_name="assessoraments",
                labels=ADVISORY_LABELS,
            )
    with tabs[4]:
        events = query(member_file.member_events, member_id=member_id, today=today)
        if events.empty:
            st.info("Aquest membre no ha assistit a cap esdeveniment.")
        else:
            data_table(
                events,
                key="seguiment_events",
                file_name="esdeveniments_del_membre",
                labels=EVENT_LABELS,
            )


def render() -> None:
    today = catalan_today()
    st.title("Seguiment de membres")
    show_flash()
    cadence = follow_up.Cadence.from_settings(load_settings())
    statuses = query(follow_up.member_status, today=today, cadence=cadence)
    if statuses.empty:
        st.info("No hi ha cap membre actiu. Importeu-los o carregueu la demo (`make demo`).")
        return

    _follow_address(statuses)
    # Lazy tabs: only the open one runs, so a rerun costs one tab, not three.
    members_tab, needs_tab, advisory_tab = st.tabs(
        ["Membres", "Necessitats i derivacions", "Assessoraments i mentories"],
        key="seguiment_tab",
        on_change="rerun",
    )
    if members_tab.open:
        with members_tab:
            _members(statuses, today)
    if needs_tab.open:
        with needs_tab:
            advisory.needs_and_referrals(today)
    if advisory_tab.open:
        with advisory_tab:
            advisory.advisories_and_mentoring(today)


# The member the address last opened, as the address wrote it: a link opens the Membres tab
# once, not on every rerun while its address stays.
_LINKED_KEY = "_seguiment_linked_member"
MEMBER_KEY = "seguiment_member"


def _follow_address(statuses: pd.DataFrame) -> None:
    """Open the file the address names (/seguiment?membre=<id>): the picker takes that member,
    and the Membres tab opens the first time the address names it. An address naming no
    active member gets a Catalan warning and is dropped."""
    raw = st.query_params.get(MEMBER_PARAM)
    if raw is None:
        st.session_state.pop(_LINKED_KEY, None)
        return
    member_id = int(raw) if raw.isdigit() else None
    if member_id is None or member_id not in set(statuses["member_id"]):
        # What the address says, as typed: a crafted link in it must not become a link here.
        asked = escape_markup(raw if len(raw) <= 40 else raw[:40] + "…")
        st.warning(
            f"L'adreça demana la fitxa del membre «{asked}», que no existeix o ja no és actiu. "
            "Trieu-ne un a la llista de sota.",
            icon=":material/person_search:",
        )
        del st.query_params[MEMBER_PARAM]
        return
    # The picker's state goes when its tab or page is not drawn: the address restores it.
    if st.session_state.get(MEMBER_KEY) != member_id:
        st.session_state[MEMBER_KEY] = member_id
    if st.session_state.get(_LINKED_KEY) != raw:
        st.session_state[_LINKED_KEY] = raw
        st.session_state["seguiment_tab"] = "Membres"


def _keep_member_in_address() -> None:
    """The picker's choice is the address's, so a reload or a copied address opens it."""
    chosen = st.session_state.get(MEMBER_KEY)
    if chosen is None:
        st.session_state.pop(_LINKED_KEY, None)
        if MEMBER_PARAM in st.query_params:
            del st.query_params[MEMBER_PARAM]
    else:
        st.session_state[_LINKED_KEY] = str(chosen)
        st.query_params[MEMBER_PARAM] = str(chosen)


def _members(statuses: pd.DataFrame, today: date) -> None:
    # A member's file opens at the top, above the list: it is what a link came for.
    top = st.container()
    shown = _filtered(statuses)
    counts = shown["status"].value_counts()
    for column, status in zip(st.columns(4), follow_up.STATUS_ORDER, strict=True):
        column.metric(status.value, fmt_number(int(counts.get(status.value, 0))), border=True)
    if shown.empty:
        st.info("Cap membre no compleix els filtres triats.")
    else:
        _status_table(shown)

    charts = st.columns(3)
    show_chart(status_chart, shown[["status"]], where=charts[0])
    show_chart(
        widgets.contacts_chart,
        query(member_file.contacts_per_month, today=today),
        where=charts[1],
    )
    show_chart(widgets.needs_chart, query(member_file.needs_by_topic, today=today), where=charts[2])

    # The filtered list first; with no match, or a member opened from elsewhere that the
    # filters leave out, any member can still be opened.
    chosen = st.session_state.get(MEMBER_KEY)
    narrowed = not shown.empty and (chosen is None or chosen in set(shown["member_id"]))
    pickable = shown if narrowed else statuses
    with top:
        member_id = pick(
            "Obre la fitxa d'un membre",
            id_labels(pickable["member_id"], pickable["member"]),
            placeholder="Tria un membre…",
            key=MEMBER_KEY,
            on_change=_keep_member_in_address,
        )
        if member_id is not None:
            _member_file(member_id, today)
            st.divider()


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
