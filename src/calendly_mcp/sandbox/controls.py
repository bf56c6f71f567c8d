"""The sandbox's own controls under /_sandbox/: reset, request log, faults, info, OAuth completion."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .core import Sandbox
from .faults import Fault, FaultSpecError
from .model import User
from .store import id_from_uri


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Controls:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def reset(self, request: Request) -> Response:
        self.sandbox.reset()
        return JSONResponse({"reset": True, "seeded_at": self.sandbox.store.state.seeded_at.isoformat()})

    async def requests(self, request: Request) -> Response:
        return JSONResponse([record.to_json() for record in self.sandbox.requests])

    async def clear_requests(self, request: Request) -> Response:
        self.sandbox.requests.clear()
        return Response(status_code=204)

    async def faults(self, request: Request) -> Response:
        return JSONResponse([fault.describe() for fault in self.sandbox.faults.pending()])

    async def add_fault(self, request: Request) -> Response:
        try:
            spec: Any = await request.json()
            fault = Fault.parse(spec)
        except ValueError as exc:  # FaultSpecError, or a body that is not JSON
            message = str(exc) if isinstance(exc, FaultSpecError) else "the body must be JSON"
            return _problem(400, message)
        self.sandbox.faults.add(fault)
        return JSONResponse({"fault": fault.describe()}, status_code=201)

    async def clear_faults(self, request: Request) -> Response:
        self.sandbox.faults.clear()
        return Response(status_code=204)

    async def info(self, request: Request) -> Response:
        store = self.sandbox.store
        state = store.state
        now = store.now()
        owner = store.owner
        upcoming = [e for e in state.events.values() if e.status == "active" and e.start_time > now]
        return JSONResponse(
            {
                "calendly_token": self.sandbox.config.calendly_token,
                "maton_key": self.sandbox.config.maton_key,
                "seeded_at": state.seeded_at.isoformat(),
                "organization": {"uri": state.organization.uri, "name": state.organization.name},
                "users": [
                    {
                        "uri": u.uri,
                        "name": u.name,
                        "email": u.email,
                        "timezone": u.timezone,
                        "role": u.role,
                    }
                    for u in state.users.values()
                ],
                "connections": [
                    {
                        "connection_id": c.connection_id,
                        "status": c.status,
                        "user": None if c.user is None else state.users[c.user].uri,
                    }
                    for c in state.connections.values()
                ],
                "event_types": [
                    {"uri": et.uri, "name": et.name, "owner": state.users[et.owner].uri, "active": et.active}
                    for et in state.event_types.values()
                ],
                "examples": {
                    "next_event_of_owner": next((e.uri for e in upcoming if owner.uuid in e.hosts), None),
                    "canceled_events": [e.uri for e in state.events.values() if e.status == "canceled"],
                },
            }
        )

    async def activate(self, request: Request) -> Response:
        """Finish a pending connection's OAuth, as the user would in a browser."""
        store = self.sandbox.store
        connection = store.state.connections.get(request.path_params["connection_id"])
        if connection is None:
            return _problem(404, "no such connection")
        body: Any = {}
        if await request.body():
            try:
                body = await request.json()
            except ValueError:
                return _problem(400, "the body must be JSON")
        wanted = body.get("user") if isinstance(body, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        user: User | None = store.owner
        if isinstance(wanted, str):
            user = store.user(id_from_uri(wanted, "users") or wanted) or store.user_by_email(wanted)
            if user is None:
                return _problem(400, f"no seeded user {wanted!r}")
        connection.status = "ACTIVE"
        connection.user = user.uuid
        connection.last_updated_time = store.now()
        return JSONResponse({"connection": connection.to_api()})


def control_routes(sandbox: Sandbox) -> list[Route]:
    controls = Controls(sandbox)
    return [
        Route("/_sandbox/reset", controls.reset, methods=["POST"]),
        Route("/_sandbox/requests", controls.requests, methods=["GET"]),
        Route("/_sandbox/requests", controls.clear_requests, methods=["DELETE"]),
        Route("/_sandbox/faults", controls.faults, methods=["GET"]),
        Route("/_sandbox/faults", controls.add_fault, methods=["POST"]),
        Route("/_sandbox/faults", controls.clear_faults, methods=["DELETE"]),
        Route("/_sandbox/info", controls.info, methods=["GET"]),
        Route("/_sandbox/connections/{connection_id}/activate", controls.activate, methods=["POST"]),
    ]
