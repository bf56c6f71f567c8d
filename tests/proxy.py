"""A small round-robin HTTP proxy for the replica tests: one address in front of several server
processes, each request to the next one in turn (per path), answers streamed back (SSE included)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import httpx2
from starlette.types import Message, Receive, Scope, Send

HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"host", b"te", b"trailer"}


@dataclass
class RoundRobin:
    """`backends` are base URLs (filled in once they listen); `sent` counts requests per (backend, path),
    `answers` the webhook answers per (backend, status word)."""

    backends: list[str] = field(default_factory=list[str])
    sent: Counter[tuple[str, str]] = field(default_factory=Counter[tuple[str, str]])
    stored: Counter[str] = field(default_factory=Counter[str])
    statuses: Counter[tuple[str, str, int]] = field(default_factory=Counter[tuple[str, str, int]])
    bodies: list[bytes] = field(default_factory=list[bytes])
    mcp_requests: list[tuple[str, bytes]] = field(default_factory=list[tuple[str, bytes]])  # (backend, body)
    # A turn per path: the webhook deliveries alternate among themselves, and so do the MCP requests
    # (one shared turn would send every booking's delivery to the same replica, in step with the calls).
    _turns: Counter[str] = field(default_factory=Counter[str])
    _client: httpx2.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx2.AsyncClient(timeout=httpx2.Timeout(60.0))
                await send({"type": "lifespan.startup.complete"})
                message = await receive()
            if message["type"] == "lifespan.shutdown" and self._client is not None:
                await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
            return
        assert scope["type"] == "http"
        body = b""
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        backend = self.backends[self._turns[scope["path"]] % len(self.backends)]
        self._turns[scope["path"]] += 1
        self.sent[(backend, scope["path"])] += 1
        if scope["path"] == "/mcp":
            self.mcp_requests.append((backend, body))
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        query = scope.get("query_string", b"").decode()
        url = f"{backend}{scope['path']}" + (f"?{query}" if query else "")
        if self._client is None:
            self._client = httpx2.AsyncClient(timeout=httpx2.Timeout(60.0))
        request = self._client.build_request(scope["method"], url, headers=headers, content=body)
        answer = await self._client.send(request, stream=True)
        self.statuses[(backend, scope["path"], answer.status_code)] += 1
        try:
            out = [(k.lower(), v) for k, v in answer.headers.raw if k.lower() not in HOP_BY_HOP]
            await send({"type": "http.response.start", "status": answer.status_code, "headers": out})
            received = b""
            async for chunk in answer.aiter_raw():
                if scope["path"] == "/webhooks/calendly":
                    received += chunk
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            if scope["path"] == "/webhooks/calendly":
                if b'"stored"' in received:
                    self.stored[backend] += 1
                self.bodies.append(received)
        finally:
            await answer.aclose()
