"""Organization: who belongs to it, with which role."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.schemas.inputs import Count, Email, MyOrganization, PageToken
from calendly_mcp.schemas.organization_admin import Organization
from calendly_mcp.schemas.outputs import MemberRow, Page
from calendly_mcp.schemas.resources import OrganizationMembership, Resource
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._scope import organization_uri, user_uri

TOOLS = Toolset("organization")


@TOOLS.tool("List organization members", READ)
async def list_organization_memberships(
    ctx: Ctx,
    organization: MyOrganization = None,
    user: Annotated[str | None, Field(max_length=256, description="Only this user")] = None,
    email: Annotated[Email | None, Field(description="Only this member")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[MemberRow]:
    """Organization members with role and profile."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization),
        "user": await user_uri(api, user) if user is not None else None,
        "email": email,
        "count": count,
        "page_token": page_token,
    }
    found = page(OrganizationMembership, await api.get("/organization_memberships", params))
    rows = [MemberRow.of(membership) for membership in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get organization", READ)
async def get_organization(ctx: Ctx, organization: MyOrganization = None) -> Organization:
    """An organization's name, plan and stage."""
    api = client(ctx)
    answer = await api.get(ids.path("organizations", await organization_uri(api, organization)))
    return parse(Resource[Organization], answer).resource
