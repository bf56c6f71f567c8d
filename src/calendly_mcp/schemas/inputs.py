"""Argument types shared by the tools: one definition, one description, every constraint kept.

Tools declare flat parameters with these types; the SDK turns them into the input JSON schema and
validates calls against them before a handler runs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

_OFFSET = re.compile(r"(Z|z|[+-]\d{2}(:?\d{2})?)$")
TIME_EXAMPLE = "2026-12-01T15:00:00Z"
TIME_WORDS = f"ISO 8601 with an offset or Z, e.g. {TIME_EXAMPLE}"


def _require_offset(value: Any) -> Any:
    # Pydantic's own message ("should have timezone info") does not show the form to use; ours does.
    if isinstance(value, str) and "T" in value and not _OFFSET.search(value.strip()):
        raise ValueError(f"time {value[:40]!r} has no UTC offset: use {TIME_WORDS}")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"time has no UTC offset: use {TIME_WORDS}")
    return value


# Calendly keeps nothing before 1970 or far ahead; beyond these years a time is a typo, and at year 1 or
# 9999 shifting it by its offset or a window's length overflows Python's datetime.
FIRST_YEAR, LAST_YEAR = 1970, 2100
TIME_RANGE = f"from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 (UTC)"


def _sane_year(value: datetime) -> datetime:
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"time {value.isoformat()} is out of range: give a time {TIME_RANGE}")
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_require_offset), AfterValidator(_sane_year)]

UserArg = Annotated[str | None, Field(max_length=256, description="Default: you")]
UserId = Annotated[str, Field(max_length=256, description="id/URI or 'me'")]
# Identifiers are described once, in the server's instructions (a bare id or the full URI), not in
# every tool that takes one.
EventTypeId = Annotated[str, Field(max_length=256)]
EventId = Annotated[str, Field(max_length=256)]
OrganizationArg = Annotated[str | None, Field(max_length=256, description="Instead of user")]
MyOrganization = Annotated[str | None, Field(max_length=256, description="Default: yours")]
# The page size of a list: said once in the server's instructions, not in each of the lists.
Count = Annotated[int, Field(ge=1, le=100)]
# Meetings are the largest rows: 50 of them fill a quarter of a small context window already.
EventCount = Annotated[int, Field(ge=1, le=50)]

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
    Field(max_length=512),  # the instructions say what it is, once
    AfterValidator(lambda v: v if v is None else _printable(v)),
]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
EventStatus = Literal["active", "canceled"]
EventSort = Literal["start_time:asc", "start_time:desc"]
EventTypeSort = Annotated[
    str, Field(pattern=r"^(name|position|created_at|updated_at):(asc|desc)$", description="field:asc|desc")
]


# Names the tz database ships that are not zones: the machine's own zone, a placeholder, and the same
# zones again under the POSIX and leap-second trees. Calendly wants the canonical name.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_ZONE_TREES = ("posix/", "right/")
ZONE_EXAMPLES = "e.g. America/New_York, Europe/Paris, Asia/Kolkata, UTC"


@functools.cache
def _zones() -> dict[str, str]:
    """The IANA zone names this machine knows, by their lower-case spelling (walked once: ~0.1 s)."""
    from zoneinfo import available_timezones

    return {
        name.lower(): name
        for name in available_timezones()
        if name not in _NOT_ZONES and not name.startswith(_ZONE_TREES)
    }


def _check_timezone(value: str) -> str:
    zones = _zones()
    if zones.get(value.lower()) == value:
        return value
    near = zones.get(value.lower().removeprefix("posix/").removeprefix("right/"))
    raise ValueError(
        f"{value[:60]!r} is not an IANA time zone name ({ZONE_EXAMPLES})"
        + (f"; did you mean {near}?" if near else "")
    )


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_check_timezone)]

# Categories that show nothing by themselves: controls, format characters (zero-width space, joiners,
# BOM, word joiner, soft hyphen, bidi marks), unassigned and private code points, separators, spaces,
# and combining marks with nothing to combine with.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # Hangul fillers, braille blank
_LINE_BREAKS = frozenset("\u2028\u2029")


def _person_name(value: str) -> str:
    # Calendly prints the name in e-mails and calendar entries: a line break there forges lines, and a
    # name nobody can see books a meeting with no one named.
    for char in value:
        if unicodedata.category(char) == "Cc" or char in _LINE_BREAKS:
            raise ValueError(
                f"{value[:60]!r} contains a control character (U+{ord(char):04X}): "
                "give the name as one line of plain text"
            )
    if all(unicodedata.category(c) in _INVISIBLE or c in _BLANK_LETTERS for c in value):
        raise ValueError(
            f"{value[:60]!r} has no visible character, only spaces or invisible ones: give the person's name"
        )
    return value


PersonName = Annotated[
    str | None,
    Field(min_length=1, max_length=200),
    AfterValidator(lambda v: v if v is None else _person_name(v)),
]
InviteeId = Annotated[str, Field(max_length=512, description="URI, or id with event")]
WebhookId = Annotated[str, Field(max_length=256)]
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
