"""Maton's connection API (ctrl.maton.ai/connections): list, create, get and delete connections."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..calendly.records import Connection
from ..calendly.store import Store
from ..core import Sandbox
from .keys import maton_error, maton_key_error


class ConnectionsAPI:
    """Maton's connection management (ctrl.maton.ai/connections)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @property
    def store(self) -> Store:
        return self.sandbox.store

    async def list(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        app, status = request.query_params.get("app"), request.query_params.get("status")
        found = [
            c
            for c in sorted(self.store.connections(), key=lambda c: (c.creation_time, c.connection_id))
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
        now = self.store.now()
        number = self.store.next_connection_number()
        # Deterministic ids: the same sequence on every run, and after every reset.
        ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"calendly-sandbox/connection/{number}"))
        connection = Connection(
            connection_id=ident,
            status="PENDING",
            creation_time=now,
            last_updated_time=now,
            session_token=hashlib.sha256(f"session:{ident}".encode()).hexdigest()[:32],
        )
        self.store.add_connection(connection)
        return JSONResponse({"connection": connection.to_api()})

    async def get(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        connection = self.store.connection(request.path_params["connection_id"])
        if connection is None:
            return maton_error(404, "Connection not found.")
        return JSONResponse({"connection": connection.to_api()})

    async def delete(self, request: Request) -> Response:
        refusal = maton_key_error(self.sandbox, request.headers)
        if refusal is not None:
            return refusal
        connection = self.store.remove_connection(request.path_params["connection_id"])
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
