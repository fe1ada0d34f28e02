"""The network itself: the coordination team, the members (with their dates, delegates and
mentors), their contact persons, the onboarding of new members, two years of follow-up
contacts, and who sits in which work group."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from db.demo.base import _Builder, _Member, _Muni, _Person
from db.demo.vocabulary import (
    BASE_MEMBERS,
    CAPITALS,
    CHANNEL_WEIGHTS,
    CONSELL_COMARQUES,
    CONSELL_ELECTED,
    CONSELLS,
    DELEGATES,
    DIPUTACIO_ELECTED,
    DRIFTING_MEMBERS,
    ELECTED_POSITIONS,
    EMPTY_COMARQUES,
    FEMALE_NAMES,
    FOUNDED_ON,
    FOUNDERS,
    GROUP_POPULARITY,
    LEFT_MEMBERS,
    MALE_NAMES,
    NEED_PHRASES,
    NEED_WEIGHTS,
    NEW_MEMBERS,
    PROVINCE_SHARES,
    REFERRAL_PHRASES,
    REFERRAL_WEIGHTS,
    STAFF,
    SUMMARIES,
    SURNAMES,
    TECHNICIAN_POSITIONS,
    WELL_KNOWN,
)
from db.models import (
    AppUser,
    Channel,
    Comarca,
    Interaction,
    InteractionNeed,
    Member,
    MemberKind,
    Municipality,
    OnboardingStep,
    OnboardingStepKind,
    Person,
    PersonRole,
    Referral,
    UserRole,
    WorkGroupMembership,
    WorkGroupStatus,
)
from services.catalan import comarca_with_de, fold, with_de


def _comarca_key(name: str) -> str:
    """A comarca name folded and without its article, for lookups: "l'Alt Empordà" and "Alt
    Empordà" both give "alt emporda"."""
    folded = fold(name)
    for article in ("el ", "la ", "els ", "les ", "l'"):
        if folded.startswith(article):
            return folded[len(article) :]
    return folded


def _slug(text: str) -> str:
    """A name as it may appear in an e-mail domain: "Sant Cugat del Vallès" gives
    "sant-cugat-del-valles"."""
    folded = fold(text)
    kept = "".join(c if c.isalnum() else "-" for c in folded)
    return "-".join(part for part in kept.split("-") if part)


class _NetworkBuilder(_Builder):
    """The steps that write who is in the network and how the team keeps in touch with it."""

    def _staff(self) -> None:
        existing = {user.email: user.id for user in self.session.scalars(select(AppUser))}
        missing = [
            {"email": email, "full_name": name, "role": role, "active": True}
            for email, name, role in STAFF
            if email not in existing
        ]
        ids = iter(self._insert_returning_ids(AppUser, missing))
        by_email = {email: existing.get(email) or next(ids) for email, _, _ in STAFF}
        # Each coordinator owns a territory: two share Barcelona, one has Girona and Lleida.
        self.staff_ids = [by_email[e] for e, _, role in STAFF if role == UserRole.STAFF]
        self.admin_id = next(by_email[e] for e, _, role in STAFF if role == UserRole.ADMIN)

    def _owner_for(self, province_code: str) -> int:
        staff = self.staff_ids
        if province_code in ("17", "25"):
            return staff[2 % len(staff)]
        if province_code == "43":
            return staff[3 % len(staff)]
        return self.rng.choice([staff[0], staff[1 % len(staff)]])

    def _municipalities(self) -> list[_Muni]:
        rows = self.session.execute(
            select(
                Municipality.ine_code,
                Municipality.name,
                Municipality.comarca_code,
                Comarca.name,
                Municipality.province_code,
                Municipality.population,
            )
            .join(Comarca, Comarca.code == Municipality.comarca_code)
            .order_by(Municipality.ine_code)
        ).all()
        if not rows:
            raise ValueError(
                "La base de dades no té municipis: cal aplicar les migracions abans de generar "
                "les dades de demostració."
            )
        return [
            _Muni(code, name, comarca, comarca_name, province, population or 0)
            for code, name, comarca, comarca_name, province, population in rows
        ]

    def _members(self) -> None:
        rng, scale = self.rng, self.scale
        munis = self._municipalities()
        by_name = {muni.name: muni for muni in munis}
        empty = {m.comarca_code for m in munis if _comarca_key(m.comarca_name) in EMPTY_COMARQUES}
        eligible = [m for m in munis if m.comarca_code not in empty]
        names: set[str] = set()
        members: list[_Member] = []

        def add(name: str, kind: MemberKind, muni: _Muni, engagement: float) -> _Member:
            member = _Member(name=name, kind=kind, muni=muni, engagement=engagement)
            names.add(name)
            members.append(member)
            return member

        def unique(name: str) -> str:
            # Beyond the real bodies (at larger scales) a body is reused with a suffix.
            copy = 2
            candidate = name
            while candidate in names:
                candidate = f"{name} (demo {copy})"
                copy += 1
            return candidate

        total = BASE_MEMBERS * scale
        diputacio = add(
            "Diputació de Barcelona",
            MemberKind.DIPUTACIO,
            next((m for m in munis if m.ine_code == "08019"), None)
            or by_name.get("Barcelona")
            or munis[0],
            0.8,
        )
        diputacio.joined_on = date(2017, 3, 14)

        # Consells comarcals, seated in their capital (or their largest town).
        by_comarca: dict[str, list[_Muni]] = {}
        for muni in eligible:
            by_comarca.setdefault(muni.comarca_code, []).append(muni)
        comarca_names = {m.comarca_code: m.comarca_name for m in eligible}
        keys = {code: _comarca_key(name) for code, name in comarca_names.items()}
        preferred = [c for c in by_comarca if keys[c] in CONSELL_COMARQUES]
        preferred.sort(key=lambda c: CONSELL_COMARQUES.index(keys[c]))
        others = [c for c in sorted(by_comarca) if c not in preferred and keys[c] != "barcelones"]
        rng.shuffle(others)
        consell_codes = (preferred + others)[: CONSELLS * scale]
        for code in consell_codes:
            seat_name = CAPITALS.get(keys[code])
            towns = by_comarca[code]
            seat = next((m for m in towns if m.name == seat_name), None) or max(
                towns, key=lambda m: (m.population, m.ine_code)
            )
            name = f"Consell Comarcal {comarca_with_de(comarca_names[code])}"
            add(unique(name), MemberKind.CONSELL_COMARCAL, seat, rng.betavariate(2, 2))

        # Ajuntaments: the well-known ones, then larger towns first, province by province.
        towns_left = total - len(members)
        forced = [by_name[name] for name in WELL_KNOWN if name in by_name]
        for index, province in enumerate(PROVINCE_SHARES):
            code, share = province
            quota = round(towns_left * share)
            if index == 0:
                quota = towns_left - sum(round(towns_left * s) for _, s in PROVINCE_SHARES[1:])
            chosen = [m for m in forced if m.province_code == code]
            pool = [m for m in eligible if m.province_code == code and m not in chosen]
            # Weighted sampling without replacement (Efraimidis-Spirakis): larger towns are
            # likelier, but a small town can still be a member.
            keyed = sorted(
                pool,
                key=lambda m: rng.random() ** (1.0 / max(m.population, 300) ** 0.75),
                reverse=True,
            )
            order = chosen + keyed
            for position in range(quota):
                muni = order[position % len(order)]
                engagement = rng.betavariate(2.2, 2.0)
                if muni in forced:
                    engagement = max(engagement, 0.55)
                add(
                    unique(f"Ajuntament {with_de(muni.name)}"),
                    MemberKind.AJUNTAMENT,
                    muni,
                    engagement,
                )
        self._dates(members, forced)
        for member in members:
            member.owner_id = self._owner_for(member.muni.province_code)
        # Oldest first, so that a mentor always has a smaller id than the member it mentors.
        members.sort(key=lambda m: (m.joined_on, m.name))
        self.members = members
        self._write_members()

    def _dates(self, members: list[_Member], forced: list[_Muni]) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        forced_names = {f"Ajuntament {with_de(m.name)}" for m in forced}
        founders = {f"Ajuntament {with_de(m.name)}" for m in forced[:FOUNDERS]}
        span = max((today - timedelta(days=400) - FOUNDED_ON).days, 30)
        for member in members:
            if member.name in founders:
                member.joined_on = FOUNDED_ON
            elif member.name in forced_names:
                # The other capitals joined in the network's first years.
                member.joined_on = FOUNDED_ON + timedelta(days=rng.randint(60, 1200))
            elif member.kind != MemberKind.DIPUTACIO:
                # Growth was steady: a uniform draw over the years since the founding.
                member.joined_on = FOUNDED_ON + timedelta(days=rng.randint(30, span))

        ordinary = [
            m for m in members if m.kind == MemberKind.AJUNTAMENT and m.name not in forced_names
        ]
        rng.shuffle(ordinary)
        new = ordinary[: NEW_MEMBERS * scale]
        rest = ordinary[NEW_MEMBERS * scale :]
        offsets = sorted(rng.sample(range(35, 350), len(new) - 2)) if len(new) > 2 else []
        for member, days in zip(new, [7, 19, *offsets], strict=False):
            member.joined_on = today - timedelta(days=days)
            member.is_new = True
            member.engagement = rng.uniform(0.35, 0.75)

        old_enough = [m for m in rest if (today - m.joined_on).days > 800]
        for member in old_enough[: LEFT_MEMBERS * scale]:
            # Within the two years of contacts, so the farewell call is on record.
            earliest = max(member.joined_on + timedelta(days=365), today - timedelta(days=690))
            latest = today - timedelta(days=60)
            member.left_on = earliest + timedelta(
                days=rng.randint(0, max((latest - earliest).days, 0))
            )
            member.engagement = min(member.engagement, 0.3)
        leaving = set(map(id, old_enough[: LEFT_MEMBERS * scale]))
        remaining = [m for m in rest if id(m) not in leaving]
        for member in remaining[: DRIFTING_MEMBERS * scale]:
            member.drifting = True
            member.engagement = min(member.engagement, 0.3)

        # Territorial delegates: engaged, long-standing members spread over the provinces.
        candidates = [
            m
            for m in members
            if not (m.is_new or m.drifting or m.left_on) and m.kind != MemberKind.DIPUTACIO
        ]
        delegates_left = DELEGATES * scale
        for province, _share in PROVINCE_SHARES:
            in_province = [m for m in candidates if m.muni.province_code == province]
            in_province.sort(key=lambda m: -m.engagement)
            take = max(1, round(delegates_left * (0.5 if province == "08" else 0.17)))
            for member in in_province[:take]:
                member.is_delegate = True
                member.engagement = max(member.engagement, 0.6)

        # ABC-of-ESS sheets: most active members updated theirs at some point.
        for member in members:
            if member.is_new or member.left_on:
                continue
            if rng.random() < 0.72:
                days = rng.randint(15, max(16, min(1100, (today - member.joined_on).days)))
                member.abc_on = today - timedelta(days=days)

        # Each new member gets a mentor: an older, engaged member, of its province if possible.
        seniors = [
            m
            for m in members
            if m.kind == MemberKind.AJUNTAMENT
            and not (m.is_new or m.drifting or m.left_on)
            and (today - m.joined_on).days > 730
        ]
        seniors.sort(key=lambda m: -m.engagement)
        seniors = seniors[: max(10, len(seniors) // 2)]
        for member in new:
            same = [m for m in seniors if m.muni.province_code == member.muni.province_code]
            member.mentor = rng.choice(same or seniors)

    def _write_members(self) -> None:
        def row(member: _Member) -> dict[str, Any]:
            return {
                "name": member.name,
                "kind": member.kind,
                "municipality_code": member.muni.ine_code,
                "joined_on": member.joined_on,
                "left_on": member.left_on,
                "mentor_id": member.mentor.id if member.mentor else None,
                "is_territorial_delegate": member.is_delegate,
                "abc_sheet_updated_on": member.abc_on,
                "owner_id": member.owner_id,
                "notes": "",
                "version": 1,
            }

        # Mentors are inserted first: a new member refers to its mentor's id.
        first = [m for m in self.members if m.mentor is None]
        second = [m for m in self.members if m.mentor is not None]
        for batch in (first, second):
            ids = self._insert_returning_ids(Member, [row(m) for m in batch])
            for member, member_id in zip(batch, ids, strict=True):
                member.id = member_id

    def _persons(self) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        owners: list[_Member] = []
        meta: list[tuple[PersonRole, bool, str]] = []
        emails: set[str] = set()
        for member in self.members:
            if member.kind == MemberKind.DIPUTACIO:
                count = 3
            elif member.muni.population > 100_000 and member.kind == MemberKind.AJUNTAMENT:
                count = rng.randint(3, 4)
            else:
                count = self._weighted(((1, 3), (2, 5), (3, 2)))
            domain_kind = {
                MemberKind.AJUNTAMENT: "ajuntament",
                MemberKind.CONSELL_COMARCAL: "consell",
                MemberKind.DIPUTACIO: "diputacio",
                MemberKind.ALTRE: "ens",
            }[member.kind]
            domain = f"{domain_kind}-{_slug(member.name.split(' ', 2)[-1])}.example"
            for index in range(count):
                # One technician at least: the day-to-day contact of the coordination team.
                role = (
                    PersonRole.TECHNICIAN
                    if index == 0
                    else self._weighted(((PersonRole.ELECTED, 5), (PersonRole.TECHNICIAN, 4)))
                )
                female = rng.random() < 0.58
                first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
                surname, second = rng.sample(SURNAMES, 2)
                if role == PersonRole.ELECTED:
                    positions = {
                        MemberKind.CONSELL_COMARCAL: CONSELL_ELECTED,
                        MemberKind.DIPUTACIO: DIPUTACIO_ELECTED,
                    }.get(member.kind, ELECTED_POSITIONS)
                else:
                    positions = TECHNICIAN_POSITIONS
                position = rng.choice(positions)[0 if female else 1]
                local = f"{_slug(first)}.{_slug(surname)}".replace("-", "")
                email = f"{local}@{domain}"
                suffix = 2
                while email in emails:
                    email = f"{local}{suffix}@{domain}"
                    suffix += 1
                emails.add(email)
                active = rng.random() > 0.06 or index == 0
                rows.append(
                    {
                        "member_id": member.id,
                        "full_name": f"{first} {surname} {second}",
                        "role": role,
                        "position": position,
                        "email": email,
                        "phone": self._phone(member.muni.province_code),
                        "consent_contact": rng.random() < 0.92,
                        "consent_image": rng.random() < 0.75,
                        "active": active,
                        "version": 1,
                    }
                )
                owners.append(member)
                meta.append((role, active, f"{first} {surname}"))
        ids = self._insert_returning_ids(Person, rows)
        for member, person_id, (role, active, short) in zip(owners, ids, meta, strict=True):
            member.persons.append(_Person(person_id, role, active, short))
        self.counts["persons"] = len(ids)

    def _phone(self, province_code: str) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            return f"6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        if province_code == "08":
            return f"93 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        prefix = {"17": "972", "25": "973", "43": "977"}[province_code]
        return f"{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"

    def _onboarding(self) -> None:
        """New members' welcome protocol: the two newest have nothing (or almost nothing) done,
        a couple are stuck, some are complete, the rest are on their way."""
        rng, today = self.rng, self.today
        steps = list(OnboardingStepKind)
        new = sorted((m for m in self.members if m.is_new), key=lambda m: m.joined_on)
        rows: list[dict[str, Any]] = []
        self.welcome_on = {}
        self.first_advisory_on = {}
        self.mentor_assigned_on = {}
        # Stuck: members a few months in whose last step is over a month old (not the very
        # oldest new member, which is nearly a year in and done).
        long_ago = [m for m in new if (today - m.joined_on).days > 90]
        stuck = {id(m) for m in long_ago[1 : 1 + 2 * self.scale]}
        for member in new:
            age = (today - member.joined_on).days
            done: list[date | None] = [None] * len(steps)
            if age <= 10:
                pass  # joined a week ago: nothing done yet
            elif age <= 30:
                # The mentor is assigned and the virtual office opened before the welcome call.
                done[1] = member.joined_on + timedelta(days=3)
                done[3] = member.joined_on + timedelta(days=5)
            else:
                if id(member) in stuck:
                    how_many = rng.randint(2, 4)
                    horizon = today - timedelta(days=rng.randint(35, 70))
                elif age > 200 or rng.random() < 0.4:
                    how_many = len(steps)
                    horizon = today - timedelta(days=2)
                else:
                    how_many = rng.randint(3, len(steps) - 1)
                    horizon = today - timedelta(days=rng.randint(2, 20))
                day = member.joined_on + timedelta(days=rng.randint(4, 12))
                for index in range(how_many):
                    done[index] = min(day, horizon)
                    day += timedelta(days=rng.randint(3, 30))
                # The last step done is what the stuck rule reads: a member on its way did
                # something in the last weeks; a stuck one has not for over a month.
                if id(member) not in stuck:
                    done[how_many - 1] = max(horizon, done[how_many - 2] or horizon)
            for step, done_on in zip(steps, done, strict=True):
                rows.append({"member_id": member.id, "step": step, "done_on": done_on})
            if done[0] is not None:
                self.welcome_on[member.id] = done[0]
            if done[1] is not None:
                self.mentor_assigned_on[member.id] = done[1]
            if done[5] is not None:
                member.abc_on = done[5]
            if done[6] is not None:
                self.first_advisory_on[member.id] = done[6]
        self._insert(OnboardingStep, rows)
        # The ABC sheet date of a new member follows its onboarding step.
        updates = [m for m in new if m.abc_on is not None]
        for member in updates:
            self.session.execute(
                update(Member)
                .where(Member.id == member.id)
                .values(abc_sheet_updated_on=member.abc_on)
            )
        self.counts["onboarding_steps"] = len(rows)

    def _interactions(self) -> None:
        rng, today = self.rng, self.today
        window_start = today - timedelta(days=730)
        topic_pairs = [
            (code, weight) for code, weight in NEED_WEIGHTS.items() if code in self.topics
        ]
        rows: list[dict[str, Any]] = []
        needs: list[list[int]] = []
        for member in self.members:
            persons = [p for p in member.persons if p.active] or member.persons
            events: list[tuple[date, str | None]] = []  # (day, fixed summary)
            if member.is_new:
                welcome = self.welcome_on.get(member.id)
                if welcome is None:
                    continue  # the newest members: never contacted yet
                events.append((welcome, "welcome"))
                start = welcome + timedelta(days=rng.randint(10, 30))
                end = today
            else:
                start = max(member.joined_on, window_start)
                end = member.left_on or today
                if member.drifting:
                    end = today - timedelta(days=rng.randint(100, 300))
            # Engaged members are called more often: every ~35 days down to every ~130.
            gap = 130 - 95 * member.engagement
            day = start + timedelta(days=rng.randint(0, int(gap)))
            while day <= end:
                events.append((day, None))
                day += timedelta(days=max(7, int(gap * rng.uniform(0.5, 1.5))))
            if member.left_on is not None:
                events.append((member.left_on - timedelta(days=rng.randint(0, 20)), "left"))
            elif not member.drifting:
                last = max((d for d, _ in events), default=None)
                if last is None or last < today - timedelta(days=75):
                    events.append((self._days_ago(2, 70), None))
            events.sort(key=lambda pair: pair[0])
            for position, (occurred_on, kind) in enumerate(events):
                person = rng.choice(persons) if persons and rng.random() < 0.88 else None
                staff = member.owner_id if rng.random() < 0.8 else rng.choice(self.staff_ids)
                topic_codes: list[str] = []
                referral: Referral | None = None
                if kind == "welcome":
                    channel = Channel.MEETING
                    summary = (
                        "Reunió de benvinguda amb {person}: presentació del protocol "
                        "d'acollida, drets i deures i recursos de la XMESS."
                    )
                elif kind == "left":
                    channel = Channel.PHONE
                    summary = (
                        "Trucada amb {person}: ens comuniquen la baixa de la XMESS per motius "
                        "pressupostaris."
                    )
                else:
                    channel = self._weighted(CHANNEL_WEIGHTS)
                    summary = rng.choice(SUMMARIES[channel])
                    if rng.random() < 0.32 and topic_pairs:
                        topic_codes.append(self._weighted(topic_pairs))
                        if rng.random() < 0.25:
                            other = self._weighted(topic_pairs)
                            if other not in topic_codes:
                                topic_codes.append(other)
                        summary += (
                            " Detectada necessitat de "
                            + " i de ".join(NEED_PHRASES.get(code, code) for code in topic_codes)
                            + "."
                        )
                        if rng.random() < 0.35:
                            referral = self._weighted(REFERRAL_WEIGHTS)
                            summary += " " + REFERRAL_PHRASES[referral]
                person_text = "l'equip tècnic" if person is None else person.short_name
                text = summary.format(person=person_text, municipality=member.muni.name)
                is_last = position == len(events) - 1
                next_contact = None
                if kind != "left" and is_last and not member.drifting:
                    # The latest call set the next one: mostly ahead, a few just missed.
                    next_contact = max(
                        today + timedelta(days=rng.randint(-10, 75)),
                        occurred_on + timedelta(days=7),
                    )
                elif kind != "left" and rng.random() < 0.3:
                    next_contact = occurred_on + timedelta(days=rng.randint(14, 100))
                rows.append(
                    {
                        "member_id": member.id,
                        "person_id": person.id if person else None,
                        "staff_id": staff,
                        "occurred_on": occurred_on,
                        "channel": channel,
                        "summary": text,
                        "referral": referral,
                        "next_contact_on": next_contact,
                    }
                )
                needs.append([self.topics[code] for code in topic_codes])
        ids = self._insert_returning_ids(Interaction, rows)
        need_rows = [
            {"interaction_id": interaction_id, "topic_id": topic_id}
            for interaction_id, topic_ids in zip(ids, needs, strict=True)
            for topic_id in topic_ids
        ]
        self._insert(InteractionNeed, need_rows)
        self.counts["interactions"] = len(ids)

    def _work_groups(self) -> None:
        """Memberships: engaged members sit in more groups; Finançament keeps a few old ones."""
        rng, today = self.rng, self.today
        active_codes = [
            code
            for code, group in self.groups.items()
            if group.status == WorkGroupStatus.ACTIVE and code in GROUP_POPULARITY
        ]
        active_codes += [
            code
            for code, group in self.groups.items()
            if group.status == WorkGroupStatus.ACTIVE and code not in active_codes
        ]
        # The ESS Law group starts with the year the plan activates it.
        law_start = date(self.year, 1, 20)
        if (today - law_start).days < 60:
            law_start = today - timedelta(days=120)
        self.group_start = {code: FOUNDED_ON + timedelta(days=200) for code in self.groups}
        self.group_start["llei_ess"] = law_start
        rows: list[dict[str, Any]] = []
        self.enrolled = {code: [] for code in self.groups}
        for member in self.members:
            e = member.engagement
            if member.is_new:
                count = 1 if rng.random() < 0.5 and (today - member.joined_on).days > 45 else 0
            else:
                count = 0 if rng.random() > 0.25 + e else 1 + (e > 0.5) + (rng.random() < e - 0.4)
            pairs = [(code, GROUP_POPULARITY.get(code, 0.7)) for code in active_codes]
            chosen: list[str] = []
            while len(chosen) < min(count, len(pairs)):
                code = self._weighted(pairs)
                if code not in chosen:
                    chosen.append(code)
            for code in chosen:
                start = max(member.joined_on, self.group_start[code])
                end = member.left_on or today
                if start > end:
                    continue
                joined = start + timedelta(days=rng.randint(0, min(200, (end - start).days)))
                left = member.left_on
                if left is None and rng.random() < 0.08 and (today - joined).days > 200:
                    left = joined + timedelta(days=rng.randint(90, (today - joined).days))
                rows.append(
                    {
                        "work_group_id": self.groups[code].id,
                        "member_id": member.id,
                        "joined_on": joined,
                        "left_on": left,
                    }
                )
                self.enrolled[code].append((member, joined, left))
        suspended = [c for c, g in self.groups.items() if g.status == WorkGroupStatus.SUSPENDED]
        veterans = [m for m in self.members if m.joined_on < date(2021, 1, 1) and not m.left_on]
        for code in suspended:
            for member in rng.sample(veterans, min(len(veterans), 4 * self.scale)):
                joined = member.joined_on + timedelta(days=rng.randint(60, 500))
                rows.append(
                    {
                        "work_group_id": self.groups[code].id,
                        "member_id": member.id,
                        "joined_on": joined,
                        "left_on": None,
                    }
                )
                self.enrolled[code].append((member, joined, None))
        self._insert(WorkGroupMembership, rows)
        self.counts["memberships"] = len(rows)
