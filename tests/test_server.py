"""The server process: starts without credentials, says what to set, demo and check work end to end."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from mcp.client import Client

from calendly_mcp.tools import users
from conftest import SandboxProcess, server_env, stdio_server
from mcp_helpers import fail

pytestmark = pytest.mark.anyio


async def test_without_credentials_tools_are_listed_and_say_what_to_set() -> None:
    async with Client(stdio_server(server_env(None, None))) as client:
        tools = (await client.list_tools()).tools
        assert len(tools) >= 6
        text = await fail(client, "get_current_user")
        assert "MATON_API_KEY" in text
        assert "CALENDLY_API_TOKEN" in text
        text = await fail(client, "list_scheduled_events", count=5)
        assert "MATON_API_KEY" in text


async def test_read_only_and_toolsets_flags() -> None:
    env = server_env(None, None)
    async with Client(stdio_server(env, "--toolsets", "users")) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {s.name for s in users.TOOLS.specs}
    async with Client(stdio_server(env | {"CALENDLY_MCP_TOOLSETS": "events"})) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {
            "list_scheduled_events",
            "get_scheduled_event",
            "cancel_scheduled_event",
            "list_event_invitees",
            "get_event_invitee",
            "mark_invitee_no_show",
            "get_invitee_no_show",
            "delete_invitee_no_show",
        }
    async with Client(stdio_server(env, "--read-only")) as client:
        tools = (await client.list_tools()).tools
        assert tools
        assert all(t.annotations and t.annotations.read_only_hint for t in tools)
        assert "create_event_invitee" not in {t.name for t in tools}


def test_bad_setting_is_a_clear_startup_error() -> None:
    env = server_env(None, None, CALENDLY_MCP_TOOLSETS="users,calendars")
    done = subprocess.run(
        [sys.executable, "-m", "calendly_mcp", "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "unknown toolset 'calendars'" in done.stderr
    assert "Traceback" not in done.stderr


async def test_embedded_sandbox_flag() -> None:
    async with Client(stdio_server(server_env(None, None), "--sandbox")) as client:
        result = await client.call_tool("get_current_user", {})
        assert not result.is_error
        assert result.structured_content
        assert result.structured_content["uri"].startswith("https://api.calendly.com/users/")


def test_demo_prints_a_transcript() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calendly_mcp", "demo"],
        env=server_env(None, None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for step in (
        "get_current_user",
        "list_event_types",
        "page_token",
        "takes at most 7 days",
        "create_webhook_subscription",
        "create_event_invitee",
        "booked ",
        "< webhook invitee.created for ada@example.com: signature verified (True)",
        "cancel_scheduled_event",
        "< webhook invitee.canceled for ada@example.com: signature verified (True)",
        "is offered again",
        "refused: ",
        "find_available_times",
        "free slots in 30 days",
        # The second story: three colleagues' common hour, booked once confirmed, then moved.
        "find_common_free_times",
        "- Lucía Gómez (Europe/Madrid)",
        "? the server asks: Book the Strategy Session with Oliver Bennett",
        "! the user accepts",
        "booked with Oliver, Lucía as guest",
        "? the server asks: Move the Strategy Session",
        "moved: Moved: oliver.bennett@northwind.example.com has the new meeting and the old one is canceled.",
    ):
        assert step in out, step
    assert 'signing_key="***"' in out
    # Every call has its result line, and times are shown with their zone.
    lines = out.splitlines()
    calls = [i for i, line in enumerate(lines) if line.startswith("> ")]
    assert len(calls) >= 15
    for i in calls:
        answer = i + 3 if lines[i + 1].startswith("  ? the server asks: ") else i + 1  # a confirmation first
        assert lines[answer].startswith(("  = ", "  refused: ")), lines[i : answer + 1]
    assert "(America/New_York)" in out
    assert "Error executing tool" not in out
    assert "Traceback" not in out + done.stderr


@pytest.mark.parametrize("mode", ["direct", "gateway"])
def test_check_reports_mode_and_user(sandbox: SandboxProcess, mode: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calendly_mcp", "check"],
        env=server_env(mode, sandbox.url),  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"mode: {mode}" in done.stdout
    assert "user: " in done.stdout
    assert "sandbox-token" not in done.stdout
    assert "sandbox-key" not in done.stdout


def test_check_without_credentials_says_what_to_set() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calendly_mcp", "check"],
        env=server_env(None, None),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.path.dirname(__file__),
    )
    assert done.returncode == 1
    assert "MATON_API_KEY" in done.stdout
