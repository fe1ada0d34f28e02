"""Who a command acts as: the administrator named by ``--user``, or the operating-system
account that runs it."""

from __future__ import annotations

from sqlalchemy import Engine

from db.session import session_scope
from services.access import Actor, Right, system_actor
from services.users import find_user


def command_actor(engine: Engine, email: str | None, *, right: Right, reserved: str) -> Actor | str:
    """The active account of ``email`` when its role has ``right``, or the operating-system
    account when no ``--user`` is given (it holds the database anyway); otherwise the
    refusal, in Catalan. ``reserved`` says whom the task is for ("importar és per a
    administradors")."""
    if email is None:
        return system_actor()
    with session_scope(engine) as session:
        account = find_user(session=session, email=email)
    if account is None or not account.active:
        return (
            f"REFUSAT: {email} no és cap usuari actiu del quadre (vegeu "
            "`python -m scripts.users list`)."
        )
    actor = Actor(audit_name=account.email, display_name=account.full_name, role=account.role)
    if not actor.can(right):
        return f"REFUSAT: {email} té el rol {actor.role_label}; {reserved}."
    return actor
