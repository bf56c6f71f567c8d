"""Event type administration: create and edit event types, their hosts, and their own hours."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found, permission_denied
from ..event_type_admin_records import (
    apply_edit,
    host_to_api,
    new_event_type,
    parse_edit,
    render,
    schedule_to_api,
    settings_of,
    update_schedule,
)
from ..params import Query, json_object
from ..records import EventType, User, id_from_uri
from ..slots import default_schedule
from .shared import NOT_IN_ORG, CalendlyAPI


class EventTypeAdmin:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _editable(self, caller: User, event_type: EventType) -> None:
        # Calendly lets a user edit their own event types, and admins everyone's in the organization.
        if event_type.owner != caller.uuid and not caller.is_admin:
            raise permission_denied()

    def _event_type_param(self, query: Query) -> EventType:
        raw = query.get("event_type")
        if raw is None:
            raise invalid_argument("event_type", "is required")
        ident = id_from_uri(raw, "event_types")
        if ident is None:
            raise invalid_argument("event_type", "must be an event type URI")
        event_type = self.api.store.event_type(ident)
        if event_type is None:
            raise not_found()
        return event_type

    def _render(self, event_type: EventType, announce: str) -> JSONResponse:
        """The event type's answer, and the `announce` delivery (event_type.created or .updated) of it."""
        store = self.api.store
        owner = store.users_by_id()[event_type.owner]
        resource = render(store.event_type_settings(), event_type, owner)
        self.api.deliver(announce, {event_type.owner}, lambda: [resource])
        return JSONResponse({"resource": resource})

    async def create(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body = await json_object(request)
        store = self.api.store
        raw_owner = body.get("owner")
        ident = id_from_uri(raw_owner, "users") if isinstance(raw_owner, str) else None
        if ident is None:
            raise invalid_argument("owner", "is required and must be a user URI")
        owner = store.user(ident)
        if owner is None:
            raise permission_denied(NOT_IN_ORG)
        if owner.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        edit = parse_edit(body, creating=True)
        siblings = store.event_types(owners={owner.uuid})
        event_type = new_event_type(edit, owner, siblings, store.event_type_settings(), store.now())
        store.add_event_type(event_type)
        response = self._render(event_type, "event_type.created")
        response.status_code = 201
        return response

    async def update(self, request: Request) -> Response:
        caller = self.api.caller(request)
        store = self.api.store
        event_type = store.event_type(request.path_params["uuid"])
        if event_type is None:
            raise not_found()
        self._editable(caller, event_type)
        edit = parse_edit(await json_object(request), creating=False)
        apply_edit(edit, event_type, store.event_type_settings(), store.now())
        return self._render(event_type, "event_type.updated")

    async def hosts(self, request: Request) -> Response:
        self.api.caller(request)
        event_type = self._event_type_param(Query(request))
        store = self.api.store
        owner = store.users_by_id()[event_type.owner]
        rendered = render(store.event_type_settings(), event_type, owner)
        # One-on-one and group event types have one host: their owner.
        return self.api.list_response(
            request,
            "/event_type_memberships",
            [owner],
            lambda host: host_to_api(rendered, host, event_type.created_at, event_type.updated_at),
        )

    def _schedule_answer(self, event_type: EventType) -> dict[str, object]:
        store = self.api.store
        owner = store.users_by_id()[event_type.owner]
        settings = settings_of(store.event_type_settings(), event_type)
        return schedule_to_api(event_type, settings, owner, default_schedule(store.schedules_of(owner.uuid)))

    async def schedules(self, request: Request) -> Response:
        caller = self.api.caller(request)
        event_type = self._event_type_param(Query(request))
        self._editable(caller, event_type)
        pagination = {
            "count": 1,
            "next_page": None,
            "previous_page": None,
            "next_page_token": None,
            "previous_page_token": None,
        }
        return JSONResponse({"collection": [self._schedule_answer(event_type)], "pagination": pagination})

    async def update_schedules(self, request: Request) -> Response:
        caller = self.api.caller(request)
        event_type = self._event_type_param(Query(request))
        self._editable(caller, event_type)
        body = await json_object(request)
        store = self.api.store
        owner = store.users_by_id()[event_type.owner]
        rule = body.get("availability_rule")
        raw_user = rule.get("user") if isinstance(rule, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        user: User | None = None
        if raw_user is not None:
            ident = id_from_uri(raw_user, "users") if isinstance(raw_user, str) else None
            if ident is None:
                raise invalid_argument("availability_rule.user", "must be a user URI")
            user = store.user(ident)
            if user is None:
                raise permission_denied(NOT_IN_ORG)
        settings = settings_of(store.event_type_settings(), event_type)
        update_schedule(
            body, event_type, settings, owner, default_schedule(store.schedules_of(owner.uuid)), user
        )
        return JSONResponse({"resource": self._schedule_answer(event_type)})


def routes(api: CalendlyAPI) -> list[Route]:
    admin = EventTypeAdmin(api)
    return [
        Route("/event_types", admin.create, methods=["POST"]),
        Route("/event_types/{uuid}", admin.update, methods=["PATCH"]),
        Route("/event_type_memberships", admin.hosts, methods=["GET"]),
        Route("/event_type_availability_schedules", admin.schedules, methods=["GET"]),
        Route("/event_type_availability_schedules", admin.update_schedules, methods=["PATCH"]),
    ]
