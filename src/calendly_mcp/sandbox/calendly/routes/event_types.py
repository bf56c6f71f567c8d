"""Event types: a user's or the organization's list, and one by id."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import not_found
from ..event_type_admin_records import render
from ..params import Query
from .shared import CalendlyAPI


class EventTypes:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def list(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        _, user = self.api.require_scope(query)
        active = query.boolean("active")
        sort = query.sort(("name", "position", "created_at", "updated_at"), "name:asc")
        found = self.api.store.event_types(owners={user.uuid} if user else None, active=active, sort=sort)
        users, kept = self.api.store.users_by_id(), self.api.store.event_type_settings()
        return self.api.list_response(
            request, "/event_types", found, lambda et: render(kept, et, users[et.owner])
        )

    async def get(self, request: Request) -> Response:
        self.api.caller(request)
        store = self.api.store
        event_type = store.event_type(request.path_params["uuid"])
        if event_type is None:
            raise not_found()
        owner = store.users_by_id()[event_type.owner]
        return JSONResponse({"resource": render(store.event_type_settings(), event_type, owner)})


def routes(api: CalendlyAPI) -> list[Route]:
    event_types = EventTypes(api)
    return [
        Route("/event_types", event_types.list),
        Route("/event_types/{uuid}", event_types.get),
    ]
