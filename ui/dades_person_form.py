"""Dades page: the form that creates, edits or deletes a member's person, and the person's
data requests (GDPR): their file to download and their erasure."""

from __future__ import annotations

import streamlit as st

from services import personal_data, records
from services.access import Right
from services.catalan import plural
from services.labels import PERSON_ROLE
from ui.dades_forms import forget, open_record, pick_record, reopen_button, save
from ui.data import fresh_read, query
from ui.tables import XLSX_MIME
from ui.viewer import current_actor
from ui.widgets import id_labels, pick
from ui.writes import submission, write


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
    # One round per save: a new person's form comes back empty, and cannot be saved twice.
    once = submission(prefix)
    with st.form(key=once.key(f"{prefix}_form"), border=True):
        full_name = st.text_input(
            "Nom i cognoms", value=current.full_name, key=once.key(f"{prefix}_name"), max_chars=160
        )
        left, right = st.columns(2)
        owner = pick(
            "Membre",
            names,
            index=list(names).index(current.member_id) if current.member_id in names else None,
            key=once.key(f"{prefix}_member"),
            container=left,
        )
        role = pick(
            "Rol",
            PERSON_ROLE,
            index=list(PERSON_ROLE).index(current.role) if current.role else None,
            key=once.key(f"{prefix}_role"),
            container=right,
        )
        position = left.text_input(
            "Càrrec", value=current.position, key=once.key(f"{prefix}_position")
        )
        email = right.text_input(
            "Correu electrònic", value=current.email or "", key=once.key(f"{prefix}_email")
        )
        phone = left.text_input(
            "Telèfon", value=current.phone or "", key=once.key(f"{prefix}_phone")
        )
        active = right.checkbox("Activa", value=current.active, key=once.key(f"{prefix}_active"))
        contact = left.checkbox(
            "Consentiment de contacte",
            value=current.consent_contact,
            key=once.key(f"{prefix}_contact"),
            help="Sense aquest consentiment, el quadre no li envia mai res.",
        )
        image = right.checkbox(
            "Consentiment d'imatge",
            value=current.consent_image,
            key=once.key(f"{prefix}_image"),
            help="Si pot aparèixer en fotografies i materials compartits.",
        )
        submitted = st.form_submit_button(
            "Desa la persona", type="primary", key=once.key(f"{prefix}_submit")
        )
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
            once=once,
            form=form,
            opened=record,
        )
    if record is not None and current_actor().can(Right.PERSONAL_DATA_REQUESTS):
        _data_requests(record.person_id, prefix)


def _person_file(person_id: int) -> personal_data.PersonFile:
    # Built when a download is clicked, from the database as it is then: never cached.
    return fresh_read(personal_data.person_file, actor=current_actor(), person_id=person_id)


def _erased(result: personal_data.ErasureResult) -> str:
    message = (
        f"Persona anonimitzada: ara és «{result.placeholder}». S'han tret les seves dades de "
        f"{plural(result.rows_changed, 'registre', 'registres')} més; les inscripcions i les "
        "xifres d'assistència es mantenen."
    )
    if result.kept:
        message += (
            " Encara apareixen com a dades pròpies d'una altra persona o d'un usuari del quadre "
            f"(no s'hi ha tocat): {', '.join(result.kept)}."
        )
    return message


def _data_requests(person_id: int, prefix: str) -> None:
    """The right of access (download everything about the person) and the right to erasure."""
    st.subheader("Dades personals (RGPD)")
    st.caption(
        "Dret d'accés: tot el que el quadre guarda d'aquesta persona (fitxa, contactes, "
        "inscripcions, mencions en altres textos i registre de canvis)."
    )
    left, right = st.columns(2, width=520)
    left.download_button(
        "Fitxa completa (JSON)",
        data=lambda: personal_data.person_file_json(_person_file(person_id)),
        file_name=f"persona-{person_id}.json",
        mime="application/json",
        key=f"{prefix}_file_json",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Fitxa completa (XLSX)",
        data=lambda: personal_data.person_file_xlsx(_person_file(person_id)),
        file_name=f"persona-{person_id}.xlsx",
        mime=XLSX_MIME,
        key=f"{prefix}_file_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        "Dret de supressió: el nom, el correu i el telèfon es substitueixen per «Persona "
        "anonimitzada» a la fitxa i a tots els textos i al registre de canvis on surten, i la "
        "persona ja no es pot triar ni rebrà cap enviament. No s'esborra cap inscripció ni "
        "contacte: les xifres d'assistència, de participació i d'Inici no canvien."
    )
    understood = st.checkbox("Entenc que no es pot desfer", key=f"{prefix}_erase_confirm")
    if st.button(
        "Anonimitza aquesta persona",
        key=f"{prefix}_erase",
        disabled=not understood,
        icon=":material/person_off:",
    ):
        write(
            personal_data.erase_person,
            refused="No s'ha anonimitzat la persona:",
            success=_erased,
            on_success=lambda _: forget(prefix),
            person_id=person_id,
        )
