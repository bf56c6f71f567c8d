"""Data compliance: deleting invitees' data by e-mail, and meetings' data by time range (Enterprise)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import PLANS, permission_denied
from ..no_shows_records import deletion_emails, deletion_range
from ..params import json_object
from .shared import CalendlyAPI

# The 403s in Calendly's spec examples for these endpoints.
NOT_ENTERPRISE = "Please upgrade your Calendly account to Enterprise."
NO_PERMISSION = (
    "You must be an admin/owner with the data requests permission enabled to use this resource. "
    "Contact Calendly support and ask them to grant you data requests permission."
)


class DataCompliance:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _allowed(self, request: Request) -> None:
        if self.api.store.organization().plan != PLANS[-1]:
            raise permission_denied(NOT_ENTERPRISE)
        if not self.api.caller(request).is_admin:
            raise permission_denied(NO_PERMISSION)

    async def invitees(self, request: Request) -> Response:
        self._allowed(request)
        emails = deletion_emails(await json_object(request))
        # Calendly takes up to 7 days; the sandbox forgets at once, so the next read shows it.
        self.api.store.forget_invitees(emails)
        return JSONResponse({}, status_code=202)

    async def events(self, request: Request) -> Response:
        self._allowed(request)
        store = self.api.store
        start, end = deletion_range(await json_object(request), store.now())
        store.forget_events(start, end)
        return JSONResponse({}, status_code=202)


def routes(api: CalendlyAPI) -> list[Route]:
    compliance = DataCompliance(api)
    return [
        Route("/data_compliance/deletion/invitees", compliance.invitees, methods=["POST"]),
        Route("/data_compliance/deletion/events", compliance.events, methods=["POST"]),
    ]
