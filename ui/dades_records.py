"""Dades page: the forms that edit a member or a person.

A form remembers the record as it was when opened (its version too) in the session state, so
a save made meanwhile by someone else is detected and refused with what they changed."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from db.models import MemberKind, PersonRole
from db.session import session_scope
from services import records
from services.clock import catalan_today
from services.errors import ValidationError
from services.labels import MEMBER_KIND, PERSON_ROLE
from ui.dades import show_errors
from ui.data import clear_caches, get_engine, query
from ui.feedback import after_write
from ui.layout import current_username

NEW = -1
_OPENED = "dades_opened"


def _forget(prefix: str) -> None:
    """Drop a form's widgets and its opened record, so it reopens on the current values."""
    for name in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[name]
    st.session_state.get(_OPENED, {}).pop(prefix, None)


def _opened(prefix: str, load: Any) -> Any:
    """The record as the form first saw it (read once per opening)."""
    opened = st.session_state.setdefault(_OPENED, {})
    if prefix not in opened:
        opened[prefix] = load()
    return opened[prefix]


def _conflict(error: records.ConcurrentEditError, prefix: str) -> None:
    st.error(error.messages[0], icon=":material/sync_problem:")
    if error.changes:
        st.markdown("**Canvis desats per l'altra persona:**")
        st.markdown("\n".join(f"- {change}" for change in error.changes))
    drawn = st.session_state.get(f"{prefix}_conflict", False)
    st.session_state[f"{prefix}_conflict"] = True
    if not drawn:  # above the form from the next run on
        _reopen_button(prefix)


def _reopen_button(prefix: str) -> None:
    if st.session_state.get(f"{prefix}_conflict") and st.button(
        "Torna a obrir amb els valors actuals", key=f"{prefix}_reopen", icon=":material/refresh:"
    ):
        # The cached read is what the form saw first; the reopened form must see the new one.
        clear_caches()
        _forget(prefix)
        st.rerun()


def _pick(label: str, frame: Any, id_column: str, name_column: str, key: str, new: str) -> int:
    names = {NEW: new, **dict(zip(frame[id_column], frame[name_column], strict=True))}
    return int(
        st.selectbox(
            label, list(names), format_func=names.get, key=key, index=None, placeholder="Trieu…"
        )
        or 0
    )


def member_editor() -> None:
    today = catalan_today()
    members = query(records.member_options)
    member_id = _pick(
        "Membre", members, "member_id", "Membre", "dades_edit_member", "➕ Nou membre"
    )
    if not member_id:
        return
    prefix = f"dades_member_{member_id}"
    opened = (
        None
        if member_id == NEW
        else _opened(prefix, lambda: query(records.member_record, member_id=member_id))
    )
    if member_id != NEW and opened is None:
        st.warning("Aquest membre ja no existeix.")
        return
    current = opened.form if opened else records.MemberForm("", None, None, None)
    municipalities = query(records.municipality_options)
    towns = dict(zip(municipalities["ine_code"], municipalities["Municipi"], strict=True))
    mentors = {m: n for m, n in zip(members["member_id"], members["Membre"], strict=True)}
    staff = query(records.staff_options)
    owners = dict(zip(staff["user_id"], staff["Nom"], strict=True))
    _reopen_button(prefix)
    with st.form(key=f"{prefix}_form", border=True):
        name = st.text_input("Nom", value=current.name, key=f"{prefix}_name", max_chars=160)
        left, right = st.columns(2)
        kind = left.selectbox(
            "Tipus d'ens",
            list(MemberKind),
            index=list(MemberKind).index(current.kind) if current.kind else None,
            format_func=lambda k: MEMBER_KIND[k],
            key=f"{prefix}_kind",
        )
        town = right.selectbox(
            "Municipi",
            list(towns),
            index=list(towns).index(current.municipality_code)
            if current.municipality_code in towns
            else None,
            format_func=lambda c: f"{towns[c]} ({c})",
            key=f"{prefix}_municipality",
        )
        joined_on = left.date_input(
            "Data d'alta", value=current.joined_on, format="DD/MM/YYYY", key=f"{prefix}_joined"
        )
        left_on = right.date_input(
            "Data de baixa (opcional)",
            value=current.left_on,
            format="DD/MM/YYYY",
            key=f"{prefix}_left",
            min_value=date(2000, 1, 1),
        )
        mentor_ids = [None, *(m for m in mentors if m != member_id)]
        mentor = left.selectbox(
            "Municipi mentor",
            mentor_ids,
            index=mentor_ids.index(current.mentor_id) if current.mentor_id in mentor_ids else 0,
            format_func=lambda m: "Cap" if m is None else mentors[m],
            key=f"{prefix}_mentor",
        )
        owner_ids = [None, *owners]
        owner = right.selectbox(
            "Responsable",
            owner_ids,
            index=owner_ids.index(current.owner_id) if current.owner_id in owner_ids else 0,
            format_func=lambda o: "Cap" if o is None else owners[o],
            key=f"{prefix}_owner",
        )
        abc = left.date_input(
            "Fitxa ABC actualitzada (opcional)",
            value=current.abc_sheet_updated_on,
            format="DD/MM/YYYY",
            key=f"{prefix}_abc",
        )
        delegate = right.checkbox(
            "Municipi delegat", value=current.is_territorial_delegate, key=f"{prefix}_delegate"
        )
        notes = st.text_area("Notes", value=current.notes, key=f"{prefix}_notes")
        submitted = st.form_submit_button("Desa el membre", type="primary")
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
    try:
        with session_scope(get_engine()) as session:
            records.save_member(
                session=session, form=form, opened=opened, today=today, username=current_username()
            )
    except records.ConcurrentEditError as error:
        _conflict(error, prefix)
        return
    except ValidationError as error:
        show_errors("No s'ha desat el membre:", error.messages)
        return
    _forget(prefix)
    after_write(f"Membre «{form.name.strip()}» desat.")


def person_editor() -> None:
    members = query(records.member_options)
    names = dict(zip(members["member_id"], members["Membre"], strict=True))
    member_id = st.selectbox(
        "Membre",
        list(names),
        format_func=names.get,
        index=None,
        placeholder="Trieu el membre…",
        key="dades_edit_person_member",
    )
    if member_id is None:
        return
    persons = query(records.person_options, member_id=int(member_id))
    person_id = _pick(
        "Persona", persons, "person_id", "Nom", f"dades_edit_person_{member_id}", "➕ Nova persona"
    )
    if not person_id:
        return
    prefix = f"dades_person_{person_id}"
    opened = (
        None
        if person_id == NEW
        else _opened(prefix, lambda: query(records.person_record, person_id=person_id))
    )
    if person_id != NEW and opened is None:
        st.warning("Aquesta persona ja no existeix.")
        return
    current = opened.form if opened else records.PersonForm(int(member_id), "", None)
    _reopen_button(prefix)
    with st.form(key=f"{prefix}_form", border=True):
        full_name = st.text_input(
            "Nom i cognoms", value=current.full_name, key=f"{prefix}_name", max_chars=160
        )
        left, right = st.columns(2)
        member_ids = list(names)
        owner = left.selectbox(
            "Membre",
            member_ids,
            index=member_ids.index(current.member_id) if current.member_id in names else None,
            format_func=names.get,
            key=f"{prefix}_member",
        )
        role = right.selectbox(
            "Rol",
            list(PersonRole),
            index=list(PersonRole).index(current.role) if current.role else None,
            format_func=lambda r: PERSON_ROLE[r],
            key=f"{prefix}_role",
        )
        position = left.text_input("Càrrec", value=current.position, key=f"{prefix}_position")
        email = right.text_input(
            "Correu electrònic", value=current.email or "", key=f"{prefix}_email"
        )
        phone = left.text_input("Telèfon", value=current.phone or "", key=f"{prefix}_phone")
        active = right.checkbox("Activa", value=current.active, key=f"{prefix}_active")
        contact = left.checkbox(
            "Consentiment de contacte", value=current.consent_contact, key=f"{prefix}_contact"
        )
        image = right.checkbox(
            "Consentiment d'imatge", value=current.consent_image, key=f"{prefix}_image"
        )
        submitted = st.form_submit_button("Desa la persona", type="primary")
    form = records.PersonForm(
        member_id=owner,
        full_name=full_name or "",
        role=role,
        position=position or "",
        email=email or None,
        phone=phone or None,
        consent_contact=contact,
        consent_image=image,
        active=active,
    )
    deleting = opened is not None and st.button(
        "Esborra la persona", key=f"{prefix}_delete", icon=":material/delete:"
    )
    if not submitted and not deleting:
        return
    try:
        with session_scope(get_engine()) as session:
            if deleting:
                records.delete_person(session=session, opened=opened, username=current_username())
            else:
                records.save_person(
                    session=session, form=form, opened=opened, username=current_username()
                )
    except records.ConcurrentEditError as error:
        _conflict(error, prefix)
        return
    except ValidationError as error:
        show_errors("No s'ha desat la persona:", error.messages)
        return
    _forget(prefix)
    what = "esborrada" if deleting else "desada"
    after_write(f"Persona «{(full_name or '').strip()}» {what}.")


def records_section() -> None:
    what = st.segmented_control(
        "Què voleu editar?",
        ["Membres", "Persones"],
        default="Membres",
        key="dades_edit_what",
    )
    if what == "Persones":
        person_editor()
    else:
        member_editor()
