"""Meeting recaps (Calendly's notetaker) and their transcripts: the records, how they render, the seed.

Imports nothing of records.py at run time (its State holds these records, so it imports this module).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .naming import iso, uri

if TYPE_CHECKING:
    from .records import ScheduledEvent, User

_NAMESPACE = uuid.UUID("9c3e2b7d-41f6-4a0b-8d5e-6f7a8b9c0d12")

RecapStatus = Literal["available", "processing", "unavailable"]
MARKDOWN_FIELDS = ("summary_md", "action_items_md", "discussion_md")
# Seeded transcripts: long enough that reading one whole does not fit a small context window.
UTTERANCES = 64


@dataclass
class Attendee:
    name: str
    email: str
    host: bool = False

    def to_api(self) -> dict[str, Any]:
        return {"host": self.host, "user_email": self.email, "user_name": self.name}


@dataclass
class Recap:
    uuid: str
    owner: str  # the user whose notetaker took it: the only one who may read or change it
    event: str | None  # scheduled event uuid; None for an external meeting
    name: str
    start_time: datetime
    end_time: datetime
    attendees: list[Attendee]
    status: RecapStatus
    created_at: datetime
    updated_at: datetime
    location: dict[str, Any] | None = None
    summary_md: str | None = None
    action_items_md: str | None = None
    discussion_md: str | None = None
    # (speaker, words), in the order spoken; None while processing or when unavailable.
    transcript: list[tuple[str, str]] | None = None

    @property
    def uri(self) -> str:
        return uri("meeting_recaps", self.uuid)

    @property
    def transcript_uri(self) -> str:
        return f"{self.uri}/transcript"

    def to_api(self, *, whole: bool) -> dict[str, Any]:
        """The recap as a list row (`whole=False`: no notes, the transcript URI always) or whole."""
        body: dict[str, Any] = {
            "uri": self.uri,
            "app_url": f"https://calendly.com/app/notetaker/recaps/{self.uuid}",
            "event": None if self.event is None else uri("scheduled_events", self.event),
            "status": self.status,
            "name": self.name,
            "start_time": iso(self.start_time),
            "end_time": iso(self.end_time),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "attendees": [attendee.to_api() for attendee in self.attendees],
            "transcript": self.transcript_uri,
        }
        if self.location is not None:
            body["location"] = dict(self.location)
        if whole:
            body |= {
                "summary_md": self.summary_md,
                "action_items_md": self.action_items_md,
                "discussion_md": self.discussion_md,
                "transcript": None if self.transcript is None else self.transcript_uri,
                "share_link": f"https://calendly.com/recaps/shared/{self.uuid}"
                if self.status == "available"
                else None,
            }
        return body

    def delivery_payload(self, *, deleted_at: datetime | None = None) -> dict[str, Any]:
        """The payload of a meeting_recap.updated delivery (the meeting's snapshot and the recap, its empty
        notes left out), or of meeting_recap.deleted (references only)."""
        event: dict[str, Any] = {} if self.event is None else {"uri": uri("scheduled_events", self.event)}
        if deleted_at is not None:
            return {"event": event, "recap": {"uri": self.uri, "deleted_at": iso(deleted_at)}}
        whole = self.to_api(whole=True)
        event |= {
            key: whole[key]
            for key in ("name", "start_time", "end_time", "attendees", "location")
            if key in whole
        }
        notes = ("summary_md", "action_items_md", "discussion_md", "transcript", "share_link")
        recap = {
            key: whole[key]
            for key in ("uri", *notes, "created_at", "updated_at")
            if whole.get(key) is not None
        }
        return {"event": event, "recap": recap}

    def transcript_api(self) -> dict[str, Any]:
        lines = self.transcript or []
        return {"uri": self.transcript_uri, "text": "\n".join(f"{who}: {words}" for who, words in lines)}


@dataclass
class Recaps:
    """Every recap the organization's notetakers took."""

    recaps: dict[str, Recap] = field(default_factory=dict[str, Recap])

    def recap(self, ident: str) -> Recap | None:
        return self.recaps.get(ident)

    def remove(self, ident: str) -> None:
        del self.recaps[ident]

    def of(
        self,
        owner: str,
        *,
        status: str,
        event: str | None,
        attendee: str | None,
        ends_after: datetime | None,
        starts_before: datetime | None,
    ) -> list[Recap]:
        """The owner's recaps in this status, the latest meeting first."""

        def keep(recap: Recap) -> bool:
            if recap.owner != owner or recap.status != status:
                return False
            if event is not None and recap.event != event:
                return False
            if attendee is not None and all(a.email.lower() != attendee.lower() for a in recap.attendees):
                return False
            if ends_after is not None and recap.end_time < ends_after:
                return False
            return starts_before is None or recap.start_time <= starts_before

        found = [recap for recap in self.recaps.values() if keep(recap)]
        found.sort(key=lambda recap: (recap.start_time, recap.uuid), reverse=True)
        return found

    @classmethod
    def seeded(cls, users: Mapping[str, User], events: Sequence[ScheduledEvent], now: datetime) -> Recaps:
        """Recaps of the latest past video meetings of the owner (most available, one still processing,
        one unavailable) and of one admin's, and one of an external meeting of the owner's."""
        owner = next(iter(users.values()))
        admin = next((u for u in users.values() if u.role == "admin"), owner)
        data = cls()
        video = ("zoom", "google_conference")

        def past(user: User) -> list[ScheduledEvent]:
            found = [
                e
                for e in events
                if user.uuid in e.hosts
                and e.status == "active"
                and e.end_time < now - timedelta(hours=1)
                and e.location.get("type") in video
                and e.invitees
            ]
            return sorted(found, key=lambda e: e.start_time, reverse=True)

        statuses: tuple[RecapStatus, ...] = ("available",) * 4 + ("processing", "unavailable")
        for event, status in zip(past(owner), statuses, strict=False):
            data.add(_recap_of(event, owner, status))
        for event in past(admin)[:1]:
            data.add(_recap_of(event, admin, "available"))
        start = (now - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        colleague = admin if admin is not owner else owner
        data.add(
            _recap(
                ident=str(uuid.uuid5(_NAMESPACE, f"recap:external:{owner.uuid}")),
                owner=owner,
                event=None,
                name="Weekly design sync (Google Calendar)",
                start=start,
                end=start + timedelta(minutes=45),
                attendees=[
                    Attendee(owner.name, owner.email, True),
                    Attendee(colleague.name, colleague.email),
                ],
                status="available",
                location=None,
            )
        )
        return data

    def add(self, recap: Recap) -> None:
        self.recaps[recap.uuid] = recap


def _recap_of(event: ScheduledEvent, host: User, status: RecapStatus) -> Recap:
    guests = [Attendee(i.name, i.email) for i in event.invitees if i.status == "active"]
    return _recap(
        ident=str(uuid.uuid5(_NAMESPACE, f"recap:{event.uuid}")),
        owner=host,
        event=event.uuid,
        name=event.name,
        start=event.start_time,
        end=event.end_time,
        attendees=[Attendee(host.name, host.email, True), *guests],
        status=status,
        location=dict(event.location),
    )


def _recap(
    *,
    ident: str,
    owner: User,
    event: str | None,
    name: str,
    start: datetime,
    end: datetime,
    attendees: list[Attendee],
    status: RecapStatus,
    location: dict[str, Any] | None,
) -> Recap:
    recap = Recap(
        uuid=ident,
        owner=owner.uuid,
        event=event,
        name=name,
        start_time=start,
        end_time=end,
        attendees=attendees,
        status=status,
        created_at=end + timedelta(minutes=12),
        updated_at=end + timedelta(minutes=12),
        location=location,
    )
    if status == "available":
        guests = ", ".join(a.name for a in attendees if not a.host) or "the team"
        recap.summary_md = (
            f"## Summary\n{owner.name} met {guests} to review how scheduling works for their team today, "
            "where handoffs break, and what a rollout would need. They agreed on a pilot with one team."
        )
        recap.action_items_md = (
            f"- [ ] {owner.name}: send the pilot plan and pricing by Friday\n"
            f"- [ ] {guests}: share the list of pilot users\n"
            "- [ ] Both: book a follow-up in two weeks"
        )
        recap.discussion_md = (
            "### Current process\nMeetings are booked by e-mail; leads wait two days on average.\n"
            "### Requirements\nRound-robin across four reps, Salesforce sync, reminders by text."
        )
        recap.transcript = _transcript(ident, [a.name for a in attendees])
    return recap


_LINES = (
    "Thanks for making the time today, I know the week has been busy on your side.",
    "Before we dive in, could you walk me through how meetings get booked right now?",
    "Right now most of it happens over e-mail, and honestly it takes far too many messages back and forth.",
    "We lose a lot of leads in that gap, sometimes they simply stop answering after the second reply.",
    "That matches what we hear from most sales teams of your size, so you are in good company.",
    "The part that worries me most is handing a lead from a marketing form to the right rep quickly.",
    "Routing forms can take care of that: the answers decide which event type the person sees next.",
    "How many reps would need to be in the rotation at the start, roughly speaking?",
    "Four to begin with, and then another six once the new hires finish onboarding in January.",
    "Round-robin would spread those meetings evenly, and you can weight it towards the senior reps.",
    "Does it also respect the working hours of each rep, including the two who work from Lisbon?",
    "Yes, every host keeps their own availability schedule and time zone, so nobody gets a slot at night.",
    "Good, because that was the main complaint about the last tool we tried for a month.",
    "We would also need the meetings to show up in Salesforce with the lead source attached.",
    "The Salesforce integration creates or updates the lead and logs the meeting with its tracking fields.",
    "Our managers would love to see which campaign produced the meetings that actually turned into deals.",
    "Those UTM parameters travel with the booking, so the campaign lands on the record automatically.",
    "What about reminders, do people get a text message before the call or only e-mails?",
    "Both are possible; text reminders go out to invitees who leave a number when they book.",
    "Let me note that down, reminders alone could cut our no-shows by a third if the numbers hold.",
    "On pricing, the Teams plan covers routing and round-robin, and we can discuss volume for the rollout.",
    "I will need to run the numbers past finance, but a pilot with one team sounds like an easy yes.",
    "Perfect, I can send a pilot plan with the setup steps and a draft timeline by Friday.",
    "Could you include how other customers measured success during their first few weeks?",
    "Of course, I will add two short case studies from teams that started with the same setup.",
    "One more question from our security team: where is the meeting data stored and for how long?",
    "I will forward our security documentation, it covers data residency, retention and access controls.",
    "Great, then the next step on our side is to pick the pilot users and share the list with you.",
    "Shall we book a follow-up in two weeks to review the first results together?",
    "Two weeks works, let us aim for a Tuesday morning so the whole pilot team can join.",
)


def _transcript(ident: str, speakers: list[str]) -> list[tuple[str, str]]:
    """A deterministic conversation of UTTERANCES turns: the host and the guests taking turns."""
    seed = int(hashlib.sha256(ident.encode()).hexdigest()[:8], 16)
    lines: list[tuple[str, str]] = []
    for turn in range(UTTERANCES):
        speaker = (
            speakers[0]
            if turn % 2 == 0 or len(speakers) == 1
            else speakers[1 + (turn // 2) % (len(speakers) - 1)]
        )
        size = 3 + (seed + turn) % 3
        words = " ".join(_LINES[(seed + turn * 7 + k * 11) % len(_LINES)] for k in range(size))
        lines.append((speaker, words))
    return lines
