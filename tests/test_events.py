"""Scheduled events and their invitees (list, get, cancel) through MCP over stdio, in both modes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused, uid

pytestmark = pytest.mark.anyio

EVENT_TOOLS = {"list_scheduled_events", "get_scheduled_event"}

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "get_scheduled_event",
        {"event": "https://api.calendly.com/users/abc"},
        "is not a scheduled_event URI",
    ),
    ("get_scheduled_event", {"event": "abc%2F..%2Fusers"}, "not valid"),
    ("list_scheduled_events", {"min_start_time": "2026-12-01T10:00:00"}, "has no UTC offset"),
    (
        "list_scheduled_events",
        {"min_start_time": "2026-12-01T10:00:00Z", "max_start_time": "2026-11-01T10:00:00Z"},
        "is before",
    ),
    (
        "list_scheduled_events",
        {"count": 0},
        "count: is too small (given 0); accepted: an integer from 1 to 50",
    ),
    (
        "list_scheduled_events",
        {"count": 51},
        "count: is too large (given 51); accepted: an integer from 1 to 50",
    ),
    ("list_scheduled_events", {"status": "deleted"}, "'active' or 'canceled'"),
    ("list_scheduled_events", {"invitee_email": "not-an-email"}, "is not an e-mail address"),
    ("list_scheduled_events", {"page_token": "a b"}, "must be the next_page_token"),
    (
        "list_scheduled_events",
        {"usr": "someone"},
        "unknown argument 'usr' (did you mean user?); this tool takes: ",
    ),
    # cancellation
    ("cancel_scheduled_event", {"event": "../../scheduled_events/x"}, "not valid"),
    ("cancel_scheduled_event", {"event": "x", "reason": "r" * 10001}, "at most 10000"),
    # invitees
    ("get_event_invitee", {"invitee": "INV1"}, "needs its scheduled event"),
]


async def test_event_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= EVENT_TOOLS


async def test_scheduled_events_page_through_without_repeats(mcp: Client) -> None:
    first = await call(mcp, "list_scheduled_events", count=20)
    assert len(first["collection"]) == 20
    assert first["next_page_token"]
    seen = [e["uri"] for e in first["collection"]]
    token = first["next_page_token"]
    while token:
        page = await call(mcp, "list_scheduled_events", count=20, page_token=token)
        seen += [e["uri"] for e in page["collection"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) >= 30
    starts = [e["start_time"] for e in first["collection"]]
    assert starts == sorted(starts)


async def test_scheduled_event_filters(mcp: Client) -> None:
    # Whole seconds, as sent: the events' start_time has microseconds, so bounds compare as datetimes.
    now = datetime.now(UTC).replace(microsecond=0)
    future = await call(mcp, "list_scheduled_events", min_start_time=iso(now), count=50)
    assert future["collection"]
    assert all(e["start_time"] >= iso(now)[:19] for e in future["collection"])
    assert all(datetime.fromisoformat(e["start_time"]) >= now for e in future["collection"])
    window = await call(
        mcp,
        "list_scheduled_events",
        min_start_time=iso(now - timedelta(days=7)),
        max_start_time=iso(now),
        count=50,
    )
    assert all(datetime.fromisoformat(e["start_time"]) < now for e in window["collection"])
    canceled = await call(mcp, "list_scheduled_events", status="canceled", count=50)
    assert canceled["collection"]
    assert all(e["status"] == "canceled" for e in canceled["collection"])
    whole = await call(mcp, "get_scheduled_event", event=canceled["collection"][0]["uri"])
    assert whole["cancellation"]["canceler_type"] in {"host", "invitee"}
    assert canceled["collection"][0]["cancel_reason"] == whole["cancellation"]["reason"]
    newest_first = await call(mcp, "list_scheduled_events", sort="start_time:desc", count=5)
    starts = [e["start_time"] for e in newest_first["collection"]]
    assert starts == sorted(starts, reverse=True)


async def test_invitee_email_filter_and_get(mcp: Client, sandbox: SandboxProcess) -> None:
    listed = await call(mcp, "list_scheduled_events", count=1)
    some = listed["collection"][0]
    detail = await call(mcp, "get_scheduled_event", event=some["uri"])
    # The row is the part of the whole meeting a model needs to act on, in the same words.
    for key in ("uri", "name", "status", "start_time", "end_time", "start_local", "end_local"):
        assert some[key] == detail[key], key
    assert detail["timezone"] == listed["timezone"]
    assert some["location"]["type"] == detail["location"]["type"]
    assert some["hosts"] == [m["user_email"] for m in detail["event_memberships"]]
    assert some["invitees_active"] == detail["invitees_counter"]["active"]
    event_id = uid(some["uri"])
    assert await call(mcp, "get_scheduled_event", event=event_id) == detail


async def test_stale_page_token_is_calendly_400(mcp: Client) -> None:
    text = await fail(mcp, "list_scheduled_events", page_token="bm90LWEtcmVhbC10b2tlbg")
    assert "400 Invalid Argument" in text
    assert "- page_token: is invalid" in text
    assert text.endswith(
        "The page_token is stale or from another list (or other filters): call again without page_token "
        "to start from the first page."
    )
    assert "Fix the arguments" not in text
    # A token from one list is foreign to another: the same advice.
    token = (await call(mcp, "list_scheduled_events", count=1))["next_page_token"]
    event = (await call(mcp, "list_scheduled_events", count=1))["collection"][0]["uri"]
    text = await fail(mcp, "list_event_invitees", event=event, page_token=token)
    assert "call again without page_token to start from the first page" in text


async def test_invitees_of_a_meeting(mcp: Client) -> None:
    meeting = (await call(mcp, "list_scheduled_events", count=1))["collection"][0]
    invitees = await call(mcp, "list_event_invitees", event=meeting["uri"])
    assert invitees["collection"]
    one = invitees["collection"][0]
    whole = await call(mcp, "get_event_invitee", invitee=one["uri"])
    assert whole["event"] == meeting["uri"]
    for key in ("uri", "name", "email", "status", "created_at", "created_local"):
        assert one[key] == whole[key], key
    assert one["invitee_timezone"] == whole["timezone"]
    assert whole["zone"] == invitees["timezone"]
    bare_event, bare_invitee = uid(meeting["uri"]), uid(one["uri"])
    assert await call(mcp, "get_event_invitee", invitee=bare_invitee, event=bare_event) == whole
    by_email = await call(mcp, "list_event_invitees", event=bare_event, email=one["email"])
    assert [i["uri"] for i in by_email["collection"]] == [one["uri"]]


async def test_canceled_meeting_has_canceled_invitees(mcp: Client) -> None:
    canceled = (await call(mcp, "list_scheduled_events", status="canceled", count=1))["collection"][0]
    invitees = await call(mcp, "list_event_invitees", event=canceled["uri"], status="canceled")
    assert invitees["collection"]
    assert all(i["status"] == "canceled" for i in invitees["collection"])


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


# --- no-shows ------------------------------------------------------------------------------------------

NO_SHOW_REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("mark_invitee_no_show", {"invitee": "INV1"}, "needs its scheduled event"),
    (
        "mark_invitee_no_show",
        {"invitee": "https://api.calendly.com/scheduled_events/E1"},
        "not an invitee URI",
    ),
    ("mark_invitee_no_show", {"invitee": "a/../b", "event": "E1"}, "not valid"),
    (
        "get_invitee_no_show",
        {"no_show": "https://api.calendly.com/users/abc"},
        "is not a invitee_no_show URI",
    ),
    ("get_invitee_no_show", {"no_show": "x?y"}, "not valid"),
    ("delete_invitee_no_show", {"no_show": "../x"}, "not valid"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    NO_SHOW_REFUSALS,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(NO_SHOW_REFUSALS)],
)
async def test_no_show_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_mark_no_show_then_read_and_undo(mcp: Client, sandbox: SandboxProcess) -> None:
    invitee = sandbox.info()["examples"]["invitee_to_mark_no_show"]
    event_id = uid(invitee.split("/invitees/")[0])
    before = await call(mcp, "get_event_invitee", invitee=invitee)
    assert before["no_show"] is None
    # A bare invitee id beside its event is the same invitee.
    made = await call(mcp, "mark_invitee_no_show", invitee=uid(invitee), event=event_id)
    assert made["invitee"] == invitee
    assert made["uri"].startswith("https://api.calendly.com/invitee_no_shows/")
    whole = await call(mcp, "get_event_invitee", invitee=invitee)
    assert whole["no_show"]["uri"] == made["uri"]
    row = next(
        i
        for i in (await call(mcp, "list_event_invitees", event=event_id))["collection"]
        if i["uri"] == invitee
    )
    assert row["no_show"] is True
    assert await call(mcp, "get_invitee_no_show", no_show=uid(made["uri"])) == made
    again = await fail(mcp, "mark_invitee_no_show", invitee=invitee)
    assert "400 Invalid Argument" in again
    assert "invitee: is already marked as a no-show" in again
    gone = await call(mcp, "delete_invitee_no_show", no_show=made["uri"])
    assert gone == {"deleted": True, "uri": made["uri"]}
    assert (await call(mcp, "get_event_invitee", invitee=invitee))["no_show"] is None
    assert "404" in await fail(mcp, "get_invitee_no_show", no_show=made["uri"])
    assert "404" in await fail(mcp, "delete_invitee_no_show", no_show=made["uri"])


async def test_seeded_no_show_reads_like_its_invitee(mcp: Client, sandbox: SandboxProcess) -> None:
    no_show = sandbox.info()["examples"]["no_show"]
    mark = await call(mcp, "get_invitee_no_show", no_show=no_show)
    assert mark["uri"] == no_show
    invitee = await call(mcp, "get_event_invitee", invitee=mark["invitee"])
    assert invitee["no_show"] == {"uri": no_show, "invitee": None, "created_at": mark["created_at"]}


async def test_no_show_only_after_the_meeting_started(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = sandbox.info()["examples"]
    upcoming = examples["next_event_of_owner"]
    invitee = (await call(mcp, "list_event_invitees", event=upcoming))["collection"][0]["uri"]
    text = await fail(mcp, "mark_invitee_no_show", invitee=invitee)
    assert "cannot be marked as a no-show before the event starts" in text
    canceled = examples["canceled_events"][0]
    invitee = (await call(mcp, "list_event_invitees", event=canceled))["collection"][0]["uri"]
    assert "is canceled" in await fail(mcp, "mark_invitee_no_show", invitee=invitee)
    nobody = f"{upcoming}/invitees/0000aaaa-0000-4000-8000-000000000001"
    assert "404" in await fail(mcp, "mark_invitee_no_show", invitee=nobody)
