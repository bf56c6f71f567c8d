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
        assert len(names) == 23
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


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_tool_on_every_transport(
    sandbox: SandboxProcess, mode: Mode, transport: Transport
) -> None:
    """Each of the tools answers correctly over each transport in each mode (one scripted pass)."""
    from datetime import UTC, datetime, timedelta

    def iso(delta: timedelta) -> str:
        return (datetime.now(UTC) + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    called: set[str] = set()

    async with connect(transport, server_env(mode, sandbox.url)) as client:
        tools = {t.name for t in (await client.list_tools()).tools}

        async def ok(tool: str, **args: object) -> dict[str, object]:
            called.add(tool)
            return await call(client, tool, **args)

        me = await ok("get_current_user")
        await ok("get_user", user=me["uri"])
        types = await ok("list_event_types")
        bookable = sandbox.info()["examples"]["bookable_event_types"][me["uri"]]
        event_type = await ok("get_event_type", event_type=bookable)
        assert event_type["uri"] in {t["uri"] for t in types["collection"]}  # type: ignore[index,union-attr]
        slots = await ok(
            "list_event_type_available_times",
            event_type=bookable,
            start_time=iso(timedelta(minutes=5)),
            end_time=iso(timedelta(days=6)),
        )
        await ok(
            "list_user_busy_times", start_time=iso(timedelta(minutes=5)), end_time=iso(timedelta(days=6))
        )
        found = await ok(
            "find_available_times",
            event_type=bookable,
            start_time=iso(timedelta(minutes=5)),
            end_time=iso(timedelta(days=10)),
        )
        assert found["windows"] == 2
        await ok("list_user_availability_schedules")
        await ok("list_organization_memberships")
        kinds = [loc["kind"] for loc in event_type.get("locations") or []]  # type: ignore[union-attr]
        invitee = await ok(
            "create_event_invitee",
            event_type=bookable,
            start_time=slots["collection"][0]["start_time"],  # type: ignore[index]
            email="all-tools@example.com",
            timezone="Asia/Kolkata",
            first_name="Ada",
            last_name="King",
            **({"location_kind": kinds[0]} if kinds else {}),
        )
        events = await ok("list_scheduled_events", invitee_email="all-tools@example.com")
        assert events["collection"]
        await ok("get_scheduled_event", event=invitee["event"])
        invitees = await ok("list_event_invitees", event=invitee["event"])
        assert invitees["collection"]
        await ok("get_event_invitee", invitee=invitee["uri"])
        await ok("cancel_scheduled_event", event=invitee["event"], reason="all-tools pass")
        hook = await ok(
            "create_webhook_subscription", url=f"{sandbox.url}/_sandbox/inbox/all", events=["invitee.created"]
        )
        await ok("list_webhook_subscriptions")
        await ok("get_webhook_subscription", webhook=hook["uri"])
        await ok("delete_webhook_subscription", webhook=hook["uri"])
        if mode == "gateway":
            await ok("list_connections")
            created = await ok("create_connection")
            ident = created["connection"]["connection_id"]  # type: ignore[index]
            await ok("get_connection", connection_id=ident)
            await ok("delete_connection", connection_id=ident)
        else:
            for tool in ("list_connections", "create_connection"):
                called.add(tool)
                assert "direct mode" in await fail(client, tool)
            for tool in ("get_connection", "delete_connection"):
                called.add(tool)
                assert "direct mode" in await fail(client, tool, connection_id="abc")
    assert called == tools, f"not exercised: {sorted(tools - called)}"
