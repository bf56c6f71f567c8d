"""The Scheduling API: booking a meeting (POST /invitees)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..booking import book, parse_booking
from ..error_bodies import CalendlyError, permission_denied
from ..event_type_admin_records import pace_of
from ..params import json_object
from .shared import CalendlyAPI


class Scheduling:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def create_invitee(self, request: Request) -> Response:
        caller = self.api.caller(request)
        store = self.api.store
        if store.organization().plan == "basic":
            raise permission_denied(
                "The Scheduling API is only available on paid Calendly plans. Upgrade your plan to access "
                "this feature."
            )
        body = await json_object(request)
        booking = parse_booking(body, store.event_type)
        # Only well-formed bookings count, so that a client's validation errors do not use up the limit.
        if self.api.sandbox.booking_limits.hit(caller.uuid).exceeded:
            limit = self.api.sandbox.config.booking_rate_limit_per_minute
            raise CalendlyError(
                429,
                "Too Many Requests",
                f"The Scheduling API allows {limit} bookings per minute. Try again later.",
            )
        pace = pace_of(store.event_type_settings(), booking.event_type)
        event, invitee = book(booking, store.calendar(booking.event_type.owner), store.now(), pace)
        store.add_event(event)
        self.api.announce("invitee.created", event, [invitee])
        return JSONResponse({"resource": invitee.to_api()}, status_code=201)


def routes(api: CalendlyAPI) -> list[Route]:
    scheduling = Scheduling(api)
    return [Route("/invitees", scheduling.create_invitee, methods=["POST"])]
