"""The HTTP transports (streamable HTTP, SSE): bearer auth, bind rules and Host/Origin protection.

Imported only when an HTTP transport is asked for: stdio never loads uvicorn.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Sequence
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

HttpTransport = Literal["sse", "streamable-http"]
LOOPBACK_NAMES = {"localhost"}


class RefusedToServe(Exception):
    """The requested HTTP setup would be unsafe; the message says what to change."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BearerAuth:
    """Every HTTP request must carry `Authorization: Bearer <CALENDLY_MCP_AUTH_TOKEN>`."""

    def __init__(self, app: ASGIApp, token: SecretStr) -> None:
        self.app = app
        self._expected = f"Bearer {token.get_secret_value()}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                given = value
                break
        # compare_digest: how long the check takes says nothing about how much of the token was right.
        if hmac.compare_digest(given, self._expected):
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
) -> ASGIApp:
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
        app: ASGIApp = server.sse_app(host=host, transport_security=security)
    else:
        app = server.streamable_http_app(host=host, transport_security=security)
    return BearerAuth(app, auth_token) if auth_token is not None else app


def serve_http(
    server: MCPServer[Any], transport: HttpTransport, host: str, port: int, **options: Any
) -> None:
    import uvicorn

    app = build_http_app(server, transport, host=host, **options)
    uvicorn.run(app, host=host, port=port, log_level="warning", log_config=None, server_header=False)
