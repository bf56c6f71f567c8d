"""Booking with create_event_invitee: the whole story (slot, booking, deliveries, cancellation), refusals,
and booking once (the same booking asked again, after a kill, from two processes, after a restart)."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client import Client

from calendly_mcp.client.signatures import HEADER, verify
from calendly_mcp.schemas.resources import WebhookDelivery
from conftest import Mode, SandboxProcess, Transport, connect, http_server_and_process, server_env
from mcp_helpers import call, fail, iso, refused

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
    # time zones: canonical IANA names only, not the tz database's other files
    *[
        (
            "create_event_invitee",
            {**BOOK, "timezone": zone},
            f"timezone: {zone!r} is not an IANA time zone name",
        )
        for zone in ("localtime", "Factory", "posixrules", "posix/Europe/Paris", "right/UTC", "europe/paris")
    ],
    ("create_event_invitee", {**BOOK, "timezone": "posix/Europe/Paris"}, "; did you mean Europe/Paris?"),
    # names: something visible, on one line
    *[
        ("create_event_invitee", {**BOOK, field: value}, f"{field}: {value!r} has no visible character")
        for field, value in (
            ("name", "\u200b"),  # zero-width space
            ("name", "\u200d\u200c"),  # zero-width joiner, non-joiner
            ("name", "\ufeff\u2060"),  # BOM, word joiner
            ("name", "\u00ad"),  # soft hyphen
            ("name", "\u200e\u200f\u202a\u202c"),  # bidi marks and embeddings
            ("name", "   "),
            ("first_name", "\u3164"),  # Hangul filler
            ("last_name", "\u00a0\u200b"),
        )
    ],
    *[
        (
            "create_event_invitee",
            {**BOOK, field: value},
            f"{field}: {value!r} contains a control character (U+{code})",
        )
        for field, value, code in (
            ("name", "Ann\x00", "0000"),
            ("name", "Ann\r\nBcc: x@example.com", "000D"),
            ("first_name", "Ann\nLee", "000A"),
            ("last_name", "Lee\t", "0009"),
            ("name", "Ann\u2028Lee", "2028"),
        )
    ],
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
]


INVITEES = "^(/calendly)?/invitees$"
# Calendly's answer to a booking of a slot that is taken (as tests/sandbox/test_booking.py holds the sandbox to).
ALREADY_FILLED = {
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
    # The matched step replaces the 403's general advice: nothing about rights or plans follows it.
    assert again.endswith("\nNothing to do: the meeting is already canceled.")
    assert "upgrade" not in again.lower()
    assert "may not do this" not in again

    messages = sandbox.inbox(inbox)
    assert [verified(m).event for m in messages] == ["invitee.created", "invitee.canceled"]
    back = await call(mcp, "list_event_type_available_times", event_type=event_type["uri"], **window())
    assert slot in {s["start_time"] for s in back["collection"]}

    assert (await call(mcp, "delete_webhook_subscription", webhook=hook["uri"]))["deleted"] is True
    assert "404" in await fail(mcp, "get_webhook_subscription", webhook=hook["uri"])


async def test_a_taken_slot_is_refused_before_booking(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    await call(mcp, "create_event_invitee", **booking(event_type, slots[0], "first@example.com"))
    text = await fail(mcp, "create_event_invitee", **booking(event_type, slots[0], "second@example.com"))
    assert f"start_time {slots[0]} is not an offered slot" in text
    assert "nothing was booked" in text
    assert slots[1] in text, "the offered slots nearby are named"
    assert "list_event_type_available_times" in text
    assert len(writes(sandbox, "/invitees")) == 1, "the second booking was never sent"


async def test_a_slot_calendly_says_is_filled_says_pick_another(mcp: Client, sandbox: SandboxProcess) -> None:
    """Taken between our check and the POST: Calendly's already_filled, sent once; the record lets go, so
    asking again books it once it is free."""
    event_type, slots = await bookable(mcp, sandbox)
    args = booking(event_type, slots[0], "raced@example.com")
    sandbox.fault(method="POST", path=INVITEES, status=400, body=ALREADY_FILLED, times=1)
    text = await fail(mcp, "create_event_invitee", **args)
    assert "already_filled" in text
    assert "list_event_type_available_times" in text
    assert len(writes(sandbox, "/invitees")) == 1, "sent once, never repeated"
    again = await call(mcp, "create_event_invitee", **args)
    assert again["already_booked"] is False
    assert len(writes(sandbox, "/invitees")) == 2


async def test_real_names_and_zones_are_booked(mcp: Client, sandbox: SandboxProcess) -> None:
    """Invisible characters inside a visible name (a Persian zero-width non-joiner, a combining accent)
    are writing, not tricks; zones with three parts or an odd offset are zones."""
    event_type, slots = await bookable(mcp, sandbox)
    for slot, zone, name in (
        (slots[0], "America/Argentina/Buenos_Aires", "Mehr\u200cnaz Ra\u0301mos"),
        (slots[1], "Asia/Kolkata", "Zoë O'Brien"),
        (slots[2], "UTC", "李小龍"),
    ):
        args = booking(event_type, slot, f"zone-{len(zone)}@example.com") | {"timezone": zone, "name": name}
        invitee = await call(mcp, "create_event_invitee", **args)
        assert (invitee["timezone"], invitee["name"]) == (zone, name)


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
        mcp, "create_event_invitee", **args, answers={"Favourite colour?": "blue"}
    )
    assert "is not offered by" in await fail(
        mcp, "create_event_invitee", **args, location_kind="webex_conference"
    )
    assert writes(sandbox, "/invitees") == [], "refused before calling"


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


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


# --- booking once: the same booking asked again answers the meeting already made ----------------------


def own_record(tmp_path: Path, mode: Mode, url: str) -> dict[str, str]:
    """A server environment with a booking record of this test's own."""
    return server_env(mode, url, CALENDLY_MCP_DATABASE_URL=f"sqlite:///{tmp_path / 'bookings.sqlite3'}")


def api_requests(sandbox: SandboxProcess) -> list[str]:
    """The sandbox's request log as `METHOD /path` lines, the gateway's /calendly prefix dropped."""
    return [f"{r['method']} {r['path'].removeprefix('/calendly')}" for r in sandbox.requests()]


async def meetings_at(client: Client, email: str, slot: str) -> list[dict[str, Any]]:
    start = datetime.fromisoformat(slot.replace("Z", "+00:00"))
    listed = await call(
        client,
        "list_scheduled_events",
        invitee_email=email,
        status="active",
        min_start_time=slot,
        max_start_time=iso(start + timedelta(minutes=1)),
    )
    return listed["collection"]


async def test_the_same_booking_asked_twice_answers_the_same_meeting(
    mcp: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    email = f"twice-{mode}@example.com"
    first = await call(mcp, "create_event_invitee", **booking(event_type, slots[0], email))
    assert first["already_booked"] is False
    assert first["note"] is None
    # The answer was lost; the model asks again (the address as a person might type it).
    again = await call(mcp, "create_event_invitee", **booking(event_type, slots[0], email.upper()))
    assert again["already_booked"] is True
    assert "nothing new was booked" in again["note"]
    assert (again["uri"], again["event"]) == (first["uri"], first["event"])
    assert len(writes(sandbox, "/invitees")) == 1
    assert [e["uri"] for e in await meetings_at(mcp, email, slots[0])] == [first["event"]]


async def test_a_booking_whose_answer_was_cut_off_asked_again_answers_the_meeting(
    mcp: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    """The issue as measured: the booking took effect, its answer broke off, the model asks again."""
    event_type, slots = await bookable(mcp, sandbox)
    args = booking(event_type, slots[0], f"cut-off-{mode}@example.com")
    sandbox.fault(method="POST", path=INVITEES, action="reset_mid_body", times=1)
    lost = await fail(mcp, "create_event_invitee", **args)
    assert "may or may not have taken effect" in lost
    assert "Calling create_event_invitee again with the same event_type, start_time and email is safe" in lost
    again = await call(mcp, "create_event_invitee", **args)
    assert again["already_booked"] is True
    assert "on Calendly" in again["note"]
    assert "already_filled" not in str(again)
    assert len(writes(sandbox, "/invitees")) == 1
    assert [e["uri"] for e in await meetings_at(mcp, args["email"], slots[0])] == [again["event"]]


async def test_a_slot_not_offered_is_refused_before_the_post(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    off_grid = iso(datetime.fromisoformat(slots[0].replace("Z", "+00:00")) + timedelta(minutes=7))
    sandbox.clear_requests()
    text = await fail(mcp, "create_event_invitee", **booking(event_type, off_grid, "off-grid@example.com"))
    assert f"start_time {off_grid} is not an offered slot" in text
    assert slots[0] in text, "the offered slots nearby are named"
    assert "list_event_type_available_times" in text
    assert "GET /event_type_available_times" in api_requests(sandbox)
    assert writes(sandbox, "/invitees") == [], "refused before the POST"


async def test_a_meeting_booked_elsewhere_is_answered_not_booked_again(
    mcp: Client, sandbox: SandboxProcess, mode: Mode, tmp_path: Path
) -> None:
    """No record of ours knows it (booked by another server with its own record): Calendly does."""
    event_type, slots = await bookable(mcp, sandbox)
    email = f"elsewhere-{mode}@example.com"
    async with connect("stdio", own_record(tmp_path, mode, sandbox.url)) as elsewhere:
        first = await call(elsewhere, "create_event_invitee", **booking(event_type, slots[0], email))
    again = await call(mcp, "create_event_invitee", **booking(event_type, slots[0], email))
    assert again["already_booked"] is True
    assert "on Calendly" in again["note"]
    assert again["uri"] == first["uri"]
    assert len(writes(sandbox, "/invitees")) == 1


async def test_a_canceled_booking_asked_again_is_booked_again(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    args = booking(event_type, slots[0], "rebook@example.com")
    first = await call(mcp, "create_event_invitee", **args)
    await call(mcp, "cancel_scheduled_event", event=first["event"])
    again = await call(mcp, "create_event_invitee", **args)
    assert again["already_booked"] is False
    assert again["uri"] != first["uri"]
    assert len(writes(sandbox, "/invitees")) == 2


async def test_the_record_survives_a_restart(sandbox: SandboxProcess, mode: Mode, tmp_path: Path) -> None:
    env = own_record(tmp_path, mode, sandbox.url)
    async with connect("stdio", env) as before:
        event_type, slots = await bookable(before, sandbox)
        args = booking(event_type, slots[0], f"restart-{mode}@example.com")
        first = await call(before, "create_event_invitee", **args)
    sandbox.clear_requests()
    async with connect("stdio", env) as after:
        again = await call(after, "create_event_invitee", **args)
    assert again["already_booked"] is True
    assert "booking record" in again["note"]
    assert again["uri"] == first["uri"]
    sent = api_requests(sandbox)
    assert not any(r.startswith("POST") for r in sent), sent
    assert "GET /scheduled_events" not in sent, "answered from the record (then re-read), not searched for"


async def test_a_server_killed_mid_booking_then_a_fresh_one_answers_the_meeting(
    sandbox: SandboxProcess, mode: Mode, tmp_path: Path
) -> None:
    """The sandbox books, then answers late; the server is SIGKILLed while it waits. A new process with
    the same record, asked the same booking, finds the meeting instead of booking a second one."""
    env = own_record(tmp_path, mode, sandbox.url)
    email = f"killed-{mode}@example.com"
    async with http_server_and_process("streamable-http", env) as (base, process):
        async with Client(f"{base}/mcp") as client:
            event_type, slots = await bookable(client, sandbox)
        args = booking(event_type, slots[0], email)
        sandbox.clear_requests()
        sandbox.fault(method="POST", path=INVITEES, action="late", delay_seconds=5, times=1)

        async def doomed() -> None:
            with suppress(Exception):
                async with Client(f"{base}/mcp") as client:
                    await client.call_tool("create_event_invitee", args)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(doomed)
            with anyio.fail_after(10):  # until the sandbox has booked it, and holds the answer back
                while True:
                    if [r for r in writes(sandbox, "/invitees") if r["status"] == 201]:
                        break
                    await anyio.sleep(0.05)
            process.kill()  # SIGKILL: no cleanup of any kind
            await process.wait()
            tasks.cancel_scope.cancel()
    killed = api_requests(sandbox)
    assert killed[-1] == "POST /invitees", killed
    httpx2.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()

    sandbox.clear_requests()
    async with connect("stdio", env) as fresh:
        again = await call(fresh, "create_event_invitee", **args)
        retried = api_requests(sandbox)
        meetings = await meetings_at(fresh, email, slots[0])
    print("\nkilled process:", killed, "\nfresh process:", retried)
    assert again["already_booked"] is True
    assert "on Calendly" in again["note"]
    assert not any(r.startswith("POST") for r in retried), retried
    assert [m["uri"] for m in meetings] == [again["event"]], "exactly one meeting for that invitee then"


async def test_two_processes_asked_the_same_booking_at_once_book_it_once(
    sandbox: SandboxProcess, mode: Mode, tmp_path: Path
) -> None:
    env = own_record(tmp_path, mode, sandbox.url)
    email = f"both-{mode}@example.com"
    async with connect("stdio", env) as one, connect("stdio", env) as two:
        event_type, slots = await bookable(one, sandbox)
        args = booking(event_type, slots[0], email)
        await call(two, "get_current_user")  # both warm: the race is the booking's alone
        sandbox.clear_requests()
        # The booking takes a second: both calls are surely in flight together.
        sandbox.fault(method="POST", path=INVITEES, action="late", delay_seconds=1, times=1)
        answers: list[dict[str, Any]] = []

        async def book(client: Client) -> None:
            answers.append(await call(client, "create_event_invitee", **args))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(book, one)
            tasks.start_soon(book, two)
        meetings = await meetings_at(one, email, slots[0])
    assert len(writes(sandbox, "/invitees")) == 1, api_requests(sandbox)
    assert sorted(a["already_booked"] for a in answers) == [False, True]
    second = next(a for a in answers if a["already_booked"])
    assert "another request" in second["note"], "the two calls were in flight together"
    assert answers[0]["uri"] == answers[1]["uri"]
    assert [m["uri"] for m in meetings] == [answers[0]["event"]]


async def test_a_colleagues_event_type_is_checked_through_the_organization(
    mcp: Client, sandbox: SandboxProcess, mode: Mode, tmp_path: Path
) -> None:
    """The host is another user: Calendly lists their meetings only with the organization named too."""
    info = sandbox.info()
    me = await call(mcp, "get_current_user")
    colleague = next(u["uri"] for u in info["users"] if u["uri"] != me["uri"] and u["role"] == "admin")
    uri = info["examples"]["bookable_event_types"][colleague]
    event_type = await call(mcp, "get_event_type", event_type=uri)
    slots = await call(mcp, "list_event_type_available_times", event_type=uri, **window())
    args = booking(event_type, slots["collection"][0]["start_time"], f"colleague-{mode}@example.com")
    first = await call(mcp, "create_event_invitee", **args)
    async with connect("stdio", own_record(tmp_path, mode, sandbox.url)) as elsewhere:
        sandbox.clear_requests()
        again = await call(elsewhere, "create_event_invitee", **args)
    assert (again["already_booked"], again["uri"]) == (True, first["uri"])
    assert "on Calendly" in again["note"]
    lists = [r for r in sandbox.requests() if r["path"].endswith("/scheduled_events")]
    assert [r["status"] for r in lists] == [403, 200]
    assert "organization=" in lists[1]["query"]
    assert len(writes(sandbox, "/invitees")) == 0
