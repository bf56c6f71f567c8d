"""Event type administration: what creating and editing event types (POST /event_types, PATCH
/event_types/{uuid}) and their own hours (/event_type_availability_schedules) keep, and how it renders.

An event type's start-time increment, buffers (Calendly's fields of 2026-11-13) and own hours are kept
beside its record, by event type id, in `State.event_type_settings`; an event type with none kept has
the defaults: the seed's step between start times, no buffers, the host's default schedule.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .error_bodies import CalendlyError
from .records import (
    API_BASE,
    WEEKDAYS,
    AvailabilitySchedule,
    EventType,
    Interval,
    JSONDict,
    User,
    iso,
    uri,
)
from .slots import Pace, slot_step

# The fields Calendly added on 2026-11-13 (release notes): increment 5..720 (default 30), buffers one of these.
INCREMENT_MIN, INCREMENT_MAX, INCREMENT_DEFAULT = 5, 720, 30
BUFFERS = (0, 5, 10, 15, 30, 45, 60, 90, 120, 150, 180)
DURATION_MIN, DURATION_MAX, MAX_DURATION_OPTIONS = 1, 720, 4
NAME_MAX = 55
LOCALES = ("de", "en", "es", "fr", "it", "nl", "pt", "uk")
LOCATION_KINDS = (
    "ask_invitee", "custom", "google_conference", "gotomeeting_conference", "inbound_call",
    "microsoft_teams_conference", "outbound_call", "physical", "webex_conference", "zoom_conference",
)  # fmt: skip
COLOR = re.compile(r"^#[a-f\d]{6}$")
HHMM = re.compile(r"^(\d\d):(\d\d)$")
DATE = re.compile(r"^\d{4}-(0?[1-9]|1[012])-(0?[1-9]|[12][0-9]|3[01])$")
_NAMESPACE = uuid.UUID("0d6e0a51-8f7e-4d8c-a1b6-5b2f3c9e7a40")


@dataclass
class EventTypeSettings:
    """What the event type admin operations keep of one event type beside its record."""

    start_time_increment: int
    before_buffer: int = 0
    after_buffer: int = 0
    # The event type's own hours once PATCHed; None: it follows its host's default schedule.
    schedule: AvailabilitySchedule | None = None


@dataclass
class Edit:
    """The checked fields of a POST or PATCH body, only those given."""

    fields: dict[str, Any] = field(default_factory=dict[str, Any])


def _invalid(parameter: str, message: str) -> CalendlyError:
    return CalendlyError(
        400,
        "Invalid Argument",
        "The supplied parameters are invalid.",
        [{"parameter": parameter, "message": message}],
    )


def settings_of(kept: dict[str, object], event_type: EventType) -> EventTypeSettings:
    """The event type's settings, its defaults kept on first use."""
    found = kept.get(event_type.uuid)
    if isinstance(found, EventTypeSettings):
        return found
    made = EventTypeSettings(int(slot_step(event_type.duration).total_seconds() // 60))
    kept[event_type.uuid] = made
    return made


def pace_of(kept: dict[str, object], event_type: EventType) -> Pace:
    """What the slot rules need of the event type's settings."""
    settings = settings_of(kept, event_type)
    return Pace(
        step=timedelta(minutes=settings.start_time_increment),
        before=timedelta(minutes=settings.before_buffer),
        after=timedelta(minutes=settings.after_buffer),
        schedule=settings.schedule,
    )


def render(kept: dict[str, object], event_type: EventType, owner: User) -> JSONDict:
    """The event type as Calendly answers it since 2026-11-13: its fields, increment and buffers."""
    settings = settings_of(kept, event_type)
    return {
        **event_type.to_api(owner),
        "start_time_increment": settings.start_time_increment,
        "before_buffer": settings.before_buffer,
        "after_buffer": settings.after_buffer,
    }


# --- POST / PATCH /event_types --------------------------------------------------------------------------


def _integer(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(key, "must be an integer")
    return value


def _string(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _invalid(key, "must be a string")
    return value


def _locations(raw: object) -> list[JSONDict]:
    if not isinstance(raw, list):
        raise _invalid("locations", "must be a list")
    found: list[JSONDict] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(item, dict):
            raise _invalid("locations", "each location must be an object")
        location: dict[str, Any] = item  # pyright: ignore[reportUnknownVariableType]
        if location.get("kind") not in LOCATION_KINDS:
            raise _invalid("locations.kind", f"must be one of: {', '.join(LOCATION_KINDS)}")
        kept: JSONDict = {"kind": location["kind"]}
        for key in ("location", "additional_info", "phone_number"):
            if location.get(key) is not None:
                if not isinstance(location[key], str):
                    raise _invalid(f"locations.{key}", "must be a string")
                kept[key] = location[key]
        found.append(kept)
    return found


def parse_edit(body: dict[str, Any], *, creating: bool) -> Edit:
    """Check a POST /event_types or PATCH /event_types/{uuid} body against the spec's request schema."""
    edit = Edit()
    fields = edit.fields
    name = _string(body, "name")
    if creating and not (name or "").strip():
        raise _invalid("name", "is required")
    if name is not None:
        if not name.strip():
            raise _invalid("name", "can't be blank")
        if len(name) > NAME_MAX:
            raise _invalid("name", f"is too long (maximum is {NAME_MAX} characters)")
        fields["name"] = name
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise _invalid("active", "must be true or false")
        fields["active"] = body["active"]
    description = _string(body, "description")
    if description is not None:
        fields["description_plain"] = description
    duration = _integer(body, "duration")
    if duration is not None:
        if not DURATION_MIN <= duration <= DURATION_MAX:
            raise _invalid("duration", f"must be between {DURATION_MIN} and {DURATION_MAX}")
        fields["duration"] = duration
    if body.get("duration_options") is not None:
        options: object = body["duration_options"]
        if not isinstance(options, list) or not all(
            isinstance(o, int) and not isinstance(o, bool)
            for o in options  # pyright: ignore[reportUnknownVariableType]
        ):
            raise _invalid("duration_options", "must be a list of integers")
        chosen: list[int] = list(options)  # pyright: ignore[reportUnknownArgumentType]
        if len(chosen) > MAX_DURATION_OPTIONS or len(set(chosen)) != len(chosen):
            raise _invalid(
                "duration_options", f"a maximum of {MAX_DURATION_OPTIONS} unique options is allowed"
            )
        if not all(DURATION_MIN <= o <= DURATION_MAX for o in chosen):
            raise _invalid("duration_options", f"each option must be >= {DURATION_MIN} and <= {DURATION_MAX}")
        fields["duration_options"] = chosen
    if body.get("locations") is not None:
        fields["locations"] = _locations(body["locations"])
    color = _string(body, "color")
    if color is not None:
        if not COLOR.match(color):
            raise _invalid("color", "must be a hexadecimal color such as #0069ff")
        fields["color"] = color
    locale = _string(body, "locale")
    if locale is not None:
        if locale not in LOCALES:
            raise _invalid("locale", f"must be one of: {', '.join(LOCALES)}")
        fields["locale"] = locale
    increment = _integer(body, "start_time_increment")
    if increment is not None:
        if not INCREMENT_MIN <= increment <= INCREMENT_MAX:
            raise _invalid("start_time_increment", f"must be between {INCREMENT_MIN} and {INCREMENT_MAX}")
        fields["start_time_increment"] = increment
    for key in ("before_buffer", "after_buffer"):
        buffer = _integer(body, key)
        if buffer is not None:
            if buffer not in BUFFERS:
                raise _invalid(key, f"must be one of: {', '.join(map(str, BUFFERS))}")
            fields[key] = buffer
    return edit


SETTINGS_KEYS = ("start_time_increment", "before_buffer", "after_buffer")


def _check_durations(duration: int, options: list[int] | None) -> None:
    if options and duration not in options:
        raise _invalid("duration", "must be one of the duration options")


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "meeting"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def new_event_type(
    edit: Edit, owner: User, siblings: list[EventType], kept: dict[str, object], now: datetime
) -> EventType:
    """The one-on-one event type a POST creates (the only kind the endpoint creates), its settings kept."""
    fields = edit.fields
    options: list[int] | None = fields.get("duration_options")
    duration: int = fields.get("duration", options[0] if options else INCREMENT_DEFAULT)
    _check_durations(duration, options)
    ident = str(uuid.uuid4())
    event_type = EventType(
        uuid=ident,
        owner=owner.uuid,
        name=fields["name"],
        slug=_slug(fields["name"], {et.slug for et in siblings}),
        duration=duration,
        duration_options=options,
        active=fields.get("active", False),
        kind="solo",
        invitees_limit=1,
        color=fields.get("color", "#0069ff"),
        description_plain=fields.get("description_plain"),
        internal_note=None,
        locations=fields.get("locations", []),
        custom_questions=[],
        position=len(siblings),
        secret=False,
        created_at=now,
        updated_at=now,
        locale=fields.get("locale", "en"),
    )
    kept[ident] = EventTypeSettings(
        start_time_increment=fields.get("start_time_increment", INCREMENT_DEFAULT),
        before_buffer=fields.get("before_buffer", 0),
        after_buffer=fields.get("after_buffer", 0),
    )
    return event_type


def apply_edit(edit: Edit, event_type: EventType, kept: dict[str, object], now: datetime) -> None:
    """PATCH: the fields given overwrite the event type's; the others keep their value."""
    if event_type.kind != "solo":
        raise _invalid("event_type", "Only one-on-one event types can be updated")
    fields = dict(edit.fields)
    duration = fields.get("duration", event_type.duration)
    options = fields.get("duration_options", event_type.duration_options)
    _check_durations(duration, options)
    settings = settings_of(kept, event_type)
    changes = {key: fields.pop(key) for key in SETTINGS_KEYS if key in fields}
    kept[event_type.uuid] = replace(settings, **changes)
    for key, value in fields.items():
        setattr(event_type, key, value)
    if edit.fields:
        event_type.updated_at = now


# --- hosts -------------------------------------------------------------------------------------------


def host_to_api(event_type: JSONDict, host: User, created: datetime, updated: datetime) -> JSONDict:
    """One host of an event type (GET /event_type_memberships): the membership, the event type, the user."""
    ident = uuid.uuid5(_NAMESPACE, f"{event_type['uri']}|{host.uri}")
    return {
        "uri": uri("event_type_memberships", str(ident)),
        "event_type": event_type,
        "member": host.to_api(),
        "created_at": iso(created),
        "updated_at": iso(updated),
    }


# --- /event_type_availability_schedules --------------------------------------------------------------


def schedule_to_api(
    event_type: EventType, settings: EventTypeSettings, host: User, host_schedule: AvailabilitySchedule | None
) -> JSONDict:
    """The event type's availability: its own hours once PATCHed, else its host's default schedule."""
    own = settings.schedule
    source = own or host_schedule
    rule: JSONDict = {
        "timezone": source.timezone if source else host.timezone,
        "name": source.name if source else None,
        "user": host.uri,
        "rules": source.to_api()["rules"] if source else [],
    }
    if own is not None:
        rule["uri"] = f"{API_BASE}/event_type_availability_schedules/{own.uuid}"
    elif source is not None:
        rule["uri"] = source.uri
    return {"event_type": event_type.uri, "availability_setting": "host", "availability_rule": rule}


def _clock(value: object, where: str) -> time:
    match = HHMM.match(value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise _invalid(where, "must be a time of day as hh:mm")
    return time(int(match[1]), int(match[2]))


def _intervals(raw: object, where: str) -> list[Interval]:
    if not isinstance(raw, list):
        raise _invalid(f"{where}.intervals", "is required")
    spans: list[Interval] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(item, dict):
            raise _invalid(f"{where}.intervals", "each interval must be an object with from and to")
        interval: dict[str, Any] = item  # pyright: ignore[reportUnknownVariableType]
        start = _clock(interval.get("from"), f"{where}.intervals.from")
        end = _clock(interval.get("to"), f"{where}.intervals.to")
        if end <= start:
            raise _invalid(f"{where}.intervals", "from must be before to")
        spans.append((start, end))
    spans.sort()
    if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
        raise _invalid(f"{where}.intervals", "intervals must not overlap")
    return spans


def _rules(raw: object) -> tuple[dict[int, list[Interval]], dict[date, list[Interval]]]:
    if not isinstance(raw, list):
        raise _invalid("availability_rule.rules", "must be a list")
    weekly: dict[int, list[Interval]] = {}
    overrides: dict[date, list[Interval]] = {}
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        where = "availability_rule.rules"
        if not isinstance(item, dict):
            raise _invalid(where, "each rule must be an object")
        rule: dict[str, Any] = item  # pyright: ignore[reportUnknownVariableType]
        kind = rule.get("type")
        if kind == "wday":
            if rule.get("wday") not in WEEKDAYS:
                raise _invalid(f"{where}.wday", f"must be one of: {', '.join(WEEKDAYS)}")
            weekday = WEEKDAYS.index(rule["wday"])
            if weekday in weekly:
                raise _invalid(f"{where}.wday", f"{rule['wday']} is given twice")
            weekly[weekday] = _intervals(rule.get("intervals"), where)
        elif kind == "date":
            raw_date = rule.get("date")
            try:
                if not isinstance(raw_date, str) or not DATE.match(raw_date):
                    raise ValueError
                year, month, day = (int(part) for part in raw_date.split("-"))
                when = date(year, month, day)
            except ValueError:
                raise _invalid(f"{where}.date", "must be a date as yyyy-mm-dd") from None
            if when in overrides:
                raise _invalid(f"{where}.date", f"{raw_date} is given twice")
            overrides[when] = _intervals(rule.get("intervals"), where)
        else:
            raise _invalid(f"{where}.type", "must be wday or date")
    return weekly, overrides


def update_schedule(
    body: dict[str, Any],
    event_type: EventType,
    settings: EventTypeSettings,
    host: User,
    host_schedule: AvailabilitySchedule | None,
    user: User | None,
) -> None:
    """PATCH /event_type_availability_schedules: the time zone, and the rules given replace them all."""
    raw = body.get("availability_rule")
    if not isinstance(raw, dict):
        raise _invalid("availability_rule", "is required")
    rule: dict[str, Any] = raw  # pyright: ignore[reportUnknownVariableType]
    setting = body.get("availability_setting", "host")
    if setting != "host":
        raise _invalid("availability_setting", "must be host")
    zone = rule.get("timezone")
    try:
        if not isinstance(zone, str) or not zone:
            raise ValueError
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise _invalid("availability_rule.timezone", "is required and must be an IANA time zone") from None
    if user is not None and user.uuid != host.uuid:
        raise _invalid("availability_rule.user", "is not a host of this event type")
    current = settings.schedule or host_schedule
    if rule.get("rules") is None:
        weekly = dict(current.weekly) if current else {}
        overrides = dict(current.overrides) if current else {}
    else:
        weekly, overrides = _rules(rule["rules"])
    ident = settings.schedule.uuid if settings.schedule else str(uuid.uuid5(_NAMESPACE, event_type.uuid))
    settings.schedule = AvailabilitySchedule(
        uuid=ident,
        user=host.uuid,
        name=f"{event_type.name} hours",
        default=False,
        timezone=zone,
        weekly=weekly,
        overrides=overrides,
    )
