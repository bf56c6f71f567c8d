"""Booking through the Scheduling API and cancelling: Calendly's checks, and what they change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from calendly_mcp.sandbox import RunningSandbox, SandboxConfig, running_sandbox
from calendly_mcp.sandbox.calendly.records import iso

from .helpers import API, book, booking, call, event_type_named, first_slot, info, me, path_of, slots, stamp

pytestmark = pytest.mark.anyio

FILLED = {
    "title": "Invalid Argument",
    "message": "The supplied parameters are invalid.",
    "details": [
        {
            "parameter": "event.start_time",
            "message": "That start time has been filled",
            "code": "already_filled",
        }
    ],
}


async def test_a_booking_takes_its_slot_and_a_cancellation_frees_it(
    either: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    client = either
    data = await info(control)
    owner = await me(client)
    event_type = data["examples"]["bookable_event_types"][owner["uri"]]
    start = await first_slot(client, event_type)
    invitee = (await book(client, booking(event_type, start)))["resource"]
    assert invitee["status"] == "active"
    assert invitee["scheduling_method"] == "api"
    assert invitee["name"] == "Ada Lovelace"
    assert start not in [s["start_time"] for s in await slots(client, event_type)]

    event = (await call(client, "GET", path_of(invitee["event"]), 200))["resource"]
    assert event["start_time"] == start
    assert event["event_type"] == event_type
    assert event["invitees_counter"] == {"total": 1, "active": 1, "limit": 1}
    assert event["location"]["type"] in ("zoom", "google_conference")
    listed = await call(
        client,
        "GET",
        "/scheduled_events",
        200,
        params={
            "user": owner["uri"],
            "min_start_time": start,
            "max_start_time": stamp(datetime.fromisoformat(start) + timedelta(seconds=1)),
        },
    )
    assert [e["uri"] for e in listed["collection"]] == [event["uri"]]
    invitees = await call(client, "GET", f"{path_of(event['uri'])}/invitees", 200)
    assert invitees["collection"] == [invitee]
    assert (await call(client, "GET", path_of(invitee["uri"]), 200))["resource"] == invitee

    assert await book(client, booking(event_type, start), 400) == FILLED

    canceled = await call(
        client, "POST", f"{path_of(event['uri'])}/cancellation", 201, json={"reason": "Moved"}
    )
    assert canceled["resource"]["canceler_type"] == "host"
    assert canceled["resource"]["canceled_by"] == owner["name"]
    assert canceled["resource"]["reason"] == "Moved"
    assert start in [s["start_time"] for s in await slots(client, event_type)]
    after = (await call(client, "GET", path_of(event["uri"]), 200))["resource"]
    assert after["status"] == "canceled"
    assert after["cancellation"] == canceled["resource"]
    assert after["invitees_counter"] == {"total": 1, "active": 0, "limit": 1}
    gone = (await call(client, "GET", path_of(invitee["uri"]), 200))["resource"]
    assert gone["status"] == "canceled"
    assert gone["cancellation"] == canceled["resource"]

    again = await call(client, "POST", f"{path_of(event['uri'])}/cancellation", 403, json={})
    assert again == {"title": "Permission Denied", "message": "Event is already canceled"}
    # The freed slot can be booked again.
    await book(client, booking(event_type, start))


async def test_a_slot_that_is_not_offered_is_filled(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    event_type = event_type_named(await info(control), "Maya Patel", "30 Minute Meeting")["uri"]
    start = datetime.fromisoformat(await first_slot(direct, event_type))
    for moment in (start + timedelta(minutes=10), start - timedelta(days=2), start.replace(hour=3)):
        assert await book(direct, booking(event_type, stamp(moment)), 400) == FILLED


async def test_group_event_types_fill_seat_by_seat(
    box: RunningSandbox, direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    demo = event_type_named(await info(control), "Maya Patel", "Product Demo (Group)")
    assert demo["kind"] == "group"
    offered = await slots(direct, demo["uri"], days=14)
    # Seeded demos with seats taken are offered with the seats that are left.
    remaining = {s["start_time"]: s["invitees_remaining"] for s in offered}
    ident = demo["uri"].rsplit("/", 1)[1]
    for event in box.sandbox.store.events():
        if event.event_type == ident and event.status == "active" and iso(event.start_time) in remaining:
            taken = sum(1 for i in event.invitees if i.status == "active")
            assert remaining[iso(event.start_time)] == demo["invitees_limit"] - taken
    start = next(s["start_time"] for s in offered if s["invitees_remaining"] == demo["invitees_limit"])
    events: set[str] = set()
    for seat in range(demo["invitees_limit"]):
        body = booking(
            demo["uri"],
            start,
            invitee={"name": f"Guest {seat}", "email": f"g{seat}@example.com", "timezone": "UTC"},
        )
        events.add((await book(direct, body))["resource"]["event"])
        remaining = {s["start_time"]: s["invitees_remaining"] for s in await slots(direct, demo["uri"])}
        assert remaining.get(start, 0) == demo["invitees_limit"] - seat - 1
    assert len(events) == 1
    event = (await call(direct, "GET", path_of(events.pop()), 200))["resource"]
    assert event["invitees_counter"] == {"total": 4, "active": 4, "limit": 4}
    assert await book(direct, booking(demo["uri"], start), 400) == FILLED


async def test_location_rules(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    data = await info(control)
    zoom_only = event_type_named(data, "Maya Patel", "15 Minute Meeting")
    assert zoom_only["location_kinds"] == ["zoom_conference"]
    start = await first_slot(direct, zoom_only["uri"])
    refused = await book(
        direct, booking(zoom_only["uri"], start, location={"kind": "google_conference"}), 400
    )
    assert refused["details"][0]["code"] == "invalid_location_choice"
    await book(direct, booking(zoom_only["uri"], start, location={"kind": "teleport"}), 400)

    anywhere = event_type_named(data, "Oliver Bennett", "Intro Call")
    assert anywhere["location_kinds"] == ["ask_invitee"]
    start = await first_slot(direct, anywhere["uri"])
    blank = await book(direct, booking(anywhere["uri"], start, location={"kind": "ask_invitee"}), 400)
    assert blank["details"][0]["parameter"] == "location.location"
    await book(direct, booking(anywhere["uri"], start), 400)  # nothing to fall back on
    invitee = (
        await book(
            direct, booking(anywhere["uri"], start, location={"kind": "ask_invitee", "location": "Café Nero"})
        )
    )["resource"]
    event = (await call(direct, "GET", path_of(invitee["event"]), 200))["resource"]
    assert event["location"] == {"type": "ask_invitee", "location": "Café Nero"}


async def test_required_questions(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    intro = event_type_named(await info(control), "Maya Patel", "Intro Call")
    (question,) = intro["required_questions"]
    start = await first_slot(direct, intro["uri"])
    location = {"kind": "google_conference"}
    for answers in (None, [{"question": question, "answer": "  ", "position": 0}]):
        extra: dict[str, Any] = {"location": location}
        if answers is not None:
            extra["questions_and_answers"] = answers
        refused = await book(direct, booking(intro["uri"], start, **extra), 400)
        assert refused["details"][0]["message"] == "Required Questions and Answers cannot be blank."
    answers = [
        {"question": question, "answer": "A relaunch", "position": 0},
        {"question": "Company name", "answer": "Analytical Engines", "position": 1},
    ]
    invitee = (
        await book(direct, booking(intro["uri"], start, location=location, questions_and_answers=answers))
    )["resource"]
    assert invitee["questions_and_answers"] == answers


async def test_invitee_checks(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    data = await info(control)
    event_type = event_type_named(data, "Maya Patel", "30 Minute Meeting")["uri"]
    start = await first_slot(direct, event_type)
    nameless = await book(
        direct, booking(event_type, start, invitee={"email": "a@example.com", "timezone": "UTC"}), 400
    )
    assert nameless["details"][0]["message"] == "either name or first_name must be filled"
    for invitee in (
        {"name": "A", "email": "not-an-email", "timezone": "UTC"},
        {"name": "A", "email": "a@example.com", "timezone": "Mars/Olympus"},
        {"name": "A", "email": "a@example.com"},
    ):
        await book(direct, booking(event_type, start, invitee=invitee), 400)
    too_many = [f"guest{n}@example.com" for n in range(11)]
    await book(direct, booking(event_type, start, event_guests=too_many), 400)
    await book(direct, booking(event_type, start, tracking={"utm_source": 3}), 400)
    await book(direct, {"start_time": start}, 400)
    await book(direct, booking(f"{API}/event_types/00000000-0000-0000-0000-000000000000", start), 404)
    retired = next(et for et in data["event_types"] if not et["active"])
    await book(direct, booking(retired["uri"], start), 400)
    await call(direct, "POST", "/invitees", 400, json=["not", "an", "object"])

    body = booking(
        event_type,
        start,
        invitee={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "timezone": "America/New_York",
            "text_reminder_number": "+1 212 555 0100",
        },
        location={"kind": "google_conference"},
        event_guests=too_many[:10],
        tracking={"utm_source": "newsletter", "utm_campaign": None},
    )
    invitee = (await book(direct, body))["resource"]
    assert (invitee["name"], invitee["first_name"], invitee["last_name"]) == (
        "Grace Hopper",
        "Grace",
        "Hopper",
    )
    assert invitee["text_reminder_number"] == "+1 212 555 0100"
    assert invitee["tracking"]["utm_source"] == "newsletter"
    event = (await call(direct, "GET", path_of(invitee["event"]), 200))["resource"]
    assert [g["email"] for g in event["event_guests"]] == too_many[:10]
    assert event["location"]["type"] == "google_conference"


async def test_cancellation_refusals(
    box: RunningSandbox, direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient
) -> None:
    owner = await me(direct)
    now = stamp(datetime.now(UTC))
    past = await call(
        direct,
        "GET",
        "/scheduled_events",
        200,
        params={"user": owner["uri"], "status": "active", "max_start_time": now},
    )
    path = f"{path_of(past['collection'][-1]['uri'])}/cancellation"
    assert await call(direct, "POST", path, 403, json={}) == {
        "title": "Permission Denied",
        "message": "Event in the past",
    }
    await call(
        direct, "POST", "/scheduled_events/00000000-0000-0000-0000-000000000000/cancellation", 404, json={}
    )

    future = await call(
        direct,
        "GET",
        "/scheduled_events",
        200,
        params={"user": owner["uri"], "status": "active", "min_start_time": now},
    )
    path = f"{path_of(future['collection'][0]['uri'])}/cancellation"
    await call(direct, "POST", path, 400, json={"reason": "x" * 10001})
    await call(direct, "POST", path, 400, json={"reason": 42})
    # A member who hosts nothing of the owner's may not cancel it.
    haruto = next(c for c in box.sandbox.store.connections() if c.user != box.sandbox.store.owner.uuid)
    gateway.headers["Maton-Connection"] = haruto.connection_id
    await call(gateway, "POST", path, 403, json={})
    # No body at all is fine: the reason is optional.
    answer = await direct.post(path)
    assert answer.status_code == 201
    assert answer.json()["resource"]["reason"] is None


@pytest.fixture
async def two_a_minute() -> AsyncIterator[RunningSandbox]:
    moment = datetime(2026, 3, 2, 15, 0, 5, tzinfo=UTC)
    async with running_sandbox(
        config=SandboxConfig(now=lambda: moment, booking_rate_limit_per_minute=2)
    ) as box:
        yield box


async def test_the_scheduling_api_has_its_own_rate_limit(two_a_minute: RunningSandbox) -> None:
    headers = {"Authorization": "Bearer sandbox-token"}
    async with httpx2.AsyncClient(base_url=two_a_minute.url, headers=headers) as client:
        owner = await me(client)
        data = (await client.get("/_sandbox/info")).json()
        event_type = data["examples"]["bookable_event_types"][owner["uri"]]
        offered = [s["start_time"] for s in await slots(client, event_type)]
        # Malformed bodies do not count; well-formed bookings do.
        assert (await client.post("/invitees", json={})).status_code == 400
        answers = [await client.post("/invitees", json=booking(event_type, start)) for start in offered[:3]]
        assert [a.status_code for a in answers] == [201, 201, 429]
        assert answers[2].json()["title"] == "Too Many Requests"
        assert (await client.get("/users/me")).status_code == 200  # other calls are not affected
