"""The sandbox's stored records, how each renders as a Calendly API object, and how URIs name them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the areas' own records import these ones
    from .organization_admin_records import Invitation
if TYPE_CHECKING:
    from .no_shows_records import NoShowExamples

from .naming import API_BASE, iso, uri

__all__ = ["API_BASE", "iso", "uri"]

JSONDict = dict[str, Any]

Role = Literal["owner", "admin", "user"]
Status = Literal["active", "canceled"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def id_from_uri(value: str, kind: str) -> str | None:
    """The id in `https://api.calendly.com/<kind>/<id>`, or None when `value` is not such a URI."""
    prefix = f"{API_BASE}/{kind}/"
    if not value.startswith(prefix):
        return None
    ident = value[len(prefix) :].rstrip("/")
    return ident if ident and "/" not in ident else None


@dataclass
class Organization:
    uuid: str
    name: str
    plan: str
    stage: str
    created_at: datetime
    updated_at: datetime

    @property
    def uri(self) -> str:
        return uri("organizations", self.uuid)

    def to_api(self) -> JSONDict:
        return {
            "uri": self.uri,
            "name": self.name,
            "kind": "multiple",
            "plan": self.plan,
            "stage": self.stage,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class User:
    uuid: str
    name: str
    slug: str
    email: str
    timezone: str
    locale: str
    time_notation: str
    role: Role
    organization: str
    created_at: datetime
    updated_at: datetime
    membership_uuid: str
    # Meeting locations the user has set up: (kind, connected); connected is None where it means nothing
    # (Calendly reports it only for web conferencing).
    locations: list[tuple[str, bool | None]] = field(default_factory=list[tuple[str, bool | None]])

    @property
    def uri(self) -> str:
        return uri("users", self.uuid)

    @property
    def is_admin(self) -> bool:
        return self.role in ("owner", "admin")

    @property
    def scheduling_url(self) -> str:
        return f"https://calendly.com/{self.slug}"

    @property
    def avatar_url(self) -> str:
        return f"https://d3v0px0pttie1i.cloudfront.net/uploads/user/avatar/{self.uuid.lower()}/avatar.png"

    def _common(self) -> JSONDict:
        return {
            "uri": self.uri,
            "name": self.name,
            "slug": self.slug,
            "email": self.email,
            "scheduling_url": self.scheduling_url,
            "timezone": self.timezone,
            "avatar_url": self.avatar_url,
            "locale": self.locale,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def to_api(self) -> JSONDict:
        return {
            **self._common(),
            "time_notation": self.time_notation,
            "current_organization": uri("organizations", self.organization),
            "resource_type": "User",
        }

    def locations_to_api(self) -> list[JSONDict]:
        return [
            {"kind": kind, **({} if connected is None else {"connected": connected})}
            for kind, connected in self.locations
        ]

    def membership_to_api(self) -> JSONDict:
        return {
            "uri": uri("organization_memberships", self.membership_uuid),
            "role": self.role,
            "user": self._common(),
            "organization": uri("organizations", self.organization),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class CustomQuestion:
    name: str
    type: str
    position: int
    required: bool
    enabled: bool = True
    answer_choices: list[str] = field(default_factory=list[str])
    include_other: bool = False

    def to_api(self) -> JSONDict:
        return {
            "name": self.name,
            "type": self.type,
            "position": self.position,
            "enabled": self.enabled,
            "required": self.required,
            "answer_choices": list(self.answer_choices),
            "include_other": self.include_other,
        }


@dataclass
class EventType:
    uuid: str
    owner: str
    name: str
    slug: str
    duration: int
    duration_options: list[int] | None
    active: bool
    kind: Literal["solo", "group"]
    invitees_limit: int
    color: str
    description_plain: str | None
    internal_note: str | None
    # Location configurations as Calendly lists them: {"kind": ..., "location"?: ..., ...}.
    locations: list[JSONDict]
    custom_questions: list[CustomQuestion]
    position: int
    secret: bool
    created_at: datetime
    updated_at: datetime
    locale: str = "en"
    deleted_at: datetime | None = None

    @property
    def uri(self) -> str:
        return uri("event_types", self.uuid)

    def bookable_between(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """The part of [start, end) in which it can be booked: all of it, unless it has dates (a one-off's
        date setting, a share's period)."""
        return start, end

    def to_api(self, owner: User) -> JSONDict:
        html = None if self.description_plain is None else f"<p>{self.description_plain}</p>"
        return {
            "uri": self.uri,
            "name": self.name,
            "active": self.active,
            "admin_managed": False,
            "booking_method": "instant",
            "slug": self.slug,
            "scheduling_url": f"{owner.scheduling_url}/{self.slug}",
            "duration": self.duration,
            "duration_options": None if self.duration_options is None else list(self.duration_options),
            "kind": self.kind,
            "pooling_type": None,
            "type": "StandardEventType",
            "color": self.color,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "deleted_at": None if self.deleted_at is None else iso(self.deleted_at),
            "internal_note": self.internal_note,
            "description_plain": self.description_plain,
            "description_html": html,
            "profile": {"type": "User", "name": owner.name, "owner": owner.uri},
            "secret": self.secret,
            "is_paid": False,
            "locale": self.locale,
            "position": self.position,
            "locations": [dict(loc) for loc in self.locations],
            "custom_questions": [q.to_api() for q in self.custom_questions],
        }


Interval = tuple[time, time]


@dataclass
class AvailabilitySchedule:
    uuid: str
    user: str
    name: str
    default: bool
    timezone: str
    # Local working intervals per weekday (0 = Monday), and per-date overrides that replace them.
    weekly: dict[int, list[Interval]]
    overrides: dict[date, list[Interval]]

    @property
    def uri(self) -> str:
        return uri("user_availability_schedules", self.uuid)

    def intervals_on(self, day: date) -> list[Interval]:
        """The local intervals when the user can be booked on `day`; empty means unavailable."""
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly.get(day.weekday(), [])

    def to_api(self) -> JSONDict:
        def spans(intervals: list[Interval]) -> list[JSONDict]:
            return [{"from": a.strftime("%H:%M"), "to": b.strftime("%H:%M")} for a, b in intervals]

        rules: list[JSONDict] = [
            {"type": "wday", "wday": WEEKDAYS[wd], "intervals": spans(self.weekly.get(wd, []))}
            for wd in (6, 0, 1, 2, 3, 4, 5)
        ]
        rules += [
            {"type": "date", "date": day.isoformat(), "intervals": spans(intervals)}
            for day, intervals in sorted(self.overrides.items())
        ]
        return {
            "uri": self.uri,
            "default": self.default,
            "name": self.name,
            "user": uri("users", self.user),
            "timezone": self.timezone,
            "rules": rules,
        }


@dataclass
class Cancellation:
    canceled_by: str
    reason: str | None
    canceler_type: Literal["host", "invitee"]
    created_at: datetime

    def to_api(self) -> JSONDict:
        return {
            "canceled_by": self.canceled_by,
            "reason": self.reason,
            "canceler_type": self.canceler_type,
            "created_at": iso(self.created_at),
        }


@dataclass
class QuestionAnswer:
    question: str
    answer: str
    position: int


@dataclass
class Invitee:
    uuid: str
    event: str
    name: str
    email: str
    timezone: str
    status: Status
    questions_and_answers: list[QuestionAnswer]
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    last_name: str | None = None
    text_reminder_number: str | None = None
    cancellation: Cancellation | None = None
    no_show: tuple[str, datetime] | None = None  # (no-show uuid, when it was marked)
    scheduling_method: Literal["instant_book", "api"] | None = None
    tracking: dict[str, str | None] = field(default_factory=dict[str, str | None])

    @property
    def uri(self) -> str:
        return f"{uri('scheduled_events', self.event)}/invitees/{self.uuid}"

    def to_api(self) -> JSONDict:
        tracking_keys = ("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term")
        body: JSONDict = {
            "uri": self.uri,
            "email": self.email,
            "name": self.name,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "status": self.status,
            "timezone": self.timezone,
            "event": uri("scheduled_events", self.event),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "questions_and_answers": [
                {"question": qa.question, "answer": qa.answer, "position": qa.position}
                for qa in self.questions_and_answers
            ],
            "tracking": {key: self.tracking.get(key) for key in (*tracking_keys, "salesforce_uuid")},
            "text_reminder_number": self.text_reminder_number,
            "rescheduled": False,
            "old_invitee": None,
            "new_invitee": None,
            "cancel_url": f"https://calendly.com/cancellations/{self.uuid}",
            "reschedule_url": f"https://calendly.com/reschedulings/{self.uuid}",
            "routing_form_submission": None,
            "payment": None,
            "no_show": None,
            "reconfirmation": None,
            "scheduling_method": self.scheduling_method,
            "invitee_scheduled_by": None,
        }
        if self.no_show is not None:
            no_show_uuid, marked_at = self.no_show
            body["no_show"] = {"uri": uri("invitee_no_shows", no_show_uuid), "created_at": iso(marked_at)}
        if self.cancellation is not None:
            body["cancellation"] = self.cancellation.to_api()
        return body


@dataclass
class Guest:
    email: str
    created_at: datetime

    def to_api(self) -> JSONDict:
        return {"email": self.email, "created_at": iso(self.created_at), "updated_at": iso(self.created_at)}


@dataclass
class ScheduledEvent:
    uuid: str
    event_type: str
    name: str
    hosts: list[str]
    start_time: datetime
    end_time: datetime
    # The meeting's location as Calendly reports it: {"type": "zoom"|"physical"|..., ...}.
    location: JSONDict
    status: Status
    invitees_limit: int
    created_at: datetime
    updated_at: datetime
    calendar_event: JSONDict
    invitees: list[Invitee] = field(default_factory=list[Invitee])
    guests: list[Guest] = field(default_factory=list[Guest])
    cancellation: Cancellation | None = None
    meeting_notes_plain: str | None = None

    @property
    def uri(self) -> str:
        return uri("scheduled_events", self.uuid)

    def to_api(self, users: Mapping[str, User]) -> JSONDict:
        memberships: list[JSONDict] = []
        for host in self.hosts:
            user = users[host]
            memberships.append(
                {
                    "user": user.uri,
                    "user_email": user.email,
                    "user_name": user.name,
                    "buffered_start_time": iso(self.start_time),
                    "buffered_end_time": iso(self.end_time),
                }
            )
        active = sum(1 for invitee in self.invitees if invitee.status == "active")
        body: JSONDict = {
            "uri": self.uri,
            "name": self.name,
            "status": self.status,
            "start_time": iso(self.start_time),
            "end_time": iso(self.end_time),
            "event_type": uri("event_types", self.event_type),
            "location": dict(self.location),
            "invitees_counter": {"total": len(self.invitees), "active": active, "limit": self.invitees_limit},
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "event_memberships": memberships,
            "event_guests": [guest.to_api() for guest in self.guests],
            "calendar_event": dict(self.calendar_event),
            "meeting_notes_plain": self.meeting_notes_plain,
        }
        # The spec types meeting_notes_html as a string (never null), so it is left out when empty.
        if self.meeting_notes_plain is not None:
            body["meeting_notes_html"] = f"<p>{self.meeting_notes_plain}</p>"
        if self.cancellation is not None:
            body["cancellation"] = self.cancellation.to_api()
        return body


@dataclass
class Connection:
    """A Maton connection: an OAuth grant to one Calendly user, once ACTIVE."""

    connection_id: str
    status: Literal["PENDING", "ACTIVE", "FAILED"]
    creation_time: datetime
    last_updated_time: datetime
    session_token: str
    user: str | None = None

    def activate(self, user: str, now: datetime) -> None:
        """The OAuth grant completed: the connection now acts as `user`."""
        self.status, self.user, self.last_updated_time = "ACTIVE", user, now

    def to_api(self) -> dict[str, Any]:
        return {
            "connection_id": self.connection_id,
            "status": self.status,
            "creation_time": iso(self.creation_time),
            "last_updated_time": iso(self.last_updated_time),
            "url": f"https://connect.maton.ai/?session_token={self.session_token}",
            "app": "calendly",
            "method": "OAUTH2",
            "metadata": {},
        }


@dataclass
class BusyBlock:
    """A block on a user's connected external calendar (Google, Outlook): busy, but not a Calendly meeting."""

    user: str
    start_time: datetime
    end_time: datetime
    summary: str


WebhookScope = Literal["organization", "user", "group"]


@dataclass
class WebhookSubscription:
    uuid: str
    callback_url: str
    events: list[str]
    scope: WebhookScope
    organization: str
    user: str | None
    creator: str
    created_at: datetime
    # Never rendered, logged or echoed: only used to sign deliveries.
    signing_key: str | None = field(default=None, repr=False)
    state: Literal["active", "disabled"] = "active"
    group: str | None = None  # the group of a group-scoped subscription

    @property
    def uri(self) -> str:
        return uri("webhook_subscriptions", self.uuid)

    def to_api(self) -> JSONDict:
        return {
            "uri": self.uri,
            "callback_url": self.callback_url,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.created_at),
            "retry_started_at": None,
            "state": self.state,
            "events": list(self.events),
            "scope": self.scope,
            "organization": uri("organizations", self.organization),
            "user": None if self.user is None else uri("users", self.user),
            "group": None if self.group is None else uri("groups", self.group),
            "creator": uri("users", self.creator),
        }


@dataclass
class State:
    """Everything the sandbox's Calendly and Maton know; reseeded on reset."""

    organization: Organization
    # Insertion order matters: the first user is the one the Calendly token acts as.
    users: dict[str, User]
    event_types: dict[str, EventType]
    schedules: dict[str, AvailabilitySchedule]
    events: dict[str, ScheduledEvent]
    connections: dict[str, Connection]
    seeded_at: datetime
    busy_blocks: list[BusyBlock] = field(default_factory=list[BusyBlock])
    webhooks: dict[str, WebhookSubscription] = field(default_factory=dict[str, WebhookSubscription])
    # Connections created through Maton's API since the seed: it numbers their ids, so they repeat per run.
    connections_created: int = 0
    # The areas added since: one field each (with a default), records in the area's own module.
    # no_shows
    # Seeded objects the no-show and data deletion examples name (None in a state built by hand).
    no_show_examples: NoShowExamples | None = None

    # links
    # Single-use links by code (SchedulingLink, links_records.py; records cannot import that module).
    links: dict[str, Any] = field(default_factory=dict[str, Any])

    # event_type_admin
    # Per event type id: its EventTypeSettings (increment, buffers, own hours; event_type_admin_records.py).
    event_type_settings: dict[str, object] = field(default_factory=dict[str, object])

    # organization_admin
    invitations: dict[str, Invitation] = field(default_factory=dict[str, "Invitation"])

    # groups_audit
    # Groups, teams, the activity log and outgoing communications, kept in their own module (imported
    # here, under the anchor, so that every area's lines stay in its own block).
    from .groups_audit_records import GroupsAudit

    groups_audit: GroupsAudit = field(default_factory=GroupsAudit)

    # forms_recaps
    # Their records live in their own modules (which import nothing of this one at run time).
    from .recaps_records import Recaps
    from .routing_forms_records import RoutingForms

    routing_forms: RoutingForms = field(default_factory=RoutingForms)
    recaps: Recaps = field(default_factory=Recaps)

    # contacts
    # The contact book (contacts_records.ContactBook), seeded on first use there: no import here.
    contact_book: object = None
