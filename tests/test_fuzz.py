"""Whatever a model sends, every call answers within the protocol, reaches Calendly only on its own paths,
and never carries a traceback. Property-based over each tool's own inputSchema, plus hostile values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from mcp.client import Client

from calendly_mcp.tools import _manifest
from calendly_mcp.tools.registry import ALL_TOOLS, GATEWAY_ONLY
from cases import upstream_paths
from conftest import SandboxProcess, server_env
from mcp_helpers import text_of

pytestmark = pytest.mark.anyio

TOOLS = _manifest.load()  # every tool's definition, as tools/list serves it
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# Every path the server may ask of Calendly (and of Maton, behind /calendly and /connections).
CALENDLY_PATHS = upstream_paths()
TRACEBACK = ("Traceback", 'File "', "Error executing tool {", "raise ", "site-packages")
# Pydantic's own report and the SDK's prefix, which argument errors and tool errors no longer carry.
TRACEBACK += (
    "validation error for",
    "Arguments\n",
    "errors.pydantic.dev",
    "input_value=",
    "input_type=",
    "[type=",
    "Error executing tool",
)


def check_answer(tool: str, result: Any) -> None:
    if result.is_error:
        text = text_of(result)
        assert text, f"{tool}: an error without words"
        for marker in TRACEBACK:
            assert marker not in text, f"{tool}: traceback text reached the client: {text[:300]}"
        return
    schema = TOOLS[tool]["outputSchema"]
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        result.structured_content
    )


def check_paths(sandbox: SandboxProcess) -> None:
    strays = [r["path"] for r in sandbox.requests() if not CALENDLY_PATHS.match(r["path"])]
    assert not strays, f"requests outside Calendly's operations: {strays[:5]}"


def examples(strategy: st.SearchStrategy[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hypothesis draws the arguments up front (derandomized, so a run is repeatable); the async calls then
    go to one long-lived server. (Running @given inside anyio's runner with a module-scoped server process
    breaks the runner's streams.)"""
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(arguments: dict[str, Any]) -> None:
        drawn.append(arguments)

    collect()
    return drawn


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


def arbitrary(tool: str) -> st.SearchStrategy[dict[str, Any]]:
    properties = list(TOOLS[tool]["inputSchema"]["properties"])
    keys = st.sampled_from(properties) | st.text(max_size=20) if properties else st.text(max_size=20)
    return st.dictionaries(keys, JSON_VALUES, max_size=6)


@pytest.mark.parametrize("tool", sorted(TOOLS))
async def test_schema_valid_arguments(mcp: Client, sandbox: SandboxProcess, tool: str) -> None:
    for arguments in examples(from_schema(TOOLS[tool]["inputSchema"])):
        try:
            check_answer(tool, await mcp.call_tool(tool, arguments))
        except AssertionError as exc:
            raise AssertionError(f"{tool}({str(arguments)[:300]}): {exc}") from None
    check_paths(sandbox)


@pytest.mark.parametrize("tool", sorted(TOOLS))
async def test_arbitrary_arguments(mcp: Client, sandbox: SandboxProcess, tool: str) -> None:
    for arguments in examples(arbitrary(tool)):
        try:
            check_answer(tool, await mcp.call_tool(tool, arguments))
        except AssertionError as exc:
            raise AssertionError(f"{tool}({str(arguments)[:300]}): {exc}") from None
    check_paths(sandbox)


HOSTILE_IDS = [
    "../../users/me",
    "..%2F..%2Fusers",
    "abc%2Fdef",
    "abc/def",
    "abc?user=https://api.calendly.com/users/x",
    "abc&count=100",
    "abc#fragment",
    "abc\r\nX-Injected: 1",
    "abc\x00def",
    "abc\u202edef",
    "ａｂｃ",
    " abc",
    "https://api.calendly.com@evil.example/users/abc",
    "https://evil.example/scheduled_events/abc",
    "//evil.example/scheduled_events/abc",
    "http://127.0.0.1:1/scheduled_events/abc",
    "file:///etc/passwd",
    "x" * 1_000_000,
]
HOSTILE_TIMES = [
    "2026-12-01T10:00:00",
    "2026-02-30T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "10000-01-01T00:00:00Z",
    "tomorrow at noon",
    "",
    "2026-12-01T10:00:00+25:00",
    "0001-01-01T00:30:00+01:00",  # overflows when shifted to UTC
    "9999-12-31T23:00:00-05:00",
    "1969-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
]


def hostile_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for value in HOSTILE_IDS:
        cases += [
            ("get_scheduled_event", {"event": value}),
            ("get_user", {"user": value}),
            ("list_event_types", {"user": value}),
            ("cancel_scheduled_event", {"event": value}),
            ("get_event_invitee", {"invitee": value, "event": "abc"}),
            ("delete_webhook_subscription", {"webhook": value}),
            ("get_connection", {"connection_id": value}),
        ]
    for value in HOSTILE_TIMES:
        cases += [
            ("list_scheduled_events", {"min_start_time": value}),
            ("list_user_busy_times", {"start_time": value, "end_time": "2030-01-01T00:00:00Z"}),
        ]
    cases += [
        ("list_scheduled_events", {"count": 10**20}),
        ("list_scheduled_events", {"count": -1}),
        ("list_scheduled_events", {"count": 5.5}),
        ("list_scheduled_events", {"count": "20; DROP TABLE"}),
        ("list_scheduled_events", {"status": ["active"]}),
        ("list_scheduled_events", {"user": {"uri": "x"}}),
        (
            "list_event_type_available_times",
            {"event_type": "abc", "start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-09T00:00:00Z"},
        ),
        (
            "list_event_type_available_times",
            {"event_type": "abc", "start_time": "2030-01-01T00:00:00Z", "end_time": "2031-02-05T00:00:00Z"},
        ),
        (
            "list_event_type_available_times",
            {"event_type": "abc", "start_time": "2030-01-02T00:00:00Z", "end_time": "2030-01-01T00:00:00Z"},
        ),
        (
            "create_event_invitee",
            {
                "event_type": "abc",
                "start_time": "2030-01-01T10:00:00Z",
                "email": "a@b.co",
                "timezone": "Europe/Nowhere",
                "name": "A",
            },
        ),
        (
            "create_event_invitee",
            {
                "event_type": "abc",
                "start_time": "2030-01-01T10:00:00Z",
                "email": "a@b.co",
                "timezone": "../../etc/passwd",
                "name": "A",
            },
        ),
        (
            "create_event_invitee",
            {
                "event_type": "abc",
                "start_time": "2030-01-01T10:00:00Z",
                "email": "a@b.co",
                "timezone": "UTC",
                "name": "A",
                "guests": [f"g{i}@b.co" for i in range(11)],
            },
        ),
        (
            "create_event_invitee",
            {
                "event_type": "abc",
                "start_time": "2030-01-01T10:00:00Z",
                "email": "a@b.co\r\nBcc: x@y.z",
                "timezone": "UTC",
                "name": "A",
            },
        ),
        *[
            (
                "create_event_invitee",
                {
                    "event_type": "abc",
                    "start_time": "2030-01-01T10:00:00Z",
                    "email": "a@b.co",
                    "timezone": zone,
                    "name": name,
                },
            )
            for zone, name in (
                ("UTC", "\u200b\u2060\ufeff"),
                ("UTC", "Ann\r\nBcc: x@y.z"),
                ("UTC", "Ann\x00"),
                ("localtime", "Ann"),
                ("posix/UTC", "Ann"),
            )
        ],
        ("create_webhook_subscription", {"url": "javascript:alert(1)", "events": ["invitee.created"]}),
        (
            "create_webhook_subscription",
            {"url": "https://example.com/h", "events": ["invitee.created"] * 1000},
        ),
        ("create_webhook_subscription", {"url": "https://exa mple.com/h", "events": ["invitee.created"]}),
    ]
    return cases


HOSTILE = hostile_cases()


@pytest.mark.parametrize(("tool", "arguments"), HOSTILE, ids=[f"{t}-{i}" for i, (t, _) in enumerate(HOSTILE)])
async def test_hostile_values_are_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, arguments: dict[str, Any]
) -> None:
    sandbox.clear_requests()
    result = await mcp.call_tool(tool, arguments)
    assert result.is_error, f"{tool} accepted {str(arguments)[:200]}"
    check_answer(tool, result)
    assert len(text_of(result)) < 2000, "a huge input is not echoed back"
    assert sandbox.requests() == [], f"{tool} reached the sandbox with {str(arguments)[:200]}"


@pytest.mark.parametrize("token", [*HOSTILE_IDS[:13], "abc def", "x" * 600])
async def test_hostile_page_tokens_stay_query_values(
    mcp: Client, sandbox: SandboxProcess, token: str
) -> None:
    """A page token is opaque, so it may be sent; it can only ever be an encoded query value."""
    result = await mcp.call_tool("list_scheduled_events", {"page_token": token})
    assert result.is_error
    check_answer("list_scheduled_events", result)
    check_paths(sandbox)


def test_raw_protocol_abuse_gets_protocol_answers() -> None:
    """Malformed JSON, non-object arguments and unknown tools, written straight onto stdio."""
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "get_user", "arguments": "not-an-object"},
        },
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "no_such_tool", "arguments": {}},
        },
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "get_user", "arguments": [1, 2]},
        },
        {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "get_user"}},
        {"jsonrpc": "2.0", "id": 6, "method": "no/such/method", "params": {}},
        {"jsonrpc": "2.0", "id": 7, "method": "tools/list"},
    ]
    lines = [json.dumps(m) for m in messages]
    lines.insert(2, "{this is not json")
    process = subprocess.Popen(
        # DEBUG: whatever the server logs, stdout must still carry nothing but protocol messages.
        [sys.executable, "-m", "calendly_mcp", "--log-level", "DEBUG", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(None, None, CALENDLY_MCP_TOOLSETS="all"),
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    answers: list[dict[str, Any]] = []
    try:
        # One message at a time, each answered before the next: stdin stays open as a real client keeps it.
        for line in lines:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            message = json.loads(line) if line.startswith('{"') else {}
            if "id" in message:
                answers.append(json.loads(process.stdout.readline()))  # stdout carries protocol only
    finally:
        process.stdin.close()
        process.wait(30)
        stderr = process.stderr.read() if process.stderr else ""
        process.stdout.close()
        if process.stderr:
            process.stderr.close()
    by_id = {a.get("id"): a for a in answers}
    for ident in (2, 3, 4, 5, 6):
        answer = by_id[ident]
        text = json.dumps(answer)
        assert "error" in answer or answer["result"].get("isError"), answer
        for marker in TRACEBACK:
            assert marker not in text
    # No credential: every toolset but Maton's connection tools (gateway mode only).
    served = {name for name in TOOLS if name not in {s.name for s in ALL_TOOLS if s.toolset in GATEWAY_ONLY}}
    assert len(by_id[7]["result"]["tools"]) == len(served), "the server still answers after all that"
    assert "Traceback" not in stderr
