"""Webhooks: subscriptions through which Calendly POSTs events (bookings, cancellations, ...) to a URL."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from mcp.server.mcpserver.resolve import Resolve
from pydantic import AwareDatetime, Field, SecretStr, ValidationError

from calendly_mcp import inbox
from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidInputError,
    InvalidResponseError,
)
from calendly_mcp.database import DatabaseError
from calendly_mcp.schemas.inputs import (
    CallbackUrl,
    Count,
    Email,
    MyOrganization,
    PageToken,
    UserArg,
    WebhookEvent,
    WebhookId,
    WebhookScope,
)
from calendly_mcp.schemas.outputs import Deleted, DeliveryRow, Page, ReceivedDelivery, WebhookRow
from calendly_mcp.schemas.resources import Resource, WebhookDelivery, WebhookSubscription
from calendly_mcp.tools._base import (
    CREATE,
    DESTROY,
    LOCAL_READ,
    READ,
    AppState,
    Ctx,
    Toolset,
    client,
    page,
    parse,
    state,
)
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead
from calendly_mcp.tools._scope import organization_uri, user_uri

TOOLS = Toolset("webhooks")
T = TypeVar("T")

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
    events: Annotated[
        list[WebhookEvent], Field(min_length=1, max_length=14, description="Events to receive")
    ],
    url: Annotated[
        CallbackUrl | None, Field(description="Calendly POSTs here; omit: this server's inbox")
    ] = None,
    scope: WebhookScope = "user",
    organization: MyOrganization = None,
    user: UserArg = None,
    group: Group = None,
    signing_key: Annotated[
        SecretStr | None,
        Field(
            min_length=8,
            max_length=256,
            description="Signs deliveries (own inbox: generated)",
        ),
    ] = None,
) -> WebhookSubscription:
    """Subscribe a URL, or this server's inbox, to Calendly events."""
    for event in events:
        only = ONLY_SCOPE.get(event)
        if only and only != scope:
            raise InvalidInputError(f"event {event} is only available with scope {only}, not {scope}")
    if len(set(events)) != len(events):
        raise InvalidInputError("events lists the same event twice")
    if url is None and signing_key is not None:
        raise InvalidInputError(
            "signing_key goes with url: for this server's own inbox the server generates and keeps the key"
        )
    api = client(ctx)
    target = url if url is not None else own_inbox(state(ctx))
    body: dict[str, Any] = {
        "url": target,
        "events": events,
        "organization": await organization_uri(api, organization),
        "scope": scope,
    }
    body.update(await _scope_owner(api, scope, user, group))
    check = f"Call list_webhook_subscriptions (scope {scope}) and look for callback_url {target}."
    if url is not None:
        if signing_key is not None:
            body["signing_key"] = signing_key.get_secret_value()
        answer = await api.post("/webhook_subscriptions", body, check=check)
        return parse(Resource[WebhookSubscription], answer).resource
    db = state(ctx).database
    key = await _db(inbox.new_key, db, target, time.time())
    body["signing_key"] = key.secret
    try:
        answer = await api.post("/webhook_subscriptions", body, check=check)
    except (APIStatusError, APIConnectionError):  # refused, or never sent: the key signs nothing
        await _db(inbox.drop_key, db, key.id)
        raise
    subscription = parse(Resource[WebhookSubscription], answer).resource
    await _db(inbox.attach_key, db, key.id, subscription.uri)
    return subscription


def own_inbox(app: AppState) -> str:
    """This server's inbox as Calendly must reach it: the public URL, or on loopback for a Calendly
    (the sandbox) on this machine."""
    public = app.settings.calendly_mcp_public_url
    if public is not None:
        return public + inbox.PATH
    upstream = urlsplit(app.client.endpoint.api_base).hostname or ""
    if not _loopback(upstream):
        raise InvalidInputError(
            "Calendly cannot reach this server's inbox on this machine's loopback address: set "
            "CALENDLY_MCP_PUBLIC_URL to the https address Calendly can reach it at (then restart), or pass url"
        )
    if app.inbox.local_url is None:
        raise InvalidInputError(
            "this server receives deliveries only when served over HTTP (serve --transport "
            "streamable-http) or at CALENDLY_MCP_PUBLIC_URL: set one, or pass url"
        )
    return app.inbox.local_url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def _db(fn: Callable[..., T], *args: Any) -> T:
    """A database step, off the event loop (it may wait for another process's lock)."""
    try:
        return await anyio.to_thread.run_sync(fn, *args)
    except DatabaseError as exc:
        raise ConfigurationError(
            f"The inbox's database cannot be used: {exc}.",
            hint="Check CALENDLY_MCP_DATABASE_URL (or the user's data directory) and its permissions.",
        ) from None


DeliveryId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="From list_webhook_deliveries")]


@TOOLS.tool("List webhook deliveries", LOCAL_READ)
async def list_webhook_deliveries(
    ctx: Ctx,
    event: Annotated[WebhookEvent | None, Field(description="Only this event")] = None,
    since: Annotated[AwareDatetime | None, Field(description="Only those received from then on")] = None,
    invitee_email: Annotated[Email | None, Field(description="Only those about this invitee")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[DeliveryRow]:
    """Deliveries this server's webhook inbox received, newest first."""
    before = None
    if page_token is not None:
        before = inbox.read_page_token(page_token)
        if before is None:
            raise InvalidInputError(
                "page_token is not one list_webhook_deliveries gave: call again without it"
            )
    found, more = await _db(
        lambda: inbox.recent(
            state(ctx).database,
            event=event,
            since=since.timestamp() if since is not None else None,
            email=invitee_email,
            count=count,
            before=before,
        )
    )
    rows = [delivery_row(delivery) for delivery in found]
    return Page(collection=rows, next_page_token=inbox.page_token(more) if more else None)


@TOOLS.tool("Get webhook delivery", LOCAL_READ)
async def get_webhook_delivery(ctx: Ctx, delivery: DeliveryId) -> ReceivedDelivery:
    """One delivery the inbox received, whole."""
    found = await _db(inbox.get, state(ctx).database, delivery)
    if found is None:
        raise InvalidInputError(
            f"No delivery {delivery} in this server's inbox",
            hint="Call list_webhook_deliveries for the ones received.",
        )
    data = found.data | {
        "id": found.id,
        "received_at": _utc(found.received_at),
        "subscription": found.subscription,
    }
    try:
        return ReceivedDelivery.model_validate(data)
    except ValidationError:
        raise InvalidResponseError(f"Delivery {delivery} is not in Calendly's delivery shape.") from None


def delivery_row(delivery: inbox.Delivery) -> DeliveryRow:
    payload = delivery.data.get("payload")
    payload = cast(dict[str, Any], payload) if isinstance(payload, dict) else {}
    meeting = payload.get("scheduled_event")
    meeting = cast(dict[str, Any], meeting) if isinstance(meeting, dict) else {}
    start = meeting.get("start_time")
    name = payload.get("name")
    return DeliveryRow(
        id=delivery.id,
        event=delivery.event,
        received_at=_utc(delivery.received_at),
        email=delivery.email,
        name=name if isinstance(name, str) else None,
        scheduled_event=meeting.get("uri") if isinstance(meeting.get("uri"), str) else None,
        start_time=_parsed(start),
    )


def _utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def _parsed(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


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
