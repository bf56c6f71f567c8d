"""Administering the organization: invitations (list, send, read, revoke) and removing a member."""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from ..organization_admin_records import Invitation
from ..params import Query, json_object
from ..records import User
from .shared import CalendlyAPI

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Calendly's wording for a caller who is not an admin, and for another organization's invitation.
NOT_ADMIN = "You do not have permission to access this resource."
NOT_YOURS = "You do not have permission"


class OrganizationAdmin:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _admin_of(self, request: Request, organization: str) -> User:
        """The caller, an admin or the owner of `organization`; 403 otherwise, 403 for another one."""
        caller = self.api.caller(request)
        if organization != self.api.store.organization().uuid:
            raise permission_denied(NOT_YOURS)
        if not caller.is_admin:
            raise permission_denied(NOT_ADMIN)
        return caller

    def _invitation(self, request: Request) -> Invitation:
        self._admin_of(request, request.path_params["org_uuid"])
        invitation = self.api.store.invitation(request.path_params["uuid"])
        if invitation is None:
            raise not_found()
        return invitation

    async def list(self, request: Request) -> Response:
        self._admin_of(request, request.path_params["uuid"])
        query = Query(request)
        status = query.choice("status", ("pending", "accepted", "declined"))
        email = query.get("email")
        if email is not None and not _EMAIL.fullmatch(email):
            raise invalid_argument("email", "must be a valid email address")
        descending = query.sort(("created_at",), "created_at:asc")[0][1]
        found = self.api.store.invitations(status=status, email=email, descending=descending)
        path = f"/organizations/{request.path_params['uuid']}/invitations"
        return self.api.list_response(request, path, found, Invitation.to_api)

    async def create(self, request: Request) -> Response:
        self._admin_of(request, request.path_params["uuid"])
        body: dict[str, Any] = await json_object(request)
        email = body.get("email")
        if email is None or (isinstance(email, str) and not email.strip()):
            raise invalid_argument("email", "must be filled")
        if not isinstance(email, str) or not _EMAIL.fullmatch(email):
            raise CalendlyError(400, "Invalid Email", f"{str(email)[:100]} is an invalid email format")
        store = self.api.store
        if store.user_by_email(email) is not None:
            raise CalendlyError(400, "Already Organization Member", f"{email} is already in the organization")
        if store.invitations(status="pending", email=email, descending=False):
            raise CalendlyError(400, "Already Invited", f"{email} has already been invited")
        now = store.now()
        invitation = Invitation(
            uuid=str(uuid.uuid4()),
            organization=store.organization().uuid,
            email=email,
            status="pending",
            created_at=now,
            updated_at=now,
            last_sent_at=now,
        )
        store.add_invitation(invitation)
        return JSONResponse({"resource": invitation.to_api()}, status_code=201)

    async def get(self, request: Request) -> Response:
        return JSONResponse({"resource": self._invitation(request).to_api()})

    async def revoke(self, request: Request) -> Response:
        invitation = self._invitation(request)
        if invitation.status == "accepted":
            raise CalendlyError(
                400, "Invitation Already Accepted", "The invitation has already been accepted."
            )
        self.api.store.revoke_invitation(invitation.uuid)
        return Response(status_code=204)

    async def remove_member(self, request: Request) -> Response:
        caller = self.api.caller(request)
        store = self.api.store
        member = store.membership(request.path_params["uuid"])
        if member is None:
            raise not_found()
        if not caller.is_admin:
            raise permission_denied("You do not have permission to perform this action")
        if member.role == "owner":
            raise permission_denied("You can not change owner role")
        if member.uuid == caller.uuid:
            raise permission_denied("You can not remove yourself from organization")
        store.remove_member(member)
        return Response(status_code=204)


def routes(api: CalendlyAPI) -> list[Route]:
    admin = OrganizationAdmin(api)
    return [
        Route("/organizations/{uuid}/invitations", admin.list, methods=["GET"]),
        Route("/organizations/{uuid}/invitations", admin.create, methods=["POST"]),
        Route("/organizations/{org_uuid}/invitations/{uuid}", admin.get, methods=["GET"]),
        Route("/organizations/{org_uuid}/invitations/{uuid}", admin.revoke, methods=["DELETE"]),
        # GET of the same path is the organization area's.
        Route("/organization_memberships/{uuid}", admin.remove_member, methods=["DELETE"]),
    ]
