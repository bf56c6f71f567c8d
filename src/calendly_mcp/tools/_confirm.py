"""Confirmation: a booking, cancellation, deletion, removal or reschedule asks the user first.

A tool that changes something takes a parameter `confirmed: Annotated[Confirmed, Resolve(_ask_...)]`.
The SDK runs the resolver before the tool's body; the resolver returns `Elicit(question, Confirm)` when
the client declared form elicitation and `CALENDLY_MCP_CONFIRM` is `elicit`, and a plain `Confirm()`
otherwise (nothing asked: the host's own approval of tool calls applies). The SDK carries the question
the way the protocol of the call wants it: a standalone `elicitation/create` request mid-call up to
2025-11-25, an `InputRequiredResult` answered by a retry with `request_state` from 2026-07-28. The body
calls `go_ahead(confirmed, ...)` first: a declined or cancelled question stops it before any write.

The resolver runs again on each round of the 2026-07-28 exchange, and the SDK accepts the recorded
answer only for the very same question: the question must be worded from the same facts each time
(Calendly's answers), never from the clock.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import (
    AcceptedElicitation,
    DeclinedElicitation,
    Elicit,
    ElicitationResult,
)
from pydantic import BaseModel, Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import CalendlyMcpError
from calendly_mcp.schemas.resources import Invitee, Resource, ScheduledEvent
from calendly_mcp.tools._base import Ctx, page, parse, state
from calendly_mcp.tools._mcp import explain


class Confirm(BaseModel):
    """The form a client shows: accepting it is the confirmation."""

    confirm: bool = Field(default=True, description="Go ahead")


Confirmed = ElicitationResult[Confirm]
Asked = Elicit[Confirm] | Confirm


class NotConfirmedError(CalendlyMcpError):
    """The user declined or cancelled the confirmation: nothing was done."""


def can_elicit(ctx: Ctx) -> bool:
    """Whether this call's client declared form elicitation (a bare `elicitation: {}` counts as form)."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    if elicitation is None or (elicitation.form is None and elicitation.url is not None):
        return False
    version = ctx.protocol_version
    if version is not None and version >= "2026-07-28":
        return True
    # Up to 2025-11-25 the question is a request to the client mid-call: the transport must carry one.
    return bool(ctx.session.can_send_request)


async def ask(ctx: Ctx, question: Callable[[], Awaitable[str] | str]) -> Asked:
    """The question to put to the user, or a plain go-ahead where nothing is to be asked.

    `question` is only worked out when it will be asked (it may read Calendly). Its failures are the
    call's answer, in the words every tool failure has (a resolver's own exception would reach the model
    as a bare "Error executing tool").
    """
    if state(ctx).settings.calendly_mcp_confirm == "off" or not can_elicit(ctx):
        return Confirm()
    try:
        text = question()
        message = await text if inspect.isawaitable(text) else text
    except CalendlyMcpError as exc:
        raise ToolError(explain(exc)) from None
    return Elicit(message, Confirm)


def go_ahead(confirmed: Confirmed, what: str) -> None:
    """Return when the change may be made; else stop the call, saying that nothing was done.

    `what` completes "The user declined to ...": e.g. "cancel the meeting".
    """
    if isinstance(confirmed, AcceptedElicitation) and confirmed.data.confirm:
        return
    how = (
        "cancelled the question"
        if not isinstance(confirmed, AcceptedElicitation | DeclinedElicitation)
        else "declined"
    )
    raise NotConfirmedError(
        f"Not done: the user {how} when asked to {what}. Nothing was changed",
        hint="Ask the user what they want instead; call again only if they change their mind.",
    )


def zone_of(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def when(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """`Tue 8 Dec 10:00-10:30 America/Sao_Paulo`: a meeting's time as its invitee reads it."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    day = f"{a:%a} {a.day} {a:%b}" + (f" {a.year}" if a.year != datetime.now(zone).year else "")
    until = f"{b:%H:%M}" if b.date() == a.date() else f"{b:%a} {b.day} {b:%b} {b:%H:%M}"
    return f"{day} {a:%H:%M}-{until} {zone.key}"


def who(people: list[Invitee]) -> str:
    """`Ana (ana@x)`, `Ana (ana@x) and Bo (bo@y)`, `Ana (ana@x) and 3 others`."""
    named = [f"{p.name} ({p.email})" for p in people]
    if len(named) <= 2:
        return " and ".join(named)
    return f"{named[0]} and {len(named) - 1} others"


def meeting(event: ScheduledEvent, people: list[Invitee], fallback: ZoneInfo) -> str:
    """`the 30 Minute Meeting with Ana (ana@x) on Tue 8 Dec 10:00-10:30 America/Sao_Paulo`, in the first
    invitee's own zone (the host's where the meeting has no invitee)."""
    zone = zone_of(people[0].timezone if people else None, fallback)
    with_whom = f" with {who(people)}" if people else ""
    return f"the {meeting_name(event, people)}{with_whom} on {when(event.start_time, event.end_time, zone)}"


def meeting_name(event: ScheduledEvent, people: list[Invitee]) -> str:
    """The meeting's name without a trailing "with <invitee>" (some names carry one): the question
    names the people itself."""
    name = event.name or "meeting"
    for person in people:
        name = name.removesuffix(f" with {person.name}")
    return name


async def meeting_and_invitees(api: CalendlyClient, event: str) -> tuple[ScheduledEvent, list[Invitee]]:
    """A meeting and its invitees (their first page: a question names a few, not all): the active ones,
    or of a canceled meeting the canceled ones (they were its people)."""
    found = parse(Resource[ScheduledEvent], await api.get(ids.path("scheduled_events", event))).resource
    params: dict[str, str | int | bool | None] = {"status": found.status, "count": 20}
    answer = await api.get(ids.path("scheduled_events", event, "invitees"), params)
    return found, page(Invitee, answer).collection
