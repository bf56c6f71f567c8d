"""HTTP transports: bearer auth, bind rules, Host/Origin protection and request size limits."""

from __future__ import annotations

import subprocess
import sys
from contextlib import AbstractAsyncContextManager

import httpx2
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import SandboxProcess, free_port, http_server_process, server_env
from mcp_helpers import call

pytestmark = pytest.mark.anyio

TOKEN = "test-auth-token-5e1f"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def http_server(env: dict[str, str], *args: str, host: str = "127.0.0.1") -> AbstractAsyncContextManager[str]:
    return http_server_process("streamable-http", env, *args, host=host)


async def test_auth_token_required_on_every_request(sandbox: SandboxProcess) -> None:
    env = server_env("direct", sandbox.url, CALENDLY_MCP_AUTH_TOKEN=TOKEN)
    async with http_server(env) as base, httpx2.AsyncClient() as http:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": TOKEN},
            {"Authorization": f"Basic {TOKEN}"},
        ):
            answer = await http.post(f"{base}/mcp", json=INIT, headers=HEADERS | headers)
            assert answer.status_code == 401
            assert TOKEN not in answer.text
            assert answer.headers["www-authenticate"].startswith("Bearer")
        assert (await http.get(f"{base}/mcp", headers={"Authorization": "Bearer nope"})).status_code == 401
        authorized = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
        async with (
            authorized,
            Client(streamable_http_client(f"{base}/mcp", http_client=authorized)) as client,
        ):
            assert (await call(client, "get_current_user"))["uri"]


def run_server(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "calendly_mcp",
        "serve",
        "--transport",
        "streamable-http",
        "--port",
        str(free_port()),
        *args,
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_non_loopback_without_token_is_refused() -> None:
    done = run_server("--host", "0.0.0.0", env=server_env(None, None))
    assert done.returncode != 0
    assert "CALENDLY_MCP_AUTH_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


def test_non_loopback_needs_a_named_host() -> None:
    done = run_server("--host", "0.0.0.0", env=server_env(None, None, CALENDLY_MCP_AUTH_TOKEN=TOKEN))
    assert done.returncode != 0
    assert "--allowed-host" in done.stderr
    done = run_server("--host", "0.0.0.0", "--allow-remote", env=server_env(None, None))
    assert done.returncode != 0
    assert "--allowed-host" in done.stderr


async def test_named_host_behind_0000_keeps_host_and_origin_checks() -> None:
    env = server_env(None, None, CALENDLY_MCP_AUTH_TOKEN=TOKEN)
    async with (
        http_server(env, "--allowed-host", "mcp.example.com", host="0.0.0.0") as base,
        httpx2.AsyncClient() as http,
    ):
        auth = HEADERS | {"Authorization": f"Bearer {TOKEN}"}
        good = await http.post(f"{base}/mcp", json=INIT, headers=auth | {"Host": "mcp.example.com"})
        assert good.status_code == 200
        evil_host = await http.post(f"{base}/mcp", json=INIT, headers=auth | {"Host": "evil.example"})
        assert evil_host.status_code == 421
        evil_origin = await http.post(
            f"{base}/mcp",
            json=INIT,
            headers=auth | {"Host": "mcp.example.com", "Origin": "https://evil.example"},
        )
        assert evil_origin.status_code == 403


async def test_loopback_keeps_the_sdk_rebinding_protection() -> None:
    async with http_server(server_env(None, None)) as base, httpx2.AsyncClient() as http:
        assert (await http.post(f"{base}/mcp", json=INIT, headers=HEADERS)).status_code == 200
        assert (
            await http.post(f"{base}/mcp", json=INIT, headers=HEADERS | {"Host": "evil.example"})
        ).status_code == 421
        assert (
            await http.post(f"{base}/mcp", json=INIT, headers=HEADERS | {"Origin": "http://evil.example"})
        ).status_code == 403


async def test_request_size_is_limited() -> None:
    async with http_server(server_env(None, None)) as base, httpx2.AsyncClient() as http:
        huge = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {"pad": "x" * (5 * 1024 * 1024)}}
        answer = await http.post(f"{base}/mcp", json=huge, headers=HEADERS)
        assert answer.status_code == 413


async def test_allowed_hosts_from_the_environment_as_in_the_dockerfile() -> None:
    env = server_env(
        None, None, CALENDLY_MCP_AUTH_TOKEN=TOKEN, CALENDLY_MCP_ALLOWED_HOSTS="localhost,127.0.0.1"
    )
    async with http_server(env, host="0.0.0.0") as base, httpx2.AsyncClient() as http:
        auth = HEADERS | {"Authorization": f"Bearer {TOKEN}"}
        port = base.rsplit(":", 1)[1]
        assert (
            await http.post(f"{base}/mcp", json=INIT, headers=auth | {"Host": f"localhost:{port}"})
        ).status_code == 200
        assert (
            await http.post(f"{base}/mcp", json=INIT, headers=auth | {"Host": "evil.example"})
        ).status_code == 421
        assert (
            await http.post(f"{base}/mcp", json=INIT, headers=HEADERS | {"Host": f"localhost:{port}"})
        ).status_code == 401
