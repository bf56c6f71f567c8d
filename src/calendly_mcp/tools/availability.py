"""Availability: free slots of an event type, busy times and working hours of a user.

Calendly answers a window it does not accept with a bare 400 that names no cause, so the windows are
checked here first, and the message says exactly what is wrong and what to do instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import Field

from calendly_mcp.gateway import ids
from calendly_mcp.gateway.errors import InvalidInputError
from calendly_mcp.schemas.inputs import EventTypeId, Time, UserArg
from calendly_mcp.schemas.outputs import Items
from calendly_mcp.schemas.resources import AvailabilitySchedule, AvailableTime, BusyTime, Collection
from calendly_mcp.tools.base import READ, Ctx, ToolSpec, client, iso_utc, parse, state, user_uri

BUSY_MAX_DAYS = 7  # Calendly's own limit for user_busy_times
# A start a few seconds old is the caller's "now" arriving late, not a request for the past.
CLOCK_SLACK = timedelta(seconds=60)

Start = Annotated[Time, Field(description="Window start, not in the past")]
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


async def list_event_type_available_times(
    ctx: Ctx, event_type: EventTypeId, start_time: Start, end_time: End
) -> Items[AvailableTime]:
    """Bookable start times of an event type in a window (CALENDLY_AVAILABILITY_MAX_DAYS long at most)."""
    max_days = state(ctx).settings.calendly_availability_max_days
    start, end = check_window(
        start_time,
        end_time,
        max_days=max_days,
        tool="list_event_type_available_times",
        longer=f"Use find_available_times for longer ranges, or split the range into {max_days}-day windows.",
    )
    params = {
        "event_type": ids.uri("event_type", ids.parse_id("event_type", event_type)),
        "start_time": iso_utc(start),
        "end_time": iso_utc(end),
    }
    body = parse(Collection[AvailableTime], await client(ctx).get("/event_type_available_times", params))
    return Items(collection=body.collection)


async def list_user_busy_times(
    ctx: Ctx, start_time: Start, end_time: End, user: UserArg = None
) -> Items[BusyTime]:
    """When a user (default: you) is busy, from Calendly meetings and connected calendars; 7 days at most."""
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
    return Items(collection=body.collection)


async def list_user_availability_schedules(ctx: Ctx, user: UserArg = None) -> Items[AvailabilitySchedule]:
    """Working-hours schedules of a user (default: you): time zone, weekly hours and date overrides."""
    api = client(ctx)
    answer = await api.get("/user_availability_schedules", {"user": await user_uri(api, user)})
    return Items(collection=parse(Collection[AvailabilitySchedule], answer).collection)


TOOLS = [
    ToolSpec(list_event_type_available_times, "availability", "List available times", READ),
    ToolSpec(list_user_busy_times, "availability", "List busy times", READ),
    ToolSpec(list_user_availability_schedules, "availability", "List availability schedules", READ),
]
