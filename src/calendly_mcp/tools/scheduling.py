"""Scheduling: book a meeting through Calendly's Scheduling API (POST /invitees), once (tools/_booking.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import JSON
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import Email, EventTypeId, LocationKind, PersonName, Time, Timezone
from calendly_mcp.schemas.outputs import Booked, local
from calendly_mcp.schemas.resources import EventType, Resource
from calendly_mcp.tools._base import CREATE, Ctx, Toolset, client, iso_utc, parse, state
from calendly_mcp.tools._booking import book_once
from calendly_mcp.tools._scope import caller_zone

TOOLS = Toolset("scheduling")

# Kinds whose `location` text Calendly requires (API-FACTS, "Booking").
NEEDS_LOCATION_TEXT = frozenset({"physical", "outbound_call", "ask_invitee", "custom"})


@TOOLS.tool("Book a meeting", CREATE)
async def create_event_invitee(
    ctx: Ctx,
    event_type: EventTypeId,
    start_time: Annotated[Time, Field(description="An offered slot (list_event_type_available_times)")],
    email: Annotated[Email, Field(description="Invitee e-mail")],
    timezone: Annotated[Timezone, Field(description="Invitee's IANA time zone")],
    name: Annotated[PersonName, Field(description="Full name (or first_name)")] = None,
    first_name: Annotated[PersonName, Field(description="Given name")] = None,
    last_name: Annotated[PersonName, Field(description="Family name")] = None,
    location_kind: Annotated[
        LocationKind | None, Field(description="One of the event type's location kinds")
    ] = None,
    location: Annotated[
        str | None,
        Field(max_length=1000, description="Text for kinds physical, outbound_call, ask_invitee, custom"),
    ] = None,
    answers: Annotated[
        dict[str, Annotated[str, Field(max_length=10000)]] | None,
        Field(max_length=50, description="Answers keyed by exact question text"),
    ] = None,
    guests: Annotated[list[Email] | None, Field(max_length=10, description="Guest e-mails")] = None,
) -> Booked:
    """Book a meeting in an offered slot; Calendly e-mails the invitee. Asked again, answers the same meeting."""
    if start_time <= datetime.now(UTC):
        raise InvalidInputError(
            f"start_time {iso_utc(start_time)} is not in the future",
            hint="Pick a slot from list_event_type_available_times.",
        )
    if not (name or first_name):
        raise InvalidInputError("give the invitee's name, or first_name (and last_name)")
    if location_kind in NEEDS_LOCATION_TEXT and not location:
        raise InvalidInputError(
            f"location_kind {location_kind} needs `location` (the address, number or text)"
        )
    if location and not location_kind:
        raise InvalidInputError("`location` needs `location_kind` too")

    api = client(ctx)
    # Read the event type first: the checks below then fail here, clearly, instead of as Calendly's 400.
    offered = parse(Resource[EventType], await api.get(ids.path("event_types", event_type))).resource
    _check_against(offered, location_kind, answers or {})

    invitee: JSON = {"email": email, "timezone": timezone}
    for key, value in (("name", name), ("first_name", first_name), ("last_name", last_name)):
        if value:
            invitee[key] = value
    body: JSON = {"event_type": offered.uri, "start_time": iso_utc(start_time), "invitee": invitee}
    if location_kind:
        body["location"] = {"kind": location_kind, **({"location": location} if location else {})}
    if answers:
        positions = {q.name: q.position for q in offered.custom_questions or []}
        body["questions_and_answers"] = [
            {"question": question, "answer": answer, "position": positions.get(question, 0)}
            for question, answer in answers.items()
        ]
    if guests:
        body["event_guests"] = guests
    check = (
        "Calling create_event_invitee again with the same event_type, start_time and email is safe: it answers "
        f"the meeting if this booking went through. Or call list_scheduled_events with invitee_email={email} "
        f"and min_start_time={iso_utc(start_time)} to see."
    )
    found = await book_once(
        api, state(ctx).database, offered, start_time, email, lambda: api.post("/invitees", body, check=check)
    )
    zone = await caller_zone(api)
    return Booked(**dict(found), created_local=local(found.created_at, zone), zone=zone.key)


def _check_against(event_type: EventType, location_kind: str | None, answers: dict[str, Any]) -> None:
    if not event_type.active:
        raise InvalidInputError(f"event type {event_type.name!r} is inactive and cannot be booked")
    kinds = [loc.kind for loc in event_type.locations or [] if loc.kind]
    if location_kind and event_type.pooling_type:
        raise InvalidInputError("omit the location for a round-robin event type: Calendly assigns it")
    if location_kind and location_kind not in kinds:
        offered = ", ".join(kinds) or "none (omit location_kind)"
        raise InvalidInputError(
            f"location_kind {location_kind} is not offered by {event_type.name!r}; offered: {offered}"
        )
    questions = [q for q in event_type.custom_questions or [] if q.enabled is not False]
    known = {q.name for q in questions}
    unknown = [text for text in answers if text not in known]
    if unknown:
        listed = "; ".join(repr(q) for q in known) or "none"
        raise InvalidInputError(f"no question {unknown[0]!r} on this event type; its questions: {listed}")
    missing = [q.name for q in questions if q.required and not str(answers.get(q.name, "")).strip()]
    if missing:
        raise InvalidInputError(f"required question(s) not answered: {'; '.join(repr(m) for m in missing)}")
