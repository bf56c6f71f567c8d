"""Scheduled events: the meetings on a calendar."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver.resolve import Resolve
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import (
    Count,
    Email,
    EventCount,
    EventId,
    EventSort,
    EventStatus,
    InviteeId,
    OrganizationArg,
    PageToken,
    Time,
    UserArg,
)
from calendly_mcp.schemas.outputs import Deleted, EventRow, InviteeRow, ZonedEvent, ZonedInvitee, ZonedPage
from calendly_mcp.schemas.resources import Cancellation, Invitee, NoShow, Resource, ScheduledEvent
from calendly_mcp.tools._base import CREATE, DESTROY, READ, Ctx, Toolset, client, iso_utc, page, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead, meeting, meeting_and_invitees
from calendly_mcp.tools._scope import caller_zone, owner_params

TOOLS = Toolset("events")

InviteeSort = Literal["created_at:asc", "created_at:desc"]


@TOOLS.tool("List scheduled events", READ)
async def list_scheduled_events(
    ctx: Ctx,
    user: UserArg = None,
    organization: OrganizationArg = None,
    status: EventStatus | None = None,
    invitee_email: Annotated[Email | None, Field(description="Only with this invitee")] = None,
    min_start_time: Annotated[Time | None, Field(description="Starting at or after")] = None,
    max_start_time: Annotated[Time | None, Field(description="Starting before")] = None,
    sort: EventSort = "start_time:asc",
    count: EventCount = 20,
    page_token: PageToken = None,
) -> ZonedPage[EventRow]:
    """Meetings of a user or organization."""
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
    params |= await owner_params(api, user, organization)
    found = page(ScheduledEvent, await api.get("/scheduled_events", params))
    zone = await caller_zone(api)
    rows = [EventRow.of(event, zone) for event in found.collection]
    return ZonedPage(collection=rows, next_page_token=found.next_page_token, timezone=zone.key)


@TOOLS.tool("Get scheduled event", READ)
async def get_scheduled_event(ctx: Ctx, event: EventId) -> ZonedEvent:
    """One meeting: time, location, hosts, invitees."""
    api = client(ctx)
    found = parse(Resource[ScheduledEvent], await api.get(ids.path("scheduled_events", event))).resource
    return ZonedEvent.of(found, await caller_zone(api))


async def _ask_cancel(ctx: Ctx, event: str, reason: str | None) -> Asked:
    async def question() -> str:
        api = client(ctx)
        found, people = await meeting_and_invitees(api, event)
        said = f' The reason sent: "{reason}".' if reason else ""
        return (
            f"Cancel {meeting(found, people, await caller_zone(api))}? Calendly tells the invitees; this "
            f"cannot be undone.{said}"
        )

    return await ask(ctx, question)


@TOOLS.tool("Cancel scheduled event", DESTROY)
async def cancel_scheduled_event(
    ctx: Ctx,
    confirmed: Annotated[Confirmed, Resolve(_ask_cancel)],
    event: EventId,
    reason: Annotated[str | None, Field(max_length=10000, description="Sent to invitees")] = None,
) -> Cancellation:
    """Cancel a meeting and notify invitees. Irreversible."""
    event_id = ids.bare("scheduled_events", event)
    go_ahead(confirmed, "cancel the meeting")
    body: dict[str, Any] = {} if reason is None else {"reason": reason}
    answer = await client(ctx).post(
        f"/scheduled_events/{event_id}/cancellation",
        body,
        check=f"Call get_scheduled_event with event={event_id}: status 'canceled' means it was done.",
    )
    return parse(Resource[Cancellation], answer).resource


@TOOLS.tool("List event invitees", READ)
async def list_event_invitees(
    ctx: Ctx,
    event: EventId,
    status: EventStatus | None = None,
    email: Annotated[Email | None, Field(description="Only this invitee")] = None,
    sort: InviteeSort = "created_at:asc",
    count: Count = 20,
    page_token: PageToken = None,
) -> ZonedPage[InviteeRow]:
    """A meeting's invitees."""
    path = ids.path("scheduled_events", event, "invitees")
    params: dict[str, str | int | bool | None] = {
        "status": status, "email": email, "sort": sort, "count": count, "page_token": page_token,
    }  # fmt: skip
    api = client(ctx)
    found = page(Invitee, await api.get(path, params))
    zone = await caller_zone(api)
    rows = [InviteeRow.of(invitee, zone) for invitee in found.collection]
    return ZonedPage(collection=rows, next_page_token=found.next_page_token, timezone=zone.key)


@TOOLS.tool("Get event invitee", READ)
async def get_event_invitee(
    ctx: Ctx,
    invitee: InviteeId,
    event: Annotated[str | None, Field(max_length=256, description="If invitee is a bare id")] = None,
) -> ZonedInvitee:
    """One invitee of a meeting, whole."""
    event_id, invitee_id = ids.invitee(event, invitee)
    api = client(ctx)
    answer = await api.get(f"/scheduled_events/{event_id}/invitees/{invitee_id}")
    return ZonedInvitee.of(parse(Resource[Invitee], answer).resource, await caller_zone(api))


NoShowId = Annotated[str, Field(max_length=256)]
InviteeEvent = Annotated[str | None, Field(max_length=256, description="If invitee is a bare id")]


@TOOLS.tool("Mark invitee no-show", CREATE)
async def mark_invitee_no_show(ctx: Ctx, invitee: InviteeId, event: InviteeEvent = None) -> NoShow:
    """Mark an invitee of a past meeting as no-show."""
    event_id, invitee_id = ids.invitee(event, invitee)
    invitee_uri = f"{ids.uri('scheduled_events', event_id)}/invitees/{invitee_id}"
    answer = await client(ctx).post(
        "/invitee_no_shows",
        {"invitee": invitee_uri},
        check=f"Call get_event_invitee with invitee={invitee_uri}: a no_show value means it was done.",
    )
    return parse(Resource[NoShow], answer).resource


@TOOLS.tool("Get invitee no-show", READ)
async def get_invitee_no_show(ctx: Ctx, no_show: NoShowId) -> NoShow:
    """One no-show mark: invitee and when."""
    answer = await client(ctx).get(ids.path("invitee_no_shows", no_show))
    return parse(Resource[NoShow], answer).resource


async def _ask_delete_no_show(ctx: Ctx, no_show: str) -> Asked:
    async def question() -> str:
        api = client(ctx)
        mark = parse(Resource[NoShow], await api.get(ids.path("invitee_no_shows", no_show))).resource
        if not mark.invitee:
            return f"Undo the no-show mark {mark.uri}?"
        event_id, invitee_id = ids.invitee(None, mark.invitee)
        answer = await api.get(f"/scheduled_events/{event_id}/invitees/{invitee_id}")
        person = parse(Resource[Invitee], answer).resource
        return f"Undo the no-show mark of {person.name} ({person.email})?"

    return await ask(ctx, question)


@TOOLS.tool("Delete invitee no-show", DESTROY)
async def delete_invitee_no_show(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_delete_no_show)], no_show: NoShowId
) -> Deleted:
    """Undo a no-show mark."""
    no_show_id = ids.bare("invitee_no_shows", no_show)
    go_ahead(confirmed, "undo the no-show mark")
    await client(ctx).delete(
        f"/invitee_no_shows/{no_show_id}",
        check=f"Call get_invitee_no_show with no_show={no_show_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("invitee_no_shows", no_show_id))
