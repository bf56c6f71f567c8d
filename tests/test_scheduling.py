"""Booking with create_event_invitee: the whole story (slot, booking, deliveries, cancellation), refusals."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from calendly_mcp.client.signatures import HEADER, verify
from calendly_mcp.schemas.resources import WebhookDelivery
from conftest import Mode, SandboxProcess, Transport, connect, server_env
from mcp_helpers import call, fail, iso

pytestmark = pytest.mark.anyio
KEY = "whsec-story-signing-key"

ET = "c3cd4b05-a21c-55df-b4b5-e0e26e75b237"  # the sandbox's "Intro Call" (required questions)
BOOK: dict[str, Any] = {
    "event_type": ET,
    "start_time": iso(days=2),
    "email": "ann@example.com",
    "timezone": "Europe/Paris",
    "name": "Ann",
}

# booking: checked before calling
REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("create_event_invitee", {**BOOK, "start_time": iso(hours=-1)}, "is not in the future"),
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
    (
        "create_event_invitee",
        {**BOOK, "answers": [{"question": "Q", "answer": "a"}] * 2},
        "same question twice",
    ),
    (
        "create_event_invitee",
        {**BOOK, "answers": [{"question": "Q", "answer": "a", "position": 1}]},
        "answers.0.position\n  Extra inputs are not permitted",
    ),
    (
        "create_event_invitee",
        {**BOOK, "answers": [{"question": f"Q{i}", "answer": "a"} for i in range(51)]},
        "at most 50 items",
    ),
    (
        "create_event_invitee",
        {**BOOK, "answers": [{"question": "Q", "answer": "x" * 10001}]},
        "at most 10000 characters",
    ),
]


def window(days: int = 7) -> dict[str, str]:
    return {"start_time": iso(minutes=5), "end_time": iso(days=days)}


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

    listed = await call(mcp, "list_scheduled_events", invitee_email=email, min_start_time=iso())
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
        "start_time": iso(days=2),
        "email": "q@example.com",
        "timezone": "UTC",
        "name": "Q",
    }
    sandbox.clear_requests()
    assert "required question" in await fail(mcp, "create_event_invitee", **args)
    assert "no question 'Favourite colour?'" in await fail(
        mcp, "create_event_invitee", **args, answers=[{"question": "Favourite colour?", "answer": "blue"}]
    )
    assert "is not offered by" in await fail(
        mcp, "create_event_invitee", **args, location_kind="webex_conference"
    )
    assert writes(sandbox, "/invitees") == [], "refused before calling"


async def test_answers_become_calendlys_questions_and_answers(mcp: Client, sandbox: SandboxProcess) -> None:
    intro = next(
        et for et in sandbox.info()["event_types"] if et["name"] == "Intro Call" and et["required_questions"]
    )
    slots = await call(mcp, "list_event_type_available_times", event_type=intro["uri"], **window())
    answers = [
        {"question": "Company name", "answer": "Northwind"},
        {"question": "What would you like to discuss?", "answer": "Pricing"},
    ]
    invitee = await call(
        mcp,
        "create_event_invitee",
        event_type=intro["uri"],
        start_time=slots["collection"][0]["start_time"],
        email="qa@example.com",
        timezone="UTC",
        name="Q",
        location_kind=intro["location_kinds"][0],
        answers=answers,
    )
    booked = {(q["question"], q["answer"], q["position"]) for q in invitee["questions_and_answers"]}
    assert booked == {("Company name", "Northwind", 1), ("What would you like to discuss?", "Pricing", 0)}


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
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
