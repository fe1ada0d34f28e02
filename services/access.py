"""Who may do what: the roles' rights, checked by every service that writes or reads what a
role may not see.

The UI hides what a role cannot use, but that is only comfort: the rule lives here, so a
write reached by any path (a crafted request, a page a role should not open, a test) is
refused by the service itself. Each write service takes the ``actor`` (who is asking) and
calls ``require`` first; the audit log records ``actor.audit_name``.
"""

from __future__ import annotations

import enum
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from db.models import UserRole
from services.errors import ValidationError


class Right(enum.StrEnum):
    """What a role may do. Names say the task, in the domain's words."""

    # The coordination team's daily work: members, persons, contacts, onboarding, advisories,
    # work groups, events, registrations and check-in.
    EDIT_NETWORK = "edit_network"
    # The work plan's activities and the what-if scenarios.
    EDIT_PLAN = "edit_plan"
    # Persons' names, e-mails and phones, staff names and free text that may name them.
    SEE_PERSONAL_DATA = "see_personal_data"
    # Bulk imports, full backups and restores.
    IMPORT = "import"
    BACKUP = "backup"
    # The audit log, which holds before/after values of every change.
    READ_AUDIT = "read_audit"
    # Who may sign in, with which role.
    MANAGE_USERS = "manage_users"
    # A person's right of access (export everything) and right to erasure.
    PERSONAL_DATA_REQUESTS = "personal_data_requests"


_STAFF_RIGHTS = frozenset({Right.EDIT_NETWORK, Right.EDIT_PLAN, Right.SEE_PERSONAL_DATA})

ROLE_RIGHTS: dict[UserRole, frozenset[Right]] = {
    UserRole.STAFF: _STAFF_RIGHTS,
    # The Commission reads the state of the network on a shared screen: nothing to write,
    # and no person's data.
    UserRole.COMMISSION: frozenset(),
    UserRole.ADMIN: frozenset(Right),
}

# Catalan names of the roles, as the UI and the refusals say them.
ROLE_LABELS: dict[UserRole, str] = {
    UserRole.STAFF: "coordinació",
    UserRole.COMMISSION: "comissió",
    UserRole.ADMIN: "admin",
}

# What each right lets one do, for a refusal that says what was refused.
_RIGHT_LABELS: dict[Right, str] = {
    Right.EDIT_NETWORK: "modificar les dades de la xarxa",
    Right.EDIT_PLAN: "modificar el pla de treball i els escenaris",
    Right.SEE_PERSONAL_DATA: "veure dades personals",
    Right.IMPORT: "importar fitxers",
    Right.BACKUP: "fer o restaurar còpies de seguretat",
    Right.READ_AUDIT: "consultar el registre de canvis",
    Right.MANAGE_USERS: "gestionar els usuaris",
    Right.PERSONAL_DATA_REQUESTS: "exportar o esborrar les dades d'una persona",
}


class AccessDenied(ValidationError):
    """The actor's role does not allow the request; nothing was read or written."""


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user, the local single user, or an operating-system account
    on the command line."""

    # What the audit log records: the e-mail of a signed-in user, or "<account> (compte del
    # sistema)" for the command line and the local mode.
    audit_name: str
    display_name: str
    role: UserRole

    def can(self, right: Right) -> bool:
        return right in ROLE_RIGHTS[self.role]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def require(actor: Actor, right: Right) -> None:
    """Raise ``AccessDenied`` (a Catalan message) unless ``actor``'s role has ``right``."""
    if not actor.can(right):
        raise AccessDenied(
            [
                f"El vostre rol ({actor.role_label}) no permet {_RIGHT_LABELS[right]}. "
                "Si ho necessiteu, demaneu-ho a un administrador del quadre."
            ]
        )


def system_account_name(account: str | None = None) -> str:
    """How the audit log names an operating-system account: the command line without
    ``--user``, and the local single-user mode."""
    return f"{account or getpass.getuser()} (compte del sistema)"


def system_actor(account: str | None = None) -> Actor:
    """Whoever runs a command on the server, or the app in local mode (no sign-in, this
    machine only): they already hold the database, so they have every right; the audit log
    says it was an operating-system account."""
    name = system_account_name(account)
    return Actor(audit_name=name, display_name=name, role=UserRole.ADMIN)


F = TypeVar("F", bound=Callable[..., Any])
_RIGHT_ATTRIBUTE = "required_right"


def needs(right: Right) -> Callable[[F], F]:
    """Mark a read service as open only to roles with ``right`` (the audit log, a person's
    full record, the users' list): the one read path (``ui.data``) checks it before it runs
    the service or hands out a cached result."""

    def mark(service: F) -> F:
        setattr(service, _RIGHT_ATTRIBUTE, right)
        return service

    return mark


def required_right(service: Callable[..., Any]) -> Right | None:
    right = getattr(service, _RIGHT_ATTRIBUTE, None)
    return right if isinstance(right, Right) else None
