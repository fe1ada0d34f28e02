"""Widgets of the Grups de Treball page: the groups' table and trend, the member × group
heatmap, members in no group, the participation index, and the enrolment and session forms."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from db.models import EventFormat, WorkGroupStatus
from services import participation, work_groups
from services.catalan import plural
from services.collation import sorted_by_place
from services.formatting import (
    DATE,
    NEVER_DATE,
    PERCENT,
    ColumnFormat,
    fmt_date,
    fmt_number,
    fmt_percent_column,
    fmt_points,
    fmt_rate,
)
from services.labels import EVENT_FORMAT, WORK_GROUP_STATUS
from services.member_file import member_options
from ui.cells import float_or_none
from ui.chart_specs import trend_grid
from ui.charts import show_chart
from ui.data import query
from ui.tables import data_table
from ui.text import escape_markup
from ui.widgets import first_true, id_labels, pick
from ui.writes import submission, write

# Beyond this many rows the heatmap stops being readable; the user filters instead.
HEATMAP_MAX_MEMBERS = 80

# Catalan headers of the services' keys, in the order the tables show them.
GROUP_LABELS = {
    "work_group": "Grup",
    "status": "Estat",
    "members": "Inscrits",
    "active_members": "Actius",
    "sessions": "Sessions",
    "attendance_rate": "Assistència",
    "trend": "Tendència",
    "last_session": "Última sessió",
    "next_session": "Propera sessió",
    "falling": "Alerta",
}
NEVER_CAME_LABELS = {
    "member": "Membre",
    "work_group": "Grup",
    "sessions": "Sessions fetes",
    "province": "Demarcació",
}
NO_GROUP_LABELS = {
    "member": "Membre",
    "comarca": "Comarca",
    "province": "Demarcació",
    "joined_on": "Membre des de",
    "event_attendances": "Esdeveniments (12 mesos)",
    "index": "Índex de participació",
}
INDEX_LABELS = {
    "member": "Membre",
    "comarca": "Comarca",
    "index": "Índex",
    "previous_index": "Índex anterior",
    "change": "Variació",
    "contacts": "Contactes",
    "work_group_attendances": "Sessions de grup",
    "event_attendances": "Esdeveniments",
}
GROUP_MEMBER_LABELS = {
    "member": "Membre",
    "comarca": "Comarca",
    "joined_on": "Al grup des de",
    "sessions_attended": "Sessions (12 mesos)",
    "last_attended": "Última assistència",
}
SESSION_LABELS = {
    "held_on": "Data",
    "title": "Sessió",
    "format": "Format",
    "place": "Lloc",
    "attendees": "Assistents",
}
# The two periods of the bands chart, oldest first.
PERIOD_LABELS = {"year_before": "Fa 12 mesos", "now": "Ara"}


# --- Summary ----------------------------------------------------------------------------------


def headline(overview: pd.DataFrame, matrix: pd.DataFrame, no_group: int, members: int) -> None:
    active = overview[~overview["suspended"]]
    # "In a group" means an active group: a suspended one (Finançament) does not meet.
    in_a_group = members - no_group
    never = _enrolled_never_came(matrix)
    # Four short figures: they must stay readable in presentation mode's large type.
    columns = st.columns(4)
    columns[0].metric(
        "Grups actius",
        fmt_number(len(active)),
        delta=f"{fmt_number(len(overview) - len(active))} en suspens",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    columns[1].metric(
        "Assistència",
        fmt_rate(active["attendance_rate"].mean()),
        delta=plural(int(active["sessions"].sum()), "sessió", "sessions"),
        delta_color="off",
        delta_arrow="off",
        help="Mitjana de les sessions dels darrers 12 mesos (i quantes n'hi ha hagut): membres "
        "inscrits que hi van "
        "assistir sobre els inscrits el dia de la sessió.",
        border=True,
    )
    columns[2].metric(
        "En grups",
        fmt_number(in_a_group),
        delta=f"{fmt_rate(in_a_group / members) if members else '—'} dels actius",
        delta_color="off",
        delta_arrow="off",
        help="Membres actius inscrits avui en algun grup actiu, i la part dels membres actius "
        "que representen.",
        border=True,
    )
    absent = int(never["member_id"].nunique())
    columns[3].metric(
        "Sense grup",
        fmt_number(no_group),
        # Not an increase, a warning: enrolled members who never come, in red, with no sign.
        delta=(
            plural(absent, "inscrit que no hi va", "inscrits que no hi van")
            if absent
            else "Tots els inscrits hi van"
        ),
        delta_color="red" if absent else "off",
        delta_arrow="off",
        help="Membres actius que no són a cap grup actiu; i membres inscrits que no han anat a "
        "cap sessió del seu grup en 12 mesos.",
        border=True,
    )


def groups_table(overview: pd.DataFrame) -> None:
    shown = overview.assign(
        status=overview["status"].map(lambda s: WORK_GROUP_STATUS[WorkGroupStatus(s)]),
        trend=overview["trend"].map(fmt_points),
        falling=overview["falling"].map({True: "A la baixa", False: ""}),
    )
    data_table(
        shown,
        key="grups_overview",
        file_name="grups-de-treball",
        labels=GROUP_LABELS,
        formats={"attendance_rate": PERCENT, "last_session": DATE, "next_session": DATE},
    )
    st.caption(
        "**Inscrits**: membres del grup avui. **Actius**: membres que han anat com a mínim a "
        "una sessió del grup els darrers 12 mesos. **Sessions** i **Assistència** (membres "
        "inscrits presents sobre inscrits, de mitjana): darrers 12 mesos. **Tendència**: "
        "assistència dels darrers 6 mesos menys la dels 6 anteriors. "
        f"Un grup és **a la baixa** si perd {fmt_number(work_groups.FALLING_POINTS * 100)} "
        "punts o més, o si ha deixat de reunir-se."
    )


def falling_groups(overview: pd.DataFrame) -> None:
    falling = overview[overview["falling"]]
    if falling.empty:
        st.success("Cap grup actiu no perd participació.", icon=":material/trending_up:")
        return
    lines = []
    for row in falling.itertuples(index=False):
        recent = float_or_none(row.rate_recent)
        if recent is None:
            lines.append(f"- **{escape_markup(row.work_group)}**: cap sessió els darrers 6 mesos")
        else:
            lines.append(
                f"- **{escape_markup(row.work_group)}**: "
                f"{fmt_rate(float_or_none(row.rate_before))} → "
                f"{fmt_rate(recent)} ({fmt_points(float_or_none(row.trend))})"
            )
    st.warning(
        "Grups on baixa la participació:\n" + "\n".join(lines), icon=":material/trending_down:"
    )


def trend_chart(trend: pd.DataFrame) -> None:
    """Group × quarter grid: one glance tells which groups meet and how many come."""
    st.subheader("Assistència per trimestre")
    if trend.empty:
        st.info("Encara no hi ha cap sessió dels grups en els darrers dos anys.")
        return
    show_chart(trend_grid, trend)
    st.caption(
        "Assistència mitjana de les sessions de cada trimestre (membres inscrits presents sobre "
        "inscrits). Una casella buida: el grup no es va reunir aquell trimestre."
    )


# --- Members ----------------------------------------------------------------------------------


def _enrolled_never_came(matrix: pd.DataFrame) -> pd.DataFrame:
    if matrix.empty:
        return matrix
    return matrix[matrix["enrolled"] & (matrix["sessions"] > 0) & (matrix["attended"] == 0)]


def heatmap(matrix: pd.DataFrame, groups: list[str]) -> None:
    st.subheader("Assistència per membre i grup (12 mesos)")
    if matrix.empty:
        st.info("Cap membre no està inscrit a cap grup ni ha anat a cap sessió.")
        return
    left, right = st.columns(2)
    chosen_groups = left.multiselect(
        "Grups", groups, key="grups_heatmap_groups", placeholder="Tots"
    )
    provinces = sorted(matrix["province"].unique())
    chosen_provinces = right.multiselect(
        "Demarcació", provinces, key="grups_heatmap_provinces", placeholder="Totes"
    )
    shown = matrix
    if chosen_groups:
        shown = shown[shown["work_group"].isin(chosen_groups)]
    if chosen_provinces:
        shown = shown[shown["province"].isin(chosen_provinces)]
    if shown.empty:
        st.info("Cap membre no compleix els filtres triats.")
        return
    members = sorted_by_place(list(shown["member"].unique()))
    if len(members) > HEATMAP_MAX_MEMBERS:
        st.caption(
            f"Es mostren els primers {fmt_number(HEATMAP_MAX_MEMBERS)} de "
            f"{fmt_number(len(members))} membres per ordre alfabètic; filtreu per grup o "
            "demarcació per veure'n la resta."
        )
        members = members[:HEATMAP_MAX_MEMBERS]
        shown = shown[shown["member"].isin(members)]
    chart_data = shown.assign(
        Inscrit=shown["enrolled"].map({True: "Sí", False: "No (convidat)"}),
        # Vega drops rows whose colour field is empty; -1 keeps them, painted grey below.
        Taxa=shown["rate"].fillna(-1.0),
        Assistencia=fmt_percent_column(shown["rate"]).replace("", "—"),
    )
    show_chart(member_grid, chart_data, tuple(members))
    st.caption(
        "Cada casella: sessions a què ha anat el membre (xifra) i la part de les sessions del "
        "grup des que n'és membre (color). Gris: el grup no s'ha reunit des que s'hi va "
        "inscriure, o el membre hi va com a convidat sense ser-ne membre."
    )
    never = _enrolled_never_came(shown)
    if not never.empty:
        st.markdown(f"**Inscrits que no han anat a cap sessió en 12 mesos** ({len(never)})")
        data_table(
            never,
            key="grups_never",
            file_name="inscrits-sense-assistencia",
            labels=NEVER_CAME_LABELS,
        )


# A group's name on the heatmap's axis: upright and whole, in lines of at most this many
# characters (a group's column is about 65 px wide at 1280 px with the sidebar open).
GROUP_LABEL_WIDTH = 9
# Axis and cell text: readable from across a meeting room.
GRID_FONT_SIZE = 12
LINE_HEIGHT = GRID_FONT_SIZE + 2


_VOWELS = set("aeiouàèéíïòóúü")
# Consonant pairs a Catalan syllable starts with: never split ("po-ble", "ca-nya").
_ONSETS = {"bl", "br", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "tr", "ny", "ll"}


def _syllable_break(word: str, width: int) -> int | None:
    """Where ``word`` may be hyphenated within its first ``width - 1`` letters, the latest
    place first: before a consonant between vowels ("Finança-ment"), or between two
    consonants that do not start a syllable together ("Respon-sable"); ``None`` if nowhere."""
    lower = word.lower()
    for i in range(min(width - 1, len(word) - 2), 1, -1):
        before, here, after = lower[i - 1], lower[i], lower[i + 1]
        if here in _VOWELS or after not in _VOWELS:
            continue
        if before in _VOWELS:
            return i
        if before.isalpha() and lower[i - 2] in _VOWELS and before + here not in _ONSETS:
            return i
    return None


def wrapped(name: str, width: int = GROUP_LABEL_WIDTH) -> str:
    """``name`` in lines (``\n``) of at most ``width`` characters, broken at spaces; a
    longer word is hyphenated between syllables ("Cooperati-", "visme"), or left whole when
    no break is found."""
    words: list[str] = []
    for word in name.split():
        while len(word) > width and (cut := _syllable_break(word, width)) is not None:
            words.append(word[:cut] + "-")
            word = word[cut:]
        words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and not lines[-1].endswith("-") and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or name


def member_grid(chart_data: pd.DataFrame, members: tuple[str, ...]) -> alt.LayerChart:
    groups = sorted(chart_data["work_group"].unique())
    data = chart_data.assign(group_label=chart_data["work_group"].map(wrapped))
    lines = max((label.count("\n") + 1 for label in data["group_label"]), default=1)
    base = alt.Chart(data).encode(
        x=alt.X(
            "group_label:N",
            title=None,
            sort=[wrapped(group) for group in groups],
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelLimit=0,
                labelOverlap=False,
                labelFontSize=GRID_FONT_SIZE,
                labelExpr="split(datum.label, '\\n')",
                labelLineHeight=LINE_HEIGHT,
                # Vega writes a label's extra lines below its first, towards the grid: the
                # labels stand as high as the longest needs, and hang from one line.
                labelPadding=6 + (lines - 1) * LINE_HEIGHT,
            ),
        ),
        y=alt.Y(
            "member:N",
            title=None,
            sort=list(members),
            axis=alt.Axis(labelLimit=300, labelOverlap=False, labelFontSize=GRID_FONT_SIZE),
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.condition(
            "datum.Taxa >= 0",
            alt.Color(
                "Taxa:Q",
                title="Assistència",
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                # Below the grid: its width goes to the groups' names.
                legend=alt.Legend(format="%", orient="bottom"),
            ),
            alt.value("#e6e6e6"),
        ),
        tooltip=[
            alt.Tooltip("member:N", title="Membre"),
            alt.Tooltip("work_group:N", title="Grup"),
            alt.Tooltip("Inscrit:N"),
            alt.Tooltip("sessions:Q", title="Sessions des que és al grup"),
            alt.Tooltip("attended:Q", title="Hi ha anat"),
            alt.Tooltip("Assistencia:N", title="Assistència"),
        ],
    )
    labels = base.mark_text(fontSize=GRID_FONT_SIZE).encode(
        text=alt.Text("attended:Q"),
        color=alt.condition("datum.Taxa > 0.6", alt.value("white"), alt.value("#333")),
    )
    grid: alt.LayerChart = (cells + labels).properties(height=alt.Step(24))
    return grid


def without_group(no_group: pd.DataFrame, index: pd.DataFrame) -> None:
    st.subheader("Membres que no són a cap grup")
    if no_group.empty:
        st.success("Tots els membres actius són en algun grup de treball.")
        return
    merged = no_group.merge(
        index[["member_id", "index", "event_attendances"]], on="member_id", how="left"
    )
    st.caption(
        f"{plural(len(no_group), 'membre actiu no és', 'membres actius no són')} a cap grup "
        "actiu (Finançament, en suspens, no compta)."
    )
    shown = merged.assign(
        event_attendances=merged["event_attendances"].fillna(0).astype(int),
        index=merged["index"].round(0).fillna(0).astype(int),
    )
    data_table(
        shown,
        key="grups_no_group",
        file_name="membres-sense-grup",
        labels=NO_GROUP_LABELS,
        formats={"joined_on": DATE},
    )


# --- Participation index ----------------------------------------------------------------------


def index_explanation() -> None:
    lines = [
        f"- **{c.label}**: fins a {plural(c.weight, 'punt', 'punts')}, el màxim a partir de "
        f"{fmt_number(c.cap)} en 12 mesos ({c.why})."
        for c in participation.COMPONENTS
    ]
    st.markdown(
        "L'**índex de participació** (0-100) resumeix en una xifra com participa cada membre "
        "els darrers 12 mesos:\n"
        + "\n".join(lines)
        + "\n\nCada part té un sostre perquè un sol canal molt actiu no amagui el silenci en "
        "els altres. Les assistències compten esdeveniments diferents: si hi van dues persones "
        "d'un mateix membre, compta una vegada. La **variació** compara amb els 12 mesos "
        "anteriors; els membres que més baixen són la llista de **cura de membres** del pla."
    )


def bands_chart(bands: pd.DataFrame) -> None:
    show_chart(bands_bars, bands.assign(period=bands["period"].map(PERIOD_LABELS)))


def bands_bars(shown: pd.DataFrame) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(shown, title="Membres per franja d'índex")
        .mark_bar()
        .encode(
            x=alt.X("band:N", title="Índex", sort=None),
            xOffset=alt.XOffset("period:N", sort=list(PERIOD_LABELS.values())),
            y=alt.Y("members:Q", title="Membres"),
            color=alt.Color(
                "period:N",
                title=None,
                sort=list(PERIOD_LABELS.values()),
                scale=alt.Scale(range=["#b0bec5", "#1f77b4"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("period:N", title="Període"),
                alt.Tooltip("band:N", title="Índex"),
                alt.Tooltip("members:Q", title="Membres"),
            ],
        )
    )
    return chart


def _index_table(frame: pd.DataFrame, *, key: str, file_name: str) -> None:
    # Whole points: the index is a guide, and numbers keep the columns sortable.
    shown = frame.assign(
        **{
            column: frame[column].round().astype(int)
            for column in ("index", "previous_index", "change")
        }
    )
    data_table(shown, key=key, file_name=file_name, labels=INDEX_LABELS)


def participation_section(index: pd.DataFrame, falling: pd.DataFrame, bands: pd.DataFrame) -> None:
    left, right = st.columns([3, 2])
    with left:
        index_explanation()
    with right:
        bands_chart(bands)
        zero = int((index["index"] == 0).sum())
        st.caption(
            f"Índex mitjà: {fmt_number(index['index'].mean(), 1)} · "
            f"{plural(zero, 'membre', 'membres')} sense cap participació en 12 mesos."
        )
    st.subheader("Cura de membres: on més ha baixat l'índex")
    if falling.empty:
        st.success("Cap membre no ha baixat respecte als 12 mesos anteriors.")
    else:
        _index_table(falling, key="grups_falling", file_name="cura-de-membres")
    with st.expander("Índex de tots els membres"):
        ordered = index.sort_values(["index", "member"])
        _index_table(ordered, key="grups_index", file_name="index-participacio")


# --- Management -------------------------------------------------------------------------------


def enrolment(groups: pd.DataFrame, today: date) -> None:
    st.subheader("Inscripcions als grups")
    group_names = id_labels(groups["work_group_id"], groups["work_group"])
    group_id = pick("Grup de treball", group_names, index=0, key="grups_enrol_group")
    if group_id is None:
        return
    enrolled = query(work_groups.group_members, work_group_id=group_id, today=today)
    everyone = query(member_options, today=today)
    outside = everyone[~everyone["member_id"].isin(enrolled["member_id"])]
    add, remove = st.columns(2)
    with add.form("grups_enrol_form", border=True):
        st.markdown("**Inscriu un membre**")
        names = id_labels(outside["member_id"], outside["member"])
        member_id = pick("Membre", names, placeholder="Tria un membre…", key="grups_enrol_member")
        joined_on = st.date_input(
            "Data d'alta al grup", value=today, format="DD/MM/YYYY", key="grups_enrol_date"
        )
        submitted = st.form_submit_button("Inscriu al grup", type="primary")
    if submitted:
        write(
            work_groups.enrol_member,
            refused="No s'ha fet la inscripció:",
            success=f"{_name(names, member_id)} inscrit al grup {group_names[group_id]}.",
            work_group_id=group_id,
            member_id=member_id,
            joined_on=joined_on,
            today=today,
        )
    with remove.form("grups_withdraw_form", border=True):
        st.markdown("**Dona de baixa un membre**")
        names_in = id_labels(enrolled["member_id"], enrolled["member"])
        leaving = pick(
            "Membre", names_in, placeholder="Tria un membre del grup…", key="grups_withdraw_member"
        )
        left_on = st.date_input(
            "Data de baixa", value=today, format="DD/MM/YYYY", key="grups_withdraw_date"
        )
        withdrawn = st.form_submit_button("Dona de baixa del grup")
    if withdrawn:
        write(
            work_groups.withdraw_member,
            refused="No s'ha fet la baixa:",
            success=f"{_name(names_in, leaving)} ja no és al grup {group_names[group_id]}.",
            work_group_id=group_id,
            member_id=leaving,
            left_on=left_on,
            today=today,
        )
    if enrolled.empty:
        st.info("Aquest grup no té cap membre inscrit.")
    else:
        st.markdown(f"**Membres del grup** ({fmt_number(len(enrolled))})")
        data_table(
            enrolled,
            key="grups_group_members",
            file_name="membres-del-grup",
            labels=GROUP_MEMBER_LABELS,
            formats={"joined_on": DATE, "last_attended": NEVER_DATE},
        )


def _name(names: dict[int, str], member_id: int | None) -> str | None:
    """The chosen member's name for the success message (with none chosen, the service
    refuses and no message is shown)."""
    return None if member_id is None else names.get(member_id)


def session_form(groups: pd.DataFrame, today: date) -> None:
    st.subheader("Registra una sessió")
    suspended = groups.loc[groups["suspended"], "work_group"].tolist()
    if suspended:
        st.caption(f"En suspens, sense sessions: {', '.join(map(escape_markup, suspended))}.")
    # Every group is offered: a session for a suspended one is refused with the reason.
    group_names = id_labels(groups["work_group_id"], groups["work_group"])
    # The first active group.
    default = first_true(~groups["suspended"])
    group_id = pick("Grup de treball", group_names, index=default, key="grups_session_group")
    if group_id is None:
        return
    enrolled = query(work_groups.group_members, work_group_id=group_id, today=today)
    everyone = query(member_options, today=today)
    enrolled_ids = set(enrolled["member_id"])
    # Enrolled members first: they are the usual attendees; guests can be added too.
    ordered = pd.concat(
        [
            everyone[everyone["member_id"].isin(enrolled_ids)],
            everyone[~everyone["member_id"].isin(enrolled_ids)],
        ]
    )
    labels = {
        int(m): f"{name} · inscrit" if m in enrolled_ids else str(name)
        for m, name in zip(ordered["member_id"], ordered["member"], strict=True)
    }
    places = query(work_groups.place_options)
    place_labels = {
        code: f"{name} ({comarca})"
        for code, name, comarca in zip(
            places["municipality_code"], places["municipality"], places["comarca"], strict=True
        )
    }
    # One round per save: the saved form comes back empty and cannot be saved twice.
    once = submission(f"grups_session_{group_id}")
    with st.form(once.key("grups_session_form"), border=True):
        left, middle, right = st.columns(3)
        held_on = left.date_input(
            "Data de la sessió",
            value=today,
            format="DD/MM/YYYY",
            key=once.key("grups_session_date"),
        )
        session_format = pick(
            "Format",
            EVENT_FORMAT,
            index=list(EVENT_FORMAT).index(EventFormat.VIRTUAL),
            key=once.key("grups_session_format"),
            container=middle,
        )
        place = pick(
            "Lloc (presencial o híbrida)",
            place_labels,
            placeholder="Municipi…",
            key=once.key("grups_session_place"),
            container=right,
        )
        title = st.text_input(
            "Títol (opcional)",
            key=once.key("grups_session_title"),
            max_chars=200,
            placeholder="Sessió del GT … (mes any)",
        )
        attendees = st.multiselect(
            "Membres que hi han assistit",
            list(labels),
            format_func=labels.__getitem__,
            key=once.key("grups_session_attendees"),
            placeholder="Tria els membres presents…",
            help="Per a una sessió futura, deixeu-ho buit: l'assistència es registra un cop feta.",
        )
        submitted = st.form_submit_button(
            "Desa la sessió", type="primary", key=once.key("grups_session_submit")
        )
    if submitted:
        write(
            work_groups.record_session,
            refused="No s'ha desat la sessió:",
            success=f"Sessió del grup {group_names[group_id]} del {fmt_date(held_on)} desada amb "
            f"{plural(len(attendees), 'membre assistent', 'membres assistents')}.",
            form=work_groups.SessionForm(
                work_group_id=group_id,
                held_on=held_on,
                format=session_format,
                municipality_code=place,
                title=title or "",
                attendee_ids=tuple(int(a) for a in attendees),
            ),
            today=today,
            once=once,
        )
    _sessions_table(group_id, group_names[group_id], today)


def _sessions_table(group_id: int, group_name: str, today: date) -> None:
    sessions = query(work_groups.group_sessions, work_group_id=group_id, today=today)
    if sessions.empty:
        st.info(f"El grup {group_name} no té cap sessió registrada.")
        return
    st.markdown(f"**Sessions del grup** ({fmt_number(len(sessions))})")
    shown = sessions.assign(
        format=sessions["format"].map(lambda f: EVENT_FORMAT[EventFormat(f)]),
        place=sessions["place"].replace("", "En línia"),
        attendees=sessions["attendees"].where(~sessions["upcoming"]),
    )
    data_table(
        shown,
        key="grups_group_sessions",
        file_name="sessions-del-grup",
        labels=SESSION_LABELS,
        formats={"held_on": DATE, "attendees": ColumnFormat("number", empty="Prevista")},
    )
    st.caption(
        "Per passar llista d'una sessió ja registrada, feu servir el check-in de la pàgina "
        "Esdeveniments."
    )
