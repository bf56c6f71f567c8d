"""Single-use scheduling links and shares (a link with overrides), as Calendly answers them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from calendly_mcp.schemas.resources import AvailabilityInterval, CalendlyModel, EventTypeLocation, Weekday

__all__ = ["SchedulingLink", "Share", "ShareAvailability", "ShareOverride", "ShareRule"]


class SchedulingLink(CalendlyModel):
    """A booking link that books its event type once."""

    booking_url: str = Field(description="The link to send: books once.")
    owner: str | None = Field(None, description="Event type URI.")
    owner_type: str | None = Field(None, description="Always EventType.")


class ShareRule(CalendlyModel):
    """Hours for a weekday or a date, in the share's time zone."""

    type: Literal["wday", "date"] = Field(description="wday (weekly) or date (one day).")
    wday: Weekday | None = Field(None, description="Weekday, for type wday.")
    date: str | None = Field(None, description="YYYY-MM-DD, for type date.")
    intervals: list[AvailabilityInterval] | None = Field(None, description="Spans; empty = unavailable.")


class ShareAvailability(CalendlyModel):
    """When a share can be booked."""

    rules: list[ShareRule] = Field(description="Hours per weekday or date.")
    timezone: str = Field(description="IANA zone of the hours.")


class ShareOverride(CalendlyModel):
    """What a share books: its overrides, the event type's settings elsewhere."""

    name: str | None = Field(None, description="Name shown.")
    duration: int | None = Field(None, description="Minutes.")
    duration_options: list[int] | None = Field(None, description="Minutes the invitee may pick.")
    period_type: str | None = Field(None, description="fixed, moving, available_moving or unlimited.")
    start_date: str | None = Field(None, description="First bookable day (fixed).")
    end_date: str | None = Field(None, description="Last bookable day (fixed).")
    max_booking_time: int | None = Field(None, description="Days ahead bookable (moving).")
    hide_location: bool | None = Field(None, description="Location shown only once booked.")
    location_configurations: list[EventTypeLocation] | None = Field(None, description="Location options.")
    availability_rule: ShareAvailability | None = Field(None, description="Hours.")


class Share(CalendlyModel):
    """A customized single-use link: the link, and what it books."""

    scheduling_links: list[SchedulingLink] = Field(description="The link (one).")
    share_override: ShareOverride = Field(description="What the link books.")
