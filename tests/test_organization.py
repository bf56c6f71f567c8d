"""The organization tools (get_organization, list_organization_memberships) through MCP over stdio, in both
modes."""

from __future__ import annotations

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio


async def test_organization_members(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    members = await call(mcp, "list_organization_memberships", count=100)
    roles = {m["email"]: m["role"] for m in members["collection"]}
    assert roles[me["email"]] == "owner"
    assert len({m["timezone"] for m in members["collection"]}) >= 3
    only_me = await call(mcp, "list_organization_memberships", email=me["email"])
    assert [m["user"] for m in only_me["collection"]] == [me["uri"]]
    assert only_me["collection"][0]["name"] == me["name"]


async def test_get_organization(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    mine = await call(mcp, "get_organization")
    assert mine["uri"] == me["current_organization"] == sandbox.info()["organization"]["uri"]
    assert mine["name"] == sandbox.info()["organization"]["name"]
    assert (mine["plan"], mine["stage"], mine["kind"]) == ("enterprise", "paid", "multiple")
    assert await call(mcp, "get_organization", organization=uid(mine["uri"])) == mine
    sandbox.set_plan("standard")
    assert (await call(mcp, "get_organization", organization=mine["uri"]))["plan"] == "standard"
    assert "404" in await fail(mcp, "get_organization", organization="ZZZZZZZZZZZZZZZZ")
    assert "not valid" in await refused(mcp, sandbox, "get_organization", organization="../x")
    assert "is not a organization URI" in await refused(
        mcp, sandbox, "get_organization", organization="https://api.calendly.com/users/x"
    )
