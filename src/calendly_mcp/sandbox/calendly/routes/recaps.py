"""Meeting recaps of Calendly's notetaker (a paid-plan feature): list, get, update, delete, transcript."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found, permission_denied
from ..params import Query, json_object
from ..recaps_records import MARKDOWN_FIELDS, Recap
from ..records import id_from_uri
from .shared import CalendlyAPI

STATUSES = ("available", "processing", "unavailable")


class Recaps:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _caller(self, request: Request) -> str:
        caller = self.api.caller(request)
        if self.api.store.organization().plan == "basic":
            raise permission_denied("Please upgrade to a paid Calendly account")
        return caller.uuid

    def _visible(self, request: Request) -> Recap:
        caller = self._caller(request)
        recap = self.api.store.recaps().recap(request.path_params["uuid"])
        if recap is None:
            raise not_found()
        # A notetaker's recaps are its user's own: not even an organization admin reads another's.
        if recap.owner != caller:
            raise permission_denied("You do not have permission to access this resource")
        return recap

    async def list(self, request: Request) -> Response:
        caller = self._caller(request)
        query = Query(request)
        event = query.get("event")
        event_id = None
        if event is not None:
            event_id = id_from_uri(event, "scheduled_events")
            if event_id is None:
                raise invalid_argument("event", "must be a scheduled event URI")
        attendee = query.get("attendee")
        if attendee is not None and "@" not in attendee:
            raise invalid_argument("attendee", "must be an email address")
        found = self.api.store.recaps().of(
            caller,
            status=query.choice("status", STATUSES) or "available",
            event=event_id,
            attendee=attendee,
            ends_after=query.time("start_time"),
            starts_before=query.time("end_time"),
        )
        return self.api.list_response(
            request, "/meeting_recaps", found, lambda recap: recap.to_api(whole=False)
        )

    async def get(self, request: Request) -> Response:
        return JSONResponse({"resource": self._visible(request).to_api(whole=True)})

    async def update(self, request: Request) -> Response:
        recap = self._visible(request)
        body: dict[str, Any] = await json_object(request)
        for key, value in body.items():
            if key not in MARKDOWN_FIELDS:
                raise invalid_argument(key, f"is not allowed; send only {', '.join(MARKDOWN_FIELDS)}")
            if value is not None and not isinstance(value, str):
                raise invalid_argument(key, "must be a string or null")
        for key, value in body.items():
            setattr(recap, key, value)
        recap.updated_at = self.api.store.now()
        self.api.deliver("meeting_recap.updated", {recap.owner}, lambda: [recap.delivery_payload()])
        return JSONResponse({"resource": recap.to_api(whole=True)})

    async def delete(self, request: Request) -> Response:
        recap = self._visible(request)
        self.api.store.recaps().remove(recap.uuid)
        payload = recap.delivery_payload(deleted_at=self.api.store.now())
        self.api.deliver("meeting_recap.deleted", {recap.owner}, lambda: [payload])
        return Response(status_code=204)

    async def transcript(self, request: Request) -> Response:
        recap = self._visible(request)
        if recap.transcript is None:
            raise not_found()  # still processing, or never recorded
        return JSONResponse({"resource": recap.transcript_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    recaps = Recaps(api)
    return [
        Route("/meeting_recaps", recaps.list, methods=["GET"]),
        Route("/meeting_recaps/{uuid}", recaps.get, methods=["GET"]),
        Route("/meeting_recaps/{uuid}", recaps.update, methods=["PATCH"]),
        Route("/meeting_recaps/{uuid}", recaps.delete, methods=["DELETE"]),
        Route("/meeting_recaps/{uuid}/transcript", recaps.transcript, methods=["GET"]),
    ]
