"""What keeps one HTTP client from locking the others out: a deadline for a request's headers, another for
its body, a bound on open SSE sessions with an idle timeout, and `GET /healthz` (no credential needed).

Streamable HTTP's own sessions (2025-11-25 clients) are bounded by the SDK (`max_sessions`,
`session_idle_timeout`, set from the settings); 2026-07-28 requests open no session at all, so a flood of
old-protocol sessions never refuses them. Imported only with an HTTP transport.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

# A request's start line and headers must arrive within this many seconds of its first byte (a client
# sending one byte a second otherwise holds a connection forever), and then its body within as long
# again (CALENDLY_MCP_SLOW_REQUEST_SECONDS).
SLOW_REQUEST_SECONDS = 15.0


def _json(status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        extra = headers or []
        start = {"type": "http.response.start", "status": status,
                 "headers": [(b"content-type", b"application/json"), *extra]}  # fmt: skip
        await send(start)
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})

    return app


class HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request's headers: the connection is closed when
    they are not all there HEADER_SECONDS after the request began (uvicorn has no such limit)."""

    header_seconds = SLOW_REQUEST_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still reading a request line and headers
            if self._deadline is None:
                self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.header_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def header_deadline(seconds: float) -> type[HeaderDeadline]:
    """The protocol class for uvicorn's `http=` with this deadline on headers."""
    return type("HeaderDeadline", (HeaderDeadline,), {"header_seconds": seconds})


class BodyDeadline:
    """A request body must arrive whole within `seconds` of the first read: a slower one is answered
    408 and the application sees the client go away. Streams (a GET that waits for its client to leave)
    are unaffected: only the body is timed."""

    def __init__(self, app: ASGIApp, seconds: float = SLOW_REQUEST_SECONDS) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        complete = False
        started = cut = False

        async def timed_receive() -> Message:
            nonlocal deadline, complete, cut
            if complete or cut:
                return await receive() if not cut else {"type": "http.disconnect"}
            deadline = deadline or time.monotonic() + self.seconds
            try:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                cut = True
                if not started:
                    await _json(408, {"error": "request_timeout",
                                      "message": f"the request body took over {self.seconds:g} s"})(scope, receive, send)  # fmt: skip
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, timed_receive, guarded_send)


_SESSION_ID = re.compile(rb"session_id=([0-9a-fA-F]+)")


@dataclass
class SseSessions:
    """At most `limit` open SSE streams (503 for more), each closed after `idle_seconds` without a message
    from its client. The SDK's SSE transport has neither limit."""

    app: ASGIApp
    limit: int
    idle_seconds: float
    sse_path: str = "/sse"
    message_path: str = "/messages/"
    last_seen: dict[str, float] = field(default_factory=dict[str, float])
    open_streams: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == self.message_path:
            session = _SESSION_ID.search(scope.get("query_string", b""))
            if session and session.group(1).decode() in self.last_seen:
                self.last_seen[session.group(1).decode()] = time.monotonic()
            await self.app(scope, receive, send)
            return
        if scope["path"] != self.sse_path or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if self.open_streams >= self.limit:
            refuse = _json(503, {"error": "too_many_sessions",
                                 "message": f"{self.limit} sessions are open; try again later"},
                           [(b"retry-after", str(int(self.idle_seconds)).encode())])  # fmt: skip
            await refuse(scope, receive, send)
            return
        self.open_streams += 1
        ident: list[str] = []

        async def noting_send(message: Message) -> None:
            if not ident and message["type"] == "http.response.body":
                found = _SESSION_ID.search(message.get("body", b""))
                if found:
                    ident.append(found.group(1).decode())
                    self.last_seen[ident[0]] = time.monotonic()
            await send(message)

        idle: list[bool] = []
        try:
            async with anyio.create_task_group() as tasks:

                async def watch() -> None:
                    while True:
                        await anyio.sleep(min(1.0, self.idle_seconds / 2))
                        seen = self.last_seen.get(ident[0]) if ident else None
                        if seen is not None and time.monotonic() - seen > self.idle_seconds:
                            idle.append(True)
                            tasks.cancel_scope.cancel()

                tasks.start_soon(watch)
                await self.app(scope, receive, noting_send)
                tasks.cancel_scope.cancel()
            if idle:  # end the stream properly: the client reads a closed stream, not a broken one
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.open_streams -= 1
            if ident:
                self.last_seen.pop(ident[0], None)


class Health:
    """`GET /healthz` answers 200 without any credential (for load balancers and orchestrators); every
    other request goes on to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._ok = _json(200, {"status": "ok"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD"):
            await self._ok(scope, receive, send)
            return
        await self.app(scope, receive, send)
