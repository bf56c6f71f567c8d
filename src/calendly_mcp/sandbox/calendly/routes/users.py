"""Users: the caller (/users/me), any user of the organization by id, and a user's meeting locations."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import not_found
from ..params import Query
from .shared import CalendlyAPI


class Users:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def me(self, request: Request) -> Response:
        return JSONResponse({"resource": self.api.caller(request).to_api()})

    async def get(self, request: Request) -> Response:
        self.api.caller(request)
        user = self.api.store.user(request.path_params["uuid"])
        if user is None:
            raise not_found()
        return JSONResponse({"resource": user.to_api()})

    async def locations(self, request: Request) -> Response:
        caller = self.api.caller(request)
        user = self.api.visible_user(caller, Query(request))
        # Not paginated: the spec's answer is the collection alone.
        return JSONResponse({"collection": user.locations_to_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    users = Users(api)
    # /users/me first: "me" would otherwise be read as a user id.
    return [
        Route("/users/me", users.me),
        Route("/users/{uuid}", users.get),
        Route("/locations", users.locations),
    ]
