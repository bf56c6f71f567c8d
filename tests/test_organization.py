"""The organization tool (list_organization_memberships) through MCP over stdio, in both modes."""

from __future__ import annotations

import pytest
from mcp.client import Client

from mcp_helpers import call

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
