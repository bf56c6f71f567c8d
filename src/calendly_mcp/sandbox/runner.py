"""Running the sandbox on loopback: embedded in an event loop, or blocking for the CLI."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import AsyncGenerator, Generator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import anyio
import uvicorn
from starlette.types import ASGIApp

from .assembly import SandboxApp, create_app
from .config import SandboxConfig
from .core import Sandbox


@dataclass(frozen=True)
class RunningSandbox:
    url: str  # e.g. "http://127.0.0.1:54321", no trailing slash
    app: SandboxApp

    @property
    def sandbox(self) -> Sandbox:
        return self.app.sandbox


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that says when it is up and leaves signals to the process that embeds it."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = anyio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()

    @contextmanager
    def capture_signals(self) -> Generator[None]:
        yield


def _quiet_uvicorn_logging() -> None:
    # Uvicorn's logs go to stderr only: an embedding MCP server speaks its protocol on stdout.
    logger = logging.getLogger("uvicorn")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("calendly-sandbox: %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # With proto given, asyncio turns Nagle off on accepted connections; with 0 it does not, and
    # small answers then wait ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _uvicorn_config(app: ASGIApp, host: str, sock: socket.socket) -> uvicorn.Config:
    _quiet_uvicorn_logging()
    return uvicorn.Config(
        app,
        host=host,
        port=sock.getsockname()[1],
        # h11 is pinned because the dropped-connection fault relies on its request cycle.
        http="h11",
        # The lifespan starts and stops the sandbox's webhook deliveries.
        lifespan="on",
        log_level="warning",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


@asynccontextmanager
async def serve_app(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> AsyncGenerator[str]:
    """Serve any ASGI app in the current event loop for the duration of the block; yields its base URL."""
    sock = _bind(host, port)
    server = _EmbeddedServer(_uvicorn_config(app, host, sock))
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(server.serve, [sock])
            await server.ready.wait()
            try:
                yield _url(host, sock)
            finally:
                server.should_exit = True
    finally:
        sock.close()


@asynccontextmanager
async def running_sandbox(
    host: str = "127.0.0.1", port: int = 0, config: SandboxConfig | None = None
) -> AsyncGenerator[RunningSandbox]:
    """Serve a fresh sandbox in the current event loop for the duration of the block."""
    app = create_app(config)
    async with serve_app(app, host, port) as url:
        yield RunningSandbox(url=url, app=app)


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints a line on stderr once it is up."""

    def __init__(self, config: uvicorn.Config, announce: str) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(self.announce, file=sys.stderr, flush=True)


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    config: SandboxConfig | None = None,
    *,
    sock: socket.socket | None = None,
) -> None:
    """Serve a sandbox until interrupted (the `calendly-mcp sandbox` command); says where once it is up.

    `sock`, when given, is a socket already listening on host (its port wins over `port`). Ctrl-C stops it
    gracefully and then raises KeyboardInterrupt, as uvicorn does.
    """
    config = config or SandboxConfig()
    app = create_app(config)
    sock = sock or _bind(host, port)
    url = _url(host, sock)
    announce = (
        f"Calendly sandbox at {url} (Calendly API at /, Calendly token {config.shown(config.calendly_token)!r}; "
        f"Maton gateway at {url}/calendly and connections at {url}/connections, "
        f"Maton key {config.shown(config.maton_key)!r}; controls at {url}/_sandbox/; Ctrl-C stops)"
    )
    try:
        _AnnouncingServer(_uvicorn_config(app, host, sock), announce).run(sockets=[sock])
    finally:
        sock.close()
