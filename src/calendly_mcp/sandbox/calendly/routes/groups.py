"""Groups, their relationships (who is a member or an admin of which group) and teams."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found
from ..groups_audit_records import Group, GroupRelationship, Team
from ..params import Query
from ..records import API_BASE, id_from_uri
from .shared import CalendlyAPI


class Groups:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _group(self, ident: str) -> Group:
        group = self.api.store.groups_audit().groups.get(ident)
        if group is None:
            raise not_found()
        return group

    def _render(self, relationship: GroupRelationship) -> dict[str, object]:
        store = self.api.store
        owner = store.user(relationship.user)
        if owner is None:  # a member removed since: Calendly drops their relationships with them
            raise not_found()
        return relationship.to_api(owner, store.groups_audit().groups[relationship.group])

    async def list(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        if not self.api.organization_param(query):
            raise invalid_argument("organization", "is required")
        area = self.api.store.groups_audit()
        groups = sorted(area.groups.values(), key=lambda g: (g.created_at, g.uuid))
        return self.api.list_response(request, "/groups", groups, lambda g: g.to_api(area.member_count(g)))

    async def get(self, request: Request) -> Response:
        self.api.caller(request)
        group = self._group(request.path_params["uuid"])
        return JSONResponse({"resource": group.to_api(self.api.store.groups_audit().member_count(group))})

    async def relationships(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        self.api.organization_param(query)  # optional here; another organization's is a 403
        store = self.api.store
        area = store.groups_audit()
        group: str | None = None
        if (raw := query.get("group")) is not None:
            group = id_from_uri(raw, "groups")
            if group is None:
                raise invalid_argument("group", "must be a group URI")
        owner: str | None = None
        if (raw := query.get("owner")) is not None:
            owner = self._owner(raw)
        found = [
            r
            for r in area.relationships.values()
            if store.user(r.user) is not None
            and (group is None or r.group == group)
            and (owner is None or r.user == owner)
        ]
        found.sort(key=lambda r: (r.created_at, r.uuid))
        return self.api.list_response(request, "/group_relationships", found, self._render)

    def _owner(self, raw: str) -> str:
        """The user id an `owner` filter names; "" (matches nothing) for an unknown membership or an
        invitation (the sandbox's groups hold members only)."""
        membership = id_from_uri(raw, "organization_memberships")
        if membership is not None:
            member = self.api.store.membership(membership)
            return "" if member is None else member.uuid
        prefix = f"{API_BASE}/organizations/"
        org, sep, invitation = raw.removeprefix(prefix).partition("/invitations/")
        if raw.startswith(prefix) and sep and org and invitation and "/" not in invitation:
            return ""
        raise invalid_argument("owner", "must be an organization membership or invitation URI")

    async def relationship(self, request: Request) -> Response:
        self.api.caller(request)
        found = self.api.store.groups_audit().relationships.get(request.path_params["uuid"])
        if found is None:
            raise not_found()
        return JSONResponse({"resource": self._render(found)})

    async def teams(self, request: Request) -> Response:
        self.api.caller(request)
        user = self.api.user_param(Query(request))
        teams = [
            team
            for team in self.api.store.groups_audit().teams.values()
            if user is None or user.uuid in team.members
        ]
        return self.api.list_response(request, "/teams", teams, Team.to_api)

    async def team(self, request: Request) -> Response:
        self.api.caller(request)
        team = self.api.store.groups_audit().teams.get(request.path_params["team_uuid"])
        if team is None:
            raise not_found()
        return JSONResponse({"resource": team.to_api()})


def routes(api: CalendlyAPI) -> list[Route]:
    groups = Groups(api)
    return [
        Route("/groups", groups.list),
        Route("/groups/{uuid}", groups.get),
        Route("/group_relationships", groups.relationships),
        Route("/group_relationships/{uuid}", groups.relationship),
        Route("/teams", groups.teams),
        Route("/teams/{team_uuid}", groups.team),
    ]
