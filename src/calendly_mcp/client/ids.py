"""Identifier checks: every id or URI an agent passes is proven harmless before it becomes a path.

Accepted forms: a bare id of 1-64 letters, digits, `-` or `_`, or the full
`https://api.calendly.com/<collection>/<id>` URI of the right collection. Anything else (another host,
another collection, `..`, `/`, `?`, `%`, whitespace, control characters, overlong) is refused here, so no
request is ever made with it. A kind of id is named by its collection (`"scheduled_events"`), so a new
Calendly resource needs no registration here.
"""

from __future__ import annotations

import re
from typing import Final

from calendly_mcp.client.errors import InvalidInputError

API_ORIGIN: Final = "https://api.calendly.com"
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_INPUT = 256


def noun(collection: str) -> str:
    """What a model calls one item of a collection: `scheduled_events` -> `scheduled_event`."""
    return collection.removesuffix("s")


def _check_id(value: str, collection: str) -> str:
    if not _ID.fullmatch(value):
        raise InvalidInputError(
            f"{noun(collection)} id {_show(value)} is not valid: an id is 1-64 letters, digits, '-' or '_'",
            hint=f"Pass the bare id or the full {API_ORIGIN}/{collection}/<id> URI.",
        )
    return value


def _show(value: str) -> str:
    # Enough to recognise the input, never a wall of text or control characters echoed back.
    shown = value if len(value) <= 80 else value[:77] + "..."
    return repr(shown)


def bare(collection: str, value: str) -> str:
    """The bare id for `value`, a bare id or a full API URI in `collection`; `me` is allowed for users."""
    if len(value) > _MAX_INPUT:
        raise InvalidInputError(
            f"{noun(collection)} identifier is {len(value)} characters long; ids are at most 64"
        )
    if collection == "users" and value == "me":
        return value
    if "://" in value or value.startswith("/"):
        prefix = f"{API_ORIGIN}/{collection}/"
        if not value.startswith(prefix):
            raise InvalidInputError(
                f"{_show(value)} is not a {noun(collection)} URI",
                hint=f"Expected {prefix}<id> or the bare id.",
            )
        return _check_id(value[len(prefix) :], collection)
    return _check_id(value, collection)


def uri(collection: str, value: str) -> str:
    """The canonical Calendly URI for `value` (a bare id or a URI), as Calendly's query parameters want it."""
    return f"{API_ORIGIN}/{collection}/{bare(collection, value)}"


def path(collection: str, value: str, *rest: str) -> str:
    """The request path of the resource `value` names, with any fixed segments after it."""
    return "/".join((f"/{collection}", bare(collection, value), *rest))


def invitee(event: str | None, value: str) -> tuple[str, str]:
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
        event_id = _check_id(event_id, "scheduled_events")
        if event is not None and bare("scheduled_events", event) != event_id:
            raise InvalidInputError("the invitee URI belongs to another scheduled event than the one given")
        return event_id, _check_id(invitee_id, "invitees")
    if event is None:
        raise InvalidInputError(
            "a bare invitee id needs its scheduled event",
            hint="Pass the event too, or the full invitee URI.",
        )
    return bare("scheduled_events", event), _check_id(value, "invitees")
