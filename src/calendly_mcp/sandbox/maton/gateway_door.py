"""Maton's gateway door: the Maton key, then a connection picks the Calendly user; answers pass through."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ..calendly.records import Connection
from ..core import CALLER_KEY, RECORD_KEY, RequestRecord, Sandbox
from .keys import maton_error, maton_key_error


class MatonGateway:
    """Lets a request with the Maton key through, as the user of the connection it names (or the oldest)."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        self.sandbox = sandbox
        self.app = app

    def active_connections(self) -> list[Connection]:
        found = [c for c in self.sandbox.store.connections() if c.status == "ACTIVE"]
        return sorted(found, key=lambda c: (c.creation_time, c.connection_id))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = maton_key_error(self.sandbox, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        wanted = headers.get("maton-connection")
        active = self.active_connections()
        record: RequestRecord | None = scope.get(RECORD_KEY)
        if wanted:
            if record is not None:
                record.connection = wanted
            chosen = next((c for c in active if c.connection_id == wanted), None)
            if chosen is None:
                message = f"Connection {wanted} is missing or not active for app calendly."
                await maton_error(400, message)(scope, receive, send)
                return
        elif active:
            chosen = active[0]
        else:
            message = "No active connection for app calendly. Create one at https://ctrl.maton.ai."
            await maton_error(400, message)(scope, receive, send)
            return
        if record is not None:
            record.connection = chosen.connection_id
        assert chosen.user is not None  # ACTIVE connections are always bound to a user
        scope[CALLER_KEY] = chosen.user
        await self.app(scope, receive, send)
