"""The organization and its memberships."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import not_found
from ..params import Query
from ..records import User
from .shared import CalendlyAPI


class Organization:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def get(self, request: Request) -> Response:
        self.api.caller(request)
        organization = self.api.store.organization()
        if request.path_params["uuid"] != organization.uuid:
            raise not_found()
        return JSONResponse({"resource": organization.to_api()})

    async def memberships(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        organization, user = self.api.require_scope(query)
        del organization  # every member of the caller's organization may list it
        role = query.choice("role", ("owner", "admin", "user"))
        members = self.api.store.members(
            user=user.uuid if user else None, email=query.get("email"), role=role
        )
        return self.api.list_response(request, "/organization_memberships", members, User.membership_to_api)

    async def membership(self, request: Request) -> Response:
        self.api.caller(request)
        member = self.api.store.membership(request.path_params["uuid"])
        if member is None:
            raise not_found()
        return JSONResponse({"resource": member.membership_to_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    organization = Organization(api)
    return [
        Route("/organizations/{uuid}", organization.get),
        Route("/organization_memberships", organization.memberships),
        Route("/organization_memberships/{uuid}", organization.membership),
    ]
