"""Seguiment sections on needs, referrals, advisories, mentoring and the CCPR bag."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from services import advisories
from services.formatting import fmt_number, fmt_percent
from settings import load_settings
from ui.chart_specs import partial_period_label
from ui.charts import show_chart
from ui.data import query
from ui.free_text import masks_names, summary_labels
from ui.tables import data_table

REFERRAL_LABELS = {
    "member": "Membre",
    "occurred_on": "Data",
    "days_waiting": "Dies sense resposta",
    "referral": "Derivació",
    "summary": "Resum",
}


def needs_and_referrals(today: date) -> None:
    st.subheader("Necessitats detectades per trimestre")
    needs = query(advisories.needs_by_quarter, today=today)
    if needs.empty:
        st.info("Encara no s'ha detectat cap necessitat en els contactes.")
    else:
        show_chart(needs_bars, needs)
    st.subheader("Derivacions sense contacte posterior")
    # On the shared screen the summaries come with the known persons masked.
    pending = query(advisories.referrals_without_follow_up, today=today, mask_names=masks_names())
    if pending.empty:
        st.success("Totes les derivacions han tingut un contacte posterior.")
    else:
        st.caption(
            "1 derivació espera un contacte de seguiment."
            if len(pending) == 1
            else f"{fmt_number(len(pending))} derivacions esperen un contacte de seguiment."
        )
        data_table(
            pending,
            key="advisory_referrals",
            file_name="derivacions_pendents",
            labels=summary_labels(REFERRAL_LABELS, pending),
        )


def needs_bars(needs: pd.DataFrame) -> alt.Chart:
    """Needs per quarter, stacked by topic. The quarter under way is counted up to today:
    its label says so and its bar is paler, so it does not read as a fall."""
    chart: alt.Chart = (
        alt.Chart(needs)
        .transform_calculate(period=partial_period_label("quarter"))
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=None, sort="ascending"),
            y=alt.Y("needs:Q", title="Necessitats", stack="zero"),
            color=alt.Color("topic:N", title="Tema", legend=alt.Legend(orient="bottom", columns=4)),
            opacity=alt.condition("datum.partial", alt.value(0.45), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("period:N", title="Trimestre"),
                alt.Tooltip("topic:N", title="Tema"),
                alt.Tooltip("needs:Q", title="Necessitats"),
            ],
        )
    )
    return chart


def advisories_and_mentoring(today: date) -> None:
    bag = query(advisories.ccpr_bag, year=today.year, bag_hours=load_settings().ccpr_bag_hours)
    st.subheader(f"Servei d'assessorament expert en CCPR {bag.year}")
    st.progress(
        min(bag.used_share, 1.0),
        text=f"{fmt_number(bag.used_hours, 1)} h usades de {fmt_number(bag.bag_hours)} h "
        f"({fmt_percent(bag.used_share)}); en queden {fmt_number(bag.left_hours, 1)} h",
    )
    if bag.left_hours < 0:
        st.warning("S'ha superat la bossa anual d'hores.")
    if not bag.by_member.empty:
        data_table(
            bag.by_member,
            key="advisory_ccpr_bag",
            file_name="bossa_ccpr",
            labels={"member": "Membre", "population": "Població", "hours": "Hores"},
            column_config={"Població": st.column_config.NumberColumn(format="localized")},
        )
    left, right = st.columns(2)
    with left:
        st.subheader("Sol·licituds obertes")
        open_requests = query(advisories.open_advisories)
        if open_requests.empty:
            st.info("No hi ha cap assessorament ni mentoria pendent.")
        else:
            data_table(
                open_requests,
                key="advisory_open",
                file_name="sollicituds_obertes",
                labels={
                    "topic": "Tema",
                    "kind": "Tipus",
                    "status": "Estat",
                    "requests": "Sol·licituds",
                },
            )
    with right:
        st.subheader("Parelles de mentoria")
        pairs = query(advisories.mentor_pairs, today=today)
        if pairs.empty:
            st.info("Cap membre no té municipi mentor assignat.")
        else:
            data_table(
                pairs,
                key="advisory_mentor_pairs",
                file_name="parelles_de_mentoria",
                labels={"mentor": "Mentor", "mentee": "Membre acompanyat", "joined_on": "Alta"},
            )
