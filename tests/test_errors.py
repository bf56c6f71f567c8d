"""Errors a model can act on, in our words, through a real MCP client in both modes: refused arguments say
which argument, what was given and what is accepted, and nothing of the validator's internals."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp.client import Client

from conftest import Mode, SandboxProcess
from mcp_helpers import call, fail, refused

pytestmark = pytest.mark.anyio

# What pydantic's own report carries and ours never does.
LIST_ARGS = (
    "count, invitee_email, max_start_time, min_start_time, organization, page_token, sort, status, user"
)


CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "get_user",
        {},
        "user: is required and was not given; accepted: a string of at most 256 characters - id/URI or 'me'",
    ),
    (
        "list_event_types",
        {"count": "abc"},
        "count: is not an integer (given 'abc'); accepted: an integer from 1 to 100 (the page size)",
    ),
    (
        "list_event_types",
        {"count": 5.5},
        "count: is not a whole number (given 5.5); accepted: an integer from 1 to 100 (the page size)",
    ),
    (
        "list_event_types",
        {"count": 101},
        "count: is too large (given 101); accepted: an integer from 1 to 100 (the page size)",
    ),
    (
        "list_scheduled_events",
        {"status": "deleted"},
        "status: is not one of the accepted values (given 'deleted'); accepted: 'active' or 'canceled'",
    ),
    (
        "list_scheduled_events",
        {"min_start_time": "tomorrow at noon"},
        "min_start_time: is not a valid time (given 'tomorrow at noon'); accepted: ISO 8601 with an offset "
        "or Z, e.g. 2026-12-01T15:00:00Z, from 1970-01-01 to 2100-12-31 (UTC)",
    ),
    (
        "list_scheduled_events",
        {"user": {"uri": "x"}},
        'user: is not a string (given {"uri": "x"}); accepted: a string of at most 256 characters',
    ),
    (
        "list_scheduled_events",
        {"usr": "someone"},
        f"unknown argument 'usr' (did you mean user?); this tool takes: {LIST_ARGS}",
    ),
    ("get_current_user", {"verbose": True}, "unknown argument 'verbose'; this tool takes: no arguments"),
    (
        "list_event_types",
        {"sort": "newest"},
        "sort: does not have the accepted form (given 'newest'); accepted: a string matching "
        "^(name|position|created_at|updated_at):(asc|desc)$ - field:asc|desc",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/h", "events": ["invitee.exploded"]},
        "events[0]: is not one of the accepted values (given 'invitee.exploded'); accepted: one of "
        "'invitee.created', 'invitee.canceled',",
    ),
    (
        "create_webhook_subscription",
        {"url": "https://example.com/h", "events": []},
        "events: has too few items (given []); accepted: a list of 1 to 14 items, each one of "
        "'invitee.created'",
    ),
    # Our own validators' messages stay as they are, after the argument's name.
    ("list_scheduled_events", {"invitee_email": "not-an-email"}, "invitee_email: 'not-an-email' is not an"),
    ("list_scheduled_events", {"min_start_time": "2026-12-01T10:00:00"}, "min_start_time: time '2026-12-01T"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
async def test_argument_errors_in_our_words(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    text = await refused(mcp, sandbox, tool, **args)
    assert text.startswith(expected), text


async def test_several_bad_arguments_one_line_each(mcp: Client, sandbox: SandboxProcess) -> None:
    text = await refused(
        mcp, sandbox, "list_scheduled_events", count=0, status="gone", sort="random", usr="x", orgnization="y"
    )
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["status", "sort", "count"]
    assert lines[3].startswith("unknown arguments 'usr', 'orgnization' (did you mean user, organization?)")
    assert len(lines) == 4


async def test_given_values_are_shortened_and_escaped(mcp: Client, sandbox: SandboxProcess) -> None:
    text = await refused(mcp, sandbox, "list_scheduled_events", status="x" * 5000)
    assert f"(given {'x' * 60!r}... (5000 characters)); accepted: " in text
    assert "x" * 61 not in text
    text = await refused(mcp, sandbox, "list_scheduled_events", status="act\x00ive\r\n\u200b\u202e")
    assert "(given 'act\\x00ive\\r\\n\\u200b\\u202e')" in text
    for raw in ("\x00", "\r", "\n\u200b", "\u202e"):
        assert raw not in text
    text = await refused(mcp, sandbox, "get_current_user", **{"evil\nname": 1})
    assert text == "unknown argument 'evil\\nname'; this tool takes: no arguments"


async def test_a_refused_secret_is_never_shown(mcp: Client, sandbox: SandboxProcess) -> None:
    secret = "s3cr!"
    text = await refused(
        mcp, sandbox, "create_webhook_subscription", url="https://e.com/h", events=["invitee.created"],
        signing_key=secret,
    )  # fmt: skip
    assert text.startswith("signing_key: is too short (given 5 characters, not shown); accepted: a secret")
    assert secret not in text


async def test_many_bad_items_stay_a_screenful(mcp: Client, sandbox: SandboxProcess) -> None:
    text = await refused(
        mcp,
        sandbox,
        "create_webhook_subscription",
        url="https://e.com/h",
        events=[f"e{i}" for i in range(12)],
    )
    lines = text.splitlines()
    assert len(lines) == 8
    assert lines[-1] == "... and 5 more problems like these"
    assert len(text) < 4000


async def test_tool_errors_start_with_our_text(mcp: Client, sandbox: SandboxProcess) -> None:
    """Our own refusals and Calendly's answers lose the SDK's "Error executing tool X: " prefix."""
    text = await refused(mcp, sandbox, "get_scheduled_event", event="https://api.calendly.com/users/abc")
    assert text.startswith("'https://api.calendly.com/users/abc' is not a scheduled_event URI"), text
    text = await fail(mcp, "get_scheduled_event", event="NOSUCHEVENT")
    assert text.startswith("Calendly answered 404 Resource Not Found"), text


# Every time argument of every tool, at years Python's datetime can hold but cannot shift (1, 9999: an
# offset or a window's length overflows) and just outside the accepted range (1969, 2101).
EXTREME_TIMES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:00:00-05:00",
    "1969-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
]
WINDOW = {"start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-02T00:00:00Z"}
BOOK = {"event_type": "abc", "email": "a@example.com", "timezone": "UTC", "name": "Ann"}
TIME_ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("list_scheduled_events", {}, "min_start_time"),
    ("list_scheduled_events", {}, "max_start_time"),
    ("list_event_type_available_times", {"event_type": "abc", **WINDOW}, "start_time"),
    ("list_event_type_available_times", {"event_type": "abc", **WINDOW}, "end_time"),
    ("list_user_busy_times", WINDOW, "start_time"),
    ("list_user_busy_times", WINDOW, "end_time"),
    ("find_available_times", {"event_type": "abc", **WINDOW}, "start_time"),
    ("find_available_times", {"event_type": "abc", **WINDOW}, "end_time"),
    ("create_event_invitee", BOOK, "start_time"),
]


@pytest.mark.parametrize("when", EXTREME_TIMES)
@pytest.mark.parametrize(
    ("tool", "others", "argument"), TIME_ARGUMENTS, ids=[f"{t}-{a}" for t, _, a in TIME_ARGUMENTS]
)
async def test_extreme_times_are_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, others: dict[str, Any], argument: str, when: str
) -> None:
    text = await refused(mcp, sandbox, tool, **{**others, argument: when})
    assert text.startswith(f"{argument}: time {when[:10]}"), text
    assert "is out of range: give a time from 1970-01-01 to 2100-12-31 (UTC)" in text


async def test_the_range_ends_are_accepted(mcp: Client) -> None:
    for bound in ("1970-01-01T00:00:00Z", "2100-12-31T23:59:59Z"):
        assert (await call(mcp, "list_scheduled_events", min_start_time=bound))["collection"] is not None


# Hints: what to do next says what Calendly's answer means, not what its status usually means.
ET_PATH = "/event_types/[A-Za-z0-9_-]+$"
INVALID = {"title": "Invalid Argument", "message": "The supplied parameters are invalid."}
DENIED = {"title": "Permission Denied"}


async def event_type_failing(mcp: Client, sandbox: SandboxProcess, status: int, body: dict[str, Any]) -> str:
    sandbox.fault(path=ET_PATH, method="GET", status=status, body=body, times=1)
    return await fail(mcp, "get_event_type", event_type="ABCDEF")


async def test_a_bare_400_says_what_to_check(mcp: Client, sandbox: SandboxProcess) -> None:
    text = await event_type_failing(mcp, sandbox, 400, INVALID)
    assert text.startswith("Calendly answered 400 Invalid Argument: The supplied parameters are invalid.\n")
    assert text.endswith(
        "Calendly named no cause. Check that every id is one this account can see (list it first), that "
        "the time window is one the tool accepts, and that every required field is given."
    )
    assert "named above" not in text
    named = {**INVALID, "details": [{"parameter": "count", "message": "must be <= 100"}]}
    text = await event_type_failing(mcp, sandbox, 400, named)
    assert text.endswith("- count: must be <= 100\nFix the arguments named above and call again.")


async def test_in_the_past_outside_a_cancellation_is_not_a_cancellation(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    body = {**INVALID, "details": [{"parameter": "start_time", "message": "must not be in the past"}]}
    text = await event_type_failing(mcp, sandbox, 400, body)
    assert "cannot be canceled" not in text
    assert text.endswith("Fix the arguments named above and call again.")


async def test_a_403_says_upgrade_only_when_calendly_does(mcp: Client, sandbox: SandboxProcess) -> None:
    for message in (
        "You do not have permission to access this resource.",
        "This user is not in your organization",
    ):
        text = await event_type_failing(mcp, sandbox, 403, {**DENIED, "message": message})
        assert "upgrade" not in text.lower(), text
        assert "plan" not in text.lower(), text
        assert text.endswith(
            "it may need an organization admin's or owner's rights, or the resource belongs to someone else."
        )
    for message in (
        "Please upgrade your Calendly account to Enterprise.",
        "The Scheduling API is only available on paid Calendly plans. Upgrade your plan to access this feature.",
    ):
        text = await event_type_failing(mcp, sandbox, 403, {**DENIED, "message": message})
        assert text == (
            f"Calendly answered 403 Permission Denied: {message}\n"
            "This needs a higher Calendly plan (named above): upgrade the account; calling again will not help."
        )


async def test_a_401_names_the_credential_calendly_saw(
    mcp: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    text = await event_type_failing(
        mcp, sandbox, 401, {"title": "Unauthenticated", "message": "The access token is invalid"}
    )
    if mode == "direct":
        assert text.endswith(
            "Calendly refused CALENDLY_API_TOKEN: check it, or create a new personal access "
            "token in Calendly (Integrations, API and webhooks)."
        )
        assert "MATON" not in text
    else:
        assert (
            "Calendly refused the Maton connection's authorization (MATON_API_KEY itself was accepted)"
            in text
        )
        assert "create_connection" in text
        assert "MATON_CONNECTION" in text
        assert "CALENDLY_API_TOKEN" not in text


async def test_a_maton_5xx_is_not_blamed_on_calendly(
    mcp: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    if mode == "direct":
        # Maton's connection tools are not listed in direct mode.
        assert "Unknown tool" in await fail(mcp, "list_connections")
        return
    sandbox.fault(path="^/connections", method="GET", status=503, times=None)
    try:
        text = await fail(mcp, "list_connections")
    finally:
        httpx2.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()
    assert text.startswith("Maton's connection API answered 503")
    assert text.endswith("Maton's connection API failed on its side; try again shortly.")
    assert "Calendly failed" not in text


async def test_a_missing_oauth_scope_is_named_with_how_to_grant_it(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    sandbox.grant_scopes("users:read")
    assert (await call(mcp, "get_current_user"))["uri"]
    text = await fail(mcp, "list_scheduled_events")
    assert "403 Insufficient scope" in text
    assert "lacks the OAuth scope scheduled_events:read" in text
    assert "CALENDLY_API_TOKEN" in text
    assert "create_connection" in text
    assert "upgrade" not in text.lower()
