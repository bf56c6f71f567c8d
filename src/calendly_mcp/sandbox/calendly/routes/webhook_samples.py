"""Sample webhook data: what a delivery of an event would look like, for testing a receiver."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, permission_denied
from ..params import Query
from ..records import iso, uri
from ..subscriptions import EVENT_SCOPES
from ..webhook_samples_records import sample_payload
from .shared import CalendlyAPI


class WebhookSamples:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    async def get(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        name = query.get("event")
        if name is None:
            raise invalid_argument("event", "is required")
        if name not in EVENT_SCOPES:
            raise invalid_argument("event", f"must be one of: {', '.join(EVENT_SCOPES)}")
        if query.get("organization") is None:
            raise invalid_argument("organization", "is required")
        self.api.organization_param(query)
        scope = query.get("scope")
        if scope is None:
            raise invalid_argument("scope", "is required")
        if scope not in ("organization", "user", "group"):
            raise invalid_argument("scope", "must be one of: organization, user, group")
        if scope not in EVENT_SCOPES[name]:
            raise invalid_argument("scope", f"{name} is not available with scope {scope}")
        store = self.api.store
        # Whose records the sample is made of: the user's, the group's members', or the organization's.
        people: set[str] | None = None
        if scope == "group":
            people = store.groups_audit().people(self.api.group_param(query.get("group")).uuid)
        user = (self.api.user_param(query) or caller) if scope == "user" else None
        if user is not None:
            if user.uuid != caller.uuid and not caller.is_admin:
                raise permission_denied()
            people = {user.uuid}
        meetings = [e for e in store.events() if people is None or people & set(e.hosts)]
        event_types = [et for et in store.event_types() if people is None or et.owner in people]
        payload = sample_payload(
            name,
            meetings=meetings or store.events(),
            event_types=event_types or store.event_types(),
            users=store.users_by_id(),
            user=user or caller,
            now=store.now(),
        )
        body = {
            "event": name,
            "created_at": iso(store.now()),
            "created_by": uri("users", caller.uuid),
            "payload": payload,
        }
        return JSONResponse(body)


def routes(api: CalendlyAPI) -> list[Route]:
    samples = WebhookSamples(api)
    return [Route("/sample_webhook_data", samples.get, methods=["GET"])]
