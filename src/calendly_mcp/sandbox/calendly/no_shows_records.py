"""No-shows and data deletion: the seeded objects their examples name, the no-show resource, and the rules
Calendly applies to a deletion request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .error_bodies import invalid_argument
from .params import parse_time
from .records import Invitee, JSONDict, ScheduledEvent, iso, uri

# The one e-mail of the invitee seeded to be forgotten: on no other meeting, so forgetting it touches
# nothing that other examples name.
FORGET_EMAIL = "riley.forget@example.com"
# Calendly: "Time range can be no greater than 24 months and must occur in the past."
MAX_RANGE_MONTHS = 24


@dataclass(frozen=True)
class NoShowExamples:
    """Seeded objects meant for one test each, by id: chosen at seed time so every pass names the same."""

    no_show: str  # a no-show to read
    no_show_to_delete: str  # another, to undo
    invitee_to_mark: str  # the URI of a past, active invitee not marked yet
    event_to_forget: str  # the only meeting that starts in range_to_forget
    range_to_forget: tuple[datetime, datetime]
    invitee_to_forget: str  # the URI of the invitee with FORGET_EMAIL

    def to_info(self) -> JSONDict:
        start, end = self.range_to_forget
        return {
            "no_show": uri("invitee_no_shows", self.no_show),
            "no_show_to_delete": uri("invitee_no_shows", self.no_show_to_delete),
            "invitee_to_mark_no_show": self.invitee_to_mark,
            "invitee_to_forget_email": FORGET_EMAIL,
            "invitee_to_forget": self.invitee_to_forget,
            "event_to_forget": uri("scheduled_events", self.event_to_forget),
            "event_range_to_forget": {"start_time": iso(start), "end_time": iso(end)},
        }


def no_show_to_api(invitee: Invitee) -> JSONDict:
    """The InviteeNoShow resource of a marked invitee."""
    assert invitee.no_show is not None
    ident, marked_at = invitee.no_show
    return {"uri": uri("invitee_no_shows", ident), "invitee": invitee.uri, "created_at": iso(marked_at)}


def seed_examples(events: list[ScheduledEvent], now: datetime, stable: dict[str, str]) -> NoShowExamples:
    """Pick (and where needed add) the seeded objects the examples name. `events` are the seeded meetings,
    by start time; `stable` gives the ids: {"no_show": ..., "invitee": ...} as the seed makes them.

    Changes the meetings it is given (the same objects the state keeps): a no-show where the seed has too
    few, and the second invitee of a past group meeting becomes the one with FORGET_EMAIL.
    """
    past = [e for e in events if e.status == "active" and e.end_time < now]
    marked = [i for e in past for i in e.invitees if i.no_show is not None]
    unmarked = [i for e in reversed(past) for i in e.invitees if i.no_show is None and i.status == "active"]
    while len(marked) < 2:
        invitee = unmarked.pop()
        invitee.no_show = (f"{stable['no_show']}-{len(marked)}", now - timedelta(days=1))
        marked.append(invitee)
    to_mark = unmarked[0]  # the most recent past meeting's invitee

    # The meeting to forget: the earliest past one that no other starts within an hour of, and not one
    # named above; the range is the hour around its start.
    named = {marked[0].event, marked[1].event, to_mark.event}
    lone = next(
        e
        for e in past
        if e.uuid not in named
        and not any(o is not e and abs(o.start_time - e.start_time) < timedelta(hours=1) for o in events)
    )
    window = (lone.start_time - timedelta(minutes=30), lone.start_time + timedelta(minutes=30))

    # The invitee to forget takes the second seat of a past group meeting (in place of the seeded one,
    # so every meeting keeps the seed's one or two invitees).
    group = next(e for e in past if len(e.invitees) == 2 and e.uuid not in named and e is not lone)
    seat = group.invitees[1]
    forget = Invitee(
        uuid=stable["invitee"],
        event=group.uuid,
        name="Riley Forget",
        email=FORGET_EMAIL,
        timezone="Europe/Amsterdam",
        status="active",
        questions_and_answers=seat.questions_and_answers,
        created_at=seat.created_at,
        updated_at=seat.updated_at,
    )
    group.invitees[1] = forget
    return NoShowExamples(
        no_show=_no_show_id(marked[0]),
        no_show_to_delete=_no_show_id(marked[1]),
        invitee_to_mark=to_mark.uri,
        event_to_forget=lone.uuid,
        range_to_forget=window,
        invitee_to_forget=forget.uri,
    )


def _no_show_id(invitee: Invitee) -> str:
    assert invitee.no_show is not None
    return invitee.no_show[0]


def deletion_emails(body: JSONDict) -> list[str]:
    """The e-mails of a POST /data_compliance/deletion/invitees, as Calendly checks them."""
    raw = body.get("emails")
    if raw is None:
        raise invalid_argument("emails", "is required")
    if not isinstance(raw, list) or not raw:
        raise invalid_argument("emails", "must be a non-empty list of e-mail addresses")
    emails: list[str] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(item, str) or item.count("@") != 1 or "." not in item.rpartition("@")[2]:
            raise invalid_argument("emails", f"{str(item)[:80]!r} is not an e-mail address")  # pyright: ignore[reportUnknownArgumentType]
        emails.append(item.lower())
    return emails


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day where that day does not exist."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def deletion_range(body: JSONDict, now: datetime) -> tuple[datetime, datetime]:
    """The range of a POST /data_compliance/deletion/events: in the past, at most 24 months long."""
    for name in ("start_time", "end_time"):
        if body.get(name) is None:
            raise invalid_argument(name, "is required")
    start = parse_time("start_time", body["start_time"])
    end = parse_time("end_time", body["end_time"])
    if end <= start:
        raise invalid_argument("end_time", "must be after start_time")
    if end > now:
        raise invalid_argument("end_time", "must be in the past")
    if end > add_months(start, MAX_RANGE_MONTHS):
        raise invalid_argument("end_time", f"the range can be no greater than {MAX_RANGE_MONTHS} months")
    return start, end
