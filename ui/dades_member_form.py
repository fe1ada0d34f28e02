"""Dades page: the form that creates or edits a member."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import streamlit as st

from services import records
from services.clock import catalan_today
from services.labels import MEMBER_KIND
from ui.dades_forms import open_record, pick_record, reopen_button, save
from ui.data import query
from ui.widgets import id_labels, pick
from ui.writes import submission


def _index(options: Iterable[object], value: object) -> int | None:
    """Where ``value`` stands among ``options`` (a picker's ids; None when it is not there)."""
    return next((i for i, option in enumerate(options) if option == value), None)


def _or_none(options: Mapping[int, str]) -> dict[int | None, str]:
    """``options`` after a "Cap" choice (None), for a field that may stay empty."""
    choices: dict[int | None, str] = {None: "Cap"}
    choices.update(options.items())
    return choices


def member_editor() -> None:
    today = catalan_today()
    members = query(records.member_options)
    names = id_labels(members["member_id"], members["member"])
    member_id = pick_record("Membre", names, key="dades_edit_member", new="➕ Nou membre")
    if member_id is None:
        return
    prefix = f"dades_member_{member_id}"
    found, record = open_record(
        member_id,
        prefix=prefix,
        load=lambda: query(records.member_record, member_id=member_id),
        gone="Aquest membre ja no existeix.",
    )
    if not found:
        return
    current = record.form if record else records.MemberForm("", None, None, None)
    municipalities = query(records.municipality_options)
    towns = {
        code: f"{name} ({code})"
        for code, name in zip(
            municipalities["ine_code"], municipalities["municipality"], strict=True
        )
    }
    mentors = _or_none({m: n for m, n in names.items() if m != member_id})
    staff = query(records.staff_options)
    owners = _or_none(id_labels(staff["user_id"], staff["name"]))
    reopen_button(prefix)
    # One round per save: a new member's form comes back empty, and cannot be saved twice.
    once = submission(prefix)
    with st.form(key=once.key(f"{prefix}_form"), border=True):
        name = st.text_input(
            "Nom", value=current.name, key=once.key(f"{prefix}_name"), max_chars=160
        )
        left, right = st.columns(2)
        kind = pick(
            "Tipus d'ens",
            MEMBER_KIND,
            index=_index(MEMBER_KIND, current.kind),
            key=once.key(f"{prefix}_kind"),
            container=left,
        )
        town = pick(
            "Municipi",
            towns,
            index=_index(towns, current.municipality_code),
            key=once.key(f"{prefix}_municipality"),
            container=right,
        )
        joined_on = left.date_input(
            "Data d'alta",
            value=current.joined_on,
            format="DD/MM/YYYY",
            key=once.key(f"{prefix}_joined"),
        )
        left_on = right.date_input(
            "Data de baixa (opcional)",
            value=current.left_on,
            format="DD/MM/YYYY",
            key=once.key(f"{prefix}_left"),
            min_value=date(2000, 1, 1),
        )
        mentor = pick(
            "Municipi mentor",
            mentors,
            index=_index(mentors, current.mentor_id) or 0,
            key=once.key(f"{prefix}_mentor"),
            container=left,
        )
        owner = pick(
            "Responsable",
            owners,
            index=_index(owners, current.owner_id) or 0,
            key=once.key(f"{prefix}_owner"),
            container=right,
        )
        abc = left.date_input(
            "Fitxa ABC actualitzada (opcional)",
            value=current.abc_sheet_updated_on,
            format="DD/MM/YYYY",
            key=once.key(f"{prefix}_abc"),
        )
        delegate = right.checkbox(
            "Municipi delegat",
            value=current.is_territorial_delegate,
            key=once.key(f"{prefix}_delegate"),
        )
        notes = st.text_area("Notes", value=current.notes, key=once.key(f"{prefix}_notes"))
        submitted = st.form_submit_button(
            "Desa el membre", type="primary", key=once.key(f"{prefix}_submit")
        )
    if not submitted:
        return
    form = records.MemberForm(
        name=name or "",
        kind=kind,
        municipality_code=town,
        joined_on=joined_on,
        left_on=left_on,
        mentor_id=mentor,
        is_territorial_delegate=delegate,
        abc_sheet_updated_on=abc,
        owner_id=owner,
        notes=notes or "",
    )
    save(
        records.save_member,
        prefix=prefix,
        refused="No s'ha desat el membre:",
        success=f"Membre «{form.name.strip()}» desat.",
        once=once,
        form=form,
        opened=record,
        today=today,
    )
