"""The Conveni's justification: the Conveni-linked activities of a year as the Departament de
Treball asks them justified. Per activity its status, actual against estimated cost and hours,
the events that carried it out (date, format, place, people who came, members reached) and the
totals. People are counted, never named: the figures come from attended registrations.

Every Conveni-linked activity of the year is listed, in the adopted plan or not, cancelled
ones included with their status: a justification that leaves out what did not happen is not
one. The same frames feed the XLSX here and the meeting pack's PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import ActivityStatus, EventFormat
from services.execution import adopted_scenario, attendance, events_with_reach, execution_table
from services.export import xlsx_bytes
from services.formatting import EUR, NUMBER, ColumnFormat
from services.frames import frame_of
from services.labels import ACTIVITY_STATUS, EVENT_FORMAT, PLAN_AXIS

HOURS = ColumnFormat("number", 1, exact=False)


@dataclass(frozen=True)
class Justification:
    year: int
    adopted_name: str | None
    # One row per Conveni-linked activity (machine columns, see ``activity_rows``).
    activities: pd.DataFrame
    # One row per event that carried one of them out.
    events: pd.DataFrame
    # All the activities together (a member who came to several counts once).
    members_reached: int
    municipalities: int
    comarques: int

    @property
    def estimated_cost_eur(self) -> float:
        return float(self.activities["estimated_cost_eur"].sum())

    @property
    def actual_cost_eur(self) -> float:
        return float(self.activities["actual_cost_eur"].fillna(0).sum())

    @property
    def estimated_hours(self) -> float:
        return float(self.activities["estimated_hours"].sum())

    @property
    def actual_hours(self) -> float:
        return float(self.activities["actual_hours"].fillna(0).sum())

    @property
    def attended(self) -> int:
        return int(self.events["attended"].sum())

    @property
    def done(self) -> int:
        return int((self.activities["status"] == ActivityStatus.DONE.value).sum())


@reads(Area.PLAN, Area.SCENARIOS, Area.EVENTS, Area.MEMBERS, Area.REFERENCE)
def conveni_justification(*, session: Session, year: int, today: date) -> Justification:
    table = execution_table(session=session, year=year, today=today)
    conveni = table[table["conveni"]].reset_index(drop=True)
    events, attended = attendance(session, year)
    linked = conveni["plan_activity_id"]
    attended = attended[attended["plan_activity_id"].isin(linked)]
    events = events_with_reach(
        events[events["plan_activity_id"].isin(linked)],
        attended,
        dict(zip(conveni["plan_activity_id"], conveni["code"], strict=True)),
    )
    adopted = adopted_scenario(session=session, year=year)
    return Justification(
        year=year,
        adopted_name=adopted.name if adopted else None,
        activities=conveni,
        events=events.reset_index(drop=True),
        members_reached=int(attended["member_id"].nunique()),
        municipalities=int(attended["municipality_code"].nunique()),
        comarques=int(attended["comarca_code"].nunique()),
    )


def _status_label(status: str) -> str:
    return ACTIVITY_STATUS[ActivityStatus(status)]


def _format_label(value: str) -> str:
    return EVENT_FORMAT[EventFormat(value)]


def activities_sheet(justification: Justification) -> pd.DataFrame:
    """One row per activity with its Catalan headers; numbers stay numbers, and a last row
    holds the totals."""
    frame = justification.activities
    sheet = pd.DataFrame(
        {
            "Codi": frame["code"],
            "Activitat": frame["title"],
            "Eix": frame["axis"].map(PLAN_AXIS),
            "Al pla adoptat": frame["in_plan"].map({True: "Sí", False: "No"}),
            "Estat": frame["status"].map(_status_label),
            "Trimestre": frame["quarter"].astype("Int64"),
            "Cost previst (€)": frame["estimated_cost_eur"],
            "Cost real (€)": frame["actual_cost_eur"],
            "Hores previstes": frame["estimated_hours"],
            "Hores reals": frame["actual_hours"],
            "Esdeveniments": frame["events"],
            "Assistents": frame["attended"],
            "Membres": frame["members_reached"],
            "Municipis": frame["municipalities"],
            "Comarques": frame["comarques"],
        }
    )
    totals = pd.DataFrame(
        [
            {
                "Codi": "TOTAL",
                "Activitat": f"{len(frame)} activitats, {justification.done} fetes",
                "Cost previst (€)": justification.estimated_cost_eur,
                "Cost real (€)": justification.actual_cost_eur,
                "Hores previstes": justification.estimated_hours,
                "Hores reals": justification.actual_hours,
                "Esdeveniments": int(frame["events"].sum()),
                "Assistents": justification.attended,
                "Membres": justification.members_reached,
                "Municipis": justification.municipalities,
                "Comarques": justification.comarques,
            }
        ]
    )
    if sheet.empty:
        return sheet
    return pd.concat([sheet, totals], ignore_index=True)


def events_sheet(justification: Justification) -> pd.DataFrame:
    frame = justification.events
    return pd.DataFrame(
        {
            "Codi": frame["code"],
            "Esdeveniment": frame["title"],
            "Data": pd.to_datetime(frame["held_on"]),
            "Format": frame["format"].map(_format_label),
            "Lloc": frame["place"].where(frame["place"] != "", "Virtual"),
            "Assistents": frame["attended"],
            "Membres": frame["members_reached"],
            "Municipis": frame["municipalities"],
            "Comarques": frame["comarques"],
        }
    )


@reads(Area.PLAN, Area.SCENARIOS, Area.EVENTS, Area.MEMBERS, Area.REFERENCE)
def justification_workbook(*, session: Session, year: int, today: date) -> bytes:
    """The justification as an XLSX: a summary, the activities with totals, the events."""
    justification = conveni_justification(session=session, year=year, today=today)
    summary = frame_of(
        [
            ("Conveni amb el Departament de Treball", f"Justificació de les activitats {year}"),
            ("Pla adoptat", justification.adopted_name or "Cap"),
            ("Data", today.strftime("%d/%m/%Y")),
            ("Activitats vinculades al Conveni", str(len(justification.activities))),
            ("Fetes", str(justification.done)),
        ],
        ["Concepte", "Valor"],
    )
    formats = {
        "Cost previst (€)": EUR,
        "Cost real (€)": EUR,
        "Hores previstes": HOURS,
        "Hores reals": HOURS,
        "Trimestre": NUMBER,
    }
    return xlsx_bytes(
        {
            "Resum": summary,
            "Activitats": activities_sheet(justification),
            "Esdeveniments": events_sheet(justification),
        },
        formats,
    )
