"""Calendly's availability and scheduling routes: available and busy times, booking, cancelling."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .api import CalendlyAPI
from .calendly.booking import book, cancel, cancellation_reason, parse_booking
from .calendly.error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from .calendly.params import Query, json_object
from .calendly.records import Invitee, ScheduledEvent, id_from_uri
from .calendly.slots import (
    AVAILABLE_TIMES_MAX_DAYS,
    BUSY_TIMES_MAX_DAYS,
    busy_times,
    check_window,
    default_schedule,
    offered_slots,
    slot_to_api,
)
from .calendly.subscriptions import delivery_body, subscribers


class SchedulingAPI:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def available_times(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        raw = query.get("event_type")
        if raw is None:
            raise invalid_argument("event_type", "is required")
        ident = id_from_uri(raw, "event_types")
        if ident is None:
            raise invalid_argument("event_type", "must be an event type URI")
        start, end = query.required_time("start_time"), query.required_time("end_time")
        store = self.api.store
        event_type = store.event_type(ident)
        if event_type is None:
            raise not_found()
        check_window(start, end, store.now(), AVAILABLE_TIMES_MAX_DAYS)
        if not event_type.active:
            raise invalid_argument("event_type", "Event type is not active")
        owner = store.state.users[event_type.owner]
        schedule = default_schedule(store.state, owner.uuid)
        zone = ZoneInfo(schedule.timezone if schedule else owner.timezone)
        url = event_type.to_api(owner)["scheduling_url"]
        slots = offered_slots(store.state, event_type, start, end, store.now())
        return JSONResponse({"collection": [slot_to_api(slot, url, zone) for slot in slots]})

    async def busy_times(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        user = self.api.user_param(query)
        if user is None:
            raise invalid_argument("user", "is required")
        start, end = query.required_time("start_time"), query.required_time("end_time")
        if user.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        check_window(start, end, self.api.store.now(), BUSY_TIMES_MAX_DAYS)
        return JSONResponse({"collection": busy_times(self.api.store.state, user.uuid, start, end)})

    async def create_invitee(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body = await json_object(request)
        store = self.api.store
        booking = parse_booking(store.state, body)
        # Only well-formed bookings count, so that a client's validation errors do not use up the limit.
        if self.api.sandbox.booking_limits.hit(caller.uuid).exceeded:
            limit = self.api.sandbox.config.booking_rate_limit_per_minute
            raise CalendlyError(
                429,
                "Too Many Requests",
                f"The Scheduling API allows {limit} bookings per minute. Try again later.",
            )
        event, invitee = book(store.state, booking, store.now())
        self.announce("invitee.created", event, [invitee])
        return JSONResponse({"resource": invitee.to_api()}, status_code=201)

    async def cancel_event(self, request: Request) -> Response:
        caller = self.api.caller(request)
        store = self.api.store
        event = store.event(request.path_params["uuid"])
        if event is None:
            raise not_found()
        if caller.uuid not in event.hosts and not caller.is_admin:
            raise permission_denied("You are not allowed to cancel this event")
        reason = cancellation_reason(await json_object(request))
        cancellation, canceled = cancel(event, caller, reason, store.now())
        self.announce("invitee.canceled", event, canceled)
        return JSONResponse({"resource": cancellation.to_api()}, status_code=201)

    def announce(self, name: str, event: ScheduledEvent, invitees: Sequence[Invitee]) -> None:
        """Queue one delivery per invitee to every subscription that wants it; sent after the answer."""
        state = self.api.store.state
        now = self.api.store.now()
        for subscription in subscribers(state, name, event):
            for invitee in invitees:
                body = delivery_body(name, subscription, invitee, event, state.users, now)
                self.api.sandbox.deliveries.send(
                    subscription.uri, name, subscription.callback_url, body, subscription.signing_key
                )


def scheduling_routes(api: CalendlyAPI) -> list[Route]:
    scheduling = SchedulingAPI(api)
    return [
        Route("/event_type_available_times", scheduling.available_times),
        Route("/user_busy_times", scheduling.busy_times),
        Route("/invitees", scheduling.create_invitee, methods=["POST"]),
        Route("/scheduled_events/{uuid}/cancellation", scheduling.cancel_event, methods=["POST"]),
    ]
