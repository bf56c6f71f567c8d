"""Whose data a call is about: the current user by default, another user, or a whole organization."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import CalendlyMcpError


async def user_uri(api: CalendlyClient, ref: str | None) -> str:
    """The URI of the named user, or of the current user when none (or 'me') is named."""
    if ref is None or ref == "me" or ref == f"{ids.API_ORIGIN}/users/me":
        return str((await api.current_user())["uri"])
    return ids.uri("users", ref)


async def organization_uri(api: CalendlyClient, ref: str | None) -> str:
    """The URI of the named organization, or of the current user's when none is named."""
    if ref is None:
        return str((await api.current_user())["current_organization"])
    return ids.uri("organizations", ref)


async def owner_params(api: CalendlyClient, user: str | None, organization: str | None) -> dict[str, str]:
    """`user` and/or `organization` for lists Calendly scopes by owner: one of them is required upstream,
    so with neither given the list is the current user's."""
    if organization is None:
        return {"user": await user_uri(api, user)}
    params = {"organization": ids.uri("organizations", organization)}
    if user is not None:
        params["user"] = await user_uri(api, user)
    return params


async def caller_zone(api: CalendlyClient, given: str | None = None) -> ZoneInfo:
    """The zone to show times in: the one asked for, else the current user's.

    Asked after the tool's own request, so that a failure there is the story; if the user cannot be
    read, times are shown in UTC, and the answer names it.
    """
    if given:
        return ZoneInfo(given)
    try:
        return ZoneInfo(str((await api.current_user()).get("timezone") or "UTC"))
    except CalendlyMcpError:
        return ZoneInfo("UTC")
