"""Scheduled events: the lists, one meeting, its invitees, and cancelling it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..booking import cancel, cancellation_reason
from ..error_bodies import not_found, permission_denied
from ..params import Query, json_object
from ..records import ScheduledEvent
from .shared import CalendlyAPI


class Events:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def list(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        organization, user = self.api.require_scope(query)
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
        found = self.api.store.scheduled_events(
            hosts={user.uuid} if user else None,
            status=query.choice("status", ("active", "canceled")),
            invitee_email=query.get("invitee_email"),
            min_start=query.time("min_start_time"),
            max_start=query.time("max_start_time"),
            descending=query.sort(("start_time",), "start_time:asc")[0][1],
        )
        users = self.api.store.users_by_id()
        return self.api.list_response(request, "/scheduled_events", found, lambda event: event.to_api(users))

    def visible_event(self, request: Request, ident: str) -> ScheduledEvent:
        caller = self.api.caller(request)
        event = self.api.store.event(ident)
        if event is None:
            raise not_found()
        if caller.uuid not in event.hosts and not caller.is_admin:
            raise permission_denied("You are not allowed to view this event")
        return event

    async def get(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["uuid"])
        return JSONResponse({"resource": event.to_api(self.api.store.users_by_id())})

    async def invitees(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["uuid"])
        query = Query(request)
        found = self.api.store.invitees(
            event,
            status=query.choice("status", ("active", "canceled")),
            email=query.get("email"),
            descending=query.sort(("created_at",), "created_at:asc")[0][1],
        )
        path = f"/scheduled_events/{event.uuid}/invitees"
        return self.api.list_response(request, path, found, lambda invitee: invitee.to_api())

    async def invitee(self, request: Request) -> Response:
        event = self.visible_event(request, request.path_params["event_uuid"])
        invitee = self.api.store.invitee(event, request.path_params["invitee_uuid"])
        if invitee is None:
            raise not_found()
        return JSONResponse({"resource": invitee.to_api()})

    async def cancel(self, request: Request) -> Response:
        caller = self.api.caller(request)
        store = self.api.store
        event = store.event(request.path_params["uuid"])
        if event is None:
            raise not_found()
        if caller.uuid not in event.hosts and not caller.is_admin:
            raise permission_denied("You are not allowed to cancel this event")
        reason = cancellation_reason(await json_object(request))
        cancellation, canceled = cancel(event, caller, reason, store.now())
        self.api.announce("invitee.canceled", event, canceled)
        return JSONResponse({"resource": cancellation.to_api()}, status_code=201)


def routes(api: CalendlyAPI) -> list[Route]:
    events = Events(api)
    return [
        Route("/scheduled_events", events.list),
        Route("/scheduled_events/{uuid}", events.get),
        Route("/scheduled_events/{uuid}/invitees", events.invitees),
        Route("/scheduled_events/{event_uuid}/invitees/{invitee_uuid}", events.invitee),
        Route("/scheduled_events/{uuid}/cancellation", events.cancel, methods=["POST"]),
    ]
