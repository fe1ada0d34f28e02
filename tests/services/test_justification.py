"""The Conveni's justification: hand-computed totals, the XLSX's real numbers, no person named
(SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from db.models import RegistrationStatus
from services.execution import link_events, update_execution
from services.justification import conveni_justification, justification_workbook
from services.plan import ActivityEdit
from tests.factories import event, member, person, plan_activity, registration, staff

YEAR = 2026
TODAY = date(2026, 11, 30)


@pytest.fixture
def carried_out(session: Session) -> Session:
    """Two Conveni activities (one done, one cancelled) and one that is not Conveni-linked,
    with two events carried out for the first."""
    done = plan_activity(session, "C1", "3000", conveni=True, staff_hours=40, quarter=1)
    cancelled = plan_activity(session, "C2", "1200", conveni=True, staff_hours=20, quarter=2)
    other = plan_activity(session, "N1", "800", staff_hours=15)
    vic = member(session, "Ajuntament de Vic", municipality_code="08298")
    girona = member(session, "Ajuntament de Girona", municipality_code="17079")
    person(session, vic, "Laia Rovira Puig", email="laia@vic.cat")
    day = event(session, "Jornada de compra pública", date(2026, 3, 10), municipality_code="08298")
    online = event(session, "Webinari de mercats socials", date(2026, 4, 2))
    unrelated = event(session, "Sessió d'un altre projecte", date(2026, 4, 9))
    attended = RegistrationStatus.ATTENDED
    registration(session, day, vic, status=attended)
    registration(session, day, girona, status=attended)
    registration(session, online, vic, status=attended)
    registration(session, unrelated, girona, status=attended)
    session.commit()
    link_events(
        session=session, plan_activity_id=done.id, event_ids=[day.id, online.id], actor=staff()
    )
    link_events(session=session, plan_activity_id=other.id, event_ids=[unrelated.id], actor=staff())
    update_execution(
        session=session,
        year=YEAR,
        edits=[
            ActivityEdit(
                1, done.id, done.version,
                (("status", "Feta"), ("actual_cost_eur", "3.250"), ("actual_hours", "44,5")),
            ),
            ActivityEdit(2, cancelled.id, cancelled.version, (("status", "Anul·lada"),)),
        ],
        actor=staff(),
    )  # fmt: skip
    session.commit()
    return session


def test_justification_lists_every_conveni_activity_with_hand_computed_totals(
    carried_out: Session,
) -> None:
    justification = conveni_justification(session=carried_out, year=YEAR, today=TODAY)
    activities = justification.activities.set_index("code")
    assert list(activities.index) == ["C1", "C2"]  # N1 is not Conveni-linked
    assert activities.loc["C1", ["status", "events", "attended", "members_reached"]].tolist() == [
        "done",
        2,
        3,
        2,
    ]
    assert activities.loc["C2", "status"] == "cancelled"
    assert justification.estimated_cost_eur == 4200.0
    assert justification.actual_cost_eur == 3250.0
    assert justification.estimated_hours == 60.0
    assert justification.actual_hours == 44.5
    assert justification.attended == 3
    assert (justification.members_reached, justification.municipalities) == (2, 2)
    assert justification.comarques == 2
    assert list(justification.events["title"]) == [
        "Jornada de compra pública",
        "Webinari de mercats socials",
    ]


def test_justification_workbook_holds_real_numbers_and_dates_and_names_no_person(
    carried_out: Session,
) -> None:
    workbook = load_workbook(
        io.BytesIO(justification_workbook(session=carried_out, year=YEAR, today=TODAY))
    )
    assert workbook.sheetnames == ["Resum", "Activitats", "Esdeveniments"]
    activities = list(workbook["Activitats"].iter_rows(values_only=True))
    header, *rows = activities
    assert header[:8] == (
        "Codi", "Activitat", "Eix", "Al pla adoptat", "Estat", "Trimestre",
        "Cost previst (€)", "Cost real (€)",
    )  # fmt: skip
    total = rows[-1]
    assert total[0] == "TOTAL"
    assert total[6:10] == (4200, 3250, 60, 44.5)
    assert rows[0][4] == "Feta" and rows[1][4] == "Anul·lada"
    cost_cell = workbook["Activitats"]["H2"]
    assert cost_cell.value == 3250 and "€" in cost_cell.number_format
    events = list(workbook["Esdeveniments"].iter_rows(values_only=True))
    assert events[1][2] == datetime(2026, 3, 10)
    assert events[1][4] == "Vic" and events[2][4] == "Virtual"
    everything = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert "Laia" not in everything and "laia@vic.cat" not in everything
