"""Inici's morning lists: whom to contact, stuck onboardings, referrals with no follow-up,
open advisory requests, events still to check in and groups losing attendance. Each is short,
its rows link to what to open, and "Els meus membres" narrows the member lists to the
signed-in person's own."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from services import advisories, follow_up, overview, work_groups
from services.access import Right
from services.formatting import ColumnFormat, fmt_date, fmt_number
from settings import load_settings
from ui.auth import auth_configured
from ui.data import query
from ui.layout import presentation_mode
from ui.links import member_file_urls
from ui.navigation import page
from ui.rights import may
from ui.tables import data_table
from ui.viewer import current_actor

URGENT = [follow_up.FollowUpStatus.OVERDUE, follow_up.FollowUpStatus.NEVER]
TO_CONTACT = [*URGENT, follow_up.FollowUpStatus.DUE_SOON]
# Each member row links to the member's file (/seguiment?membre=…).
FILE_LINK = {"Fitxa": "Obre la fitxa"}
MY_MEMBERS_KEY = "inici_my_members"
# A short list: the rest is one link away, on its own page.
SHORT = 5
# A group that held no session in a half-year has no rate for it.
NO_SESSIONS_RATE = ColumnFormat("percent", empty="Cap sessió")


def my_members(today: date) -> frozenset[int] | None:
    """The members the signed-in person is in charge of when "Els meus membres" is on;
    ``None`` for the whole network. Offered only to a signed-in team member off the shared
    screen (locally there is no "me", and on the shared screen no one's list)."""
    if not auth_configured() or presentation_mode() or not may(Right.EDIT_NETWORK):
        return None
    if not st.toggle(
        "Els meus membres",
        key=MY_MEMBERS_KEY,
        help="Només els membres dels quals sou responsable de la relació.",
    ):
        return None
    return query(follow_up.members_owned_by, email=current_actor().audit_name)


def _mine(frame: pd.DataFrame, mine: frozenset[int] | None) -> pd.DataFrame:
    return frame if mine is None or frame.empty else frame[frame["member_id"].isin(mine)]


def _more(total: int, shown: int, link_to: str, label: str) -> None:
    """The link to the page that holds the whole list, saying how many are left out."""
    rest = total - shown
    st.page_link(
        page(link_to),
        label=label + (f" ({fmt_number(rest)} més)" if rest > 0 else ""),
        icon=":material/arrow_forward:",
    )


def to_contact(today: date, mine: frozenset[int] | None) -> None:
    cadence = follow_up.Cadence.from_settings(load_settings())
    statuses = _mine(query(follow_up.member_status, today=today, cadence=cadence), mine)
    due = statuses[statuses["status"].isin([s.value for s in TO_CONTACT])]
    urgent = int(due["status"].isin([s.value for s in URGENT]).sum())
    st.subheader("Qui cal contactar")
    if due.empty:
        st.success(
            "Tots els vostres membres estan al dia."
            if mine is not None
            else "Tots els membres estan al dia.",
            icon=":material/check_circle:",
        )
        return
    st.caption(
        f"{fmt_number(urgent)} endarrerits o sense contacte, "
        f"{fmt_number(len(due) - urgent)} que toquen aviat. Els més urgents primer."
    )
    reason = due.apply(
        lambda r: (
            f"{r['days_overdue']} dies de retard"
            if r["status"] == follow_up.FollowUpStatus.OVERDUE
            else (
                "Mai contactat"
                if r["status"] == follow_up.FollowUpStatus.NEVER
                else f"Toca el {fmt_date(r['next_due'])}"
            )
        ),
        axis=1,
    )
    table = pd.DataFrame(
        {
            "Membre": due["member"],
            "Fitxa": member_file_urls(due["member_id"]),
            "Estat": due["status"],
            "Per què": reason,
            "Últim contacte": due["last_contact"],
            "Responsable": due["owner"],
            "Acollida": due["in_onboarding"].map({True: "En curs", False: ""}),
        }
    )
    if presentation_mode():
        # The staff member in charge is a person: not on the Commission's shared screen.
        table = table.drop(columns="Responsable")
    data_table(
        table,
        key="inici_to_contact",
        file_name="qui_cal_contactar",
        links=FILE_LINK,
        height=min(36 * (len(table) + 1), 420),
    )
    st.page_link(
        page("seguiment"),
        label="Obre Seguiment de membres"
        + (" per registrar-hi un contacte" if may(Right.EDIT_NETWORK) else ""),
    )


def stuck(today: date, mine: frozenset[int] | None) -> None:
    onboarding = _mine(query(follow_up.onboarding_progress, today=today), mine)
    stuck = onboarding[onboarding["stuck"]] if not onboarding.empty else onboarding
    # The longest stuck first: they need a call first.
    stuck = stuck.sort_values("days_without_progress", ascending=False, kind="stable")
    st.subheader("Acollides encallades")
    if stuck.empty:
        st.caption("Cap acollida encallada: totes avancen o estan completes.")
        return
    data_table(
        pd.DataFrame(
            {
                "Membre": stuck["member"],
                "Fitxa": member_file_urls(stuck["member_id"]),
                "Passos": stuck["steps_done"].astype(str)
                + " de "
                + stuck["steps_total"].astype(str),
                "Dies sense avançar": stuck["days_without_progress"],
                "Alta": stuck["joined_on"],
            }
        ),
        key="inici_stuck",
        file_name="acollides_encallades",
        links=FILE_LINK,
    )


def _short_list(
    title: str,
    frame: pd.DataFrame,
    *,
    empty: str,
    key: str,
    labels: dict[str, str],
    link_to: str,
    link_label: str,
    formats: dict[str, ColumnFormat] | None = None,
) -> None:
    """Its first rows, with a link to the page holding the whole list. A frame with a
    ``member_id`` links each row to the member's file, in its last column; ``labels`` put
    what makes a row urgent (days waiting) next to its name, as a half-width table at 1280 px
    shows only its first four columns."""
    st.markdown(f"**{title}**")
    if frame.empty:
        st.caption(empty)
        return
    shown = frame.head(SHORT)
    links = None
    if "member_id" in shown.columns:
        shown = shown.assign(file=member_file_urls(shown["member_id"]))
        labels = {**labels, "file": "Fitxa"}
        links = FILE_LINK
    data_table(
        shown,
        key=key,
        file_name=key,
        labels=labels,
        links=links,
        formats=formats,
        downloads=False,
    )
    _more(len(frame), len(shown), link_to, link_label)


def referrals(today: date, mine: frozenset[int] | None) -> None:
    # The summaries are not shown here: the member's file has them (masked when presenting).
    pending = _mine(query(advisories.referrals_without_follow_up, today=today), mine)
    _short_list(
        "Derivacions sense seguiment",
        pending.sort_values("days_waiting", ascending=False, kind="stable"),
        empty="Totes les derivacions han tingut un contacte posterior.",
        key="inici_referrals",
        labels={"member": "Membre", "days_waiting": "Dies esperant", "referral": "Derivat a"},
        link_to="seguiment",
        link_label="Totes, a Necessitats i derivacions",
    )


def open_advisories(today: date, mine: frozenset[int] | None) -> None:
    _short_list(
        "Assessoraments oberts",
        _mine(query(advisories.open_advisory_requests, today=today), mine),
        empty="Cap sol·licitud d'assessorament ni de mentoria oberta.",
        key="inici_advisories",
        labels={"member": "Membre", "days_open": "Dies oberta", "kind": "Tipus", "topic": "Tema"},
        link_to="seguiment",
        link_label="Tots, a Assessoraments i mentories",
    )


def check_ins(today: date) -> None:
    _short_list(
        "Per passar llista (avui i ahir)",
        query(overview.events_to_check_in, today=today),
        empty="Cap esdeveniment d'avui ni d'ahir espera el registre d'assistència.",
        key="inici_check_ins",
        labels={
            "event": "Esdeveniment",
            "held_on": "Data",
            "to_mark": "Per marcar",
            "registrations": "Inscripcions",
        },
        link_to="esdeveniments",
        link_label="Passa llista a Esdeveniments",
    )


def falling_groups(today: date) -> None:
    groups = query(work_groups.group_overview, today=today)
    falling = groups[groups["falling"]] if not groups.empty else groups
    falling = falling.sort_values("trend", kind="stable", na_position="first")
    _short_list(
        "Grups que perden assistència",
        falling,
        empty="Cap grup de treball no perd assistència.",
        key="inici_falling_groups",
        labels={
            "work_group": "Grup",
            "rate_recent": "Darrers 6 mesos",
            "rate_before": "6 mesos abans",
        },
        link_to="grups",
        link_label="Obre Grups de Treball",
        formats={"rate_recent": NO_SESSIONS_RATE, "rate_before": NO_SESSIONS_RATE},
    )
