"""The command line: a flag means the same wherever it stands, and what it cannot honour is an error."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import anyio.to_thread
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


# --- Stopping, ports, where it listens, --help ------------------------------------------------------------

# The lines each server prints on stderr once it listens (the real port, even with --port 0).
LISTENING = {
    "streamable-http": re.compile(
        r"^calendly-mcp: serving streamable HTTP at http://127\.0\.0\.1:(\d+)/mcp "
    ),
    "sse": re.compile(r"^calendly-mcp: serving SSE at http://127\.0\.0\.1:(\d+)/sse "),
    "sandbox": re.compile(r"^Calendly sandbox at http://127\.0\.0\.1:(\d+) "),
}


def start(*argv: str) -> subprocess.Popen[str]:
    """A server process whose stdin is a pipe kept open (as an MCP client holds it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "calendly_mcp", *argv],
        env=server_env(None, None),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(
    process: subprocess.Popen[str], pattern: re.Pattern[str], seconds: float = 30
) -> re.Match[str]:
    """Read stderr until a line matches; the line must come while the process is up."""
    assert process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while time.monotonic() < deadline:
        if selector.select(timeout=0.1):
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if found := pattern.match(line):
                return found
    process.kill()
    raise AssertionError(f"no line matching {pattern.pattern!r} within {seconds} s; stderr: {seen}")


def interrupt(process: subprocess.Popen[str], seconds: float = 5) -> tuple[int, float, str]:
    """One SIGINT (what Ctrl-C sends); the exit code, how long it took to exit, and the rest of stderr."""
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"still running {seconds} s after one SIGINT; stderr: {err}") from None
    return process.returncode, time.monotonic() - started, err


async def initialize_over_stdio(process: subprocess.Popen[str]) -> None:
    """Proof that the server is up and reading stdin: it answers an initialize."""
    assert process.stdin is not None
    assert process.stdout is not None
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        },
    }
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    with anyio.fail_after(30):
        line = await anyio.to_thread.run_sync(process.stdout.readline)
    assert json.loads(line)["id"] == 1, line


@pytest.mark.parametrize("argv", [["serve"], ["serve", "--sandbox"], ["--read-only"]], ids=" ".join)
async def test_one_sigint_stops_stdio_serve_cleanly(argv: list[str]) -> None:
    process = start(*argv)
    await initialize_over_stdio(process)
    code, took, err = interrupt(process)
    assert code == 130, err
    assert "Traceback" not in err, err
    assert took < 5


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["sandbox", "--port", "0"], "sandbox"),
        (["serve", "--transport", "streamable-http", "--port", "0"], "streamable-http"),
        (["serve", "--sandbox", "--transport", "streamable-http", "--port", "0"], "streamable-http"),
        (["serve", "--transport", "sse", "--port", "0"], "sse"),
    ],
    ids=" ".join,
)
def test_http_servers_say_where_they_listen_and_stop_on_one_sigint(argv: list[str], kind: str) -> None:
    process = start(*argv)
    port = int(wait_for_line(process, LISTENING[kind]).group(1))
    assert port != 0
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # it listens where it said
    code, took, err = interrupt(process)
    assert code == 130, err
    assert "Traceback" not in err, err
    assert took < 10


async def test_streamable_http_on_port_0_serves_at_the_url_it_prints() -> None:
    process = start("serve", "--sandbox", "--transport", "streamable-http", "--port", "0")
    try:
        port = wait_for_line(process, LISTENING["streamable-http"]).group(1)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            assert (await client.list_tools()).tools
    finally:
        code, _, err = interrupt(process)
    assert code == 130, err
    assert "Traceback" not in err, err


@pytest.mark.parametrize("command", [["serve", "--transport", "streamable-http"], ["sandbox"]], ids=" ".join)
@pytest.mark.parametrize("port", ["99999", "-1", "65536", "eighty"])
def test_a_bad_port_is_one_line_and_exit_2(command: list[str], port: str) -> None:
    done = run(*command, "--port", port)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("calendly-mcp"), lines
    assert f"argument --port: {port!r}" in lines[0] or f"argument --port: {port} " in lines[0], lines


@pytest.mark.parametrize(
    "command", [["serve", "--transport", "streamable-http"], ["serve", "--transport", "sse"], ["sandbox"]]
)
def test_a_busy_port_is_one_line_and_exit_1(command: list[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(*command, "--port", str(port))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"calendly-mcp: port {port} on 127.0.0.1 is in use (pick another with --port)"
    ]


def test_help_lists_every_setting_and_every_toolset() -> None:
    from calendly_mcp.tools.registry import NAMES

    for argv in (["--help"], ["serve", "--help"]):
        done = run(*argv)
        assert done.returncode == 0
        epilog = done.stdout[done.stdout.index("environment variables") :]
        for name in Settings.model_fields:
            assert re.search(rf"^  {name.upper()} ", epilog, re.MULTILINE), name
        for toolset in NAMES:
            assert re.search(rf"\b{toolset}\b", epilog), toolset


def test_help_does_not_load_the_tools_for_other_commands() -> None:
    """Computing the epilog imports the registry; a plain parse must not (cold start)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from calendly_mcp.server.cli import parse_args; parse_args(['serve']); "
            "print('calendly_mcp.tools.registry' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


_COLLECTOR_PROBE = """
import gc, json
from calendly_mcp.server import app, cli, stdio

seen = {}
build = app.build_server

def build_server(*args, **kwargs):
    seen["collecting_while_building"] = gc.isenabled()
    return build(*args, **kwargs)

def run_stdio(server, closed):
    seen["collecting_while_serving"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    print(json.dumps(seen))
    return 0

app.build_server, stdio.run_stdio = build_server, run_stdio
cli.main(["serve"])
"""


def test_the_collector_pauses_while_the_server_starts_and_collects_once_it_serves() -> None:
    """Start-up runs without the cyclic collector (a tenth of cold start) and the server it built
    collects again, start-up's objects frozen out of its passes; the probe is the real serve path."""
    done = subprocess.run(
        [sys.executable, "-c", _COLLECTOR_PROBE],
        capture_output=True,
        text=True,
        env=server_env(None, None),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["collecting_while_building"] is False
    assert seen["collecting_while_serving"] is True
    assert seen["frozen"] > 50_000  # the SDK's and our start-up objects
