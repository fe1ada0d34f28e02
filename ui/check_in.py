"""The check-in of an event: who came, marked per person with one click ("Present"), all the
registered at once ("Tots presents"), found by a search box in a long list, and saved in one
go; then a registration form for whoever turns up unannounced.

Marks wait in the session (``_pending``) until saved, by registration, so a search that
narrows the list, or "Tots presents", never loses what was already ticked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from db.models import PersonRole, RegistrationStatus
from services import events
from services.catalan import plural
from services.collation import catalan_key, holds_every_word
from services.formatting import fmt_date, fmt_number
from services.labels import PERSON_ROLE, REGISTRATION_STATUS
from services.member_file import member_options
from ui.data import query
from ui.event_panels import STATUS_BY_LABEL, event_labels
from ui.feedback import show_refusal
from ui.text import escape_markup
from ui.widgets import first_true, id_labels, pick
from ui.writes import Submission, submission, write

SEARCH_KEY = "esdeveniments_checkin_search"
PRESENT = "Present"
ATTENDED = RegistrationStatus.ATTENDED.value
REGISTERED = RegistrationStatus.REGISTERED.value
NO_SHOW = RegistrationStatus.NO_SHOW.value


def check_in(today: date) -> None:
    options = query(events.checkin_options, today=today)
    if options.empty:
        st.info("No hi ha cap esdeveniment en els quatre mesos al voltant d'avui.")
        return
    event_id = pick(
        "Esdeveniment",
        event_labels(options),
        index=first_true(options["default"]),
        key="esdeveniments_checkin_event",
        help="Esdeveniments i sessions de grup dels quatre mesos anteriors i posteriors a avui.",
    )
    if event_id is None:
        return
    facts = query(events.event_facts, event_id=event_id)
    registrations = query(events.event_registrations, event_id=event_id)
    held_on = facts["held_on"] if facts is not None else None
    if isinstance(held_on, date) and held_on > today:
        st.caption(
            f"Aquest esdeveniment és el {fmt_date(held_on)}: ara s'hi poden afegir "
            "inscripcions o cancel·lacions; l'assistència es marca el dia que es fa."
        )
    _editor(event_id, registrations, today)
    st.divider()
    _register_form(event_id, today)


def _pending(event_id: int) -> dict[int, str]:
    """The marks not saved yet: registration id → status."""
    pending: dict[int, str] = st.session_state.setdefault(f"_checkin_pending_{event_id}", {})
    return pending


def _round_key(event_id: int) -> str:
    return f"_checkin_round_{event_id}"


def _matches(registrations: pd.DataFrame, text: str) -> pd.Series:
    """The rows whose member or person holds every word typed."""
    names = registrations["member"] + " " + registrations["person"].fillna("")
    return holds_every_word(names.map(catalan_key), text)


def _all_present(event_id: int, registration_ids: list[int]) -> None:
    pending = _pending(event_id)
    for registration_id in registration_ids:
        pending[registration_id] = ATTENDED
    _next_grid(event_id)


def _editor(event_id: int, registrations: pd.DataFrame, today: date) -> None:
    if registrations.empty:
        st.info("Encara no hi ha cap inscripció en aquest esdeveniment.")
        return
    once = submission(f"esdeveniments_checkin_{event_id}")
    pending = _pending(event_id)
    saved = dict(
        zip(registrations["registration_id"].astype(int), registrations["status"], strict=True)
    )
    # A registration gone since it was marked keeps no mark.
    for registration_id in [r for r in pending if r not in saved]:
        del pending[registration_id]
    search = st.text_input(
        "Cerca a la llista",
        key=SEARCH_KEY,
        placeholder="Membre o persona",
        icon=":material/search:",
        help="Qualsevol part del nom, sense importar accents ni majúscules. Les marques ja "
        "fetes es mantenen mentre cerqueu.",
    )

    def visible() -> pd.DataFrame:
        current = registrations.assign(status=[pending.get(r, s) for r, s in saved.items()])
        return current[_matches(current, search)] if search.strip() else current

    rows = visible()
    # A click in the grid is taken into the marks before the grid is drawn, and the grid is
    # drawn anew on them (a new key): its "Present" and "Estat" columns then always agree,
    # where a grid carrying its own edits would show a ticked person as still "Inscrit".
    edits = st.session_state.get(_grid_key(event_id, search, once))
    if isinstance(edits, dict) and edits.get("edited_rows"):
        _take_edits(pending, rows, saved, edits["edited_rows"])
        _next_grid(event_id)
        rows = visible()
    counts = pd.Series([pending.get(r, s) for r, s in saved.items()]).value_counts()
    st.caption(
        " · ".join(
            f"{label}: {fmt_number(int(counts.get(status.value, 0)))}"
            for status, label in REGISTRATION_STATUS.items()
        )
    )
    if rows.empty:
        st.caption(f"Cap inscripció amb «{escape_markup(search.strip())}».")
    else:
        _grid(rows, _grid_key(event_id, search, once))
    changes = {r: s for r, s in pending.items() if saved.get(r) != s}
    to_mark = [
        int(r)
        for r, s in zip(rows["registration_id"], rows["status"], strict=True)
        if s == REGISTERED
    ]
    buttons = st.container(horizontal=True)
    buttons.button(
        f"Tots presents ({fmt_number(len(to_mark))})",
        key=f"esdeveniments_checkin_all_{event_id}",
        icon=":material/done_all:",
        disabled=not to_mark,
        on_click=_all_present,
        args=(event_id, to_mark),
        help="Marca com a presents tots els inscrits que es veuen a la llista (sense els "
        "cancel·lats ni els ja marcats); després cal desar.",
    )
    save = buttons.button(
        f"Desa el check-in ({plural(len(changes), 'canvi', 'canvis')})",
        type="primary",
        key=once.key("esdeveniments_checkin_save"),
        disabled=not changes,
    )
    if save:
        _save(event_id, changes, once, today)


def _grid_key(event_id: int, search: str, once: Submission) -> str:
    """The grid's key: one per save (``once``), per redraw on new marks and per search, so
    each grid starts from the marks kept in the session with no edits of its own."""
    key = f"esdeveniments_checkin_{event_id}"
    if round_ := st.session_state.get(_round_key(event_id), 0):
        key += f"_{round_}"
    if search.strip():
        key += f"_cerca_{catalan_key(search)}"
    return once.key(key)


def _next_grid(event_id: int) -> None:
    st.session_state[_round_key(event_id)] = st.session_state.get(_round_key(event_id), 0) + 1


def _take_edits(
    pending: dict[int, str],
    rows: pd.DataFrame,
    saved: dict[int, str],
    edited_rows: dict[int | str, dict[str, object]],
) -> None:
    """The grid's edits (row position → changed cells) as marks: ticking "Present" marks
    the person attended; unticking puts back what was saved, or "no-show" for someone saved
    as present; a status chosen in "Estat" is that status."""
    for position, cells in edited_rows.items():
        row = rows.iloc[int(position)]
        registration_id, before = int(row["registration_id"]), str(row["status"])
        original = saved[registration_id]
        if PRESENT in cells and bool(cells[PRESENT]) != (before == ATTENDED):
            status = ATTENDED if cells[PRESENT] else (NO_SHOW if original == ATTENDED else original)
        elif "Estat" in cells and cells["Estat"] in STATUS_BY_LABEL:
            status = STATUS_BY_LABEL[str(cells["Estat"])]
        else:
            continue
        if status == original:
            pending.pop(registration_id, None)
        else:
            pending[registration_id] = status


def _grid(rows: pd.DataFrame, key: str) -> None:
    """The list, one row per registration: "Present" ticks or unticks with one click; the
    status column holds the rest (cancelled, no-show)."""
    shown = pd.DataFrame(
        {
            PRESENT: rows["status"] == ATTENDED,
            "Membre": rows["member"],
            "Persona": rows["person"],
            "Rol": rows["role"].map(lambda r: PERSON_ROLE[PersonRole(r)] if r else ""),
            "Comarca": rows["comarca"],
            "Estat": rows["status"].map(lambda s: REGISTRATION_STATUS[RegistrationStatus(s)]),
        }
    ).reset_index(drop=True)
    st.data_editor(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        # Every row in view, no scroll inside the grid: redrawn after a click, it would
        # scroll back to its top.
        height=35 * (len(shown) + 1) + 3,
        num_rows="fixed",
        disabled=["Membre", "Persona", "Rol", "Comarca"],
        column_config={
            PRESENT: st.column_config.CheckboxColumn(
                PRESENT, help="Un clic marca o desmarca l'assistència.", width="small"
            ),
            "Estat": st.column_config.SelectboxColumn(
                "Estat", options=list(REGISTRATION_STATUS.values()), required=True
            ),
        },
    )


def _save(event_id: int, changes: dict[int, str], once: Submission, today: date) -> None:
    def forget(_: int) -> None:
        _pending(event_id).clear()

    write(
        events.save_check_in,
        refused="No s'ha desat el check-in:",
        success=lambda count: (
            "Check-in desat: "
            f"{plural(count, 'inscripció actualitzada', 'inscripcions actualitzades')}."
        ),
        on_success=forget,
        once=once,
        event_id=event_id,
        changes=tuple(sorted(changes.items())),
        today=today,
    )


def _register_form(event_id: int, today: date) -> None:
    st.markdown("**Inscriu un membre o una persona**")
    members = query(member_options, today=today)
    names = id_labels(members["member_id"], members["member"])
    # One round per registration: the pickers come back empty, and a second click on the
    # same choice registers nobody twice.
    once = submission(f"esdeveniments_register_{event_id}")
    left, middle, right = st.columns(3)
    member_id = pick(
        "Membre",
        names,
        placeholder="Tria un membre…",
        key=once.key("esdeveniments_register_member"),
        container=left,
    )
    persons = (
        query(events.person_options, member_id=member_id)
        if member_id is not None
        else pd.DataFrame(columns=["person_id", "person", "role"])
    )
    # The first option (no key) registers the member without naming a person.
    person_labels: dict[int | None, str] = {None: "— Sense persona concreta"}
    person_labels |= {
        int(p): f"{n} ({PERSON_ROLE[PersonRole(r)]})"
        for p, n, r in zip(persons["person_id"], persons["person"], persons["role"], strict=True)
    }
    person_id = pick(
        "Persona",
        person_labels,
        index=0,
        key=once.key("esdeveniments_register_person"),
        container=middle,
    )
    status = pick(
        "Estat",
        REGISTRATION_STATUS,
        index=0,
        key=once.key("esdeveniments_register_status"),
        container=right,
    )
    if not st.button("Inscriu a l'esdeveniment", key=once.key("esdeveniments_register_submit")):
        return
    if member_id is None:
        show_refusal("No s'ha fet la inscripció:", ["Membre: cal triar-ne un."])
        return
    if status is None:
        # Cannot be cleared (it starts on the first status); a refusal, should it ever be.
        show_refusal("No s'ha fet la inscripció:", ["Estat: cal triar-ne un."])
        return
    who = person_labels[person_id] if person_id is not None else names[member_id]
    write(
        events.register,
        refused="No s'ha fet la inscripció:",
        success=f"{who} inscrit a l'esdeveniment ({REGISTRATION_STATUS[status]}).",
        form=events.RegistrationForm(
            event_id=event_id, member_id=member_id, person_id=person_id, status=status
        ),
        today=today,
        once=once,
    )
