"""What day it is for the network: every page and rule dates things in Catalan time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CATALONIA = ZoneInfo("Europe/Madrid")


def catalan_today(now: datetime | None = None) -> date:
    """Today's date in Catalonia, whatever the server's time zone (UTC on most servers)."""
    moment = now or datetime.now(tz=CATALONIA)
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone to convert from")
    return moment.astimezone(CATALONIA).date()
