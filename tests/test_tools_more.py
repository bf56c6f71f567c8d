"""Invitees, organization, schedules and Maton connections through MCP over stdio, in both modes."""

from __future__ import annotations

import httpx2
import pytest
from mcp.client import Client

from conftest import SandboxProcess, connect, server_env
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio


async def test_invitees_of_a_meeting(mcp: Client) -> None:
    meeting = (await call(mcp, "list_scheduled_events", count=1))["collection"][0]
    invitees = await call(mcp, "list_event_invitees", event=meeting["uri"])
    assert invitees["collection"]
    one = invitees["collection"][0]
    assert one["event"] == meeting["uri"]
    assert await call(mcp, "get_event_invitee", invitee=one["uri"]) == one
    bare_event, bare_invitee = meeting["uri"].rsplit("/", 1)[1], one["uri"].rsplit("/", 1)[1]
    assert await call(mcp, "get_event_invitee", invitee=bare_invitee, event=bare_event) == one
    by_email = await call(mcp, "list_event_invitees", event=bare_event, email=one["email"])
    assert [i["uri"] for i in by_email["collection"]] == [one["uri"]]


async def test_canceled_meeting_has_canceled_invitees(mcp: Client) -> None:
    canceled = (await call(mcp, "list_scheduled_events", status="canceled", count=1))["collection"][0]
    invitees = await call(mcp, "list_event_invitees", event=canceled["uri"], status="canceled")
    assert invitees["collection"]
    assert all(i["status"] == "canceled" for i in invitees["collection"])


async def test_organization_members_and_schedules(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    members = await call(mcp, "list_organization_memberships", count=100)
    roles = {m["user"]["email"]: m["role"] for m in members["collection"]}
    assert roles[me["email"]] == "owner"
    assert len({m["user"]["timezone"] for m in members["collection"]}) >= 3
    only_me = await call(mcp, "list_organization_memberships", email=me["email"])
    assert [m["user"]["uri"] for m in only_me["collection"]] == [me["uri"]]
    schedules = await call(mcp, "list_user_availability_schedules")
    default = next(s for s in schedules["collection"] if s["default"])
    assert default["timezone"] == me["timezone"]
    assert any(rule["type"] == "wday" and rule["intervals"] for rule in default["rules"])
    other = next(m["user"] for m in members["collection"] if m["user"]["uri"] != me["uri"])
    theirs = await call(mcp, "list_user_availability_schedules", user=other["uri"])
    assert theirs["collection"][0]["timezone"] == other["timezone"]


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
        assert "pattern" in await fail(client, "get_connection", connection_id="../x")
        assert sandbox.requests() == []


async def test_connection_tools_explain_direct_mode(sandbox: SandboxProcess) -> None:
    async with connect("stdio", server_env("direct", sandbox.url)) as client:
        text = await fail(client, "list_connections")
        assert "direct mode" in text
        assert "MATON_API_KEY" in text
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
