"""The same server over stdio, streamable HTTP and SSE, in both modes and both protocol eras."""

from __future__ import annotations

from datetime import datetime

import pytest

from cases import build_world, cases_for
from conftest import Mode, SandboxProcess, Transport, connect, server_env
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio

TRANSPORTS: list[Transport] = ["stdio", "streamable-http", "sse"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_reads_on_every_transport(sandbox: SandboxProcess, mode: Mode, transport: Transport) -> None:
    async with connect(transport, server_env(mode, sandbox.url)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {case.tool for case in cases_for(mode)}
        me = await call(client, "get_current_user")
        first = await call(client, "list_scheduled_events", count=5)
        assert first["next_page_token"]
        second = await call(client, "list_scheduled_events", count=5, page_token=first["next_page_token"])
        assert not {e["uri"] for e in first["collection"]} & {e["uri"] for e in second["collection"]}
        members = await call(client, "list_organization_memberships")
        assert me["uri"] in {m["user"] for m in members["collection"]}
        sandbox.clear_requests()
        assert "not valid" in await fail(client, "get_scheduled_event", event="../x")
        assert sandbox.requests() == []


@pytest.mark.parametrize("era", ["auto", "legacy"])
async def test_streamable_http_in_both_protocol_eras(sandbox: SandboxProcess, era: str) -> None:
    async with connect("streamable-http", server_env("direct", sandbox.url), era=era) as client:  # type: ignore[arg-type]
        assert client.protocol_version.startswith("2026" if era == "auto" else "2025")
        assert (await call(client, "get_current_user"))["uri"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_tool_on_every_transport(
    sandbox: SandboxProcess, mode: Mode, transport: Transport
) -> None:
    """Each row of the shared table answers over each transport in each mode, in one pass; the writes
    are then read back (the booking listed, the meeting canceled, the subscription gone)."""
    async with connect(transport, server_env(mode, sandbox.url)) as client:
        cases = cases_for(mode)
        tools = {t.name for t in (await client.list_tools()).tools}
        assert tools == {case.tool for case in cases}, "every tool has a row in tests/cases.py"
        world = await build_world(client, sandbox, mode, f"transports-{mode}-{transport}")
        for case in cases:
            await call(client, case.tool, **case.args(world))
        booked = await call(client, "list_scheduled_events", invitee_email=f"{world.tag}@example.com")
        starts = [datetime.fromisoformat(e["start_time"]) for e in booked["collection"]]
        assert starts == [datetime.fromisoformat(world.slot)]
        assert (await call(client, "get_scheduled_event", event=world.to_cancel))["status"] == "canceled"
        assert "404" in await fail(client, "get_webhook_subscription", webhook=world.hook_to_delete)
