"""Dades page: the audit log, filtered by table, user, action and dates."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from db.models import AuditAction
from services import audit
from services.catalan import plural
from services.clock import catalan_today
from ui.data import query
from ui.tables import data_table

LIMIT = 1000
AUDIT_LABELS = {
    "at": "Quan",
    "username": "Usuari",
    "action": "Acció",
    "table": "Taula",
    "record_id": "Núm.",
    "record": "Registre",
    "changes": "Canvis",
    "before": "Abans",
    "after": "Després",
}


def _readable(entries: pd.DataFrame) -> pd.DataFrame:
    """The log as people read it: Catalan time to the second, actions and tables by name."""
    return entries.assign(
        at=entries["at"].map(lambda moment: moment.strftime("%d/%m/%Y %H:%M:%S")),
        action=entries["action"].map(lambda a: audit.ACTION_LABELS[AuditAction(a)]),
        table=entries["table"].map(lambda t: audit.TABLE_LABELS.get(t, t)),
    )


def audit_section() -> None:
    options = query(audit.audit_options)
    if not options.tables:
        st.info("Encara no s'ha registrat cap canvi.", icon=":material/history:")
        return
    today = catalan_today()
    table_column, user_column, action_column, dates_column = st.columns(4)
    tables = table_column.multiselect(
        "Taula",
        list(options.tables),
        format_func=lambda t: audit.TABLE_LABELS.get(t, t),
        key="dades_audit_tables",
        placeholder="Totes",
    )
    users = user_column.multiselect(
        "Usuari", list(options.users), key="dades_audit_users", placeholder="Tots"
    )
    actions = action_column.multiselect(
        "Acció",
        [a.value for a in AuditAction],
        format_func=lambda a: audit.ACTION_LABELS[AuditAction(a)],
        key="dades_audit_actions",
        placeholder="Totes",
    )
    period = dates_column.date_input(
        "Dates",
        value=(today - timedelta(days=90), today),
        format="DD/MM/YYYY",
        key="dades_audit_dates",
    )
    since, until = (period + (None, None))[:2] if isinstance(period, tuple) else (period, None)
    entries = query(
        audit.audit_entries,
        tables=tuple(tables),
        users=tuple(users),
        actions=tuple(actions),
        since=since,
        until=until,
        limit=LIMIT,
    )
    if entries.empty:
        st.info("Cap canvi no compleix els filtres triats.")
        return
    more = " (els més recents)" if len(entries) == LIMIT else ""
    st.caption(f"{plural(len(entries), 'canvi', 'canvis')}{more}, del més nou al més antic.")
    data_table(
        _readable(entries),
        key="dades_audit",
        labels=AUDIT_LABELS,
        file_name="registre_de_canvis",
        column_config={
            "Canvis": st.column_config.TextColumn(width="large"),
            "Abans": None,
            "Després": None,
        },
    )
