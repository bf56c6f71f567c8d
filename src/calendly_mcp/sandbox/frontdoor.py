"""What every API request goes through first: the request log, faults and rate-limit headers."""

from __future__ import annotations

import json
from typing import Any

import anyio
import anyio.lowlevel
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .core import RAW_SEND_KEY, RECORD_KEY, Mode, RequestRecord, Sandbox
from .errors import rate_limited
from .faults import Fault


def mode_of(path: str) -> Mode | None:
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
        mode = mode_of(scope["path"]) if scope["type"] == "http" else None
        if mode is None:
            await self.app(scope, receive, send)
            return
        record = RequestRecord(
            method=scope["method"],
            path=scope["path"],
            query=scope["query_string"].decode("latin-1"),
            mode=mode,
        )
        self.sandbox.requests.append(record)
        scope[RECORD_KEY] = record
        headers = Headers(scope=scope)
        extra: dict[str, str] = {}
        limit = None
        if mode != "connections":
            # Calendly counts per credential: the token, or the Maton key with its connection.
            credential = f"{mode}|{headers.get('authorization', '')}|{headers.get('maton-connection', '')}"
            limit = self.sandbox.limits.hit(credential)
            extra = limit.headers()

        fault = self.sandbox.faults.take(record.method, record.path)
        if fault is not None:
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

        await self.app(scope, receive, send_with_headers)

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
        response.headers.update({**extra, **fault.headers})
        await response(scope, receive, send)


def _fault_response(fault: Fault) -> Response:
    body: Any = fault.body
    if isinstance(body, str):
        return Response(body, status_code=fault.status, media_type="text/plain")
    return Response(json.dumps(body), status_code=fault.status, media_type="application/json")


async def drop_connection(send: Send) -> None:
    """Close the client's connection without an answer.

    ASGI has no way to say this, so the sandbox reaches for uvicorn's transport behind its `send`
    (the request cycle object). Under another server it raises, which also ends the request
    without a proper answer.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault: connection dropped")
    transport.abort()
    # Let uvicorn notice the lost connection, so it does not complain that no response was sent.
    for _ in range(10):
        if getattr(cycle, "disconnected", True):
            break
        await anyio.lowlevel.checkpoint()
