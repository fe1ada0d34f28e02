"""Data versions: every change to a table, by anyone, moves its area's version in the same
transaction, and nothing else's."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, delete, insert, text, update

import db.models  # noqa: F401 (registers every table)
from db.base import Base
from db.data_version import TABLE_AREAS, Area, DataVersions, read_versions
from db.migrate import alembic_config, upgrade_to_head
from db.models import Channel, Interaction, Member, MemberKind
from db.session import make_engine, session_scope, write_scope
from services import importing
from tests import factories as make

MIGRATION = importlib.import_module("db.migrations.versions.0004_data_versions")
# Contacts left the members' area for their own.
CONTACTS_MIGRATION = importlib.import_module("db.migrations.versions.0006_contacts_area")


def _versions(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(read_versions(connection))


def _moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The areas whose version moved."""
    return {area for area in before if after[area] != before[area]}


def _steps(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {area: after[area] - before[area] for area in _moved(before, after)}


def test_every_table_belongs_to_one_area_and_has_its_trigger(engine: Engine) -> None:
    tables = {table.name for table in Base.metadata.sorted_tables}
    assert set(TABLE_AREAS) == tables
    # The migrations wrote the same areas out, as they were at their revisions.
    written = {t: a for a, names in MIGRATION.AREAS.items() for t in names}
    written |= {t: CONTACTS_MIGRATION.NEW_AREA for t in CONTACTS_MIGRATION.MOVED}
    assert {t: Area(a) for t, a in written.items()} == TABLE_AREAS
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for table in tables:
                # A table rebuilt by a later batch migration loses its triggers on SQLite.
                bodies = [sql for name, sql in rows if name == table]
                assert len(bodies) == 3, table
                assert all(f"area = '{TABLE_AREAS[table].value}'" in sql for sql in bodies)
        else:
            rows = connection.execute(
                text(
                    "SELECT c.relname, encode(t.tgargs, 'escape') FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND t.tgname LIKE 'data_version_%'"
                )
            ).all()
            assert sorted(name for name, _ in rows) == sorted([*tables, *tables])
            # The trigger's argument is the area it bumps ("contacts\000").
            for name, argument in rows:
                assert argument.split("\\")[0] == TABLE_AREAS[name].value, (name, argument)
    assert set(_versions(engine)) == {area.value for area in Area}


def test_a_change_moves_its_own_area_only_and_only_when_committed(engine: Engine) -> None:
    start = _versions(engine)
    with session_scope(engine) as session:
        member = make.member(session, "Ajuntament de Vic")
    after_insert = _versions(engine)
    assert _steps(start, after_insert) == {"members": 1}

    with session_scope(engine) as session:
        event = make.event(session, "Assemblea", date(2026, 3, 20))
        make.registration(session, event, session.get(Member, member.id))
    after_event = _versions(engine)
    assert _moved(after_insert, after_event) == {"events"}
    if engine.dialect.name == "postgresql":
        # One transaction, two tables of one area: one step (SQLite counts each row).
        assert _steps(after_insert, after_event) == {"events": 1}

    try:
        with write_scope(engine) as session:
            session.execute(update(Member).values(notes="canvi desfet"))
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert _versions(engine) == after_event

    # A colleague's SQL in a console is a change like any other.
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE member SET notes = 'revisat' WHERE id = :id"), {"id": member.id}
        )
    assert _steps(after_event, _versions(engine)) == {"members": 1}


def test_every_area_moves_for_a_change_in_each_of_its_tables(engine: Engine) -> None:
    """An UPDATE that touches rows, table by table: each moves exactly its area."""
    with session_scope(engine) as session:
        member = make.member(session, "Ajuntament de Manlleu")
        make.person(session, member, "Persona Prova")
        event = make.event(session, "Jornada", date(2026, 5, 1))
        make.registration(session, event, member)
        make.plan_activity(session, "A1", "1000")
        make.contact(session, member, date(2026, 5, 2))
    tables = (
        "member",
        "person",
        "interaction",
        "event",
        "registration",
        "plan_activity",
        "municipality",
    )
    for table in tables:
        before = _versions(engine)
        target = Base.metadata.tables[table]
        key = next(iter(target.primary_key.columns))
        with engine.begin() as connection:
            connection.execute(update(target).where(key == key).values({key.name: key}))
        assert _moved(before, _versions(engine)) == {TABLE_AREAS[table].value}, table
    before = _versions(engine)
    with engine.begin() as connection:
        connection.execute(delete(Base.metadata.tables["registration"]))
    assert _moved(before, _versions(engine)) == {"events"}


def test_a_bulk_import_moves_its_areas_once_on_postgresql(engine: Engine) -> None:
    rows = "\n".join(
        f"Ajuntament de Prova {i},ajuntament,Vic,2021-01-0{i % 9 + 1}" for i in range(300)
    )
    data = f"Nom,Tipus,Municipi,Data d'alta\n{rows}\n".encode()
    before = _versions(engine)
    with write_scope(engine) as session:
        preview = importing.import_file(
            session=session,
            actor=make.admin(),
            kind="members",
            data=data,
            file_name="membres.csv",
            today=date(2026, 12, 4),
        )
    assert preview.created == 300
    assert _moved(before, _versions(engine)) == {"members", "audit"}
    if engine.dialect.name == "postgresql":
        # Once per transaction, however many statements: the version row is updated once.
        assert _steps(before, _versions(engine)) == {"members": 1, "audit": 1}


def test_a_database_made_anew_does_not_repeat_versions(tmp_path: object) -> None:
    """Two databases at one URL, one after the other, must not share a version: a process
    would take the first one's cached results for the second's."""
    snapshots: list[DataVersions] = []
    for index in range(2):
        engine = make_engine(f"sqlite:///{tmp_path}/anew-{index}.db")
        upgrade_to_head(engine)
        with engine.connect() as connection:
            snapshots.append(read_versions(connection))
        engine.dispose()
    first, second = (dict(snapshot) for snapshot in snapshots)
    assert all(first[area] != second[area] for area in first)


def test_core_inserts_move_the_area_too(engine: Engine) -> None:
    before = _versions(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(Member),
            [
                {
                    "name": f"Consell Comarcal {i}",
                    "kind": MemberKind.CONSELL_COMARCAL,
                    "municipality_code": "08298",
                    "joined_on": date(2022, 1, 1),
                }
                for i in range(3)
            ],
        )
    assert _moved(before, _versions(engine)) == {"members"}


def test_a_logged_contact_moves_the_contacts_area_and_leaves_the_members_one(
    engine: Engine,
) -> None:
    """Logging a contact, the team's commonest write, leaves every cached result that only
    names members (work groups, events) as it was."""
    with session_scope(engine) as session:
        member = make.member(session, "Ajuntament de Tona")
    before = _versions(engine)
    with session_scope(engine) as session:
        make.contact(session, member, date(2026, 6, 1), summary="Correu sobre la jornada")
    assert _moved(before, _versions(engine)) == {"contacts"}


def test_the_contacts_area_migration_goes_down_and_up(tmp_path: Path) -> None:
    """Down at 0005 a contact moves the members' area again; back at head, its own."""
    engine = make_engine(f"sqlite:///{tmp_path / 'areas.db'}")
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        member_id = make.member(session, "Ajuntament de Tona").id

    def contact_moves() -> set[str]:
        before = _versions(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(Interaction.__table__).values(
                    member_id=member_id,
                    occurred_on=date(2026, 6, 1),
                    channel=Channel.EMAIL,
                    summary="Correu",
                )
            )
        return _moved(before, _versions(engine))

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert "contacts" not in _versions(engine)
    assert contact_moves() == {"members"}
    upgrade_to_head(engine)
    assert contact_moves() == {"contacts"}
    engine.dispose()
