"""Free text on the shared screen: ``services.privacy.NameMasker`` masks the network's known
persons and staff, e-mails and phones in contact summaries, and leaves everything else (the
municipalities, the figures) readable; the read services asked for it (``mask_names``) hand
out only the masked text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from db.models import AppUser, Channel, Interaction, Referral, UserRole
from services import advisories, member_file
from services.privacy import (
    EMAIL_PLACEHOLDER,
    MASK,
    MASKED_SUMMARY,
    PERSON_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    NameMasker,
    known_names,
    redact,
)
from tests import factories as make

TODAY = date(2026, 11, 24)
P = PERSON_PLACEHOLDER
PHONE = PHONE_PLACEHOLDER


@pytest.fixture
def masker() -> NameMasker:
    return NameMasker(["Toni Pujol Vidal", "Laia Rovira i Font", "Núria Vila i Soler"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The forms the demo's summaries use: first name and first surname.
        ("Correu a Toni Pujol amb els materials.", f"Correu a {P} amb els materials."),
        ("Trucada amb Laia Rovira: tot bé.", f"Trucada amb {P}: tot bé."),
        # The full name, with and without the connector, and the other surname.
        ("Reunió amb Laia Rovira i Font i Toni Pujol Vidal.", f"Reunió amb {P} i {P}."),
        ("Parlem amb Laia Font i amb Toni Vidal", f"Parlem amb {P} i amb {P}"),
        ("Pujol Vidal confirma", f"{P} confirma"),
        # Case and accents as people type them.
        ("trucada amb NURIA VILA", f"trucada amb {P}"),
        ("correu a nuria vila i soler", f"correu a {P}"),
        ("Reunió amb Toni  Pujol-Vidal", f"Reunió amb {P}"),
    ],
)
def test_known_persons_names_are_masked(masker: NameMasker, text: str, expected: str) -> None:
    assert masker.mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A first name or a surname alone may be a place or a municipality's name.
        "Visita a Vila-seca i a Font-rubí amb la Laia.",
        "Reunió de seguiment a Vic amb l'equip tècnic i la regidoria.",
        # Two known words that are not one name: a comma parts them.
        "Toni, Pujol i Vidal ho revisen.",
        # Figures are not phones: years, amounts, hours, dates.
        "Bossa de 1.500 € per al 2026: 120 h, fins al 24/11/2026.",
        "",
    ],
)
def test_text_that_names_nobody_is_left_as_it_is(masker: NameMasker, text: str) -> None:
    assert masker.mask(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Escriviu a toni.pujol@ajvic.cat.", f"Escriviu a {EMAIL_PLACEHOLDER}."),
        ("Mòbil 612 345 678, fix 93 886 12 34", f"Mòbil {PHONE}, fix {PHONE}"),
        ("Truqueu al +34 972.12.34.56 o al 0034612345678", f"Truqueu al {PHONE} o al {PHONE}"),
    ],
)
def test_any_email_and_phone_is_masked(masker: NameMasker, text: str, expected: str) -> None:
    assert masker.mask(text) == expected


def test_an_unregistered_persons_email_and_phone_are_masked_too() -> None:
    masked = NameMasker([]).mask("Carla Desconeguda, carla@exemple.test, 699 11 22 33")
    assert masked == f"Carla Desconeguda, {EMAIL_PLACEHOLDER}, {PHONE_PLACEHOLDER}"


# --- The read services -----------------------------------------------------------------------


def _network(session: Session) -> tuple[int, int]:
    """A member with a contact person and a referral whose summary names that person, a
    staff member and the person's e-mail and phone; the member's id and the staff id."""
    vic = make.member(session, "Ajuntament de Vic")
    anna = make.person(
        session, vic, "Anna Casals Roca", email="anna.casals@vic.cat", phone="93 886 00 11"
    )
    jordi = AppUser(
        email="jordi.mas@xmess.example", full_name="Jordi Mas i Pujol", role=UserRole.STAFF
    )
    session.add(jordi)
    session.flush()
    session.add(
        Interaction(
            member_id=vic.id,
            person_id=anna.id,
            staff_id=jordi.id,
            occurred_on=date(2026, 10, 1),
            channel=Channel.PHONE,
            summary=(
                "Trucada amb Anna Casals (anna.casals@vic.cat, 93 886 00 11): en Jordi Mas "
                "li envia la proposta d'assessorament per a Vic."
            ),
            referral=Referral.ADVISORY,
        )
    )
    session.flush()
    return vic.id, jordi.id


MASKED = (
    f"Trucada amb {P} ({EMAIL_PLACEHOLDER}, {PHONE_PLACEHOLDER}): en {P} li envia la "
    "proposta d'assessorament per a Vic."
)


def test_known_names_are_the_persons_and_the_staff(session: Session) -> None:
    _network(session)
    assert known_names(session=session) == ("Anna Casals Roca", "Jordi Mas i Pujol")


def test_the_masked_timeline_names_nobody(session: Session) -> None:
    member_id, _ = _network(session)
    raw = member_file.member_timeline(session=session, member_id=member_id)
    assert raw.loc[0, "person"] == "Anna Casals Roca"
    assert "Anna Casals" in raw.loc[0, "summary"]

    masked = member_file.member_timeline(session=session, member_id=member_id, mask_names=True)
    assert "summary" not in masked.columns
    assert masked.loc[0, MASKED_SUMMARY] == MASKED
    assert masked.loc[0, "person"] == "" and masked.loc[0, "staff"] == ""
    # Everything else as in working mode.
    same = [c for c in raw.columns if c not in {"summary", "person", "staff"}]
    assert masked[same].equals(raw[same])


def test_the_masked_referrals_name_nobody(session: Session) -> None:
    _network(session)
    raw = advisories.referrals_without_follow_up(session=session, today=TODAY)
    assert "Anna Casals" in raw.loc[0, "summary"]
    masked = advisories.referrals_without_follow_up(session=session, today=TODAY, mask_names=True)
    assert list(masked.columns) == [MASKED_SUMMARY if c == "summary" else c for c in raw.columns]
    assert masked.loc[0, MASKED_SUMMARY] == MASKED
    assert masked.loc[0, "member"] == "Ajuntament de Vic"


def test_the_commission_gets_no_free_text_even_masked(session: Session) -> None:
    member_id, _ = _network(session)
    masked = member_file.member_timeline(session=session, member_id=member_id, mask_names=True)
    assert redact(masked).loc[0, MASKED_SUMMARY] == MASK
