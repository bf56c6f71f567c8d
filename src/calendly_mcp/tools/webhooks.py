"""Webhooks: subscriptions through which Calendly POSTs events (bookings, cancellations, ...) to a URL."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver.resolve import Resolve
from pydantic import Field, SecretStr

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import InvalidInputError
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
from calendly_mcp.schemas.outputs import Deleted, Page, WebhookRow
from calendly_mcp.schemas.resources import Resource, WebhookDelivery, WebhookSubscription
from calendly_mcp.tools._base import CREATE, DESTROY, READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead
from calendly_mcp.tools._scope import organization_uri, user_uri

TOOLS = Toolset("webhooks")

# API-FACTS, "Webhooks": events that only one scope may carry.
ONLY_SCOPE = {
    "routing_form_submission.created": "organization",
    "meeting_recap.created": "user",
    "meeting_recap.updated": "user",
    "meeting_recap.deleted": "user",
}
Group = Annotated[str | None, Field(max_length=256, description="For scope group")]


@TOOLS.tool("List webhook subscriptions", READ)
async def list_webhook_subscriptions(
    ctx: Ctx,
    scope: WebhookScope = "user",
    organization: MyOrganization = None,
    user: UserArg = None,
    group: Group = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[WebhookRow]:
    """Webhook subscriptions of a user or organization."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization),
        "scope": scope,
        "count": count,
        "page_token": page_token,
    }
    params.update(await _scope_owner(api, scope, user, group))
    found = page(WebhookSubscription, await api.get("/webhook_subscriptions", params))
    rows = [WebhookRow.of(subscription) for subscription in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Create webhook subscription", CREATE)
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
            description="Signs deliveries",
        ),
    ] = None,
) -> WebhookSubscription:
    """Subscribe a URL to Calendly events."""
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


@TOOLS.tool("Get webhook subscription", READ)
async def get_webhook_subscription(ctx: Ctx, webhook: WebhookId) -> WebhookSubscription:
    """One webhook subscription: URL, events, state."""
    answer = await client(ctx).get(ids.path("webhook_subscriptions", webhook))
    return parse(Resource[WebhookSubscription], answer).resource


async def _ask_delete(ctx: Ctx, webhook: str) -> Asked:
    async def question() -> str:
        answer = await client(ctx).get(ids.path("webhook_subscriptions", webhook))
        hook = parse(Resource[WebhookSubscription], answer).resource
        return f"Delete the webhook subscription that sends {', '.join(hook.events)} to {hook.callback_url}?"

    return await ask(ctx, question)


@TOOLS.tool("Delete webhook subscription", DESTROY)
async def delete_webhook_subscription(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_delete)], webhook: WebhookId
) -> Deleted:
    """Delete a webhook subscription."""
    webhook_id = ids.bare("webhook_subscriptions", webhook)
    go_ahead(confirmed, "delete the webhook subscription")
    await client(ctx).delete(
        f"/webhook_subscriptions/{webhook_id}",
        check=f"Call get_webhook_subscription with webhook={webhook_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("webhook_subscriptions", webhook_id))


async def _scope_owner(
    api: CalendlyClient, scope: str, user: str | None, group: str | None
) -> dict[str, str]:
    if scope == "user":
        return {"user": await user_uri(api, user)}
    if scope == "group":
        if group is None:
            raise InvalidInputError("scope group needs `group` (the group's id or URI)")
        return {"group": ids.uri("groups", group)}
    return {}


@TOOLS.tool("Get sample webhook data", READ)
async def get_sample_webhook_data(
    ctx: Ctx,
    event: WebhookEvent,
    scope: WebhookScope = "user",
    organization: MyOrganization = None,
    user: UserArg = None,
    group: Group = None,
) -> WebhookDelivery:
    """What a delivery of this event looks like."""
    only = ONLY_SCOPE.get(event)
    if only and only != scope:
        raise InvalidInputError(f"event {event} is only available with scope {only}, not {scope}")
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "event": event,
        "organization": await organization_uri(api, organization),
        "scope": scope,
    }
    params.update(await _scope_owner(api, scope, user, group))
    return parse(WebhookDelivery, await api.get("/sample_webhook_data", params))
