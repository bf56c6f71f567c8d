"""Meeting recaps and transcripts (list, get, update, delete, transcript parts) through MCP over stdio, in
both modes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from mcp.client import Client

from answer_sizes import DEFAULT_CEILING, LARGEST_CEILING, measure, tokens
from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused, uid

pytestmark = pytest.mark.anyio

TOOLS = (
    "list_meeting_recaps",
    "get_meeting_recap",
    "update_meeting_recap",
    "delete_meeting_recap",
    "get_meeting_transcript",
)
UNKNOWN = "0000aaaa-0000-4000-8000-000000000000"

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_meeting_recap", {"recap": "https://api.calendly.com/scheduled_events/abc"}, "is not a meeting_recap URI"),
    ("get_meeting_recap", {"recap": "../x"}, "not valid"),
    ("delete_meeting_recap", {"recap": "a b"}, "not valid"),
    ("get_meeting_transcript", {"recap": "abc", "count": 151}, "accepted: an integer from 1 to 150"),
    ("get_meeting_transcript", {"recap": "abc", "offset": -1}, "offset"),
    ("update_meeting_recap", {"recap": "abc"}, "nothing to update"),
    ("update_meeting_recap", {"recap": "abc/def", "summary_md": "x"}, "not valid"),
    ("list_meeting_recaps", {"count": 101}, "accepted: an integer from 1 to 100"),
    ("list_meeting_recaps", {"status": "done"}, "one of 'available', 'processing', 'unavailable'"),
    ("list_meeting_recaps", {"attendee": "nobody"}, "is not an e-mail address"),
    ("list_meeting_recaps", {"start_time": "2026-11-01T10:00:00"}, "has no UTC offset"),
    ("list_meeting_recaps", {"event": "https://api.calendly.com/event_types/abc"}, "is not a scheduled_event URI"),
]  # fmt: skip


def _examples(sandbox: SandboxProcess) -> dict[str, Any]:
    return sandbox.info()["examples"]


async def test_recap_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= set(TOOLS)


async def test_my_available_recaps_latest_first(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    listed = await call(mcp, "list_meeting_recaps")
    rows = listed["collection"]
    assert listed["timezone"] == me["timezone"]
    assert len(rows) >= 4
    assert {row["status"] for row in rows} == {"available"}
    starts = [datetime.fromisoformat(row["start_time"]) for row in rows]
    assert starts == sorted(starts, reverse=True)
    assert all(me["email"] in row["attendees"] for row in rows)
    assert any(row["event"] is None for row in rows)  # a meeting outside Calendly
    assert _examples(sandbox)["others_meeting_recap"] not in {row["uri"] for row in rows}
    row = rows[0]
    assert datetime.fromisoformat(row["start_local"]) == datetime.fromisoformat(row["start_time"])
    first = await call(mcp, "list_meeting_recaps", count=2)
    second = await call(mcp, "list_meeting_recaps", count=2, page_token=first["next_page_token"])
    assert [r["uri"] for r in first["collection"] + second["collection"]] == [r["uri"] for r in rows[:4]]


async def test_recap_filters(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = _examples(sandbox)
    processing = await call(mcp, "list_meeting_recaps", status="processing")
    assert [row["uri"] for row in processing["collection"]] == [examples["processing_meeting_recap"]]
    assert len((await call(mcp, "list_meeting_recaps", status="unavailable"))["collection"]) == 1
    recap = await call(mcp, "get_meeting_recap", recap=examples["meeting_recap"])
    by_event = await call(mcp, "list_meeting_recaps", event=uid(recap["event"]))
    assert [row["uri"] for row in by_event["collection"]] == [recap["uri"]]
    guest = next(a["user_email"] for a in recap["attendees"] if not a["host"])
    by_guest = await call(mcp, "list_meeting_recaps", attendee=guest.upper())
    assert recap["uri"] in {row["uri"] for row in by_guest["collection"]}
    assert all(guest in row["attendees"] for row in by_guest["collection"])
    # start_time: meetings ending at or after it; end_time: meetings starting at or before it.
    around = await call(
        mcp, "list_meeting_recaps", start_time=recap["end_time"], end_time=recap["start_time"]
    )
    assert recap["uri"] in {row["uri"] for row in around["collection"]}
    later = await call(mcp, "list_meeting_recaps", start_time=iso(minutes=1))
    assert later["collection"] == []


async def test_a_recap_whole(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["meeting_recap"]
    recap = await call(mcp, "get_meeting_recap", recap=uid(example))
    assert recap["uri"] == example
    assert recap["status"] == "available"
    assert recap["summary_md"].startswith("## Summary")
    assert "- [ ]" in recap["action_items_md"]
    assert recap["discussion_md"]
    assert recap["transcript"] == f"{example}/transcript"
    assert recap["share_link"]
    assert recap["attendees"][0]["host"] is True
    event = await call(mcp, "get_scheduled_event", event=recap["event"])
    assert recap["name"] == event["name"]
    assert datetime.fromisoformat(recap["start_time"]) == datetime.fromisoformat(event["start_time"])
    assert recap["location"]["type"] == event["location"]["type"]
    assert recap["timezone"] == (await call(mcp, "get_current_user"))["timezone"]
    assert datetime.fromisoformat(recap["end_local"]) == datetime.fromisoformat(recap["end_time"])


async def test_transcript_in_bounded_parts_that_add_up_to_the_whole(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    example = _examples(sandbox)["meeting_recap"]
    recap = await call(mcp, "get_meeting_recap", recap=example)
    first = await call(mcp, "get_meeting_transcript", recap=example)
    assert first["uri"] == f"{example}/transcript"
    assert first["offset"] == 0
    assert first["total_lines"] >= 40
    assert 0 < first["lines"] < first["total_lines"]
    assert first["next_offset"] == first["lines"]
    names = {a["user_name"] for a in recap["attendees"]}
    assert set(first["speakers"]) == names
    lines = first["text"].split("\n")
    assert len(lines) == first["lines"]
    assert all(line.split(": ", 1)[0] in names for line in lines)
    part, seen = first, list(lines)
    while part["next_offset"] is not None:
        part = await call(mcp, "get_meeting_transcript", recap=example, offset=part["next_offset"], count=150)
        seen += part["text"].split("\n")
    assert len(seen) == first["total_lines"]
    # The whole is more than a default answer may hold: that is why it comes in parts.
    assert tokens("\n".join(seen)) > DEFAULT_CEILING
    three = await call(mcp, "get_meeting_transcript", recap=example, offset=5, count=3)
    assert three["text"].split("\n") == seen[5:8]
    assert three["next_offset"] == 8
    text = await fail(mcp, "get_meeting_transcript", recap=example, offset=first["total_lines"])
    assert f"the transcript has {first['total_lines']} lines" in text


async def test_transcript_answer_size(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["meeting_recap"]
    default, failed = await measure(mcp, "get_meeting_transcript", {"recap": example})
    assert not failed
    assert 1_000 < default < DEFAULT_CEILING
    largest, failed = await measure(mcp, "get_meeting_transcript", {"recap": example, "count": 150})
    assert not failed
    assert default < largest < LARGEST_CEILING


async def test_no_transcript_while_processing(mcp: Client, sandbox: SandboxProcess) -> None:
    processing = _examples(sandbox)["processing_meeting_recap"]
    recap = await call(mcp, "get_meeting_recap", recap=processing)
    assert recap["status"] == "processing"
    assert recap["transcript"] is None
    assert recap["summary_md"] is None
    assert "404" in await fail(mcp, "get_meeting_transcript", recap=processing)


async def test_update_changes_what_a_later_get_shows(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["meeting_recap_to_update"]
    before = await call(mcp, "get_meeting_recap", recap=example)
    summary = "## Summary\nPilot agreed; **two** teams instead of one."
    updated = await call(mcp, "update_meeting_recap", recap=example, summary_md=summary, discussion_md="")
    assert updated["summary_md"] == summary
    assert updated["discussion_md"] is None  # '' clears
    assert updated["action_items_md"] == before["action_items_md"]  # not given: left as it was
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(before["updated_at"])
    after = await call(mcp, "get_meeting_recap", recap=uid(example))
    assert (after["summary_md"], after["discussion_md"]) == (summary, None)
    assert after["action_items_md"] == before["action_items_md"]


async def test_delete_removes_the_recap_and_its_transcript(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["meeting_recap_to_delete"]
    assert (await call(mcp, "get_meeting_transcript", recap=example))["lines"]
    deleted = await call(mcp, "delete_meeting_recap", recap=uid(example))
    assert deleted == {"deleted": True, "uri": example}
    assert "404" in await fail(mcp, "get_meeting_recap", recap=example)
    assert "404" in await fail(mcp, "get_meeting_transcript", recap=example)
    assert "404" in await fail(mcp, "delete_meeting_recap", recap=example)
    listed = await call(mcp, "list_meeting_recaps", count=100)
    assert example not in {row["uri"] for row in listed["collection"]}


async def test_unknown_recap_is_404(mcp: Client) -> None:
    assert "404" in await fail(mcp, "get_meeting_recap", recap=UNKNOWN)
    assert "404" in await fail(mcp, "update_meeting_recap", recap=UNKNOWN, summary_md="x")


async def test_another_users_recap_is_403(mcp: Client, sandbox: SandboxProcess) -> None:
    others = _examples(sandbox)["others_meeting_recap"]
    for tool, args in [
        ("get_meeting_recap", {}),
        ("get_meeting_transcript", {}),
        ("update_meeting_recap", {"summary_md": "mine now"}),
        ("delete_meeting_recap", {}),
    ]:
        text = await fail(mcp, tool, recap=others, **args)
        assert "403" in text, tool
        assert "You do not have permission to access this resource" in text, tool


async def test_on_the_free_plan_calendly_says_upgrade(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["meeting_recap"]
    sandbox.set_plan("basic")
    for tool, args in [
        ("list_meeting_recaps", {}),
        ("get_meeting_recap", {"recap": example}),
        ("get_meeting_transcript", {"recap": example}),
        ("update_meeting_recap", {"recap": example, "summary_md": "x"}),
        ("delete_meeting_recap", {"recap": example}),
    ]:
        text = await fail(mcp, tool, **args)
        assert "403" in text, tool
        assert "Please upgrade to a paid Calendly account" in text, tool
        assert "upgrade the account" in text, tool
    sandbox.set_plan("standard")
    assert (await call(mcp, "get_meeting_recap", recap=example))["summary_md"]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)
