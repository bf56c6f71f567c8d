"""The command line: a flag means the same wherever it stands, and what it cannot honour is an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from calendly_mcp import __version__
from calendly_mcp.server.cli import DEFAULTS, parse_args
from calendly_mcp.settings import Settings
from conftest import server_env

pytestmark = pytest.mark.anyio

# Each serve flag with a value that differs from its default, as it is typed.
SERVE_FLAGS: list[tuple[list[str], str, object]] = [
    (["--transport", "sse"], "transport", "sse"),
    (["--host", "0.0.0.0"], "host", "0.0.0.0"),
    (["--port", "9123"], "port", 9123),
    (["--sandbox"], "sandbox", True),
    (["--read-only"], "read_only", True),
    (["--toolsets", "users,events"], "toolsets", "users,events"),
    (["--allow-remote"], "allow_remote", True),
    (["--allowed-host", "mcp.example.com"], "allowed_host", ["mcp.example.com"]),
    (["--log-level", "DEBUG"], "log_level", "DEBUG"),
]


def test_every_serve_flag_is_covered() -> None:
    assert {name for _, name, _ in SERVE_FLAGS} == {*DEFAULTS["serve"], "log_level"}


@pytest.mark.parametrize(("flag", "name", "value"), SERVE_FLAGS, ids=[f[0][0] for f in SERVE_FLAGS])
def test_serve_flags_mean_the_same_in_both_positions(flag: list[str], name: str, value: object) -> None:
    before, after, bare = parse_args([*flag, "serve"]), parse_args(["serve", *flag]), parse_args(flag)
    assert getattr(before, name) == getattr(after, name) == getattr(bare, name) == value
    assert before == after == bare
    # ...and every other flag keeps its default.
    plain = parse_args(["serve"])
    assert {k: v for k, v in vars(before).items() if k != name} == {
        k: v for k, v in vars(plain).items() if k != name
    }


@pytest.mark.parametrize(
    ("argv", "name", "value"),
    [
        (["--port", "9999", "sandbox"], "port", 9999),
        (["sandbox", "--port", "9999"], "port", 9999),
        (["--host", "::1", "sandbox"], "host", "::1"),
        (["--sandbox", "check"], "sandbox", True),
        (["check", "--sandbox"], "sandbox", True),
        (["--log-level", "INFO", "demo"], "log_level", "INFO"),
        (["demo", "--log-level", "INFO"], "log_level", "INFO"),
    ],
)
def test_other_commands_take_their_flags_in_both_positions(argv: list[str], name: str, value: object) -> None:
    assert getattr(parse_args(argv), name) == value


def test_defaults_per_command() -> None:
    assert parse_args([]).port == 8000
    assert parse_args(["sandbox"]).port == 8765
    assert parse_args([]).transport == "stdio"
    assert parse_args([]).log_level == "WARNING"


@pytest.mark.parametrize(
    "argv",
    [
        ["--read-only", "demo"],
        ["--toolsets", "users", "sandbox"],
        ["--transport", "sse", "check"],
        ["--port", "9000", "check"],
        ["--allow-remote", "demo"],
    ],
)
def test_a_flag_the_command_cannot_honour_is_an_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        parse_args(argv)
    assert done.value.code == 2
    assert "not apply to" in capsys.readouterr().err


def run(
    *argv: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calendly_mcp", *argv],
        env=env or server_env(None, None),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"calendly-mcp {__version__}"


def test_a_selection_with_no_tool_is_refused_in_one_line() -> None:
    done = run("--toolsets", "scheduling", "--read-only")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "calendly-mcp: toolsets scheduling in read-only mode leave no tool to serve; "
        "add a toolset with tools that read (e.g. default)"
    ]


@pytest.mark.parametrize("argv", [["--read-only", "serve"], ["serve", "--read-only"], ["--read-only"]])
async def test_read_only_before_or_after_serve_hides_every_write(argv: list[str]) -> None:
    """A Claude Desktop config may put the flag either side of `serve`: the same tools either way."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "calendly_mcp", *argv],
        env=server_env(None, None),
        cwd=os.getcwd(),
    )
    async with Client(params) as client:
        tools = (await client.list_tools()).tools
    assert tools
    assert all(t.annotations and t.annotations.read_only_hint for t in tools)
    assert not {"cancel_scheduled_event", "delete_webhook_subscription", "create_event_invitee"} & {
        t.name for t in tools
    }


def test_allowed_hosts_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CALENDLY_MCP_ALLOWED_HOSTS=mcp.example.com, other.example.com\n")
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        settings = Settings()
    finally:
        os.chdir(previous)
    assert settings.calendly_mcp_allowed_hosts == ("mcp.example.com", "other.example.com")
