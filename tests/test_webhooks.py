"""The webhook subscription tools through a real MCP client over stdio: duplicates, refusals, secrets kept."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused

pytestmark = pytest.mark.anyio

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "create_webhook_subscription",
        {"url": "ftp://example.com/hook", "events": ["invitee.created"]},
        "is not an http(s) URL",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/hook", "events": []},
        "events: has too few items (given []); accepted: a list of 1 to 14 items",
    ),
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
        "signing_key: is too short (given 5 characters, not shown); accepted: a secret string of 8 to 256",
    ),
    (
        "delete_webhook_subscription",
        {"webhook": "https://api.calendly.com/webhook_subscriptions/a/b"},
        "not valid",
    ),
]


async def test_duplicate_webhook_and_past_cancellation(mcp: Client, sandbox: SandboxProcess) -> None:
    url = f"{sandbox.url}/_sandbox/inbox/dup"
    await call(mcp, "create_webhook_subscription", url=url, events=["invitee.created"])
    text = await fail(mcp, "create_webhook_subscription", url=url, events=["invitee.canceled"])
    assert "409" in text
    assert "list_webhook_subscriptions" in text
    listed = await call(mcp, "list_webhook_subscriptions")
    assert [h["callback_url"] for h in listed["collection"]] == [url]
    past = await call(
        mcp,
        "list_scheduled_events",
        max_start_time=iso(days=-1),
        status="active",
        count=1,
    )
    text = await fail(mcp, "cancel_scheduled_event", event=past["collection"][0]["uri"])
    assert "Event in the past" in text
    assert text.endswith("\nMeetings that have already started cannot be canceled.")
    assert "may not do this" not in text


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


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


# --- sample webhook data -------------------------------------------------------------------------------

SAMPLE_REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_sample_webhook_data", {"event": "invitee.exploded"}, "invitee.created"),
    (
        "get_sample_webhook_data",
        {"event": "routing_form_submission.created"},
        "only available with scope organization",
    ),
    (
        "get_sample_webhook_data",
        {"event": "meeting_recap.created", "scope": "organization"},
        "only available with scope user",
    ),
    ("get_sample_webhook_data", {"event": "invitee.created", "scope": "group"}, "needs `group`"),
    ("get_sample_webhook_data", {"event": "invitee.created", "user": "../users/x"}, "not valid"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), SAMPLE_REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(SAMPLE_REFUSALS)]
)
async def test_sample_data_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_sample_webhook_data_from_the_seeded_records(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    booked = await call(mcp, "get_sample_webhook_data", event="invitee.created")
    assert booked["event"] == "invitee.created"
    assert booked["created_by"] == me["uri"]
    payload = booked["payload"]
    # A seeded invitee of one of my meetings, with the whole meeting, as deliveries carry it.
    assert payload["scheduled_event"]["uri"] == payload["event"]
    assert me["uri"] in [m["user"] for m in payload["scheduled_event"]["event_memberships"]]
    assert (await call(mcp, "get_event_invitee", invitee=payload["uri"]))["email"] == payload["email"]
    sent = [r for r in sandbox.requests() if r["path"].endswith("/sample_webhook_data")]
    assert "scope=user" in sent[-1]["query"]
    assert "organization=" in sent[-1]["query"]
    no_show = (await call(mcp, "get_sample_webhook_data", event="invitee_no_show.created"))["payload"]
    assert no_show["no_show"]["uri"].startswith("https://api.calendly.com/invitee_no_shows/")
    canceled = await call(mcp, "get_sample_webhook_data", event="invitee.canceled", scope="organization")
    assert canceled["payload"]["status"] == "canceled"
    event_type = await call(mcp, "get_sample_webhook_data", event="event_type.deleted", scope="organization")
    assert event_type["payload"]["uri"].startswith("https://api.calendly.com/event_types/")
    assert event_type["payload"]["deleted_at"]
    form = await call(
        mcp, "get_sample_webhook_data", event="routing_form_submission.created", scope="organization"
    )
    assert form["payload"]["routing_form"].startswith("https://api.calendly.com/routing_forms/")
    recap = await call(mcp, "get_sample_webhook_data", event="meeting_recap.deleted")
    assert recap["payload"]["recap"]["deleted_at"]


async def test_sample_webhook_data_errors(mcp: Client) -> None:
    other = "https://api.calendly.com/organizations/AAAAAAAAAAAAAAAA"
    assert "403" in await fail(mcp, "get_sample_webhook_data", event="invitee.created", organization=other)
    text = await fail(mcp, "get_sample_webhook_data", event="invitee.created", scope="group", group="G1")
    assert "404" in text
