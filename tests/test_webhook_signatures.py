"""The signature verifier against real Calendly deliveries (signed here with a test key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendly_mcp.client.signatures import InvalidSignatureError, sign, verify
from calendly_mcp.schemas.resources import WebhookDelivery

DELIVERIES = sorted((Path(__file__).parent / "data" / "fixtures" / "maton-webhooks").glob("*.json"))
KEY = "test-signing-key-0123456789"
NOW = 1_780_000_000


@pytest.mark.parametrize("path", DELIVERIES, ids=lambda p: p.stem)
def test_real_deliveries_verify_and_parse(path: Path) -> None:
    body = path.read_bytes()
    header = sign(body, KEY, NOW)
    assert verify(body, header, KEY, now=NOW + 30) == NOW
    delivery = WebhookDelivery.model_validate_json(body)
    assert delivery.event.startswith("invitee")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda body, header: (body + b" ", header), "does not match"),
        (lambda body, header: (body.replace(b"invitee", b"inviteE", 1), header), "does not match"),
        (lambda body, header: (body, sign(body, "another-key-987654321", NOW)), "does not match"),
        (lambda body, header: (body, sign(body, KEY, NOW - 600)), "away from now"),
        (lambda body, header: (body, sign(body, KEY, NOW + 600)), "away from now"),
        (lambda body, header: (body, None), "no Calendly-Webhook-Signature"),
        (lambda body, header: (body, "garbage"), "malformed"),
        (lambda body, header: (body, "t=abc,v1=00"), "not a number"),
        (lambda body, header: (body, "v1=00"), "one t="),
        (lambda body, header: (body, f"t={NOW},t={NOW},v1=00"), "one t="),
        (lambda body, header: (body, header.split(",v1=")[0] + ",v1=" + "0" * 64), "does not match"),
    ],
)
def test_bad_deliveries_rejected(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    body = DELIVERIES[0].read_bytes()
    bad_body, bad_header = mutate(body, sign(body, KEY, NOW))
    with pytest.raises(InvalidSignatureError, match=message) as caught:
        verify(bad_body, bad_header, KEY, now=NOW)
    assert KEY not in str(caught.value)


def test_rotation_accepts_any_listed_signature() -> None:
    body = DELIVERIES[0].read_bytes()
    old = sign(body, "old-key-000000000", NOW).split(",v1=")[1]
    header = f"{sign(body, KEY, NOW)},v1={old}"
    assert verify(body, header, KEY, now=NOW) == NOW
