"""Dades page: the form that creates, edits or deletes a member's person."""

from __future__ import annotations

import streamlit as st

from services import records
from services.labels import PERSON_ROLE
from ui.dades_forms import open_record, pick_record, reopen_button, save
from ui.data import query
from ui.widgets import id_labels, pick


def person_editor() -> None:
    members = query(records.member_options)
    names = id_labels(members["member_id"], members["member"])
    member_id = pick(
        "Membre", names, placeholder="Trieu el membre…", key="dades_edit_person_member"
    )
    if member_id is None:
        return
    persons = query(records.person_options, member_id=member_id)
    person_id = pick_record(
        "Persona",
        id_labels(persons["person_id"], persons["name"]),
        key=f"dades_edit_person_{member_id}",
        new="➕ Nova persona",
    )
    if person_id is None:
        return
    prefix = f"dades_person_{person_id}"
    found, record = open_record(
        person_id,
        prefix=prefix,
        load=lambda: query(records.person_record, person_id=person_id),
        gone="Aquesta persona ja no existeix.",
    )
    if not found:
        return
    current = record.form if record else records.PersonForm(member_id, "", None)
    reopen_button(prefix)
    with st.form(key=f"{prefix}_form", border=True):
        full_name = st.text_input(
            "Nom i cognoms", value=current.full_name, key=f"{prefix}_name", max_chars=160
        )
        left, right = st.columns(2)
        owner = pick(
            "Membre",
            names,
            index=list(names).index(current.member_id) if current.member_id in names else None,
            key=f"{prefix}_member",
            container=left,
        )
        role = pick(
            "Rol",
            PERSON_ROLE,
            index=list(PERSON_ROLE).index(current.role) if current.role else None,
            key=f"{prefix}_role",
            container=right,
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
    deleting = record is not None and st.button(
        "Esborra la persona", key=f"{prefix}_delete", icon=":material/delete:"
    )
    shown_name = (full_name or "").strip()
    if deleting:
        save(
            records.delete_person,
            prefix=prefix,
            refused="No s'ha esborrat la persona:",
            success=f"Persona «{shown_name}» esborrada.",
            opened=record,
        )
    elif submitted:
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
        save(
            records.save_person,
            prefix=prefix,
            refused="No s'ha desat la persona:",
            success=f"Persona «{shown_name}» desada.",
            form=form,
            opened=record,
        )
