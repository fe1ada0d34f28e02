"""The stored data in each kind's import format: download, edit in a spreadsheet, import back.

Columns carry the import headers and values as the importer reads them (names, Catalan
labels, dd/mm/aaaa dates, sí/no), so an unedited export imports as "sense canvis"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import (
    AppUser,
    Event,
    Interaction,
    InteractionNeed,
    Member,
    Municipality,
    Person,
    PlanActivity,
    PlanActivityDependency,
    Registration,
    Topic,
    WorkGroup,
)
from services.frames import frame_of
from services.labels import (
    ACTIVITY_STATUS,
    CHANNEL,
    EVENT_FORMAT,
    EVENT_KIND,
    MEMBER_KIND,
    PERSON_ROLE,
    REFERRAL,
    REGISTRATION_STATUS,
)


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _yes(value: bool | None) -> str:
    return "sí" if value else "no"


def _decimal(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}".replace(".", ",")


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """One dict per row (the file's header → its cell), so each header sits next to its value;
    built column by column, as ``frame_of`` builds every frame."""
    return frame_of([tuple(row.values()) for row in rows], list(rows[0]) if rows else [])


def members(session: Session) -> pd.DataFrame:
    mentor = aliased(Member)
    rows = session.execute(
        select(Member, Municipality.ine_code, mentor.name, AppUser.email)
        .join(Municipality, Municipality.ine_code == Member.municipality_code)
        .outerjoin(mentor, mentor.id == Member.mentor_id)
        .outerjoin(AppUser, AppUser.id == Member.owner_id)
        .order_by(Member.name)
    ).all()
    return _frame(
        [
            {
                "Nom": m.name,
                "Tipus d'ens": MEMBER_KIND[m.kind],
                "Municipi": code,
                "Data d'alta": _date(m.joined_on),
                "Data de baixa": _date(m.left_on),
                "Municipi mentor": mentor_name or "",
                "Municipi delegat": _yes(m.is_territorial_delegate),
                "Fitxa ABC actualitzada": _date(m.abc_sheet_updated_on),
                "Responsable": owner or "",
                "Notes": m.notes,
            }
            for m, code, mentor_name, owner in rows
        ]
    )


def persons(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Person, Member.name).join(Member).order_by(Member.name, Person.full_name)
    ).all()
    return _frame(
        [
            {
                "Nom": p.full_name,
                "Membre": member,
                "Rol": PERSON_ROLE[p.role],
                "Càrrec": p.position,
                "Correu electrònic": p.email or "",
                "Telèfon": p.phone or "",
                "Consentiment de contacte": _yes(p.consent_contact),
                "Consentiment d'imatge": _yes(p.consent_image),
                "Activa": _yes(p.active),
            }
            for p, member in rows
        ]
    )


def interactions(session: Session) -> pd.DataFrame:
    needs: dict[int, list[str]] = defaultdict(list)
    for interaction_id, name in session.execute(
        select(InteractionNeed.interaction_id, Topic.name).join(Topic).order_by(Topic.name)
    ):
        needs[interaction_id].append(name)
    rows = session.execute(
        select(Interaction, Member.name, Person.email, Person.full_name, AppUser.email)
        .join(Member, Member.id == Interaction.member_id)
        .outerjoin(Person, Person.id == Interaction.person_id)
        .outerjoin(AppUser, AppUser.id == Interaction.staff_id)
        .order_by(Interaction.occurred_on, Interaction.id)
    ).all()
    return _frame(
        [
            {
                "Membre": member,
                "Data": _date(i.occurred_on),
                "Canal": CHANNEL[i.channel],
                "Resum": i.summary,
                "Persona": email or person or "",
                "Necessitats": "; ".join(needs.get(i.id, [])),
                "Derivació": REFERRAL[i.referral] if i.referral else "",
                "Proper contacte": _date(i.next_contact_on),
                "Equip": staff or "",
            }
            for i, member, email, person, staff in rows
        ]
    )


def events(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(Event, WorkGroup.code, PlanActivity.code)
        .outerjoin(WorkGroup, WorkGroup.id == Event.work_group_id)
        .outerjoin(PlanActivity, PlanActivity.id == Event.plan_activity_id)
        .order_by(Event.held_on, Event.title)
    ).all()
    return _frame(
        [
            {
                "Títol": e.title,
                "Data": _date(e.held_on),
                "Tipus": EVENT_KIND[e.kind],
                "Format": EVENT_FORMAT[e.format],
                "Municipi": e.municipality_code or "",
                "Grup de treball": group or "",
                "Activitat del pla": activity or "",
                "Notes": e.notes,
            }
            for e, group, activity in rows
        ]
    )


def registrations(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Registration, Event.title, Event.held_on, Member.name, Person.email, Person.full_name
        )
        .join(Event, Event.id == Registration.event_id)
        .join(Member, Member.id == Registration.member_id)
        .outerjoin(Person, Person.id == Registration.person_id)
        .order_by(Event.held_on, Event.title, Member.name)
    ).all()
    return _frame(
        [
            {
                "Esdeveniment": title,
                "Data de l'esdeveniment": _date(held_on),
                "Membre": member,
                "Persona": email or person or "",
                "Estat": REGISTRATION_STATUS[r.status],
                "Data d'inscripció": _date(r.registered_on),
            }
            for r, title, held_on, member, email, person in rows
        ]
    )


def plan_activities(session: Session) -> pd.DataFrame:
    codes = {
        activity_id: code
        for activity_id, code in session.execute(select(PlanActivity.id, PlanActivity.code))
    }
    depends: dict[int, list[str]] = defaultdict(list)
    for activity_id, requires_id in session.execute(
        select(PlanActivityDependency.activity_id, PlanActivityDependency.requires_id)
    ):
        depends[activity_id].append(codes[requires_id])
    rows = session.execute(
        select(PlanActivity, WorkGroup.code)
        .outerjoin(WorkGroup, WorkGroup.id == PlanActivity.work_group_id)
        .order_by(PlanActivity.year, PlanActivity.code)
    ).all()
    return _frame(
        [
            {
                "Any": a.year,
                "Codi": a.code,
                "Eix": a.axis,
                "Títol": a.title,
                "Descripció": a.description,
                "Grup de treball": group or "",
                "Conveni": _yes(a.conveni),
                "Obligatòria": _yes(a.mandatory),
                "Cost estimat (€)": _decimal(a.estimated_cost_eur),
                "Hores de l'equip": _decimal(a.staff_hours),
                "Impacte": a.score_impact,
                "Territori": a.score_territory,
                "Alineament": a.score_alignment,
                "Demanda": a.score_demand,
                "Grup de límit": a.cap_group or "",
                "Depèn de": "; ".join(sorted(depends.get(a.id, []))),
                "Grup exclusiu": a.exclusive_group or "",
                "Trimestre": a.quarter if a.quarter is not None else "",
                "Estat": ACTIVITY_STATUS[a.status],
            }
            for a, group in rows
        ]
    )


EXPORTERS: dict[str, Callable[[Session], pd.DataFrame]] = {
    "membres": members,
    "persones": persons,
    "contactes": interactions,
    "esdeveniments": events,
    "inscripcions": registrations,
    "activitats": plan_activities,
}
