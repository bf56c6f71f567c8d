"""MCP resources (calendly://me, calendly://event-types, calendly://agenda/{date}) and the prompts, through
a real MCP client to a real server process on the sandbox, in both modes."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from mcp.client import Client
from mcp.shared.exceptions import MCPError
from mcp.types import TextContent, TextResourceContents

from conftest import SandboxProcess, server_env, stdio_server
from mcp_helpers import call
from test_scheduling import bookable, booking

pytestmark = pytest.mark.anyio

RESOURCES = {"calendly://me", "calendly://event-types"}
PROMPTS = {"schedule_meeting", "summarize_week", "triage_no_shows"}


async def read(client: Client, uri: str) -> dict[str, Any]:
    result = await client.read_resource(uri)
    (content,) = result.contents
    assert content.mime_type == "application/json"
    assert isinstance(content, TextResourceContents)
    text = content.text
    assert "\n" not in text, "compact JSON, as tool results are"
    assert ": " not in text
    return json.loads(text)


def without_nulls(node: Any) -> Any:
    """A tool's structuredContent as its text says it: nulls left out."""
    if isinstance(node, dict):
        return {k: without_nulls(v) for k, v in node.items() if v is not None}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(node, list):
        return [without_nulls(v) for v in node]  # pyright: ignore[reportUnknownVariableType]
    return node


async def test_resources_templates_and_prompts_are_listed_with_cache_hints(mcp: Client) -> None:
    resources = await mcp.list_resources()
    assert {str(r.uri) for r in resources.resources} >= RESOURCES
    assert all(r.title and r.description for r in resources.resources)
    templates = await mcp.list_resource_templates()
    assert [t.uri_template for t in templates.resource_templates] == ["calendly://agenda/{date}"]
    prompts = await mcp.list_prompts()
    assert {p.name for p in prompts.prompts} == PROMPTS
    # Fixed for the life of the process: cacheable and shareable for an hour.
    for listed in (resources, templates, prompts, await mcp.list_tools()):
        assert (listed.ttl_ms, listed.cache_scope) == (3_600_000, "public"), type(listed).__name__
    # A read is this credential's data, changed by any booking: private, stale at once.
    me = await mcp.read_resource("calendly://me")
    assert (me.ttl_ms, me.cache_scope) == (0, "private")


async def test_me_is_the_current_user(mcp: Client) -> None:
    assert await read(mcp, "calendly://me") == without_nulls(await call(mcp, "get_current_user"))


async def test_event_types_are_the_active_ones(mcp: Client, sandbox: SandboxProcess) -> None:
    listed = await read(mcp, "calendly://event-types")
    expected = await call(mcp, "list_event_types", active=True, count=100)
    assert listed["collection"] == without_nulls(expected["collection"])
    assert listed["collection"]
    assert all(row["active"] for row in listed["collection"])
    assert "more" not in listed  # the seed has fewer than 100


async def test_agenda_is_the_day_in_the_users_zone_and_shows_a_new_booking(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    me = await call(mcp, "get_current_user")
    zone = ZoneInfo(me["timezone"])
    event_type, slots = await bookable(mcp, sandbox)
    slot = slots[0]
    day = datetime.fromisoformat(slot).astimezone(zone).date()
    before = await read(mcp, f"calendly://agenda/{day.isoformat()}")
    await call(mcp, "create_event_invitee", **booking(event_type, slot, "agenda@example.com"))
    after = await read(mcp, f"calendly://agenda/{day.isoformat()}")
    assert after["date"] == day.isoformat()
    assert after["timezone"] == me["timezone"]
    started = {row["start_time"] for row in after["collection"]}
    assert slot.replace("+00:00", "Z") in started or slot in started
    assert len(after["collection"]) == len(before["collection"]) + 1
    # Midnight to midnight in the user's zone, computed here by hand from the zone: the same meetings as
    # list_scheduled_events over that range, each starting that local day.
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    expected = await call(
        mcp,
        "list_scheduled_events",
        min_start_time=start.isoformat(),
        max_start_time=end.isoformat(),
        count=50,
    )
    assert after["collection"] == without_nulls(expected["collection"])
    assert all(row["start_local"].startswith(day.isoformat()) for row in after["collection"])


async def test_agenda_of_a_day_without_meetings_is_empty(mcp: Client) -> None:
    empty = await read(mcp, f"calendly://agenda/{(date.today() + timedelta(days=3000)).isoformat()}")
    assert empty["collection"] == []


@pytest.mark.parametrize(
    ("given", "words"),
    [("2026-13-02", "no such date"), ("tomorrow", "must be YYYY-MM-DD"), ("2026-1-2", "must be YYYY-MM-DD")],
)
async def test_agenda_refuses_what_is_not_a_date(
    mcp: Client, sandbox: SandboxProcess, given: str, words: str
) -> None:
    sandbox.reset()
    with pytest.raises(MCPError) as refused:
        await mcp.read_resource(f"calendly://agenda/{given}")
    assert words in str(refused.value)
    assert not sandbox.requests(), "refused before any request"


async def test_prompts_steer_through_tools_that_exist(mcp: Client) -> None:
    tools = {t.name for t in (await mcp.list_tools()).tools}
    for name, args in (
        ("schedule_meeting", {"with_whom": "Ana Souza", "duration": "45", "when": "next Tuesday"}),
        ("summarize_week", {"week_start": "2026-12-07"}),
        ("triage_no_shows", {"days": "14"}),
        ("summarize_week", {}),
    ):
        prompt = await mcp.get_prompt(name, args)
        (message,) = prompt.messages
        assert isinstance(message.content, TextContent)
        text = message.content.text
        for value in args.values():
            assert value in text, (name, value)
        named = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text)) - {"with_whom", "start_time", "page_token"}
        named -= {"min_start_time", "max_start_time", "next_page_token"}  # argument names
        assert named, name
        assert named <= tools, (name, named - tools)


async def test_a_resource_without_a_credential_says_what_to_set(sandbox_process: SandboxProcess) -> None:
    params = stdio_server(server_env(None, None))
    async with Client(params) as client:
        with pytest.raises(MCPError) as refused:
            await client.read_resource("calendly://me")
    assert "MATON_API_KEY" in str(refused.value) or "CALENDLY_API_TOKEN" in str(refused.value)


async def test_prompt_arguments_are_described_and_checked(mcp: Client) -> None:
    prompts = {p.name: p for p in (await mcp.list_prompts()).prompts}
    for prompt in prompts.values():
        assert prompt.description
        assert prompt.title
        assert prompt.arguments, prompt.name
        assert all(a.description for a in prompt.arguments), prompt.name
    assert [a.name for a in prompts["schedule_meeting"].arguments or [] if a.required] == ["with_whom"]
    with pytest.raises(MCPError, match="Prompt schedule_meeting needs with_whom"):
        await mcp.get_prompt("schedule_meeting", {})
    with pytest.raises(MCPError, match="takes no whom; it takes with_whom, duration, when"):
        await mcp.get_prompt("schedule_meeting", {"with_whom": "Ana", "whom": "Ana"})
    with pytest.raises(MCPError, match="No prompt 'book'; the prompts are schedule_meeting, summarize_week"):
        await mcp.get_prompt("book", {})
