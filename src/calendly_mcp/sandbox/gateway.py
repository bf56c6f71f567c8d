"""The two doors into the Calendly API: a Calendly token, or Maton's gateway and its connections."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .calendly.error_bodies import error_response, unauthenticated
from .calendly.records import Connection
from .core import CALLER_KEY, RECORD_KEY, RequestRecord, Sandbox


def bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def maton_error(status: int, message: str) -> JSONResponse:
    # Maton does not publish its error bodies; clients are expected to show them as they are.
    return JSONResponse({"error": message}, status_code=status)


def maton_key_error(sandbox: Sandbox, headers: Headers) -> JSONResponse | None:
    key = bearer(headers)
    if key is None:
        return maton_error(401, "Missing Maton API key: send Authorization: Bearer <MATON_API_KEY>.")
    if key != sandbox.config.maton_key:
        return maton_error(401, "Invalid Maton API key.")
    return None


class DirectAuth:
    """Calendly's own door: a personal access token, acting as the organization's owner."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        self.sandbox = sandbox
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if bearer(Headers(scope=scope)) != self.sandbox.config.calendly_token:
            await error_response(unauthenticated())(scope, receive, send)
            return
        scope[CALLER_KEY] = self.sandbox.store.owner.uuid
        await self.app(scope, receive, send)


class MatonGateway:
    """Maton's door: the Maton key, then a connection picks the Calendly user; answers pass through."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        self.sandbox = sandbox
        self.app = app

    def active_connections(self) -> list[Connection]:
        found = [c for c in self.sandbox.store.state.connections.values() if c.status == "ACTIVE"]
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


class ConnectionsAPI:
    """Maton's connection management (ctrl.maton.ai/connections)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._created = 0

    @property
    def connections(self) -> dict[str, Connection]:
        return self.sandbox.store.state.connections

    async def list(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        app, status = request.query_params.get("app"), request.query_params.get("status")
        found = [
            c
            for c in sorted(self.connections.values(), key=lambda c: (c.creation_time, c.connection_id))
            if (app is None or app == "calendly") and (status is None or c.status == status.upper())
        ]
        return JSONResponse({"connections": [c.to_api() for c in found]})

    async def create(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        try:
            body: Any = await request.json()
        except ValueError:
            return maton_error(400, "The request body must be JSON.")
        if not isinstance(body, dict) or body.get("app") != "calendly":  # pyright: ignore[reportUnknownMemberType]
            return maton_error(400, 'This sandbox only knows the app "calendly": send {"app": "calendly"}.')
        now = self.sandbox.store.now()
        self._created += 1
        # Deterministic ids: the same sequence on every run.
        ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"calendly-sandbox/connection/{self._created}"))
        connection = Connection(
            connection_id=ident,
            status="PENDING",
            creation_time=now,
            last_updated_time=now,
            session_token=hashlib.sha256(f"session:{ident}".encode()).hexdigest()[:32],
        )
        self.connections[ident] = connection
        return JSONResponse({"connection": connection.to_api()})

    async def get(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        connection = self.connections.get(request.path_params["connection_id"])
        if connection is None:
            return maton_error(404, "Connection not found.")
        return JSONResponse({"connection": connection.to_api()})

    async def delete(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        connection = self.connections.pop(request.path_params["connection_id"], None)
        if connection is None:
            return maton_error(404, "Connection not found.")
        return JSONResponse({"connection": connection.to_api()})

    async def other(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        return refusal or maton_error(404, "Not found.")


def connection_routes(sandbox: Sandbox) -> list[Route]:
    api = ConnectionsAPI(sandbox)
    return [
        Route("/connections", api.list, methods=["GET"]),
        Route("/connections", api.create, methods=["POST"]),
        Route("/connections/{connection_id}", api.get, methods=["GET"]),
        Route("/connections/{connection_id}", api.delete, methods=["DELETE"]),
        Route("/connections/{rest:path}", api.other, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
