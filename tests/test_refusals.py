"""Bad input to the write and availability tools is refused before any request reaches Calendly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio


def at(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).replace(microsecond=0).isoformat().replace("+00:00", "Z")


ET = "c3cd4b05-a21c-55df-b4b5-e0e26e75b237"  # the sandbox's "Intro Call" (required questions)
BOOK: dict[str, Any] = {
    "event_type": ET,
    "start_time": at(days=2),
    "email": "ann@example.com",
    "timezone": "Europe/Paris",
    "name": "Ann",
}

CASES: list[tuple[str, dict[str, Any], str]] = [
    # available times: window rules, checked here because Calendly's 400 names no cause
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": at(hours=1), "end_time": at(days=8, hours=1)},
        "takes at most 7 days",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": at(hours=1), "end_time": at(days=400)},
        "find_available_times",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": at(days=-2), "end_time": at(days=1)},
        "is in the past",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": at(days=2), "end_time": at(days=1)},
        "is not after start_time",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": "2026-12-01T09:00:00", "end_time": at(days=1)},
        "has no UTC offset",
    ),
    (
        "list_event_type_available_times",
        {"event_type": "../x", "start_time": at(hours=1), "end_time": at(days=1)},
        "not valid",
    ),
    ("list_user_busy_times", {"start_time": at(hours=1), "end_time": at(days=8)}, "takes at most 7 days"),
    ("list_user_busy_times", {"start_time": at(days=-1), "end_time": at(days=1)}, "is in the past"),
    (
        "list_user_busy_times",
        {"user": "https://evil.example/users/x", "start_time": at(hours=1), "end_time": at(days=1)},
        "is not a user URI",
    ),
    # booking: checked before calling
    ("create_event_invitee", {**BOOK, "start_time": at(hours=-1)}, "is not in the future"),
    ("create_event_invitee", {**BOOK, "start_time": "2026-12-24T10:00:00"}, "has no UTC offset"),
    ("create_event_invitee", {**BOOK, "name": None}, "name, or first_name"),
    ("create_event_invitee", {**BOOK, "timezone": "Mars/Olympus_Mons"}, "is not an IANA time zone"),
    ("create_event_invitee", {**BOOK, "email": "ann-at-example"}, "is not an e-mail address"),
    ("create_event_invitee", {**BOOK, "guests": [f"g{i}@example.com" for i in range(11)]}, "at most 10"),
    ("create_event_invitee", {**BOOK, "location_kind": "physical"}, "needs `location`"),
    ("create_event_invitee", {**BOOK, "location": "Room 4"}, "needs `location_kind`"),
    ("create_event_invitee", {**BOOK, "location_kind": "carrier_pigeon"}, "location_kind"),
    (
        "create_event_invitee",
        {**BOOK, "event_type": "https://api.calendly.com/users/abc"},
        "is not a event_type URI",
    ),
    # cancellation
    ("cancel_scheduled_event", {"event": "../../scheduled_events/x"}, "not valid"),
    ("cancel_scheduled_event", {"event": "x", "reason": "r" * 10001}, "at most 10000"),
    # webhooks
    (
        "create_webhook_subscription",
        {"url": "ftp://example.com/hook", "events": ["invitee.created"]},
        "is not an http(s) URL",
    ),
    ("create_webhook_subscription", {"url": "https://example.com/hook", "events": []}, "at least 1"),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": ["invitee.exploded"]},
        "invitee.created",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": ["routing_form_submission.created"]},
        "only available with scope organization",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": ["invitee.created"], "scope": "group"},
        "needs `group`",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": ["invitee.created", "invitee.created"]},
        "same event twice",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": ["invitee.created"], "signing_key": "short"},
        "at least 8",
    ),
    (
        "delete_webhook_subscription",
        {"webhook": "https://api.calendly.com/webhook_subscriptions/a/b"},
        "not valid",
    ),
    ("get_event_invitee", {"invitee": "INV1"}, "needs its scheduled event"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    await call(mcp, "get_current_user")  # warm the current-user cache: the refusal alone is observed
    sandbox.clear_requests()
    args = {k: v for k, v in args.items() if v is not None}
    text = await fail(mcp, tool, **args)
    assert expected in text
    assert sandbox.requests() == [], f"{tool} reached the sandbox"


async def test_signing_key_never_echoed(mcp: Client) -> None:
    secret = "whsec-do-not-echo-123"
    text = await fail(
        mcp,
        "create_webhook_subscription",
        url="https://example.com/h",
        events=["routing_form_submission.created"],
        signing_key=secret,
    )
    assert secret not in text
