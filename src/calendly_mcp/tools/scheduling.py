"""Scheduling: book a meeting through Calendly's Scheduling API (POST /invitees), once (tools/_booking.py);
single-use links (plain, or a share with overrides) and one-off event types."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from mcp.server.mcpserver.resolve import Resolve
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import JSON, CalendlyClient
from calendly_mcp.client.errors import (
    APIStatusError,
    CalendlyMcpError,
    InvalidInputError,
    PermissionDeniedError,
    RateLimitError,
)
from calendly_mcp.schemas.inputs import (
    Answer,
    Email,
    EventId,
    EventTypeId,
    LocationKind,
    PersonName,
    Time,
    Timezone,
    UserArg,
)
from calendly_mcp.schemas.links import SchedulingLink, Share
from calendly_mcp.schemas.outputs import Booked, Rescheduled, local
from calendly_mcp.schemas.resources import EventType, Invitee, Resource, ScheduledEvent, Weekday
from calendly_mcp.tools._base import CREATE, DESTROY, Ctx, Toolset, client, iso_utc, parse, state
from calendly_mcp.tools._booking import book_once, find_existing
from calendly_mcp.tools._confirm import (
    Asked,
    Confirmed,
    ask,
    go_ahead,
    meeting_and_invitees,
    meeting_name,
    when,
    who,
    zone_of,
)
from calendly_mcp.tools._mcp import explain
from calendly_mcp.tools._scope import caller_zone, user_uri

TOOLS = Toolset("scheduling")

# Kinds whose `location` text Calendly requires (API-FACTS, "Booking").
NEEDS_LOCATION_TEXT = frozenset({"physical", "outbound_call", "ask_invitee", "custom"})


def _check_booking(start_time: datetime, name: str | None, first_name: str | None) -> None:
    if start_time <= datetime.now(UTC):
        raise InvalidInputError(
            f"start_time {iso_utc(start_time)} is not in the future",
            hint="Pick a slot from list_event_type_available_times.",
        )
    if not (name or first_name):
        raise InvalidInputError("give the invitee's name, or first_name (and last_name)")


async def _ask_book(
    ctx: Ctx,
    event_type: str,
    start_time: datetime,
    email: str,
    timezone: str,
    name: str | None,
    first_name: str | None,
    last_name: str | None,
) -> Asked:
    async def question() -> str:
        _check_booking(start_time, name, first_name)
        answer = await client(ctx).get(ids.path("event_types", event_type))
        offered = parse(Resource[EventType], answer).resource
        if not offered.active:
            raise InvalidInputError(f"event type {offered.name!r} is inactive and cannot be booked")
        person = name or " ".join(n for n in (first_name, last_name) if n)
        end = start_time + timedelta(minutes=offered.duration)
        slot = when(start_time, end, zone_of(timezone, ZoneInfo("UTC")))
        return (
            f"Book the {offered.name or 'meeting'} with {person} ({email}) on {slot}? Calendly sends "
            "them the invitation."
        )

    return await ask(ctx, question)


@TOOLS.tool("Book a meeting", CREATE)
async def create_event_invitee(
    ctx: Ctx,
    confirmed: Annotated[Confirmed, Resolve(_ask_book)],
    event_type: EventTypeId,
    start_time: Annotated[Time, Field(description="From list_event_type_available_times")],
    email: Annotated[Email, Field(description="Invitee e-mail")],
    timezone: Annotated[Timezone, Field(description="Invitee's IANA zone")],
    name: Annotated[PersonName, Field(description="Full name (or first_name)")] = None,
    first_name: Annotated[PersonName, Field(description="Given name")] = None,
    last_name: Annotated[PersonName, Field(description="Family name")] = None,
    location_kind: Annotated[LocationKind | None, Field(description="Offered by the event type")] = None,
    location: Annotated[
        str | None,
        Field(max_length=1000, description="For physical, outbound_call, ask_invitee, custom"),
    ] = None,
    answers: Annotated[
        list[Answer] | None, Field(max_length=50, description="For the event type's questions")
    ] = None,
    guests: Annotated[list[Email] | None, Field(max_length=10, description="Guest e-mails")] = None,
) -> Booked:
    """Book an offered slot; a repeat answers the same booking."""
    _check_booking(start_time, name, first_name)
    if location_kind in NEEDS_LOCATION_TEXT and not location:
        raise InvalidInputError(
            f"location_kind {location_kind} needs `location` (the address, number or text)"
        )
    if location and not location_kind:
        raise InvalidInputError("`location` needs `location_kind` too")
    given = {a.question: a.answer for a in answers or []}
    if len(given) < len(answers or []):
        raise InvalidInputError("answers names the same question twice")

    api = client(ctx)
    # Read the event type first: the checks below then fail here, clearly, instead of as Calendly's 400.
    offered = parse(Resource[EventType], await api.get(ids.path("event_types", event_type))).resource
    _check_against(offered, location_kind, given)
    go_ahead(confirmed, "book the meeting")

    invitee: JSON = {"email": email, "timezone": timezone}
    for key, value in (("name", name), ("first_name", first_name), ("last_name", last_name)):
        if value:
            invitee[key] = value
    body: JSON = {"event_type": offered.uri, "start_time": iso_utc(start_time), "invitee": invitee}
    if location_kind:
        body["location"] = {"kind": location_kind, **({"location": location} if location else {})}
    if given:
        positions = {q.name: q.position for q in offered.custom_questions or []}
        body["questions_and_answers"] = [
            {"question": question, "answer": answer, "position": positions.get(question, 0)}
            for question, answer in given.items()
        ]
    if guests:
        body["event_guests"] = guests
    check = (
        "Calling create_event_invitee again with the same event_type, start_time and email is safe: it answers "
        f"the meeting if this booking went through. Or call list_scheduled_events with invitee_email={email} "
        f"and min_start_time={iso_utc(start_time)} to see."
    )
    try:
        found = await book_once(
            api,
            state(ctx).database,
            offered,
            start_time,
            email,
            lambda: api.post("/invitees", body, check=check),
        )
    except APIStatusError as exc:
        if not refused_for_plan_or_rate(exc):
            raise
        link = await link_instead(api, offered, exc)
        raise LinkInsteadError(
            f"{explain(exc)} Nothing was booked. Instead, a single-use scheduling link for "
            f"{offered.name or 'the event type'!r} was made: {link.booking_url}",
            hint=f"Send it to {email}: they pick the time themselves, and it books once.",
        ) from None
    zone = await caller_zone(api)
    return Booked(**dict(found), created_local=local(found.created_at, zone), zone=zone.key)


def _check_against(event_type: EventType, location_kind: str | None, answers: dict[str, str]) -> None:
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


class LinkInsteadError(CalendlyMcpError):
    """Calendly refused the booking (plan or rate limit); a single-use link was made instead."""


def refused_for_plan_or_rate(error: APIStatusError) -> bool:
    """A booking refused by the plan ("only available on paid Calendly plans. Upgrade...") or by the
    Scheduling API's own rate limit (after the client's retries): a link still lets the invitee book."""
    if isinstance(error, RateLimitError):
        return True
    words = error.message.lower()
    return isinstance(error, PermissionDeniedError) and ("upgrade" in words or "paid" in words)


async def link_instead(api: CalendlyClient, event_type: EventType, refusal: APIStatusError) -> SchedulingLink:
    """A single-use link for the event type; if even that fails, the booking's refusal is the story."""
    body: JSON = {"max_event_count": 1, "owner": event_type.uri, "owner_type": "EventType"}
    try:
        answer = await api.post("/scheduling_links", body, check=_no_repeat("scheduling_link"))
    except CalendlyMcpError as exc:
        raise refusal from exc
    return parse(Resource[SchedulingLink], answer).resource


# --- reschedule ------------------------------------------------------------------------------------------


async def _moving(
    api: CalendlyClient, event: str, start_time: datetime, invitee: str | None
) -> tuple[ScheduledEvent, Invitee, list[Invitee]]:
    """The meeting, the invitee to move and all its active invitees; refused before any change when the
    move cannot be made (a start in the past, the same start, no such invitee, several and none named)."""
    if start_time <= datetime.now(UTC):
        raise InvalidInputError(
            f"start_time {iso_utc(start_time)} is not in the future",
            hint="Pick a slot from list_event_type_available_times for the meeting's event type.",
        )
    old, people = await meeting_and_invitees(api, event)
    if old.start_time == start_time:
        raise InvalidInputError(f"the meeting already starts at {iso_utc(start_time)}: nothing to move")
    if invitee:
        wanted = invitee.lower()
        chosen = [
            p
            for p in people
            if p.email.lower() == wanted or p.uri.lower().endswith(f"/{wanted}") or p.uri.lower() == wanted
        ]
        if not chosen:
            raise InvalidInputError(
                f"invitee {invitee!r} is not an active invitee of this meeting; its invitees: "
                + (", ".join(p.email for p in people) or "none")
            )
        return old, chosen[0], people
    if len(people) != 1:
        listed = ", ".join(p.email for p in people)
        raise InvalidInputError(
            f"the meeting has {len(people)} active invitees ({listed or 'none'}): name the one to move with `invitee`"
            if people
            else "the meeting has no active invitee to move"
        )
    return old, people[0], people


async def _ask_reschedule(ctx: Ctx, event: str, start_time: datetime, invitee: str | None) -> Asked:
    async def question() -> str:
        api = client(ctx)
        old, person, people = await _moving(api, event, start_time, invitee)
        if old.status != "active":
            return (
                f"Book {person.name} ({person.email}) on the new time (the old meeting is already canceled)?"
            )
        zone = zone_of(person.timezone, await caller_zone(api))
        was = when(old.start_time, old.end_time, zone).removesuffix(f" {zone.key}")
        new = when(start_time, start_time + (old.end_time - old.start_time), zone)
        then = (
            "then the old meeting is cancelled"
            if len(people) == 1
            else "the old meeting stays for its other invitees"
        )
        return (
            f"Move the {meeting_name(old, [person])} with {who([person])} from {was} to {new}? The new "
            f"time is booked first, {then}; Calendly tells the invitee."
        )

    return await ask(ctx, question)


@TOOLS.tool("Reschedule a meeting", DESTROY)
async def reschedule_meeting(
    ctx: Ctx,
    confirmed: Annotated[Confirmed, Resolve(_ask_reschedule)],
    event: EventId,
    start_time: Annotated[Time, Field(description="New start, offered by its event type")],
    invitee: Annotated[
        str | None, Field(max_length=512, description="E-mail or URI; default the only invitee")
    ] = None,
) -> Rescheduled:
    """Book the new slot, then cancel the old meeting; a repeat answers the same move."""
    api = client(ctx)
    old, person, people = await _moving(api, event, start_time, invitee)
    offered = parse(Resource[EventType], await api.get(ids.path("event_types", old.event_type))).resource
    go_ahead(confirmed, "move the meeting")
    zone = zone_of(person.timezone, await caller_zone(api))
    if old.status != "active":
        # A repeat of a move already done answers it; else there is nothing left to move.
        existing = await find_existing(api, offered, start_time, person.email)
        if existing is None:
            raise InvalidInputError(
                f"the meeting {old.uri} is canceled and {person.email} has no meeting at {iso_utc(start_time)}: "
                "nothing to move",
                hint="Book a new meeting with create_event_invitee instead.",
            )
        done = f"Already moved: {person.email} has the new meeting; the old one is canceled."
        return _rescheduled("moved", done, old, True, existing, start_time, zone)
    body = _rebooking(old, person, offered, start_time)
    check = (
        f"The old meeting {old.uri} was NOT cancelled. Calling reschedule_meeting again with the same "
        f"arguments is safe: it finds the new booking if it was made, then cancels the old meeting. Or call "
        f"list_scheduled_events with invitee_email={person.email} and min_start_time={iso_utc(start_time)}."
    )
    try:
        found = await book_once(
            api,
            state(ctx).database,
            offered,
            start_time,
            person.email,
            lambda: api.post("/invitees", body, check=check),
        )
    except APIStatusError as exc:
        if not refused_for_plan_or_rate(exc):
            raise
        link = await link_instead(api, offered, exc)
        text = (
            f"Calendly refused the new booking ({exc.title}: {exc.message}); nothing was booked and the old "
            f"meeting is kept. Send {person.email} this single-use link to pick a new time of "
            f"{offered.name or 'the event type'!r} themselves: {link.booking_url}. Cancel the old meeting "
            f"(cancel_scheduled_event event={ids.bare('scheduled_events', old.uri)}) once they have booked."
        )
        return Rescheduled(
            outcome="link_instead", message=text, old_event=old.uri, old_canceled=False,
            booking_url=link.booking_url, zone=zone.key,
        )  # fmt: skip
    if len(people) > 1:
        text = (
            f"Booked {person.email} on the new time. The old meeting has other invitees, so it was not cancelled; "
            f"{person.email}'s own place in it can be cancelled at {person.cancel_url or 'their cancellation page'}."
        )
        return _rescheduled("both_meetings_exist", text, old, False, found, start_time, zone)
    old_id = ids.bare("scheduled_events", old.uri)
    try:
        await api.post(
            f"/scheduled_events/{old_id}/cancellation",
            {"reason": f"Rescheduled to {iso_utc(start_time)}"},
            check=f"Call get_scheduled_event with event={old_id}: status 'canceled' means it was done.",
        )
    except CalendlyMcpError as exc:
        # The answer may be lost while the cancellation went through: Calendly's state decides.
        if not await _canceled(api, old_id):
            why = (
                f"Calendly answered {exc.status_code} {exc.title}: {exc.message}"
                if isinstance(exc, APIStatusError)
                else "no reliable answer came back, and Calendly still shows it active"
            )
            return _rescheduled(
                "both_meetings_exist", _both(old_id, why), old, False, found, start_time, zone
            )
    done = f"Moved: {person.email} has the new meeting and the old one is canceled."
    return _rescheduled("moved", done, old, True, found, start_time, zone)


async def _canceled(api: CalendlyClient, event_id: str) -> bool:
    try:
        answer = await api.get(f"/scheduled_events/{event_id}")
    except CalendlyMcpError:
        return False  # not known to be canceled: the answer says how to do it
    return parse(Resource[ScheduledEvent], answer).resource.status == "canceled"


def _both(old_id: str, why: str) -> str:
    return (
        f"The new meeting is booked, but cancelling the old one failed ({why.rstrip('.')}). Both meetings "
        "exist now: "
        f"cancel the old one with cancel_scheduled_event event={old_id} (or call reschedule_meeting again "
        "with the same arguments), and tell the invitee which one stands."
    )


def _rescheduled(
    outcome: Literal["moved", "both_meetings_exist"],
    message: str,
    old: ScheduledEvent,
    canceled: bool,
    new: Invitee,
    start: datetime,
    zone: ZoneInfo,
) -> Rescheduled:
    return Rescheduled(
        outcome=outcome, message=message, old_event=old.uri, old_canceled=canceled, new_event=new.event,
        invitee=new.uri, start_time=start, start_local=local(start, zone), zone=zone.key,
    )  # fmt: skip


def _rebooking(old: ScheduledEvent, person: Invitee, offered: EventType, start: datetime) -> JSON:
    """The booking of the same person on the same event type: their name, zone, answers and guests, and
    the old meeting's place where the event type still offers it."""
    who: JSON = {"email": person.email, "timezone": person.timezone or "UTC"}
    if person.first_name:
        who |= {
            "first_name": person.first_name,
            **({"last_name": person.last_name} if person.last_name else {}),
        }
    else:
        who["name"] = person.name
    body: JSON = {"event_type": offered.uri, "start_time": iso_utc(start), "invitee": who}
    kinds = {loc.kind for loc in offered.locations or [] if loc.kind}
    place = old.location
    if place is not None and place.type in kinds and not offered.pooling_type:
        if place.type not in NEEDS_LOCATION_TEXT:
            body["location"] = {"kind": place.type}
        elif place.location:
            body["location"] = {"kind": place.type, "location": place.location}
    positions = {q.name: q.position for q in offered.custom_questions or [] if q.enabled is not False}
    answers = [
        {"question": qa.question, "answer": qa.answer, "position": positions[qa.question]}
        for qa in person.questions_and_answers
        if qa.question in positions and qa.answer.strip()
    ]
    if answers:
        body["questions_and_answers"] = answers
    guests = [g.email for g in old.event_guests if g.email][:10]
    if guests:
        body["event_guests"] = guests
    return body


# --- single-use links ------------------------------------------------------------------------------------

ShareLocationKind = Literal[
    "physical", "ask_invitee", "custom", "outbound_call", "inbound_call", "google_conference",
    "gotomeeting_conference", "microsoft_teams_conference", "webex_conference", "zoom_conference",
]  # fmt: skip
# Kinds whose configuration carries `location` text; inbound_call carries the phone number instead.
LOCATION_TEXT_KINDS = frozenset({"physical", "custom", "ask_invitee"})
Minutes = Annotated[int | None, Field(ge=1, le=720, description="Minutes")]
Place = Annotated[str | None, Field(max_length=255, description="Address, text or phone")]
WEEKDAYS_MON_FRI: list[Weekday] = ["monday", "tuesday", "wednesday", "thursday", "friday"]
MAX_RANGE_DAYS = 365


def _no_repeat(what: str) -> str:
    return (
        f"No tool lists {what}s; an unused one does no harm, so calling create_{what} again is safe "
        "(the lost one simply stays unused)."
    )


@TOOLS.tool("Create single-use link", CREATE)
async def create_scheduling_link(ctx: Ctx, event_type: EventTypeId) -> SchedulingLink:
    """A booking link for an event type that books once."""
    body: JSON = {
        "max_event_count": 1,
        "owner": ids.uri("event_types", event_type),
        "owner_type": "EventType",
    }
    answer = await client(ctx).post("/scheduling_links", body, check=_no_repeat("scheduling_link"))
    return parse(Resource[SchedulingLink], answer).resource


@TOOLS.tool("Create customized single-use link", CREATE)
async def create_share(
    ctx: Ctx,
    event_type: EventTypeId,
    name: Annotated[str | None, Field(min_length=1, max_length=55, description="Name shown")] = None,
    duration: Minutes = None,
    start_date: Annotated[date | None, Field(description="Bookable from")] = None,
    end_date: Annotated[date | None, Field(description="Bookable until")] = None,
    max_days: Annotated[int | None, Field(ge=1, le=3650, description="Or: days ahead")] = None,
    location_kind: ShareLocationKind | None = None,
    location: Place = None,
    hide_location: Annotated[bool | None, Field(description="Until booked")] = None,
    hours: Annotated[
        str | None, Field(pattern=r"^\d\d:\d\d-\d\d:\d\d$", description="HH:MM-HH:MM, your zone")
    ] = None,
    weekdays: Annotated[list[Weekday] | None, Field(max_length=7, description="For hours; Mon-Fri")] = None,
) -> Share:
    """A single-use link with its own length, dates, place, hours."""
    if (start_date is None) != (end_date is None):
        raise InvalidInputError("give both start_date and end_date (or neither)")
    if start_date and end_date and end_date < start_date:
        raise InvalidInputError(f"end_date {end_date} is before start_date {start_date}")
    if start_date and max_days:
        raise InvalidInputError("give start_date/end_date or max_days, not both")
    _check_place(location_kind, location)
    span = _span(hours)
    if weekdays and not span:
        raise InvalidInputError("weekdays shape the hours: give hours too (HH:MM-HH:MM)")
    api = client(ctx)
    # Read first: Calendly's rules on length and kind then fail here, clearly, not as a bare 400.
    offered = parse(Resource[EventType], await api.get(ids.path("event_types", event_type))).resource
    body: JSON = {"event_type": offered.uri}
    if not offered.active:
        raise InvalidInputError(f"event type {offered.name!r} is inactive: no link can be made for it")
    if offered.kind != "solo" or offered.pooling_type:
        raise InvalidInputError(
            f"{offered.name!r} is not one-on-one: shares are only for one-on-one event types"
        )
    if duration is not None:
        body["duration"] = duration
        if duration not in (offered.duration_options or [offered.duration]):
            body["duration_options"] = [duration]  # Calendly takes a length only among the options
    if name:
        body["name"] = name
    if start_date and end_date:
        body |= {
            "period_type": "fixed",
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
        }
    elif max_days:
        body |= {"period_type": "moving", "max_booking_time": max_days}
    if location_kind:
        config: JSON = {"kind": location_kind, "position": 0}
        if location:
            config["phone_number" if location_kind == "inbound_call" else "location"] = location
        body["location_configurations"] = [config]
    if hide_location is not None:
        body["hide_location"] = hide_location
    if span:
        days = set(weekdays or WEEKDAYS_MON_FRI)
        zone = str((await api.current_user()).get("timezone") or "UTC")
        rules = [
            {"type": "wday", "wday": day, "intervals": [span] if day in days else []} for day in WEEKDAY_ORDER
        ]
        body["availability_rule"] = {"rules": rules, "timezone": zone}
    answer = await api.post("/shares", body, check=_no_repeat("share"))
    return parse(Resource[Share], answer).resource


WEEKDAY_ORDER: tuple[Weekday, ...] = (
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
)  # fmt: skip


def _span(hours: str | None) -> dict[str, str] | None:
    """`HH:MM-HH:MM` as Calendly's interval; 24:00 ends the day."""
    if hours is None:
        return None
    start, end = hours.split("-")
    for clock in (start, end):
        if int(clock[:2]) > 24 or int(clock[3:]) > 59 or (clock[:2] == "24" and clock != "24:00"):
            raise InvalidInputError(f"hours {hours!r}: {clock} is not a time of day (00:00 to 24:00)")
    if end <= start:
        raise InvalidInputError(f"hours {hours!r}: the end is not after the start")
    return {"from": start, "to": end}


def _check_place(kind: str | None, location: str | None) -> None:
    if location and not kind:
        raise InvalidInputError("`location` needs `location_kind` too")
    if kind == "inbound_call" and not location:
        raise InvalidInputError("location_kind inbound_call needs `location`: the phone number to call")
    if location and kind not in LOCATION_TEXT_KINDS | {"inbound_call"}:
        raise InvalidInputError(
            f"location_kind {kind} takes no `location`; only physical, custom, ask_invitee (text) and "
            "inbound_call (phone) do"
        )


@TOOLS.tool("Create one-off event type", CREATE)
async def create_one_off_event_type(
    ctx: Ctx,
    name: Annotated[str, Field(min_length=1, max_length=55, description="Meeting name")],
    duration: Annotated[int, Field(ge=1, le=720, description="Minutes")],
    start_date: Annotated[date, Field(description="First day")],
    end_date: Annotated[date, Field(description="Last day")],
    host: UserArg = None,
    co_hosts: Annotated[list[str] | None, Field(max_length=9, description="User ids/URIs")] = None,
    timezone: Annotated[Timezone | None, Field(description="Default: host's")] = None,
    location_kind: LocationKind | None = None,
    location: Place = None,
) -> EventType:
    """A meeting type bookable only between two dates."""
    if end_date < start_date:
        raise InvalidInputError(f"end_date {end_date} is before start_date {start_date}")
    # The last day must not have ended yet anywhere: the zone checked is the given one, else the latest.
    today = datetime.now(ZoneInfo(timezone or "Etc/GMT+12")).date()
    if end_date < today:
        raise InvalidInputError(f"end_date {end_date} is in the past (today is {today})")
    if (end_date - start_date).days >= MAX_RANGE_DAYS:
        raise InvalidInputError(
            f"start_date {start_date} to end_date {end_date} is {(end_date - start_date).days} days; "
            f"Calendly allows less than {MAX_RANGE_DAYS}"
        )
    _check_place(location_kind, location)
    if location_kind == "outbound_call" and location:
        raise InvalidInputError("location_kind outbound_call takes no `location`: the invitee gives a number")
    api = client(ctx)
    host_uri = await user_uri(api, host)
    co = [ids.uri("users", ref) for ref in co_hosts or []]
    if host_uri in co or len(set(co)) < len(co):
        raise InvalidInputError("co_hosts must be distinct users other than the host")
    body: JSON = {
        "name": name,
        "host": host_uri,
        "duration": duration,
        "date_setting": {
            "type": "date_range", "start_date": start_date.isoformat(), "end_date": end_date.isoformat(),
        },
    }  # fmt: skip
    if co:
        body["co_hosts"] = co
    if timezone:
        body["timezone"] = timezone
    if location_kind:
        place: JSON = {"kind": location_kind}
        if location:
            place["phone_number" if location_kind == "inbound_call" else "location"] = location
        body["location"] = place
    check = f"Call list_event_types with user={host_uri}: a one-off named {name!r} means it was created."
    answer = await api.post("/one_off_event_types", body, check=check)
    return parse(Resource[EventType], answer).resource
