"""The people allowed in: their sign-in e-mail, name, role and whether they are active.

Sign-in itself is the organisation's OpenID Connect provider (``st.login``); this table only
says who, of those the provider vouches for, may use the dashboard and with which role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import AppUser, UserRole
from services.access import Actor, Right, needs, require
from services.audit import add_audited, local_time, snapshot, update_audited
from services.errors import ValidationError
from services.frames import frame_of


@dataclass(frozen=True)
class UserAccount:
    user_id: int
    email: str
    full_name: str
    role: UserRole
    active: bool


def _account(row: AppUser) -> UserAccount:
    return UserAccount(
        user_id=row.id, email=row.email, full_name=row.full_name, role=row.role, active=row.active
    )


def normalise_email(email: str) -> str:
    """E-mails are compared without case or surrounding spaces: providers differ."""
    return email.strip().lower()


def find_user(*, session: Session, email: str) -> UserAccount | None:
    """The account of ``email`` (active or not), or ``None`` when it is not on the list."""
    row = session.scalar(select(AppUser).where(AppUser.email == normalise_email(email)))
    return None if row is None else _account(row)


def admin_names(*, session: Session) -> list[str]:
    """The active administrators' names: whom a refused person should ask for access."""
    return list(
        session.scalars(
            select(AppUser.full_name)
            .where(AppUser.role == UserRole.ADMIN, AppUser.active.is_(True))
            .order_by(AppUser.full_name)
        )
    )


def record_sign_in(*, session: Session, user_id: int, at: datetime) -> None:
    """Note when the user last signed in. Bookkeeping, not a change of anyone's data, so it
    is not an audit entry (one per sign-in would bury the real changes)."""
    session.execute(update(AppUser).where(AppUser.id == user_id).values(last_signed_in_at=at))


# --- Managing the list (the Dades page's Usuaris tab, python -m scripts.users) -------------

USER_COLUMNS = ["user_id", "email", "full_name", "role", "active", "last_signed_in_at"]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_EMAIL_LENGTH = 254
_NAME_LENGTH = 120
# What the audit log keeps of a new account: the id is the entry's record, the last sign-in
# is empty.
_AUDITED = ["email", "full_name", "role", "active"]
# What a person may type for a role (the command line, a file): the Catalan names, with or
# without accents, and the stored English values.
_ROLE_NAMES: dict[str, UserRole] = {
    "admin": UserRole.ADMIN,
    "administrador": UserRole.ADMIN,
    "administradora": UserRole.ADMIN,
    "coordinacio": UserRole.STAFF,
    "coordinació": UserRole.STAFF,
    "staff": UserRole.STAFF,
    "comissio": UserRole.COMMISSION,
    "comissió": UserRole.COMMISSION,
    "commission": UserRole.COMMISSION,
}


@reads(Area.USERS)  # a sign-in changes it too: the last sign-in is part of the list
@needs(Right.MANAGE_USERS)
def list_users(*, session: Session) -> pd.DataFrame:
    """Everyone on the list, active first, by name: ``user_id``, ``email``, ``full_name``,
    ``role`` (``UserRole`` value), ``active``, ``last_signed_in_at`` (Catalan time, or None
    for someone who never signed in)."""
    rows = session.execute(
        select(
            AppUser.id,
            AppUser.email,
            AppUser.full_name,
            AppUser.role,
            AppUser.active,
            AppUser.last_signed_in_at,
        ).order_by(AppUser.active.desc(), AppUser.full_name, AppUser.email)
    ).all()
    return frame_of(
        [
            (
                user_id,
                email,
                full_name,
                role.value,
                bool(active),
                None if signed_in is None else local_time(signed_in),
            )
            for user_id, email, full_name, role, active, signed_in in rows
        ],
        USER_COLUMNS,
    )


def parse_role(role: UserRole | str | None) -> UserRole:
    """``role`` as typed or picked; ``ValidationError`` naming the field when it is none."""
    if isinstance(role, UserRole):
        return role
    found = _ROLE_NAMES.get((role or "").strip().lower())
    if found is None:
        if not (role or "").strip():
            raise ValidationError(["Rol: trieu-ne un (admin, coordinació o comissió)."])
        raise ValidationError(
            [f"Rol: «{role}» no és cap rol; els rols són admin, coordinació i comissió."]
        )
    return found


def _valid_email(email: str, errors: list[str]) -> str:
    normalised = normalise_email(email)
    if not normalised:
        errors.append("Correu: és obligatori (el correu amb què la persona inicia la sessió).")
    elif len(normalised) > _EMAIL_LENGTH:
        errors.append(f"Correu: com a màxim {_EMAIL_LENGTH} caràcters.")
    elif not _EMAIL.match(normalised):
        errors.append(f"Correu: «{email.strip()}» no és una adreça vàlida.")
    return normalised


def _valid_name(full_name: str, errors: list[str]) -> str:
    name = " ".join(full_name.split())
    if not name:
        errors.append("Nom: és obligatori (el nom que veuran els altres usuaris).")
    elif len(name) > _NAME_LENGTH:
        errors.append(f"Nom: com a màxim {_NAME_LENGTH} caràcters.")
    return name


def _role_or_error(role: UserRole | str | None, errors: list[str]) -> UserRole | None:
    try:
        return parse_role(role)
    except ValidationError as error:
        errors.extend(error.messages)
        return None


def add_user(
    *, session: Session, actor: Actor, email: str, full_name: str, role: UserRole | str | None
) -> int:
    """Put a person on the list, active, and return their id. ``role`` is a ``UserRole`` or
    its name as ``parse_role`` reads it. Nothing is written when anything is refused."""
    require(actor, Right.MANAGE_USERS)
    errors: list[str] = []
    address = _valid_email(email, errors)
    name = _valid_name(full_name, errors)
    chosen = _role_or_error(role, errors)
    if not errors:
        existing = find_user(session=session, email=address)
        if existing is not None:
            state = "" if existing.active else " (desactivat: torneu-lo a activar)"
            errors.append(
                f"Correu: {address} ja és a la llista d'usuaris, com a {existing.full_name}{state}."
            )
    if errors or chosen is None:
        raise ValidationError(errors)
    row = AppUser(email=address, full_name=name, role=chosen, active=True)
    try:
        add_audited(session, row, username=actor.audit_name, after=snapshot(row, _AUDITED))
    except IntegrityError as error:
        # Someone added the same e-mail between the check and the write; the caller's
        # transaction rolls back on the refusal.
        raise ValidationError([f"Correu: «{address}» ja és a la llista d'usuaris."]) from error
    return row.id


def _other_active_admins(session: Session, user_id: int) -> int:
    # Locked (on PostgreSQL) so two admins demoting each other at once cannot both pass.
    ids = session.scalars(
        select(AppUser.id)
        .where(AppUser.role == UserRole.ADMIN, AppUser.active.is_(True))
        .with_for_update()
    ).all()
    return sum(1 for found in ids if found != user_id)


def update_user(
    *,
    session: Session,
    actor: Actor,
    user_id: int,
    full_name: str | None = None,
    role: UserRole | str | None = None,
    active: bool | None = None,
) -> UserAccount:
    """Change a user's name, role or whether they may sign in (``None``: unchanged) and
    return the account as saved. The last active administrator can be neither demoted nor
    deactivated: the network would be left with nobody to manage the list."""
    require(actor, Right.MANAGE_USERS)
    row = session.get(AppUser, user_id)
    if row is None:
        raise ValidationError(["Usuari: aquest usuari ja no existeix."])
    errors: list[str] = []
    changes: dict[str, object] = {}
    if full_name is not None:
        name = _valid_name(full_name, errors)
        if name != row.full_name:
            changes["full_name"] = name
    if role is not None:
        chosen = _role_or_error(role, errors)
        if chosen is not None and chosen != row.role:
            changes["role"] = chosen
    if active is not None and active != row.active:
        changes["active"] = active
    if errors:
        raise ValidationError(errors)
    was_admin = row.role == UserRole.ADMIN and row.active
    stays_admin = changes.get("role", row.role) == UserRole.ADMIN and bool(
        changes.get("active", row.active)
    )
    if was_admin and not stays_admin and not _other_active_admins(session, row.id):
        field = "Rol" if "role" in changes else "Actiu"
        raise ValidationError(
            [
                f"{field}: {row.full_name} és l'únic administrador actiu; doneu abans el rol "
                "d'admin a una altra persona, o la xarxa es quedaria sense ningú que pugui "
                "gestionar els usuaris."
            ]
        )
    if changes:
        update_audited(session, row, username=actor.audit_name, **changes)
    return _account(row)


def deactivate_user(*, session: Session, actor: Actor, email: str) -> UserAccount:
    """Stop ``email`` from signing in (the command line's ``deactivate``). The row stays:
    the audit log keeps naming the person, and they can be activated again."""
    return _set_active(session=session, actor=actor, email=email, active=False)


def activate_user(*, session: Session, actor: Actor, email: str) -> UserAccount:
    return _set_active(session=session, actor=actor, email=email, active=True)


def _set_active(*, session: Session, actor: Actor, email: str, active: bool) -> UserAccount:
    require(actor, Right.MANAGE_USERS)
    return update_user(
        session=session,
        actor=actor,
        user_id=user_id_of(session=session, email=email),
        active=active,
    )


def user_id_of(*, session: Session, email: str) -> int:
    """The id of ``email``'s account; ``ValidationError`` naming the field when it is not on
    the list."""
    account = find_user(session=session, email=email)
    if account is None:
        raise ValidationError([f"Correu: «{normalise_email(email)}» no és a la llista d'usuaris."])
    return account.user_id
