"""What the gate takes from the provider's claims, and which addresses count as this machine."""

from __future__ import annotations

import pytest

from ui.auth import is_loopback, signed_in_email


@pytest.mark.parametrize(
    ("claims", "email"),
    [
        ({"email": "nuria@xmess.cat", "email_verified": True}, "nuria@xmess.cat"),
        ({"email": " nuria@xmess.cat "}, "nuria@xmess.cat"),
        # Microsoft Entra ID without the optional e-mail claim.
        ({"preferred_username": "nuria@xmess.cat", "sub": "x"}, "nuria@xmess.cat"),
        # An address the provider has not verified could have been typed by anyone.
        ({"email": "admin@xmess.cat", "email_verified": False}, ""),
        ({"preferred_username": "nuria", "sub": "x"}, ""),
        ({"sub": "x"}, ""),
    ],
)
def test_the_signed_in_email_is_one_the_provider_vouches_for(
    claims: dict[str, object], email: str
) -> None:
    assert signed_in_email(claims) == email


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.1.1", True),
        ("", False),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback
