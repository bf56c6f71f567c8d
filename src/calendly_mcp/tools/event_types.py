"""Event types: the kinds of meeting a user or organization offers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.schemas.event_type_admin import EventTypeDetail, EventTypeHost, HostRow
from calendly_mcp.schemas.inputs import Count, EventTypeId, EventTypeSort, OrganizationArg, PageToken, UserArg
from calendly_mcp.schemas.outputs import EventTypeRow, Page
from calendly_mcp.schemas.resources import EventType, Resource
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._scope import owner_params

TOOLS = Toolset("event_types")


@TOOLS.tool("List event types", READ)
async def list_event_types(
    ctx: Ctx,
    user: UserArg = None,
    organization: OrganizationArg = None,
    active: Annotated[bool | None, Field(description="Filter on active state")] = None,
    sort: EventTypeSort | None = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[EventTypeRow]:
    """Event types of a user or a whole organization."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "active": active, "sort": sort, "count": count, "page_token": page_token,
    }  # fmt: skip
    params |= await owner_params(api, user, organization)
    found = page(EventType, await api.get("/event_types", params))
    rows = [EventTypeRow.of(event_type) for event_type in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get event type", READ)
async def get_event_type(ctx: Ctx, event_type: EventTypeId) -> EventTypeDetail:
    """One event type: duration, locations, questions."""
    answer = await client(ctx).get(ids.path("event_types", event_type))
    return parse(Resource[EventTypeDetail], answer).resource


@TOOLS.tool("List event type hosts", READ)
async def list_event_type_hosts(
    ctx: Ctx, event_type: EventTypeId, count: Count = 20, page_token: PageToken = None
) -> Page[HostRow]:
    """Who hosts an event type."""
    params: dict[str, str | int | bool | None] = {
        "event_type": ids.uri("event_types", event_type), "count": count, "page_token": page_token,
    }  # fmt: skip
    found = page(EventTypeHost, await client(ctx).get("/event_type_memberships", params))
    return Page(
        collection=[HostRow.of(host) for host in found.collection], next_page_token=found.next_page_token
    )
