"""The HTTP transports (streamable HTTP, SSE): bearer auth, bind rules and Host/Origin protection.

Imported only when an HTTP transport is asked for: stdio never loads uvicorn.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import socket
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    import uvicorn

HttpTransport = Literal["sse", "streamable-http"]
LOOPBACK_NAMES = {"localhost"}
MAX_PORT = 65535
INTERRUPTED = 130  # 128 + SIGINT: what a shell reports after Ctrl-C
# Open streams (a client's GET /mcp, an SSE session) get this long to close after Ctrl-C or SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 5


class RefusedToServe(Exception):
    """The requested HTTP setup would be unsafe; the message says what to change."""


class CannotServe(Exception):
    """The server cannot listen (or start); the message says why, in one line."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BearerAuth:
    """Every HTTP request must carry `Authorization: Bearer <CALENDLY_MCP_AUTH_TOKEN>` (the scheme in any
    case, as RFC 9110 has it)."""

    def __init__(self, app: ASGIApp, token: SecretStr) -> None:
        self.app = app
        self._expected = token.get_secret_value().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credentials = value.strip().partition(b" ")
                given = credentials.strip() if scheme.lower() == b"bearer" else b""
                break
        # compare_digest: how long the check takes says nothing about how much of the token was right.
        if given and hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"error": "unauthorized", "message": "send Authorization: Bearer <CALENDLY_MCP_AUTH_TOKEN>"}
        )
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="calendly-mcp"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})


def security_for(host: str, allowed_hosts: Sequence[str]) -> TransportSecuritySettings | None:
    """DNS-rebinding protection: the SDK's own on loopback; on another address, only the named hosts."""
    if not allowed_hosts:
        return None if is_loopback(host) else TransportSecuritySettings(enable_dns_rebinding_protection=True)
    hosts: list[str] = []
    origins: list[str] = []
    for name in allowed_hosts:
        hosts += [name, f"{name}:*"]
        origins += [f"https://{name}", f"https://{name}:*", f"http://{name}", f"http://{name}:*"]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def build_http_app(
    server: MCPServer[Any],
    transport: HttpTransport,
    *,
    host: str,
    auth_token: SecretStr | None,
    allow_remote: bool = False,
    allowed_hosts: Sequence[str] = (),
    max_sessions: int = 100,
    session_idle_seconds: float = 120.0,
    slow_request_seconds: float = 15.0,
) -> ASGIApp:
    """The transport's app behind our guards: /healthz (no credential), the webhook inbox (signed
    deliveries, no bearer token), the bearer check, a deadline on each request body, and sessions of
    older-protocol clients bounded in number and idle time."""
    from calendly_mcp.server.guards import BodyDeadline, Health, SseSessions

    if not is_loopback(host) and auth_token is None and not allow_remote:
        raise RefusedToServe(
            f"refusing to serve on {host} without CALENDLY_MCP_AUTH_TOKEN: anyone who can reach it could "
            "book and cancel meetings. Set CALENDLY_MCP_AUTH_TOKEN, or pass --allow-remote if something in "
            "front of the server already authenticates."
        )
    if not is_loopback(host) and not allowed_hosts:
        raise RefusedToServe(
            f"on {host}, name the host clients use with --allowed-host (e.g. --allowed-host mcp.example.com); "
            "requests for any other Host are refused (DNS-rebinding protection)"
        )
    security = security_for(host, allowed_hosts)
    if transport == "sse":
        sse = server.sse_app(host=host, transport_security=security)
        app: ASGIApp = SseSessions(sse, limit=max_sessions, idle_seconds=session_idle_seconds)
    else:
        app = server.streamable_http_app(
            host=host,
            transport_security=security,
            max_sessions=max_sessions,
            session_idle_timeout=session_idle_seconds,
        )
    if auth_token is not None:
        app = BearerAuth(app, auth_token)
    hub = getattr(server, "inbox", None)
    if hub is not None:
        from calendly_mcp.server.inbox import Endpoint, Hub

        if isinstance(hub, Hub):
            # Before the bearer check: Calendly cannot send our token; the signature is its credential.
            app = Endpoint(app, hub)
    return Health(BodyDeadline(app, slow_request_seconds))


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or CannotServe saying why in one line."""
    if not 0 <= port <= MAX_PORT:  # getaddrinfo would wrap 99999 round to 34463
        raise CannotServe(f"{port} is not a port number (0-{MAX_PORT}; 0 picks a free one)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise CannotServe(f"cannot listen on {host} port {port}: {exc}") from None
    # IPv4 first: `localhost` then listens where clients that try 127.0.0.1 find it.
    family, kind, proto, _, address = sorted(infos, key=lambda info: info[0] != socket.AF_INET)[0]
    # With proto given (not 0), asyncio turns Nagle off on accepted connections; small answers would
    # otherwise wait ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CannotServe(f"port {port} on {host} is in use (pick another with --port)") from None
        raise CannotServe(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host.strip('[]')}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve_http(server: MCPServer[Any], transport: HttpTransport, host: str, port: int, **options: Any) -> int:
    """Serve until Ctrl-C or SIGTERM; says on stderr where, once it listens. Returns the exit code."""
    import uvicorn

    from calendly_mcp.server.guards import header_deadline

    app = build_http_app(server, transport, host=host, **options)
    slow = float(options.get("slow_request_seconds", 15.0))
    sock = listen(host, port)
    url = base_url(host, sock)
    hub = getattr(server, "inbox", None)
    if hub is not None:
        # The server's own address as seen from this machine (a sandbox here delivers there).
        everywhere = host.strip("[]") in ("0.0.0.0", "::", "")
        local = f"http://127.0.0.1:{sock.getsockname()[1]}" if everywhere else url
        hub.address.local_url = f"{local}/webhooks/calendly"
    where = f"streamable HTTP at {url}/mcp" if transport == "streamable-http" else f"SSE at {url}/sse"
    config = uvicorn.Config(
        app,
        host=host,
        port=sock.getsockname()[1],
        log_level="warning",
        log_config=None,
        access_log=False,  # docs/privacy.md: no access log, even at --log-level DEBUG
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        http=header_deadline(slow),  # slow headers are cut off (uvicorn alone waits forever)
    )
    return run_uvicorn(config, sock, f"calendly-mcp: serving {where} (Ctrl-C stops)")


def run_uvicorn(config: uvicorn.Config, sock: socket.socket, announce: str) -> int:
    """Run uvicorn on an already bound socket, print `announce` once it is up; 0, or 130 after Ctrl-C."""
    import uvicorn

    class Announcing(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                print(announce, file=sys.stderr, flush=True)

    runner = Announcing(config)
    try:
        runner.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down on SIGINT, then raises it again
        return INTERRUPTED
    except SystemExit:  # uvicorn exits this way when the app's startup fails
        if runner.started:
            raise
        raise CannotServe("the server did not start (see the messages above)") from None
    finally:
        sock.close()
    return 0
