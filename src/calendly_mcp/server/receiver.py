"""A webhook receiver on loopback for the demo: takes Calendly deliveries and checks their signatures."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calendly_mcp.client.signatures import HEADER, InvalidSignatureError, verify


@dataclass(frozen=True)
class Delivery:
    event: str
    invitee_email: str
    signature_ok: bool


@dataclass
class Receiver:
    url: str
    signing_key: str
    inbox: MemoryObjectReceiveStream[Delivery]

    async def next_delivery(self) -> Delivery:
        with anyio.fail_after(10):
            return await self.inbox.receive()


@asynccontextmanager
async def webhook_receiver(signing_key: str) -> AsyncGenerator[Receiver]:
    """Serves POST /hook on loopback until the block ends; each delivery lands in `inbox`."""
    from calendly_mcp.sandbox import serve_app

    send: MemoryObjectSendStream[Delivery]
    send, receive = anyio.create_memory_object_stream[Delivery](16)

    async def hook(request: Request) -> Response:
        raw = await request.body()
        try:
            verify(raw, request.headers.get(HEADER), signing_key)
            ok = True
        except InvalidSignatureError:
            ok = False
        body = cast(dict[str, Any], json.loads(raw))
        payload = cast(dict[str, Any], body.get("payload") or {})
        await send.send(Delivery(str(body.get("event")), str(payload.get("email")), ok))
        return Response(status_code=200 if ok else 401)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    async with send, receive, serve_app(app) as base:
        yield Receiver(f"{base}/hook", signing_key, receive)
