"""The meeting pack's PDF, read back with pypdf as a Commission member would read it: the
period's figures, every section, page numbers, Catalan text intact, and no person anywhere."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import AppUser, Person
from services import overview
from services.follow_up import Cadence
from services.formatting import fmt_number
from services.meeting_pack import Quarter, meeting_pack
from tests import factories
from tests.databases import demo_with_adopted_plan
from ui.meeting_pack_pdf import NETWORK, SECTIONS, render_html, render_pdf

TODAY = date(2026, 12, 6)
Q3 = Quarter(2026, 3)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def pdf_text(engine: Engine) -> tuple[str, int]:
    """The Q3 2026 pack of the demo (with an adopted plan) as extracted text, and its pages."""
    demo_with_adopted_plan(engine, TODAY)
    with Session(engine) as session:
        pack = meeting_pack(
            session=session,
            start=Q3.start,
            end=Q3.end,
            today=TODAY,
            cadence=Cadence(regular_days=90, onboarding_days=30),
        )
    reader = PdfReader(io.BytesIO(render_pdf(pack)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return _words(text), len(reader.pages)


def test_the_pdf_holds_the_periods_figures_every_section_and_no_person(
    engine: Engine, pdf_text: tuple[str, int]
) -> None:
    """One PDF (about ten seconds to build the demo and render it), read for both."""
    text, pages = pdf_text
    _names_no_person(engine, text)
    with Session(engine) as session:
        now = overview.period_figures(session=session, start=Q3.start, end=Q3.end)
        before = overview.period_figures(
            session=session, start=Q3.previous().start, end=Q3.previous().end
        )
    for label, value_now, value_before in (
        ("Membres actius (final del període)", now.active_members, before.active_members),
        ("Contactes de seguiment", now.contacts, before.contacts),
        ("Sessions dels grups de treball", now.sessions_held, before.sessions_held),
    ):
        assert f"{label} {fmt_number(value_now)} {fmt_number(value_before)}" in text
    assert "3r trimestre de 2026 (01/07/2026 – 30/09/2026)" in text
    for _, heading in SECTIONS:
        assert heading in text
    assert "Encara no hi ha cap pla adoptat" not in text
    assert "Activitats retallades i per què" in text
    # Every page's footer: the network, the date, "Pàgina N de M".
    assert pages > 1
    assert f"Pàgina 1 de {pages}" in text and f"Pàgina {pages} de {pages}" in text
    assert NETWORK in text and "generat el 06/12/2026" in text
    # Catalan characters and money as ca-ES writes them.
    for word in ("Participació", "Presència", "Finançament", "Col·laboracions", "€"):
        assert word in text


def _names_no_person(engine: Engine, text: str) -> None:
    with Session(engine) as session:
        persons = session.execute(select(Person.full_name, Person.email, Person.phone)).all()
        staff = session.scalars(select(AppUser.full_name)).all()
    assert persons and staff
    digits = re.sub(r"\D", "", text)
    for full_name, email, phone in persons:
        assert _words(full_name) not in text
        if email:
            assert email not in text
        if phone:
            assert re.sub(r"\D", "", phone) not in digits
    for name in staff:
        assert _words(name) not in text
    assert "@" not in text


def test_every_value_is_escaped(session: Session) -> None:
    # A member named with HTML in it stays text in the document.
    factories.member(session, "Ajuntament <b>de</b> Prova", joined_on=Q3.start)
    session.commit()
    pack = meeting_pack(session=session, start=Q3.start, end=Q3.end, today=TODAY)
    page = render_html(pack, svg=lambda chart: "<svg/>")
    assert "Ajuntament &lt;b&gt;de&lt;/b&gt; Prova" in page
    assert "<b>de</b>" not in page
