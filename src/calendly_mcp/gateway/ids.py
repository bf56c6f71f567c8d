"""Identifier checks: every id or URI an agent passes is proven harmless before it becomes a path.

Accepted forms (PRODUCT.md, "Behaviour every tool shares"): a bare id of 1-64 letters, digits, `-` or `_`,
or the full `https://api.calendly.com/<collection>/<id>` URI of the right kind. Anything else is refused
here, so no request is ever made with it.
"""

from __future__ import annotations

import re
from typing import Final

from calendly_mcp.gateway.errors import InvalidInputError

API_ORIGIN: Final = "https://api.calendly.com"
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_INPUT = 256

# kind -> (collection path, what a model should call it)
COLLECTIONS: Final[dict[str, str]] = {
    "user": "users",
    "organization": "organizations",
    "event_type": "event_types",
    "scheduled_event": "scheduled_events",
    "organization_membership": "organization_memberships",
    "webhook_subscription": "webhook_subscriptions",
    "availability_schedule": "user_availability_schedules",
    "group": "groups",
}


def _check_id(value: str, kind: str) -> str:
    if not _ID.fullmatch(value):
        raise InvalidInputError(
            f"{kind} id {_show(value)} is not valid: an id is 1-64 letters, digits, '-' or '_'",
            hint=f"Pass the bare id or the full {API_ORIGIN}/{COLLECTIONS.get(kind, kind + 's')}/<id> URI.",
        )
    return value


def _show(value: str) -> str:
    # Enough to recognise the input, never a wall of text or control characters echoed back.
    shown = value if len(value) <= 80 else value[:77] + "..."
    return repr(shown)


def parse_id(kind: str, value: str) -> str:
    """The bare id for `value`, a bare id or a full API URI of this kind; `me` is allowed for users."""
    collection = COLLECTIONS[kind]
    if len(value) > _MAX_INPUT:
        raise InvalidInputError(f"{kind} identifier is {len(value)} characters long; ids are at most 64")
    if kind == "user" and value == "me":
        return value
    if "://" in value or value.startswith("/"):
        prefix = f"{API_ORIGIN}/{collection}/"
        if not value.startswith(prefix):
            raise InvalidInputError(
                f"{_show(value)} is not a {kind} URI",
                hint=f"Expected {prefix}<id> or the bare id.",
            )
        return _check_id(value[len(prefix) :], kind)
    return _check_id(value, kind)


def parse_invitee(event: str | None, value: str) -> tuple[str, str]:
    """(event id, invitee id) from an invitee URI, or from an invitee id beside its event's id or URI."""
    prefix = f"{API_ORIGIN}/scheduled_events/"
    if value.startswith(prefix):
        rest = value[len(prefix) :]
        event_id, sep, invitee_id = rest.partition("/invitees/")
        if not sep:
            raise InvalidInputError(
                f"{_show(value)} is not an invitee URI",
                hint=f"Expected {prefix}<event id>/invitees/<invitee id>.",
            )
        event_id = _check_id(event_id, "scheduled_event")
        if event is not None and parse_id("scheduled_event", event) != event_id:
            raise InvalidInputError("the invitee URI belongs to another scheduled event than the one given")
        return event_id, _check_id(invitee_id, "invitee")
    if event is None:
        raise InvalidInputError(
            "a bare invitee id needs its scheduled event",
            hint="Pass the event too, or the full invitee URI.",
        )
    return parse_id("scheduled_event", event), _check_id(value, "invitee")


def uri(kind: str, ident: str) -> str:
    """The canonical Calendly URI of a resource, as Calendly's own query parameters want it."""
    return f"{API_ORIGIN}/{COLLECTIONS[kind]}/{ident}"
