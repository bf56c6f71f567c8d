"""Availability: available and busy times, schedules, find_available_times, through MCP over stdio."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused, uid
from test_scheduling import bookable, booking, window

pytestmark = pytest.mark.anyio

ET = "c3cd4b05-a21c-55df-b4b5-e0e26e75b237"  # the sandbox's "Intro Call" (required questions)

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    # available times: window rules, checked here because Calendly's 400 names no cause
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": iso(hours=1), "end_time": iso(days=8, hours=1)},
        "takes at most 7 days",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": iso(hours=1), "end_time": iso(days=400)},
        "find_available_times",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": iso(days=-2), "end_time": iso(days=1)},
        "is in the past",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": iso(days=2), "end_time": iso(days=1)},
        "is not after start_time",
    ),
    (
        "list_event_type_available_times",
        {"event_type": ET, "start_time": "2026-12-01T09:00:00", "end_time": iso(days=1)},
        "has no UTC offset",
    ),
    (
        "list_event_type_available_times",
        {"event_type": "../x", "start_time": iso(hours=1), "end_time": iso(days=1)},
        "not valid",
    ),
    ("list_user_busy_times", {"start_time": iso(hours=1), "end_time": iso(days=8)}, "takes at most 7 days"),
    ("list_user_busy_times", {"start_time": iso(days=-1), "end_time": iso(days=1)}, "is in the past"),
    (
        "list_user_busy_times",
        {"user": "https://evil.example/users/x", "start_time": iso(hours=1), "end_time": iso(days=1)},
        "is not a user URI",
    ),
]


async def event_type_of_me(mcp: Client, sandbox: SandboxProcess) -> str:
    me = await call(mcp, "get_current_user")
    return sandbox.info()["examples"]["bookable_event_types"][me["uri"]]


async def test_long_range_is_split_fetched_and_merged(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type = await event_type_of_me(mcp, sandbox)
    start, end = iso(timedelta(minutes=10)), iso(timedelta(days=20, minutes=10))
    sandbox.clear_requests()
    found = await call(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=start,
        end_time=end,
        timezone="Asia/Kolkata",
    )
    asked = [r for r in sandbox.requests() if r["path"].endswith("/event_type_available_times")]
    assert found["windows"] == len(asked) == 3, "20 days in 7-day windows"
    starts = [slot["start_time"] for slot in found["collection"]]
    assert starts == sorted(starts)
    assert len(starts) == len(set(starts))
    assert found["timezone"] == "Asia/Kolkata"
    assert all(slot["start_local"].endswith("+05:30") for slot in found["collection"])
    # The same slots as asking window by window: the same count, the same first ones, the same days.
    parts = [
        await call(
            mcp,
            "list_event_type_available_times",
            event_type=event_type,
            start_time=iso(timedelta(days=days, minutes=10)),
            end_time=iso(timedelta(days=min(days + 7, 20), minutes=10)),
        )
        for days in (0, 7, 14)
    ]
    assert found["total"] == sum(part["total"] for part in parts) > len(found["collection"]) == 50
    # Each part lists its first 50 (or all): joined, they start with the first 50 of the whole range.
    joined = [slot["start_time"] for part in parts for slot in part["collection"]]
    assert starts == joined[: len(starts)]
    # Every day of the range is summarized, in the zone asked for.
    assert sum(day["slots"] for day in found["days"]) == found["total"]
    assert all(day["first"] <= day["last"] for day in found["days"])
    assert found["days"][0]["date"] == found["collection"][0]["start_local"][:10]
    # The rest is asked for from the first slot not listed.
    rest_from = found["more"].split("start_time=")[1].split(",")[0]
    assert rest_from not in starts
    rest = await call(
        mcp, "find_available_times", event_type=event_type, start_time=rest_from, end_time=end, timezone="UTC"
    )
    assert rest["collection"][0]["start_time"] == rest_from
    assert rest["total"] == found["total"] - 50


async def test_short_range_is_one_request_in_my_zone(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type = await event_type_of_me(mcp, sandbox)
    found = await call(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=iso(timedelta(minutes=10)),
        end_time=iso(timedelta(days=2)),
    )
    assert found["windows"] == 1
    assert found["timezone"] == (await call(mcp, "get_current_user"))["timezone"]


async def test_find_times_refusals_and_failed_windows(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type = await event_type_of_me(mcp, sandbox)
    sandbox.clear_requests()
    assert "takes at most 92 days" in await fail(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=iso(timedelta(hours=1)),
        end_time=iso(timedelta(days=200)),
    )
    assert "is in the past" in await fail(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=iso(timedelta(days=-3)),
        end_time=iso(timedelta(days=3)),
    )
    for zone in ("Moon/Base", "localtime", "Factory", "posix/Europe/Paris", "right/UTC"):
        assert f"timezone: {zone!r} is not an IANA time zone name (e.g. America/New_York," in await fail(
            mcp,
            "find_available_times",
            event_type=event_type,
            start_time=iso(timedelta(hours=1)),
            end_time=iso(timedelta(days=3)),
            timezone=zone,
        )
    assert sandbox.requests() == []
    sandbox.fault(path="event_type_available_times$", status=404, times=None)
    text = await fail(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=iso(timedelta(hours=1)),
        end_time=iso(timedelta(days=15)),
    )
    assert "404 Resource Not Found" in text, "one failed window fails the call, in Calendly's words"


async def test_busy_times_show_a_new_booking(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type, slots = await bookable(mcp, sandbox)
    invitee = await call(mcp, "create_event_invitee", **booking(event_type, slots[0], "busy@example.com"))
    busy = await call(mcp, "list_user_busy_times", **window())
    assert invitee["event"] in {b["event"] for b in busy["collection"] if b.get("event")}
    assert all(b["start_local"] and b["end_local"] for b in busy["collection"])
    assert any(b["type"] == "external" for b in busy["collection"])


async def test_availability_schedules_of_me_and_a_colleague(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    schedules = await call(mcp, "list_user_availability_schedules")
    default = next(s for s in schedules["collection"] if s["default"])
    assert default["timezone"] == me["timezone"]
    assert any(rule["type"] == "wday" and rule["intervals"] for rule in default["rules"])
    members = await call(mcp, "list_organization_memberships", count=100)
    other = next(m for m in members["collection"] if m["user"] != me["uri"])
    theirs = await call(mcp, "list_user_availability_schedules", user=other["user"])
    assert theirs["collection"][0]["timezone"] == other["timezone"]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_get_availability_schedule_answers_the_whole_schedule(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    listed = (await call(mcp, "list_user_availability_schedules"))["collection"]
    for schedule in listed:
        got = await call(mcp, "get_user_availability_schedule", schedule=schedule["uri"])
        assert got == schedule, "every rule, the date overrides too"
        assert await call(mcp, "get_user_availability_schedule", schedule=uid(schedule["uri"])) == got
    assert {rule["type"] for schedule in listed for rule in schedule["rules"]} >= {"wday"}
    assert len([r for r in listed[0]["rules"] if r["type"] == "wday"]) == 7
    colleague = next(u["uri"] for u in sandbox.info()["users"] if u["role"] == "admin")
    theirs = (await call(mcp, "list_user_availability_schedules", user=colleague))["collection"][0]
    assert (await call(mcp, "get_user_availability_schedule", schedule=theirs["uri"]))["user"] == colleague
    assert "404" in await fail(
        mcp, "get_user_availability_schedule", schedule="0000aaaa-0000-4000-8000-0000000000aa"
    )
    assert "not valid" in await refused(mcp, sandbox, "get_user_availability_schedule", schedule="../x")
    assert "URI" in await refused(
        mcp, sandbox, "get_user_availability_schedule", schedule="https://api.calendly.com/users/x"
    )
