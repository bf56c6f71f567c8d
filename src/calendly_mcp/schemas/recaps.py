"""Meeting recaps (Calendly's notetaker) and transcripts, as Calendly answers them, and what the tools
return: rows with the meeting's times in UTC and in the caller's zone, and transcripts in bounded parts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.outputs import LOCAL, local
from calendly_mcp.schemas.resources import CalendlyModel, ScheduledEventLocation


class RecapAttendee(CalendlyModel):
    """Someone who took part in the meeting."""

    host: bool = Field(description="Whether they hosted it.")
    user_email: str = Field(description="Email.")
    user_name: str = Field(description="Name.")


class MeetingRecap(CalendlyModel):
    """A notetaker's recap of a meeting: summary, action items, discussion notes."""

    uri: str = Field(description="Recap URI.")
    app_url: str = Field(description="Where to open it in Calendly.")
    status: str = Field(description="available, processing or unavailable.")
    event: str | None = Field(None, description="Scheduled event URI; null for an external meeting.")
    name: str | None = Field(None, description="Meeting name.")
    location: ScheduledEventLocation | None = Field(None, description="Where it took place.")
    start_time: AwareDatetime | None = Field(None, description="Meeting start.")
    end_time: AwareDatetime | None = Field(None, description="Meeting end.")
    created_at: AwareDatetime | None = Field(None, description="When the recap was made.")
    updated_at: AwareDatetime | None = Field(None, description="When it was last changed.")
    attendees: list[RecapAttendee] | None = Field(None, description="Who took part.")
    summary_md: str | None = Field(None, description="Summary, Markdown.")
    action_items_md: str | None = Field(None, description="Action items, Markdown.")
    discussion_md: str | None = Field(None, description="Discussion notes, Markdown.")
    transcript: str | None = Field(None, description="Transcript URI.")
    share_link: str | None = Field(None, description="Link to share it.")


class Transcript(CalendlyModel):
    """A meeting's transcript: one `Speaker: words` line per utterance."""

    uri: str = Field(description="Transcript URI.")
    text: str = Field(description="Plain text, a line per utterance.")


class RecapRow(BaseModel):
    """A recap in a list; get_meeting_recap gives the notes."""

    uri: str
    name: str | None = None
    status: str
    event: str | None = Field(None, description="Scheduled event URI")
    start_time: AwareDatetime | None = None
    start_local: str | None = Field(None, description=LOCAL)
    attendees: list[str] = Field(description="E-mails")

    @classmethod
    def of(cls, recap: MeetingRecap, zone: ZoneInfo) -> RecapRow:
        start = recap.start_time
        return cls(
            uri=recap.uri,
            name=recap.name,
            status=recap.status,
            event=recap.event,
            start_time=start,
            start_local=None if start is None else local(start, zone),
            attendees=[a.user_email for a in recap.attendees or []],
        )


class ZonedRecap(MeetingRecap):
    """A whole recap, with the meeting's times also in `timezone`."""

    start_local: str | None = Field(None, description=LOCAL)
    end_local: str | None = Field(None, description=LOCAL)
    timezone: str = Field(description="Zone of the *_local times")

    @classmethod
    def of(cls, recap: MeetingRecap, zone: ZoneInfo) -> ZonedRecap:
        start, end = recap.start_time, recap.end_time
        return cls(
            **dict(recap),
            start_local=None if start is None else local(start, zone),
            end_local=None if end is None else local(end, zone),
            timezone=zone.key,
        )


class TranscriptPart(BaseModel):
    """Part of a transcript: whole utterances from `offset` on, within a size bound."""

    uri: str = Field(description="Transcript URI")
    text: str = Field(description="`Speaker: words` lines")
    offset: int = Field(description="Index of the first line here")
    lines: int = Field(description="Lines here")
    total_lines: int
    speakers: list[str] = Field(description="Everyone who speaks in it")
    next_offset: int | None = Field(None, description="Pass as offset for the rest; null at the end")
