"""The agent's story through MCP: free slot, webhook, booking, deliveries, cancellation, slot back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp.client import Client

from calendly_mcp.schemas.resources import WebhookDelivery
from calendly_mcp.webhooks import HEADER, verify
from conftest import Mode, SandboxProcess, Transport, connect, server_env
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio
KEY = "whsec-story-signing-key"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def window(days: int = 7) -> dict[str, str]:
    now = datetime.now(UTC)
    return {"start_time": iso(now + timedelta(minutes=5)), "end_time": iso(now + timedelta(days=days))}


async def bookable(client: Client, sandbox: SandboxProcess) -> tuple[dict[str, Any], list[str]]:
    me = await call(client, "get_current_user")
    uri = sandbox.info()["examples"]["bookable_event_types"][me["uri"]]
    event_type = await call(client, "get_event_type", event_type=uri)
    slots = await call(client, "list_event_type_available_times", event_type=uri, **window())
    assert slots["collection"], "the seed offers slots every week"
    return event_type, [s["start_time"] for s in slots["collection"]]


def booking(event_type: dict[str, Any], slot: str, email: str) -> dict[str, Any]:
    args: dict[str, Any] = {
        "event_type": event_type["uri"],
        "start_time": slot,
        "email": email,
        "timezone": "Europe/Berlin",
        "name": "Grace Hopper",
    }
    kinds = [loc["kind"] for loc in event_type.get("locations") or []]
    if kinds:
        args["location_kind"] = kinds[0]
    return args


def writes(sandbox: SandboxProcess, path_end: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "POST" and r["path"].endswith(path_end)]


def verified(message: dict[str, Any]) -> WebhookDelivery:
    headers = {k.lower(): v for k, v in message["headers"].items()}
    raw = message["body"].encode()
    verify(raw, headers[HEADER.lower()], KEY)
    return WebhookDelivery.model_validate_json(raw)


async def test_the_whole_story(mcp: Client, sandbox: SandboxProcess, mode: Mode) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    slot = slots[0]
    inbox = f"story-{mode}"
    hook = await call(
        mcp,
        "create_webhook_subscription",
        url=f"{sandbox.url}/_sandbox/inbox/{inbox}",
        events=["invitee.created", "invitee.canceled"],
        signing_key=KEY,
    )
    assert hook["state"] == "active"
    assert KEY not in str(hook)

    email = f"grace-{mode}@example.com"
    invitee = await call(mcp, "create_event_invitee", **booking(event_type, slot, email))
    assert invitee["email"] == email
    assert invitee["status"] == "active"
    assert len(writes(sandbox, "/invitees")) == 1

    listed = await call(
        mcp, "list_scheduled_events", invitee_email=email, min_start_time=iso(datetime.now(UTC))
    )
    assert [e["uri"] for e in listed["collection"]] == [invitee["event"]]
    assert listed["collection"][0]["start_time"].startswith(slot[:16])
    people = await call(mcp, "list_event_invitees", event=invitee["event"])
    assert invitee["uri"] in {p["uri"] for p in people["collection"]}
    after = await call(mcp, "list_event_type_available_times", event_type=event_type["uri"], **window())
    assert slot not in {s["start_time"] for s in after["collection"]}

    created = sandbox.inbox(inbox)
    assert len(created) == 1
    delivery = verified(created[0])
    assert delivery.event == "invitee.created"
    assert delivery.payload.email == email  # type: ignore[union-attr]

    cancellation = await call(mcp, "cancel_scheduled_event", event=invitee["event"], reason="Plans changed")
    assert cancellation["canceler_type"] == "host"
    assert cancellation["reason"] == "Plans changed"
    assert (await call(mcp, "get_scheduled_event", event=invitee["event"]))["status"] == "canceled"
    again = await fail(mcp, "cancel_scheduled_event", event=invitee["event"])
    assert "403" in again
    assert "already canceled" in again
    assert "Nothing to do" in again

    messages = sandbox.inbox(inbox)
    assert [verified(m).event for m in messages] == ["invitee.created", "invitee.canceled"]
    back = await call(mcp, "list_event_type_available_times", event_type=event_type["uri"], **window())
    assert slot in {s["start_time"] for s in back["collection"]}

    assert (await call(mcp, "delete_webhook_subscription", webhook=hook["uri"]))["deleted"] is True
    assert "404" in await fail(mcp, "get_webhook_subscription", webhook=hook["uri"])


async def test_taken_slot_says_pick_another(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    await call(mcp, "create_event_invitee", **booking(event_type, slots[0], "first@example.com"))
    text = await fail(mcp, "create_event_invitee", **booking(event_type, slots[0], "second@example.com"))
    assert "already_filled" in text
    assert "list_event_type_available_times" in text
    assert len(writes(sandbox, "/invitees")) == 2, "each model request sent once, never repeated"


async def test_booking_checks_against_the_event_type(mcp: Client, sandbox: SandboxProcess) -> None:
    intro = next(
        et for et in sandbox.info()["event_types"] if et["name"] == "Intro Call" and et["required_questions"]
    )
    args: dict[str, Any] = {
        "event_type": intro["uri"],
        "start_time": iso(datetime.now(UTC) + timedelta(days=2)),
        "email": "q@example.com",
        "timezone": "UTC",
        "name": "Q",
    }
    sandbox.clear_requests()
    assert "required question" in await fail(mcp, "create_event_invitee", **args)
    assert "no question 'Favourite colour?'" in await fail(
        mcp, "create_event_invitee", **args, answers={"Favourite colour?": "blue"}
    )
    assert "is not offered by" in await fail(
        mcp, "create_event_invitee", **args, location_kind="webex_conference"
    )
    assert writes(sandbox, "/invitees") == [], "refused before calling"


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
        max_start_time=iso(datetime.now(UTC) - timedelta(days=1)),
        status="active",
        count=1,
    )
    text = await fail(mcp, "cancel_scheduled_event", event=past["collection"][0]["uri"])
    assert "Event in the past" in text


async def test_busy_times_show_a_new_booking(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    invitee = await call(mcp, "create_event_invitee", **booking(event_type, slots[0], "busy@example.com"))
    busy = await call(mcp, "list_user_busy_times", **window())
    assert invitee["event"] in {b["event"]["uri"] for b in busy["collection"] if b.get("event")}
    assert any(b["type"] == "external" for b in busy["collection"])


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_book_and_cancel_over_http_transports(
    sandbox: SandboxProcess, mode: Mode, transport: Transport
) -> None:
    async with connect(transport, server_env(mode, sandbox.url)) as client:
        event_type, slots = await bookable(client, sandbox)
        invitee = await call(
            client, "create_event_invitee", **booking(event_type, slots[-1], f"http-{transport}@example.com")
        )
        await call(client, "cancel_scheduled_event", event=invitee["event"])
        hook = await call(
            client,
            "create_webhook_subscription",
            url=f"{sandbox.url}/_sandbox/inbox/t",
            events=["invitee.created"],
        )
        assert (await call(client, "get_webhook_subscription", webhook=hook["uri"]))["uri"] == hook["uri"]
        await call(client, "delete_webhook_subscription", webhook=hook["uri"])
        schedules = await call(client, "list_user_availability_schedules")
        assert schedules["collection"]
        busy = await call(client, "list_user_busy_times", **window())
        assert busy["collection"]
        if mode == "gateway":
            assert (await call(client, "list_connections"))["connections"]
    assert len(writes(sandbox, "/invitees")) == 1
    assert len(writes(sandbox, "/cancellation")) == 1
