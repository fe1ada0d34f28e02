"""Widgets of the follow-up work: status badges and charts, a member's file, the contact form
and the onboarding checklist."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from db.models import Channel, OnboardingStepKind, Referral
from db.session import session_scope
from services import member_file
from services.contacts import ContactForm, ValidationError, log_contact, mark_onboarding_step
from services.follow_up import STATUS_ORDER
from services.formatting import fmt_date, fmt_number
from services.labels import CHANNEL, REFERRAL
from ui.data import get_engine, query
from ui.feedback import after_write
from ui.layout import current_username, presentation_mode
from ui.tables import data_table

STATUS_COLOURS = {
    "Endarrerit": "#c0392b",
    "Sense contacte": "#8e44ad",
    "Toca aviat": "#e67e22",
    "Al dia": "#27ae60",
}


def status_colour_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))


def status_chart(statuses: pd.DataFrame) -> alt.Chart:
    counts = (
        statuses["status"]
        .value_counts()
        .reindex([s.value for s in STATUS_ORDER], fill_value=0)
        .rename_axis("Estat")
        .reset_index(name="Membres")
    )
    return (
        alt.Chart(counts, title="Membres per estat de seguiment")
        .mark_bar()
        .encode(
            x=alt.X("Membres:Q"),
            y=alt.Y("Estat:N", sort=list(STATUS_COLOURS), title=None),
            color=alt.Color("Estat:N", scale=status_colour_scale(), legend=None),
            tooltip=["Estat", "Membres"],
        )
    )


def contacts_chart(per_month: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(per_month, title="Contactes per mes")
        .mark_line(point=True)
        .encode(
            x=alt.X("Mes:T", title=None, axis=alt.Axis(format="%m/%Y")),
            y=alt.Y("Contactes:Q"),
            tooltip=[alt.Tooltip("Mes:T", format="%m/%Y"), "Contactes"],
        )
    )


def needs_chart(needs: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(needs, title="Necessitats detectades (12 mesos)")
        .mark_bar()
        .encode(
            x=alt.X("Necessitats:Q"),
            y=alt.Y("Tema:N", sort="-x", title=None),
            tooltip=["Tema", "Necessitats"],
        )
    )


def member_profile(profile: member_file.MemberProfile) -> None:
    st.subheader(profile.name)
    facts = [
        f"**{profile.kind}** · {profile.municipality} ({profile.comarca}, {profile.province})",
        f"Membre des del {fmt_date(profile.joined_on)}",
    ]
    if profile.mentor:
        facts.append(f"Municipi mentor: {profile.mentor}")
    if profile.mentees:
        facts.append(f"Mentor de: {', '.join(profile.mentees)}")
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
    if profile.owner:
        facts.append(f"Relació a càrrec de: {profile.owner}")
    facts.append(
        "Grups de treball: " + (", ".join(profile.work_groups) if profile.work_groups else "cap")
    )
    st.markdown("  \n".join(facts))


def onboarding_checklist(profile: member_file.MemberProfile, today: date) -> None:
    if not profile.onboarding:
        st.caption("Aquest membre no té protocol d'acollida registrat.")
        return
    done = sum(1 for _, _, done_on in profile.onboarding if done_on)
    st.progress(done / len(profile.onboarding), text=f"{done} de {len(profile.onboarding)} passos")
    for code, label, done_on in profile.onboarding:
        suffix = f" ({fmt_date(done_on)})" if done_on else ""
        ticked = st.checkbox(
            f"{label}{suffix}",
            value=done_on is not None,
            key=f"onboarding_{profile.member_id}_{code}",
            disabled=presentation_mode(),
        )
        if ticked != (done_on is not None):
            try:
                with session_scope(get_engine()) as session:
                    mark_onboarding_step(
                        session=session,
                        member_id=profile.member_id,
                        step=OnboardingStepKind(code),
                        done_on=today if ticked else None,
                        today=today,
                        username=current_username(),
                    )
            except ValidationError as error:
                for message in error.messages:
                    st.error(message)
            else:
                state = "fet" if ticked else "pendent"
                after_write(f"Pas «{label}» marcat com a {state}.")


def contact_form(member_id: int, member_name: str, today: date) -> None:
    """The form to log a contact. Refused input shows every reason and writes nothing."""
    persons = query(member_file.member_persons, member_id=member_id)
    staff = query(member_file.staff_options)
    topics = query(member_file.topic_options)
    with st.form(key=f"log_contact_{member_id}", clear_on_submit=False, border=True):
        st.markdown(f"**Registra un contacte amb {member_name}**")
        left, right = st.columns(2)
        occurred_on = left.date_input(
            "Data del contacte", value=today, format="DD/MM/YYYY", key="contact_date"
        )
        channel = right.selectbox(
            "Canal",
            list(Channel),
            format_func=lambda c: CHANNEL[c],
            key="contact_channel",
        )
        person_id = left.selectbox(
            "Persona",
            [None, *persons["person_id"].tolist()],
            format_func=lambda p: (
                "—" if p is None else persons.set_index("person_id").loc[p, "Nom"]
            ),
            key="contact_person",
        )
        staff_id = right.selectbox(
            "Membre de l'equip",
            [None, *staff["staff_id"].tolist()],
            format_func=lambda s: "—" if s is None else staff.set_index("staff_id").loc[s, "staff"],
            key="contact_staff",
        )
        summary = st.text_area("Resum", key="contact_summary", max_chars=4000)
        need_codes = st.multiselect(
            "Necessitats detectades",
            topics["code"].tolist(),
            format_func=lambda c: topics.set_index("code").loc[c, "name"],
            key="contact_needs",
        )
        left, right = st.columns(2)
        referral = left.selectbox(
            "Derivació",
            [None, *Referral],
            format_func=lambda r: "Cap" if r is None else REFERRAL[r],
            key="contact_referral",
        )
        next_contact_on = right.date_input(
            "Proper contacte (opcional)", value=None, format="DD/MM/YYYY", key="contact_next"
        )
        submitted = st.form_submit_button("Desa el contacte", type="primary")
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
    try:
        with session_scope(get_engine()) as session:
            log_contact(session=session, form=form, today=today, username=current_username())
    except ValidationError as error:
        st.error(
            "No s'ha desat el contacte:\n" + "\n".join(f"- {m}" for m in error.messages),
            icon=":material/error:",
        )
    else:
        after_write(f"Contacte amb {member_name} desat ({fmt_date(occurred_on)}).")


def timeline(frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info("Encara no hi ha cap contacte registrat amb aquest membre.")
        return
    shown = frame.drop(columns=["interaction_id"])
    if presentation_mode():
        shown = shown.drop(columns=["Persona", "Equip"])
    shown["Data"] = shown["Data"].map(fmt_date)
    shown["Proper contacte"] = shown["Proper contacte"].map(fmt_date)
    st.caption(f"{fmt_number(len(frame))} contactes")
    data_table(shown, key="follow_up_timeline", file_name="contactes_del_membre")
