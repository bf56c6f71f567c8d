"""Routing forms and their submissions (a Teams-plan feature): lists and one of each."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found
from ..params import Query
from ..records import id_from_uri
from .shared import CalendlyAPI

FEATURE = "Routing forms"


class RoutingForms:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _gate(self, request: Request) -> None:
        self.api.caller(request)
        self.api.require_plan("teams", FEATURE)

    async def list(self, request: Request) -> Response:
        self._gate(request)
        query = Query(request)
        if not self.api.organization_param(query):
            raise invalid_argument("organization", "is required")
        descending = query.sort(("created_at",), "created_at:asc")[0][1]
        found = self.api.store.routing_forms().forms_of(
            self.api.store.organization().uuid, descending=descending
        )
        return self.api.list_response(request, "/routing_forms", found, lambda form: form.to_api())

    async def get(self, request: Request) -> Response:
        self._gate(request)
        form = self.api.store.routing_forms().form(request.path_params["uuid"])
        if form is None:
            raise not_found()
        return JSONResponse({"resource": form.to_api()})

    async def submissions(self, request: Request) -> Response:
        self._gate(request)
        query = Query(request)
        raw = query.get("form")
        if raw is None:
            raise invalid_argument("form", "is required")
        ident = id_from_uri(raw, "routing_forms")
        if ident is None:
            raise invalid_argument("form", "must be a routing form URI")
        forms = self.api.store.routing_forms()
        if forms.form(ident) is None:
            raise not_found()
        descending = query.sort(("created_at",), "created_at:asc")[0][1]
        found = forms.submissions_of(ident, descending=descending)
        return self.api.list_response(request, "/routing_form_submissions", found, lambda sub: sub.to_api())

    async def submission(self, request: Request) -> Response:
        self._gate(request)
        submission = self.api.store.routing_forms().submission(request.path_params["uuid"])
        if submission is None:
            raise not_found()
        return JSONResponse({"resource": submission.to_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    forms = RoutingForms(api)
    return [
        Route("/routing_forms", forms.list, methods=["GET"]),
        Route("/routing_forms/{uuid}", forms.get, methods=["GET"]),
        Route("/routing_form_submissions", forms.submissions, methods=["GET"]),
        Route("/routing_form_submissions/{uuid}", forms.submission, methods=["GET"]),
    ]
