"""Availability: free slots of an event type, busy times and working hours of a user.

Calendly answers a window it does not accept with a bare 400 that names no cause, so the windows are
checked here first, and the message says exactly what is wrong and what to do instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import anyio
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import EventTypeId, Time, Timezone, UserArg
from calendly_mcp.schemas.outputs import BusyRow, Day, Items, Slot, Slots, ZonedItems, local
from calendly_mcp.schemas.resources import AvailabilitySchedule, AvailableTime, BusyTime, Collection, Resource
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, iso_utc, parse, state
from calendly_mcp.tools._scope import caller_zone, user_uri

TOOLS = Toolset("availability")

BUSY_MAX_DAYS = 7  # Calendly's own limit for user_busy_times
# A start a few seconds old is the caller's "now" arriving late, not a request for the past.
CLOCK_SLACK = timedelta(seconds=60)

Start = Annotated[Time, Field(description="Not in the past")]
End = Annotated[Time, Field(description="Window end")]


def check_window(
    start: datetime, end: datetime, *, max_days: int, tool: str, longer: str
) -> tuple[datetime, datetime]:
    """The window to send, or a refusal naming the limit, the range given and what to do instead."""
    now = datetime.now(UTC)
    if end <= start:
        raise InvalidInputError(f"end_time {iso_utc(end)} is not after start_time {iso_utc(start)}")
    if start < now - CLOCK_SLACK:
        raise InvalidInputError(
            f"start_time {iso_utc(start)} is in the past (now is {iso_utc(now.replace(microsecond=0))}); "
            f"{tool} only looks forward: start at or after now"
        )
    start = max(start, now)
    if end - start > timedelta(days=max_days):
        days = (end - start) / timedelta(days=1)
        raise InvalidInputError(
            f"the range {iso_utc(start)} to {iso_utc(end)} spans {days:.1f} days; {tool} takes at most "
            f"{max_days} days. {longer}"
        )
    return start, end


# A slot list is bounded: the first ones in full, and every day of the range summarized.
MAX_SLOTS = 50


def slots_answer(found: Sequence[AvailableTime], zone: ZoneInfo, *, again: str) -> Slots:
    """The answer for a set of offered slots; `again` names the call that gets the ones not listed."""
    ordered = sorted(found, key=lambda slot: slot.start_time)
    by_day: dict[str, list[datetime]] = {}
    for slot in ordered:
        moment = slot.start_time.astimezone(zone)
        by_day.setdefault(moment.date().isoformat(), []).append(moment)
    days = [
        Day(date=day, slots=len(moments), first=f"{moments[0]:%H:%M}", last=f"{moments[-1]:%H:%M}")
        for day, moments in by_day.items()
    ]
    more = None
    if len(ordered) > MAX_SLOTS:
        after = iso_utc(ordered[MAX_SLOTS].start_time)
        more = (
            f"{len(ordered) - MAX_SLOTS} more slots from {after} (see days): call {again} "
            f"with start_time={after}, or a narrower range."
        )
    return Slots(
        timezone=zone.key,
        total=len(ordered),
        days=days,
        collection=[
            Slot(
                start_time=slot.start_time,
                start_local=local(slot.start_time, zone),
                invitees_remaining=slot.invitees_remaining,
            )
            for slot in ordered[:MAX_SLOTS]
        ],
        more=more,
        # A slot's own booking page is the event type's page plus the slot's start.
        scheduling_url=ordered[0].scheduling_url.rsplit("/", 1)[0] if ordered else None,
    )


@TOOLS.tool("List available times", READ)
async def list_event_type_available_times(
    ctx: Ctx, event_type: EventTypeId, start_time: Start, end_time: End
) -> Slots:
    """Bookable start times, up to 7 days; longer: find_available_times."""
    max_days = state(ctx).settings.calendly_availability_max_days
    start, end = check_window(
        start_time,
        end_time,
        max_days=max_days,
        tool="list_event_type_available_times",
        longer=f"Use find_available_times for longer ranges, or split the range into {max_days}-day windows.",
    )
    params = {
        "event_type": ids.uri("event_types", event_type),
        "start_time": iso_utc(start),
        "end_time": iso_utc(end),
    }
    api = client(ctx)
    body = parse(Collection[AvailableTime], await api.get("/event_type_available_times", params))
    return slots_answer(body.collection, await caller_zone(api), again="list_event_type_available_times")


@TOOLS.tool("List busy times", READ)
async def list_user_busy_times(
    ctx: Ctx, start_time: Start, end_time: End, user: UserArg = None
) -> ZonedItems[BusyRow]:
    """A user's busy times, 7 days at most."""
    start, end = check_window(
        start_time,
        end_time,
        max_days=BUSY_MAX_DAYS,
        tool="list_user_busy_times",
        longer=f"Split the range into {BUSY_MAX_DAYS}-day windows.",
    )
    api = client(ctx)
    params = {"user": await user_uri(api, user), "start_time": iso_utc(start), "end_time": iso_utc(end)}
    body = parse(Collection[BusyTime], await api.get("/user_busy_times", params))
    zone = await caller_zone(api)
    rows = [
        BusyRow(
            type=busy.type,
            start_time=busy.start_time,
            end_time=busy.end_time,
            start_local=local(busy.start_time, zone),
            end_local=local(busy.end_time, zone),
            event=busy.event.uri if busy.event else None,
        )
        for busy in body.collection
    ]
    return ZonedItems(collection=rows, timezone=zone.key)


@TOOLS.tool("List availability schedules", READ)
async def list_user_availability_schedules(ctx: Ctx, user: UserArg = None) -> Items[AvailabilitySchedule]:
    """A user's working hours and date overrides."""
    api = client(ctx)
    answer = await api.get("/user_availability_schedules", {"user": await user_uri(api, user)})
    return Items(collection=parse(Collection[AvailabilitySchedule], answer).collection)


FIND_MAX_DAYS = 92  # about three months: 14 windows of 7 days
# Every window of the longest range at once: Calendly allows 500 requests a minute, and through Maton's
# gateway the client paces requests under its 10 a second.
FIND_CONCURRENCY = 16


class FoundTimes(Slots):
    windows: int = Field(description="Calendly requests made")


@TOOLS.tool("Find available times", READ)
async def find_available_times(
    ctx: Ctx,
    event_type: EventTypeId,
    start_time: Start,
    end_time: End,
    timezone: Annotated[Timezone | None, Field(description="IANA zone; default: yours")] = None,
) -> FoundTimes:
    """Bookable start times over up to 92 days."""
    max_days = state(ctx).settings.calendly_availability_max_days
    start, end = check_window(
        start_time,
        end_time,
        max_days=FIND_MAX_DAYS,
        tool="find_available_times",
        longer="Ask for a shorter range.",
    )
    api = client(ctx)
    event_type_uri = ids.uri("event_types", event_type)
    windows: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        windows.append((cursor, min(cursor + timedelta(days=max_days), end)))
        cursor = windows[-1][1]
    found: dict[datetime, AvailableTime] = {}
    limiter = anyio.Semaphore(FIND_CONCURRENCY)
    done = 0

    async def fetch(window_start: datetime, window_end: datetime) -> None:
        nonlocal done
        async with limiter:
            params = {
                "event_type": event_type_uri,
                "start_time": iso_utc(window_start),
                "end_time": iso_utc(window_end),
            }
            body = parse(Collection[AvailableTime], await api.get("/event_type_available_times", params))
        for slot in body.collection:
            found[slot.start_time] = slot
        done += 1
        await ctx.report_progress(done, len(windows), f"{done} of {len(windows)} windows")

    # One failed window fails the call: a partial list would look like the whole truth.
    async with anyio.create_task_group() as tasks:
        for window in windows:
            tasks.start_soon(fetch, *window)
    answer = slots_answer(
        list(found.values()), await caller_zone(api, timezone), again="find_available_times"
    )
    return FoundTimes(**dict(answer), windows=len(windows))


@TOOLS.tool("Get availability schedule", READ)
async def get_user_availability_schedule(
    ctx: Ctx, schedule: Annotated[str, Field(max_length=256)]
) -> AvailabilitySchedule:
    """One availability schedule with every rule."""
    answer = await client(ctx).get(ids.path("user_availability_schedules", schedule))
    return parse(Resource[AvailabilitySchedule], answer).resource
