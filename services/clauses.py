"""SQL building blocks that several services share."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from db.models import Member


def active_member_clause(today: date) -> ColumnElement[bool]:
    """Members in the network on ``today``: joined, and not (yet) left."""
    return and_(Member.joined_on <= today, or_(Member.left_on.is_(None), Member.left_on > today))
