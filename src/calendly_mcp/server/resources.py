"""MCP resources and prompts: what a client can attach to a conversation without a tool call, and short
texts that steer a model through the tools.

Resources (each read is one or two Calendly requests, compact JSON without nulls):
- `calendly://me`: the current user (name, e-mail, zone, organization, scheduling page);
- `calendly://event-types`: the current user's active event types (up to 100, with how to get the rest);
- `calendly://agenda/{date}`: that day's meetings (YYYY-MM-DD, midnight to midnight in the user's zone);
- `calendly://inbox` comes with the webhook inbox.

The SDK gives a static resource no request context (and so no Calendly client): `CalendlyServer` routes
the reads of those it knows to `read` here with the context, and the resource objects only list them.
The handlers are the tools' own (imported on first read, as tools are on first call), so a resource
says exactly what the tool would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import date as Date
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from mcp.server.caching import CacheHint
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.server.mcpserver.resources.base import Resource

from calendly_mcp.state import AppState

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

Ctx = Context[AppState, Any]  # at run time: the SDK finds the context parameter by its annotation

JSON_TYPE = "application/json"
EVENT_TYPES_SHOWN = 100
AGENDA_SHOWN = 50  # list_scheduled_events's largest page (answers stay bounded)

# What a client may cache. The lists are fixed for the life of the process (toolsets are chosen at
# start), so they may be kept and shared; a resource read is Calendly's data of this credential, which
# bookings change at any moment (and the inbox with every delivery): private and stale at once.
HOUR_MS = 3_600_000
CACHE_HINTS: dict[Any, CacheHint] = {
    "tools/list": CacheHint(ttl_ms=HOUR_MS, scope="public"),
    "prompts/list": CacheHint(ttl_ms=HOUR_MS, scope="public"),
    "resources/list": CacheHint(ttl_ms=HOUR_MS, scope="public"),
    "resources/templates/list": CacheHint(ttl_ms=HOUR_MS, scope="public"),
    "resources/read": CacheHint(ttl_ms=0, scope="private"),
}

Reader = Callable[[Ctx], Awaitable[Any]]


class ContextResource(Resource):
    """A static resource read with the request's context (`CalendlyServer.read_resource` routes it)."""

    async def read(self) -> str | bytes:
        raise ResourceError(f"{self.uri} can only be read through the server")


def text(value: Any) -> str:
    """A tool's answer as a resource's text: compact JSON, nulls left out (as tool results are)."""
    from pydantic import BaseModel

    data = value.model_dump(mode="json", exclude_none=True) if isinstance(value, BaseModel) else value
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


async def _me(ctx: Ctx) -> Any:
    from calendly_mcp.tools.users import get_current_user

    return await get_current_user(ctx)


async def _event_types(ctx: Ctx) -> Any:
    from calendly_mcp.tools.event_types import list_event_types

    found = await list_event_types(ctx, active=True, count=EVENT_TYPES_SHOWN)
    answer = found.model_dump(mode="json", exclude_none=True)
    if found.next_page_token:
        answer["more"] = "More active event types exist: call list_event_types with the page_token."
    return answer


READERS: dict[str, tuple[Reader, str, str]] = {
    "calendly://me": (_me, "Current user", "You on Calendly: name, e-mail, time zone, organization."),
    "calendly://event-types": (
        _event_types,
        "Your event types",
        f"Your active event types (up to {EVENT_TYPES_SHOWN}): name, duration, link.",
    ),
}

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


async def agenda(date: str, ctx: Ctx) -> str:
    """A day's meetings, midnight to midnight in the current user's zone, active and canceled."""
    from calendly_mcp.client.errors import CalendlyMcpError
    from calendly_mcp.tools._base import client
    from calendly_mcp.tools._mcp import explain
    from calendly_mcp.tools._scope import caller_zone
    from calendly_mcp.tools.events import list_scheduled_events

    if not DAY.fullmatch(date):
        raise ResourceError(f"calendly://agenda/{date}: the date must be YYYY-MM-DD, e.g. 2026-12-07")
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise ResourceError(f"calendly://agenda/{date}: no such date; give YYYY-MM-DD") from None
    try:
        zone: ZoneInfo = await caller_zone(client(ctx))
        start = datetime.combine(day, time(), zone)
        end = datetime.combine(day + timedelta(days=1), time(), zone)
        found = await list_scheduled_events(
            ctx, min_start_time=start, max_start_time=end, count=AGENDA_SHOWN, sort="start_time:asc"
        )
    except CalendlyMcpError as exc:
        raise ResourceError(f"calendly://agenda/{date}: {explain(exc)}") from None
    answer = found.model_dump(mode="json", exclude_none=True)
    answer = {"date": date, **answer}
    if found.next_page_token:
        answer["more"] = (
            f"More than {AGENDA_SHOWN} meetings that day: call list_scheduled_events with the page_token."
        )
    return text(answer)


async def read(uri: str, ctx: Ctx) -> str | None:
    """The text of a static resource of ours, or None when `uri` is not one."""
    from calendly_mcp.client.errors import CalendlyMcpError
    from calendly_mcp.tools._mcp import explain

    known = READERS.get(uri)
    if known is None:
        return None
    try:
        return text(await known[0](ctx))
    except CalendlyMcpError as exc:
        raise ResourceError(f"{uri}: {explain(exc)}") from None


def schedule_meeting(with_whom: str, duration: str = "30", when: str = "this week") -> str:
    """Find a time with someone and book it."""
    return (
        f"Schedule a {duration}-minute meeting with {with_whom}, {when}. Steps: read calendly://me for my "
        "zone. If they are colleagues in my organization, find_common_free_times with them and me for that "
        "range and length; otherwise list_event_types, pick the event type of that length, and "
        "list_event_type_available_times (find_available_times past 7 days). Propose up to three slots in "
        "my zone and theirs if known, and book only the one I choose, with create_event_invitee and the "
        "exact start_time a slot list returned. Say what was booked and the cancel link."
    )


def summarize_week(week_start: str = "") -> str:
    """Summarize a week of meetings."""
    week = f"the week starting {week_start}" if week_start else "this week (Monday to Sunday)"
    return (
        f"Summarize my Calendly meetings for {week}. Read calendly://me for my zone, then "
        "list_scheduled_events with min_start_time and max_start_time covering that week in my zone "
        "(follow next_page_token to the end). Group by day: time (my zone), meeting name, who (from "
        "list_event_invitees where it matters), canceled ones marked. End with the busiest day, the "
        "total hours booked, and anything that overlaps."
    )


def triage_no_shows(days: str = "7") -> str:
    """Find recent meetings whose invitees did not come."""
    return (
        f"Review my meetings of the last {days} days that have ended. list_scheduled_events (status active, "
        "max_start_time now), then list_event_invitees of each. For each invitee not yet marked, ask me "
        "whether they attended; mark those I say did not come with mark_invitee_no_show, and remove a "
        "mark I say is wrong with delete_invitee_no_show. Do not mark anyone without my word. Finish with "
        "who was marked, and offer a single-use scheduling link (create_scheduling_link) to rebook each."
    )


# Each prompt's arguments, as clients show them (all text, as prompt arguments are).
PROMPTS: tuple[tuple[Callable[..., str], str, tuple[tuple[str, str, bool], ...]], ...] = (
    (
        schedule_meeting,
        "Schedule a meeting",
        (
            ("with_whom", "Who to meet: names or e-mails", True),
            ("duration", "Length in minutes (default 30)", False),
            ("when", "When, in words: a day, a range (default this week)", False),
        ),
    ),
    (
        summarize_week,
        "Summarize a week",
        (("week_start", "First day, YYYY-MM-DD (default this week)", False),),
    ),
    (triage_no_shows, "Triage no-shows", (("days", "How many days back (default 7)", False),)),
)


def register(server: MCPServer[Any]) -> None:
    """Add the resources, the agenda template and the prompts to the server."""
    for uri, (_, title, description) in READERS.items():
        name = uri.removeprefix("calendly://")
        server.add_resource(
            ContextResource(uri=uri, name=name, title=title, description=description, mime_type=JSON_TYPE)
        )
    server.resource(
        "calendly://agenda/{date}",
        name="agenda",
        title="Agenda of a day",
        description="A day's meetings (date YYYY-MM-DD, in your zone), times in UTC and local.",
        mime_type=JSON_TYPE,
    )(agenda)
    # Built by hand: `Prompt.from_function` makes a pydantic model a prompt (5 ms at start-up for three
    # prompts whose arguments are all text).
    for fn, title, arguments in PROMPTS:
        server.add_prompt(
            Prompt(
                name=fn.__name__,
                title=title,
                description=fn.__doc__,
                arguments=[PromptArgument(name=n, description=d, required=r) for n, d, r in arguments],
                fn=fn,
                context_kwarg=None,
            )
        )
