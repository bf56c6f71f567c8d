"""Meeting recaps of Calendly's notetaker: notes of past meetings, their transcripts, editing and deleting."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver.resolve import Resolve
from mcp.types import ToolAnnotations
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import Count, Email, PageToken, Time
from calendly_mcp.schemas.outputs import Deleted, ZonedPage
from calendly_mcp.schemas.recaps import MeetingRecap, RecapRow, Transcript, TranscriptPart, ZonedRecap
from calendly_mcp.schemas.resources import Resource
from calendly_mcp.tools._base import DESTROY, READ, Ctx, Toolset, client, iso_utc, page, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead
from calendly_mcp.tools._scope import caller_zone

TOOLS = Toolset("recaps", default=False)

# Replaces the notes it is given (what was there is lost); the same call again changes nothing more.
OVERWRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)
RecapId = Annotated[str, Field(max_length=256)]
Markdown = Annotated[str | None, Field(description="Markdown; '' clears")]
RecapStatus = Literal["available", "processing", "unavailable"]

# A transcript is one `Speaker: words` line per utterance, and a meeting's can run to tens of thousands
# of tokens: it is read in parts of whole lines, at most LINE_CHARS characters a line on average (the
# default part stays near 3,000 o200k tokens, the largest near 11,000); a few lines asked for get room
# for long ones.
LINES_DEFAULT, LINES_MAX, LINE_CHARS, LINES_ROOM = 40, 150, 300, 10
SPEAKERS_SHOWN = 20


@TOOLS.tool("List meeting recaps", READ)
async def list_meeting_recaps(
    ctx: Ctx,
    event: Annotated[str | None, Field(max_length=256, description="Meeting id/URI")] = None,
    attendee: Annotated[Email | None, Field(description="Only with this attendee")] = None,
    status: Annotated[RecapStatus | None, Field(description="Default: available")] = None,
    start_time: Annotated[Time | None, Field(description="Meetings ending after")] = None,
    end_time: Annotated[Time | None, Field(description="Meetings starting before")] = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> ZonedPage[RecapRow]:
    """Your notetaker's recaps of past meetings."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "event": None if event is None else ids.uri("scheduled_events", event),
        "attendee": attendee,
        "status": status,
        "start_time": iso_utc(start_time),
        "end_time": iso_utc(end_time),
        "count": count,
        "page_token": page_token,
    }
    found = page(MeetingRecap, await api.get("/meeting_recaps", params))
    zone = await caller_zone(api)
    rows = [RecapRow.of(recap, zone) for recap in found.collection]
    return ZonedPage(collection=rows, next_page_token=found.next_page_token, timezone=zone.key)


@TOOLS.tool("Get meeting recap", READ)
async def get_meeting_recap(ctx: Ctx, recap: RecapId) -> ZonedRecap:
    """One recap: summary, action items, discussion."""
    api = client(ctx)
    found = parse(Resource[MeetingRecap], await api.get(ids.path("meeting_recaps", recap))).resource
    return ZonedRecap.of(found, await caller_zone(api))


@TOOLS.tool("Update meeting recap", OVERWRITE)
async def update_meeting_recap(
    ctx: Ctx,
    recap: RecapId,
    summary_md: Markdown = None,
    action_items_md: Markdown = None,
    discussion_md: Markdown = None,
) -> ZonedRecap:
    """Replace a recap's notes; omitted ones stay."""
    given = {"summary_md": summary_md, "action_items_md": action_items_md, "discussion_md": discussion_md}
    body: dict[str, Any] = {key: value or None for key, value in given.items() if value is not None}
    if not body:
        raise InvalidInputError(
            "nothing to update: give summary_md, action_items_md or discussion_md ('' clears one)"
        )
    recap_id = ids.bare("meeting_recaps", recap)
    api = client(ctx)
    answer = await api.patch(
        f"/meeting_recaps/{recap_id}",
        body,
        check=f"Call get_meeting_recap with recap={recap_id} and compare the notes.",
    )
    return ZonedRecap.of(parse(Resource[MeetingRecap], answer).resource, await caller_zone(api))


async def _ask_delete(ctx: Ctx, recap: str) -> Asked:
    return await ask(
        ctx,
        lambda: (
            f"Delete the meeting recap {ids.uri('meeting_recaps', recap)} and its transcript? This cannot be undone."
        ),
    )


@TOOLS.tool("Delete meeting recap", DESTROY)
async def delete_meeting_recap(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_delete)], recap: RecapId
) -> Deleted:
    """Delete a recap and its transcript. Irreversible."""
    recap_id = ids.bare("meeting_recaps", recap)
    go_ahead(confirmed, "delete the recap")
    await client(ctx).delete(
        f"/meeting_recaps/{recap_id}",
        check=f"Call get_meeting_recap with recap={recap_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("meeting_recaps", recap_id))


@TOOLS.tool("Get meeting transcript", READ)
async def get_meeting_transcript(
    ctx: Ctx,
    recap: RecapId,
    offset: Annotated[int, Field(ge=0, description="First line")] = 0,
    count: Annotated[int, Field(ge=1, le=LINES_MAX, description="Lines")] = LINES_DEFAULT,
) -> TranscriptPart:
    """A recap's transcript, in parts of whole lines."""
    answer = await client(ctx).get(ids.path("meeting_recaps", recap, "transcript"))
    transcript = parse(Resource[Transcript], answer).resource
    lines = [line for line in transcript.text.splitlines() if line.strip()]
    if lines and offset >= len(lines):
        raise InvalidInputError(
            f"offset {offset} is past the end: the transcript has {len(lines)} lines (0 to {len(lines) - 1})"
        )
    budget = max(count, LINES_ROOM) * LINE_CHARS
    part: list[str] = []
    used = 0
    for line in lines[offset : offset + count]:
        if part and used + len(line) + 1 > budget:
            break
        if not part and len(line) > budget:  # one line longer than a whole part: its start only
            line = line[: budget - 1] + "…"
        part.append(line)
        used += len(line) + 1
    end = offset + len(part)
    return TranscriptPart(
        uri=transcript.uri,
        text="\n".join(part),
        offset=offset,
        lines=len(part),
        total_lines=len(lines),
        speakers=_speakers(lines),
        next_offset=end if end < len(lines) else None,
    )


def _speakers(lines: list[str]) -> list[str]:
    found: dict[str, None] = {}
    for line in lines:
        speaker, sep, _ = line.partition(": ")
        if sep and len(speaker) <= 80:
            found.setdefault(speaker, None)
            if len(found) == SPEAKERS_SHOWN:
                break
    return list(found)
