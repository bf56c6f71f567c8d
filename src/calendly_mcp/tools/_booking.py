"""Booking once: the same booking asked again answers the meeting already made, never a second one.

Two sources of truth, both read before POST /invitees. The booking record (`calendly_mcp.bookings`)
knows what this server started, across processes and restarts; Calendly knows what exists, whoever
booked it. A call first claims the booking in the record (only one call at a time can), then looks on
Calendly for the invitee's meeting at that start, then checks that the slot is offered, and only then
books.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from calendly_mcp import bookings
from calendly_mcp.bookings import Key, Record
from calendly_mcp.client import ids
from calendly_mcp.client.client import JSON, CalendlyClient
from calendly_mcp.client.errors import (
    APIConnectionError,
    APIStatusError,
    CalendlyMcpError,
    ConfigurationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from calendly_mcp.database import Database, DatabaseError
from calendly_mcp.schemas.resources import (
    AvailableTime,
    Collection,
    EventType,
    Invitee,
    Resource,
    ScheduledEvent,
)
from calendly_mcp.tools._base import iso_utc, parse

logger = logging.getLogger("calendly_mcp.bookings")

T = TypeVar("T")

NEARBY = timedelta(hours=12)  # the window around a refused start in which other slots are offered
WAIT_S = 10.0  # how long a call waits for another call booking the same meeting
POLL_S = 0.2
ATTEMPTS = 3  # claims per call: a stale record or a finished rival each cost one more

RECORDED = "Already booked: this same booking was made earlier (the server's booking record); nothing new was booked."
ON_CALENDLY = "Already booked: this invitee already has this meeting on Calendly; nothing new was booked."
RIVAL = "Already booked: another request made this same booking moments ago; nothing new was booked."


class InProgressError(CalendlyMcpError):
    """Another call is booking the same meeting and has not finished."""


Post = Callable[[], Awaitable[JSON]]


class Found(Invitee):
    """The invitee booked, and whether that booking was made by this call."""

    already_booked: bool
    note: str | None = None


async def book_once(
    api: CalendlyClient, db: Database, event_type: EventType, start: datetime, email: str, post: Post
) -> Found:
    """The invitee's meeting at `start`: the one that exists, or the one `post` books."""
    key = Key.of(event_type.uri, start, email)
    note = RECORDED
    try:
        for _ in range(ATTEMPTS):
            owner = bookings.new_owner()
            claim = await _run(bookings.claim, db, key, owner, time.time())
            if claim.kind == "done" and claim.previous is not None:
                found = await _stored(api, claim.previous)
                if found is not None:
                    return _booked(found, note)
                await _run(bookings.forget, db, key, claim.previous.invitee or "")
            elif claim.kind == "busy" and claim.previous is not None:
                found = await _wait_for_rival(api, db, key, claim.previous, event_type, start, email)
                if found is not None:
                    return found
                note = RIVAL  # done by now, most likely: by the call just waited for
            else:
                return await _book_claimed(
                    api, db, key, owner, claim.previous, event_type, start, email, post
                )
    except DatabaseError as exc:
        raise ConfigurationError(
            f"The booking record cannot be used: {exc}. Nothing was booked.",
            hint="Check CALENDLY_MCP_DATABASE_URL (or the user's data directory) and the file's permissions.",
        ) from None
    raise _in_progress(key)


async def _book_claimed(
    api: CalendlyClient,
    db: Database,
    key: Key,
    owner: str,
    previous: Record | None,
    event_type: EventType,
    start: datetime,
    email: str,
    post: Post,
) -> Found:
    """Holding the claim: adopt the meeting if Calendly has it, else check the slot and book it."""
    looked = sent = False
    try:
        try:
            existing = await find_existing(api, event_type, start, email)
        except PermissionDeniedError:
            if previous is not None:
                raise _unverifiable(key) from None
            existing = None  # nothing was ever sent for it: Calendly's own rules still guard the slot
        looked = True
        if existing is not None:
            await _settle(db, key, existing)
            return _booked(existing, ON_CALENDLY)
        await check_offered(api, event_type, start)
        sent = True
        try:
            answer = await post()
        except APIStatusError as exc:
            # An earlier lost answer may have taken the slot for this very invitee: look before refusing.
            found = None
            if "already_filled" in str(exc):
                with suppress(CalendlyMcpError):  # the refusal is the story, not a failed look
                    found = await find_existing(api, event_type, start, email)
            if found is None:
                raise
            await _settle(db, key, found)
            return _booked(found, ON_CALENDLY)
        invitee = parse(Resource[Invitee], answer).resource
    except BaseException as exc:
        refused = isinstance(exc, APIStatusError | APIConnectionError)  # a definite no, or never sent
        if (sent and refused) or (not sent and (looked or previous is None)):
            await _quietly(bookings.release, db, key, owner)
        else:
            # The booking may exist (sent without a trustworthy answer, or an earlier attempt's could not
            # be checked): pending and held by nobody, so the next attempt looks on Calendly first.
            await _quietly(bookings.abandon, db, key, owner, time.time())
        raise
    await _settle(db, key, invitee)
    return _booked(invitee, None)


async def find_existing(
    api: CalendlyClient, event_type: EventType, start: datetime, email: str
) -> Invitee | None:
    """The invitee's active booking of this event type at `start` on Calendly, if there is one."""
    params: dict[str, str | int | bool | None] = {
        "invitee_email": email,
        "status": "active",
        "min_start_time": iso_utc(start),
        "max_start_time": iso_utc(start + timedelta(minutes=1)),
    }
    events = await _hosts_meetings(api, event_type, params)
    for event in events:
        if event.event_type != event_type.uri or event.start_time != start:
            continue
        path = ids.path("scheduled_events", event.uri, "invitees")
        people = await api.get(path, {"email": email, "status": "active"})
        for person in parse(Collection[Invitee], people).collection:
            if person.email.lower() == email.lower() and person.status == "active":
                return person
    return None


async def check_offered(api: CalendlyClient, event_type: EventType, start: datetime) -> None:
    """Refuse a start the event type does not offer, naming the offered ones nearby."""
    window_start = max(start - NEARBY, datetime.now(UTC) + timedelta(seconds=10))
    params = {
        "event_type": event_type.uri,
        "start_time": iso_utc(window_start),
        "end_time": iso_utc(start + NEARBY),
    }
    slots = parse(Collection[AvailableTime], await api.get("/event_type_available_times", params)).collection
    if any(slot.start_time == start for slot in slots):
        return
    nearby = sorted(
        sorted(slots, key=lambda slot: abs(slot.start_time - start))[:5], key=lambda s: s.start_time
    )
    offered = (
        f"Offered nearby: {', '.join(str(iso_utc(s.start_time)) for s in nearby)}."
        if nearby
        else f"No slot is offered within {NEARBY.total_seconds() / 3600:.0f} h of it."
    )
    raise InvalidInputError(
        f"start_time {iso_utc(start)} is not an offered slot of {event_type.name or 'this event type'!r} "
        f"(taken, outside the host's hours, or not on its grid); nothing was booked. {offered}",
        hint="Pick one of them, or call list_event_type_available_times for other times.",
    )


async def _hosts_meetings(
    api: CalendlyClient, event_type: EventType, params: dict[str, str | int | bool | None]
) -> list[ScheduledEvent]:
    """Meetings of the event type's host: Calendly lists them by user (the organization too when that
    user is not the caller), a team's through the organization."""
    profile = event_type.profile
    if profile is not None and profile.type == "User":
        try:
            # Usually the caller's own event type: no need to ask who the caller is (one request less).
            answer = await api.get("/scheduled_events", params | {"user": profile.owner})
        except PermissionDeniedError as exc:
            if "specify organization" not in str(exc):
                raise
            organization = str((await api.current_user())["current_organization"])
            scope = {"user": profile.owner, "organization": organization}
            answer = await api.get("/scheduled_events", params | scope)
    else:
        me = await api.current_user()
        scope = (
            {"user": str(me["uri"])} if profile is None else {"organization": str(me["current_organization"])}
        )
        answer = await api.get("/scheduled_events", params | scope)
    return parse(Collection[ScheduledEvent], answer).collection


async def _stored(api: CalendlyClient, record: Record) -> Invitee | None:
    """The recorded booking's invitee as Calendly has it now; None when it is gone or canceled."""
    if not record.invitee:
        return None
    event_id, invitee_id = ids.invitee(None, record.invitee)
    try:
        answer = await api.get(f"/scheduled_events/{event_id}/invitees/{invitee_id}")
    except NotFoundError:
        return None
    invitee = parse(Resource[Invitee], answer).resource
    return invitee if invitee.status == "active" else None


async def _wait_for_rival(
    api: CalendlyClient,
    db: Database,
    key: Key,
    busy: Record,
    event_type: EventType,
    start: datetime,
    email: str,
) -> Found | None:
    """Another call holds the booking: its meeting once it has one; None when the record changed hands
    (done, released, abandoned) and should be claimed again."""
    existing = await find_existing(api, event_type, start, email)
    if existing is not None:
        return _booked(existing, RIVAL)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        await anyio.sleep(POLL_S)
        now = await _run(bookings.get, db, key)
        if now is None or now.state != busy.state or now.owner != busy.owner:
            return None
    # Its process may be gone without a trace we can read (another machine, a zombie): Calendly decides.
    existing = await find_existing(api, event_type, start, email)
    if existing is not None:
        await _settle(db, key, existing)
        return _booked(existing, RIVAL)
    raise _in_progress(key)


async def _settle(db: Database, key: Key, invitee: Invitee) -> None:
    await _quietly(bookings.finish, db, key, invitee.uri, invitee.event, time.time())


def _booked(invitee: Invitee, note: str | None) -> Found:
    return Found.model_validate(invitee.model_dump() | {"already_booked": note is not None, "note": note})


def _in_progress(key: Key) -> InProgressError:
    return InProgressError(
        f"Another request is booking {key.email} at {key.start_time} right now and has not finished",
        hint=(
            "Call create_event_invitee again with the same arguments in a few seconds: it answers that "
            f"booking once it is made. Or call list_scheduled_events with invitee_email={key.email} and "
            f"min_start_time={key.start_time}."
        ),
    )


def _unverifiable(key: Key) -> CalendlyMcpError:
    return CalendlyMcpError(
        f"An earlier attempt at booking {key.email} at {key.start_time} may have gone through, and this "
        "account may not list the host's meetings to check; it was not booked again",
        hint="Ask the host (or an organization admin) to look for the meeting before trying again.",
    )


async def _run(fn: Callable[..., T], *args: Any) -> T:
    # The record's statements may wait for another process's lock: never on the event loop.
    return await anyio.to_thread.run_sync(fn, *args)


async def _quietly(fn: Callable[..., None], *args: Any) -> None:
    """Bring the record up to date even while the call is cancelled; a failure here must not hide the
    booking's own outcome (the record is a guard, Calendly the truth), so it is logged instead."""
    with anyio.CancelScope(shield=True):
        try:
            await _run(fn, *args)
        except DatabaseError as exc:
            logger.warning("booking record not updated: %s", exc)
