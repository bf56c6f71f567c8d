"""Shared fixtures: a sandbox as its own process on loopback, and MCP clients speaking to real servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.abc
import httpx2
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

Mode = Literal["direct", "gateway"]
# The sandbox of `calendly-mcp sandbox`, checking each Calendly answer it gives against the OpenAPI spec.
SPEC_CHECKED_SANDBOX = Path(__file__).resolve().parent / "spec_checked_sandbox.py"

# Every server process of the session keeps its booking record here, never in the user's data directory;
# in-process code reads the same variable. Removed when the session ends.
SESSION_DATA = Path(tempfile.mkdtemp(prefix="calendly-mcp-tests-"))
DATABASE_URL = f"sqlite:///{SESSION_DATA / 'bookings.sqlite3'}"
os.environ["CALENDLY_MCP_DATABASE_URL"] = DATABASE_URL


def pytest_sessionfinish(session: pytest.Session) -> None:
    shutil.rmtree(SESSION_DATA, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A real PostgreSQL for the session (tests/postgres.py), started once on first use; every database
    test that runs on both databases, and the replica test, share it."""
    import postgres as pg

    try:
        cluster = pg.start(free_port())
    except pg.Unavailable as exc:
        # Loudly: the PostgreSQL half of the database tests did not run.
        print(f"\n*** PostgreSQL tests SKIPPED: {exc} ***", file=sys.stderr)
        pytest.skip(f"PostgreSQL unavailable here: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind: a SQLite file, then a database of the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'calendly-mcp.sqlite3'}"
    return request.getfixturevalue("postgres").fresh_database()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SandboxProcess:
    url: str
    process: subprocess.Popen[bytes]

    def reset(self) -> None:
        httpx2.post(f"{self.url}/_sandbox/reset").raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        answer = httpx2.get(f"{self.url}/_sandbox/requests")
        answer.raise_for_status()
        return answer.json()

    def clear_requests(self) -> None:
        httpx2.delete(f"{self.url}/_sandbox/requests").raise_for_status()

    def set_plan(self, plan: str) -> None:
        """Move the organization to another Calendly plan until the next reset (seeded: enterprise)."""
        httpx2.post(f"{self.url}/_sandbox/plan", json={"plan": plan}).raise_for_status()

    def grant_scopes(self, *scopes: str) -> None:
        """Grant the credential only these OAuth scopes until the next reset (seeded: every scope)."""
        httpx2.post(f"{self.url}/_sandbox/scopes", json={"scopes": list(scopes)}).raise_for_status()

    def fault(self, **fault: Any) -> None:
        httpx2.post(f"{self.url}/_sandbox/faults", json=fault).raise_for_status()

    def info(self) -> dict[str, Any]:
        return httpx2.get(f"{self.url}/_sandbox/info").json()

    def inbox(self, name: str) -> list[dict[str, Any]]:
        """Deliveries the sandbox POSTed to its own receiver, once none is in flight."""
        httpx2.post(
            f"{self.url}/_sandbox/deliveries/wait", params={"timeout": 10}, timeout=15
        ).raise_for_status()
        return httpx2.get(f"{self.url}/_sandbox/inbox/{name}").json()

    def spec_problems(self) -> str | None:
        """What the spec check of every Calendly answer so far found wrong, or None (spec_checked_sandbox.py)."""
        violations: list[dict[str, Any]] = (
            httpx2.get(f"{self.url}/_spec/violations").raise_for_status().json()
        )
        counts: dict[str, int] = httpx2.get(f"{self.url}/_spec/checked").raise_for_status().json()
        if violations:
            shown = [f"  {v['method']} {v['path']} -> {v['status']}: {v['error']}" for v in violations[:20]]
            if len(violations) > 20:
                shown.append(f"  ... and {len(violations) - 20} more")
            return (
                f"{len(violations)} of the {counts['checked']} sandbox answers checked are not what "
                "Calendly's OpenAPI spec allows:\n" + "\n".join(shown)
            )
        if counts["checked"] == 0 and counts["skipped"] > 0:
            return f"the spec check validated none of the {counts['skipped']} Calendly answers the tests saw"
        return None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        if self.process.stderr:
            self.process.stderr.close()


def start_sandbox_process(*flags: str) -> SandboxProcess:
    """A spec-checked sandbox (tests/spec_checked_sandbox.py) as its own process; `flags` as the CLI's."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(SPEC_CHECKED_SANDBOX), "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            httpx2.get(f"{url}/_sandbox/info", timeout=1).raise_for_status()
            return SandboxProcess(url, process)
        except httpx2.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("sandbox did not start within 30 s")


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    box = start_sandbox_process()
    problems: str | None = None
    try:
        yield box
        problems = box.spec_problems()
    finally:
        box.stop()
    if problems:  # the whole session is red: some test made the sandbox answer what Calendly would not
        pytest.fail(problems, pytrace=False)


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess) -> SandboxProcess:
    """The session's sandbox, reset to its seed and with an empty request log."""
    sandbox_process.reset()
    return sandbox_process


def server_env(mode: Mode | None, url: str | None, **extra: str) -> dict[str, str]:
    """A clean environment for a server process: nothing of the developer's own credentials leaks in, and
    its booking record is the session's temporary one (even the default location is a temporary one).
    Every toolset is served: the tests exercise every tool (a test of the default set says so)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATON_", "CALENDLY_"))}
    env |= {
        "CALENDLY_MCP_DATABASE_URL": DATABASE_URL,
        "XDG_DATA_HOME": str(SESSION_DATA),
        "CALENDLY_MCP_TOOLSETS": "all",
    }
    if mode == "direct" and url:
        env |= {"CALENDLY_API_TOKEN": "sandbox-token", "CALENDLY_API_URL": url}
    elif mode == "gateway" and url:
        env |= {"MATON_API_KEY": "sandbox-key", "MATON_GATEWAY_URL": url, "MATON_CTRL_URL": url}
    # Every toolset, the ones not exposed by default too: the tests reach every tool.
    env["CALENDLY_MCP_TOOLSETS"] = "all"
    return env | extra


def stdio_server(env: dict[str, str], *args: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "calendly_mcp", "serve", *args], env=env, cwd=os.getcwd()
    )


@pytest.fixture(scope="module", params=["direct", "gateway"])
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


Transport = Literal["stdio", "streamable-http", "sse"]


@asynccontextmanager
async def connect(
    transport: Transport, env: dict[str, str], *args: str, era: Literal["auto", "legacy"] = "auto"
) -> AsyncIterator[Client]:
    """An MCP client to a new server process on `transport`; HTTP servers are stopped afterwards."""
    if transport == "stdio":
        async with Client(stdio_server(env, *args), mode=era) as client:
            yield client
        return
    async with http_server_process(transport, env, *args) as base:
        if transport == "streamable-http":
            target: Any = f"{base}/mcp"
        else:
            from mcp.client.sse import sse_client

            target = sse_client(f"{base}/sse")
            era = "legacy"  # SSE predates the 2026-07-28 protocol
        async with Client(target, mode=era) as client:
            yield client


@asynccontextmanager
async def http_server_process(
    transport: Literal["streamable-http", "sse"], env: dict[str, str], *args: str, host: str = "127.0.0.1"
) -> AsyncIterator[str]:
    """A server process on an HTTP transport, listening; yields its loopback base URL; stopped afterwards."""
    async with http_server_and_process(transport, env, *args, host=host) as (base, _):
        yield base


@asynccontextmanager
async def http_server_and_process(
    transport: Literal["streamable-http", "sse"], env: dict[str, str], *args: str, host: str = "127.0.0.1"
) -> AsyncIterator[tuple[str, anyio.abc.Process]]:
    """The same, with the process itself, for tests that kill it; stopped afterwards unless it is gone."""
    port = free_port()
    command = [sys.executable, "-m", "calendly_mcp", "serve", "--transport", transport, "--host", host]
    process = await anyio.open_process(
        [*command, "--port", str(port), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    async with process:
        try:
            await _wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}", process
        finally:
            if process.returncode is None:
                process.terminate()
            await process.wait()


async def _wait_for_port(port: int, process: anyio.abc.Process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            stream = await anyio.connect_tcp("127.0.0.1", port)
        except OSError:
            await anyio.sleep(0.05)
            continue
        await stream.aclose()
        return
    raise RuntimeError("server did not listen within 30 s")


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """One server process per module and mode (starting one costs about a second), with every toolset:
    the shared table (tests/cases.py) has rows for the toolsets that are not default too."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="all")
    async with Client(stdio_server(env)) as client:
        yield client


@pytest.fixture
def mcp(mcp_server: Client, sandbox: SandboxProcess) -> Client:
    """An MCP client over stdio to a server process that reaches the freshly reset sandbox in `mode`."""
    return mcp_server
