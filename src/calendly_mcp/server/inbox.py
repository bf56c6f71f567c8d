"""The webhook inbox as served: `POST /webhooks/calendly` on the HTTP transports, the `calendly://inbox`
resource, and the notification its subscribers get when a delivery arrives (on this process's bus, or on
PostgreSQL's LISTEN/NOTIFY so that every replica's subscribers hear of it).

`register(server, hub)` adds the resource; `build_http_app` mounts the endpoint before the bearer check
(Calendly cannot send our token: the signature is its credential).
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.to_thread
from anyio.streams.memory import MemoryObjectSendStream
from mcp import types
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.subscriptions import InMemorySubscriptionBus, SubscriptionBus
from mcp.shared.subscriptions import ResourceUpdated, ServerEvent
from starlette.types import ASGIApp, Receive, Scope, Send

from calendly_mcp import inbox
from calendly_mcp.client.signatures import HEADER
from calendly_mcp.database import Database, DatabaseError

logger = logging.getLogger("calendly_mcp.inbox")

RECENT = 20  # deliveries the resource shows


@dataclass
class Hub:
    """What the inbox needs in the process: the database, the bus that tells subscribers, and the
    server's own loopback address (known once an HTTP transport listens)."""

    database: Database
    address: inbox.Address
    bus: SubscriptionBus = field(default_factory=InMemorySubscriptionBus)
    legacy: LegacySubscribers | None = None  # set by `register`

    @asynccontextmanager
    async def running(self) -> AsyncGenerator[None]:
        """For the server's lifespan: the cross-replica listener and the older clients' notifications."""
        async with anyio.create_task_group() as tasks:
            if isinstance(self.bus, PostgresBus):
                # Not awaited: start-up never waits for the database (cold start; a database that is
                # down delays nothing, the listener reconnects when it is back).
                tasks.start_soon(self.bus.listen)
            if self.legacy is not None:
                tasks.start_soon(self.legacy.run)
            try:
                yield
            finally:
                tasks.cancel_scope.cancel()

    async def received(self, raw: bytes, header: str | None) -> tuple[int, dict[str, str]]:
        """The HTTP answer to one POSTed delivery (status, JSON body)."""
        try:
            delivery, new = await anyio.to_thread.run_sync(
                inbox.accept, self.database, raw, header, time.time()
            )
        except inbox.Refused as exc:
            return exc.status, {"error": "refused", "message": str(exc)}
        except DatabaseError as exc:
            logger.error("webhook delivery not stored: %s", exc)
            # 503: Calendly retries, and nothing is acknowledged that was not kept.
            return 503, {"error": "unavailable", "message": "the inbox cannot store deliveries right now"}
        if new:
            try:
                await self.bus.publish(ResourceUpdated(uri=inbox.URI))
            except Exception:  # the delivery is kept; a lost notification must not make Calendly retry
                logger.exception("inbox notification not published")
        return 200, {"status": "stored" if new else "duplicate", "delivery": delivery.id}


class Endpoint:
    """`POST /webhooks/calendly` answered here; every other request goes on to `app`."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != inbox.PATH:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"error": "method_not_allowed", "message": "POST deliveries here"})
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > inbox.MAX_BODY:
                await _answer(send, 413, {"error": "too_large", "message": "not a Calendly delivery"})
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        header = None
        for name, value in scope["headers"]:
            if name == HEADER.lower().encode():
                header = value.decode("latin-1")
        status, body = await self.hub.received(b"".join(chunks), header)
        await _answer(send, status, body)


async def _answer(send: Send, status: int, body: dict[str, str]) -> None:
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json")],
    }
    await send(start)
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


class LegacySubscribers:
    """`resources/subscribe` for clients of the older protocol (2025-11-25 and before), which the SDK
    leaves unserved: the connections that subscribed to a URI are sent `notifications/resources/updated`
    when the bus carries an update of it (from this replica or, over PostgreSQL, from another). Held
    weakly: a connection that closes drops out."""

    def __init__(self, bus: SubscriptionBus) -> None:
        self._sessions: dict[str, weakref.WeakSet[Any]] = {}
        self._send: MemoryObjectSendStream[tuple[Any, str]] | None = None  # while `run` runs
        bus.subscribe(self._heard)

    async def subscribe(
        self, ctx: ServerRequestContext[Any], params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        self._sessions.setdefault(str(params.uri), weakref.WeakSet()).add(_connection(ctx))
        return types.EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any], params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        self._sessions.get(str(params.uri), weakref.WeakSet()).discard(_connection(ctx))
        return types.EmptyResult()

    def _heard(self, event: ServerEvent) -> None:
        if isinstance(event, ResourceUpdated) and self._send is not None:
            for session in list(self._sessions.get(event.uri, ())):
                try:
                    self._send.send_nowait((session, event.uri))
                except anyio.WouldBlock:  # level triggers: a full queue has news enough for everyone
                    return

    async def run(self) -> None:
        """Send the queued notifications (for the server's lifespan); a session gone is skipped."""
        send, receive = anyio.create_memory_object_stream[tuple[Any, str]](1024)
        self._send = send
        try:
            async with send, receive:
                async for session, uri in receive:
                    try:
                        await session.send_resource_updated(uri)
                    except Exception:  # the client left; its connection will be collected
                        logger.debug("resource update not sent to a closed connection")
        finally:
            self._send = None


def _connection(ctx: ServerRequestContext[Any]) -> Any:
    """The client's connection (it outlives the request; `ctx.session` is made per request), whose
    standalone channel carries notifications no request asked for."""
    return ctx.session._connection  # pyright: ignore[reportPrivateUsage]


def register(server: MCPServer[Any], hub: Hub) -> None:
    """The `calendly://inbox` resource: the most recent deliveries, newest first; its subscribers of
    both protocol eras are told when a delivery arrives."""
    legacy = LegacySubscribers(hub.bus)
    hub.legacy = legacy
    lowlevel = server._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    lowlevel.add_request_handler("resources/subscribe", types.SubscribeRequestParams, legacy.subscribe)
    lowlevel.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams, legacy.unsubscribe)

    @server.resource(
        inbox.URI,
        name="inbox",
        title="Webhook inbox",
        description="Recent webhook deliveries this server received, newest first; subscribers are notified when one arrives.",
        mime_type="application/json",
    )
    async def read_inbox() -> str:  # pyright: ignore[reportUnusedFunction]
        from calendly_mcp.tools.webhooks import delivery_row

        found, _ = await anyio.to_thread.run_sync(lambda: inbox.recent(hub.database, count=RECENT))
        rows = [delivery_row(delivery).model_dump(mode="json", exclude_none=True) for delivery in found]
        return json.dumps({"deliveries": rows}, separators=(",", ":"), ensure_ascii=False)


# --- across replicas ----------------------------------------------------------------------------------------

CHANNEL = "calendly_mcp_events"


class PostgresBus:
    """A SubscriptionBus over PostgreSQL LISTEN/NOTIFY: an event published on one replica reaches the
    listeners of every replica sharing the database (this one's at once, the others' through NOTIFY).

    `running()` holds the listening connection for the life of the server (its lifespan).
    """

    def __init__(self, database: Database, origin: str) -> None:
        self.database = database
        self.origin = origin  # this process: its own NOTIFYs are skipped, it told its listeners already
        self._local = InMemorySubscriptionBus()

    async def publish(self, event: ServerEvent) -> None:
        await self._local.publish(event)
        if isinstance(event, ResourceUpdated):
            payload = json.dumps({"origin": self.origin, "uri": event.uri})
            try:
                await anyio.to_thread.run_sync(self._notify, payload)
            except DatabaseError as exc:  # local news still; the other replicas miss one level trigger
                logger.warning("cross-replica notification not sent: %s", exc)

    def subscribe(self, listener: Callable[[ServerEvent], None]) -> Callable[[], None]:
        return self._local.subscribe(listener)

    def _notify(self, payload: str) -> None:
        with self.database.transaction(write=False) as tx:
            tx.execute("SELECT pg_notify(?, ?)", (CHANNEL, payload))

    async def listen(self) -> None:
        """Forward the other replicas' events to this one's listeners, reconnecting when cut off."""
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.database.url or "", autocommit=True, connect_timeout=10
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    async for note in conn.notifies():
                        await self._forward(note.payload)
            except psycopg.Error as exc:
                logger.warning(
                    "cross-replica notifications interrupted (%s); reconnecting", type(exc).__name__
                )
                await anyio.sleep(1.0)

    async def _forward(self, payload: str) -> None:
        try:
            data = json.loads(payload)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("origin") != self.origin and isinstance(data.get("uri"), str):  # pyright: ignore[reportUnknownMemberType]
            await self._local.publish(ResourceUpdated(uri=str(data["uri"])))  # pyright: ignore[reportUnknownArgumentType]
