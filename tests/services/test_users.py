"""The users' list: adding, validating, changing roles, and never losing the last admin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AppUser, AuditAction, AuditLog, UserRole
from services.access import AccessDenied, Actor, Right, required_right
from services.audit import audit_entries, audit_options, count_entries
from services.errors import ValidationError
from services.importing import current_rows, preview_import
from services.users import (
    activate_user,
    add_user,
    deactivate_user,
    find_user,
    list_users,
    parse_role,
    record_sign_in,
    update_user,
)
from tests.factories import admin, commission, staff


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AppUser)) or 0


def _refusal(session: Session, **values: object) -> list[str]:
    arguments: dict[str, object] = {
        "email": "anna@xmess.cat",
        "full_name": "Anna Puig",
        "role": UserRole.STAFF,
    }
    with pytest.raises(ValidationError) as refused:
        add_user(session=session, actor=admin(), **(arguments | values))  # type: ignore[arg-type]
    return refused.value.messages


def test_add_a_user_normalises_the_email_and_audits_the_actor(session: Session) -> None:
    user_id = add_user(
        session=session,
        actor=admin("cap@xmess.cat"),
        email="  Anna.Puig@XMESS.cat ",
        full_name="  Anna   Puig ",
        role="coordinació",
    )
    account = find_user(session=session, email="anna.puig@xmess.cat")
    assert account is not None
    assert (account.user_id, account.email, account.full_name) == (
        user_id,
        "anna.puig@xmess.cat",
        "Anna Puig",
    )
    assert (account.role, account.active) == (UserRole.STAFF, True)
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.username, entry.action, entry.table_name, entry.record_id) == (
        "cap@xmess.cat",
        AuditAction.CREATE,
        "app_user",
        str(user_id),
    )
    assert entry.after == {
        "email": "anna.puig@xmess.cat",
        "full_name": "Anna Puig",
        "role": "staff",
        "active": True,
    }


def test_the_list_has_english_keys_and_catalan_time(session: Session) -> None:
    anna = add_user(
        session=session, actor=admin(), email="anna@xmess.cat", full_name="Anna", role="admin"
    )
    bernat = add_user(
        session=session, actor=admin(), email="bernat@xmess.cat", full_name="Bernat", role="staff"
    )
    update_user(session=session, actor=admin(), user_id=bernat, active=False)
    record_sign_in(session=session, user_id=anna, at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    session.flush()
    session.expire_all()
    frame = list_users(session=session)
    assert list(frame.columns) == [
        "user_id",
        "email",
        "full_name",
        "role",
        "active",
        "last_signed_in_at",
    ]
    assert frame["email"].tolist() == ["anna@xmess.cat", "bernat@xmess.cat"]  # active first
    assert frame["role"].tolist() == ["admin", "staff"]
    assert frame["active"].tolist() == [True, False]
    signed_in = frame["last_signed_in_at"].iloc[0]
    assert (signed_in.hour, signed_in.minute) == (10, 30)  # summer time in Catalonia
    assert frame["last_signed_in_at"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"email": ""}, "Correu: és obligatori"),
        ({"email": "anna at xmess"}, "Correu: «anna at xmess» no és una adreça vàlida."),
        ({"email": "anna@xmess"}, "Correu: «anna@xmess» no és una adreça vàlida."),
        ({"email": "a" * 250 + "@x.cat"}, "Correu: com a màxim 254 caràcters."),
        ({"full_name": "   "}, "Nom: és obligatori"),
        ({"full_name": "x" * 121}, "Nom: com a màxim 120 caràcters."),
        ({"role": None}, "Rol: trieu-ne un"),
        ({"role": "superusuari"}, "Rol: «superusuari» no és cap rol"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    session: Session, values: dict[str, object], message: str
) -> None:
    messages = _refusal(session, **values)
    assert any(m.startswith(message) for m in messages), messages
    assert _count(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_every_bad_field_is_listed_at_once(session: Session) -> None:
    messages = _refusal(session, email="x", full_name="", role="")
    assert [m.split(":")[0] for m in messages] == ["Correu", "Nom", "Rol"]


def test_a_duplicate_email_is_refused_whatever_its_case(session: Session) -> None:
    add_user(session=session, actor=admin(), email="anna@xmess.cat", full_name="Anna", role="admin")
    messages = _refusal(session, email="ANNA@xmess.cat ", full_name="Una altra Anna")
    assert messages == ["Correu: anna@xmess.cat ja és a la llista d'usuaris, com a Anna."]
    assert _count(session) == 1


def test_a_deactivated_duplicate_says_to_activate_it(session: Session) -> None:
    add_user(session=session, actor=admin(), email="cap@xmess.cat", full_name="Cap", role="admin")
    add_user(session=session, actor=admin(), email="anna@xmess.cat", full_name="Anna", role="staff")
    deactivate_user(session=session, actor=admin(), email="anna@xmess.cat")
    messages = _refusal(session, email="anna@xmess.cat")
    assert "(desactivat: torneu-lo a activar)" in messages[0]
    account = activate_user(session=session, actor=admin(), email="anna@xmess.cat")
    assert account.active


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("admin", UserRole.ADMIN),
        ("Coordinació", UserRole.STAFF),
        ("coordinacio", UserRole.STAFF),
        ("staff", UserRole.STAFF),
        (" comissió ", UserRole.COMMISSION),
        ("comissio", UserRole.COMMISSION),
        ("commission", UserRole.COMMISSION),
    ],
)
def test_roles_are_read_in_catalan_or_as_stored(text: str, role: UserRole) -> None:
    assert parse_role(text) == role


def test_change_name_role_and_access_with_before_and_after(session: Session) -> None:
    add_user(session=session, actor=admin(), email="cap@xmess.cat", full_name="Cap", role="admin")
    anna = add_user(
        session=session, actor=admin(), email="anna@xmess.cat", full_name="Anna", role="staff"
    )
    account = update_user(
        session=session,
        actor=admin("cap@xmess.cat"),
        user_id=anna,
        full_name="Anna Puig",
        role=UserRole.COMMISSION,
        active=False,
    )
    assert (account.full_name, account.role, account.active) == (
        "Anna Puig",
        UserRole.COMMISSION,
        False,
    )
    entry = session.scalars(select(AuditLog).where(AuditLog.action == AuditAction.UPDATE)).one()
    assert entry.username == "cap@xmess.cat"
    assert entry.before == {"full_name": "Anna", "role": "staff", "active": True}
    assert entry.after == {"full_name": "Anna Puig", "role": "commission", "active": False}
    # Saving the same values again changes nothing and logs nothing.
    update_user(session=session, actor=admin(), user_id=anna, role="comissio", active=False)
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 3


def test_unknown_user_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="Usuari: aquest usuari ja no existeix"):
        update_user(session=session, actor=admin(), user_id=999, active=False)
    with pytest.raises(ValidationError, match="Correu: «ningu@xmess.cat» no és a la llista"):
        deactivate_user(session=session, actor=admin(), email="Ningu@xmess.cat")


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(session: Session) -> None:
    cap = add_user(
        session=session, actor=admin(), email="cap@xmess.cat", full_name="Cap", role="admin"
    )
    with pytest.raises(ValidationError) as refused:
        update_user(session=session, actor=admin(), user_id=cap, role=UserRole.STAFF)
    assert refused.value.messages[0].startswith("Rol: Cap és l'únic administrador actiu")
    with pytest.raises(ValidationError, match="^Actiu: Cap és l'únic administrador actiu"):
        deactivate_user(session=session, actor=admin(), email="cap@xmess.cat")

    # An inactive admin does not count; an active second one does.
    other = add_user(
        session=session, actor=admin(), email="pau@xmess.cat", full_name="Pau", role="admin"
    )
    update_user(session=session, actor=admin(), user_id=other, active=False)
    with pytest.raises(ValidationError, match="únic administrador actiu"):
        update_user(session=session, actor=admin(), user_id=cap, active=False)
    activate_user(session=session, actor=admin(), email="pau@xmess.cat")
    update_user(session=session, actor=admin(), user_id=cap, role=UserRole.STAFF)
    demoted = find_user(session=session, email="cap@xmess.cat")
    assert demoted is not None and demoted.role == UserRole.STAFF
    # Now Pau is the last one.
    with pytest.raises(ValidationError, match="^Actiu: Pau és l'únic"):
        deactivate_user(session=session, actor=admin(), email="pau@xmess.cat")
    pau = find_user(session=session, email="pau@xmess.cat")
    assert pau is not None and pau.active and pau.role == UserRole.ADMIN


@pytest.mark.parametrize("actor", [staff(), commission()], ids=["staff", "commission"])
def test_only_admins_manage_users(session: Session, actor: Actor) -> None:
    anna = add_user(
        session=session, actor=admin(), email="anna@xmess.cat", full_name="Anna", role="staff"
    )
    calls = [
        lambda: add_user(
            session=session,
            actor=actor,
            email="nou@xmess.cat",
            full_name="Nou",
            role="admin",
        ),
        lambda: update_user(session=session, actor=actor, user_id=anna, role="admin"),
        lambda: deactivate_user(session=session, actor=actor, email="anna@xmess.cat"),
        lambda: activate_user(session=session, actor=actor, email="anna@xmess.cat"),
    ]
    for call in calls:
        with pytest.raises(AccessDenied, match="no permet gestionar els usuaris"):
            call()
    assert _count(session) == 1
    account = find_user(session=session, email="anna@xmess.cat")
    assert account is not None and account.role == UserRole.STAFF and account.active


def test_reads_only_some_roles_may_use_are_marked() -> None:
    assert required_right(list_users) == Right.MANAGE_USERS
    for service in (audit_entries, audit_options, count_entries):
        assert required_right(service) == Right.READ_AUDIT
    assert required_right(current_rows) == Right.IMPORT
    assert required_right(preview_import) == Right.IMPORT
    assert not staff().can(Right.MANAGE_USERS) and not staff().can(Right.READ_AUDIT)
    assert admin().can(Right.MANAGE_USERS)
