"""What happens in the network over three years: its events (assemblies, thematic days,
territorial meetings, the Executive Commission, work-group sessions) and who registered and
attended, then the advisories, mentorings and the CCPR expert hours bag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from db.demo.base import _Builder, _Member, _Muni, _Person
from db.demo.vocabulary import (
    FOUNDED_ON,
    NEED_PHRASES,
    NEED_WEIGHTS,
    PROVINCE_SHARES,
    REGISTRATION_CHANCES,
    REGISTRATION_HORIZON_DAYS,
    TERRITORIAL_TITLES,
    THEMATIC_DAYS,
    TRAININGS,
)
from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Event,
    EventFormat,
    EventKind,
    MemberKind,
    PersonRole,
    Registration,
    RegistrationStatus,
    WorkGroupStatus,
)
from services.catalan import MONTHS, fold, with_de
from settings import load_settings


@dataclass
class _Event:
    """An event being drafted: events are sorted by day before they are written."""

    title: str
    kind: EventKind
    held_on: date
    format: EventFormat
    place: _Muni | None
    work_group_code: str | None = None
    plan_activity_id: int | None = None
    # Who may register: a work group's enrolled members, a province, or the commission.
    province_code: str | None = None
    id: int = 0


class _EventBuilder(_Builder):
    """The steps that write what the network did: events, registrations and advisories."""

    @staticmethod
    def _weekday(day: date) -> date:
        """Events fall on working days: a Saturday moves to Friday, a Sunday to Monday."""
        if day.weekday() == 5:
            return day - timedelta(days=1)
        if day.weekday() == 6:
            return day + timedelta(days=1)
        return day

    def _in_year(self, year: int, month: int, first_day: int = 1, last_day: int = 28) -> date:
        # Nothing is held over the Christmas holidays (from 20 December to 7 January).
        if month == 12:
            last_day = min(last_day, 19)
            first_day = min(first_day, last_day)
        if month == 1:
            first_day = max(first_day, 8)
            last_day = max(last_day, first_day)
        return self._weekday(date(year, month, self.rng.randint(first_day, last_day)))

    def _activity(self, *keywords: str, cap_group: str | None = None) -> int | None:
        """The plan activity an event carries out, found by keywords: in the titles first (a
        description may mention anything), then in the descriptions; ``cap_group`` restricts
        the search to cap groups whose name contains it (e.g. "jornad")."""
        activities = sorted(self.plan.values(), key=lambda a: a.code)
        if cap_group is not None:
            activities = [a for a in activities if cap_group in fold(a.cap_group or "")]
        for use_description in (False, True):
            for activity in activities:
                text = fold(activity.title + (activity.description if use_description else ""))
                if all(fold(keyword) in text for keyword in keywords):
                    return activity.id
        return None

    def _places(self, province_code: str | None = None) -> list[_Muni]:
        """Real towns of active members (no demo copies), where in-person events are held."""
        seen: dict[str, _Muni] = {}
        for member in self.members:
            if member.left_on or "(demo" in member.name or member.is_new:
                continue
            if province_code and member.muni.province_code != province_code:
                continue
            seen.setdefault(member.muni.ine_code, member.muni)
        return [seen[code] for code in sorted(seen)]

    def _host(self, places: list[_Muni]) -> _Muni:
        """A town for a network event: larger towns host more often, small ones sometimes."""
        return self._weighted([(m, max(m.population, 500) ** 0.5) for m in places])

    def _city(self, places: list[_Muni]) -> _Muni:
        """Barcelona for the big celebration, when it is a member."""
        return next((m for m in places if m.ine_code == "08019"), None) or self._host(places)

    def _network_events(self, year: int) -> list[_Event]:
        rng = self.rng
        current = year == self.year
        barcelona = self._places("08")
        anywhere = self._places()

        def linked(*keywords: str, cap_group: str | None = None) -> int | None:
            if year != self.plan_year:
                return None
            return self._activity(*keywords, cap_group=cap_group)

        events: list[_Event] = []
        rtes_format = EventFormat.VIRTUAL if year % 2 else EventFormat.IN_PERSON
        events.append(
            _Event(
                f"Trobada d'intercanvi amb RTES {year}",
                EventKind.RTES_EXCHANGE,
                self._in_year(year, 1, 20, 30),
                rtes_format,
                self._host(barcelona) if rtes_format != EventFormat.VIRTUAL else None,
                plan_activity_id=linked("rtes"),
            )
        )
        for title, month, first, last, keyword in (
            (f"Assemblea ordinària de primavera {year}", rng.choice((3, 4)), 10, 28, "assemble"),
            (f"Assemblea ordinària de tardor {year}", 10, 15, 30, "assemble"),
        ):
            events.append(
                _Event(
                    title,
                    EventKind.ASSEMBLY,
                    self._in_year(year, month, first, last),
                    EventFormat.HYBRID,
                    self._host(anywhere),
                    plan_activity_id=linked(keyword),
                )
            )
        events.append(
            _Event(
                f"Trobada anual de càrrecs electes {year}",
                EventKind.ELECTED_OFFICIALS_MEETING,
                self._in_year(year, rng.choice((4, 5)), 1, 28),
                EventFormat.IN_PERSON,
                self._host(barcelona),
                plan_activity_id=linked("carrecs electes"),
            )
        )
        # At most three thematic days a year (the plan's cap), spread over the year.
        months = sorted(rng.sample((2, 5, 6, 9, 11), 3))
        days = THEMATIC_DAYS["current" if current else "previous"]
        for (topic, keywords), month in zip(days, months, strict=True):
            place = self._host(anywhere)
            fmt = EventFormat.IN_PERSON if rng.random() < 0.6 else EventFormat.HYBRID
            activity = None
            if year == self.plan_year:
                activity = next(
                    (
                        found
                        for keyword in keywords
                        if (found := self._activity(keyword, cap_group="jornad")) is not None
                    ),
                    None,
                )
            events.append(
                _Event(
                    f"Jornada temàtica: {topic}",
                    EventKind.THEMATIC_DAY,
                    self._in_year(year, month),
                    fmt,
                    place,
                    plan_activity_id=activity,
                )
            )
        events.append(
            _Event(
                f"Trobada de la XMESS amb la XAC {year}",
                EventKind.XAC_MEETING,
                self._in_year(year, rng.choice((5, 6))),
                EventFormat.IN_PERSON,
                self._host(barcelona),
                plan_activity_id=linked("xac"),
            )
        )
        if current:
            anniversary = year - FOUNDED_ON.year
            events.append(
                _Event(
                    f"Acte de celebració dels {anniversary} anys de la XMESS",
                    EventKind.ANNIVERSARY,
                    self._weekday(date(year, 12, rng.randint(9, 12))),
                    EventFormat.IN_PERSON,
                    self._city(barcelona),
                    plan_activity_id=linked("10 anys"),
                )
            )
            events.append(
                _Event(
                    "Sessió informativa: la Llei de l'ESS i les competències municipals",
                    EventKind.TRAINING,
                    self._in_year(year, 6),
                    EventFormat.VIRTUAL,
                    None,
                    work_group_code=None,
                    plan_activity_id=linked("llei", "sessio informativa"),
                )
            )
        # Online training sessions, with the Formació group (one a year per unit of scale).
        for index in range(self.scale):
            title = TRAININGS[(index + year) % len(TRAININGS)]
            events.append(
                _Event(
                    f"Formació: {title}",
                    EventKind.TRAINING,
                    self._in_year(year, (2, 4, 6, 9, 10, 11)[(index + year) % 6]),
                    EventFormat.VIRTUAL,
                    None,
                    plan_activity_id=linked("formaci"),
                )
            )
        # Territorial meetings: one per province a year (more at larger scales).
        meeting_months = (3, 5, 10, 11)
        for round_ in range(self.scale):
            for (province, _), month in zip(PROVINCE_SHARES, meeting_months, strict=True):
                places = self._places(province)
                if not places:
                    continue
                place = rng.choice(places)
                title = TERRITORIAL_TITLES[province]
                if round_:
                    title = f"Trobada territorial a {place.name}"
                events.append(
                    _Event(
                        title,
                        EventKind.TERRITORIAL_MEETING,
                        self._in_year(year, (month + round_) % 12 + 1 if round_ else month),
                        EventFormat.IN_PERSON,
                        place,
                        plan_activity_id=linked("territorial"),
                        province_code=province,
                    )
                )
        # The Executive Commission meets online about monthly (not in August).
        for month in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12):
            events.append(
                _Event(
                    f"Comissió Executiva ({MONTHS[month - 1]} {year})",
                    EventKind.EXECUTIVE_COMMISSION,
                    self._in_year(year, month, 8, 18),
                    EventFormat.VIRTUAL,
                    None,
                    plan_activity_id=linked("comissio"),
                )
            )
        return events

    def _group_sessions(self, year: int) -> list[_Event]:
        rng, today = self.rng, self.today
        events: list[_Event] = []
        for code in sorted(self.groups):
            group = self.groups[code]
            if group.status == WorkGroupStatus.SUSPENDED:
                # Suspended: its last sessions were two years back, none since.
                if year == self.year - 2:
                    months = [3, 6]
                else:
                    continue
            else:
                count = rng.randint(4, 6)
                start_month = 2 if code != "llei_ess" else max(self.group_start[code].month, 2)
                if code == "llei_ess" and year < self.group_start[code].year:
                    continue
                available = [m for m in range(start_month, 13) if m != 8]
                months = sorted(rng.sample(available, min(count, len(available))))
            for month in months:
                held_on = self._in_year(year, month)
                if held_on < today - timedelta(days=730):
                    continue
                roll = rng.random()
                fmt = (
                    EventFormat.VIRTUAL
                    if roll < 0.8
                    else EventFormat.HYBRID
                    if roll < 0.9
                    else EventFormat.IN_PERSON
                )
                place = None
                if fmt != EventFormat.VIRTUAL:
                    hosts = [
                        m.muni for m, _, _ in self.enrolled[code] if "(demo" not in m.name
                    ] or self._places()
                    place = rng.choice(hosts)
                activity = None
                if year == self.plan_year and group.id is not None:
                    activity = next(
                        (
                            a.id
                            for a in sorted(self.plan.values(), key=lambda a: a.code)
                            if a.work_group_id == group.id
                            and "jornad" not in fold(f"{a.cap_group} {a.title}")
                        ),
                        None,
                    )
                events.append(
                    _Event(
                        f"Sessió del GT {with_de(group.name)} ({MONTHS[month - 1]} {year})",
                        EventKind.WORK_GROUP_SESSION,
                        held_on,
                        fmt,
                        place,
                        work_group_code=code,
                        plan_activity_id=activity,
                    )
                )
        return events

    def _events(self) -> None:
        events: list[_Event] = []
        for year in (self.year - 2, self.year - 1, self.year):
            if year >= self.year - 1:
                events.extend(self._network_events(year))
            events.extend(self._group_sessions(year))
        events.sort(key=lambda e: (e.held_on, e.title))
        ids = self._insert_returning_ids(
            Event,
            [
                {
                    "title": e.title,
                    "kind": e.kind,
                    "held_on": e.held_on,
                    "format": e.format,
                    "municipality_code": e.place.ine_code if e.place else None,
                    "work_group_id": self.groups[e.work_group_code].id
                    if e.work_group_code
                    else None,
                    "plan_activity_id": e.plan_activity_id,
                    "notes": "",
                }
                for e in events
            ],
        )
        for event, event_id in zip(events, ids, strict=True):
            event.id = event_id
        self.counts["events"] = len(ids)
        self._registrations(events)

    def _registrations(self, events: list[_Event]) -> None:
        rng, today = self.rng, self.today
        # The Executive Commission: the diputació, the delegates and a few engaged members.
        commission = [m for m in self.members if m.is_delegate or m.kind == MemberKind.DIPUTACIO]
        engaged = sorted(
            (m for m in self.members if not (m.is_new or m.left_on or m in commission)),
            key=lambda m: (-m.engagement, m.name),
        )
        commission += engaged[: 3 * self.scale]
        rows: list[dict[str, Any]] = []
        for event in events:
            upcoming = event.held_on >= today
            if upcoming and (event.held_on - today).days > REGISTRATION_HORIZON_DAYS:
                continue  # registrations are not open yet
            if event.kind == EventKind.WORK_GROUP_SESSION:
                assert event.work_group_code is not None
                invited = [
                    m
                    for m, joined, left in self.enrolled[event.work_group_code]
                    if joined <= event.held_on
                    and (left is None or left > event.held_on)
                    and m.active_on(event.held_on)
                ]
            elif event.kind == EventKind.EXECUTIVE_COMMISSION:
                invited = commission
            elif event.kind == EventKind.TERRITORIAL_MEETING:
                invited = [m for m in self.members if m.muni.province_code == event.province_code]
            else:
                invited = self.members
            for member in invited:
                if not member.active_on(event.held_on - timedelta(days=3)):
                    continue
                e = member.engagement
                if event.kind == EventKind.WORK_GROUP_SESSION:
                    chance = 0.3 + 0.65 * e
                else:
                    chance = REGISTRATION_CHANCES[event.kind] * (0.35 + 0.9 * e)
                    if (
                        event.place is not None
                        and event.kind != EventKind.TERRITORIAL_MEETING
                        and event.place.province_code == member.muni.province_code
                    ):
                        chance += 0.1
                if upcoming:
                    chance *= 0.8  # not everyone has registered yet
                if rng.random() >= min(chance, 0.97):
                    continue
                persons = [p for p in member.persons if p.active]
                if event.kind in (EventKind.ELECTED_OFFICIALS_MEETING, EventKind.ASSEMBLY):
                    persons.sort(key=lambda p: p.role != PersonRole.ELECTED)
                else:
                    persons.sort(key=lambda p: p.role != PersonRole.TECHNICIAN)
                how_many = 2 if event.kind == EventKind.ASSEMBLY and e > 0.65 else 1
                # A member with no active person still registers, without a name.
                chosen: Sequence[_Person | None] = persons[:how_many] or [None]
                for person in chosen:
                    registered_on = event.held_on - timedelta(days=rng.randint(1, 35))
                    registered_on = max(min(registered_on, today), member.joined_on)
                    if upcoming:
                        status = (
                            RegistrationStatus.CANCELLED
                            if rng.random() < 0.04
                            else RegistrationStatus.REGISTERED
                        )
                    elif rng.random() < 0.05:
                        status = RegistrationStatus.CANCELLED
                    elif rng.random() < 0.5 + 0.47 * e:
                        status = RegistrationStatus.ATTENDED
                    else:
                        status = RegistrationStatus.NO_SHOW
                    rows.append(
                        {
                            "event_id": event.id,
                            "member_id": member.id,
                            "person_id": person.id if person else None,
                            "status": status,
                            "registered_on": registered_on,
                        }
                    )
        self._insert(Registration, rows)
        self.counts["registrations"] = len(rows)

    # -- advisories --

    def _advisories(self) -> None:
        rng, today = self.rng, self.today
        topic_codes = [code for code in NEED_WEIGHTS if code in self.topics]
        rows: list[dict[str, Any]] = []

        def closed(requested: date, status: AdvisoryStatus) -> date | None:
            if status not in (AdvisoryStatus.DONE, AdvisoryStatus.CANCELLED):
                return None
            return min(requested + timedelta(days=rng.randint(10, 90)), today)

        def status_for(requested: date) -> AdvisoryStatus:
            age = (today - requested).days
            if age < 30:
                return self._weighted(
                    ((AdvisoryStatus.REQUESTED, 3), (AdvisoryStatus.IN_PROGRESS, 4))
                )
            if age < 120:
                return self._weighted(
                    (
                        (AdvisoryStatus.IN_PROGRESS, 4),
                        (AdvisoryStatus.DONE, 5),
                        (AdvisoryStatus.CANCELLED, 1),
                    )
                )
            return self._weighted(((AdvisoryStatus.DONE, 9), (AdvisoryStatus.CANCELLED, 1)))

        active = [m for m in self.members if m.left_on is None and not m.is_new]
        # Advisories: engaged members ask more.
        for index in range(7 * self.scale):
            member = self._weighted([(m, 0.2 + m.engagement) for m in active])
            # A few recent requests keep the list of open advisories alive.
            requested = self._days_ago(0, 100) if index % 3 == 0 else self._days_ago(0, 700)
            requested = max(requested, member.joined_on)
            status = status_for(requested)
            topic = self._weighted([(c, NEED_WEIGHTS[c]) for c in topic_codes])
            hours = Decimal(rng.randint(4, 24)) / 2 if status != AdvisoryStatus.REQUESTED else 0
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.ADVISORY,
                    "topic_id": self.topics[topic],
                    "status": status,
                    "mentor_member_id": None,
                    "requested_on": requested,
                    "closed_on": closed(requested, status),
                    "hours": Decimal(hours),
                    "description": f"Assessorament sobre {NEED_PHRASES[topic]}.",
                }
            )
        # First short advisories (píndoles) of new members who reached that step.
        for member in self.members:
            done_on = self.first_advisory_on.get(member.id)
            if done_on is None:
                continue
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.ADVISORY,
                    "topic_id": None,
                    "status": AdvisoryStatus.DONE,
                    "mentor_member_id": None,
                    "requested_on": done_on - timedelta(days=rng.randint(5, 20)),
                    "closed_on": done_on,
                    "hours": Decimal("2.0"),
                    "description": "Píndola: primeres passes per fer polítiques públiques d'ESS.",
                }
            )
        # Mentorings: every new member with its mentor, and a few between older members.
        for member in self.members:
            if member.mentor is None:
                continue
            assigned_on = self.mentor_assigned_on.get(member.id)
            if assigned_on is None:
                continue
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.MENTORING,
                    "topic_id": None,
                    "status": AdvisoryStatus.IN_PROGRESS,
                    "mentor_member_id": member.mentor.id,
                    "requested_on": assigned_on,
                    "closed_on": None,
                    "hours": Decimal(rng.randint(1, 8)),
                    "description": f"Mentoria d'acollida amb {member.mentor.name}.",
                }
            )
        mentors = sorted(
            (m for m in active if m.kind == MemberKind.AJUNTAMENT), key=lambda m: -m.engagement
        )[:10]
        for _ in range(2 * self.scale):
            member = rng.choice(active)
            mentor = rng.choice([m for m in mentors if m is not member])
            requested = max(self._days_ago(30, 600), member.joined_on, mentor.joined_on)
            status = status_for(requested)
            topic = rng.choice(topic_codes)
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.MENTORING,
                    "topic_id": self.topics[topic],
                    "status": status,
                    "mentor_member_id": mentor.id,
                    "requested_on": requested,
                    "closed_on": closed(requested, status),
                    "hours": Decimal(rng.randint(2, 10)),
                    "description": f"Mentoria de {mentor.name} sobre {NEED_PHRASES[topic]}.",
                }
            )
        rows += self._ccpr_bag(active)
        self._insert(Advisory, rows)
        self.counts["advisories"] = len(rows)

    def _ccpr_bag(self, active: list[_Member]) -> list[dict[str, Any]]:
        """The CCPR expert service: the work plan's yearly bag of hours (50 h, from settings)
        for small municipalities. This year's use grows with the year (about 64-88 % of the bag
        by November), last year's nearly filled it."""
        rng, today = self.rng, self.today
        # The bag the services check use against, so the demo never shows it overdrawn.
        bag = load_settings().ccpr_bag_hours
        small = sorted(
            (m for m in active if m.kind == MemberKind.AJUNTAMENT and "(demo" not in m.name),
            key=lambda m: (m.muni.population, m.name),
        )[:14]
        rows: list[dict[str, Any]] = []
        ccpr_topic = self.topics.get("ccpr")
        for year in (self.year - 1, self.year):
            first = date(year, 1, 8)
            last = min(date(year, 12, 15), today)
            if last <= first:
                continue
            if year == self.year:
                elapsed = (today - date(year, 1, 1)).days / 365
                target = rng.randint(round(0.64 * bag), round(0.88 * bag)) * min(
                    1.0, 0.25 + elapsed
                )
            else:
                target = rng.randint(round(0.88 * bag), bag)
            users = rng.sample(small, min(len(small), rng.randint(4, 6)))
            shares = [rng.uniform(0.6, 1.4) for _ in users]
            # Half hours, summing exactly to the target (never above the bag).
            halves = [max(2, int(2 * target * s / sum(shares))) for s in shares]
            halves[-1] += max(int(2 * target) - sum(halves), -halves[-1] + 2)
            starts = sorted(
                first + timedelta(days=rng.randint(0, (last - first).days)) for _ in users
            )
            for member, half_hours, requested in zip(users, halves, starts, strict=True):
                requested = max(requested, member.joined_on)
                age = (today - requested).days
                status = AdvisoryStatus.DONE if age > 60 else AdvisoryStatus.IN_PROGRESS
                rows.append(
                    {
                        "member_id": member.id,
                        "kind": AdvisoryKind.CCPR_EXPERT,
                        "topic_id": ccpr_topic,
                        "status": status,
                        "mentor_member_id": None,
                        "requested_on": requested,
                        "closed_on": (
                            min(requested + timedelta(days=rng.randint(15, 50)), today)
                            if status == AdvisoryStatus.DONE
                            else None
                        ),
                        "hours": Decimal(half_hours) / 2,
                        "description": "Servei expert en CCPR: clàusules socials i "
                        "reserva de contractes.",
                    }
                )
            # One request withdrawn before any hour was spent: shown, never counted.
            member = rng.choice(small)
            requested = max(
                first + timedelta(days=rng.randint(0, (last - first).days)), member.joined_on
            )
            rows.append(
                {
                    "member_id": member.id,
                    "kind": AdvisoryKind.CCPR_EXPERT,
                    "topic_id": ccpr_topic,
                    "status": AdvisoryStatus.CANCELLED,
                    "mentor_member_id": None,
                    "requested_on": requested,
                    "closed_on": min(requested + timedelta(days=7), max(today, requested)),
                    "hours": Decimal("0"),
                    "description": "Sol·licitud retirada pel municipi.",
                }
            )
        return rows
