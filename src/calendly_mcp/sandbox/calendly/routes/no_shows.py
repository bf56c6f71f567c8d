"""Invitee no-shows: mark an invitee of a started meeting, read the mark, undo it."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found, permission_denied
from ..no_shows_records import no_show_to_api
from ..params import json_object
from ..records import API_BASE, Invitee, ScheduledEvent
from .shared import CalendlyAPI

_INVITEE_PREFIX = f"{API_BASE}/scheduled_events/"


class NoShows:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _check_host(self, request: Request, event: ScheduledEvent) -> None:
        caller = self.api.caller(request)
        if caller.uuid not in event.hosts and not caller.is_admin:
            raise permission_denied()

    def _named_invitee(self, raw: object) -> tuple[ScheduledEvent, Invitee]:
        if raw is None:
            raise invalid_argument("invitee", "is required")
        if not isinstance(raw, str) or not raw.startswith(_INVITEE_PREFIX):
            raise invalid_argument("invitee", "must be an invitee URI")
        event_id, sep, invitee_id = raw[len(_INVITEE_PREFIX) :].partition("/invitees/")
        if not sep or not event_id or not invitee_id or "/" in invitee_id:
            raise invalid_argument("invitee", "must be an invitee URI")
        store = self.api.store
        event = store.event(event_id)
        invitee = None if event is None else store.invitee(event, invitee_id)
        if event is None or invitee is None:
            raise not_found()
        return event, invitee

    def _marked(self, request: Request) -> tuple[ScheduledEvent, Invitee]:
        found = self.api.store.no_show(request.path_params["uuid"])
        if found is None:
            raise not_found()
        self._check_host(request, found[0])
        return found

    async def create(self, request: Request) -> Response:
        body = await json_object(request)
        event, invitee = self._named_invitee(body.get("invitee"))
        self._check_host(request, event)
        store = self.api.store
        now = store.now()
        # Calendly marks only invitees of a meeting that has started and was not canceled, once.
        if event.start_time > now:
            raise invalid_argument("invitee", "cannot be marked as a no-show before the event starts")
        if invitee.status == "canceled":
            raise invalid_argument("invitee", "is canceled and cannot be marked as a no-show")
        if invitee.no_show is not None:
            raise invalid_argument("invitee", "is already marked as a no-show")
        invitee.no_show = (str(uuid.uuid4()), now)
        self.api.announce("invitee_no_show.created", event, [invitee])
        return JSONResponse({"resource": no_show_to_api(invitee)}, status_code=201)

    async def get(self, request: Request) -> Response:
        _, invitee = self._marked(request)
        return JSONResponse({"resource": no_show_to_api(invitee)})

    async def delete(self, request: Request) -> Response:
        event, invitee = self._marked(request)
        invitee.no_show = None
        self.api.announce("invitee_no_show.deleted", event, [invitee])
        return Response(status_code=204)


def routes(api: CalendlyAPI) -> list[Route]:
    no_shows = NoShows(api)
    return [
        Route("/invitee_no_shows", no_shows.create, methods=["POST"]),
        Route("/invitee_no_shows/{uuid}", no_shows.get, methods=["GET"]),
        Route("/invitee_no_shows/{uuid}", no_shows.delete, methods=["DELETE"]),
    ]
