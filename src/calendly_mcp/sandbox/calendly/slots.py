"""Offered slots and busy times, computed from schedules, meetings and external calendar blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .error_bodies import invalid_argument
from .records import AvailabilitySchedule, BusyBlock, EventType, JSONDict, ScheduledEvent, iso

AVAILABLE_TIMES_MAX_DAYS = 31
BUSY_TIMES_MAX_DAYS = 7
# A start this little in the past still counts as "now": clients send the current time as the start.
PAST_GRACE = timedelta(minutes=1)


def slot_step(duration_minutes: int) -> timedelta:
    """How far apart offered start times are: 15 minutes for short meetings, else 30."""
    return timedelta(minutes=15 if duration_minutes < 30 else 30)


def check_window(start: datetime, end: datetime, now: datetime, max_days: int) -> None:
    """Calendly's window rules; a violation is a bare 400 that names no cause, as Calendly's is."""
    if start < now - PAST_GRACE or end <= start or end - start > timedelta(days=max_days):
        raise invalid_argument()


@dataclass(frozen=True)
class Pace:
    """What an event type sets on top of its host's calendar: the step between offered start times, the
    buffers kept free before and after a meeting, and its own hours (None: the host's schedule)."""

    step: timedelta
    before: timedelta = timedelta()
    after: timedelta = timedelta()
    schedule: AvailabilitySchedule | None = None


@dataclass(frozen=True)
class Slot:
    start: datetime
    invitees_remaining: int


# A busy span, and the meeting behind it (None for an external calendar block).
Busy = tuple[datetime, datetime, ScheduledEvent | None]


@dataclass(frozen=True)
class Calendar:
    """One user's side of availability: their default schedule, the meetings they host, their blocks."""

    schedule: AvailabilitySchedule | None
    meetings: Sequence[ScheduledEvent]  # any status; only active ones keep the user busy
    blocks: Sequence[BusyBlock]

    def busy(self, start: datetime, end: datetime) -> list[Busy]:
        """What keeps the user busy between start and end: active meetings they host and external blocks."""
        found: list[Busy] = [
            (e.start_time, e.end_time, e)
            for e in self.meetings
            if e.status == "active" and e.start_time < end and start < e.end_time
        ]
        found += [
            (b.start_time, b.end_time, None) for b in self.blocks if b.start_time < end and start < b.end_time
        ]
        return found


def default_schedule(schedules: Sequence[AvailabilitySchedule]) -> AvailabilitySchedule | None:
    """The schedule a user's slots come from: the one marked default, else their first."""
    return next((s for s in schedules if s.default), schedules[0] if schedules else None)


def _remaining(
    event_type: EventType, start: datetime, end: datetime, busy: list[Busy], pace: Pace | None = None
) -> int:
    """Seats left at this start time: 0 when anything overlaps the meeting and its buffers, except this
    type's own group meeting."""
    remaining = event_type.invitees_limit
    kept_from, kept_to = (start - pace.before, end + pace.after) if pace else (start, end)
    for busy_start, busy_end, event in busy:
        if not (busy_start < kept_to and kept_from < busy_end):
            continue
        if (
            event is not None
            and event_type.kind == "group"
            and event.event_type == event_type.uuid
            and event.start_time == start
        ):
            remaining = event.invitees_limit - sum(1 for i in event.invitees if i.status == "active")
        else:
            return 0
    return max(remaining, 0)


def offered_slots(
    host: Calendar,
    event_type: EventType,
    start: datetime,
    end: datetime,
    now: datetime,
    pace: Pace | None = None,
) -> list[Slot]:
    """Start times in [start, end) an invitee can book now, in the schedule (the event type's own hours,
    else the host's) and free, buffers included."""
    schedule = pace.schedule if pace and pace.schedule else host.schedule
    if schedule is None or not event_type.active:
        return []
    start, end = event_type.bookable_between(start, end)
    zone = ZoneInfo(schedule.timezone)
    duration = timedelta(minutes=event_type.duration)
    step = pace.step if pace else slot_step(event_type.duration)
    before, after = (pace.before, pace.after) if pace else (timedelta(), timedelta())
    busy = host.busy(start - before, end + duration + after)
    slots: list[Slot] = []
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        for interval_start, interval_end in schedule.intervals_on(day):
            # Stepped in real (UTC) time: a spring-forward night has an hour less of starts, a fall-back
            # night an hour more (its repeated wall times are two moments each).
            slot, stop = interval_span(day, interval_start, interval_end, zone)
            while slot + duration <= stop:
                if start <= slot < end and slot > now:
                    remaining = _remaining(event_type, slot, slot + duration, busy, pace)
                    if remaining:
                        slots.append(Slot(slot, remaining))
                slot += step
        day += timedelta(days=1)
    return slots


def _wall_instant(day: date, wall: time, zone: ZoneInfo, *, last: bool) -> datetime:
    """The UTC moment of a wall time on `day`: a repeated one (fall-back) at its first occurrence, or its
    last when `last`; one that never happens (spring-forward) at the moment the clocks jump."""
    naive = datetime.combine(day, wall)
    moment = naive.replace(tzinfo=zone, fold=1 if last else 0).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == naive:
        return moment
    # In the gap: fold=1 maps it an hour early, fold=0 an hour late; the jump is in between, on a minute.
    probe = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    while probe.astimezone(zone).replace(tzinfo=None) < naive:
        probe += timedelta(minutes=1)
    return probe


def interval_span(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A schedule interval of `day` (wall times in `zone`) as UTC moments, every wall time in it covered."""
    return _wall_instant(day, start, zone, last=False), _wall_instant(day, end, zone, last=True)


def slot_to_api(slot: Slot, event_type_url: str, zone: ZoneInfo) -> JSONDict:
    # Calendly's booking-page link: the slot in UTC, with the month and day shown in the host's zone.
    local = slot.start.astimezone(zone)
    stamp = slot.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "status": "available",
        "invitees_remaining": slot.invitees_remaining,
        "start_time": iso(slot.start),
        "scheduling_url": f"{event_type_url}/{stamp}?month={local:%Y-%m}&date={local:%Y-%m-%d}",
    }


# The buffers (before, after) an event type keeps around its meetings.
Buffers = Callable[[ScheduledEvent], tuple[timedelta, timedelta]]


def busy_times(
    user: Calendar, start: datetime, end: datetime, buffers: Buffers | None = None
) -> list[JSONDict]:
    """The user's busy times overlapping [start, end), earliest first; a meeting's buffered times include
    its event type's buffers (external blocks have none)."""
    items: list[tuple[datetime, JSONDict]] = []
    for busy_start, busy_end, event in user.busy(start, end):
        before, after = buffers(event) if buffers and event else (timedelta(), timedelta())
        item: JSONDict = {
            "type": "external" if event is None else "calendly",
            "start_time": iso(busy_start),
            "end_time": iso(busy_end),
            "buffered_start_time": iso(busy_start - before),
            "buffered_end_time": iso(busy_end + after),
        }
        if event is not None:
            item["event"] = {"uri": event.uri}
        items.append((busy_start, item))
    items.sort(key=lambda pair: (pair[0], pair[1]["type"]))
    return [item for _, item in items]
