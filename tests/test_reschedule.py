"""reschedule_meeting through a real client and server: the new slot booked first, the old meeting cancelled
only after; a cancellation that fails leaves both (said plainly); a booking refused by the plan or the
rate limit hands back a single-use link and keeps the old meeting; a repeat moves nothing twice."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused

pytestmark = pytest.mark.anyio

INVITEES = "^(/calendly)?/invitees$"
CANCEL = r"^(/calendly)?/scheduled_events/[^/]+/cancellation$"
LINKS = "^(/calendly)?/scheduling_links$"


async def booked_meeting(
    client: Client, sandbox: SandboxProcess, email: str
) -> tuple[dict[str, Any], list[str]]:
    """A meeting of the owner's bookable event type with one invitee (in Sao Paulo), and the other slots."""
    me = await call(client, "get_current_user")
    uri = sandbox.info()["examples"]["bookable_event_types"][me["uri"]]
    event_type = await call(client, "get_event_type", event_type=uri)
    slots = await call(
        client,
        "list_event_type_available_times",
        event_type=uri,
        start_time=iso(minutes=5),
        end_time=iso(days=6),
    )
    starts = [s["start_time"] for s in slots["collection"]]
    assert len(starts) >= 3
    args: dict[str, Any] = {
        "event_type": uri,
        "start_time": starts[0],
        "email": email,
        "timezone": "America/Sao_Paulo",
        "name": "Ana Souza",
    }
    kinds: list[str] = [loc["kind"] for loc in event_type.get("locations") or []]
    if kinds:
        args["location_kind"] = kinds[0]
    if kinds and kinds[0] in ("physical", "outbound_call", "ask_invitee", "custom"):
        args["location"] = "Room 4" if kinds[0] != "outbound_call" else "+5511999990000"
    booked = await call(client, "create_event_invitee", **args)
    return booked, starts[1:]


def posts(sandbox: SandboxProcess, ending: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "POST" and r["path"].endswith(ending)]


async def status(client: Client, event: str) -> str:
    return (await call(client, "get_scheduled_event", event=event))["status"]


async def at(client: Client, email: str, start: str) -> list[dict[str, Any]]:
    found = await call(
        client, "list_scheduled_events", invitee_email=email, status="active", min_start_time=start, count=5
    )
    return [e for e in found["collection"] if e["start_time"] == start]


async def test_moves_the_invitee_booking_first_then_cancelling(mcp: Client, sandbox: SandboxProcess) -> None:
    booked, slots = await booked_meeting(mcp, sandbox, "move@example.com")
    old = booked["event"]
    sandbox.clear_requests()
    moved = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert moved["outcome"] == "moved"
    assert moved["old_canceled"] is True
    assert moved["zone"] == "America/Sao_Paulo"
    assert moved["start_local"].endswith("-03:00")
    order = [r["path"] for r in sandbox.requests() if r["method"] == "POST"]
    assert [p.rsplit("/", 1)[-1] for p in order] == ["invitees", "cancellation"], order
    assert await status(mcp, old) == "canceled"
    [new] = await at(mcp, "move@example.com", slots[0])
    assert new["uri"] == moved["new_event"]
    invitees = await call(mcp, "list_event_invitees", event=new["uri"])
    assert [(i["name"], i["email"]) for i in invitees["collection"]] == [("Ana Souza", "move@example.com")]

    # Asked again: the move is answered, nothing booked or cancelled twice.
    sandbox.clear_requests()
    again = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert again["outcome"] == "moved"
    assert again["new_event"] == moved["new_event"]
    assert posts(sandbox, "/invitees") == []
    assert posts(sandbox, "/cancellation") == []


async def test_a_failed_cancellation_leaves_both_meetings_and_says_so(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    booked, slots = await booked_meeting(mcp, sandbox, "both@example.com")
    old = booked["event"]
    sandbox.fault(method="POST", path=CANCEL, status=403, times=1)
    result = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert result["outcome"] == "both_meetings_exist"
    assert result["old_canceled"] is False
    old_id = old.rsplit("/", 1)[1]
    text = result["message"]
    assert "Both meetings exist now" in text, text
    assert f"cancel_scheduled_event event={old_id}" in text, text
    assert "Permission Denied" in text  # Calendly's own words of the failure
    assert await status(mcp, old) == "active"
    assert len(await at(mcp, "both@example.com", slots[0])) == 1

    # The advice works: asked again, the booking is found (not made twice) and the old meeting cancelled.
    sandbox.clear_requests()
    again = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert again["outcome"] == "moved"
    assert again["new_event"] == result["new_event"]
    assert posts(sandbox, "/invitees") == []
    assert len(posts(sandbox, "/cancellation")) == 1
    assert await status(mcp, old) == "canceled"


async def test_a_lost_booking_answer_cancels_nothing(mcp: Client, sandbox: SandboxProcess) -> None:
    booked, slots = await booked_meeting(mcp, sandbox, "lost@example.com")
    old = booked["event"]
    sandbox.fault(method="POST", path=INVITEES, action="reset_mid_body", times=1)
    text = await fail(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert "was NOT cancelled" in text, text
    assert "reschedule_meeting again" in text, text
    assert await status(mcp, old) == "active"
    again = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert again["outcome"] == "moved"
    assert len(await at(mcp, "lost@example.com", slots[0])) == 1  # booked once, in all
    assert await status(mcp, old) == "canceled"


@pytest.mark.parametrize("refusal", ["plan", "rate"])
async def test_a_refused_booking_hands_back_a_link_and_keeps_the_meeting(
    mcp: Client, sandbox: SandboxProcess, refusal: str
) -> None:
    booked, slots = await booked_meeting(mcp, sandbox, f"{refusal}@example.com")
    old = booked["event"]
    if refusal == "plan":
        sandbox.set_plan("basic")
    else:  # the Scheduling API's own limit, as many times as the client tries
        sandbox.fault(method="POST", path=INVITEES, status=429, headers={"Retry-After": "0"}, times=3)
    sandbox.clear_requests()
    result = await call(mcp, "reschedule_meeting", event=old, start_time=slots[0])
    assert result["outcome"] == "link_instead"
    assert result["old_canceled"] is False
    assert result["booking_url"]
    assert result["booking_url"] in result["message"]
    assert "nothing was booked and the old meeting is kept" in result["message"]
    assert posts(sandbox, "/cancellation") == []
    assert len(posts(sandbox, "/scheduling_links")) == 1
    assert await status(mcp, old) == "active"

    # create_event_invitee does the same: it says the booking was refused and gives the link.
    me = await call(mcp, "get_current_user")
    uri = sandbox.info()["examples"]["bookable_event_types"][me["uri"]]
    if refusal == "rate":
        sandbox.fault(method="POST", path=INVITEES, status=429, headers={"Retry-After": "0"}, times=3)
    args = {
        "event_type": uri,
        "start_time": slots[1],
        "email": "x@example.com",
        "timezone": "UTC",
        "name": "X",
    }
    event_type = await call(mcp, "get_event_type", event_type=uri)
    kinds: list[str] = [loc["kind"] for loc in event_type.get("locations") or []]
    if kinds and kinds[0] not in ("physical", "outbound_call", "ask_invitee", "custom"):
        args["location_kind"] = kinds[0]
    text = await fail(mcp, "create_event_invitee", **args)
    assert "Nothing was booked" in text, text
    assert "single-use scheduling link" in text, text
    assert "/d/" in text
    assert "x@example.com" in text
    assert ("Upgrade" in text) if refusal == "plan" else ("Too Many Requests" in text), text


async def test_refusals_before_any_change(mcp: Client, sandbox: SandboxProcess) -> None:
    booked, slots = await booked_meeting(mcp, sandbox, "refuse@example.com")
    old = booked["event"]
    text = await refused(mcp, sandbox, "reschedule_meeting", event=old, start_time=iso(hours=-1))
    assert "not in the future" in text
    start = (await call(mcp, "get_scheduled_event", event=old))["start_time"]
    text = await fail(mcp, "reschedule_meeting", event=old, start_time=start)
    assert "already starts at" in text
    assert "nothing to move" in text
    text = await fail(mcp, "reschedule_meeting", event=old, start_time=slots[0], invitee="nobody@example.com")
    assert "refuse@example.com" in text
    assert "not an active invitee" in text
    text = await refused(mcp, sandbox, "reschedule_meeting", event="../users/me", start_time=slots[0])
    assert "event" in text
    assert await status(mcp, old) == "active"
