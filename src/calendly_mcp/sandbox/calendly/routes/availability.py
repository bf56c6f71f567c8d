"""Availability: an event type's available times, a user's busy times and availability schedules."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found, permission_denied
from ..event_type_admin_records import pace_of
from ..params import Query
from ..records import ScheduledEvent, id_from_uri
from ..slots import (
    AVAILABLE_TIMES_MAX_DAYS,
    BUSY_TIMES_MAX_DAYS,
    busy_times,
    check_window,
    offered_slots,
    slot_to_api,
)
from .shared import CalendlyAPI


class Availability:
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
        owner = store.users_by_id()[event_type.owner]
        calendar = store.calendar(owner.uuid)
        pace = pace_of(store.event_type_settings(), event_type)
        # Slots are shown in the zone of the schedule they come from.
        schedule = pace.schedule or calendar.schedule
        zone = ZoneInfo(schedule.timezone if schedule else owner.timezone)
        url = event_type.to_api(owner)["scheduling_url"]
        slots = offered_slots(calendar, event_type, start, end, store.now(), pace)
        return JSONResponse({"collection": [slot_to_api(slot, url, zone) for slot in slots]})

    async def busy_times(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        user = self.api.visible_user(caller, query)
        start, end = query.required_time("start_time"), query.required_time("end_time")
        check_window(start, end, self.api.store.now(), BUSY_TIMES_MAX_DAYS)
        store = self.api.store

        def buffers(event: ScheduledEvent) -> tuple[timedelta, timedelta]:
            event_type = store.event_type(event.event_type)
            if event_type is None:
                return timedelta(), timedelta()
            pace = pace_of(store.event_type_settings(), event_type)
            return pace.before, pace.after

        return JSONResponse({"collection": busy_times(store.calendar(user.uuid), start, end, buffers)})

    async def schedules(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        user = self.api.visible_user(caller, query)
        schedules = [s.to_api() for s in self.api.store.schedules_of(user.uuid)]
        return JSONResponse({"collection": schedules})

    async def schedule(self, request: Request) -> Response:
        caller = self.api.caller(request)
        schedule = self.api.store.schedule(request.path_params["uuid"])
        if schedule is None:
            raise not_found()
        if schedule.user != caller.uuid and not caller.is_admin:
            raise permission_denied()
        return JSONResponse({"resource": schedule.to_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    availability = Availability(api)
    return [
        Route("/event_type_available_times", availability.available_times),
        Route("/user_busy_times", availability.busy_times),
        Route("/user_availability_schedules", availability.schedules),
        Route("/user_availability_schedules/{uuid}", availability.schedule),
    ]
