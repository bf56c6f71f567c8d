"""Pydantic models of the Calendly API v2 resources (and Maton connections) as Calendly answers them."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# Real answers are older or newer than the spec: recorded responses lack fields the spec now requires,
# and Calendly keeps adding fields. So every model ignores unknown keys, and only fields that the spec
# requires and every recording carries are required; the rest are `X | None = None`.
# Times are AwareDatetime (strict MCP clients reject a date-time without an offset); URIs stay plain str
# so they round-trip verbatim (HttpUrl would rewrite them). Literal only for closed, stable value sets.

__all__ = [
    "AvailabilityInterval",
    "AvailabilityRule",
    "AvailabilitySchedule",
    "AvailableTime",
    "BusyTime",
    "BusyTimeEvent",
    "CalendarEvent",
    "CalendlyModel",
    "Cancellation",
    "Collection",
    "Connection",
    "CustomQuestion",
    "EventGuest",
    "EventMembership",
    "EventType",
    "EventTypeLocation",
    "EventTypeProfile",
    "Invitee",
    "InviteePayment",
    "InviteesCounter",
    "MeetingLocation",
    "NoShow",
    "OrganizationMembership",
    "Pagination",
    "QuestionAndAnswer",
    "Reconfirmation",
    "Resource",
    "ScheduledEvent",
    "ScheduledEventLocation",
    "Tracking",
    "User",
    "UserSummary",
    "WebhookDelivery",
    "WebhookSubscription",
]

T = TypeVar("T")

Status = Literal["active", "canceled"]
Weekday = Literal["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]


class CalendlyModel(BaseModel):
    """Base of every Calendly resource model: unknown fields ignored, fields settable by name or alias."""

    # defer_build: validators are built on first use, not at import, which keeps cold start short.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


# --- envelopes ---------------------------------------------------------------------------------------


class Pagination(CalendlyModel):
    """Paging block of a list answer."""

    count: int | None = Field(None, description="Number of items in this page.")
    next_page: str | None = Field(None, description="URL of the next page (api.calendly.com).")
    previous_page: str | None = Field(None, description="URL of the previous page (api.calendly.com).")
    next_page_token: str | None = Field(None, description="Pass as page_token to get the next page.")
    previous_page_token: str | None = Field(None, description="Pass as page_token to get the previous page.")


class Resource(CalendlyModel, Generic[T]):
    """A single-resource answer: {"resource": ...}."""

    resource: T = Field(description="The resource.")


class Collection(CalendlyModel, Generic[T]):
    """A list answer: {"collection": [...], "pagination": {...}}."""

    collection: list[T] = Field(description="Items of this page.")
    # Unpaginated lists (available times, busy times, schedules) carry no pagination block.
    pagination: Pagination | None = Field(None, description="Paging block; absent on unpaginated lists.")


# --- users -------------------------------------------------------------------------------------------


class MeetingLocation(CalendlyModel):
    """A meeting location a user has set up (GET /locations)."""

    kind: str | None = Field(None, description="Location kind, e.g. zoom_conference, physical.")
    connected: bool | None = Field(None, description="Web conferencing: whether it is connected.")
    # Older answers (recorded) name the location instead of giving its kind.
    type: str | None = Field(None, description="Older answers: the location's type, e.g. zoom.")
    display_name: str | None = Field(None, description="Older answers: its display name.")


class UserSummary(CalendlyModel):
    """A user as nested in an organization membership."""

    uri: str = Field(description="User URI.")
    name: str = Field(description="Full name.")
    slug: str = Field(description="Slug in the user's scheduling URLs.")
    email: str = Field(description="Email address.")
    scheduling_url: str = Field(description="Public booking page URL.")
    timezone: str = Field(description="IANA time zone.")
    avatar_url: str | None = Field(None, description="Avatar image URL.")
    locale: str | None = Field(None, description="UI language, e.g. en.")
    created_at: AwareDatetime = Field(description="When the user was created.")
    updated_at: AwareDatetime = Field(description="When the user was last changed.")


class User(UserSummary):
    """A Calendly user (GET /users/me, /users/{id})."""

    current_organization: str = Field(description="URI of the user's current organization.")
    time_notation: str | None = Field(None, description="12h or 24h.")
    resource_type: str | None = Field(None, description="Always User.")


# --- event types -------------------------------------------------------------------------------------


class EventTypeProfile(CalendlyModel):
    """Owner of an event type."""

    type: str = Field(description="User or Team.")
    name: str = Field(description="Owner's name.")
    owner: str = Field(description="Owner URI.")


class EventTypeLocation(CalendlyModel):
    """A location option configured on an event type."""

    # The spec requires no key here, and a recorded one-off event type has a bare {}.
    kind: str | None = Field(None, description="Location kind, e.g. physical, zoom_conference.")
    location: str | None = Field(None, description="Address or text, for kinds that have one.")
    # Recordings send the number as a JSON number; keep it a string so no digits or "+" are lost.
    phone_number: str | None = Field(None, description="Phone number.", coerce_numbers_to_str=True)
    additional_info: str | None = Field(None, description="Extra details shown to invitees.")
    position: int | None = Field(None, description="Order among the options.")


class CustomQuestion(CalendlyModel):
    """A question the booking form asks."""

    name: str = Field(description="Question text.")
    type: str = Field(description="string, text, phone_number, single_select or multi_select.")
    position: int | None = Field(None, description="Order on the form.")
    enabled: bool | None = Field(None, description="Whether the question is shown.")
    required: bool | None = Field(None, description="Whether an answer is required.")
    answer_choices: list[str] | None = Field(None, description="Choices for select questions.")
    include_other: bool | None = Field(None, description="Whether an 'Other' choice is offered.")


class EventType(CalendlyModel):
    """A bookable event type (GET /event_types)."""

    uri: str = Field(description="Event type URI.")
    name: str | None = Field(None, description="Name.")
    active: bool = Field(description="Whether it can be booked.")
    slug: str | None = Field(None, description="Slug in the scheduling URL.")
    scheduling_url: str = Field(description="Public booking page URL.")
    duration: int = Field(description="Default length in minutes.")
    duration_options: list[int] | None = Field(None, description="Lengths the invitee may pick, minutes.")
    kind: str = Field(description="solo or group.")
    pooling_type: str | None = Field(None, description="round_robin, collective or multi_pool.")
    type: str = Field(description="StandardEventType or AdhocEventType.")
    color: str | None = Field(None, description="Hex colour.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When it was last changed.")
    internal_note: str | None = Field(None, description="Note for the host team.")
    description_plain: str | None = Field(None, description="Description, plain text.")
    description_html: str | None = Field(None, description="Description, HTML.")
    profile: EventTypeProfile | None = Field(None, description="Owner.")
    secret: bool | None = Field(None, description="Hidden from the owner's landing page.")
    booking_method: str | None = Field(None, description="instant or poll.")
    custom_questions: list[CustomQuestion] | None = Field(None, description="Booking form questions.")
    deleted_at: AwareDatetime | None = Field(None, description="When it was deleted.")
    admin_managed: bool | None = Field(None, description="Managed by an admin.")
    locations: list[EventTypeLocation] | None = Field(None, description="Location options.")
    position: int | None = Field(None, description="Order on the landing page.")
    locale: str | None = Field(None, description="Booking page language.")


# --- scheduled events --------------------------------------------------------------------------------


class ScheduledEventLocation(CalendlyModel):
    """Where a meeting takes place."""

    type: str = Field(description="Location type, e.g. physical, zoom, google_conference.")
    location: str | None = Field(None, description="Address, phone number or text.")
    join_url: str | None = Field(None, description="Conference join URL.")
    status: str | None = Field(None, description="Conference status, e.g. pushed.")
    data: dict[str, Any] | None = Field(None, description="Conference provider details.")
    additional_info: str | None = Field(None, description="Extra details.")


class InviteesCounter(CalendlyModel):
    """Invitee counts of a meeting."""

    total: int = Field(description="Invitees ever booked, canceled included.")
    active: int = Field(description="Invitees not canceled.")
    limit: int = Field(description="Most invitees allowed.")


class EventMembership(CalendlyModel):
    """A host of a meeting."""

    user: str = Field(description="Host user URI.")
    user_email: str | None = Field(None, description="Host email.")
    user_name: str | None = Field(None, description="Host name.")
    buffered_start_time: AwareDatetime | None = Field(None, description="Start including buffer.")
    buffered_end_time: AwareDatetime | None = Field(None, description="End including buffer.")


class EventGuest(CalendlyModel):
    """An extra guest added to a meeting."""

    email: str = Field(description="Guest email.")
    created_at: AwareDatetime | None = Field(None, description="When the guest was added.")
    updated_at: AwareDatetime | None = Field(None, description="When the guest was last changed.")


class Cancellation(CalendlyModel):
    """Who cancelled, why and when."""

    # Older answers lack created_at, some lack canceler_type: all optional.
    canceled_by: str | None = Field(None, description="Name of who cancelled.")
    reason: str | None = Field(None, description="Reason given.")
    canceler_type: Literal["host", "invitee"] | None = Field(None, description="host or invitee.")
    created_at: AwareDatetime | None = Field(None, description="When it was cancelled.")


class CalendarEvent(CalendlyModel):
    """External calendar entry of a meeting (deprecated by Calendly)."""

    kind: str | None = Field(None, description="Calendar kind, e.g. google.")
    external_id: str | None = Field(None, description="Id in that calendar.")


class ScheduledEvent(CalendlyModel):
    """A booked meeting (GET /scheduled_events)."""

    uri: str = Field(description="Scheduled event URI.")
    name: str | None = Field(None, description="Name (from the event type).")
    meeting_notes_plain: str | None = Field(None, description="Internal notes, plain text.")
    meeting_notes_html: str | None = Field(None, description="Internal notes, HTML.")
    status: Status = Field(description="active or canceled.")
    start_time: AwareDatetime = Field(description="Start.")
    end_time: AwareDatetime = Field(description="End.")
    event_type: str = Field(description="Event type URI.")
    location: ScheduledEventLocation | None = Field(None, description="Where it takes place.")
    invitees_counter: InviteesCounter | None = Field(None, description="Invitee counts.")
    created_at: AwareDatetime = Field(description="When it was booked.")
    updated_at: AwareDatetime = Field(description="When it was last changed.")
    event_memberships: list[EventMembership] = Field(description="Hosts.")
    event_guests: list[EventGuest] = Field(description="Extra guests.")
    cancellation: Cancellation | None = Field(None, description="Set when canceled.")
    calendar_event: CalendarEvent | None = Field(None, description="External calendar entry.")


# --- invitees ----------------------------------------------------------------------------------------


class QuestionAndAnswer(CalendlyModel):
    """An invitee's answer to a booking form question."""

    question: str = Field(description="Question text.")
    answer: str = Field(description="Answer.")
    position: int | None = Field(None, description="Order on the form.")


class Tracking(CalendlyModel):
    """UTM and Salesforce tracking of a booking."""

    utm_campaign: str | None = Field(None, description="UTM campaign.")
    utm_source: str | None = Field(None, description="UTM source.")
    utm_medium: str | None = Field(None, description="UTM medium.")
    utm_content: str | None = Field(None, description="UTM content.")
    utm_term: str | None = Field(None, description="UTM term.")
    salesforce_uuid: str | None = Field(None, description="Salesforce record id.")


class InviteePayment(CalendlyModel):
    """Payment made when booking."""

    external_id: str | None = Field(None, description="Provider's payment id.")
    provider: str | None = Field(None, description="stripe or paypal.")
    # The spec says a string, the recordings send a number: keep whichever came.
    amount: float | str | None = Field(None, description="Amount paid.")
    currency: str | None = Field(None, description="ISO currency code.")
    terms: str | None = Field(None, description="Payment terms.")
    successful: bool | None = Field(None, description="Whether the payment succeeded.")


class NoShow(CalendlyModel):
    """An invitee marked as no-show."""

    uri: str = Field(description="No-show URI.")
    invitee: str | None = Field(None, description="Invitee URI (on the no-show resource itself).")
    created_at: AwareDatetime | None = Field(None, description="When it was marked.")


class Reconfirmation(CalendlyModel):
    """Reconfirmation request sent to an invitee."""

    created_at: AwareDatetime | None = Field(None, description="When it was requested.")
    confirmed_at: AwareDatetime | None = Field(None, description="When the invitee confirmed.")


class Invitee(CalendlyModel):
    """A person booked on a meeting (GET /scheduled_events/{id}/invitees)."""

    uri: str = Field(description="Invitee URI.")
    email: str = Field(description="Email.")
    first_name: str | None = Field(None, description="First name, when asked separately.")
    last_name: str | None = Field(None, description="Last name, when asked separately.")
    name: str = Field(description="Full name.")
    status: Status = Field(description="active or canceled.")
    questions_and_answers: list[QuestionAndAnswer] = Field(description="Booking form answers.")
    timezone: str | None = Field(None, description="Invitee's IANA time zone.")
    event: str = Field(description="Scheduled event URI.")
    created_at: AwareDatetime = Field(description="When they booked.")
    updated_at: AwareDatetime = Field(description="When last changed.")
    tracking: Tracking | None = Field(None, description="UTM tracking.")
    text_reminder_number: str | None = Field(None, description="Number for SMS reminders.")
    rescheduled: bool | None = Field(None, description="Whether this booking was rescheduled.")
    old_invitee: str | None = Field(None, description="Invitee URI this one rescheduled.")
    new_invitee: str | None = Field(None, description="Invitee URI this one was rescheduled to.")
    cancel_url: str | None = Field(None, description="Page where the invitee can cancel.")
    reschedule_url: str | None = Field(None, description="Page where the invitee can reschedule.")
    routing_form_submission: str | None = Field(None, description="Routing form submission URI.")
    cancellation: Cancellation | None = Field(None, description="Set when canceled.")
    payment: InviteePayment | None = Field(None, description="Payment made.")
    no_show: NoShow | None = Field(None, description="Set when marked no-show.")
    reconfirmation: Reconfirmation | None = Field(None, description="Reconfirmation state.")
    scheduling_method: str | None = Field(None, description="instant_book or api.")
    invitee_scheduled_by: str | None = Field(None, description="URI of who booked on their behalf.")
    scheduled_event: ScheduledEvent | None = Field(None, description="The meeting (webhook payloads only).")


# --- availability ------------------------------------------------------------------------------------


class AvailableTime(CalendlyModel):
    """A bookable slot of an event type."""

    status: str = Field(description="Always available.")
    invitees_remaining: int = Field(description="Seats left.")
    start_time: AwareDatetime = Field(description="Slot start.")
    scheduling_url: str = Field(description="Booking page URL for this slot.")


class BusyTimeEvent(CalendlyModel):
    """The meeting behind a busy time."""

    uri: str = Field(description="Scheduled event URI.")


class BusyTime(CalendlyModel):
    """A span when a user is busy."""

    type: str = Field(description="calendly, reserved or external.")
    start_time: AwareDatetime = Field(description="Start.")
    end_time: AwareDatetime = Field(description="End.")
    buffered_start_time: AwareDatetime | None = Field(None, description="Start including buffer.")
    buffered_end_time: AwareDatetime | None = Field(None, description="End including buffer.")
    event: BusyTimeEvent | None = Field(None, description="The Calendly meeting, for type calendly.")


class AvailabilityInterval(CalendlyModel):
    """An available span within a day, local time of the schedule."""

    # "from" is a Python keyword; the alias keeps Calendly's name on the wire and in schemas.
    from_: str = Field(alias="from", description="Start, HH:MM.")
    to: str = Field(description="End, HH:MM.")


class AvailabilityRule(CalendlyModel):
    """Hours for a weekday or a specific date."""

    type: Literal["wday", "date"] = Field(description="wday (weekly) or date (one day).")
    wday: Weekday | None = Field(None, description="Weekday, for type wday.")
    # Kept a string: the spec's pattern allows unpadded months and days that a date type would refuse.
    date: str | None = Field(None, description="YYYY-MM-DD, for type date.")
    intervals: list[AvailabilityInterval] = Field(description="Available spans; empty = unavailable.")


class AvailabilitySchedule(CalendlyModel):
    """A user's working hours."""

    uri: str = Field(description="Schedule URI.")
    default: bool = Field(description="Whether it is the user's default.")
    name: str = Field(description="Name.")
    user: str = Field(description="User URI.")
    timezone: str = Field(description="IANA time zone of the rules.")
    rules: list[AvailabilityRule] = Field(description="Rules.")


# --- organization ------------------------------------------------------------------------------------


class OrganizationMembership(CalendlyModel):
    """A user's membership in an organization."""

    uri: str = Field(description="Membership URI.")
    role: str = Field(description="user, admin or owner.")
    user: UserSummary = Field(description="The member.")
    organization: str = Field(description="Organization URI.")
    created_at: AwareDatetime = Field(description="When the user joined.")
    updated_at: AwareDatetime = Field(description="When last changed.")


# --- webhooks ----------------------------------------------------------------------------------------


class WebhookSubscription(CalendlyModel):
    """A webhook subscription."""

    uri: str = Field(description="Subscription URI.")
    callback_url: str = Field(description="URL Calendly POSTs to.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")
    retry_started_at: AwareDatetime | None = Field(None, description="When failing deliveries began.")
    state: Literal["active", "disabled"] = Field(description="active or disabled.")
    events: list[str] = Field(description="Subscribed events, e.g. invitee.created.")
    scope: str = Field(description="organization, user or group.")
    organization: str = Field(description="Organization URI.")
    user: str | None = Field(None, description="User URI, for scope user.")
    group: str | None = Field(None, description="Group URI, for scope group.")
    creator: str | None = Field(None, description="URI of the user who created it.")


class WebhookDelivery(CalendlyModel):
    """A webhook delivery Calendly POSTs to a subscriber."""

    event: str = Field(description="Event name, e.g. invitee.created.")
    created_at: AwareDatetime = Field(description="When the event happened.")
    created_by: str = Field(description="URI of the user who caused it.")
    # invitee.* and invitee_no_show.* carry an Invitee with its scheduled_event; other events
    # (routing forms, event types, contacts, meeting recaps) carry other shapes, kept as plain JSON.
    payload: Invitee | dict[str, Any] = Field(
        union_mode="left_to_right", description="Invitee (with scheduled_event) or other event data."
    )


# --- Maton -------------------------------------------------------------------------------------------


class Connection(CalendlyModel):
    """A Maton gateway connection to a Calendly account."""

    connection_id: str = Field(description="Connection id, for the Maton-Connection header.")
    status: str = Field(description="PENDING, ACTIVE or FAILED.")
    creation_time: AwareDatetime | None = Field(None, description="When it was created.")
    last_updated_time: AwareDatetime | None = Field(None, description="When last changed.")
    url: str | None = Field(None, description="URL to open to finish OAuth.")
    app: str | None = Field(None, description="Always calendly here.")
    method: str | None = Field(None, description="Auth method, e.g. OAUTH2.")
    metadata: dict[str, Any] | None = Field(None, description="Maton metadata.")
