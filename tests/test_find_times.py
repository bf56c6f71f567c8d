"""find_available_times: any range split into allowed windows, fetched concurrently, merged, shown locally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
    assert all(slot["local_start_time"].endswith("+05:30") for slot in found["collection"])
    # The same slots as asking window by window.
    windowed: set[str] = set()
    for days in (0, 7, 14):
        window_end = min(days + 7, 20)
        part = await call(
            mcp,
            "list_event_type_available_times",
            event_type=event_type,
            start_time=iso(timedelta(days=days, minutes=10)),
            end_time=iso(timedelta(days=window_end, minutes=10)),
        )
        windowed |= {slot["start_time"] for slot in part["collection"]}
    assert set(starts) == windowed


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


async def test_refusals_and_failed_windows(mcp: Client, sandbox: SandboxProcess) -> None:
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
    assert "IANA" in await fail(
        mcp,
        "find_available_times",
        event_type=event_type,
        start_time=iso(timedelta(hours=1)),
        end_time=iso(timedelta(days=3)),
        timezone="Moon/Base",
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
