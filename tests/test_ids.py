"""Identifier checks: what reaches a request path is a plain id, whatever an agent sends."""

from __future__ import annotations

import pytest

from calendly_mcp.gateway import ids
from calendly_mcp.gateway.errors import InvalidInputError

UUID = "0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("user", UUID, UUID),
        ("user", "AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAA"),
        ("user", f"https://api.calendly.com/users/{UUID}", UUID),
        ("user", "me", "me"),
        ("event_type", f"https://api.calendly.com/event_types/{UUID}", UUID),
        ("scheduled_event", "EV001", "EV001"),
        ("organization", "https://api.calendly.com/organizations/ORG_1", "ORG_1"),
    ],
)
def test_accepted(kind: str, value: str, expected: str) -> None:
    assert ids.parse_id(kind, value) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("user", ""),
        ("user", "../admin"),
        ("user", "a/b"),
        ("user", "abc?x=1"),
        ("user", "abc%2Fdef"),
        ("user", "abc def"),
        ("user", "abc\n"),
        ("user", "abc\x00"),
        ("user", "x" * 65),
        ("user", "x" * 5000),
        ("user", "https://evil.example/users/abc"),
        ("user", "http://api.calendly.com/users/abc"),
        ("user", "https://api.calendly.com.evil.example/users/abc"),
        ("user", f"https://api.calendly.com/event_types/{UUID}"),
        ("user", f"https://api.calendly.com/users/{UUID}/extra"),
        ("user", "https://api.calendly.com/users/../organizations/x"),
        ("user", "/users/abc"),
        ("event_type", "https://api.calendly.com/event_types/"),
        ("scheduled_event", "ünïcode"),
    ],
)
def test_refused(kind: str, value: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ids.parse_id(kind, value)
    text = str(caught.value)
    assert kind in text or "identifier" in text
    assert len(text) < 400  # a huge input is not echoed back


def test_invitee_from_uri_and_from_pair() -> None:
    uri = f"https://api.calendly.com/scheduled_events/EV1/invitees/{UUID}"
    assert ids.parse_invitee(None, uri) == ("EV1", UUID)
    assert ids.parse_invitee("EV1", uri) == ("EV1", UUID)
    assert ids.parse_invitee("https://api.calendly.com/scheduled_events/EV1", "INV1") == ("EV1", "INV1")
    with pytest.raises(InvalidInputError, match="another scheduled event"):
        ids.parse_invitee("EV2", uri)
    with pytest.raises(InvalidInputError, match="needs its scheduled event"):
        ids.parse_invitee(None, "INV1")
    with pytest.raises(InvalidInputError):
        ids.parse_invitee(None, "https://api.calendly.com/scheduled_events/EV1/invitees/../x")


def test_uri_round_trip() -> None:
    assert ids.uri("event_type", UUID) == f"https://api.calendly.com/event_types/{UUID}"
