"""Offered slots across daylight-saving changes, buffers in busy times, and the calendar controls.

The expected UTC slots are written out by hand from the zone rules: New York springs forward at 02:00
EST on 2027-03-14 (to 03:00 EDT) and falls back at 02:00 EDT on 2026-11-01 (to 01:00 EST); London springs
forward at 01:00 GMT on 2027-03-28 and falls back at 02:00 BST on 2026-10-25.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from calendly_mcp.sandbox import SANDBOX_TOKEN, SandboxConfig, running_sandbox

from .helpers import API, call, event_type_named

pytestmark = pytest.mark.anyio


def utc(*times: str) -> list[str]:
    """Slots as the sandbox writes them, from "YYYY-MM-DDTHH:MM" in UTC."""
    return [f"{t}:00.000000Z" for t in times]


@pytest.fixture
def clock() -> datetime:
    return datetime(2026, 10, 20, 12, tzinfo=UTC)


@pytest.fixture
async def api(clock: datetime) -> AsyncIterator[httpx2.AsyncClient]:
    """A sandbox whose clock stands still at `clock`, seen with the owner's token (controls need none)."""
    async with running_sandbox(config=SandboxConfig(now=lambda: clock)) as box:
        headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        async with httpx2.AsyncClient(base_url=box.url, headers=headers) as client:
            yield client


async def night_slots(
    api: httpx2.AsyncClient, owner: str, event_type: str, night: str, start: str, end: str
) -> list[str]:
    """Give the owner Sunday hours `night` ("HH:MM-HH:MM", their own zone) and list the slots offered."""
    info = (await api.get("/_sandbox/info")).json()
    person = next(u for u in info["users"] if u["name"] == owner)
    frm, to = night.split("-")
    rules = [{"type": "wday", "wday": "sunday", "intervals": [{"from": frm, "to": to}]}]
    control = await api.post("/_sandbox/schedules", json={"user": person["email"], "rules": rules})
    assert control.status_code == 201, control.text
    uri = event_type_named(info, owner, event_type)["uri"]
    params = {"event_type": uri, "start_time": start, "end_time": end}
    body = await call(api, "GET", "/event_type_available_times", 200, params=params)
    return [slot["start_time"] for slot in body["collection"]]


@pytest.mark.parametrize("clock", [datetime(2027, 3, 10, 12, tzinfo=UTC)])
async def test_new_york_spring_forward_night_has_no_duplicate_slots(api: httpx2.AsyncClient) -> None:
    # Sunday 00:00-06:00 New York: 00:00-02:00 EST is 05:00-07:00Z, then 03:00-06:00 EDT is 07:00-10:00Z.
    found = await night_slots(
        api, "Maya Patel", "30 Minute Meeting", "00:00-06:00", "2027-03-14T00:00:00Z", "2027-03-15T00:00:00Z"
    )
    assert found == utc(
        "2027-03-14T05:00", "2027-03-14T05:30", "2027-03-14T06:00", "2027-03-14T06:30",
        "2027-03-14T07:00", "2027-03-14T07:30", "2027-03-14T08:00", "2027-03-14T08:30",
        "2027-03-14T09:00", "2027-03-14T09:30",
    )  # fmt: skip


@pytest.mark.parametrize("clock", [datetime(2026, 10, 28, 12, tzinfo=UTC)])
async def test_new_york_fall_back_night_offers_the_repeated_hour(api: httpx2.AsyncClient) -> None:
    # Sunday 00:00-06:00 New York: 00:00-02:00 EDT is 04:00-06:00Z, 01:00-06:00 EST again 06:00-11:00Z;
    # 01:00 and 01:30 happen twice (05:00Z and 06:00Z, 05:30Z and 06:30Z).
    found = await night_slots(
        api, "Maya Patel", "30 Minute Meeting", "00:00-06:00", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"
    )
    assert found == utc(
        "2026-11-01T04:00", "2026-11-01T04:30", "2026-11-01T05:00", "2026-11-01T05:30",
        "2026-11-01T06:00", "2026-11-01T06:30", "2026-11-01T07:00", "2026-11-01T07:30",
        "2026-11-01T08:00", "2026-11-01T08:30", "2026-11-01T09:00", "2026-11-01T09:30",
        "2026-11-01T10:00", "2026-11-01T10:30",
    )  # fmt: skip


@pytest.mark.parametrize("clock", [datetime(2027, 3, 24, 12, tzinfo=UTC)])
async def test_london_spring_forward_night(api: httpx2.AsyncClient) -> None:
    # Sunday 00:00-04:00 London: 00:00-01:00 GMT is 00:00-01:00Z, 02:00-04:00 BST 01:00-03:00Z; the
    # 60-minute Design Review on a 30-minute step: five starts, none twice.
    found = await night_slots(
        api, "Oliver Bennett", "Design Review", "00:00-04:00", "2027-03-27T12:00:00Z", "2027-03-28T12:00:00Z"
    )
    assert found == utc(
        "2027-03-28T00:00", "2027-03-28T00:30", "2027-03-28T01:00", "2027-03-28T01:30", "2027-03-28T02:00"
    )


async def test_london_fall_back_night(api: httpx2.AsyncClient) -> None:
    # Sunday 00:00-04:00 London on 2026-10-25: 00:00-02:00 BST is 23:00Z (the 24th) to 01:00Z, then
    # 01:00-04:00 GMT 01:00-04:00Z: five hours, nine 60-minute starts.
    found = await night_slots(
        api, "Oliver Bennett", "Design Review", "00:00-04:00", "2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z"
    )
    assert found == utc(
        "2026-10-24T23:00", "2026-10-24T23:30", "2026-10-25T00:00", "2026-10-25T00:30", "2026-10-25T01:00",
        "2026-10-25T01:30", "2026-10-25T02:00", "2026-10-25T02:30", "2026-10-25T03:00",
    )  # fmt: skip


async def test_busy_times_carry_the_event_types_buffers(api: httpx2.AsyncClient) -> None:
    info = (await api.get("/_sandbox/info")).json()
    owner = next(u["uri"] for u in info["users"] if u["name"] == "Maya Patel")
    params = {"user": owner, "start_time": "2026-10-20T12:05:00Z", "end_time": "2026-10-27T12:00:00Z"}

    async def busy_with_types() -> list[tuple[dict[str, Any], str | None]]:
        busy = (await call(api, "GET", "/user_busy_times", 200, params=params))["collection"]
        found: list[tuple[dict[str, Any], str | None]] = []
        for item in busy:
            event = None
            if item["type"] == "calendly":
                event = (await call(api, "GET", item["event"]["uri"].removeprefix(API), 200))["resource"]
            found.append((item, event["event_type"] if event else None))
        return found

    before_patch = await busy_with_types()
    for item, _ in before_patch:
        assert (item["buffered_start_time"], item["buffered_end_time"]) == (
            item["start_time"],
            item["end_time"],
        )
    solo = {et["uri"] for et in info["event_types"] if et["kind"] == "solo"}
    buffered_type = next(kind for _, kind in before_patch if kind is not None and kind in solo)
    await call(
        api, "PATCH", buffered_type.removeprefix(API), 200, json={"before_buffer": 15, "after_buffer": 10}
    )
    kinds = {"buffered": 0, "plain": 0}
    for item, kind in await busy_with_types():
        shift = (15, 10) if kind == buffered_type else (0, 0)
        kinds["buffered" if kind == buffered_type else "plain"] += 1
        start, end = datetime.fromisoformat(item["start_time"]), datetime.fromisoformat(item["end_time"])
        before = start - datetime.fromisoformat(item["buffered_start_time"])
        after = datetime.fromisoformat(item["buffered_end_time"]) - end
        assert (before // timedelta(minutes=1), after // timedelta(minutes=1)) == shift, item
    assert kinds["buffered"]
    assert kinds["plain"]


async def test_a_member_in_a_half_hour_zone_with_a_date_override(api: httpx2.AsyncClient) -> None:
    member = {
        "name": "Asha Iyer",
        "email": "asha.iyer@northwind.example.com",
        "timezone": "Asia/Kolkata",
        "rules": [{"type": "date", "date": "2026-10-22", "intervals": [{"from": "14:00", "to": "18:30"}]}],
    }
    added = await api.post("/_sandbox/members", json=member)
    assert added.status_code == 201, added.text
    user = added.json()["user"]
    org = (await call(api, "GET", "/users/me", 200))["resource"]["current_organization"]
    found = await call(
        api, "GET", "/organization_memberships", 200, params={"organization": org, "email": member["email"]}
    )
    assert [m["user"]["timezone"] for m in found["collection"]] == ["Asia/Kolkata"]
    schedules = await call(api, "GET", "/user_availability_schedules", 200, params={"user": user})
    (schedule,) = schedules["collection"]
    assert schedule["timezone"] == "Asia/Kolkata"
    rules = {r.get("wday") or r["date"]: r["intervals"] for r in schedule["rules"]}
    assert rules["monday"] == [{"from": "09:00", "to": "17:00"}]
    assert rules["saturday"] == []
    assert rules["2026-10-22"] == [{"from": "14:00", "to": "18:30"}]
    block = {"user": user, "start_time": "2026-10-22T10:00:00+05:30", "end_time": "2026-10-22T11:00:00+05:30"}
    assert (await api.post("/_sandbox/busy", json=block)).status_code == 201
    params = {"user": user, "start_time": "2026-10-21T00:00:00Z", "end_time": "2026-10-23T00:00:00Z"}
    busy = (await call(api, "GET", "/user_busy_times", 200, params=params))["collection"]
    assert [(b["type"], b["start_time"], b["end_time"]) for b in busy] == [
        ("external", "2026-10-22T04:30:00.000000Z", "2026-10-22T05:30:00.000000Z")
    ]
    again = await api.post("/_sandbox/members", json=member)
    assert again.status_code == 400
    assert "already a member" in again.json()["error"]
    wrong = {
        "user": user,
        "rules": [{"type": "wday", "wday": "monday", "intervals": [{"from": "22:00", "to": "02:00"}]}],
    }
    refused = await api.post("/_sandbox/schedules", json=wrong)
    assert refused.status_code == 400
    assert "split a night" in refused.json()["error"]
