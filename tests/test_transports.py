"""The same server over stdio, streamable HTTP and SSE, in both modes and both protocol eras."""

from __future__ import annotations

import pytest

from conftest import Mode, SandboxProcess, Transport, connect, server_env
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio

TRANSPORTS: list[Transport] = ["stdio", "streamable-http", "sse"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_reads_on_every_transport(sandbox: SandboxProcess, mode: Mode, transport: Transport) -> None:
    async with connect(transport, server_env(mode, sandbox.url)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert len(names) == 22
        me = await call(client, "get_current_user")
        first = await call(client, "list_scheduled_events", count=5)
        assert first["next_page_token"]
        second = await call(client, "list_scheduled_events", count=5, page_token=first["next_page_token"])
        assert not {e["uri"] for e in first["collection"]} & {e["uri"] for e in second["collection"]}
        members = await call(client, "list_organization_memberships")
        assert me["uri"] in {m["user"]["uri"] for m in members["collection"]}
        sandbox.clear_requests()
        assert "not valid" in await fail(client, "get_scheduled_event", event="../x")
        assert sandbox.requests() == []


@pytest.mark.parametrize("era", ["auto", "legacy"])
async def test_streamable_http_in_both_protocol_eras(sandbox: SandboxProcess, era: str) -> None:
    async with connect("streamable-http", server_env("direct", sandbox.url), era=era) as client:  # type: ignore[arg-type]
        assert client.protocol_version.startswith("2026" if era == "auto" else "2025")
        assert (await call(client, "get_current_user"))["uri"]
