"""What every API request goes through first: the request log, faults and rate-limit headers."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

import anyio
import anyio.lowlevel
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .calendly.error_bodies import rate_limited
from .core import RAW_SEND_KEY, RECORD_KEY, Door, RequestRecord, Sandbox
from .faults import SERVED, Fault


def door_of(path: str) -> Door | None:
    if path == "/_sandbox" or path.startswith("/_sandbox/"):
        return None
    if path == "/calendly" or path.startswith("/calendly/"):
        return "gateway"
    if path == "/connections" or path.startswith("/connections/"):
        return "connections"
    return "direct"


class FrontDoor:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = door_of(scope["path"]) if scope["type"] == "http" else None
        if door is None:
            await self.app(scope, receive, send)
            return
        record = RequestRecord(
            method=scope["method"],
            path=scope["path"],
            query=scope["query_string"].decode("latin-1"),
            mode=door,
        )
        self.sandbox.requests.append(record)
        scope[RECORD_KEY] = record
        headers = Headers(scope=scope)
        extra: dict[str, str] = {}
        limit = None
        if door != "connections":
            # Calendly counts per credential: the token, or the Maton key with its connection.
            credential = f"{door}|{headers.get('authorization', '')}|{headers.get('maton-connection', '')}"
            limit = self.sandbox.limits.hit(credential)
            extra = limit.headers()

        fault = self.sandbox.faults.take(record.method, record.path)
        if fault is not None and fault.action not in SERVED:
            record.faulted = True
            await self.answer_with_fault(fault, record, extra, scope, receive)
            return
        if limit is not None and limit.exceeded:
            response = JSONResponse(rate_limited().body(), status_code=429)
            response.headers.update({**extra, "Retry-After": extra["X-RateLimit-Reset"]})
            record.status = 429
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                response_headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    response_headers[name] = value
            await send(message)

        if fault is not None:  # served, then its real answer damaged or delayed
            record.faulted = True
            await self.serve_with_fault(fault, record, extra, scope, receive, send)
            return
        await self.app(scope, receive, send_with_headers)

    async def serve_with_fault(
        self,
        fault: Fault,
        record: RequestRecord,
        extra: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """Serve the request for real (a write takes effect), then cut its answer short or send it late."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start = next(m for m in messages if m["type"] == "http.response.start")
        record.status = start["status"]
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        _apply_headers(headers, {**extra, **fault.headers})
        if fault.delay_seconds:
            await anyio.sleep(fault.delay_seconds)
        raw_send: Send = scope[RAW_SEND_KEY]
        if fault.action == "late":
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body})
            return
        reset = fault.action == "reset_mid_body"
        if body:
            headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await drop_connection(raw_send, reset=reset, flush=bool(body))

    async def answer_with_fault(
        self, fault: Fault, record: RequestRecord, extra: dict[str, str], scope: Scope, receive: Receive
    ) -> None:
        send: Send = scope[RAW_SEND_KEY]
        if fault.delay_seconds:
            await anyio.sleep(fault.delay_seconds)
        if fault.action == "close":
            await drop_connection(send)
            return
        record.status = fault.status
        response = _fault_response(fault)
        response.headers.update(extra)
        _apply_headers(response.headers, fault.headers)
        await response(scope, receive, send)


def _apply_headers(headers: MutableHeaders, changes: dict[str, str | None]) -> None:
    for name, value in changes.items():
        if value is None:
            if name in headers:
                del headers[name]
        else:
            headers[name] = value


def _fault_response(fault: Fault) -> Response:
    body: Any = fault.body
    if isinstance(body, str):
        return Response(body, status_code=fault.status, media_type="text/plain")
    return Response(json.dumps(body), status_code=fault.status, media_type="application/json")


async def drop_connection(send: Send, *, reset: bool = False, flush: bool = False) -> None:
    """Close the client's connection without (the rest of) an answer.

    ASGI has no way to say this, so the sandbox reaches for uvicorn's transport behind its `send`
    (the request cycle object). Under another server it raises, which also ends the request
    without a proper answer. `flush`: what was already sent reaches the client first (a graceful close,
    FIN, unless `reset`); `reset`: the connection is reset (TCP RST) instead of closed.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault: connection dropped")
    if flush:
        for _ in range(100):  # the partial answer leaves our buffer before the connection goes
            if not transport.get_write_buffer_size():
                break
            await anyio.sleep(0.01)
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:  # SO_LINGER 0: close() sends RST, not FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    elif flush:
        transport.close()
    else:
        transport.abort()
    # Let uvicorn notice the lost connection, so it does not complain that no response was sent.
    for attempt in range(110):
        if getattr(cycle, "disconnected", True):
            break
        if attempt < 10:
            await anyio.lowlevel.checkpoint()
        else:
            await anyio.sleep(0.01)
