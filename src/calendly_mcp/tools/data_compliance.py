"""Data compliance: erase invitees' data by e-mail, or meetings' data by time range (Enterprise plan)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from mcp.server.mcpserver.resolve import Resolve
from pydantic import BaseModel, Field

from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import Email, Time
from calendly_mcp.tools._base import DESTROY, Ctx, Toolset, client, iso_utc
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead

TOOLS = Toolset("data_compliance", default=False)

# Calendly: "Time range can be no greater than 24 months and must occur in the past."
MAX_RANGE_MONTHS = 24
# The spec sets no limit on e-mails per request; this keeps one call (and its answer) small.
MAX_EMAILS = 100


class DeletionRequested(BaseModel):
    """Calendly accepted the deletion request (202); it completes within 7 days."""

    accepted: bool = True
    note: str = "Calendly completes deletions within 7 days; they cannot be undone."


async def _ask_erase_invitees(ctx: Ctx, emails: list[str]) -> Asked:
    def question() -> str:
        wanted = list(dict.fromkeys(emails))
        shown = ", ".join(wanted[:5]) + (f" and {len(wanted) - 5} more" if len(wanted) > 5 else "")
        return f"Erase all Calendly data of {shown} (their meetings and answers)? This cannot be undone."

    return await ask(ctx, question)


@TOOLS.tool("Delete invitee data", DESTROY)
async def delete_invitee_data(
    ctx: Ctx,
    confirmed: Annotated[Confirmed, Resolve(_ask_erase_invitees)],
    emails: Annotated[
        list[Email], Field(min_length=1, max_length=MAX_EMAILS, description="Invitees to erase")
    ],
) -> DeletionRequested:
    """Erase these invitees' data. Irreversible."""
    wanted = list(dict.fromkeys(emails))
    go_ahead(confirmed, "erase their data")
    await client(ctx).post(
        "/data_compliance/deletion/invitees",
        {"emails": wanted},
        check=(
            f"Call list_scheduled_events with your organization and invitee_email={wanted[0]}: "
            "no meetings means it was done."
        ),
    )
    return DeletionRequested()


async def _ask_erase_meetings(ctx: Ctx, start_time: datetime, end_time: datetime) -> Asked:
    def question() -> str:
        _check_range(start_time, end_time)  # a range that will be refused is not worth asking about
        return (
            f"Erase all Calendly data of the meetings from {iso_utc(start_time)} to {iso_utc(end_time)}? "
            "This cannot be undone."
        )

    return await ask(ctx, question)


@TOOLS.tool("Delete scheduled event data", DESTROY)
async def delete_scheduled_event_data(
    ctx: Ctx,
    confirmed: Annotated[Confirmed, Resolve(_ask_erase_meetings)],
    start_time: Annotated[Time, Field(description="Meetings starting at or after")],
    end_time: Annotated[Time, Field(description="and before (past)")],
) -> DeletionRequested:
    """Erase meetings in a past range. Irreversible."""
    _check_range(start_time, end_time)
    go_ahead(confirmed, "erase the meetings' data")
    start, end = iso_utc(start_time), iso_utc(end_time)
    await client(ctx).post(
        "/data_compliance/deletion/events",
        {"start_time": start, "end_time": end},
        check=(
            f"Call list_scheduled_events with your organization, min_start_time={start} and "
            f"max_start_time={end}: no meetings means it was done."
        ),
    )
    return DeletionRequested()


def _check_range(start_time: datetime, end_time: datetime) -> None:
    if end_time <= start_time:
        raise InvalidInputError(
            f"end_time {end_time.isoformat()} is not after start_time {start_time.isoformat()}"
        )
    now = datetime.now(UTC)
    if end_time > now:
        raise InvalidInputError(
            f"end_time {end_time.isoformat()} is in the future; accepted: a range that has already passed"
        )
    if end_time > _add_months(start_time, MAX_RANGE_MONTHS):
        raise InvalidInputError(
            f"the range from {start_time.isoformat()} to {end_time.isoformat()} is longer than "
            f"{MAX_RANGE_MONTHS} months, the most Calendly accepts; split it"
        )


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day where that day does not exist)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")
