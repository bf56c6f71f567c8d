"""The sandbox's own controls under /_sandbox/: reset, logs, faults, deliveries, inbox, info, OAuth completion."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .calendly.booking import NEEDS_VALUE
from .calendly.error_bodies import PLANS
from .calendly.organization_admin_records import invitation_examples
from .calendly.records import EventType, User, id_from_uri
from .calendly.slots import AVAILABLE_TIMES_MAX_DAYS, BUSY_TIMES_MAX_DAYS, slot_step
from .core import Sandbox
from .deliveries import Received
from .faults import Fault, FaultSpecError


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Controls:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def reset(self, request: Request) -> Response:
        self.sandbox.reset()
        return JSONResponse({"reset": True, "seeded_at": self.sandbox.store.seeded_at().isoformat()})

    async def plan(self, request: Request) -> Response:
        """Move the organization to another plan (`{"plan": "standard"}`), to see the plan gates; a reset
        restores the seeded Enterprise plan."""
        try:
            body: Any = await request.json()
        except ValueError:
            return _problem(400, "the body must be JSON")
        plan = body.get("plan") if isinstance(body, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if plan not in PLANS:
            return _problem(400, f"plan must be one of {', '.join(PLANS)}")
        self.sandbox.store.organization().plan = str(plan)  # pyright: ignore[reportUnknownArgumentType]
        return JSONResponse({"plan": plan})

    async def scopes(self, request: Request) -> Response:
        """Grant the credential only these OAuth scopes (`{"scopes": ["users:read"]}`; null: all again),
        as a token made after Calendly's 2026-03-03 scopes is granted only what was ticked."""
        try:
            body: Any = await request.json()
        except ValueError:
            return _problem(400, "the body must be JSON")
        scopes: Any = body.get("scopes") if isinstance(body, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if scopes is not None and not (
            isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)  # pyright: ignore[reportUnknownVariableType]
        ):
            return _problem(400, "scopes must be a list of scope names, or null for all")
        store = self.sandbox.store
        store.granted_scopes = None if scopes is None else frozenset(scopes)  # pyright: ignore[reportUnknownArgumentType]
        return JSONResponse({"scopes": None if scopes is None else sorted(store.granted_scopes or ())})

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

    async def deliveries(self, request: Request) -> Response:
        return JSONResponse([attempt.to_json() for attempt in self.sandbox.deliveries.log])

    async def clear_deliveries(self, request: Request) -> Response:
        self.sandbox.deliveries.clear()
        return Response(status_code=204)

    async def wait_deliveries(self, request: Request) -> Response:
        """Answer once no delivery is in flight (or after `timeout` seconds, 10 by default), with the log."""
        try:
            timeout = float(request.query_params.get("timeout", "10"))
        except ValueError:
            return _problem(400, "timeout must be a number of seconds")
        idle = False
        with anyio.move_on_after(min(max(timeout, 0.0), 60.0)):
            await self.sandbox.deliveries.wait_idle()
            idle = True
        log = [attempt.to_json() for attempt in self.sandbox.deliveries.log]
        return JSONResponse({"idle": idle, "deliveries": log})

    async def receive(self, request: Request) -> Response:
        received = Received(
            dict(request.headers), (await request.body()).decode("utf-8", "replace"), self.sandbox.store.now()
        )
        self.sandbox.inbox.keep(request.path_params["name"], received)
        return JSONResponse({"received": True})

    async def inbox(self, request: Request) -> Response:
        box = self.sandbox.inbox.box(request.path_params["name"])
        return JSONResponse([message.to_json() for message in box])

    async def clear_inbox(self, request: Request) -> Response:
        self.sandbox.inbox.empty(request.path_params["name"])
        return Response(status_code=204)

    async def info(self, request: Request) -> Response:
        store = self.sandbox.store
        now = store.now()
        owner = store.owner
        users = store.users_by_id()
        organization = store.organization()
        events = store.events()
        upcoming = [e for e in events if e.status == "active" and e.start_time > now]
        return JSONResponse(
            {
                "calendly_token": self.sandbox.config.shown(self.sandbox.config.calendly_token),
                "maton_key": self.sandbox.config.shown(self.sandbox.config.maton_key),
                "seeded_at": store.seeded_at().isoformat(),
                "organization": {"uri": organization.uri, "name": organization.name},
                "users": [
                    {
                        "uri": u.uri,
                        "name": u.name,
                        "email": u.email,
                        "timezone": u.timezone,
                        "role": u.role,
                    }
                    for u in store.users()
                ],
                "connections": [
                    {
                        "connection_id": c.connection_id,
                        "status": c.status,
                        "user": None if c.user is None else users[c.user].uri,
                    }
                    for c in store.connections()
                ],
                "event_types": [event_type_info(et, users[et.owner]) for et in store.event_types()],
                "examples": {
                    "next_event_of_owner": next((e.uri for e in upcoming if owner.uuid in e.hosts), None),
                    "canceled_events": [e.uri for e in events if e.status == "canceled"],
                    # Per user, an active event type with a single location that needs nothing typed
                    # and no required question: the simplest thing to book.
                    "bookable_event_types": {
                        users[user].uri: ident
                        for user, ident in simplest_bookable(store.event_types()).items()
                    },
                    # no_shows
                    **store.no_show_info(),
                    # links
                    # The owner's event types to make links of (one with duration options), and ones a
                    # link is refused for: a colleague's, a group one, an inactive one.
                    "link_event_type": next(
                        et.uri
                        for et in store.event_types()
                        if et.owner == owner.uuid and et.active and et.kind == "solo" and et.duration_options
                    ),
                    "colleague_event_type": next(
                        et.uri for et in store.event_types() if et.owner != owner.uuid and et.active
                    ),
                    "group_event_type": next(
                        et.uri for et in store.event_types() if et.owner == owner.uuid and et.kind == "group"
                    ),
                    "inactive_event_type": next(
                        et.uri for et in store.event_types() if et.owner == owner.uuid and not et.active
                    ),
                    # How many links each request made since the reset (no API call lists them).
                    "links_made": {
                        kind: sum(1 for link in store.links() if link.made_by == kind)
                        for kind in ("scheduling_link", "share", "one_off")
                    },
                    # event_type_admin
                    # A one-on-one event type of the owner no other example books, to edit; a group one.
                    "event_type_to_edit": next(
                        et.uri
                        for et in store.event_types(owners={owner.uuid})
                        if et.slug == "strategy-session"
                    ),
                    # group_event_type: above (links)
                    # organization_admin
                    **invitation_examples(organization, store.users(), store.schedules_of(owner.uuid)),
                    # groups_audit
                    **store.groups_audit().examples(),
                    # forms_recaps
                    **store.forms_recaps_examples(),
                    # contacts
                    **store.contact_examples(),
                },
                "inbox_url": f"{str(request.base_url).rstrip('/')}/_sandbox/inbox/{{name}}",
                "rules": {
                    "available_times_max_days": AVAILABLE_TIMES_MAX_DAYS,
                    "busy_times_max_days": BUSY_TIMES_MAX_DAYS,
                    "slot_step_minutes": "15 for event types shorter than 30 minutes, else 30",
                    "booking_rate_limit_per_minute": self.sandbox.config.booking_rate_limit_per_minute,
                },
            }
        )

    async def activate(self, request: Request) -> Response:
        """Finish a pending connection's OAuth, as the user would in a browser."""
        store = self.sandbox.store
        connection = store.connection(request.path_params["connection_id"])
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
        connection.activate(user.uuid, store.now())
        return JSONResponse({"connection": connection.to_api()})


def event_type_info(event_type: EventType, owner: User) -> dict[str, Any]:
    return {
        "uri": event_type.uri,
        "name": event_type.name,
        "owner": owner.uri,
        "active": event_type.active,
        "kind": event_type.kind,
        "duration": event_type.duration,
        "invitees_limit": event_type.invitees_limit,
        "slot_step_minutes": int(slot_step(event_type.duration).total_seconds() // 60),
        "location_kinds": [location["kind"] for location in event_type.locations],
        "required_questions": [q.name for q in event_type.custom_questions if q.enabled and q.required],
    }


def simplest_bookable(event_types: Iterable[EventType]) -> dict[str, str]:
    """For each owner, the URI of their first active solo event type that is simplest to book."""
    found: dict[str, str] = {}
    for et in sorted(event_types, key=lambda et: (et.owner, et.position)):
        simple = (
            et.active
            and et.kind == "solo"
            and len(et.locations) == 1
            and et.locations[0]["kind"] not in NEEDS_VALUE
            and not any(q.enabled and q.required for q in et.custom_questions)
        )
        if simple and et.owner not in found:
            found[et.owner] = et.uri
    return found


def control_routes(sandbox: Sandbox) -> list[Route]:
    controls = Controls(sandbox)
    return [
        Route("/_sandbox/reset", controls.reset, methods=["POST"]),
        Route("/_sandbox/plan", controls.plan, methods=["POST"]),
        Route("/_sandbox/scopes", controls.scopes, methods=["POST"]),
        Route("/_sandbox/requests", controls.requests, methods=["GET"]),
        Route("/_sandbox/requests", controls.clear_requests, methods=["DELETE"]),
        Route("/_sandbox/faults", controls.faults, methods=["GET"]),
        Route("/_sandbox/faults", controls.add_fault, methods=["POST"]),
        Route("/_sandbox/faults", controls.clear_faults, methods=["DELETE"]),
        Route("/_sandbox/info", controls.info, methods=["GET"]),
        Route("/_sandbox/deliveries", controls.deliveries, methods=["GET"]),
        Route("/_sandbox/deliveries", controls.clear_deliveries, methods=["DELETE"]),
        Route("/_sandbox/deliveries/wait", controls.wait_deliveries, methods=["POST"]),
        Route("/_sandbox/inbox/{name}", controls.receive, methods=["POST"]),
        Route("/_sandbox/inbox/{name}", controls.inbox, methods=["GET"]),
        Route("/_sandbox/inbox/{name}", controls.clear_inbox, methods=["DELETE"]),
        Route("/_sandbox/connections/{connection_id}/activate", controls.activate, methods=["POST"]),
    ]
