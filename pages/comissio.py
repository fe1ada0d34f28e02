"""Reunió de la Comissió: the Executive Commission's meeting pack for one period (a quarter, or
any dates), on screen for the shared screen and as a PDF to take away. Same sections, tables,
notes and charts in both (``ui.meeting_pack_pdf``); nothing personal in either."""

from __future__ import annotations

from datetime import date

import streamlit as st

from services import meeting_pack as packs
from services.clock import catalan_today
from services.follow_up import Cadence
from settings import load_settings
from ui.charts import show_chart
from ui.data import query
from ui.meeting_pack_pdf import (
    TITLE,
    file_name,
    number_columns,
    period_caption,
    render_pdf,
    sections,
)
from ui.text import escape_markup

ANY_DATES = "Unes altres dates"


def _period(today: date) -> tuple[date, date] | None:
    """The period picked: a quarter, or any dates."""
    quarters = packs.recent_quarters(today)
    # A Commission meeting reviews the last quarter that has ended: its figures are final and
    # its comparison with the quarter before is like for like (the quarter under way would
    # compare a few weeks against three whole months). The current one stays on the list.
    default = quarters.index(packs.last_complete_quarter(today))
    labels = [q.label for q in quarters]
    choice = st.selectbox("Període", [*labels, ANY_DATES], index=default, key="comissio_quarter")
    if choice != ANY_DATES:
        quarter = quarters[labels.index(choice)]
        return quarter.start, quarter.end
    last = packs.last_complete_quarter(today)
    picked = st.date_input(
        "Dates (inici i final)",
        value=(last.start, last.end),
        max_value=today,
        format="DD/MM/YYYY",
        key="comissio_dates",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.info("Trieu la data final del període.", icon=":material/date_range:")
        return None
    start, end = picked
    return start, end


def render() -> None:
    today = catalan_today()
    st.title("Reunió de la Comissió")
    period = _period(today)
    if period is None:
        return
    start, end = period
    pack = query(
        packs.meeting_pack,
        start=start,
        end=end,
        today=today,
        cadence=Cadence.from_settings(load_settings()),
    )
    if pack.is_empty:
        st.info(
            "Encara no hi ha dades per preparar la reunió. Carregueu la xarxa de demostració "
            "amb `make demo` o importeu les vostres dades des de la pàgina Dades.",
            icon=":material/inbox:",
        )
        return
    st.markdown(f"**{TITLE}** · {escape_markup(period_caption(pack))}")
    # Built when clicked (on a thread of its own), never on a page run: the pack itself is
    # the cached read above.
    st.download_button(
        "Descarregar el dossier (PDF)",
        data=lambda: render_pdf(pack),
        file_name=file_name(pack),
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="comissio_pdf",
    )
    for section in sections(pack):
        st.header(section.heading, divider="gray")
        for note in section.notes:
            st.markdown(escape_markup(note))
        for chart in section.charts:
            show_chart(chart.build, chart.data, *chart.arguments)
        for table in section.tables:
            if table.title:
                st.subheader(table.title)
            if table.frame.empty:
                if table.empty:
                    st.caption(table.empty)
            else:
                st.dataframe(
                    table.frame,
                    hide_index=True,
                    width="stretch",
                    # The cells are ca-ES texts, as on paper: figures still read right-aligned.
                    column_config={
                        column: st.column_config.TextColumn(column, alignment="right")
                        for column in number_columns(table)
                    },
                )


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
