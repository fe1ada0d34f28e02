"""Widgets of the follow-up work: status badges and charts, a member's file, the contact form
and the onboarding checklist."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from db.models import Channel, OnboardingStepKind, Referral
from services import member_file
from services.catalan import plural
from services.contacts import ContactForm, log_contact, mark_onboarding_step
from services.formatting import fmt_date
from services.labels import CHANNEL, REFERRAL
from ui.data import query
from ui.free_text import summary_labels
from ui.layout import presentation_mode
from ui.rights import offers_forms
from ui.tables import data_table
from ui.text import escape_markup
from ui.widgets import id_labels, pick
from ui.writes import submission, write

# A member's contacts as the timeline shows them; in presentation mode ``data_table`` leaves
# out the people, and the summary is the masked one (``ui.free_text``), if any.
TIMELINE_LABELS = {
    "occurred_on": "Data",
    "channel": "Canal",
    "staff": "Equip",
    "person": "Persona",
    "summary": "Resum",
    "referral": "Derivació",
    "next_contact_on": "Proper contacte",
    "needs": "Necessitats",
}

# Charts are annotated where built: under mypy altair's ``mark_*`` methods return Any (a
# decorator copies their signature in). The status chart is in ``ui.chart_specs`` (the
# meeting pack draws it too).


def contacts_chart(per_month: pd.DataFrame) -> alt.LayerChart:
    """Contacts per month. The month under way is counted up to today: its point is hollow
    and the line to it dashed, so it does not read as a fall."""
    tail = per_month["partial"] | per_month["partial"].shift(-1, fill_value=False)
    data = per_month.assign(
        tail=tail,
        period=per_month["partial"].map({True: "Mes en curs, fins avui", False: "Mes sencer"}),
    )
    title = alt.Title("Contactes per mes", subtitle="Discontinu: el mes en curs, fins avui")
    base = alt.Chart(data, title=title).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%m/%Y")),
        y=alt.Y("contacts:Q", title="Contactes"),
    )
    complete = base.transform_filter("!datum.partial").mark_line()
    under_way = base.transform_filter("datum.tail").mark_line(strokeDash=[4, 4])
    points = base.mark_point(size=50, filled=False, strokeWidth=2).encode(
        fill=alt.condition("datum.partial", alt.value("white"), alt.value("#0068c9")),
        tooltip=[
            alt.Tooltip("month:T", title="Mes", format="%m/%Y"),
            alt.Tooltip("contacts:Q", title="Contactes"),
            alt.Tooltip("period:N", title="Període"),
        ],
    )
    chart: alt.LayerChart = complete + under_way + points
    return chart


def needs_chart(needs: pd.DataFrame) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(needs, title="Necessitats detectades (12 mesos)")
        .mark_bar()
        .encode(
            x=alt.X("needs:Q", title="Necessitats"),
            y=alt.Y("topic:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("topic:N", title="Tema"),
                alt.Tooltip("needs:Q", title="Necessitats"),
            ],
        )
    )
    return chart


def member_profile(profile: member_file.MemberProfile) -> None:
    # Names and places as typed: Markdown in them is shown, never rendered.
    md = escape_markup
    st.subheader(md(profile.name))
    facts = [
        f"**{md(profile.kind)}** · {md(profile.municipality)} "
        f"({md(profile.comarca)}, {md(profile.province)})",
        f"Membre des del {fmt_date(profile.joined_on)}",
    ]
    if profile.mentor:
        facts.append(f"Municipi mentor: {md(profile.mentor)}")
    if profile.mentees:
        facts.append(f"Mentor de: {', '.join(map(md, profile.mentees))}")
    if profile.territorial_delegate:
        facts.append("Municipi delegat al seu territori")
    facts.append(
        "Fitxa ABC de l'ESS: "
        + (
            f"actualitzada el {fmt_date(profile.abc_sheet_updated_on)}"
            if profile.abc_sheet_updated_on
            else "sense fitxa"
        )
    )
    # The staff member in charge is a person: not on the Commission's shared screen.
    if profile.owner and not presentation_mode():
        facts.append(f"Relació a càrrec de: {md(profile.owner)}")
    facts.append(
        "Grups de treball: "
        + (", ".join(map(md, profile.work_groups)) if profile.work_groups else "cap")
    )
    st.markdown("  \n".join(facts))


def onboarding_checklist(profile: member_file.MemberProfile, today: date) -> None:
    if not profile.onboarding:
        st.caption("Aquest membre no té protocol d'acollida registrat.")
        return
    done = sum(1 for _, _, done_on in profile.onboarding if done_on)
    st.progress(done / len(profile.onboarding), text=f"{done} de {len(profile.onboarding)} passos")
    if not offers_forms():
        # Read-only: the steps as a list, not as boxes that cannot be ticked.
        st.markdown(
            "\n".join(
                f"- {':material/check_box:' if done_on else ':material/check_box_outline_blank:'}"
                f" {label}" + (f" ({fmt_date(done_on)})" if done_on else "")
                for _, label, done_on in profile.onboarding
            )
        )
        return
    for code, label, done_on in profile.onboarding:
        suffix = f" ({fmt_date(done_on)})" if done_on else ""
        ticked = st.checkbox(
            f"{label}{suffix}",
            value=done_on is not None,
            key=f"onboarding_{profile.member_id}_{code}",
        )
        if ticked != (done_on is not None):
            write(
                mark_onboarding_step,
                refused=f"No s'ha marcat el pas «{label}»:",
                success=f"Pas «{label}» marcat com a {'fet' if ticked else 'pendent'}.",
                member_id=profile.member_id,
                step=OnboardingStepKind(code),
                done_on=today if ticked else None,
                today=today,
            )


def contact_form(member_id: int, member_name: str, today: date) -> None:
    """The form to log a contact. Refused input shows every reason and writes nothing."""
    persons = query(member_file.member_persons, member_id=member_id)
    staff = query(member_file.staff_options)
    topics = query(member_file.topic_options)
    # One round per save: the saved form comes back empty and cannot be saved twice.
    once = submission(f"log_contact_{member_id}")
    with st.form(key=once.key(f"log_contact_{member_id}"), border=True):
        st.markdown(f"**Registra un contacte amb {escape_markup(member_name)}**")
        left, right = st.columns(2)
        occurred_on = left.date_input(
            "Data del contacte", value=today, format="DD/MM/YYYY", key=once.key("contact_date")
        )
        channel = pick(
            "Canal",
            {c: CHANNEL[c] for c in Channel},
            index=0,
            key=once.key("contact_channel"),
            container=right,
        )
        person_id = pick(
            "Persona",
            {None: "—"} | id_labels(persons["person_id"], persons["person"]),
            index=0,
            key=once.key("contact_person"),
            container=left,
        )
        staff_id = pick(
            "Membre de l'equip",
            {None: "—"} | id_labels(staff["staff_id"], staff["staff"]),
            index=0,
            key=once.key("contact_staff"),
            container=right,
        )
        summary = st.text_area("Resum", key=once.key("contact_summary"), max_chars=4000)
        need_codes = st.multiselect(
            "Necessitats detectades",
            topics["code"].tolist(),
            format_func=lambda c: topics.set_index("code").loc[c, "name"],
            placeholder="Cap; trieu-ne si n'hi ha",
            key=once.key("contact_needs"),
        )
        left, right = st.columns(2)
        referral = pick(
            "Derivació",
            {None: "Cap"} | {r: REFERRAL[r] for r in Referral},
            index=0,
            key=once.key("contact_referral"),
            container=left,
        )
        next_contact_on = right.date_input(
            "Proper contacte (opcional)",
            value=None,
            format="DD/MM/YYYY",
            key=once.key("contact_next"),
        )
        submitted = st.form_submit_button(
            # The member in the key: a browser test finds this member's form by it.
            "Desa el contacte",
            type="primary",
            key=once.key(f"contact_submit_{member_id}"),
        )
    if not submitted:
        return
    form = ContactForm(
        member_id=member_id,
        occurred_on=occurred_on,
        channel=channel,
        summary=summary or "",
        person_id=person_id,
        need_codes=tuple(need_codes),
        referral=referral,
        next_contact_on=next_contact_on,
        staff_id=staff_id,
    )
    write(
        log_contact,
        refused="No s'ha desat el contacte:",
        success=f"Contacte amb {member_name} desat ({fmt_date(occurred_on)}).",
        once=once,
        form=form,
        today=today,
    )


def timeline(frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info("Encara no hi ha cap contacte registrat amb aquest membre.")
        return
    # Dates stay dates: the table writes them dd/mm/aaaa, sorts them as dates, and the XLSX
    # holds real dates.
    shown = frame
    st.caption(plural(len(frame), "contacte", "contactes"))
    data_table(
        shown,
        key="follow_up_timeline",
        file_name="contactes_del_membre",
        labels=summary_labels(TIMELINE_LABELS, shown),
    )
