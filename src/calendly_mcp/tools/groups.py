"""Groups, who is a member or an admin of each, and teams."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.groups import (
    Group,
    GroupId,
    GroupRelationship,
    GroupRow,
    RelationshipId,
    RelationshipRow,
    Team,
    TeamId,
    TeamRow,
)
from calendly_mcp.schemas.inputs import Count, MyOrganization, PageToken
from calendly_mcp.schemas.outputs import Page
from calendly_mcp.schemas.resources import Resource
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._scope import organization_uri, user_uri

TOOLS = Toolset("groups", default=False)

_INVITATION = re.compile(
    rf"{re.escape(ids.API_ORIGIN)}/organizations/[A-Za-z0-9_-]{{1,64}}/invitations/[A-Za-z0-9_-]{{1,64}}"
)


def owner_uri(ref: str) -> str:
    """An organization invitation URI as given, else a membership's URI (from its bare id or URI)."""
    if _INVITATION.fullmatch(ref):
        return ref
    if ("://" in ref or ref.startswith("/")) and not ref.startswith(
        f"{ids.API_ORIGIN}/organization_memberships/"
    ):
        raise InvalidInputError(
            f"owner {ref[:80]!r} is neither an organization membership nor an invitation URI",
            hint=f"Expected {ids.API_ORIGIN}/organization_memberships/<id>, "
            f"{ids.API_ORIGIN}/organizations/<id>/invitations/<id>, or a membership id.",
        )
    return ids.uri("organization_memberships", ref)


@TOOLS.tool("List groups", READ)
async def list_groups(
    ctx: Ctx, organization: MyOrganization = None, count: Count = 20, page_token: PageToken = None
) -> Page[GroupRow]:
    """Groups of an organization."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization), "count": count, "page_token": page_token,
    }  # fmt: skip
    found = page(Group, await api.get("/groups", params))
    return Page(
        collection=[GroupRow.of(group) for group in found.collection], next_page_token=found.next_page_token
    )


@TOOLS.tool("Get group", READ)
async def get_group(ctx: Ctx, group: GroupId) -> Group:
    """One group of the organization, whole."""
    return parse(Resource[Group], await client(ctx).get(ids.path("groups", group))).resource


@TOOLS.tool("List group relationships", READ)
async def list_group_relationships(
    ctx: Ctx,
    organization: MyOrganization = None,
    group: Annotated[str | None, Field(max_length=256, description="Only this group")] = None,
    owner: Annotated[str | None, Field(max_length=256, description="Membership or invitation")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[RelationshipRow]:
    """Who is member or admin of which group."""
    params: dict[str, str | int | bool | None] = {
        "group": None if group is None else ids.uri("groups", group),
        "owner": None if owner is None else owner_uri(owner),
        "count": count,
        "page_token": page_token,
    }
    api = client(ctx)
    params["organization"] = await organization_uri(api, organization)
    found = page(GroupRelationship, await api.get("/group_relationships", params))
    rows = [RelationshipRow.of(relationship) for relationship in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get group relationship", READ)
async def get_group_relationship(ctx: Ctx, relationship: RelationshipId) -> GroupRelationship:
    """One group membership or admin role, whole."""
    answer = await client(ctx).get(ids.path("group_relationships", relationship))
    return parse(Resource[GroupRelationship], answer).resource


@TOOLS.tool("List teams", READ)
async def list_teams(
    ctx: Ctx,
    user: Annotated[str | None, Field(max_length=256, description="Only this user's")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[TeamRow]:
    """Teams and their booking pages."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "user": None if user is None else await user_uri(api, user), "count": count, "page_token": page_token,
    }  # fmt: skip
    found = page(Team, await api.get("/teams", params))
    return Page(
        collection=[TeamRow.of(team) for team in found.collection], next_page_token=found.next_page_token
    )


@TOOLS.tool("Get team", READ)
async def get_team(ctx: Ctx, team: TeamId) -> Team:
    """One team of the organization, whole."""
    return parse(Resource[Team], await client(ctx).get(ids.path("teams", team))).resource
