"""Scheduled events: the meetings on a calendar."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from calendly_mcp.gateway import ids
from calendly_mcp.gateway.errors import InvalidInputError
from calendly_mcp.schemas.inputs import (
    Count,
    Email,
    EventId,
    EventSort,
    EventStatus,
    OrganizationArg,
    PageToken,
    Time,
    UserArg,
)
from calendly_mcp.schemas.outputs import Page
from calendly_mcp.schemas.resources import Resource, ScheduledEvent
from calendly_mcp.tools.base import READ, Ctx, ToolSpec, client, iso_utc, page, parse, user_uri


async def list_scheduled_events(
    ctx: Ctx,
    user: UserArg = None,
    organization: OrganizationArg = None,
    status: EventStatus | None = None,
    invitee_email: Annotated[Email | None, Field(description="Only meetings with this invitee")] = None,
    min_start_time: Annotated[Time | None, Field(description="Starting at or after")] = None,
    max_start_time: Annotated[Time | None, Field(description="Starting before")] = None,
    sort: EventSort = "start_time:asc",
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[ScheduledEvent]:
    """Meetings of a user (default: you) or organization, filtered by status, invitee e-mail, start range."""
    if min_start_time and max_start_time and max_start_time < min_start_time:
        raise InvalidInputError(
            f"max_start_time {max_start_time.isoformat()} is before min_start_time {min_start_time.isoformat()}"
        )
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "status": status,
        "invitee_email": invitee_email,
        "min_start_time": iso_utc(min_start_time),
        "max_start_time": iso_utc(max_start_time),
        "sort": sort,
        "count": count,
        "page_token": page_token,
    }
    if organization is not None:
        params["organization"] = ids.uri("organization", ids.parse_id("organization", organization))
        if user is not None:
            params["user"] = await user_uri(api, user)
    else:
        params["user"] = await user_uri(api, user)
    return page(ScheduledEvent, await api.get("/scheduled_events", params))


async def get_scheduled_event(ctx: Ctx, event: EventId) -> ScheduledEvent:
    """One meeting: time, location, hosts, invitee counts, cancellation."""
    path = f"/scheduled_events/{ids.parse_id('scheduled_event', event)}"
    return parse(Resource[ScheduledEvent], await client(ctx).get(path)).resource


TOOLS = [
    ToolSpec(list_scheduled_events, "events", "List scheduled events", READ),
    ToolSpec(get_scheduled_event, "events", "Get scheduled event", READ),
]
