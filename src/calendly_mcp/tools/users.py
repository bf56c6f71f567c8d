"""Users: who the credential belongs to, and any user of the organization."""

from __future__ import annotations

from calendly_mcp.gateway import ids
from calendly_mcp.schemas.inputs import UserId
from calendly_mcp.schemas.resources import Resource, User
from calendly_mcp.tools.base import READ, Ctx, ToolSpec, client, parse


async def get_current_user(ctx: Ctx) -> User:
    """The Calendly user this server acts as, with their organization URI and time zone."""
    return parse(User, await client(ctx).current_user())


async def get_user(ctx: Ctx, user: UserId) -> User:
    """One Calendly user: name, e-mail, time zone, organization."""
    path = f"/users/{ids.parse_id('user', user)}"
    return parse(Resource[User], await client(ctx).get(path)).resource


TOOLS = [
    ToolSpec(get_current_user, "users", "Get current user", READ),
    ToolSpec(get_user, "users", "Get user", READ),
]
