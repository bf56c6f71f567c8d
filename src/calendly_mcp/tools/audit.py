"""The organization's activity log, and the e-mails and texts Calendly sent (both Enterprise only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.audit import (
    ActivityLog,
    ActivityRow,
    ActivitySort,
    CommunicationRow,
    CountedPage,
    LogWord,
    OutgoingCommunications,
)
from calendly_mcp.schemas.inputs import Count, MyOrganization, PageToken, Time
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, iso_utc, parse
from calendly_mcp.tools._scope import caller_zone, organization_uri

TOOLS = Toolset("audit", default=False)

UserRef = Annotated[str, Field(max_length=256)]


def _window(low: str, start: datetime | None, high: str, end: datetime | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidInputError(f"{high} {end.isoformat()} is before {low} {start.isoformat()}")


@TOOLS.tool("List activity log entries", READ)
async def list_activity_log_entries(
    ctx: Ctx,
    organization: MyOrganization = None,
    search_term: Annotated[str | None, Field(max_length=300, description="Search text")] = None,
    actor: Annotated[list[UserRef] | None, Field(max_length=20, description="User ids/URIs")] = None,
    namespace: Annotated[list[LogWord] | None, Field(max_length=20, description="e.g. user")] = None,
    action: Annotated[list[LogWord] | None, Field(max_length=20, description="e.g. add")] = None,
    min_occurred_at: Annotated[Time | None, Field(description="At or after")] = None,
    max_occurred_at: Annotated[Time | None, Field(description="Before")] = None,
    sort: ActivitySort = "occurred_at:desc",
    count: Count = 20,
    page_token: PageToken = None,
) -> CountedPage[ActivityRow]:
    """Who did what in the organization (Enterprise)."""
    _window("min_occurred_at", min_occurred_at, "max_occurred_at", max_occurred_at)
    params: dict[str, str | int | bool | list[str] | None] = {
        "search_term": search_term,
        "actor": None if not actor else [ids.uri("users", ref) for ref in actor],
        "namespace": namespace or None,
        "action": action or None,
        "min_occurred_at": iso_utc(min_occurred_at),
        "max_occurred_at": iso_utc(max_occurred_at),
        "sort": sort,
        "count": count,
        "page_token": page_token,
    }
    api = client(ctx)
    params["organization"] = await organization_uri(api, organization)
    found = parse(ActivityLog, await api.get("/activity_log_entries", params))
    zone = await caller_zone(api)
    return CountedPage(
        collection=[ActivityRow.of(entry, zone) for entry in found.collection],
        next_page_token=found.pagination.next_page_token if found.pagination else None,
        timezone=zone.key,
        total=found.total_count,
    )


@TOOLS.tool("List outgoing communications", READ)
async def list_outgoing_communications(
    ctx: Ctx,
    organization: MyOrganization = None,
    min_created_at: Annotated[Time | None, Field(description="At or after")] = None,
    max_created_at: Annotated[Time | None, Field(description="Before")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> CountedPage[CommunicationRow]:
    """E-mails and texts Calendly sent (Enterprise)."""
    _window("min_created_at", min_created_at, "max_created_at", max_created_at)
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization),
        "min_created_at": iso_utc(min_created_at),
        "max_created_at": iso_utc(max_created_at),
        "count": count,
        "page_token": page_token,
    }
    found = parse(OutgoingCommunications, await api.get("/outgoing_communications", params))
    zone = await caller_zone(api)
    return CountedPage(
        collection=[CommunicationRow.of(sent, zone) for sent in found.collection],
        next_page_token=found.pagination.next_page_token if found.pagination else None,
        timezone=zone.key,
        total=found.total_count,
    )
