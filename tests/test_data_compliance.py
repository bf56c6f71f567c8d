"""Data deletion (invitees by e-mail, meetings by past range) through MCP over stdio, in both modes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp.client import Client

from conftest import Mode, SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, iso, refused

pytestmark = pytest.mark.anyio

TOOLS = {"delete_invitee_data", "delete_scheduled_event_data"}


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """The toolset is not a default one: this module's servers are asked for it."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="default,data_compliance")
    async with Client(stdio_server(env)) as client:
        yield client


def _ago(**delta: float) -> str:
    return iso(datetime.now(UTC) - timedelta(**delta))


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("delete_invitee_data", {"emails": []}, "emails"),
    ("delete_invitee_data", {"emails": ["not-an-email"]}, "is not an e-mail address"),
    (
        "delete_invitee_data",
        {"emails": [f"p{i}@example.com" for i in range(101)]},
        "a list of 1 to 100 items",
    ),
    ("delete_scheduled_event_data", {"start_time": _ago(days=2), "end_time": _ago(days=3)}, "is not after"),
    (
        "delete_scheduled_event_data",
        {"start_time": _ago(days=2), "end_time": iso(days=1)},
        "is in the future",
    ),
    (
        "delete_scheduled_event_data",
        {"start_time": _ago(days=800), "end_time": _ago(days=1)},
        "longer than 24 months",
    ),
    (
        "delete_scheduled_event_data",
        {"start_time": "2026-01-01T00:00:00", "end_time": _ago(days=1)},
        "no UTC offset",
    ),
]


async def test_tools_listed_only_when_asked_for(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= TOOLS
    tools = {t.name: t for t in (await mcp.list_tools()).tools if t.name in TOOLS}
    for tool in tools.values():
        assert tool.annotations is not None
        assert tool.annotations.destructive_hint is True
        assert "Irreversible" in (tool.description or "")


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_invitee_data_deleted_then_gone_from_reads(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = sandbox.info()["examples"]
    email = examples["invitee_to_forget_email"]
    org = sandbox.info()["organization"]["uri"]
    before = await call(mcp, "list_scheduled_events", organization=org, invitee_email=email)
    assert len(before["collection"]) == 1
    meeting = before["collection"][0]["uri"]
    answer = await call(mcp, "delete_invitee_data", emails=[email, email])
    assert answer["accepted"] is True
    sent = [r for r in sandbox.requests() if r["path"].endswith("/data_compliance/deletion/invitees")]
    assert len(sent) == 1
    after = await call(mcp, "list_scheduled_events", organization=org, invitee_email=email)
    assert after["collection"] == []
    invitees = await call(mcp, "list_event_invitees", event=meeting)
    assert email not in [i["email"] for i in invitees["collection"]]
    assert "404" in await fail(mcp, "get_event_invitee", invitee=examples["invitee_to_forget"])


async def test_event_data_deleted_then_gone_from_reads(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = sandbox.info()["examples"]
    window = examples["event_range_to_forget"]
    org = sandbox.info()["organization"]["uri"]
    bounds = {"min_start_time": window["start_time"], "max_start_time": window["end_time"]}
    inside = await call(mcp, "list_scheduled_events", organization=org, **bounds)
    assert [e["uri"] for e in inside["collection"]] == [examples["event_to_forget"]]
    await call(mcp, "delete_scheduled_event_data", **window)
    assert (await call(mcp, "list_scheduled_events", organization=org, **bounds))["collection"] == []
    assert "404" in await fail(mcp, "get_scheduled_event", event=examples["event_to_forget"])


async def test_enterprise_plan_only(mcp: Client, sandbox: SandboxProcess) -> None:
    sandbox.set_plan("teams")
    text = await fail(mcp, "delete_invitee_data", emails=["someone@example.com"])
    assert "403" in text
    assert "Please upgrade your Calendly account to Enterprise." in text
    text = await fail(mcp, "delete_scheduled_event_data", start_time=_ago(days=3), end_time=_ago(days=2))
    assert "Enterprise" in text
