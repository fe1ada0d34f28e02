"""The Commission's meeting pack as the reader sees it: section headings, tables in ca-ES
formats, notes and charts, for the Reunió de la Comissió page and for its PDF.

No Streamlit here (tests/test_architecture.py holds it to that): the page draws the same
tables, notes and chart builders (``ui.chart_specs``, through ``ui.charts.show_chart``), and
``render_pdf`` turns them into one HTML document (every value escaped) with the charts as SVG
from vl-convert, laid out on A4 by WeasyPrint, with the network's name, the generation date and
"Pàgina N de M" in every page's footer.

Nothing personal reaches it: ``services.meeting_pack`` holds member names, never a person, a
staff member or free text.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from db.models import EventFormat, EventKind, WorkGroupStatus
from services import justification
from services.catalan import plural
from services.formatting import (
    fmt_date,
    fmt_eur,
    fmt_long_date,
    fmt_number,
    fmt_points,
    fmt_rate,
)
from services.labels import EVENT_FORMAT, EVENT_KIND, WORK_GROUP_STATUS
from services.meeting_pack import NO_ADOPTED_PLAN, MeetingPack
from ui.chart_specs import comarca_map, reach_bars, reach_data, status_chart, trend_grid
from ui.plan_charts import money_by_axis, status_by_axis

# The PDF's one typeface (Arial's metrics; Debian's fonts-liberation), charts included.
PDF_FONT = "Liberation Sans"
NETWORK = "XMESS · Xarxa de Municipis per l'Economia Social i Solidària"
TITLE = "Reunió de la Comissió Executiva"

# Every section of the pack, in order: its key and its heading (the page's subheaders and
# the PDF's h2 are the same words).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("figures", "Xifres principals"),
    ("follow_up", "Estat del seguiment"),
    ("members", "Noves incorporacions i acollides encallades"),
    ("groups", "Participació als grups de treball"),
    ("events", "Esdeveniments, assistència i abast territorial"),
    ("territory", "Presència territorial"),
    ("execution", "Execució del pla"),
    ("justification", "Justificació del Conveni"),
    ("scenario", "Escenari adoptat: activitats finançades i retallades"),
)
HEADINGS = dict(SECTIONS)


@dataclass(frozen=True)
class Chart:
    """A chart of the pack: the page's builder and its data; ``pdf_width`` (px) sizes a chart
    whose width the page leaves to the screen."""

    build: Callable[..., alt.TopLevelMixin]
    data: pd.DataFrame
    arguments: tuple[Hashable, ...] = ()
    pdf_width: int | None = None


@dataclass(frozen=True)
class Table:
    title: str
    frame: pd.DataFrame  # Catalan headers, every cell already a ca-ES string
    empty: str  # said instead of an empty table


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    notes: tuple[str, ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...]


# --- Formats ------------------------------------------------------------------------------------


def _change(now: int, before: int) -> str:
    change = now - before
    return f"+{fmt_number(change)}" if change > 0 else ("=" if change == 0 else fmt_number(change))


def _missing(value: object) -> bool:
    """No value: None, NaN, pandas' NA or NaT."""
    return value is None or value is pd.NA or value is pd.NaT or value != value


def _yes(value: object) -> str:
    return "Sí" if bool(value) else "No"


def _eur(value: object) -> str:
    return "" if _missing(value) else fmt_eur(float(str(value)), 0)


def _int(value: object) -> str:
    return "" if _missing(value) else fmt_number(int(float(str(value))))


def _hours(value: object) -> str:
    return "" if _missing(value) else fmt_number(float(str(value)), 1).removesuffix(",0")


def _steps(done: object, total: object) -> str:
    if _missing(done) or _missing(total):
        return "—"
    return f"{_int(done)} de {_int(total)}"


def _day(value: object) -> str:
    if _missing(value):
        return ""
    return fmt_date(value if isinstance(value, date) else pd.Timestamp(str(value)).date())


def period_caption(pack: MeetingPack) -> str:
    """What period the pack covers and what it is compared with."""
    text = (
        f"{pack.label} ({fmt_date(pack.start)} – {fmt_date(pack.end)}) · comparat amb "
        f"{fmt_date(pack.previous_start)} – {fmt_date(pack.previous_end)}"
    )
    if pack.partial:
        text += f" · període en curs: dades fins al {fmt_date(pack.as_of)}"
    return text


# --- Sections -----------------------------------------------------------------------------------


def headline_rows(pack: MeetingPack) -> list[tuple[str, int, int]]:
    now, before = pack.now, pack.before
    return [
        ("Membres actius (final del període)", now.active_members, before.active_members),
        ("Noves incorporacions", now.joined, before.joined),
        ("Baixes", now.left, before.left),
        ("Contactes de seguiment", now.contacts, before.contacts),
        ("Assistències de membres (esdeveniments i sessions)", now.attendances, before.attendances),
        ("Esdeveniments de la xarxa fets", now.events_held, before.events_held),
        ("Sessions dels grups de treball", now.sessions_held, before.sessions_held),
    ]


def _figures(pack: MeetingPack) -> Section:
    frame = pd.DataFrame(
        [
            (label, fmt_number(now), fmt_number(before), _change(now, before))
            for label, now, before in headline_rows(pack)
        ],
        columns=["Indicador", "Període", "Període anterior", "Variació"],
    )
    return Section(
        "figures",
        HEADINGS["figures"],
        ("Variació: el període contra l'anterior, de la mateixa durada.",),
        (Table("", frame, ""),),
        (),
    )


def _follow_up(pack: MeetingPack) -> Section:
    counts = pack.status_counts
    total = sum(count for _, count in counts)
    frame = pd.DataFrame(
        [
            (status, fmt_number(count), fmt_rate(count / total) if total else "")
            for status, count in counts
        ],
        columns=["Estat", "Membres", "Part"],
    )
    notes = (
        f"Estat de seguiment dels {plural(total, 'membre actiu', 'membres actius')} "
        f"a {fmt_date(pack.as_of)}.",
    )
    charts = (Chart(status_chart, pack.statuses, pdf_width=420),) if total else ()
    return Section("follow_up", HEADINGS["follow_up"], notes, (Table("", frame, ""),), charts)


def _members(pack: MeetingPack) -> Section:
    new = pack.new_members
    new_frame = pd.DataFrame(
        {
            "Membre": new["member"],
            "Tipus d'ens": new["kind"],
            "Comarca": new["comarca"],
            "Alta": [_day(d) for d in new["joined_on"]],
            "Acollida": [
                _steps(d, t) for d, t in zip(new["steps_done"], new["steps_total"], strict=True)
            ],
        }
    )
    stuck = pack.stuck
    stuck_frame = pd.DataFrame(
        {
            "Membre": stuck["member"],
            "Alta": [_day(d) for d in stuck["joined_on"]],
            "Passos fets": [
                _steps(d, t) for d, t in zip(stuck["steps_done"], stuck["steps_total"], strict=True)
            ],
            "Dies sense avançar": [_int(d) for d in stuck["days_without_progress"]],
        }
    )
    return Section(
        "members",
        HEADINGS["members"],
        (),
        (
            Table(
                f"Noves incorporacions ({fmt_number(len(new))})",
                new_frame,
                "Cap membre nou en aquest període.",
            ),
            Table(
                f"Acollides encallades a {fmt_date(pack.as_of)} ({fmt_number(len(stuck))})",
                stuck_frame,
                "Cap acollida encallada: totes avancen o estan completes.",
            ),
        ),
        (),
    )


def _groups(pack: MeetingPack) -> Section:
    groups = pack.groups
    frame = pd.DataFrame(
        {
            "Grup": groups["work_group"],
            "Estat": [WORK_GROUP_STATUS[WorkGroupStatus(s)] for s in groups["status"]],
            "Inscrits": [_int(v) for v in groups["members"]],
            "Sessions (període)": [_int(v) for v in groups["period_sessions"]],
            "Assistències (període)": [_int(v) for v in groups["period_attendances"]],
            "Assistència (12 mesos)": [fmt_rate(v) for v in groups["attendance_rate"]],
            "Tendència": [fmt_points(v) for v in groups["trend"]],
        }
    )
    falling = groups.loc[groups["falling"].astype(bool), "work_group"].tolist()
    notes = [
        "Assistència: membres inscrits presents sobre inscrits, mitjana de les sessions dels "
        "darrers 12 mesos. Tendència: els darrers 6 mesos contra els 6 anteriors."
    ]
    if falling:
        notes.append("Grups on baixa la participació: " + ", ".join(falling) + ".")
    charts = (
        (Chart(trend_grid, pack.group_trend, pdf_width=430),) if not pack.group_trend.empty else ()
    )
    return Section(
        "groups",
        HEADINGS["groups"],
        tuple(notes),
        (Table("", frame, "Encara no hi ha cap grup de treball."),),
        charts,
    )


def _events(pack: MeetingPack) -> Section:
    shown = pack.events
    held = pack.held_events
    expected = int((held["registrations"]).sum())
    attended = int(held["attended"].sum())
    frame = pd.DataFrame(
        {
            "Data": [_day(d) for d in shown["held_on"]],
            "Esdeveniment": shown["title"],
            "Tipus": [EVENT_KIND[EventKind(k)] for k in shown["kind"]],
            "Format": [EVENT_FORMAT[EventFormat(f)] for f in shown["format"]],
            "Lloc": shown["place"].replace("", "En línia"),
            "Inscripcions": [_int(v) for v in shown["registrations"]],
            "Assistències": [
                "previst" if up else _int(v)
                for v, up in zip(shown["attended"], shown["upcoming"], strict=True)
            ],
            "Assistència": [fmt_rate(v) for v in shown["attendance_rate"]],
        }
    )
    territory = pack.territory
    reach = territory.by_comarca
    comarques = pd.DataFrame(
        {
            "Demarcació": reach["province"],
            "Comarca": reach["comarca"],
            "Membres": [_int(v) for v in reach["active_members"]],
            "Hi han anat": [_int(v) for v in reach["members_attended"]],
            "Abast": [fmt_rate(v) for v in reach["reach"]],
        }
    )
    notes = [
        f"{plural(len(held), 'esdeveniment fet', 'esdeveniments fets')} "
        f"({plural(pack.before.events_held, 'fet', 'fets')} el període anterior) · "
        f"{plural(attended, 'assistència', 'assistències')} de membres"
        + (f" ({fmt_rate(attended / expected)} de les inscripcions)" if expected else "")
        + f" · {plural(pack.members_attended, 'membre diferent', 'membres diferents')} · "
        f"{fmt_number(pack.comarques_reached)} de {fmt_number(pack.comarques_with_members)} "
        "comarques amb membres hi han estat presents."
    ]
    upcoming = len(shown) - len(held)
    if upcoming:
        notes.append(
            f"{plural(upcoming, 'esdeveniment previst', 'esdeveniments previstos')} "
            "fins al final del període."
        )
    has_attendance = int(territory.by_province["attendances"].sum()) > 0
    charts = (
        (Chart(reach_bars, reach_data(territory.by_province), pdf_width=420),)
        if has_attendance
        else ()
    )
    return Section(
        "events",
        HEADINGS["events"],
        tuple(notes),
        (
            Table("Esdeveniments del període", frame, "Cap esdeveniment en aquest període."),
            Table(
                "Abast per comarca (membres que han anat com a mínim a un esdeveniment)",
                comarques,
                "Cap comarca amb membres actius.",
            ),
        ),
        charts,
    )


def _territory(pack: MeetingPack) -> Section:
    presence = pack.presence
    with_members = presence[presence["members"] > 0]
    without = presence[presence["members"] == 0]
    notes = [
        f"{fmt_number(len(with_members))} de {fmt_number(len(presence))} comarques amb "
        f"presència a {fmt_date(pack.as_of)} · "
        f"{plural(len(without), 'comarca', 'comarques')} sense cap membre actiu "
        f"({fmt_number(int(without['population'].sum()))} habitants)."
    ]
    if not without.empty:
        notes.append("Sense presència: " + ", ".join(without["comarca"]) + ".")
    notes.append("Límits: © Instituto Geográfico Nacional (IGN), CC BY 4.0; comarques: Idescat.")
    charts = (Chart(comarca_map, presence),) if not presence.empty else ()
    return Section("territory", HEADINGS["territory"], tuple(notes), (), charts)


def _execution(pack: MeetingPack) -> Section:
    plan = pack.plan
    if plan.adopted is None:
        return Section(
            "execution", HEADINGS["execution"], (f"{NO_ADOPTED_PLAN} per al {plan.year}.",), (), ()
        )
    table = plan.execution
    counts = table["status"].value_counts() if not table.empty else pd.Series(dtype=int)
    status_words = [
        plural(int(counts.get("feta", 0)), "feta", "fetes"),
        f"{fmt_number(int(counts.get('en curs', 0)))} en curs",
        plural(int(counts.get("prevista", 0)), "prevista", "previstes"),
        plural(int(counts.get("anul·lada", 0)), "anul·lada", "anul·lades"),
    ]
    late = int(table["late"].astype(bool).sum()) if "late" in table else 0
    estimated = float(table["estimated_cost_eur"].sum()) if not table.empty else 0.0
    actual = float(table["actual_cost_eur"].sum(skipna=True)) if not table.empty else 0.0
    notes = (
        f"Pla adoptat: «{plan.adopted.name}», el {fmt_date(plan.adopted.adopted_on)}.",
        f"{plural(len(table), 'activitat', 'activitats')} del pla {plan.year}: "
        + " · ".join(status_words)
        + f" · {plural(late, 'endarrerida', 'endarrerides')}.",
        f"Cost previst {fmt_eur(estimated, 0)} · cost real registrat {fmt_eur(actual, 0)}.",
    )

    def quarter(value: object) -> str:
        return "" if _missing(value) else f"T{_int(value)}"

    def status(value: object, late: object) -> str:
        return f"{value} · endarrerida" if bool(late) else str(value)

    frame = pd.DataFrame(
        {
            "Codi": table["code"],
            "Activitat": table["title"],
            "Estat": [status(v, x) for v, x in zip(table["status"], table["late"], strict=True)],
            "Trim.": [quarter(v) for v in table["quarter"]],
            "Cost previst": [_eur(v) for v in table["estimated_cost_eur"]],
            "Cost real": [_eur(v) for v in table["actual_cost_eur"]],
            "Esdev.": [_int(v) for v in table["events"]],
            "Assist.": [_int(v) for v in table["attended"]],
        }
    )
    by_axis = plan.by_axis
    charts: list[Chart] = [
        Chart(status_by_axis, part, (title,), pdf_width=300)
        for title, part in (
            ("Activitats vinculades al Conveni", by_axis[by_axis["conveni"] == True]),  # noqa: E712
            ("Altres activitats", by_axis[by_axis["conveni"] == False]),  # noqa: E712
        )
        if not part.empty
    ]
    if not by_axis.empty:
        charts.append(Chart(money_by_axis, by_axis, pdf_width=620))
    return Section(
        "execution",
        HEADINGS["execution"],
        notes,
        (Table("", frame, "El pla adoptat no té cap activitat."),),
        tuple(charts),
    )


def _justification(pack: MeetingPack) -> Section:
    """The Conveni-linked activities as the Departament de Treball asks them justified: the
    same sheets as the XLSX (``services.justification``), in ca-ES text."""
    result = pack.plan.justification
    if result.activities.empty:
        return Section(
            "justification",
            HEADINGS["justification"],
            (f"Cap activitat del pla {pack.plan.year} no està vinculada al Conveni.",),
            (),
            (),
        )
    notes = (
        f"{plural(len(result.activities), 'activitat vinculada', 'activitats vinculades')} "
        f"al Conveni el {pack.plan.year}, {plural(result.done, 'feta', 'fetes')} · cost real "
        f"{fmt_eur(result.actual_cost_eur, 0)} de {fmt_eur(result.estimated_cost_eur, 0)} "
        f"previstos · {fmt_number(result.actual_hours)} h de "
        f"{fmt_number(result.estimated_hours)} h.",
        f"{plural(len(result.events), 'esdeveniment', 'esdeveniments')}: "
        f"{plural(result.attended, 'assistència', 'assistències')} de "
        f"{plural(result.members_reached, 'membre', 'membres')}, "
        f"{plural(result.municipalities, 'municipi', 'municipis')} i "
        f"{plural(result.comarques, 'comarca', 'comarques')}. Les persones es compten, mai no "
        "s'anomenen.",
    )
    activities = justification.activities_sheet(result)
    activity_frame = pd.DataFrame(
        {
            "Codi": activities["Codi"],
            "Activitat": activities["Activitat"],
            "Estat": activities["Estat"].fillna(""),
            "Cost previst": [_eur(v) for v in activities["Cost previst (€)"]],
            "Cost real": [_eur(v) for v in activities["Cost real (€)"]],
            "Hores prev.": [_int(v) for v in activities["Hores previstes"]],
            "Hores reals": [_hours(v) for v in activities["Hores reals"]],
            "Esdev.": [_int(v) for v in activities["Esdeveniments"]],
            "Assist.": [_int(v) for v in activities["Assistents"]],
            "Membres": [_int(v) for v in activities["Membres"]],
        }
    )
    events = justification.events_sheet(result)
    event_frame = pd.DataFrame(
        {
            "Codi": events["Codi"],
            "Esdeveniment": events["Esdeveniment"],
            "Data": [_day(v) for v in events["Data"]],
            "Format": events["Format"],
            "Lloc": events["Lloc"],
            "Assist.": [_int(v) for v in events["Assistents"]],
            "Membres": [_int(v) for v in events["Membres"]],
            "Comarques": [_int(v) for v in events["Comarques"]],
        }
    )
    return Section(
        "justification",
        HEADINGS["justification"],
        notes,
        (
            Table("Activitats", activity_frame, "Cap activitat."),
            Table("Esdeveniments que les han dut a terme", event_frame, "Cap esdeveniment."),
        ),
        (),
    )


def _scenario(pack: MeetingPack) -> Section:
    plan = pack.plan
    if plan.adopted is None:
        return Section(
            "scenario", HEADINGS["scenario"], (f"{NO_ADOPTED_PLAN} per al {plan.year}.",), (), ()
        )
    funded, cut = plan.funded, plan.cut

    def listed(frame: pd.DataFrame) -> dict[str, Any]:
        return {
            "Codi": frame["code"],
            "Activitat": frame["title"],
            "Eix": [_int(v) for v in frame["axis"]],
            "Conveni": [_yes(v) for v in frame["conveni"]],
            "Cost": [_eur(v) for v in frame["cost_eur"]],
            "Hores": [_int(round(float(v))) for v in frame["staff_hours"]],
        }

    funded_frame = pd.DataFrame(listed(funded))
    cut_frame = pd.DataFrame({**listed(cut), "Motiu": cut["reason"]})
    notes = (
        f"Escenari «{plan.adopted.name}»: {fmt_eur(plan.budget_eur, 0)} disponibles i "
        f"{fmt_number(plan.staff_hours)} h de l'equip · "
        f"{plural(len(funded), 'activitat finançada', 'activitats finançades')} "
        f"({fmt_eur(float(funded['cost_eur'].sum()), 0)}) · "
        f"{plural(len(cut), 'retallada', 'retallades')}.",
    )
    return Section(
        "scenario",
        HEADINGS["scenario"],
        notes,
        (
            Table("Activitats finançades", funded_frame, "Cap activitat finançada."),
            Table("Activitats retallades i per què", cut_frame, "Cap activitat retallada."),
        ),
        (),
    )


def sections(pack: MeetingPack) -> list[Section]:
    """Every section of the pack, in order."""
    return [
        _figures(pack),
        _follow_up(pack),
        _members(pack),
        _groups(pack),
        _events(pack),
        _territory(pack),
        _execution(pack),
        _justification(pack),
        _scenario(pack),
    ]


# --- HTML and PDF -------------------------------------------------------------------------------

_CSS = """
@page {
  size: A4;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-left {
    content: "__FOOTER__";
    font-size: 8pt;
    color: #555;
  }
  @bottom-right {
    content: "Pàgina " counter(page) " de " counter(pages);
    font-size: 8pt;
    color: #555;
  }
}
html { font-family: "Liberation Sans", Arial, sans-serif; font-size: 9.5pt;
       color: #1b1b1b; }
h1 { font-size: 18pt; margin: 0 0 2mm 0; color: #0d3b66; }
h2 { font-size: 13pt; margin: 7mm 0 2mm 0; color: #0d3b66; border-bottom: 1.5pt solid #0d3b66;
     padding-bottom: 1mm; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm 0; page-break-after: avoid; }
p { margin: 1mm 0 2mm 0; }
p.network { font-size: 10pt; color: #444; margin: 0; }
p.period { font-size: 11pt; font-weight: bold; margin: 2mm 0 0 0; }
p.note { color: #333; }
p.empty { color: #666; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm 0; font-size: 8.5pt; }
thead { display: table-header-group; }
th { background: #e8eef5; text-align: left; padding: 1.2mm 1.5mm;
     border-bottom: 1pt solid #9fb3c8; }
td { padding: 1mm 1.5mm; border-bottom: 0.4pt solid #d5dbe1; vertical-align: top; }
tr { page-break-inside: avoid; }
td.number { text-align: right; white-space: nowrap; }
.chart { margin: 2mm 0 3mm 0; page-break-inside: avoid; text-align: center; }
.chart svg { max-width: 100%; height: auto; }
section.territory .chart svg { width: 150mm; }
"""

# Columns whose cells are figures: right-aligned.
_NUMBER_HEADERS = frozenset(
    {
        "Període",
        "Període anterior",
        "Variació",
        "Membres",
        "Part",
        "Inscrits",
        "Sessions (període)",
        "Assistències (període)",
        "Assistència (12 mesos)",
        "Inscripcions",
        "Assistències",
        "Assistència",
        "Hi han anat",
        "Abast",
        "Cost previst",
        "Cost real",
        "Cost",
        "Hores",
        "Esdeveniments",
        "Esdev.",
        "Assist.",
        "Comarques",
        "Dies sense avançar",
        "Eix",
        "Hores prev.",
        "Hores reals",
    }
)


def number_columns(table: Table) -> list[str]:
    """The table's columns of figures, right-aligned on paper and on the page alike."""
    return [str(column) for column in table.frame.columns if column in _NUMBER_HEADERS]


def chart_spec(chart: Chart, *, for_pdf: bool = False) -> dict[str, Any]:
    """The chart's Vega-Lite spec, as the page's ``show_chart`` builds it; for the PDF, a
    chart the page stretches to the screen gets ``pdf_width``."""
    with alt.data_transformers.disable_max_rows():
        spec: dict[str, Any] = chart.build(chart.data, *chart.arguments).to_dict()
    if for_pdf:
        if chart.pdf_width is not None and "width" not in spec:
            spec["width"] = chart.pdf_width
        # vl-convert lays the labels out with the font WeasyPrint then draws them in: with
        # another one, long labels would overflow the chart's edge.
        spec.setdefault("config", {})["font"] = PDF_FONT
    return spec


def chart_svg(chart: Chart) -> str:
    import vl_convert  # local: only the PDF needs it

    svg: str = vl_convert.vegalite_to_svg(chart_spec(chart, for_pdf=True))
    return svg


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            text = "" if _missing(value) else value
            css = ' class="number"' if column in _NUMBER_HEADERS else ""
            cells.append(f"<td{css}>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(pack: MeetingPack, *, svg: Callable[[Chart], str] = chart_svg) -> str:
    """The whole pack as one HTML document (every value escaped), charts inlined as SVG."""
    generated = fmt_long_date(pack.today)
    footer = f"{NETWORK} · generat el {fmt_date(pack.today)}".replace('"', "'")
    parts = [
        "<!DOCTYPE html><html lang='ca'><head><meta charset='utf-8'>",
        f"<title>{html.escape(TITLE)} · {html.escape(pack.label)}</title>",
        f"<style>{_CSS.replace('__FOOTER__', footer)}</style></head><body>",
        f"<p class='network'>{html.escape(NETWORK)}</p>",
        f"<h1>{html.escape(TITLE)}</h1>",
        f"<p class='period'>{html.escape(period_caption(pack))}</p>",
        f"<p class='note'>Document generat el {html.escape(generated)}. Sense dades personals: "
        "hi surten els ens membres, mai les persones de contacte.</p>",
    ]
    for section in sections(pack):
        parts.append(f"<section class='{section.key}'><h2>{html.escape(section.heading)}</h2>")
        parts.extend(f"<p class='note'>{html.escape(note)}</p>" for note in section.notes)
        for chart in section.charts:
            parts.append(f"<div class='chart'>{svg(chart)}</div>")
        for table in section.tables:
            if table.title:
                parts.append(f"<h3>{html.escape(table.title)}</h3>")
            if table.frame.empty:
                if table.empty:
                    parts.append(f"<p class='empty'>{html.escape(table.empty)}</p>")
            else:
                parts.append(_table_html(table.frame))
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def render_pdf(pack: MeetingPack) -> bytes:
    """The pack as an A4 PDF (WeasyPrint)."""
    from weasyprint import HTML  # local: WeasyPrint loads Pango, which only the PDF needs

    pdf: bytes = HTML(string=render_html(pack)).write_pdf()
    return pdf


def file_name(pack: MeetingPack) -> str:
    return f"comissio_{pack.start.isoformat()}_{pack.end.isoformat()}.pdf"
