"""The MCP Inspector CLI (npm @modelcontextprotocol/inspector) judges the server over stdio.

Each call starts `calendly-mcp serve --sandbox` as the Inspector's own child. On a tools/call the Inspector
validates structuredContent against the tool's outputSchema with ajv (formats on) and, when that fails,
exits 1 with `{"error": {"code": "error", "message": "data/... must ..."}}` on stderr; a result with
isError exits 5 (`tool_is_error`). `test_inspector_catches_schema_violations` proves that on a server
built to be wrong, so a clean exit on ours means the Inspector looked and found nothing.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calendly_mcp.tools.registry import ALL_TOOLS, GATEWAY_ONLY
from conftest import server_env
from mcp_helpers import iso

from .judges import INSPECTOR, REPO, Run, run

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CALENDLY = [str(Path(sys.executable).parent / "calendly-mcp"), "serve", "--sandbox", "--toolsets", "all"]
VIOLATOR = [sys.executable, str(Path(__file__).parent / "schema_violator.py")]
TOOL_ERROR_EXIT = 5  # the Inspector's EXIT_CODES.TOOL_ERROR


async def inspect(tmp_path: Path, target: list[str], *args: str) -> Run:
    # The Inspector's catalog and client config go to tmp_path, never to the user's home.
    env = server_env(
        None,
        None,
        MCP_CATALOG_PATH=str(tmp_path / "catalog.json"),
        MCP_CLIENT_CONFIG_PATH=str(tmp_path / "client.json"),
        NO_COLOR="1",
    )
    return await run([*INSPECTOR.command(), "--cli", *target, *args], env)


def error_envelope(done: Run) -> dict[str, Any]:
    """The `{"error": {...}}` line the Inspector writes on stderr when it exits non-zero."""
    for line in reversed(done.stderr.splitlines()):
        if line.startswith('{"error"'):
            return json.loads(line)["error"]
    raise AssertionError(f"no error envelope on stderr:\n{done}")


async def call(tmp_path: Path, tool: str, **arguments: str) -> dict[str, Any]:
    """A tools/call the Inspector must accept: exit 0, no error, structuredContent valid for outputSchema."""
    pairs = [f"{key}={value}" for key, value in arguments.items()]
    done = await inspect(
        tmp_path,
        CALENDLY,
        "--method",
        "tools/call",
        "--tool-name",
        tool,
        *(["--tool-arg", *pairs] if pairs else []),
    )
    assert done.returncode == 0, f"the Inspector rejected {tool} {arguments}:\n{done}"
    assert '{"error"' not in done.stderr, str(done)
    result = json.loads(done.stdout)
    assert result["isError"] is False, result
    assert isinstance(result["structuredContent"], dict), result
    return result["structuredContent"]


async def test_tools_list_with_strict_portability_check(tmp_path: Path) -> None:
    done = await inspect(tmp_path, CALENDLY, "--method", "tools/list", "--strict")
    # --strict exits 6 on any error-severity portability problem and prints warnings on stderr. None is an
    # error. The one warning is deliberate: optional *arguments* are `type: [T, "null"]` (a third of the
    # tokens of `anyOf [T, null]`, in every definition a model reads); the Inspector flags type lists for
    # single-`type` dialects, and tests/test_client_schemas.py shows each client's own converter loading
    # them (google-genai turns them into `nullable`). Output schemas keep `anyOf`: no warning there.
    assert done.returncode == 0, str(done)
    assert "error" not in done.stderr.lower() or "0 errors" in done.stderr, str(done)
    paths = re.findall(r"^  Path: (.*)$", done.stderr, re.MULTILINE)
    issues = re.findall(r"^  Issue: (.*)$", done.stderr, re.MULTILINE)
    assert all(issue.startswith("`type` is an array ([") and '"null"]' in issue for issue in issues), issues
    assert all(path.startswith("inputSchema") for path in paths), paths
    tools = {tool["name"]: tool for tool in json.loads(done.stdout)["tools"]}
    # The sandbox is Calendly's direct door: every toolset but Maton's connection tools.
    snapshots = set(json.loads((REPO / "src/calendly_mcp/tools/manifest.json").read_text()))
    assert set(tools) == snapshots - {spec.name for spec in ALL_TOOLS if spec.toolset in GATEWAY_ONLY}
    # Output validation below is only worth something if every tool declares an outputSchema.
    assert all(tool.get("outputSchema", {}).get("type") == "object" for tool in tools.values())


async def test_calls_pass_output_schema_validation(tmp_path: Path) -> None:
    me = await call(tmp_path, "get_current_user")
    assert me["uri"].startswith("https://api.calendly.com/users/")

    event_types = await call(tmp_path, "list_event_types", count="5", active="true")
    assert 0 < len(event_types["collection"]) <= 5
    event_type = event_types["collection"][0]["uri"]

    first = await call(tmp_path, "list_scheduled_events", count="3", sort="start_time:asc")
    assert len(first["collection"]) == 3
    assert first["next_page_token"], first
    # Each Inspector call starts its own server and sandbox, whose page tokens are signed per process, so
    # the token is not passed back here (tests/test_events.py pages through one server).

    meeting = first["collection"][0]["uri"]
    event = await call(tmp_path, "get_scheduled_event", event=meeting)
    assert event["uri"] == meeting
    invitees = await call(tmp_path, "list_event_invitees", event=meeting, count="2")
    assert isinstance(invitees["collection"], list)

    start = datetime.now(UTC) + timedelta(hours=1)
    slots = await call(
        tmp_path,
        "list_event_type_available_times",
        event_type=event_type,
        start_time=iso(start),
        end_time=iso(start + timedelta(days=3)),
    )
    assert isinstance(slots["collection"], list)


async def test_tool_error_exits_non_zero(tmp_path: Path) -> None:
    done = await inspect(
        tmp_path, CALENDLY, "--method", "tools/call", "--tool-name", "get_user", "--tool-arg", "user=../x"
    )
    assert done.returncode == TOOL_ERROR_EXIT, str(done)
    result = json.loads(done.stdout)
    assert result["isError"] is True
    assert "../x" in result["content"][0]["text"]
    assert error_envelope(done)["code"] == "tool_is_error"


async def test_window_refusal_exits_non_zero(tmp_path: Path) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    done = await inspect(
        tmp_path,
        CALENDLY,
        "--method",
        "tools/call",
        "--tool-name",
        "list_event_type_available_times",
        "--tool-arg",
        "event_type=ABCDEF",
        f"start_time={iso(start)}",
        f"end_time={iso(start + timedelta(days=30))}",
    )
    assert done.returncode == TOOL_ERROR_EXIT, str(done)
    assert json.loads(done.stdout)["isError"] is True
    assert error_envelope(done)["code"] == "tool_is_error"


@pytest.mark.parametrize(
    ("tool", "complaint"),
    [("wrong_type", "data/count must be integer"), ("wrong_format", 'must match format "date-time"')],
)
async def test_inspector_catches_schema_violations(tmp_path: Path, tool: str, complaint: str) -> None:
    """The control: on a server whose structuredContent breaks its outputSchema, the Inspector fails."""
    done = await inspect(tmp_path, VIOLATOR, "--method", "tools/call", "--tool-name", tool)
    assert done.returncode not in (0, TOOL_ERROR_EXIT), str(done)
    assert complaint in error_envelope(done)["message"], str(done)


async def test_inspector_accepts_a_valid_result_from_the_control(tmp_path: Path) -> None:
    done = await inspect(tmp_path, VIOLATOR, "--method", "tools/call", "--tool-name", "right")
    assert done.returncode == 0, str(done)
