"""Webhook subscriptions: list, create, get, delete."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument, not_found, permission_denied
from ..params import Query, json_object
from ..records import User, WebhookScope, WebhookSubscription, id_from_uri
from ..subscriptions import SCOPES, already_exists, callback_url, events_for
from .shared import NOT_IN_ORG, CalendlyAPI


class Webhooks:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _organization(self, raw: object) -> None:
        """`organization` is required and must be the caller's; another one is a 403."""
        if raw is None:
            raise invalid_argument("organization", "is required")
        ident = id_from_uri(raw, "organizations") if isinstance(raw, str) else None
        if ident is None:
            raise invalid_argument("organization", "must be an organization URI")
        if ident != self.api.store.organization().uuid:
            raise permission_denied()

    def _scope(self, raw: object) -> WebhookScope:
        for scope in SCOPES:
            if raw == scope:
                return scope
        raise invalid_argument("scope", "must be one of: organization, user, group")

    def _scoped_group(self, caller: User, scope: WebhookScope, raw: object) -> str | None:
        """The group a group-scoped subscription is for: an organization admin's or the group's admins'."""
        if scope != "group":
            return None
        group = self.api.group_param(raw)
        if not caller.is_admin and caller.uuid not in self.api.store.groups_audit().people(
            group.uuid, "admin"
        ):
            raise permission_denied()
        return group.uuid

    def _scoped_user(self, caller: User, scope: WebhookScope, raw: object) -> User | None:
        """The user a user-scoped subscription is for; organization scope needs an admin."""
        if scope == "organization":
            if not caller.is_admin:
                raise permission_denied()
            return None
        if scope == "group":
            return None
        if raw is None:
            raise invalid_argument("user", "is required for scope user")
        ident = id_from_uri(raw, "users") if isinstance(raw, str) else None
        if ident is None:
            raise invalid_argument("user", "must be a user URI")
        user = self.api.store.user(ident)
        if user is None:
            raise permission_denied(NOT_IN_ORG)
        if user.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        return user

    def _visible(self, request: Request) -> WebhookSubscription:
        caller = self.api.caller(request)
        subscription = self.api.store.subscription(request.path_params["uuid"])
        if subscription is None:
            raise not_found()
        if not caller.is_admin and caller.uuid not in (subscription.user, subscription.creator):
            raise permission_denied()
        return subscription

    async def list(self, request: Request) -> Response:
        caller = self.api.caller(request)
        query = Query(request)
        self._organization(query.get("organization"))
        if query.get("scope") is None:
            raise invalid_argument("scope", "is required")
        scope = self._scope(query.get("scope"))
        user = self._scoped_user(caller, scope, query.get("user"))
        group = self._scoped_group(caller, scope, query.get("group"))
        descending = query.sort(("created_at",), "created_at:asc")[0][1]
        found = [
            sub
            for sub in self.api.store.subscriptions()
            if sub.scope == scope
            and (user is None or sub.user == user.uuid)
            and (group is None or sub.group == group)
        ]
        found.sort(key=lambda sub: (sub.created_at, sub.uuid), reverse=descending)
        return self.api.list_response(request, "/webhook_subscriptions", found, WebhookSubscription.to_api)

    async def create(self, request: Request) -> Response:
        caller = self.api.caller(request)
        body: dict[str, Any] = await json_object(request)
        url = callback_url(body.get("url"))
        self._organization(body.get("organization"))
        if body.get("scope") is None:
            raise invalid_argument("scope", "is required")
        scope = self._scope(body.get("scope"))
        events = events_for(body.get("events"), scope)
        user = self._scoped_user(caller, scope, body.get("user"))
        group = self._scoped_group(caller, scope, body.get("group"))
        signing_key = body.get("signing_key")
        if signing_key is not None and (not isinstance(signing_key, str) or not signing_key):
            raise invalid_argument("signing_key", "must be a non-empty string")
        store = self.api.store
        organization = store.organization().uuid
        if any(sub.callback_url == url and sub.organization == organization for sub in store.subscriptions()):
            raise already_exists()
        subscription = WebhookSubscription(
            uuid=str(uuid.uuid4()),
            callback_url=url,
            events=events,
            scope=scope,
            organization=organization,
            user=None if user is None else user.uuid,
            creator=caller.uuid,
            created_at=store.now(),
            signing_key=signing_key,
            group=group,
        )
        store.add_subscription(subscription)
        return JSONResponse({"resource": subscription.to_api()}, status_code=201)

    async def get(self, request: Request) -> Response:
        return JSONResponse({"resource": self._visible(request).to_api()})

    async def delete(self, request: Request) -> Response:
        subscription = self._visible(request)
        self.api.store.remove_subscription(subscription.uuid)
        return Response(status_code=204)


def routes(api: CalendlyAPI) -> list[Route]:
    webhooks = Webhooks(api)
    return [
        Route("/webhook_subscriptions", webhooks.list, methods=["GET"]),
        Route("/webhook_subscriptions", webhooks.create, methods=["POST"]),
        Route("/webhook_subscriptions/{uuid}", webhooks.get, methods=["GET"]),
        Route("/webhook_subscriptions/{uuid}", webhooks.delete, methods=["DELETE"]),
    ]
