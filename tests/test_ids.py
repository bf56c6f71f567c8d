"""Identifier checks: what reaches a request path is a plain id, whatever an agent sends."""

from __future__ import annotations

import pytest

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError

UUID = "0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"


@pytest.mark.parametrize(
    ("collection", "value", "expected"),
    [
        ("users", UUID, UUID),
        ("users", "AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAA"),
        ("users", f"https://api.calendly.com/users/{UUID}", UUID),
        ("users", "me", "me"),
        ("event_types", f"https://api.calendly.com/event_types/{UUID}", UUID),
        ("scheduled_events", "EV001", "EV001"),
        ("organizations", "https://api.calendly.com/organizations/ORG_1", "ORG_1"),
    ],
)
def test_accepted(collection: str, value: str, expected: str) -> None:
    assert ids.bare(collection, value) == expected


@pytest.mark.parametrize(
    ("collection", "value"),
    [
        ("users", ""),
        ("users", "../admin"),
        ("users", "a/b"),
        ("users", "abc?x=1"),
        ("users", "abc%2Fdef"),
        ("users", "abc def"),
        ("users", "abc\n"),
        ("users", "abc\x00"),
        ("users", "x" * 65),
        ("users", "x" * 5000),
        ("users", "https://evil.example/users/abc"),
        ("users", "http://api.calendly.com/users/abc"),
        ("users", "https://api.calendly.com.evil.example/users/abc"),
        ("users", f"https://api.calendly.com/event_types/{UUID}"),
        ("users", f"https://api.calendly.com/users/{UUID}/extra"),
        ("users", "https://api.calendly.com/users/../organizations/x"),
        ("users", "/users/abc"),
        ("event_types", "https://api.calendly.com/event_types/"),
        ("scheduled_events", "ünïcode"),
    ],
)
def test_refused(collection: str, value: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ids.bare(collection, value)
    text = str(caught.value)
    assert ids.noun(collection) in text or "identifier" in text
    assert len(text) < 400  # a huge input is not echoed back


def test_invitee_from_uri_and_from_pair() -> None:
    uri = f"https://api.calendly.com/scheduled_events/EV1/invitees/{UUID}"
    assert ids.invitee(None, uri) == ("EV1", UUID)
    assert ids.invitee("EV1", uri) == ("EV1", UUID)
    assert ids.invitee("https://api.calendly.com/scheduled_events/EV1", "INV1") == ("EV1", "INV1")
    with pytest.raises(InvalidInputError, match="another scheduled event"):
        ids.invitee("EV2", uri)
    with pytest.raises(InvalidInputError, match="needs its scheduled event"):
        ids.invitee(None, "INV1")
    with pytest.raises(InvalidInputError):
        ids.invitee(None, "https://api.calendly.com/scheduled_events/EV1/invitees/../x")


def test_uri_round_trip() -> None:
    assert ids.uri("event_types", UUID) == f"https://api.calendly.com/event_types/{UUID}"
