"""The user tools (get_current_user, get_user) through a real MCP client over stdio, in both modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, uid

pytestmark = pytest.mark.anyio

USER_TOOLS = {"get_current_user", "get_user"}

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_user", {"user": "../admin"}, "not valid"),
    ("get_user", {"user": "https://evil.example/users/abc"}, "is not a user URI"),
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


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    await call(mcp, "get_current_user")  # warm the current-user cache: the refusal alone is observed
    sandbox.clear_requests()
    args = {k: v for k, v in args.items() if v is not None}
    text = await fail(mcp, tool, **args)
    assert expected in text
    assert sandbox.requests() == [], f"{tool} reached the sandbox"


async def test_legacy_handshake_era(sandbox: SandboxProcess) -> None:
    async with Client(stdio_server(server_env("direct", sandbox.url)), mode="legacy") as client:
        assert client.protocol_version.startswith("2025")
        me = await call(client, "get_current_user")
        assert me["uri"].startswith("https://api.calendly.com/users/")
