"""Webhooks: subscriptions through which Calendly POSTs events (bookings, cancellations, ...) to a URL."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SecretStr

from calendly_mcp.gateway import ids
from calendly_mcp.gateway.errors import InvalidInputError
from calendly_mcp.schemas.inputs import (
    CallbackUrl,
    Count,
    MyOrganization,
    PageToken,
    UserArg,
    WebhookEvent,
    WebhookId,
    WebhookScope,
)
from calendly_mcp.schemas.outputs import Deleted, Page
from calendly_mcp.schemas.resources import Resource, WebhookSubscription
from calendly_mcp.tools.base import (
    CREATE,
    DESTROY,
    READ,
    Ctx,
    ToolSpec,
    client,
    organization_uri,
    page,
    parse,
    user_uri,
)

# API-FACTS, "Webhooks": events that only one scope may carry.
ONLY_SCOPE = {
    "routing_form_submission.created": "organization",
    "meeting_recap.created": "user",
    "meeting_recap.updated": "user",
    "meeting_recap.deleted": "user",
}
Group = Annotated[str | None, Field(max_length=256, description="Group id or URI, for scope group")]


async def list_webhook_subscriptions(
    ctx: Ctx,
    scope: WebhookScope = "user",
    organization: MyOrganization = None,
    user: UserArg = None,
    group: Group = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[WebhookSubscription]:
    """Webhook subscriptions of a scope: user (default: yours), organization (default: yours) or group."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization),
        "scope": scope,
        "count": count,
        "page_token": page_token,
    }
    params.update(await _scope_owner(api, scope, user, group))
    return page(WebhookSubscription, await api.get("/webhook_subscriptions", params))


async def create_webhook_subscription(
    ctx: Ctx,
    url: CallbackUrl,
    events: Annotated[
        list[WebhookEvent], Field(min_length=1, max_length=14, description="Events to receive")
    ],
    scope: WebhookScope = "user",
    organization: MyOrganization = None,
    user: UserArg = None,
    group: Group = None,
    signing_key: Annotated[
        SecretStr | None,
        Field(
            min_length=8,
            max_length=256,
            description="Secret to sign deliveries with (Calendly-Webhook-Signature)",
        ),
    ] = None,
) -> WebhookSubscription:
    """Subscribe a URL to Calendly events for a user (default: you), organization or group."""
    for event in events:
        only = ONLY_SCOPE.get(event)
        if only and only != scope:
            raise InvalidInputError(f"event {event} is only available with scope {only}, not {scope}")
    if len(set(events)) != len(events):
        raise InvalidInputError("events lists the same event twice")
    api = client(ctx)
    body: dict[str, Any] = {
        "url": url,
        "events": events,
        "organization": await organization_uri(api, organization),
        "scope": scope,
    }
    body.update(await _scope_owner(api, scope, user, group))
    if signing_key is not None:
        body["signing_key"] = signing_key.get_secret_value()
    answer = await api.post(
        "/webhook_subscriptions",
        body,
        check=f"Call list_webhook_subscriptions (scope {scope}) and look for callback_url {url}.",
    )
    return parse(Resource[WebhookSubscription], answer).resource


async def get_webhook_subscription(ctx: Ctx, webhook: WebhookId) -> WebhookSubscription:
    """One webhook subscription: URL, events, scope, state."""
    path = f"/webhook_subscriptions/{ids.parse_id('webhook_subscription', webhook)}"
    return parse(Resource[WebhookSubscription], await client(ctx).get(path)).resource


async def delete_webhook_subscription(ctx: Ctx, webhook: WebhookId) -> Deleted:
    """Delete a webhook subscription; Calendly stops POSTing to its URL."""
    webhook_id = ids.parse_id("webhook_subscription", webhook)
    await client(ctx).delete(
        f"/webhook_subscriptions/{webhook_id}",
        check=f"Call get_webhook_subscription with webhook={webhook_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("webhook_subscription", webhook_id))


async def _scope_owner(api: Any, scope: str, user: str | None, group: str | None) -> dict[str, str]:
    if scope == "user":
        return {"user": await user_uri(api, user)}
    if scope == "group":
        if group is None:
            raise InvalidInputError("scope group needs `group` (the group's id or URI)")
        return {"group": ids.uri("group", ids.parse_id("group", group))}
    return {}


TOOLS = [
    ToolSpec(list_webhook_subscriptions, "webhooks", "List webhook subscriptions", READ),
    ToolSpec(create_webhook_subscription, "webhooks", "Create webhook subscription", CREATE),
    ToolSpec(get_webhook_subscription, "webhooks", "Get webhook subscription", READ),
    ToolSpec(delete_webhook_subscription, "webhooks", "Delete webhook subscription", DESTROY),
]
