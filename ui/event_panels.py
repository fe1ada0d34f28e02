"""Widgets of the Esdeveniments page: filters, headline, event lists and detail, attendance by
territory and by member, the thematic-day cap, and the check-in (data editor + registration)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from db.models import EventFormat, EventKind
from services import events
from services.catalan import plural
from services.formatting import (
    NEVER_DATE,
    PERCENT,
    fmt_date,
    fmt_number,
    fmt_rate,
)
from services.labels import EVENT_FORMAT, EVENT_KIND, REGISTRATION_STATUS
from ui.chart_specs import reach_bars, reach_data
from ui.charts import show_chart
from ui.data import query
from ui.navigation import page
from ui.tables import data_table
from ui.text import escape_markup
from ui.widgets import first_true, pick

ALL_YEARS = "Tots"
STATUS_BY_LABEL = {label: status.value for status, label in REGISTRATION_STATUS.items()}

# Catalan headers of the services' keys, in the order the tables show them.
UPCOMING_LABELS = {
    "held_on": "Data",
    "title": "Esdeveniment",
    "kind": "Tipus",
    "format": "Format",
    "place": "Lloc",
    "registrations": "Inscripcions",
    "members": "Membres",
    "cancelled": "Cancel·lades",
}
PAST_LABELS = {
    "held_on": "Data",
    "title": "Esdeveniment",
    "kind": "Tipus",
    "format": "Format",
    "place": "Lloc",
    "registrations": "Inscripcions",
    "attended": "Assistències",
    "no_show": "No presentats",
    "cancelled": "Cancel·lades",
    "pending": "Pendents",
    "attendance_rate": "Assistència",
    "members_attended": "Membres",
    "first_time": "Primer cop",
}
DETAIL_COMARCA_LABELS = {
    "province": "Demarcació",
    "comarca": "Comarca",
    "members_attended": "Membres presents",
}
COMARCA_LABELS = {
    "province": "Demarcació",
    "comarca": "Comarca",
    "active_members": "Membres",
    "members_attended": "Hi han anat",
    "reach": "Abast",
    "attendances": "Assistències",
}
NEVER_LABELS = {
    "member": "Membre",
    "comarca": "Comarca",
    "province": "Demarcació",
    "situation": "Situació",
    "last_attended": "Última activitat de la XMESS",
}
MEMBER_LABELS = {
    "member": "Membre",
    "comarca": "Comarca",
    "province": "Demarcació",
    "registered": "Inscrit a",
    "attended": "Hi ha anat",
    "no_show": "No presentat",
    "attendance_rate": "Assistència",
    "last_attended": "Última activitat de la XMESS",
}


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Events as the lists show them: date, kind and format in Catalan, "En línia" for no
    place."""
    return frame.assign(
        kind=frame["kind"].map(lambda k: EVENT_KIND[EventKind(k)]),
        format=frame["format"].map(lambda f: EVENT_FORMAT[EventFormat(f)]),
        place=frame["place"].replace("", "En línia"),
    )


# --- Filters and headline ---------------------------------------------------------------------


def filters(today: date) -> events.EventFilter:
    years = query(events.event_years)
    provinces = query(events.province_names)
    kind, year, fmt, province, sessions = st.columns(
        [3, 1.4, 2, 2, 1.6], vertical_alignment="bottom"
    )
    kinds = kind.multiselect(
        "Tipus",
        [k.value for k in EventKind if k != EventKind.WORK_GROUP_SESSION],
        format_func=lambda k: EVENT_KIND[EventKind(k)],
        key="esdeveniments_kind",
        placeholder="Tots",
    )
    year_options: list[int | str] = [*years, ALL_YEARS]
    chosen_year = year.selectbox(
        "Any",
        year_options,
        index=year_options.index(today.year) if today.year in year_options else 0,
        key="esdeveniments_year",
    )
    formats = fmt.multiselect(
        "Format",
        [f.value for f in EventFormat],
        format_func=lambda f: EVENT_FORMAT[EventFormat(f)],
        key="esdeveniments_format",
        placeholder="Tots",
    )
    chosen_provinces = province.multiselect(
        "Demarcació del lloc",
        provinces,
        key="esdeveniments_province",
        placeholder="Totes",
        help="On es fa l'esdeveniment; els virtuals no tenen lloc i queden fora del filtre.",
    )
    include_sessions = sessions.checkbox(
        "Sessions de GT",
        key="esdeveniments_sessions",
        help="Inclou les sessions dels grups de treball, que tenen la seva pàgina (Grups de "
        "Treball).",
    )
    return events.EventFilter(
        year=None if chosen_year == ALL_YEARS else int(chosen_year),
        kinds=tuple(kinds),
        formats=tuple(formats),
        provinces=tuple(chosen_provinces),
        include_sessions=include_sessions,
    )


def headline(frame: pd.DataFrame, members: pd.DataFrame, cap: events.ThematicDays) -> None:
    past = frame[~frame["upcoming"]]
    expected = int((past["registrations"] - past["cancelled"]).sum())
    attended = int(past["attended"].sum())
    came = int((members["attended"] > 0).sum()) if len(members) else 0
    # Four short figures: they must stay readable in presentation mode's large type.
    columns = st.columns(4)
    columns[0].metric(
        "Esdeveniments",
        fmt_number(len(past)),
        delta=f"fets · {fmt_number(len(frame) - len(past))} per fer",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    columns[1].metric(
        "Assistència",
        fmt_rate(attended / expected) if expected else "—",
        delta=f"{fmt_number(attended)} de {fmt_number(expected)}",
        delta_color="off",
        delta_arrow="off",
        help="Assistències sobre inscripcions no cancel·lades, als esdeveniments ja fets.",
        border=True,
    )
    columns[2].metric(
        "Presents",
        fmt_number(came),
        delta=f"{fmt_rate(came / len(members)) if len(members) else '—'} dels actius",
        delta_color="off",
        delta_arrow="off",
        help="Membres actius que han anat com a mínim a un dels esdeveniments fets, i la part "
        "dels membres actius que representen.",
        border=True,
    )
    limit = fmt_number(cap.max_count) if cap.max_count is not None else "∞"
    columns[3].metric(
        "Jornades",
        f"{fmt_number(cap.scheduled)} de {limit}",
        delta=f"{plural(cap.held, 'feta', 'fetes')} · "
        f"{plural(cap.upcoming, 'prevista', 'previstes')}",
        delta_color="off",
        delta_arrow="off",
        help=f"Jornades temàtiques al calendari del {cap.year}, contra el màxim que fixa el pla "
        "(apartat 5).",
        border=True,
    )


def thematic_cap(cap: events.ThematicDays) -> None:
    if cap.max_count is None:
        st.caption(f"El pla {cap.year} no fixa cap límit de jornades temàtiques.")
    else:
        st.progress(
            min(cap.scheduled / cap.max_count, 1.0) if cap.max_count else 1.0,
            text=f"Jornades temàtiques {cap.year}: {plural(cap.held, 'feta', 'fetes')} i "
            f"{plural(cap.upcoming, 'prevista', 'previstes')}, d'un màxim de "
            f"{fmt_number(cap.max_count)} "
            f"(el pla en proposa {fmt_number(cap.plan_candidates)} de candidates).",
        )
    if cap.over_cap:
        st.warning(
            f"Hi ha {fmt_number(cap.scheduled)} jornades temàtiques al calendari del {cap.year}: "
            f"el pla en permet {fmt_number(cap.max_count or 0)}.",
            icon=":material/warning:",
        )
    if cap.days:
        st.caption(
            " · ".join(
                f"{fmt_date(d)} {escape_markup(title.removeprefix('Jornada temàtica: '))} "
                f"({'feta' if held else 'prevista'})"
                for d, title, held in cap.days
            )
        )


# --- Lists and detail -------------------------------------------------------------------------


def event_lists(frame: pd.DataFrame) -> None:
    upcoming = frame[frame["upcoming"]].iloc[::-1]
    past = frame[~frame["upcoming"]]
    st.subheader(f"Properes ({fmt_number(len(upcoming))})")
    if upcoming.empty:
        st.info("No hi ha cap esdeveniment previst amb aquests filtres.")
    else:
        shown = _readable(upcoming).assign(
            registrations=upcoming["registrations"] - upcoming["cancelled"]
        )
        data_table(
            shown,
            key="esdeveniments_upcoming",
            file_name="esdeveniments-propers",
            labels=UPCOMING_LABELS,
        )
    st.subheader(f"Fets ({fmt_number(len(past))})")
    if past.empty:
        st.info("No hi ha cap esdeveniment fet amb aquests filtres.")
        return
    shown = _readable(past)
    labels = PAST_LABELS
    if not past["pending"].any():
        labels = {key: label for key, label in PAST_LABELS.items() if key != "pending"}
    data_table(
        shown,
        key="esdeveniments_past",
        file_name="esdeveniments-fets",
        labels=labels,
        formats={"attendance_rate": PERCENT},
        column_config={"Esdeveniment": st.column_config.TextColumn(width="medium")},
    )
    st.caption(
        "**Assistència**: assistències sobre inscripcions no cancel·lades. **Membres**: "
        "membres presents (un cop encara que hi vagin dues persones). **Primer cop**: membres "
        "per als quals era la primera activitat de la XMESS a què anaven."
        + (
            " **Pendents**: inscripcions d'esdeveniments ja fets sense check-in."
            if past["pending"].any()
            else ""
        )
    )


def event_detail(frame: pd.DataFrame, today: date) -> None:
    st.subheader("Detall d'un esdeveniment")
    if frame.empty:
        return
    # The most recent event already held (the frame runs newest first).
    default = first_true(~frame["upcoming"])
    event_id = pick("Esdeveniment", event_labels(frame), index=default, key="esdeveniments_detail")
    if event_id is None:
        return
    row = frame[frame["event_id"] == event_id].iloc[0]
    st.markdown(
        f"**{escape_markup(row['title'])}** · {EVENT_KIND[EventKind(row['kind'])]} · "
        f"{EVENT_FORMAT[EventFormat(row['format'])]}"
        + (
            f" · {escape_markup(row['place'])} ({escape_markup(row['comarca'])})"
            if row["place"]
            else " · En línia"
        )
    )
    figures = [
        ("Inscripcions", row["registrations"]),
        ("Assistències", row["attended"]),
        ("No presentats", row["no_show"]),
        ("Cancel·lades", row["cancelled"]),
        ("Membres", row["members"] if row["upcoming"] else row["members_attended"]),
        ("Primer cop", row["first_time"]),
    ]
    for start in (0, 3):
        for column, (label, value) in zip(st.columns(3), figures[start : start + 3], strict=True):
            column.metric(label, fmt_number(int(value)))
    if row["upcoming"]:
        st.caption("Encara no s'ha fet: les xifres d'assistència arribaran amb el check-in.")
        return
    st.caption(f"Taxa d'assistència: {fmt_rate(row['attendance_rate']) or '—'}")
    territory = query(
        events.attendance_by_territory,
        today=today,
        filters=events.EventFilter(),
        event_id=event_id,
    )
    left, right = st.columns(2)
    with left:
        present = territory.by_comarca[territory.by_comarca["members_attended"] > 0]
        if present.empty:
            st.info("Cap membre no hi consta com a present.")
        else:
            data_table(
                present,
                key="esdeveniments_detail_comarca",
                file_name="assistencia-per-comarca",
                labels=DETAIL_COMARCA_LABELS,
            )
    with right:
        first = query(events.first_time_members, event_id=event_id, today=today)
        if first.empty:
            st.caption("Cap membre no hi anava per primer cop.")
        else:
            st.markdown(f"**Hi anaven per primer cop** ({fmt_number(len(first))})")
            st.markdown(
                "\n".join(
                    f"- {escape_markup(m)} ({escape_markup(c)})"
                    for m, c in zip(first["member"], first["comarca"], strict=True)
                )
            )


# --- Territory and members --------------------------------------------------------------------


def territory_section(territory: events.TerritoryAttendance) -> None:
    provinces = territory.by_province
    if int(provinces["attendances"].sum()) == 0:
        st.info("Cap assistència registrada als esdeveniments triats.")
        return
    left, right = st.columns([2, 3])
    show_chart(reach_bars, reach_data(provinces), where=left)
    comarques = territory.by_comarca
    with right:
        data_table(
            comarques,
            key="esdeveniments_comarques",
            file_name="assistencia-per-comarca",
            labels=COMARCA_LABELS,
            formats={"reach": PERCENT},
            height=360,
        )
    st.caption(
        "**Membres**: membres actius de la comarca. **Hi han anat**: quants d'ells han anat com "
        "a mínim a un dels esdeveniments fets que compleixen els filtres. **Abast**: la part "
        "que representen."
    )
    absent = comarques[comarques["members_attended"] == 0]
    if not absent.empty:
        st.warning(
            "Comarques amb membres on ningú no ha anat a cap d'aquests esdeveniments: "
            + ", ".join(absent["comarca"]),
            icon=":material/location_off:",
        )


def members_section(members: pd.DataFrame) -> None:
    if members.empty:
        st.info("No hi ha cap membre actiu.")
        return
    never = members[members["attended"] == 0]
    st.subheader(f"Membres que no hi han anat mai ({fmt_number(len(never))})")
    if never.empty:
        st.success("Tots els membres actius han anat com a mínim a un d'aquests esdeveniments.")
    else:
        shown = never.assign(
            situation=never["registered"].map(
                lambda n: (
                    f"Inscrit {plural(n, 'cop', 'cops')} sense anar-hi" if n else "No s'hi inscriu"
                )
            ),
        )
        data_table(
            shown,
            key="esdeveniments_never",
            file_name="membres-que-no-hi-van",
            labels=NEVER_LABELS,
            formats={"last_attended": NEVER_DATE},
        )
    st.subheader("Assistència per membre")
    ordered = members.sort_values(["attended", "member"], ascending=[False, True])
    data_table(
        ordered,
        key="esdeveniments_members",
        file_name="assistencia-per-membre",
        labels=MEMBER_LABELS,
        formats={"attendance_rate": PERCENT, "last_attended": NEVER_DATE},
    )
    st.caption(
        "Comptat sobre els esdeveniments ja fets que compleixen els filtres; un esdeveniment "
        "compta una vegada per membre encara que hi vagin dues persones."
    )
    st.page_link(
        page("grups"),
        label="L'índex de participació i la llista de cura de membres són a Grups de Treball",
        icon=":material/groups:",
    )


# --- Check-in ---------------------------------------------------------------------------------


def event_labels(frame: pd.DataFrame) -> dict[int, str]:
    """event id → "dd/mm/yyyy · title", for ``pick`` (``strftime``: Babel per row is slow over
    every event of every year)."""
    return {
        int(event_id): f"{held_on.strftime('%d/%m/%Y')} · {title}"
        for event_id, held_on, title in zip(
            frame["event_id"], frame["held_on"], frame["title"], strict=True
        )
    }
