"""Webhook subscription rules: which events a scope may take, who receives a delivery, and what it says."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .error_bodies import CalendlyError, invalid_argument
from .records import Invitee, ScheduledEvent, User, WebhookScope, WebhookSubscription, iso, uri

# The events Calendly's current spec accepts, and the scopes each may be subscribed in.
EVENT_SCOPES: dict[str, tuple[WebhookScope, ...]] = {
    "invitee.created": ("organization", "user", "group"),
    "invitee.canceled": ("organization", "user", "group"),
    "invitee_no_show.created": ("organization", "user", "group"),
    "invitee_no_show.deleted": ("organization", "user", "group"),
    "routing_form_submission.created": ("organization",),
    "meeting_recap.created": ("user",),
    "meeting_recap.updated": ("user",),
    "meeting_recap.deleted": ("user",),
    "contact.created": ("organization", "user"),
    "contact.updated": ("organization", "user"),
    "contact.deleted": ("organization", "user"),
}
SCOPES: tuple[WebhookScope, ...] = ("organization", "user", "group")


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
    subscriptions: Iterable[WebhookSubscription], organization: str, name: str, event: ScheduledEvent
) -> list[WebhookSubscription]:
    """Active subscriptions that receive `name` for this meeting: its organization's, or a host's own."""
    return [
        sub
        for sub in subscriptions
        if sub.state == "active"
        and name in sub.events
        and sub.organization == organization
        and (sub.scope == "organization" or (sub.scope == "user" and sub.user in event.hosts))
    ]


def delivery_body(
    name: str,
    subscription: WebhookSubscription,
    invitee: Invitee,
    event: ScheduledEvent,
    users: Mapping[str, User],
    now: datetime,
) -> bytes:
    """The JSON Calendly POSTs: the invitee with its full meeting, as in the recorded deliveries."""
    payload: dict[str, Any] = {**invitee.to_api(), "scheduled_event": event.to_api(users)}
    body = {
        "event": name,
        "created_at": iso(now),
        "created_by": uri("users", subscription.creator),
        "payload": payload,
    }
    return json.dumps(body).encode()
