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
