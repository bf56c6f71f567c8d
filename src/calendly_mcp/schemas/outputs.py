"""What the tools return: Calendly's resources whole (the get_* tools), list rows that carry what a model
needs to act, one page shape for every list, and each time in UTC with the same moment in a named zone.

Answers are a budget: a model reads them in its context window. So list rows leave out what only the
whole resource needs (get_* gives it), and long series of slots are bounded, with a per-day summary and
the way to ask for the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from calendly_mcp.schemas.resources import (
    EventType,
    Invitee,
    OrganizationMembership,
    ScheduledEvent,
    ScheduledEventLocation,
    WebhookDelivery,
    WebhookSubscription,
)

T = TypeVar("T")

LOCAL = "The same moment in `timezone`"


def local(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as ISO 8601 in `zone`, with its offset (so daylight-saving changes stay unambiguous)."""
    return moment.astimezone(zone).isoformat()


class Page(BaseModel, Generic[T]):
    """One page of a Calendly list."""

    collection: list[T]
    next_page_token: str | None = Field(
        None, description="Pass as page_token for the next page; null at the end"
    )


class ZonedPage(Page[T], Generic[T]):
    """One page of a list whose rows carry times."""

    timezone: str = Field(description="Zone of the *_local times")


class Items(BaseModel, Generic[T]):
    """A whole Calendly list that is not paged (schedules, locations)."""

    collection: list[T]


class ZonedItems(Items[T], Generic[T]):
    """A whole list whose items carry times."""

    timezone: str = Field(description="Zone of the *_local times")


class Deleted(BaseModel):
    """What a successful delete or removal answers."""

    deleted: bool = True
    uri: str = Field(description="What was deleted")


# --- list rows ---------------------------------------------------------------------------------------


class EventRow(BaseModel):
    """A meeting in a list; get_scheduled_event gives the whole of it."""

    uri: str
    name: str | None = None
    status: str
    start_time: AwareDatetime
    end_time: AwareDatetime
    start_local: str = Field(description=LOCAL)
    end_local: str = Field(description=LOCAL)
    location: ScheduledEventLocation | None = None
    invitees_active: int | None = None
    invitees_limit: int | None = None
    hosts: list[str] = Field(description="Host e-mails (or URIs)")
    cancel_reason: str | None = None

    @classmethod
    def of(cls, event: ScheduledEvent, zone: ZoneInfo) -> EventRow:
        counter = event.invitees_counter
        location = event.location
        if location is not None:
            # Provider details and timestamps are for get_scheduled_event.
            location = ScheduledEventLocation.model_validate(
                {"type": location.type, "location": location.location, "join_url": location.join_url}
            )
        return cls(
            uri=event.uri,
            name=event.name,
            status=event.status,
            start_time=event.start_time,
            end_time=event.end_time,
            start_local=local(event.start_time, zone),
            end_local=local(event.end_time, zone),
            location=location,
            invitees_active=counter.active if counter else None,
            invitees_limit=counter.limit if counter else None,
            hosts=[m.user_email or m.user for m in event.event_memberships],
            cancel_reason=event.cancellation.reason if event.cancellation else None,
        )


class ZonedEvent(ScheduledEvent):
    """A whole meeting, with its times also in `timezone`."""

    start_local: str = Field(description=LOCAL)
    end_local: str = Field(description=LOCAL)
    timezone: str = Field(description="Zone of the *_local times")

    @classmethod
    def of(cls, event: ScheduledEvent, zone: ZoneInfo) -> ZonedEvent:
        return cls(
            **dict(event),
            start_local=local(event.start_time, zone),
            end_local=local(event.end_time, zone),
            timezone=zone.key,
        )


class InviteeRow(BaseModel):
    """A person booked on a meeting, in a list; get_event_invitee gives the whole of it."""

    uri: str
    name: str
    email: str
    status: str
    invitee_timezone: str | None = Field(None, description="The invitee's own zone")
    created_at: AwareDatetime = Field(description="When they booked")
    created_local: str = Field(description=LOCAL)
    no_show: bool = False
    rescheduled: bool | None = None
    answers: int = Field(0, description="Booking-form answers given (get_event_invitee shows them)")

    @classmethod
    def of(cls, invitee: Invitee, zone: ZoneInfo) -> InviteeRow:
        return cls(
            uri=invitee.uri,
            name=invitee.name,
            email=invitee.email,
            status=invitee.status,
            invitee_timezone=invitee.timezone,
            created_at=invitee.created_at,
            created_local=local(invitee.created_at, zone),
            no_show=invitee.no_show is not None,
            rescheduled=invitee.rescheduled,
            answers=len(invitee.questions_and_answers),
        )


class ZonedInvitee(Invitee):
    """A whole invitee, with the booking time also in `timezone`."""

    created_local: str = Field(description=LOCAL)
    zone: str = Field(description="Zone of created_local (timezone is the invitee's own)")
    # Only webhook payloads carry the meeting inside the invitee; an API answer never does, and its
    # schema is 40% of the invitee's: not in a tool's answer nor its outputSchema.
    scheduled_event: SkipJsonSchema[ScheduledEvent | None] = Field(None, exclude=True)

    @classmethod
    def of(cls, invitee: Invitee, zone: ZoneInfo) -> ZonedInvitee:
        return cls(**dict(invitee), created_local=local(invitee.created_at, zone), zone=zone.key)


class EventTypeRow(BaseModel):
    """An event type in a list; get_event_type gives the whole of it (questions, descriptions...)."""

    uri: str
    name: str | None = None
    active: bool
    kind: str = Field(description="solo or group")
    pooling_type: str | None = None
    duration: int = Field(description="Minutes")
    duration_options: list[int] | None = None
    scheduling_url: str
    locations: list[str] = Field(description="Location kinds offered")
    owner: str | None = Field(None, description="Owner's name (user or team)")
    secret: bool | None = None

    @classmethod
    def of(cls, event_type: EventType) -> EventTypeRow:
        return cls(
            uri=event_type.uri,
            name=event_type.name,
            active=event_type.active,
            kind=event_type.kind,
            pooling_type=event_type.pooling_type,
            duration=event_type.duration,
            duration_options=event_type.duration_options,
            scheduling_url=event_type.scheduling_url,
            locations=[loc.kind for loc in event_type.locations or [] if loc.kind],
            owner=event_type.profile.name if event_type.profile else None,
            secret=event_type.secret,
        )


class MemberRow(BaseModel):
    """A member of an organization, in a list."""

    uri: str = Field(description="Membership URI")
    role: str
    user: str = Field(description="User URI")
    name: str
    email: str
    timezone: str

    @classmethod
    def of(cls, membership: OrganizationMembership) -> MemberRow:
        user = membership.user
        return cls(
            uri=membership.uri,
            role=membership.role,
            user=user.uri,
            name=user.name,
            email=user.email,
            timezone=user.timezone,
        )


class WebhookRow(BaseModel):
    """A webhook subscription, in a list."""

    uri: str
    callback_url: str
    events: list[str]
    scope: str
    state: str

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> WebhookRow:
        return cls(
            uri=subscription.uri,
            callback_url=subscription.callback_url,
            events=subscription.events,
            scope=subscription.scope,
            state=subscription.state,
        )


class DeliveryRow(BaseModel):
    """A webhook delivery the inbox received, in a list."""

    id: str = Field(description="Pass to get_webhook_delivery.")
    event: str
    received_at: AwareDatetime
    email: str | None = None
    name: str | None = None
    scheduled_event: str | None = None
    start_time: AwareDatetime | None = None


class ReceivedDelivery(WebhookDelivery):
    """A webhook delivery the inbox received, whole."""

    # As parsed, as WebhookDelivery's; shown as a plain object: the anyOf's other arm accepts any object
    # anyway, and the Invitee definition doubled the tool's output schema (get_sample_webhook_data shows
    # each event's shape).
    payload: Annotated[
        Invitee | dict[str, Any],
        WithJsonSchema({"type": "object", "description": "Calendly's payload: for invitee.* an invitee"}),
    ] = Field(union_mode="left_to_right")
    id: str
    received_at: AwareDatetime
    subscription: str | None = Field(None, description="The webhook subscription it came through.")


# --- times -------------------------------------------------------------------------------------------


class Slot(BaseModel):
    """A bookable start time."""

    start_time: AwareDatetime = Field(description="UTC; pass as start_time to book")
    start_local: str = Field(description=LOCAL)
    invitees_remaining: int


class Day(BaseModel):
    """The slots of one day of the range, in `timezone`."""

    date: str
    slots: int
    first: str = Field(description="HH:MM")
    last: str = Field(description="HH:MM")


class Slots(BaseModel):
    """Bookable start times: the first ones in full, every day of the range summarized."""

    timezone: str = Field(description="Zone of start_local and of the day summaries")
    total: int = Field(description="Slots in the whole range")
    days: list[Day] = Field(description="Every day of the range with slots")
    collection: list[Slot] = Field(description="The first slots, in order")
    more: str | None = Field(None, description="How to get the slots not listed; null when all are")
    scheduling_url: str | None = Field(None, description="Booking page of the event type")


class BusyRow(BaseModel):
    """A span when a user is busy."""

    type: str = Field(description="calendly, reserved or external")
    start_time: AwareDatetime
    end_time: AwareDatetime
    start_local: str = Field(description=LOCAL)
    end_local: str = Field(description=LOCAL)
    event: str | None = Field(None, description="Scheduled event URI, for type calendly")


class Booked(ZonedInvitee):
    """What a booking answers: the invitee booked, and whether that booking was made by this call."""

    already_booked: bool = Field(
        description="True: this invitee already had this meeting (a repeated request); nothing new was booked"
    )
    note: str | None = Field(None, description="How the existing booking was found, when already_booked")


class Rescheduled(BaseModel):
    """Where a reschedule leaves the invitee: moved, booked twice for now, or sent a link instead."""

    outcome: Literal["moved", "both_meetings_exist", "link_instead"] = Field(
        description="moved; both_meetings_exist: the old one still needs cancelling; link_instead: nothing booked"
    )
    message: str = Field(description="What happened and what to do next")
    old_event: str = Field(description="The meeting moved from")
    old_canceled: bool
    new_event: str | None = None
    invitee: str | None = Field(default=None, description="The new booking's invitee URI")
    start_time: AwareDatetime | None = None
    start_local: str | None = None
    booking_url: str | None = Field(
        default=None, description="Single-use link to send, when booking was refused"
    )
    zone: str = Field(description="Zone of start_local: the invitee's")
