"""Users: who the credential belongs to, and any user of the organization."""

from __future__ import annotations

from calendly_mcp.client import ids
from calendly_mcp.schemas.inputs import UserArg, UserId
from calendly_mcp.schemas.outputs import Items
from calendly_mcp.schemas.resources import Collection, MeetingLocation, Resource, User
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, parse
from calendly_mcp.tools._scope import user_uri

TOOLS = Toolset("users")


@TOOLS.tool("Get current user", READ)
async def get_current_user(ctx: Ctx) -> User:
    """The user this server acts as, with organization."""
    return parse(User, await client(ctx).current_user(fresh=True))


@TOOLS.tool("Get user", READ)
async def get_user(ctx: Ctx, user: UserId) -> User:
    """A user: name, e-mail, zone, organization."""
    return parse(Resource[User], await client(ctx).get(ids.path("users", user))).resource


@TOOLS.tool("List meeting locations", READ)
async def list_user_meeting_locations(ctx: Ctx, user: UserArg = None) -> Items[MeetingLocation]:
    """A user's meeting locations and conferencing state."""
    api = client(ctx)
    answer = await api.get("/locations", {"user": await user_uri(api, user)})
    return Items(collection=parse(Collection[MeetingLocation], answer).collection)
