"""Every service that takes an ``actor`` refuses the roles without its right, before it reads
or writes anything, on both databases. The UI hides what a role cannot use; these tests prove
that hiding is not what keeps the data safe."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import services
from db.base import Base
from db.models import UserRole
from services.access import ROLE_RIGHTS, AccessDenied, Actor, Right, require

# The right each actor-taking service needs. A new service that takes an actor must be added
# here (the discovery test below fails until it is), so none is left unchecked.
EXPECTED: dict[str, Right] = {
    "services.records.save_member": Right.EDIT_NETWORK,
    "services.records.save_person": Right.EDIT_NETWORK,
    "services.records.delete_person": Right.EDIT_NETWORK,
    "services.contacts.log_contact": Right.EDIT_NETWORK,
    "services.contacts.mark_onboarding_step": Right.EDIT_NETWORK,
    "services.work_groups.enrol_member": Right.EDIT_NETWORK,
    "services.work_groups.withdraw_member": Right.EDIT_NETWORK,
    "services.work_groups.record_session": Right.EDIT_NETWORK,
    "services.events.save_check_in": Right.EDIT_NETWORK,
    "services.events.register": Right.EDIT_NETWORK,
    "services.plan.update_activities": Right.EDIT_PLAN,
    "services.plan.add_activities": Right.EDIT_PLAN,
    "services.plan.delete_activities": Right.EDIT_PLAN,
    "services.scenarios.save_scenario": Right.EDIT_PLAN,
    "services.scenarios.delete_scenario": Right.EDIT_PLAN,
    "services.scenarios.store_scenario": Right.EDIT_PLAN,
    "services.execution.adopt_scenario": Right.EDIT_PLAN,
    "services.execution.update_execution": Right.EDIT_PLAN,
    "services.execution.link_events": Right.EDIT_PLAN,
    "services.execution.save_replan": Right.EDIT_PLAN,
    "services.importing.apply_import": Right.IMPORT,
    "services.importing.import_file": Right.IMPORT,
    "services.backup.backup_xlsx": Right.BACKUP,
    "services.backup.restore_xlsx": Right.BACKUP,
    "services.users.add_user": Right.MANAGE_USERS,
    "services.users.update_user": Right.MANAGE_USERS,
    "services.users.deactivate_user": Right.MANAGE_USERS,
    "services.users.activate_user": Right.MANAGE_USERS,
    "services.personal_data.person_file": Right.PERSONAL_DATA_REQUESTS,
    "services.personal_data.erase_person": Right.PERSONAL_DATA_REQUESTS,
}


def _actor_services() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(services.__path__, "services."):
        if info.name == "services.access":
            continue  # the rules themselves
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found[f"{function.__module__}.{name}"] = function
    return found


def test_every_service_that_takes_an_actor_is_listed() -> None:
    assert set(_actor_services()) == set(EXPECTED)


def _rows(session: Session) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    )


@pytest.mark.parametrize("role", list(UserRole), ids=lambda role: role.value)
def test_each_role_is_refused_what_its_rights_do_not_cover(
    session: Session, role: UserRole
) -> None:
    actor = Actor(audit_name=f"{role.value}@xmess.cat", display_name=role.value, role=role)
    before = _rows(session)
    refused = 0
    for path, service in _actor_services().items():
        if EXPECTED[path] in ROLE_RIGHTS[role]:
            continue
        others = {
            name: None
            for name, parameter in inspect.signature(service).parameters.items()
            if name not in {"session", "actor"} and parameter.default is inspect.Parameter.empty
        }
        # Every other argument is None: the role check must come before any use of them.
        with pytest.raises(AccessDenied, match=f"El vostre rol \\({actor.role_label}\\)"):
            service(session=session, actor=actor, **others)
        refused += 1
    session.flush()
    assert _rows(session) == before
    expected = sum(1 for right in EXPECTED.values() if right not in ROLE_RIGHTS[role])
    assert refused == expected
    # The Commission writes nothing at all; an admin is refused nothing.
    if role == UserRole.COMMISSION:
        assert refused == len(EXPECTED)
    if role == UserRole.ADMIN:
        assert refused == 0


def test_staff_do_the_daily_work_but_not_the_administration() -> None:
    staff = Actor(audit_name="nuria@xmess.cat", display_name="Núria", role=UserRole.STAFF)
    for right in (Right.EDIT_NETWORK, Right.EDIT_PLAN, Right.SEE_PERSONAL_DATA):
        require(staff, right)
    for right in (Right.IMPORT, Right.BACKUP, Right.READ_AUDIT, Right.MANAGE_USERS):
        with pytest.raises(AccessDenied, match="coordinació"):
            require(staff, right)
