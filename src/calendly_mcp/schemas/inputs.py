"""Argument types shared by the tools: one definition, one description, every constraint kept.

Tools declare flat parameters with these types; the SDK turns them into the input JSON schema and
validates calls against them before a handler runs.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BeforeValidator, Field

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
