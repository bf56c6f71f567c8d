"""Models of event type administration: an event type with its start-time increment and buffers, its
hosts, its own hours, and the argument types of the tools that edit them."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from calendly_mcp.schemas.inputs import LocationKind
from calendly_mcp.schemas.resources import AvailabilityRule, CalendlyModel, EventType, User, Weekday

__all__ = [
    "BUFFERS",
    "Buffer",
    "EventTypeDetail",
    "EventTypeHost",
    "EventTypeRef",
    "EventTypeSchedule",
    "HostRow",
    "IntervalArg",
    "LocationArg",
    "RuleArg",
    "ScheduleRules",
]

# Calendly's fields of 2026-11-13 (release notes): the increment is 5..720 minutes, a buffer one of these.
BUFFERS = (0, 5, 10, 15, 30, 45, 60, 90, 120, 150, 180)
# An integer, not an enum of integers: some clients turn integer enums into text and lose them.
Buffer = Annotated[int, Field(ge=0, le=180)]


class EventTypeDetail(EventType):
    """An event type whole, with the start-time increment and buffers (Calendly, 2026-11-13)."""

    start_time_increment: int | None = Field(default=None, description="Minutes between offered start times.")
    before_buffer: int | None = Field(default=None, description="Minutes kept free before a meeting.")
    after_buffer: int | None = Field(default=None, description="Minutes kept free after a meeting.")


# --- hosts -------------------------------------------------------------------------------------------


class EventTypeRef(CalendlyModel):
    """The event type nested in a host entry (recordings carry only some of its fields)."""

    uri: str = Field(description="Event type URI.")
    name: str | None = Field(default=None, description="Name.")
    kind: str | None = Field(default=None, description="solo or group.")


class EventTypeHost(CalendlyModel):
    """A host of an event type (GET /event_type_memberships)."""

    uri: str = Field(description="Event type membership URI.")
    event_type: EventTypeRef = Field(description="The event type.")
    member: User | None = Field(default=None, description="The host.")
    created_at: AwareDatetime | None = Field(default=None, description="When the host was added.")
    updated_at: AwareDatetime | None = Field(default=None, description="When last changed.")


class HostRow(BaseModel):
    """A host of an event type, in a list."""

    uri: str = Field(description="Membership URI")
    user: str | None = Field(default=None, description="User URI")
    name: str | None = None
    email: str | None = None
    timezone: str | None = None

    @classmethod
    def of(cls, host: EventTypeHost) -> HostRow:
        member = host.member
        if member is None:
            return cls(uri=host.uri)
        return cls(
            uri=host.uri, user=member.uri, name=member.name, email=member.email, timezone=member.timezone
        )


# --- an event type's own hours -----------------------------------------------------------------------


class ScheduleRules(CalendlyModel):
    """The hours an event type offers: a time zone and its rules."""

    timezone: str | None = Field(default=None, description="IANA time zone of the rules.")
    uri: str | None = Field(default=None, description="The schedule's URI.")
    name: str | None = Field(default=None, description="The schedule's name.")
    user: str | None = Field(default=None, description="Host user URI.")
    rules: list[AvailabilityRule] | None = Field(default=None, description="Rules by weekday or date.")


class EventTypeSchedule(CalendlyModel):
    """An event type's availability (GET /event_type_availability_schedules)."""

    event_type: str | None = Field(default=None, description="Event type URI.")
    availability_setting: str | None = Field(
        default=None, description="host: every host shares the schedule."
    )
    availability_rule: ScheduleRules | None = Field(default=None, description="Time zone and rules.")


# --- arguments ---------------------------------------------------------------------------------------

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _clock(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise ValueError(f"{value[:20]!r} is not a time of day as HH:MM (00:00 to 23:59)")
    return value


Clock = Annotated[str, Field(max_length=5), AfterValidator(_clock)]


def _all_required(schema: dict[str, Any]) -> None:
    # Strict clients (OpenAI) require every key and keep the optional ones nullable; saying so here keeps
    # the schema the same in every client, while a key left out still reads as null.
    schema["required"] = list(schema.get("properties", {}))


# Argument models carry no docstring: it would be repeated in every tool schema that uses them.
class IntervalArg(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: Clock = Field(alias="from", description="HH:MM")
    to: Clock = Field(description="HH:MM, after from")


class RuleArg(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)
    type: Literal["wday", "date"]
    wday: Weekday | None = None
    # Described inside the non-null branch, where every client keeps it.
    date: Annotated[str, Field(max_length=10, description="YYYY-MM-DD")] | None = None
    intervals: list[IntervalArg] = Field(max_length=24, description="Empty: unavailable")


class LocationArg(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)
    kind: LocationKind
    location: Annotated[str, Field(max_length=1000, description="Address, phone or text")] | None = None

    def to_api(self) -> dict[str, str]:
        """As Calendly configures it: an inbound call's number is its phone_number."""
        if self.location is None:
            return {"kind": self.kind}
        key = "phone_number" if self.kind == "inbound_call" else "location"
        return {"kind": self.kind, key: self.location}
