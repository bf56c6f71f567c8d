"""Sandbox controls that shape calendars for a test or a demo: a member in any zone, a schedule's rules
(night hours, date overrides), a block on a connected calendar. The seed itself stays as it is, so the
counts other tests rely on do not move; a reset undoes all of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .calendly.records import WEEKDAYS, AvailabilitySchedule, BusyBlock, Interval, User, id_from_uri
from .calendly.seed import stable_uuid
from .core import Sandbox


class ControlError(ValueError):
    """A control's body is not what it takes; the message says what is."""


def _body(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ControlError("the body must be a JSON object")
    return raw  # pyright: ignore[reportUnknownVariableType]


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ControlError(f"{key} is required (a string)")
    return value


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ControlError(f"{name!r} is not an IANA time zone") from None
    return name


def _intervals(raw: Any) -> list[Interval]:
    if not isinstance(raw, list):
        raise ControlError('intervals must be a list of {"from": "HH:MM", "to": "HH:MM"}')
    spans: list[Interval] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        try:
            span: dict[str, Any] = _body(item)
            start, end = time.fromisoformat(str(span["from"])), time.fromisoformat(str(span["to"]))
        except (ControlError, KeyError, ValueError):
            raise ControlError(f'interval {item!r} is not {{"from": "HH:MM", "to": "HH:MM"}}') from None
        if end <= start:
            raise ControlError(f"interval {item!r} ends before it starts (split a night across two days)")
        spans.append((start, end))
    return sorted(spans)


def apply_rules(schedule: AvailabilitySchedule, rules: Any) -> None:
    """Calendly's rule objects onto a schedule: a `wday` rule replaces that weekday's hours, a `date`
    rule sets that day's override (empty intervals: unavailable)."""
    if not isinstance(rules, list):
        raise ControlError("rules must be a list of Calendly availability rules")
    weekly, overrides = dict(schedule.weekly), dict(schedule.overrides)
    for rule in rules:  # pyright: ignore[reportUnknownVariableType]
        rule = _body(rule)
        if rule.get("type") == "wday" and rule.get("wday") in WEEKDAYS:
            weekly[WEEKDAYS.index(rule["wday"])] = _intervals(rule.get("intervals"))
        elif rule.get("type") == "date":
            try:
                day = date.fromisoformat(str(rule.get("date")))
            except ValueError:
                raise ControlError(f"date {rule.get('date')!r} is not YYYY-MM-DD") from None
            overrides[day] = _intervals(rule.get("intervals"))
        else:
            raise ControlError(f"rule {rule!r} is neither a wday nor a date rule")
    schedule.weekly, schedule.overrides = weekly, overrides


def _moment(body: dict[str, Any], key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(body, key))
    except ValueError:
        raise ControlError(f"{key} must be an ISO 8601 time with an offset") from None
    if moment.tzinfo is None:
        raise ControlError(f"{key} must have an offset")
    return moment.astimezone(UTC)


class CalendarControls:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def _user(self, ref: str) -> User:
        store = self.sandbox.store
        user = store.user(id_from_uri(ref, "users") or ref) or store.user_by_email(ref)
        if user is None:
            raise ControlError(f"no user {ref!r} (give a user URI, id or e-mail)")
        return user

    async def _run(self, request: Request, action: Any) -> Response:
        try:
            try:
                raw: Any = await request.json()
            except ValueError:
                raise ControlError("the body must be JSON") from None
            return JSONResponse(action(_body(raw)), status_code=201)
        except ControlError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def add_member(self, request: Request) -> Response:
        """`{"name", "email", "timezone", "rules"?}`: a member (role user) with a Monday-Friday 09:00-17:00
        schedule in their zone, changed by `rules` when given."""
        return await self._run(request, self._add_member)

    def _add_member(self, body: dict[str, Any]) -> dict[str, Any]:
        store = self.sandbox.store
        name, email, zone = _text(body, "name"), _text(body, "email"), _zone(_text(body, "timezone"))
        if store.user_by_email(email) is not None:
            raise ControlError(f"{email} is already a member")
        now = store.now().replace(microsecond=0)
        key = email.lower()
        user = User(
            uuid=stable_uuid(f"user:added:{key}"),
            name=name,
            slug=key.split("@")[0].replace(".", "-"),
            email=email,
            timezone=zone,
            locale="en",
            time_notation="24h",
            role="user",
            organization=store.organization().uuid,
            created_at=now,
            updated_at=now,
            membership_uuid=stable_uuid(f"membership:added:{key}"),
        )
        schedule = AvailabilitySchedule(
            uuid=stable_uuid(f"schedule:added:{key}"),
            user=user.uuid,
            name="Working hours",
            default=True,
            timezone=zone,
            weekly={weekday: [(time(9), time(17))] for weekday in range(5)},
            overrides={},
        )
        apply_rules(schedule, body.get("rules", []))
        store.add_member(user, schedule)
        return {"user": user.uri, "schedule": schedule.to_api()}

    async def set_schedule(self, request: Request) -> Response:
        """`{"user", "timezone"?, "rules"}`: change the user's default schedule (see apply_rules)."""
        return await self._run(request, self._set_schedule)

    def _set_schedule(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(_text(body, "user"))
        store = self.sandbox.store
        schedule = store.calendar(user.uuid).schedule
        if schedule is None:
            raise ControlError(f"{user.email} has no availability schedule")
        if body.get("timezone") is not None:
            schedule.timezone = _zone(_text(body, "timezone"))
        apply_rules(schedule, body.get("rules", []))
        return {"schedule": schedule.to_api()}

    async def add_busy(self, request: Request) -> Response:
        """`{"user", "start_time", "end_time", "summary"?}`: a block on the user's connected calendar."""
        return await self._run(request, self._add_busy)

    def _add_busy(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._user(_text(body, "user"))
        start, end = _moment(body, "start_time"), _moment(body, "end_time")
        if end <= start or end - start > timedelta(days=7):
            raise ControlError("end_time must be after start_time, at most 7 days later")
        summary = body.get("summary") if isinstance(body.get("summary"), str) else "Busy"
        self.sandbox.store.add_busy_block(BusyBlock(user.uuid, start, end, str(summary)))
        return {"user": user.uri, "start_time": start.isoformat(), "end_time": end.isoformat()}


def calendar_routes(sandbox: Sandbox) -> list[Route]:
    controls = CalendarControls(sandbox)
    return [
        Route("/_sandbox/members", controls.add_member, methods=["POST"]),
        Route("/_sandbox/schedules", controls.set_schedule, methods=["POST"]),
        Route("/_sandbox/busy", controls.add_busy, methods=["POST"]),
    ]
