"""Argument types shared by the tools: one definition, one description, every constraint kept.

Tools declare flat parameters with these types; the SDK turns them into the input JSON schema and
validates calls against them before a handler runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

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

UserArg = Annotated[
    str | None,
    Field(max_length=256, description="User id or URI; omit for the current user"),
]
UserId = Annotated[str, Field(max_length=256, description="User id or URI, or 'me'")]
EventTypeId = Annotated[str, Field(max_length=256, description="Event type id or URI")]
EventId = Annotated[str, Field(max_length=256, description="Scheduled event id or URI")]
OrganizationArg = Annotated[
    str | None,
    Field(
        max_length=256, description="Organization id or URI; lists the whole organization instead of one user"
    ),
]
MyOrganization = Annotated[
    str | None,
    Field(max_length=256, description="Organization id or URI; omit for yours"),
]
Count = Annotated[int, Field(ge=1, le=100, description="Page size")]
PageToken = Annotated[
    str | None,
    Field(
        min_length=1, max_length=512, pattern=r"^[!-~]+$", description="next_page_token of the previous page"
    ),
]
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
EventStatus = Literal["active", "canceled"]
EventSort = Literal["start_time:asc", "start_time:desc"]
EventTypeSort = Literal[
    "name:asc", "name:desc", "position:asc", "position:desc", "created_at:asc", "created_at:desc",
    "updated_at:asc", "updated_at:desc",
]  # fmt: skip


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
InviteeId = Annotated[str, Field(max_length=512, description="Invitee URI, or invitee id with event")]
WebhookId = Annotated[str, Field(max_length=256, description="Webhook subscription id or URI")]
ConnectionId = Annotated[
    str, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Maton connection id")
]
CallbackUrl = Annotated[
    str,
    Field(max_length=2048, pattern=r"^https?://[^\s/?#]+[^\s]*$", description="URL Calendly will POST to"),
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
