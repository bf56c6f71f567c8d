"""Calendly API v2 routes, answered from the store on behalf of an authenticated user."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .calendly.error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from .calendly.pagination import paginate
from .calendly.params import Query
from .calendly.records import JSONDict, ScheduledEvent, User, id_from_uri
from .calendly.store import Store
from .core import CALLER_KEY, Sandbox

T = TypeVar("T")

NOT_IN_ORG = "This user is not in your organization"


class CalendlyAPI:
    """The handlers; each reads the caller set by the auth layer in front of it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @property
    def store(self) -> Store:
        return self.sandbox.store

    def caller(self, request: Request) -> User:
        user = self.store.user(str(request.scope[CALLER_KEY]))
        if user is None:  # the caller's user went away (a reset re-created it under the same id)
            raise not_found()
        return user

    def list_response(
        self, request: Request, path: str, items: Sequence[T], render: Callable[[T], JSONDict]
    ) -> JSONResponse:
        query = Query(request)
        page = paginate(
            items,
            path=path,
            query=query.filters(),
            count=query.count(),
            page_token=query.get("page_token"),
            tokens=self.store.tokens,
            generation=self.store.generation,
        )
        return JSONResponse(
            {"collection": [render(item) for item in page.items], "pagination": page.pagination}
        )

    # Scope parameters shared by the lists

    def organization_param(self, query: Query) -> bool:
        """Whether `organization=` names the caller's organization; 403 for another one."""
        raw = query.get("organization")
        if raw is None:
            return False
        ident = id_from_uri(raw, "organizations")
        if ident is None:
            raise invalid_argument("organization", "must be an organization URI")
        if ident != self.store.state.organization.uuid:
            raise permission_denied()
        return True

    def user_param(self, query: Query, name: str = "user") -> User | None:
        raw = query.get(name)
        if raw is None:
            return None
        ident = id_from_uri(raw, "users")
        if ident is None:
            raise invalid_argument(name, "must be a user URI")
        user = self.store.user(ident)
        if user is None:
            # Calendly does not say whether a user outside your organization exists.
            raise permission_denied(NOT_IN_ORG)
        return user

    def require_scope(self, query: Query) -> tuple[bool, User | None]:
        organization = self.organization_param(query)
        user = self.user_param(query)
        if not organization and user is None:
            raise CalendlyError(
                400,
                "Invalid Argument",
                "The supplied parameters are invalid.",
                [
                    {"parameter": "user", "message": "user or organization is required"},
                    {"parameter": "organization", "message": "user or organization is required"},
                ],
            )
        return organization, user

    # Users and organization

    async def users_me(self, request: Request) -> Response:
        return JSONResponse({"resource": self.caller(request).to_api()})

    async def user(self, request: Request) -> Response:
        self.caller(request)
        ident = request.path_params["uuid"]
        user = self.store.user(ident)
        if user is None:
            raise not_found()
        return JSONResponse({"resource": user.to_api()})

    async def organization(self, request: Request) -> Response:
        self.caller(request)
        if request.path_params["uuid"] != self.store.state.organization.uuid:
            raise not_found()
        return JSONResponse({"resource": self.store.state.organization.to_api()})

    async def memberships(self, request: Request) -> Response:
        self.caller(request)
        query = Query(request)
        organization, user = self.require_scope(query)
        del organization  # every member of the caller's organization may list it
        role = query.choice("role", ("owner", "admin", "user"))
        members = self.store.members(user=user.uuid if user else None, email=query.get("email"), role=role)
        return self.list_response(request, "/organization_memberships", members, User.membership_to_api)

    async def membership(self, request: Request) -> Response:
        self.caller(request)
        ident = request.path_params["uuid"]
        member = next((u for u in self.store.state.users.values() if u.membership_uuid == ident), None)
        if member is None:
            raise not_found()
        return JSONResponse({"resource": member.membership_to_api()})

    # Event types

    async def event_types(self, request: Request) -> Response:
        self.caller(request)
        query = Query(request)
        _, user = self.require_scope(query)
        active = query.boolean("active")
        sort = query.sort(("name", "position", "created_at", "updated_at"), "name:asc")
        found = self.store.event_types({user.uuid} if user else None, active, sort)
        users = self.store.state.users
        return self.list_response(request, "/event_types", found, lambda et: et.to_api(users[et.owner]))

    async def event_type(self, request: Request) -> Response:
        self.caller(request)
        event_type = self.store.event_type(request.path_params["uuid"])
        if event_type is None:
            raise not_found()
        return JSONResponse({"resource": event_type.to_api(self.store.state.users[event_type.owner])})

    # Scheduled events and invitees

    async def scheduled_events(self, request: Request) -> Response:
        caller = self.caller(request)
        query = Query(request)
        organization, user = self.require_scope(query)
        if user is not None and user.uuid != caller.uuid:
            if not caller.is_admin:
                raise permission_denied()
            if not organization:
                # Calendly asks admins to name the organization too when they look at a colleague.
                raise permission_denied(
                    "Please also specify organization when requesting events for a user within your organization."
                )
        elif user is None and not caller.is_admin:
            raise permission_denied()
        found = self.store.scheduled_events(
            hosts={user.uuid} if user else None,
            status=query.choice("status", ("active", "canceled")),
            invitee_email=query.get("invitee_email"),
            min_start=query.time("min_start_time"),
            max_start=query.time("max_start_time"),
            descending=query.sort(("start_time",), "start_time:asc")[0][1],
        )
        users = self.store.state.users
        return self.list_response(request, "/scheduled_events", found, lambda event: event.to_api(users))

    def visible_event(self, request: Request, ident: str) -> ScheduledEvent:
        caller = self.caller(request)
        event = self.store.event(ident)
        if event is None:
            raise not_found()
        if caller.uuid not in event.hosts and not caller.is_admin:
            raise permission_denied("You are not allowed to view this event")
        return event

    async def scheduled_event(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["uuid"])
        return JSONResponse({"resource": event.to_api(self.store.state.users)})

    async def invitees(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["uuid"])
        query = Query(request)
        found = self.store.invitees(
            event,
            status=query.choice("status", ("active", "canceled")),
            email=query.get("email"),
            descending=query.sort(("created_at",), "created_at:asc")[0][1],
        )
        path = f"/scheduled_events/{event.uuid}/invitees"
        return self.list_response(request, path, found, lambda invitee: invitee.to_api())

    async def invitee(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["event_uuid"])
        invitee = self.store.invitee(event, request.path_params["invitee_uuid"])
        if invitee is None:
            raise not_found()
        return JSONResponse({"resource": invitee.to_api()})

    # Availability

    async def availability_schedules(self, request: Request) -> Response:
        caller = self.caller(request)
        query = Query(request)
        user = self.user_param(query)
        if user is None:
            raise invalid_argument("user", "is required")
        if user.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        schedules = [s.to_api() for s in self.store.state.schedules.values() if s.user == user.uuid]
        return JSONResponse({"collection": schedules})

    async def availability_schedule(self, request: Request) -> Response:
        caller = self.caller(request)
        schedule = self.store.state.schedules.get(request.path_params["uuid"])
        if schedule is None:
            raise not_found()
        if schedule.user != caller.uuid and not caller.is_admin:
            raise permission_denied()
        return JSONResponse({"resource": schedule.to_api()})


def read_routes(api: CalendlyAPI) -> list[Route]:
    return [
        Route("/users/me", api.users_me),
        Route("/users/{uuid}", api.user),
        Route("/organizations/{uuid}", api.organization),
        Route("/organization_memberships", api.memberships),
        Route("/organization_memberships/{uuid}", api.membership),
        Route("/event_types", api.event_types),
        Route("/event_types/{uuid}", api.event_type),
        Route("/scheduled_events", api.scheduled_events),
        Route("/scheduled_events/{uuid}", api.scheduled_event),
        Route("/scheduled_events/{uuid}/invitees", api.invitees),
        Route("/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", api.invitee),
        Route("/user_availability_schedules", api.availability_schedules),
        Route("/user_availability_schedules/{uuid}", api.availability_schedule),
    ]
