"""What every area's handlers share: the caller, paginated lists, scope parameters, webhook announcements."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse

from ...core import CALLER_KEY, Sandbox
from ..error_bodies import PLANS, CalendlyError, invalid_argument, not_found, permission_denied, plan_required
from ..pagination import paginate
from ..params import Query
from ..records import Invitee, JSONDict, ScheduledEvent, User, id_from_uri
from ..store import Store
from ..subscriptions import delivery, invitee_payload, subscribers

if TYPE_CHECKING:
    from ..groups_audit_records import Group

T = TypeVar("T")

NOT_IN_ORG = "This user is not in your organization"


class CalendlyAPI:
    """Handed to every area's routes; reads the caller set by the auth layer in front of them."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @property
    def store(self) -> Store:
        return self.sandbox.store

    def caller(self, request: Request) -> User:
        user = self.store.user(str(request.scope[CALLER_KEY]))
        if user is None:  # the caller's user went away (a reset re-created it under the same id)
            raise not_found()
        return user

    def list_response(
        self, request: Request, path: str, items: Sequence[T], render: Callable[[T], JSONDict]
    ) -> JSONResponse:
        query = Query(request)
        page = paginate(
            items,
            path=path,
            query=query.filters(),
            count=query.count(),
            page_token=query.get("page_token"),
            tokens=self.store.tokens,
            generation=self.store.generation,
        )
        return JSONResponse(
            {"collection": [render(item) for item in page.items], "pagination": page.pagination}
        )

    def require_plan(self, minimum: str, feature: str) -> None:
        """403 unless the organization's plan is `minimum` or above (e.g. routing forms need Teams)."""
        if PLANS.index(self.store.organization().plan) < PLANS.index(minimum):
            raise plan_required(feature, minimum)

    # Scope parameters shared by the lists

    def organization_param(self, query: Query) -> bool:
        """Whether `organization=` names the caller's organization; 403 for another one."""
        raw = query.get("organization")
        if raw is None:
            return False
        ident = id_from_uri(raw, "organizations")
        if ident is None:
            raise invalid_argument("organization", "must be an organization URI")
        if ident != self.store.organization().uuid:
            raise permission_denied()
        return True

    def user_param(self, query: Query, name: str = "user") -> User | None:
        raw = query.get(name)
        if raw is None:
            return None
        ident = id_from_uri(raw, "users")
        if ident is None:
            raise invalid_argument(name, "must be a user URI")
        user = self.store.user(ident)
        if user is None:
            # Calendly does not say whether a user outside your organization exists.
            raise permission_denied(NOT_IN_ORG)
        return user

    def visible_user(self, caller: User, query: Query) -> User:
        """The `user` a per-user read names: required, and the caller's own unless the caller is an admin."""
        user = self.user_param(query)
        if user is None:
            raise invalid_argument("user", "is required")
        if user.uuid != caller.uuid and not caller.is_admin:
            raise permission_denied()
        return user

    def require_scope(self, query: Query) -> tuple[bool, User | None]:
        organization = self.organization_param(query)
        user = self.user_param(query)
        if not organization and user is None:
            raise CalendlyError(
                400,
                "Invalid Argument",
                "The supplied parameters are invalid.",
                [
                    {"parameter": "user", "message": "user or organization is required"},
                    {"parameter": "organization", "message": "user or organization is required"},
                ],
            )
        return organization, user

    def group_param(self, raw: object) -> Group:
        """The group a group-scoped request names (webhook subscriptions and samples): 404 if unknown."""
        if raw is None:
            raise invalid_argument("group", "is required for scope group")
        ident = id_from_uri(raw, "groups") if isinstance(raw, str) else None
        if ident is None:
            raise invalid_argument("group", "must be a group URI")
        group = self.store.groups_audit().groups.get(ident)
        if group is None:
            raise not_found()
        return group

    # Webhooks

    def deliver(self, name: str, users: Collection[str], payloads: Callable[[], Sequence[JSONDict]]) -> None:
        """Queue a delivery of each payload to every subscription that gets `name` about something of
        `users` (see `subscribers`); sent after the answer. `payloads` is built once, and only if a
        subscription gets them."""
        store = self.store
        groups = store.groups_audit().groups_of(users)
        receivers = subscribers(
            store.subscriptions(), store.organization().uuid, name, users=users, groups=groups
        )
        if not receivers:
            return
        now = store.now()
        made = payloads()
        for subscription in receivers:
            for payload in made:
                self.sandbox.deliveries.send(
                    subscription.uri,
                    name,
                    subscription.callback_url,
                    delivery(name, subscription, payload, now),
                    subscription.signing_key,
                )

    def announce(self, name: str, event: ScheduledEvent, invitees: Sequence[Invitee]) -> None:
        """An invitee event: one delivery per invitee, to the subscriptions of the meeting's hosts."""
        users = self.store.users_by_id()
        self.deliver(name, event.hosts, lambda: [invitee_payload(i, event, users) for i in invitees])
