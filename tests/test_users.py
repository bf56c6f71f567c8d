"""The user tools (current user, any user, meeting locations) through a real MCP client, in both modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

USER_TOOLS = {"get_current_user", "get_user", "list_user_meeting_locations"}

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_user", {"user": "../admin"}, "not valid"),
    ("get_user", {"user": "https://evil.example/users/abc"}, "is not a user URI"),
    ("list_user_meeting_locations", {"user": "https://api.calendly.com/event_types/x"}, "is not a user URI"),
]


async def test_user_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= USER_TOOLS


async def test_current_user_and_get_user(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    seeded = {u["uri"] for u in sandbox.info()["users"]}
    assert me["uri"] in seeded
    assert me["current_organization"].startswith("https://api.calendly.com/organizations/")
    bare_id = uid(me["uri"])
    assert await call(mcp, "get_user", user=bare_id) == me
    assert await call(mcp, "get_user", user=me["uri"]) == me
    assert (await call(mcp, "get_user", user="me"))["uri"] == me["uri"]


async def test_meeting_locations_of_me_and_of_a_colleague(mcp: Client, sandbox: SandboxProcess) -> None:
    mine = await call(mcp, "list_user_meeting_locations")
    kinds = [location["kind"] for location in mine["collection"]]
    assert "zoom_conference" in kinds
    assert len(kinds) == len(set(kinds))
    # Conferencing says whether it is connected; an in-person location does not.
    by_kind = {location["kind"]: location for location in mine["collection"]}
    assert by_kind["zoom_conference"]["connected"] is True
    assert by_kind["physical"]["connected"] is None
    # Every location kind the user's event types offer is one they have set up.
    offered = {
        kind
        for et in (await call(mcp, "list_event_types", count=100))["collection"]
        for kind in et["locations"]
    }
    assert offered <= set(kinds)
    # Another member's, by URI (the owner may look): a different set, one of them not connected.
    colleague = next(u for u in sandbox.info()["users"] if u["email"].startswith("oliver"))
    theirs = await call(mcp, "list_user_meeting_locations", user=colleague["uri"])
    assert {"kind": "microsoft_teams_conference", "connected": False} in [
        {k: v for k, v in location.items() if k in ("kind", "connected")} for location in theirs["collection"]
    ]
    outsider = "https://api.calendly.com/users/ZZZZZZZZZZZZZZZZ"
    assert "403" in await fail(mcp, "list_user_meeting_locations", user=outsider)


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_legacy_handshake_era(sandbox: SandboxProcess) -> None:
    async with Client(stdio_server(server_env("direct", sandbox.url)), mode="legacy") as client:
        assert client.protocol_version.startswith("2025")
        me = await call(client, "get_current_user")
        assert me["uri"].startswith("https://api.calendly.com/users/")
