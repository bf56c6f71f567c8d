"""The Scheduling API's rules: what a booking must carry, where it meets, what booking and cancelling do."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .error_bodies import CalendlyError, invalid_argument, not_found, permission_denied
from .params import parse_time
from .records import (
    Cancellation,
    EventType,
    Guest,
    Invitee,
    JSONDict,
    QuestionAnswer,
    ScheduledEvent,
    User,
    id_from_uri,
)
from .slots import Calendar, Pace, offered_slots

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{4,30}$")
LOCATION_KINDS = (
    "physical",
    "inbound_call",
    "outbound_call",
    "zoom_conference",
    "google_conference",
    "gotomeeting_conference",
    "microsoft_teams_conference",
    "webex_conference",
    "ask_invitee",
    "custom",
)
# Kinds whose meeting place comes from the invitee, so the booking must carry `location.location`.
NEEDS_VALUE = ("physical", "outbound_call", "ask_invitee", "custom")
TRACKING_KEYS = ("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid")
MAX_GUESTS = 10
MAX_REASON = 10000


def _invalid(parameter: str, message: str, code: str | None = None) -> CalendlyError:
    detail: JSONDict = {"parameter": parameter, "message": message}
    if code is not None:
        detail["code"] = code
    return CalendlyError(400, "Invalid Argument", "The supplied parameters are invalid.", [detail])


def _is_zone(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


def _text(raw: object) -> str | None:
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


@dataclass
class Booking:
    """A POST /invitees body that passed Calendly's checks, before its slot is checked."""

    event_type: EventType
    start: datetime
    name: str
    first_name: str | None
    last_name: str | None
    email: str
    timezone: str
    text_reminder_number: str | None
    location: JSONDict | None  # the event type's location configuration chosen
    location_value: str | None
    answers: list[QuestionAnswer]
    tracking: dict[str, str | None]
    guests: list[str]


def _event_type(find: Callable[[str], EventType | None], raw: object) -> EventType:
    ident = id_from_uri(raw, "event_types") if isinstance(raw, str) else None
    if ident is None:
        raise invalid_argument("event_type", "must be an event type URI")
    event_type = find(ident)
    if event_type is None:
        raise not_found()
    if not event_type.active:
        raise invalid_argument("event_type", "Event type is not active")
    return event_type


def _invitee(raw: object) -> tuple[str, str | None, str | None, str, str, str | None]:
    if not isinstance(raw, dict):
        raise invalid_argument("invitee", "is required")
    invitee: dict[str, Any] = raw  # pyright: ignore[reportUnknownVariableType]
    name, first, last = (
        _text(invitee.get("name")),
        _text(invitee.get("first_name")),
        _text(invitee.get("last_name")),
    )
    if name is None and first is None:
        raise _invalid("invitee.name", "either name or first_name must be filled")
    email = _text(invitee.get("email"))
    if email is None or not EMAIL.match(email):
        raise _invalid("invitee.email", "is invalid")
    timezone = invitee.get("timezone")
    if not isinstance(timezone, str) or not _is_zone(timezone):
        raise _invalid("invitee.timezone", "is invalid")
    reminder = invitee.get("text_reminder_number")
    if reminder is not None and (not isinstance(reminder, str) or not PHONE.match(reminder)):
        raise _invalid("invitee.text_reminder_number", "is invalid")
    full = name or " ".join(part for part in (first, last) if part)
    return full, None if name else first, None if name else last, email, timezone, reminder


def _location(event_type: EventType, raw: object) -> tuple[JSONDict | None, str | None]:
    offered = event_type.locations
    if raw is None:
        # Without a choice the meeting takes the event type's first location, if it needs nothing typed.
        if not offered:
            return None, None
        first = offered[0]
        if first["kind"] in NEEDS_VALUE and not first.get("location"):
            raise _invalid("location.location", "can't be blank")
        return first, None
    if not isinstance(raw, dict):
        raise _invalid("location", "must be an object")
    location: dict[str, Any] = raw  # pyright: ignore[reportUnknownVariableType]
    kind = location.get("kind")
    if kind not in LOCATION_KINDS:
        raise _invalid("location.kind", "is invalid")
    chosen = next((config for config in offered if config["kind"] == kind), None)
    if chosen is None:
        raise _invalid(
            "location.kind", "is not a location option of this event type", "invalid_location_choice"
        )
    value = _text(location.get("location"))
    if kind in NEEDS_VALUE and value is None:
        raise _invalid("location.location", "can't be blank")
    return chosen, value


def _answers(event_type: EventType, raw: object) -> list[QuestionAnswer]:
    given: dict[str, str] = {}
    if raw is not None:
        if not isinstance(raw, list):
            raise _invalid("questions_and_answers", "must be a list")
        for item in raw:  # pyright: ignore[reportUnknownVariableType]
            if not (
                isinstance(item, dict)
                and isinstance(item.get("question"), str)  # pyright: ignore[reportUnknownMemberType]
                and isinstance(item.get("answer"), str)  # pyright: ignore[reportUnknownMemberType]
                and isinstance(item.get("position"), int)  # pyright: ignore[reportUnknownMemberType]
            ):
                raise _invalid("questions_and_answers", "each item needs question, answer and position")
            given[str(item["question"])] = str(item["answer"])  # pyright: ignore[reportUnknownArgumentType]
    answers: list[QuestionAnswer] = []
    # Answers are kept for the event type's enabled questions, matched by their exact text.
    for question in event_type.custom_questions:
        if not question.enabled:
            continue
        answer = given.get(question.name, "").strip()
        if not answer:
            if question.required:
                raise _invalid("questions_and_answers", "Required Questions and Answers cannot be blank.")
            continue
        answers.append(QuestionAnswer(question.name, answer, question.position))
    return answers


def _tracking(raw: object) -> dict[str, str | None]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        key in TRACKING_KEYS and (value is None or isinstance(value, str))
        for key, value in raw.items()  # pyright: ignore[reportUnknownVariableType]
    ):
        raise _invalid("tracking", f"must map {', '.join(TRACKING_KEYS)} to strings or null")
    return dict(raw)  # pyright: ignore[reportUnknownArgumentType]


def _guests(raw: object) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(g, str) and EMAIL.match(g) for g in raw):  # pyright: ignore[reportUnknownVariableType]
        raise _invalid("event_guests", "must be a list of e-mail addresses")
    guests: list[str] = list(raw)  # pyright: ignore[reportUnknownArgumentType]
    if len(guests) > MAX_GUESTS:
        raise _invalid("event_guests", f"at most {MAX_GUESTS} guests")
    return guests


def parse_booking(body: dict[str, Any], find_event_type: Callable[[str], EventType | None]) -> Booking:
    """Check a POST /invitees body in Calendly's order; the first problem found is the 400."""
    event_type = _event_type(find_event_type, body.get("event_type"))
    if "start_time" not in body:
        raise invalid_argument("start_time", "is required")
    start = parse_time("start_time", body["start_time"])
    name, first, last, email, timezone, reminder = _invitee(body.get("invitee"))
    location, value = _location(event_type, body.get("location"))
    return Booking(
        event_type=event_type,
        start=start,
        name=name,
        first_name=first,
        last_name=last,
        email=email,
        timezone=timezone,
        text_reminder_number=reminder,
        location=location,
        location_value=value,
        answers=_answers(event_type, body.get("questions_and_answers")),
        tracking=_tracking(body.get("tracking")),
        guests=_guests(body.get("event_guests")),
    )


def meeting_location(config: JSONDict, ident: str, invitee_tz: str, given: str | None = None) -> JSONDict:
    """What a meeting booked with this location configuration reports as its location.

    `given` is what the invitee typed (their phone number, an address of their choosing, ...).
    """
    digits = str(int(hashlib.sha256(ident.encode()).hexdigest(), 16))[:10]
    kind = config["kind"]
    if kind == "zoom_conference":
        return {
            "type": "zoom",
            "status": "pushed",
            "join_url": f"https://us02web.zoom.us/j/8{digits}",
            "data": {
                "id": f"8{digits}",
                "password": digits[:6],
                "settings": {"global_dial_in_numbers": []},
                "extra": {"intl_numbers_url": "https://us02web.zoom.us/u/kb1example"},
            },
        }
    if kind == "google_conference":
        code = hashlib.sha256(ident.encode()).hexdigest()
        letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in code[:10])
        return {
            "type": "google_conference",
            "status": "pushed",
            "join_url": f"https://meet.google.com/{letters[:3]}-{letters[3:7]}-{letters[7:10]}",
        }
    if kind in ("gotomeeting_conference", "microsoft_teams_conference", "webex_conference"):
        kind_type = "gotomeeting" if kind == "gotomeeting_conference" else kind
        return {
            "type": kind_type,
            "status": "pushed",
            "join_url": f"https://meet.example.com/{kind_type}/{digits}",
            "data": {"id": digits},
        }
    if kind == "physical":
        body: JSONDict = {"type": "physical", "location": config.get("location") or given or ""}
        if "additional_info" in config:
            body["additional_info"] = config["additional_info"]
        return body
    if kind == "inbound_call":
        return {"type": "inbound_call", "location": config["phone_number"]}
    if kind == "outbound_call":
        return {"type": "outbound_call", "location": given or f"+1 212 555 {digits[:4]}"}
    if kind == "custom":
        return {"type": "custom", "location": given or config.get("location", "")}
    return {
        "type": "ask_invitee",
        "location": given or f"Café near {invitee_tz.split('/')[-1].replace('_', ' ')}",
    }


def _new_meeting(booking: Booking, now: datetime) -> ScheduledEvent:
    event_type, ident = booking.event_type, str(uuid.uuid4())
    location = (
        meeting_location(booking.location, ident, booking.timezone, booking.location_value)
        if booking.location is not None
        else {"type": "custom", "location": "To be decided"}
    )
    return ScheduledEvent(
        uuid=ident,
        event_type=event_type.uuid,
        name=event_type.name,
        hosts=[event_type.owner],
        start_time=booking.start,
        end_time=booking.start + timedelta(minutes=event_type.duration),
        location=location,
        status="active",
        invitees_limit=event_type.invitees_limit,
        created_at=now,
        updated_at=now,
        calendar_event={"kind": "google", "external_id": hashlib.sha256(ident.encode()).hexdigest()[:26]},
    )


def book(
    booking: Booking, host: Calendar, now: datetime, pace: Pace | None = None
) -> tuple[ScheduledEvent, Invitee]:
    """Take the slot in the host's calendar; 400 when it is not offered.

    The seat is in this group meeting when one is there, else in a new meeting the caller must keep.
    """
    event_type = booking.event_type
    offered = offered_slots(host, event_type, booking.start, booking.start + timedelta(seconds=1), now, pace)
    if not offered or offered[0].start != booking.start:
        raise _invalid("event.start_time", "That start time has been filled", "already_filled")
    # The host hosts every meeting of their event types, so a meeting to join is among theirs.
    event = next(
        (
            e
            for e in host.meetings
            if e.status == "active" and e.event_type == event_type.uuid and e.start_time == booking.start
        ),
        None,
    )
    if event is None:
        event = _new_meeting(booking, now)
    invitee = Invitee(
        uuid=str(uuid.uuid4()),
        event=event.uuid,
        name=booking.name,
        email=booking.email,
        timezone=booking.timezone,
        status="active",
        questions_and_answers=booking.answers,
        created_at=now,
        updated_at=now,
        first_name=booking.first_name,
        last_name=booking.last_name,
        text_reminder_number=booking.text_reminder_number,
        scheduling_method="api",
        tracking=booking.tracking,
    )
    event.invitees.append(invitee)
    known = {guest.email.lower() for guest in event.guests}
    event.guests += [Guest(email, now) for email in booking.guests if email.lower() not in known]
    event.updated_at = now
    return event, invitee


def cancel(
    event: ScheduledEvent, by: User, reason: str | None, now: datetime
) -> tuple[Cancellation, list[Invitee]]:
    """Cancel the meeting for everyone, as its host; returns the cancellation and the invitees it canceled."""
    if event.status == "canceled":
        raise permission_denied("Event is already canceled")
    if event.start_time <= now:
        raise permission_denied("Event in the past")
    cancellation = Cancellation(by.name, reason, "host", now)
    event.status, event.cancellation, event.updated_at = "canceled", cancellation, now
    canceled = [invitee for invitee in event.invitees if invitee.status == "active"]
    for invitee in canceled:
        invitee.status, invitee.cancellation, invitee.updated_at = "canceled", cancellation, now
    return cancellation, canceled


def cancellation_reason(body: dict[str, Any]) -> str | None:
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise _invalid("reason", "must be a string")
    if reason is not None and len(reason) > MAX_REASON:
        raise _invalid("reason", f"is too long (maximum is {MAX_REASON} characters)")
    return reason or None
