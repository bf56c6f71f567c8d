"""No token, key or signing key ever reaches a log line (at DEBUG), a tool result, an error or the sandbox's
records: everything a run produces is captured and searched."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from conftest import SandboxProcess, server_env, start_sandbox_process
from mcp_helpers import iso

pytestmark = pytest.mark.anyio

TOKEN = "ct-SECRET-3f9a1c77"
MATON_KEY = "mk-SECRET-b81e20d4"
AUTH_TOKEN = "at-SECRET-55c0e9aa"
SIGNING_KEY = "whsec-SECRET-0d4e7b12"
WRONG_KEY = "mk-WRONG-SECRET-9911"
SECRETS = (TOKEN, MATON_KEY, AUTH_TOKEN, SIGNING_KEY, WRONG_KEY)


@pytest.fixture(scope="module")
def secret_sandbox() -> Iterator[SandboxProcess]:
    """A sandbox that accepts only our distinctive credentials, so a leak is unmistakable."""
    box = start_sandbox_process("--token", TOKEN, "--maton-key", MATON_KEY)
    process = box.process
    yield box
    problems = box.spec_problems()
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert not any(secret.encode() in stderr for secret in SECRETS), "the sandbox logged a secret"
    assert problems is None, problems


@asynccontextmanager
async def logged_server(env: dict[str, str], log: Path) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "calendly_mcp", "--log-level", "DEBUG", "serve"], env=env
    )
    with log.open("a") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            yield client


async def exercise(client: Client, box: SandboxProcess, seen: list[str]) -> None:
    """Every tool, some faults, some bad input; every answer kept for the search."""

    async def run(tool: str, **args: Any) -> dict[str, Any]:
        result = await client.call_tool(tool, args)
        seen.append(json.dumps(result.model_dump(by_alias=True, mode="json")))
        return result.structured_content or {}

    me = await run("get_current_user")
    await run("get_user", user="me")
    await run("list_event_types")
    info = box.info()
    bookable = info["examples"]["bookable_event_types"].get(me.get("uri", ""), info["event_types"][0]["uri"])
    event_type = await run("get_event_type", event_type=bookable)
    slots = await run(
        "list_event_type_available_times",
        event_type=bookable,
        start_time=iso(timedelta(minutes=5)),
        end_time=iso(timedelta(days=6)),
    )
    await run("list_user_busy_times", start_time=iso(timedelta(minutes=5)), end_time=iso(timedelta(days=6)))
    await run("list_user_availability_schedules")
    await run("list_organization_memberships")
    hook = await run(
        "create_webhook_subscription",
        url=f"{box.url}/_sandbox/inbox/secrets",
        events=["invitee.created", "invitee.canceled"],
        signing_key=SIGNING_KEY,
    )
    await run(
        "create_webhook_subscription",
        url=f"{box.url}/_sandbox/inbox/secrets",
        events=["invitee.created"],
        signing_key=SIGNING_KEY,
    )  # 409
    await run(
        "create_webhook_subscription", url="not a url", events=["invitee.created"], signing_key=SIGNING_KEY
    )  # refused
    kinds = [loc["kind"] for loc in event_type.get("locations") or []]
    if slots.get("collection"):
        booked = await run(
            "create_event_invitee",
            event_type=bookable,
            start_time=slots["collection"][0]["start_time"],
            email="secret-test@example.com",
            timezone="UTC",
            name="Secret Test",
            **({"location_kind": kinds[0]} if kinds else {}),
        )
        if booked:
            await run("list_event_invitees", event=booked["event"])
            await run("get_event_invitee", invitee=booked["uri"])
            await run("cancel_scheduled_event", event=booked["event"])
            await run("cancel_scheduled_event", event=booked["event"])  # 403
    await run("list_scheduled_events", count=3)
    await run("get_scheduled_event", event="../x")
    if hook:
        await run("list_webhook_subscriptions")
        await run("get_webhook_subscription", webhook=hook["uri"])
        await run("delete_webhook_subscription", webhook=hook["uri"])
    for tool, args in (
        ("list_connections", {}),
        ("create_connection", {}),
        ("get_connection", {"connection_id": "x"}),
        ("delete_connection", {"connection_id": "x"}),
    ):
        await run(tool, **args)
    for fault in (
        {"status": 401},
        {"status": 500, "times": 5},
        {"action": "close", "times": 5},
        {"status": 200, "body": "<<garbage>>"},
    ):
        box.fault(path="^(/calendly)?/scheduled_events$", **fault)
        await run("list_scheduled_events", count=2)
        httpx2.delete(f"{box.url}/_sandbox/faults").raise_for_status()


@pytest.mark.parametrize("mode", ["direct", "gateway"])
async def test_no_secret_anywhere(secret_sandbox: SandboxProcess, mode: str, tmp_path: Path) -> None:
    box = secret_sandbox
    box.reset()
    env = server_env(None, None, CALENDLY_MCP_AUTH_TOKEN=AUTH_TOKEN)
    if mode == "direct":
        env |= {"CALENDLY_API_TOKEN": TOKEN, "CALENDLY_API_URL": box.url}
    else:
        env |= {"MATON_API_KEY": MATON_KEY, "MATON_GATEWAY_URL": box.url, "MATON_CTRL_URL": box.url}
    log = tmp_path / "server.log"
    seen: list[str] = []
    async with logged_server(env, log) as client:
        await exercise(client, box, seen)
    # A refused key: the gateway's 401 must not echo it back either.
    bad = env | ({"CALENDLY_API_TOKEN": WRONG_KEY} if mode == "direct" else {"MATON_API_KEY": WRONG_KEY})
    async with logged_server(bad, log) as client:
        result = await client.call_tool("get_current_user", {})
        assert result.is_error
        seen.append(json.dumps(result.model_dump(by_alias=True, mode="json")))

    logged = log.read_text()
    assert "DEBUG" in logged, "the run really logged at DEBUG"
    records = [logged, *seen]
    for path in ("/_sandbox/requests", "/_sandbox/deliveries", "/_sandbox/inbox/secrets"):
        records.append(httpx2.get(f"{box.url}{path}").text)
    for secret in SECRETS:
        for record in records:
            assert secret not in record, (
                f"{secret[:8]}... leaked: {record[max(0, record.find(secret) - 200) :][:400]}"
            )
    assert "Traceback" not in logged
