"""Maton connection tools and connection choice through MCP over stdio: gateway mode, direct mode's answer."""

from __future__ import annotations

import httpx2
import pytest

from conftest import SandboxProcess, connect, server_env
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio


async def test_connection_lifecycle_in_gateway_mode(sandbox: SandboxProcess) -> None:
    async with connect("stdio", server_env("gateway", sandbox.url)) as client:
        listed = await call(client, "list_connections", status="ACTIVE")
        assert len(listed["connections"]) >= 2
        created = await call(client, "create_connection")
        connection = created["connection"]
        assert connection["status"] == "PENDING"
        assert connection["url"] in created["next_step"]
        ident = connection["connection_id"]
        httpx2.post(f"{sandbox.url}/_sandbox/connections/{ident}/activate").raise_for_status()
        assert (await call(client, "get_connection", connection_id=ident))["status"] == "ACTIVE"
        assert (await call(client, "delete_connection", connection_id=ident))["deleted"] is True
        assert "404" in await fail(client, "get_connection", connection_id=ident)
        sandbox.clear_requests()
        text = await fail(client, "get_connection", connection_id="../x")
        assert "connection_id: does not have the accepted form (given '../x'); accepted: " in text
        assert "matching ^[A-Za-z0-9_-]+$" in text
        assert sandbox.requests() == []


async def test_connection_tools_are_not_listed_in_direct_mode(sandbox: SandboxProcess) -> None:
    async with connect("stdio", server_env("direct", sandbox.url)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "get_current_user" in names
        assert not {"list_connections", "create_connection", "get_connection", "delete_connection"} & names
        text = await fail(client, "list_connections")
        assert "Unknown tool" in text
    assert not [r for r in sandbox.requests() if r["path"].startswith("/connections")]


async def test_connection_picked_by_maton_connection(sandbox: SandboxProcess) -> None:
    haruto = next(c for c in sandbox.info()["connections"] if "7114b8ee" in c["user"])
    env = server_env("gateway", sandbox.url, MATON_CONNECTION=haruto["connection_id"])
    async with connect("stdio", env) as client:
        me = await call(client, "get_current_user")
        assert me["uri"] == haruto["user"]
        assert me["timezone"] == "Asia/Tokyo"


async def test_missing_connection_is_explained(sandbox: SandboxProcess) -> None:
    env = server_env("gateway", sandbox.url, MATON_CONNECTION="no-such-connection")
    async with connect("stdio", env) as client:
        text = await fail(client, "get_current_user")
        assert "Maton gateway answered 400" in text
        assert "create_connection" in text
