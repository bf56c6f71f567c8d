"""Common free times: when several organization members are all free, from each one's availability
schedule (in their own zone, date overrides included) less their busy times, within optional working
hours in the caller's zone.

Buffers: the tool books nothing and takes no event type, so the meeting asked about has no buffers of
its own. What Calendly keeps free around the members' existing meetings (their event types' buffers) is
in their busy times as `buffered_start_time` / `buffered_end_time`, and that buffered span is what counts
as busy here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import anyio
from pydantic import AfterValidator, Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.common_times import Blocker, CommonFreeTimes, Explanation, FreeSlot, Person
from calendly_mcp.schemas.inputs import Time, Timezone
from calendly_mcp.schemas.outputs import Day, local
from calendly_mcp.schemas.resources import (
    AvailabilitySchedule,
    BusyTime,
    Collection,
    OrganizationMembership,
)
from calendly_mcp.tools._base import READ, Ctx, iso_utc, parse
from calendly_mcp.tools._base import client as api_of
from calendly_mcp.tools._scope import caller_zone
from calendly_mcp.tools.availability import BUSY_MAX_DAYS, TOOLS, End, Start, check_window

COMMON_MAX_DAYS = 31
MAX_PEOPLE = 10
# Busy-time pieces in flight at once, across all people: 10 people over 31 days are 50 pieces.
CONCURRENCY = 8
MAX_SLOTS = 40
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Span = tuple[datetime, datetime]
People = Annotated[
    list[Annotated[str, Field(max_length=256)]],
    Field(min_length=1, max_length=MAX_PEOPLE, description="Members: user ids, URIs or e-mails"),
]
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d|24:00")


def _hhmm(value: str | None) -> str | None:
    if value is not None and not _HHMM.fullmatch(value):
        raise ValueError(f"{value[:20]!r} is not a time of day as HH:MM (00:00 to 24:00)")
    return value


# The full check runs on the server (a pattern in the schema would cost every request ~25 tokens).
HourOfDay = Annotated[str | None, Field(max_length=5, description="HH:MM in timezone"), AfterValidator(_hhmm)]


@dataclass
class Member:
    """A person as far as the computation needs: who, their schedule, and what keeps them busy."""

    person: Person
    schedule: AvailabilitySchedule | None = None
    busy: list[Span] = field(default_factory=list[Span])


def _wall(day: date, wall: time, zone: ZoneInfo, *, last: bool) -> datetime:
    """The UTC moment of a wall time: a repeated one (clocks going back) at its first occurrence, or its
    last when `last`; one the clocks skip (going forward) at the moment they jump."""
    naive = datetime.combine(day, wall)
    moment = naive.replace(tzinfo=zone, fold=1 if last else 0).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == naive:
        return moment
    probe = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # an hour before the jump at most
    while probe.astimezone(zone).replace(tzinfo=None) < naive:
        probe += timedelta(minutes=1)
    return probe


def _clock(text: str) -> tuple[time, int]:
    """HH:MM as a wall time and a day offset (24:00 is the next day's 00:00)."""
    return (time(0), 1) if text == "24:00" else (time.fromisoformat(text), 0)


def _daily(
    zone: ZoneInfo, start: datetime, end: datetime, hours: Iterable[tuple[date, str, str]]
) -> list[Span]:
    """Wall-time intervals of given days as UTC spans, clipped to [start, end)."""
    spans: list[Span] = []
    for day, frm, to in hours:
        (a, _), (b, later) = _clock(frm), _clock(to)
        span = (_wall(day, a, zone, last=False), _wall(day + timedelta(days=later), b, zone, last=True))
        if span[0] < end and start < span[1] and span[0] < span[1]:
            spans.append((max(span[0], start), min(span[1], end)))
    return _merge(spans)


def _days(zone: ZoneInfo, start: datetime, end: datetime) -> list[date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _rules_on(schedule: AvailabilitySchedule, day: date) -> list[tuple[str, str]] | None:
    """The schedule's intervals on `day`: a date override wins over the weekday; None: no rule at all."""
    by_date = {r.date: r for r in schedule.rules if r.type == "date" and r.date}
    rule = by_date.get(day.isoformat()) or next(
        (r for r in schedule.rules if r.type == "wday" and r.wday == WEEKDAYS[day.weekday()]), None
    )
    return None if rule is None else [(i.from_, i.to) for i in rule.intervals]


def schedule_spans(schedule: AvailabilitySchedule | None, start: datetime, end: datetime) -> list[Span]:
    if schedule is None:
        return []
    zone = ZoneInfo(schedule.timezone)
    hours = [
        (day, frm, to) for day in _days(zone, start, end) for frm, to in (_rules_on(schedule, day) or [])
    ]
    return _daily(zone, start, end, hours)


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _intersect(one: Sequence[Span], two: Sequence[Span]) -> list[Span]:
    found: list[Span] = []
    i = j = 0
    while i < len(one) and j < len(two):
        a, b = max(one[i][0], two[j][0]), min(one[i][1], two[j][1])
        if a < b:
            found.append((a, b))
        if one[i][1] < two[j][1]:
            i += 1
        else:
            j += 1
    return found


def _subtract(spans: Sequence[Span], taken: Sequence[Span]) -> list[Span]:
    found: list[Span] = []
    busy = _merge(taken)
    for a, b in spans:
        cursor = a
        for x, y in busy:
            if y <= cursor or x >= b:
                continue
            if x > cursor:
                found.append((cursor, x))
            cursor = max(cursor, y)
        if cursor < b:
            found.append((cursor, b))
    return found


def step_of(duration: int) -> timedelta:
    """Starts every 15 minutes for meetings under 30 minutes, else every 30, as Calendly offers them."""
    return timedelta(minutes=15 if duration < 30 else 30)


def slot_starts(
    spans: Sequence[Span], duration: timedelta, step: timedelta, zone: ZoneInfo
) -> list[datetime]:
    """Starts on the requested zone's quarter or half hours at which a meeting of `duration` fits."""
    starts: list[datetime] = []
    size = int(step.total_seconds())
    for a, b in spans:
        wall = a.astimezone(zone)
        into = (wall.minute * 60 + wall.second) % size + wall.microsecond / 1e6
        moment = a + timedelta(seconds=size - into) if into else a
        while moment + duration <= b:
            starts.append(moment)
            moment += step
    return starts


async def _resolve(api: CalendlyClient, refs: Sequence[str]) -> list[Person]:
    """Each reference as an organization member, checked (and refused) before any request is made."""
    wanted: list[tuple[str, dict[str, str]]] = []
    for ref in dict.fromkeys(r.strip() for r in refs):
        if "@" in ref:
            if not ref.count("@") == 1 or "." not in ref.split("@")[1] or any(c.isspace() for c in ref):
                raise InvalidInputError(f"people: {ref[:80]!r} is not an e-mail address")
            wanted.append((ref, {"email": ref}))
        elif ref in ("me", f"{ids.API_ORIGIN}/users/me"):
            wanted.append((ref, {}))
        else:
            try:
                wanted.append((ref, {"user": ids.uri("users", ref)}))
            except InvalidInputError as exc:
                raise InvalidInputError(f"people: {exc}") from None
    me = await api.current_user()
    organization = str(me["current_organization"])
    found: list[Person | None] = [None] * len(wanted)

    async def one(index: int, ref: str, query: dict[str, str]) -> None:
        query = query or {"user": str(me["uri"])}
        answer = await api.get(
            "/organization_memberships", {"organization": organization, "count": 1, **query}
        )
        members = parse(Collection[OrganizationMembership], answer).collection
        if not members:
            raise InvalidInputError(
                f"people: {ref!r} is not a member of your organization; list_organization_memberships "
                "shows who is"
            )
        user = members[0].user
        found[index] = Person(user=user.uri, name=user.name, email=user.email, timezone=user.timezone)

    async with anyio.create_task_group() as tasks:
        for index, (ref, query) in enumerate(wanted):
            tasks.start_soon(one, index, ref, query)
    people = [p for p in found if p is not None]
    return list({p.user: p for p in people}.values())  # an id and an e-mail of the same person: once


def _pieces(start: datetime, end: datetime) -> list[Span]:
    pieces: list[Span] = []
    while start < end:
        pieces.append((start, min(start + timedelta(days=BUSY_MAX_DAYS), end)))
        start = pieces[-1][1]
    return pieces


def _hours_text(member: Member, day: date) -> str:
    schedule = member.schedule
    if schedule is None:
        return "has no availability schedule"
    rules = _rules_on(schedule, day) or []
    hours = ", ".join(f"{a}-{b}" for a, b in rules) or "no hours"
    return f"hours {hours} on {day.isoformat()} ({schedule.timezone})"


def explain(
    members: Sequence[Member],
    moment: datetime,
    duration: timedelta,
    window: Sequence[Span] | None,
    zone: ZoneInfo,
) -> Explanation:
    """Why `moment` does or does not work: who is busy then, who is outside their hours."""
    span = [(moment, moment + duration)]
    blocked: list[Blocker] = []
    for member in members:
        email = member.person.email
        for a, b in member.busy:
            if a < span[0][1] and span[0][0] < b:
                blocked.append(
                    Blocker(person=email, reason="busy", detail=f"busy {iso_utc(a)} to {iso_utc(b)}")
                )
        hours = schedule_spans(
            member.schedule, moment - timedelta(days=1), moment + duration + timedelta(days=1)
        )
        if _intersect(span, hours) != span:
            day = moment.astimezone(ZoneInfo(member.schedule.timezone) if member.schedule else UTC).date()
            blocked.append(Blocker(person=email, reason="outside_schedule", detail=_hours_text(member, day)))
    outside = window is not None and _intersect(span, window) != span
    return Explanation(
        start_time=moment,
        end_time=moment + duration,
        start_local=local(moment, zone),
        free=not blocked and not outside,
        outside_working_hours=outside,
        blocked=blocked,
    )


def _answer(
    people: list[Person], starts: list[datetime], duration: timedelta, zone: ZoneInfo
) -> CommonFreeTimes:
    by_day: dict[str, list[datetime]] = {}
    for moment in starts:
        wall = moment.astimezone(zone)
        by_day.setdefault(wall.date().isoformat(), []).append(wall)
    more = None
    if len(starts) > MAX_SLOTS:
        after = iso_utc(starts[MAX_SLOTS])
        more = (
            f"{len(starts) - MAX_SLOTS} more slots from {after} (see days): call find_common_free_times "
            f"again with start_time={after}, or a narrower range."
        )
    return CommonFreeTimes(
        timezone=zone.key,
        people=people,
        total=len(starts),
        days=[
            Day(date=day, slots=len(walls), first=f"{walls[0]:%H:%M}", last=f"{walls[-1]:%H:%M}")
            for day, walls in by_day.items()
        ],
        collection=[
            FreeSlot(
                start_time=moment,
                end_time=moment + duration,
                start_local=local(moment, zone),
                end_local=local(moment + duration, zone),
            )
            for moment in starts[:MAX_SLOTS]
        ],
        more=more,
        explain=None,
    )


@TOOLS.tool("Find common free times", READ)
async def find_common_free_times(
    ctx: Ctx,
    people: People,
    duration: Annotated[int, Field(ge=5, le=720, description="Minutes")],
    start_time: Start,
    end_time: End,
    timezone: Annotated[Timezone | None, Field(description="IANA zone; default: yours")] = None,
    working_hours_start: HourOfDay = None,
    working_hours_end: HourOfDay = None,
    explain_time: Annotated[Time | None, Field(description="Say who blocks this start")] = None,
) -> CommonFreeTimes:
    """Slots when all these members are free, up to 31 days."""
    start, end = check_window(
        start_time,
        end_time,
        max_days=COMMON_MAX_DAYS,
        tool="find_common_free_times",
        longer=f"Ask for a shorter range, or split it into {COMMON_MAX_DAYS}-day ranges.",
    )
    if (working_hours_start is None) != (working_hours_end is None):
        raise InvalidInputError("working_hours_start and working_hours_end go together: give both or neither")
    if working_hours_start and working_hours_end and working_hours_end <= working_hours_start:
        raise InvalidInputError(
            f"working_hours_end {working_hours_end} is not after working_hours_start {working_hours_start}; "
            "both are HH:MM in `timezone` on the same day (00:00 to 24:00)"
        )
    length = timedelta(minutes=duration)
    if explain_time is not None and not (start <= explain_time and explain_time + length <= end):
        raise InvalidInputError(
            f"explain_time {iso_utc(explain_time)} is outside the range {iso_utc(start)} to {iso_utc(end)}: "
            f"the {duration}-minute meeting must fit in it"
        )
    api = api_of(ctx)
    people_found = await _resolve(api, people)
    zone = await caller_zone(api, timezone)
    members = [Member(person) for person in people_found]
    pieces = _pieces(start, end)
    total = len(members) * (len(pieces) + 1)
    done = 0
    limiter = anyio.CapacityLimiter(CONCURRENCY)

    async def progress() -> None:
        nonlocal done
        done += 1
        await ctx.report_progress(done, total, f"{done} of {total} calendar reads")

    async def schedules(member: Member) -> None:
        async with limiter:
            answer = await api.get("/user_availability_schedules", {"user": member.person.user})
        found = parse(Collection[AvailabilitySchedule], answer).collection
        member.schedule = next((s for s in found if s.default), found[0] if found else None)
        await progress()

    async def busy(member: Member, piece: Span) -> None:
        params = {"user": member.person.user, "start_time": iso_utc(piece[0]), "end_time": iso_utc(piece[1])}
        async with limiter:
            answer = await api.get("/user_busy_times", params)
        for item in parse(Collection[BusyTime], answer).collection:
            member.busy.append(
                (item.buffered_start_time or item.start_time, item.buffered_end_time or item.end_time)
            )
        await progress()

    # One failed read fails the call: slots computed without someone's calendar would look free.
    async with anyio.create_task_group() as tasks:
        for member in members:
            tasks.start_soon(schedules, member)
            for piece in pieces:
                tasks.start_soon(busy, member, piece)
    for member in members:
        member.busy = _merge(member.busy)
    window: list[Span] | None = None
    common = [(start, end)]
    if working_hours_start and working_hours_end:
        hours = [(day, working_hours_start, working_hours_end) for day in _days(zone, start, end)]
        window = _daily(zone, start - timedelta(days=1), end + timedelta(days=1), hours)
        common = _intersect(common, window)
    for member in members:
        free = _subtract(schedule_spans(member.schedule, start, end), member.busy)
        common = _intersect(common, free)
    answer = _answer(people_found, slot_starts(common, length, step_of(duration), zone), length, zone)
    if explain_time is not None:
        answer.explain = explain(members, explain_time.astimezone(UTC), length, window, zone)
    return answer
