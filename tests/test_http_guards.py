"""No client can lock the HTTP transports up: sessions of older-protocol clients are bounded in number and
idle time, slow headers and bodies are cut off, the bearer scheme is case-insensitive, and /healthz
answers without a credential. Real server processes on loopback."""

from __future__ import annotations

import socket
import time
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from conftest import SandboxProcess, http_server_and_process, http_server_process, server_env
from mcp_helpers import call

pytestmark = pytest.mark.anyio

TOKEN = "guards-token-9c2d"
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def initialize(number: int) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": number,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": f"flood-{number}", "version": "1"},
        },
    }


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


async def test_bearer_scheme_in_any_case_and_healthz_without_a_credential(sandbox: SandboxProcess) -> None:
    env = server_env("direct", sandbox.url, CALENDLY_MCP_AUTH_TOKEN=TOKEN)
    async with http_server_process("streamable-http", env) as base, httpx2.AsyncClient() as http:
        health = await http.get(f"{base}/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        for scheme in ("bearer", "BEARER", "Bearer", "bEaReR"):
            answer = await http.post(
                f"{base}/mcp", json=initialize(1), headers=HEADERS | {"Authorization": f"{scheme} {TOKEN}"}
            )
            assert answer.status_code == 200, scheme
        for wrong in (f"Basic {TOKEN}", "Bearer", f"Bearer{TOKEN}", f"bearer {TOKEN}x", ""):
            answer = await http.post(
                f"{base}/mcp", json=initialize(2), headers=HEADERS | {"Authorization": wrong}
            )
            assert answer.status_code == 401, wrong
        lower = httpx2.AsyncClient(headers={"Authorization": f"bearer {TOKEN}"})
        async with lower, Client(streamable_http_client(f"{base}/mcp", http_client=lower)) as client:
            assert (await call(client, "get_current_user"))["uri"]


async def test_sse_serves_healthz_too(sandbox: SandboxProcess) -> None:
    async with http_server_process("sse", server_env("direct", sandbox.url)) as base:
        assert httpx2.get(f"{base}/healthz").json() == {"status": "ok"}


async def test_slow_headers_and_slow_bodies_are_cut_off(sandbox: SandboxProcess) -> None:
    env = server_env("direct", sandbox.url, CALENDLY_MCP_SLOW_REQUEST_SECONDS="1.5")
    async with http_server_process("streamable-http", env) as base:
        port = int(base.rsplit(":", 1)[1])
        # Headers at one byte every 0.3 s: the connection is closed once 1.5 s have passed.
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            closed = False
            for byte in b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 40:
                try:
                    slow.sendall(bytes([byte]))
                    await anyio.sleep(0.3)
                    slow.setblocking(False)
                    try:
                        if slow.recv(1) == b"":
                            closed = True
                            break
                    except BlockingIOError:
                        pass
                    finally:
                        slow.setblocking(True)
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
            assert closed, "a client trickling its headers kept the connection"
        assert 1.2 < time.monotonic() - started < 6
        # A body announced at 100 bytes that never comes: 408 after 1.5 s.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(
                b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Accept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{"
            )
            started = time.monotonic()
            answer = slow.recv(4096)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
            assert 1.2 < time.monotonic() - started < 6
        # Meanwhile, and afterwards, a normal client is served.
        async with Client(f"{base}/mcp") as client:
            assert (await call(client, "get_current_user"))["uri"]


async def test_a_session_flood_is_bounded_and_expires(sandbox: SandboxProcess) -> None:
    """One local process opens sessions as fast as it can, three times: at most CALENDLY_MCP_MAX_SESSIONS
    are kept, the rest get 503; 2026-07-28 clients (no session) and sessions already open are still
    served; after the idle timeout every flooded session is gone (the next flood gets as many in again,
    and a new old-protocol client connects), and memory does not grow from flood to flood."""
    limit, idle, attempts = 60, 3.0, 400
    env = server_env(
        "direct",
        sandbox.url,
        CALENDLY_MCP_MAX_SESSIONS=str(limit),
        CALENDLY_MCP_SESSION_IDLE_SECONDS=str(idle),
    )
    figures: list[str] = []
    async with (
        http_server_and_process("streamable-http", env) as (base, process),
        httpx2.AsyncClient(timeout=10, limits=httpx2.Limits(max_connections=20)) as http,
    ):
        async with Client(f"{base}/mcp", mode="legacy") as warm:
            assert (await call(warm, "get_current_user"))["uri"]
        await anyio.sleep(idle + 2)
        base_rss = rss_kb(process.pid)
        settled: list[int] = []
        for round_number in (1, 2, 3):
            statuses: list[int] = []

            async def open_one(number: int, statuses: list[int] = statuses) -> None:
                answer = await http.post(f"{base}/mcp", json=initialize(number), headers=HEADERS)
                statuses.append(answer.status_code)

            started = time.monotonic()
            async with anyio.create_task_group() as tasks:
                for number in range(attempts):
                    tasks.start_soon(open_one, number)
            seconds = time.monotonic() - started
            peak = rss_kb(process.pid)
            accepted, refused = statuses.count(200), statuses.count(503)
            assert accepted + refused == attempts, sorted(set(statuses))
            assert accepted == limit, f"round {round_number}: {accepted} sessions kept"
            # A client of the current protocol needs no session: served during the flood.
            async with Client(f"{base}/mcp") as modern:
                assert (await call(modern, "get_current_user"))["uri"]
            assert (await http.post(f"{base}/mcp", json=initialize(0), headers=HEADERS)).status_code == 503
            await anyio.sleep(idle + 2)
            settled.append(rss_kb(process.pid))
            figures.append(
                f"round {round_number}: {attempts} in {seconds:.2f} s, {accepted} kept, {refused} 503; "
                f"RSS {peak / 1024:.1f} MB at the peak, {settled[-1] / 1024:.1f} MB after the idle timeout"
            )
        async with Client(f"{base}/mcp", mode="legacy") as late:
            assert (await call(late, "get_current_user"))["uri"]
    print(
        f"flood (limit {limit}, idle {idle:g} s, RSS before {base_rss / 1024:.1f} MB): " + "; ".join(figures)
    )
    assert max(settled) - base_rss < 30 * 1024, "bounded floods grew memory by over 30 MB"
    assert settled[2] - settled[0] < 4 * 1024, f"memory grows from flood to flood: {figures}"


async def test_sse_sessions_are_bounded_and_idle_ones_closed(sandbox: SandboxProcess) -> None:
    env = server_env(
        "direct", sandbox.url, CALENDLY_MCP_MAX_SESSIONS="3", CALENDLY_MCP_SESSION_IDLE_SECONDS="2"
    )
    async with http_server_process("sse", env) as base, httpx2.AsyncClient(timeout=10) as http:
        streams = [http.stream("GET", f"{base}/sse") for _ in range(3)]
        opened = [await stream.__aenter__() for stream in streams]
        try:
            assert all(answer.status_code == 200 for answer in opened)
            refused = await http.get(f"{base}/sse")
            assert refused.status_code == 503
            assert refused.json()["error"] == "too_many_sessions"
            # Idle streams are closed by the server after 2 s; then a client gets in again.
            for answer in opened:
                with anyio.fail_after(10):
                    async for _ in answer.aiter_bytes():
                        pass
        finally:
            for stream in streams:
                await stream.__aexit__(None, None, None)
        async with Client(sse_client(f"{base}/sse"), mode="legacy") as client:
            assert (await call(client, "get_current_user"))["uri"]
