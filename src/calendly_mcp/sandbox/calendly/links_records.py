"""Single-use links, shares and one-off event types: their records, Calendly's checks of their bodies, and
what a link offers (its event type with the share's overrides, between its dates)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .error_bodies import CalendlyError
from .records import WEEKDAYS, AvailabilitySchedule, EventType, Interval, JSONDict, User

MAX_NAME = 55
MAX_DURATION = 720
MAX_DURATION_OPTIONS = 4
MAX_CO_HOSTS = 9
MAX_LOCATION_TEXT = 255
MAX_RANGE_DAYS = 365
PERIOD_TYPES = ("available_moving", "moving", "fixed", "unlimited")
SHARE_LOCATION_KINDS = (
    "physical", "ask_invitee", "custom", "outbound_call", "inbound_call", "google_conference",
    "gotomeeting_conference", "microsoft_teams_conference", "webex_conference", "zoom_conference",
)  # fmt: skip
# Kinds whose configuration may carry `location` text, and those that may carry `additional_info`.
WITH_LOCATION = ("physical", "custom", "ask_invitee")
WITH_INFO = ("physical", "inbound_call")
_HHMM = re.compile(r"^(\d\d):(\d\d)$")


def invalid(parameter: str, message: str) -> CalendlyError:
    detail: JSONDict = {"parameter": parameter, "message": message}
    return CalendlyError(400, "Invalid Argument", "The supplied parameters are invalid.", [detail])


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "meeting"


def new_code() -> str:
    """A link's code, in the shape of Calendly's (`/d/abcd-brv8-xyz/...`)."""
    digits = uuid.uuid4().hex
    return f"{digits[:4]}-{digits[4:7]}-{digits[7:10]}"


@dataclass
class DatedEventType(EventType):
    """An event type bookable only from `first_day` to `last_day` (in `zone`): a one-off event type's
    date setting, or what a share's period leaves of its event type."""

    first_day: date | None = None
    last_day: date | None = None
    zone: str = "UTC"
    adhoc: bool = False  # a one-off (AdhocEventType)
    co_hosts: list[str] = field(default_factory=list[str])
    booking_url: str | None = None

    def bookable_between(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.zone)
        if self.first_day is not None:
            start = max(start, datetime.combine(self.first_day, time(), zone).astimezone(UTC))
        if self.last_day is not None:
            end = min(end, datetime.combine(self.last_day + timedelta(days=1), time(), zone).astimezone(UTC))
        return start, end

    def to_api(self, owner: User) -> JSONDict:
        body = super().to_api(owner)
        if self.adhoc:
            body.update(type="AdhocEventType", duration_options=None)
            if self.booking_url is not None:
                body["scheduling_url"] = self.booking_url
        return body


def dated(base: EventType, **changes: Any) -> DatedEventType:
    """`base` as a DatedEventType, with `changes` (duration, locations, dates...)."""
    values = {f.name: getattr(base, f.name) for f in fields(base) if f.init}
    return DatedEventType(**(values | changes))


@dataclass
class SchedulingLink:
    """A single-use link: books its event type once (with a share's overrides, if it came from a share)."""

    code: str
    event_type: str  # uuid
    booking_url: str
    created_at: datetime
    # A share's override as answered (every field, the event type's where the request left it out).
    override: JSONDict | None = None
    used_by: str | None = None  # the invitee URI of the booking that used it
    made_by: Literal["scheduling_link", "share", "one_off"] = "scheduling_link"  # the request that made it

    def to_api(self) -> JSONDict:
        return {
            "booking_url": self.booking_url,
            "owner": f"https://api.calendly.com/event_types/{self.event_type}",
            "owner_type": "EventType",
        }


# --- checks of request bodies, in Calendly's words -----------------------------------------------------


def is_zone(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


def text(body: JSONDict, key: str, limit: int, *, required: bool = False, where: str = "") -> str | None:
    raw = body.get(key)
    name = f"{where}{key}"
    if raw is None:
        if required:
            raise invalid(name, "is required")
        return None
    if not isinstance(raw, str) or (required and not raw.strip()):
        raise invalid(name, "must be a string" if not isinstance(raw, str) else "can't be blank")
    if len(raw) > limit:
        raise invalid(name, f"is too long (maximum is {limit} characters)")
    return raw


def a_date(raw: object, name: str) -> date:
    if not isinstance(raw, str):
        raise invalid(name, "must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid(name, "must be a date (YYYY-MM-DD)") from None


def whole(raw: object, name: str, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
        raise invalid(name, "must be an integer")
    if not low <= int(raw) <= high:
        raise invalid(name, f"must be between {low} and {high}")
    return int(raw)


def _clock(raw: object, name: str) -> time:
    match = _HHMM.match(raw) if isinstance(raw, str) else None
    if match is None or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise invalid(name, 'must be "hh:mm"')
    hours, minutes = int(match.group(1)), int(match.group(2))
    return time.max if (hours, minutes) == (24, 0) else time(hours, minutes)


def location_configurations(raw: object) -> list[JSONDict]:
    if not isinstance(raw, list):
        raise invalid("location_configurations", "must be a list")
    found: list[JSONDict] = []
    for index, item in enumerate(raw):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        where = f"location_configurations[{index}]."
        if not isinstance(item, dict):
            raise invalid(where[:-1], "must be an object")
        config: JSONDict = item  # pyright: ignore[reportUnknownVariableType]
        kind = config.get("kind")
        if kind not in SHARE_LOCATION_KINDS:
            raise invalid(f"{where}kind", f"must be one of: {', '.join(SHARE_LOCATION_KINDS)}")
        kept: JSONDict = {"kind": kind}
        place = text(config, "location", MAX_LOCATION_TEXT, where=where)
        info = text(config, "additional_info", MAX_LOCATION_TEXT, where=where)
        phone = text(config, "phone_number", 40, where=where)
        if place is not None and kind not in WITH_LOCATION:
            raise invalid(
                f"{where}location", "is only supported when kind is physical, custom or ask_invitee"
            )
        if info is not None and kind not in WITH_INFO:
            raise invalid(
                f"{where}additional_info", "is only supported when kind is physical or inbound_call"
            )
        if kind == "inbound_call" and not phone:
            raise invalid(f"{where}phone_number", "is required when kind is inbound_call")
        for key, value in (("location", place), ("additional_info", info), ("phone_number", phone)):
            if value is not None:
                kept[key] = value
        position = config.get("position", index)
        kept["position"] = whole(position, f"{where}position", 0, 100)
        found.append(kept)
    return found


def availability_rule(raw: object) -> JSONDict:
    """A share's availability rule, checked: `{"rules": [...], "timezone": ...}`."""
    if not isinstance(raw, dict):
        raise invalid("availability_rule", "must be an object")
    rule: JSONDict = raw  # pyright: ignore[reportUnknownVariableType]
    if not is_zone(rule.get("timezone")):
        raise invalid("availability_rule.timezone", "is required and must be an IANA time zone")
    rules = rule.get("rules")
    if not isinstance(rules, list) or not rules:
        raise invalid("availability_rule.rules", "are required when an availability rule is provided")
    kept: list[JSONDict] = []
    for index, item in enumerate(rules):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        where = f"availability_rule.rules[{index}]"
        if not isinstance(item, dict):
            raise invalid(where, "must be an object")
        one: JSONDict = item  # pyright: ignore[reportUnknownVariableType]
        kind = one.get("type")
        entry: JSONDict = {"type": kind}
        if kind == "wday":
            if one.get("wday") not in WEEKDAYS:
                raise invalid(f"{where}.wday", "is required when type is wday")
            entry["wday"] = one["wday"]
        elif kind == "date":
            entry["date"] = a_date(one.get("date"), f"{where}.date").isoformat()
        else:
            raise invalid(f"{where}.type", "must be wday or date")
        intervals = one.get("intervals", [])
        if not isinstance(intervals, list):
            raise invalid(f"{where}.intervals", "must be a list")
        spans: list[JSONDict] = []
        for number, span in enumerate(intervals):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            at = f"{where}.intervals[{number}]"
            if not isinstance(span, dict):
                raise invalid(at, "must be an object")
            pair: JSONDict = span  # pyright: ignore[reportUnknownVariableType]
            start, end = _clock(pair.get("from"), f"{at}.from"), _clock(pair.get("to"), f"{at}.to")
            if end <= start:
                raise invalid(at, "to must be after from")
            spans.append({"from": pair["from"], "to": pair["to"]})
        entry["intervals"] = spans
        kept.append(entry)
    return {"rules": kept, "timezone": rule["timezone"]}


def schedule_of(rule: JSONDict, user: str) -> AvailabilitySchedule:
    """A share's availability rule as the schedule its slots come from."""
    weekly: dict[int, list[Interval]] = {}
    overrides: dict[date, list[Interval]] = {}
    for entry in rule["rules"]:
        spans = [(_clock(s["from"], "from"), _clock(s["to"], "to")) for s in entry["intervals"]]
        if entry["type"] == "wday":
            weekly.setdefault(WEEKDAYS.index(entry["wday"]), []).extend(spans)
        else:
            overrides.setdefault(date.fromisoformat(entry["date"]), []).extend(spans)
    return AvailabilitySchedule(
        uuid=f"share-{uuid.uuid4()}",
        user=user,
        name="Share",
        default=True,
        timezone=rule["timezone"],
        weekly=weekly,
        overrides=overrides,
    )


def period_days(
    override: JSONDict, schedule: AvailabilitySchedule | None, today: date
) -> tuple[date | None, date | None]:
    """The first and last day a share's period allows, seen from `today` (in the schedule's zone)."""
    kind = override.get("period_type")
    if kind == "fixed":
        return date.fromisoformat(override["start_date"]), date.fromisoformat(override["end_date"])
    days = override.get("max_booking_time")
    if kind == "moving" and isinstance(days, int):
        return today, today + timedelta(days=days - 1)
    if kind == "available_moving" and isinstance(days, int) and schedule is not None:
        # N days on which the host has hours, from today on.
        day, counted = today, 0
        for _ in range(3660):
            if schedule.intervals_on(day):
                counted += 1
                if counted == days:
                    break
            day += timedelta(days=1)
        return today, day
    return None, None
