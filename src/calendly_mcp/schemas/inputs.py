"""Argument types shared by the tools: one definition, one description, every constraint kept.

Tools declare flat parameters with these types; the SDK turns them into the input JSON schema and
validates calls against them before a handler runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

_OFFSET = re.compile(r"(Z|z|[+-]\d{2}(:?\d{2})?)$")
TIME_EXAMPLE = "2026-12-01T15:00:00Z"


def _require_offset(value: Any) -> Any:
    # Pydantic's own message ("should have timezone info") does not show the form to use; ours does.
    if isinstance(value, str) and "T" in value and not _OFFSET.search(value.strip()):
        raise ValueError(
            f"time {value[:40]!r} has no UTC offset: use ISO 8601 with an offset or Z, e.g. {TIME_EXAMPLE}"
        )
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"time has no UTC offset: use ISO 8601 with an offset or Z, e.g. {TIME_EXAMPLE}")
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_require_offset)]

UserArg = Annotated[str | None, Field(max_length=256, description="Default: you")]
UserId = Annotated[str, Field(max_length=256, description="id/URI or 'me'")]
EventTypeId = Annotated[str, Field(max_length=256, description="id/URI")]
EventId = Annotated[str, Field(max_length=256, description="id/URI")]
OrganizationArg = Annotated[str | None, Field(max_length=256, description="Instead of user")]
MyOrganization = Annotated[str | None, Field(max_length=256, description="Default: yours")]
Count = Annotated[int, Field(ge=1, le=100, description="Page size")]

_TOKEN = re.compile(r"[!-~]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _printable(value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise ValueError("page_token must be the next_page_token a previous page returned")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{value[:80]!r} is not an e-mail address")
    return value


# The checks stay exact; the schema says them the short way (format: email) to keep tool lists small.
PageToken = Annotated[
    str | None,
    Field(max_length=512, description="next_page_token"),
    AfterValidator(lambda v: v if v is None else _printable(v)),
]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
EventStatus = Literal["active", "canceled"]
EventSort = Literal["start_time:asc", "start_time:desc"]
EventTypeSort = Annotated[
    str, Field(pattern=r"^(name|position|created_at|updated_at):(asc|desc)$", description="field:asc|desc")
]


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value[:60]!r} is not an IANA time zone (e.g. America/New_York, Europe/Paris, UTC)"
        ) from None
    return value


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_check_timezone)]
InviteeId = Annotated[str, Field(max_length=512, description="URI, or id with event")]
WebhookId = Annotated[str, Field(max_length=256, description="id/URI")]
ConnectionId = Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Connection id")]
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"{value[:80]!r} is not an http(s) URL")
    return value


CallbackUrl = Annotated[
    str,
    Field(max_length=2048, json_schema_extra={"format": "uri"}, description="Calendly POSTs here"),
    AfterValidator(_url),
]
WebhookScope = Literal["user", "organization", "group"]
WebhookEvent = Literal[
    "invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted",
    "event_type.created", "event_type.updated", "event_type.deleted", "routing_form_submission.created",
    "meeting_recap.created", "meeting_recap.updated", "meeting_recap.deleted",
    "contact.created", "contact.updated", "contact.deleted",
]  # fmt: skip
LocationKind = Literal[
    "physical", "inbound_call", "outbound_call", "zoom_conference", "google_conference",
    "gotomeeting_conference", "microsoft_teams_conference", "webex_conference", "ask_invitee", "custom",
]  # fmt: skip


# A list of typed pairs, not an object keyed by question: strict clients cannot send free-form objects.
class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=1000, description="Exact text")
    answer: str = Field(max_length=10000)
