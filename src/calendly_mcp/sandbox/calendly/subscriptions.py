"""Webhook subscription rules: which events a scope may take, who receives a delivery, and what it says."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from urllib.parse import urlsplit

from .error_bodies import CalendlyError, invalid_argument
from .naming import stable_id
from .records import Invitee, JSONDict, ScheduledEvent, User, WebhookScope, WebhookSubscription, iso, uri

# The events Calendly takes, and the scopes each may be subscribed in: the table of the spec's own POST
# /webhook_subscriptions description (and API-FACTS). The spec's request and resource enums omit the
# event type events, which that table, its delivery payload enum and its sample endpoint all have.
EVENT_SCOPES: dict[str, tuple[WebhookScope, ...]] = {
    "invitee.created": ("organization", "user", "group"),
    "invitee.canceled": ("organization", "user", "group"),
    "invitee_no_show.created": ("organization", "user", "group"),
    "invitee_no_show.deleted": ("organization", "user", "group"),
    "event_type.created": ("organization", "user", "group"),
    "event_type.updated": ("organization", "user", "group"),
    "event_type.deleted": ("organization", "user", "group"),
    "routing_form_submission.created": ("organization",),
    "meeting_recap.created": ("user",),
    "meeting_recap.updated": ("user",),
    "meeting_recap.deleted": ("user",),
    "contact.created": ("organization", "user", "group"),
    "contact.updated": ("organization", "user", "group"),
    "contact.deleted": ("organization", "user", "group"),
}
SCOPES: tuple[WebhookScope, ...] = ("organization", "user", "group")
# The sample endpoint's namespace too: a seeded person's `user_uuid` is the same in samples and deliveries.
PAYLOAD_NAMESPACE = uuid.UUID("0b7e8c0e-6a55-4f59-9d2c-3d1f3b1c5a77")


def already_exists() -> CalendlyError:
    return CalendlyError(409, "Already Exists", "Hook with this url already exists")


def callback_url(raw: object) -> str:
    parts = urlsplit(raw) if isinstance(raw, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or " " in str(raw):
        raise invalid_argument("url", "must be an absolute http or https URL")
    return str(raw)


def events_for(raw: object, scope: WebhookScope) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise invalid_argument("events", "must be a non-empty list of webhook events")
    events: list[str] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(item, str) or item not in EVENT_SCOPES:
            raise invalid_argument("events", f"{item!r} is not a webhook event")
        if scope not in EVENT_SCOPES[item]:
            raise invalid_argument("events", f"{item} cannot be subscribed with scope {scope}")
        if item not in events:
            events.append(item)
    return events


def subscribers(
    subscriptions: Iterable[WebhookSubscription],
    organization: str,
    name: str,
    *,
    users: Collection[str],
    groups: Collection[str],
) -> list[WebhookSubscription]:
    """Active subscriptions that receive `name` about something of `users` (a meeting's hosts, an event
    type's owner, a recap's notetaker): the organization's, those users' own, and those of the groups
    they are members of."""
    return [
        sub
        for sub in subscriptions
        if sub.state == "active"
        and name in sub.events
        and sub.organization == organization
        and (
            sub.scope == "organization"
            or (sub.scope == "user" and sub.user in users)
            or (sub.scope == "group" and sub.group in groups)
        )
    ]


def delivery(name: str, subscription: WebhookSubscription, payload: JSONDict, now: datetime) -> bytes:
    """The JSON Calendly POSTs for `name`: `created_by` is the subscription's creator, as in the recorded
    deliveries."""
    body = {
        "event": name,
        "created_at": iso(now),
        "created_by": uri("users", subscription.creator),
        "payload": payload,
    }
    return json.dumps(body).encode()


def invitee_payload(invitee: Invitee, event: ScheduledEvent, users: Mapping[str, User]) -> JSONDict:
    """An invitee event's payload: the invitee with its full meeting, as in the recorded deliveries."""
    return {**invitee.to_api(), "scheduled_event": event.to_api(users)}


def user_uuid(user: User) -> str:
    """The `user_uuid` of contact payloads (a UUID; the seeded people with readable ids get a stable one)."""
    return user.uuid if len(user.uuid) == 36 else stable_id(PAYLOAD_NAMESPACE, f"user:{user.uuid}")
