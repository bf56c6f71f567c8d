"""Event type administration: create and edit one-on-one event types, and set an event type's hours."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Annotated, Any, Literal

from mcp.types import ToolAnnotations
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import JSON
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.event_type_admin import (
    BUFFERS,
    Buffer,
    EventTypeDetail,
    EventTypeSchedule,
    LocationArg,
    RuleArg,
)
from calendly_mcp.schemas.inputs import EventTypeId, Timezone, UserArg
from calendly_mcp.schemas.outputs import Items
from calendly_mcp.schemas.resources import Collection, Resource
from calendly_mcp.tools._base import CREATE, READ, Ctx, Toolset, client, parse
from calendly_mcp.tools._scope import user_uri

TOOLS = Toolset("event_type_admin", default=False)

# Overwrites what it is given; sending the same again changes nothing more.
OVERWRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)

# Calendly's limits: POST/PATCH /event_types (spec of 2026-10) and the release notes of 2026-11-13.
# The name limit is the one Calendly's booking pages keep (and its spec states for one-off event types).
NAME_MAX = 55
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
Duration = Annotated[int | None, Field(ge=1, le=720, description="Minutes")]
Options = Annotated[list[int] | None, Field(max_length=4, description="Minutes")]
Description = Annotated[str | None, Field(description="Shown to invitees")]
Locations = Annotated[list[LocationArg] | None, Field(max_length=20, description="Replaces all")]
Color = Annotated[str | None, Field(pattern=r"^#[a-f\d]{6}$", description="Hex")]
Locale = Literal["de", "en", "es", "fr", "it", "nl", "pt", "uk"]
Increment = Annotated[int | None, Field(ge=5, le=720, description="Minutes apart")]
BufferArg = Annotated[Buffer | None, Field(description="Minutes")]
PACING = ("start_time_increment", "before_buffer", "after_buffer")


def _body(**given: Any) -> JSON:
    """The fields given, as Calendly names them; locations as plain objects."""
    body: JSON = {}
    for key, value in given.items():
        if value is None:
            continue
        if key == "locations":
            value = [location.to_api() for location in value]
        body[key] = value
    return body


def _check_durations(duration: int | None, options: list[int] | None) -> None:
    if options is None:
        return
    if len(set(options)) != len(options):
        raise InvalidInputError(f"duration_options {options} repeats a length; give up to 4 different ones")
    wrong = [o for o in options if not 1 <= o <= 720]
    if wrong:
        raise InvalidInputError(f"duration_options: {wrong[0]} is out of range; each is 1 to 720 minutes")
    if duration is not None and options and duration not in options:
        raise InvalidInputError(f"duration {duration} is not one of duration_options {options}")


def _check_buffers(**buffers: int | None) -> None:
    for key, value in buffers.items():
        if value is not None and value not in BUFFERS:
            allowed = ", ".join(map(str, BUFFERS))
            raise InvalidInputError(f"{key}: {value} minutes is not offered; accepted: one of {allowed}")


def _check_name(name: str | None) -> None:
    if name is not None and not name.strip():
        raise InvalidInputError("name is blank: give the event type's name (1 to 55 characters)")


@TOOLS.tool("Create event type", CREATE)
async def create_event_type(
    ctx: Ctx,
    name: Annotated[Name, Field(description="Shown to invitees")],
    duration: Duration = None,
    duration_options: Options = None,
    owner: UserArg = None,
    description: Description = None,
    locations: Locations = None,
    color: Color = None,
    locale: Locale | None = None,
    active: Annotated[bool | None, Field(description="Default false")] = None,
    start_time_increment: Increment = None,
    before_buffer: BufferArg = None,
    after_buffer: BufferArg = None,
) -> EventTypeDetail:
    """Create a one-on-one event type."""
    _check_name(name)
    _check_durations(duration, duration_options)
    _check_buffers(before_buffer=before_buffer, after_buffer=after_buffer)
    api = client(ctx)
    body = {"owner": await user_uri(api, owner)} | _body(
        name=name,
        duration=duration,
        duration_options=duration_options,
        description=description,
        locations=locations,
        color=color,
        locale=locale,
        active=active,
        start_time_increment=start_time_increment,
        before_buffer=before_buffer,
        after_buffer=after_buffer,
    )
    check = f"Call list_event_types and look for {name!r} before creating it again."
    return parse(Resource[EventTypeDetail], await api.post("/event_types", body, check=check)).resource


@TOOLS.tool("Update event type", OVERWRITE)
async def update_event_type(
    ctx: Ctx,
    event_type: EventTypeId,
    name: Annotated[Name | None, Field(description="New name")] = None,
    duration: Duration = None,
    duration_options: Options = None,
    description: Description = None,
    locations: Locations = None,
    color: Color = None,
    locale: Locale | None = None,
    active: Annotated[bool | None, Field(description="Bookable")] = None,
    start_time_increment: Increment = None,
    before_buffer: BufferArg = None,
    after_buffer: BufferArg = None,
) -> EventTypeDetail:
    """Change the given fields of a one-on-one event type."""
    _check_name(name)
    _check_durations(duration, duration_options)
    _check_buffers(before_buffer=before_buffer, after_buffer=after_buffer)
    body = _body(
        name=name,
        duration=duration,
        duration_options=duration_options,
        description=description,
        locations=locations,
        color=color,
        locale=locale,
        active=active,
        start_time_increment=start_time_increment,
        before_buffer=before_buffer,
        after_buffer=after_buffer,
    )
    if not body:
        raise InvalidInputError(
            "nothing to change: give at least one of name, duration, duration_options, description, "
            "locations, color, locale, active, start_time_increment, before_buffer, after_buffer"
        )
    path = ids.path("event_types", event_type)
    api = client(ctx)
    # Read it first: Calendly edits only one-on-one event types, and durations must fit their options.
    current = parse(Resource[EventTypeDetail], await api.get(path)).resource
    if current.kind != "solo" or current.pooling_type or current.type == "AdhocEventType":
        kind = current.pooling_type or ("one-off" if current.type == "AdhocEventType" else current.kind)
        pacing = [key for key in PACING if key in body]
        what = f"{', '.join(pacing)} apply" if pacing else "Calendly's API edits"
        raise InvalidInputError(
            f"{what} to one-on-one event types only; {current.name!r} is a {kind} event type",
            hint="Edit it in Calendly's web app.",
        )
    new_duration = duration if duration is not None else current.duration
    options = duration_options if duration_options is not None else current.duration_options
    if options and new_duration not in options:
        raise InvalidInputError(
            f"duration {new_duration} is not one of duration_options {options}",
            hint="Give duration and duration_options together.",
        )
    check = f"Call get_event_type with event_type={ids.bare('event_types', event_type)} to see the change."
    return parse(Resource[EventTypeDetail], await api.patch(path, body, check=check)).resource


@TOOLS.tool("List event type availability", READ)
async def list_event_type_availability_schedules(
    ctx: Ctx, event_type: EventTypeId
) -> Items[EventTypeSchedule]:
    """An event type's hours: time zone and rules."""
    params = {"event_type": ids.uri("event_types", event_type)}
    found = parse(
        Collection[EventTypeSchedule], await client(ctx).get("/event_type_availability_schedules", params)
    )
    return Items(collection=found.collection)


def _check_rules(rules: list[RuleArg]) -> None:
    seen: set[str] = set()
    for number, rule in enumerate(rules, 1):
        where = f"rules[{number}]"
        if rule.type == "wday":
            if rule.wday is None or rule.date is not None:
                raise InvalidInputError(f"{where}: a wday rule needs wday (monday...sunday) and no date")
            day = rule.wday
        else:
            if rule.date is None or rule.wday is not None:
                raise InvalidInputError(f"{where}: a date rule needs date (YYYY-MM-DD) and no wday")
            try:
                day = date.fromisoformat(rule.date).isoformat()
            except ValueError:
                raise InvalidInputError(f"{where}: date {rule.date!r} is not a date as YYYY-MM-DD") from None
        if day in seen:
            raise InvalidInputError(f"{where}: {day} has a rule already; give each day once")
        seen.add(day)
        spans = sorted((i.from_, i.to) for i in rule.intervals)
        for start, end in spans:
            if start >= end:
                raise InvalidInputError(f"{where} ({day}): interval {start}-{end} must end after it starts")
        for (_, end), (start, later) in itertools.pairwise(spans):
            if start < end:
                raise InvalidInputError(
                    f"{where} ({day}): interval {start}-{later} overlaps one ending {end}"
                )


@TOOLS.tool("Update event type availability", OVERWRITE)
async def update_event_type_availability_schedules(
    ctx: Ctx,
    event_type: EventTypeId,
    timezone: Annotated[Timezone, Field(description="Of the rules")],
    rules: Annotated[
        list[RuleArg] | None, Field(max_length=400, description="All rules, unchanged ones too")
    ] = None,
    user: Annotated[str | None, Field(max_length=256, description="Host, if not you")] = None,
) -> EventTypeSchedule:
    """Set an event type's hours; rules replace all: resend unchanged ones."""
    if rules is not None:
        _check_rules(rules)
    rule: JSON = {"timezone": timezone}
    if rules is not None:
        rule["rules"] = [r.model_dump(by_alias=True, exclude_none=True) for r in rules]
    if user is not None:
        rule["user"] = ids.uri("users", user) if user != "me" else await user_uri(client(ctx), user)
    params = {"event_type": ids.uri("event_types", event_type)}
    api = client(ctx)
    check = f"Call list_event_type_availability_schedules with event_type={params['event_type']} to see."
    answer = await api.patch(
        "/event_type_availability_schedules", {"availability_rule": rule}, check=check, params=params
    )
    if "resource" in answer:
        return parse(Resource[EventTypeSchedule], answer).resource
    # Some answers carry only a message: the schedule as it is now is the answer.
    found = parse(Collection[EventTypeSchedule], await api.get("/event_type_availability_schedules", params))
    return found.collection[0] if found.collection else EventTypeSchedule(event_type=params["event_type"])
