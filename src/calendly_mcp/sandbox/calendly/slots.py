"""Offered slots and busy times, computed from schedules, meetings and external calendar blocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
            moment = datetime.combine(day, interval_start, zone)
            stop = datetime.combine(day, interval_end, zone)
            while moment + duration <= stop:
                slot = moment.astimezone(UTC)
                if start <= slot < end and slot > now:
                    remaining = _remaining(event_type, slot, slot + duration, busy, pace)
                    if remaining:
                        slots.append(Slot(slot, remaining))
                moment += step
        day += timedelta(days=1)
    return slots


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


def busy_times(user: Calendar, start: datetime, end: datetime) -> list[JSONDict]:
    """The user's busy times overlapping [start, end), earliest first; no buffers are configured."""
    items: list[tuple[datetime, JSONDict]] = []
    for busy_start, busy_end, event in user.busy(start, end):
        item: JSONDict = {
            "type": "external" if event is None else "calendly",
            "start_time": iso(busy_start),
            "end_time": iso(busy_end),
            "buffered_start_time": iso(busy_start),
            "buffered_end_time": iso(busy_end),
        }
        if event is not None:
            item["event"] = {"uri": event.uri}
        items.append((busy_start, item))
    items.sort(key=lambda pair: (pair[0], pair[1]["type"]))
    return [item for _, item in items]
