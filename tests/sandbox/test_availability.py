"""Available and busy times are computed from schedules, meetings and external blocks, within Calendly's windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest

from calendly_mcp.sandbox import RunningSandbox

from .helpers import API, call, event_type_named, info, me, slots, stamp, window

pytestmark = pytest.mark.anyio

BARE_400 = {"title": "Invalid Argument", "message": "The supplied parameters are invalid."}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def intervals_by_day(
    schedule: dict[str, Any],
) -> tuple[dict[str, list[tuple[time, time]]], dict[date, list[tuple[time, time]]]]:
    def spans(rule: dict[str, Any]) -> list[tuple[time, time]]:
        return [(time.fromisoformat(i["from"]), time.fromisoformat(i["to"])) for i in rule["intervals"]]

    weekly = {rule["wday"]: spans(rule) for rule in schedule["rules"] if rule["type"] == "wday"}
    dated = {
        date.fromisoformat(rule["date"]): spans(rule) for rule in schedule["rules"] if rule["type"] == "date"
    }
    return weekly, dated


async def test_slots_follow_the_schedule_and_avoid_busy_times(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    schedule = (
        await call(direct, "GET", "/user_availability_schedules", 200, params={"user": owner["uri"]})
    )["collection"][0]
    weekly, dated = intervals_by_day(schedule)
    zone = ZoneInfo(schedule["timezone"])
    types = (await call(direct, "GET", "/event_types", 200, params={"user": owner["uri"], "active": "true"}))[
        "collection"
    ]
    thirty = next(et for et in types if et["slug"] == "30min")
    found = await slots(direct, thirty["uri"], days=14)
    assert len(found) > 20
    busy: list[dict[str, Any]] = []
    for days in (0, 7):
        params = {"user": owner["uri"], **window(7, after_minutes=2 + days * 24 * 60)}
        busy += (await call(direct, "GET", "/user_busy_times", 200, params=params))["collection"]
    assert {b["type"] for b in busy} == {"calendly", "external"}
    now = datetime.now(UTC)
    override_days = set(dated)
    for slot in found:
        start = datetime.fromisoformat(slot["start_time"])
        end = start + timedelta(minutes=thirty["duration"])
        local = start.astimezone(zone)
        assert start > now
        assert slot["status"] == "available"
        assert slot["invitees_remaining"] == 1
        assert local.minute in (0, 30)  # 30-minute step for a 30-minute event type
        day_spans = dated.get(local.date(), weekly[WEEKDAYS[local.weekday()]])
        assert any(a <= local.time() and end.astimezone(zone).time() <= b for a, b in day_spans)
        for block in busy:
            assert not (
                datetime.fromisoformat(block["start_time"]) < end
                and start < datetime.fromisoformat(block["end_time"])
            )
        assert slot["scheduling_url"] == (
            f"{thirty['scheduling_url']}/{start:%Y-%m-%dT%H:%M:%SZ}?month={local:%Y-%m}&date={local:%Y-%m-%d}"
        )
    # The short day (mornings only) is honoured when it falls inside the window.
    short = [d for d in override_days if dated[d]]
    for slot in found:
        local = datetime.fromisoformat(slot["start_time"]).astimezone(zone)
        if local.date() in short:
            assert local.hour < 12


async def test_short_event_types_step_by_15_minutes(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    fifteen = event_type_named(data, "Maya Patel", "15 Minute Meeting")
    assert fifteen["slot_step_minutes"] == 15
    minutes = {datetime.fromisoformat(s["start_time"]).minute for s in await slots(direct, fifteen["uri"])}
    assert minutes == {0, 15, 30, 45}


async def test_available_times_windows_and_errors(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    event_type = event_type_named(data, "Maya Patel", "30 Minute Meeting")["uri"]
    path = "/event_type_available_times"
    start = datetime.now(UTC) + timedelta(minutes=5)
    ok = {"event_type": event_type, "start_time": stamp(start), "end_time": stamp(start + timedelta(days=31))}
    assert (await call(direct, "GET", path, 200, params=ok))["collection"]
    for bad in (
        {**ok, "end_time": stamp(start + timedelta(days=31, minutes=1))},  # over 31 days
        {**ok, "start_time": stamp(start - timedelta(hours=2))},  # in the past
        {**ok, "end_time": stamp(start - timedelta(minutes=1))},  # end before start
    ):
        assert await call(direct, "GET", path, 400, params=bad) == BARE_400  # Calendly names no cause
    for missing in ("event_type", "start_time", "end_time"):
        body = await call(direct, "GET", path, 400, params={k: v for k, v in ok.items() if k != missing})
        assert body["details"][0]["parameter"] == missing
    await call(direct, "GET", path, 400, params={**ok, "start_time": "tomorrow"})
    await call(direct, "GET", path, 400, params={**ok, "event_type": "https://example.com/event_types/x"})
    await call(direct, "GET", path, 404, params={**ok, "event_type": f"{API}/event_types/nope"})
    retired = next(et for et in data["event_types"] if not et["active"])
    await call(direct, "GET", path, 400, params={**ok, "event_type": retired["uri"]})


async def test_busy_times(
    box: RunningSandbox, direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient
) -> None:
    owner = await me(direct)
    path = "/user_busy_times"
    found = (await call(direct, "GET", path, 200, params={"user": owner["uri"], **window(7)}))["collection"]
    external = [b for b in found if b["type"] == "external"]
    calendly = [b for b in found if b["type"] == "calendly"]
    assert external
    assert calendly
    assert all("event" not in b for b in external)
    store = box.sandbox.store
    for block in calendly:
        event = store.event(block["event"]["uri"].rsplit("/", 1)[1])
        assert event is not None
        assert event.status == "active"
        assert owner["uri"].rsplit("/", 1)[1] in event.hosts
        assert block["buffered_start_time"] == block["start_time"]
    assert [b["start_time"] for b in found] == sorted(b["start_time"] for b in found)

    start = datetime.now(UTC) + timedelta(minutes=5)
    ok = {"user": owner["uri"], "start_time": stamp(start), "end_time": stamp(start + timedelta(days=7))}
    await call(direct, "GET", path, 200, params=ok)
    for bad in (
        {**ok, "end_time": stamp(start + timedelta(days=7, minutes=1))},
        {**ok, "start_time": stamp(start - timedelta(days=1))},
        {**ok, "end_time": stamp(start)},
    ):
        assert await call(direct, "GET", path, 400, params=bad) == BARE_400
    await call(direct, "GET", path, 400, params={k: v for k, v in ok.items() if k != "user"})
    await call(direct, "GET", path, 403, params={**ok, "user": f"{API}/users/ZZZZZZZZZZZZZZZZ"})

    # A member who is not an admin sees only their own busy times.
    haruto = next(c for c in store.connections() if c.user != store.owner.uuid)
    gateway.headers["Maton-Connection"] = haruto.connection_id
    mine = await me(gateway)
    await call(gateway, "GET", path, 200, params={**ok, "user": mine["uri"]})
    await call(gateway, "GET", path, 403, params=ok)
