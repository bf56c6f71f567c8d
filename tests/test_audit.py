"""The audit tools (activity log, outgoing communications) through MCP over stdio, in both modes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp.client import Client

from answer_sizes import DEFAULT_CEILING, LARGEST_CEILING, measure
from calendly_mcp.tools.registry import DEFAULT
from conftest import Mode, SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, iso, refused

pytestmark = pytest.mark.anyio

API = "https://api.calendly.com"
SEEDED_ENTRIES = 48


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """`audit` is not a default toolset: this module's server exposes it beside the default ones."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="default,audit")
    async with Client(stdio_server(env)) as client:
        yield client


def when(row: dict[str, Any], key: str = "occurred_at") -> datetime:
    return datetime.fromisoformat(row[key])


async def test_audit_toolset_is_listed_only_when_asked(mcp: Client) -> None:
    assert "audit" not in DEFAULT
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= {"list_activity_log_entries", "list_outgoing_communications"}


async def test_activity_log_newest_first_in_the_callers_zone_and_paged(mcp: Client) -> None:
    first = await call(mcp, "list_activity_log_entries")
    assert first["total"] == SEEDED_ENTRIES
    assert first["timezone"] == "America/New_York"
    rows = first["collection"]
    assert len(rows) == 20
    assert first["next_page_token"]
    assert [when(r) for r in rows] == sorted((when(r) for r in rows), reverse=True)
    row = rows[0]
    assert datetime.fromisoformat(row["occurred_local"]) == when(row)
    assert row["occurred_local"][-6:] in ("-05:00", "-04:00")
    assert "." in row["name"]
    assert row["actor"]
    seen = [r["occurred_at"] + r["name"] for r in rows]
    token = first["next_page_token"]
    while token:
        page = await call(mcp, "list_activity_log_entries", page_token=token)
        seen += [r["occurred_at"] + r["name"] for r in page["collection"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) == SEEDED_ENTRIES


async def test_activity_log_filters_really_filter(mcp: Client, sandbox: SandboxProcess) -> None:
    logins = await call(mcp, "list_activity_log_entries", namespace=["Login"], count=100)
    assert 0 < logins["total"] < SEEDED_ENTRIES
    assert {r["name"] for r in logins["collection"]} == {"Login.Login_Succeeded", "Login.Login_Failed"}
    both = await call(mcp, "list_activity_log_entries", namespace=["Login", "Group"], count=100)
    assert both["total"] > logins["total"]
    failed = await call(
        mcp, "list_activity_log_entries", namespace=["Login"], action=["Login_Failed"], count=100
    )
    assert {r["name"] for r in failed["collection"]} == {"Login.Login_Failed"}
    oliver = next(u["uri"] for u in sandbox.info()["users"] if u["name"] == "Oliver Bennett")
    his = await call(mcp, "list_activity_log_entries", actor=[oliver], count=100)
    assert his["total"] > 0
    assert {r["actor_uri"] for r in his["collection"]} == {oliver}
    week = await call(mcp, "list_activity_log_entries", min_occurred_at=iso(days=-7), count=100)
    assert 0 < week["total"] < SEEDED_ENTRIES
    cutoff = datetime.now(UTC) - timedelta(days=7, minutes=1)
    assert all(when(r) >= cutoff for r in week["collection"])
    older = await call(mcp, "list_activity_log_entries", max_occurred_at=iso(days=-7), count=100)
    assert week["total"] + older["total"] == SEEDED_ENTRIES


async def test_activity_log_sort_and_search(mcp: Client) -> None:
    oldest = await call(mcp, "list_activity_log_entries", sort="occurred_at:asc", count=100)
    times = [when(r) for r in oldest["collection"]]
    assert times == sorted(times)
    assert len(times) == SEEDED_ENTRIES
    by_name = await call(mcp, "list_activity_log_entries", sort="actor.display_name:asc", count=100)
    actors = [r["actor"] for r in by_name["collection"]]
    assert actors == sorted(actors, key=str.lower)
    assert actors[0] != actors[-1]
    system = await call(mcp, "list_activity_log_entries", search_term='"Calendly System"', count=100)
    assert system["total"] > 0
    assert {r["actor"] for r in system["collection"]} == {"Calendly System"}
    assert {r["actor_uri"] for r in system["collection"]} == {None}
    not_failed = await call(mcp, "list_activity_log_entries", search_term="login -failed", count=100)
    assert {r["name"] for r in not_failed["collection"]} == {"Login.Login_Succeeded"}
    either = await call(mcp, "list_activity_log_entries", search_term="token_* | (group + design)", count=100)
    names = {r["name"] for r in either["collection"]}
    assert "API.Token_Created" in names
    assert names <= {
        "API.Token_Created",
        "Group.Member_Added",
        "Group.Admin_Added",
    }
    assert any(r["details"].get("group") == "Design" for r in either["collection"])


async def test_outgoing_communications_emails_and_texts(mcp: Client) -> None:
    sent = await call(mcp, "list_outgoing_communications", count=100)
    assert sent["total"] > 100
    assert sent["next_page_token"]
    rows = sent["collection"]
    assert {r["type"] for r in rows} == {"email", "sms"}
    assert [when(r, "created_at") for r in rows] == sorted(
        (when(r, "created_at") for r in rows), reverse=True
    )
    email = next(r for r in rows if r["type"] == "email")
    assert email["subject"]
    assert email["event"].startswith(f"{API}/scheduled_events/")
    assert datetime.fromisoformat(email["created_local"]) == when(email, "created_at")
    text = next(r for r in rows if r["type"] == "sms")
    assert text["subject"] is None
    assert text["to"].startswith("+")
    second = await call(mcp, "list_outgoing_communications", count=100, page_token=sent["next_page_token"])

    def keys(page: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
        return {(r["created_at"], r["to"], r["body"]) for r in page}

    assert keys(second["collection"]).isdisjoint(keys(rows))
    assert when(second["collection"][0], "created_at") <= when(rows[-1], "created_at")
    recent = await call(mcp, "list_outgoing_communications", min_created_at=iso(days=-2), count=100)
    assert 0 < recent["total"] < sent["total"]
    before = await call(mcp, "list_outgoing_communications", max_created_at=iso(days=-2), count=5)
    assert recent["total"] + before["total"] == sent["total"]


async def test_a_cancellation_sends_its_notice(mcp: Client) -> None:
    upcoming = await call(mcp, "list_scheduled_events", status="active", min_start_time=iso(days=2), count=1)
    event = upcoming["collection"][0]["uri"]
    await call(mcp, "cancel_scheduled_event", event=event, reason="audit test")
    newest = (await call(mcp, "list_outgoing_communications", count=5))["collection"]
    notice = next(r for r in newest if r["event"] == event)
    assert notice["type"] == "email"
    assert notice["subject"].startswith("Canceled: ")


@pytest.mark.parametrize("plan", ["teams", "standard"])
async def test_both_need_enterprise(mcp: Client, sandbox: SandboxProcess, plan: str) -> None:
    sandbox.set_plan(plan)
    for tool in ("list_activity_log_entries", "list_outgoing_communications"):
        text = await fail(mcp, tool)
        assert "Enterprise plan" in text, text
        assert "upgrade" in text.lower(), text


async def test_another_organization_is_refused_by_calendly(mcp: Client) -> None:
    for tool in ("list_activity_log_entries", "list_outgoing_communications"):
        text = await fail(mcp, tool, organization="AAAAAAAAAAAAAAAA")
        assert "Permission Denied" in text, text


async def test_a_stale_page_token_is_calendlys_400(mcp: Client, sandbox: SandboxProcess) -> None:
    token = (await call(mcp, "list_activity_log_entries"))["next_page_token"]
    sandbox.reset()
    text = await fail(mcp, "list_activity_log_entries", page_token=token)
    assert "page_token" in text, text


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("list_activity_log_entries", {"min_occurred_at": "2026-12-01T10:00:00"}, "has no UTC offset"),
    (
        "list_activity_log_entries",
        {"min_occurred_at": "2026-12-01T10:00:00Z", "max_occurred_at": "2026-11-01T10:00:00Z"},
        "is before",
    ),
    ("list_activity_log_entries", {"search_term": "x" * 301}, "at most 300"),
    ("list_activity_log_entries", {"namespace": ["Log in"]}, "namespace"),
    ("list_activity_log_entries", {"action": ["x" * 101]}, "action"),
    ("list_activity_log_entries", {"sort": "created_at:asc"}, "sort"),
    ("list_activity_log_entries", {"actor": [f"{API}/groups/abc"]}, "is not a user URI"),
    ("list_activity_log_entries", {"actor": ["u"] * 21}, "actor"),
    ("list_activity_log_entries", {"count": 101}, "count: is too large (given 101)"),
    ("list_outgoing_communications", {"max_created_at": "yesterday"}, "max_created_at"),
    (
        "list_outgoing_communications",
        {"min_created_at": "2026-12-01T10:00:00Z", "max_created_at": "2026-11-01T10:00:00Z"},
        "is before",
    ),
    ("list_outgoing_communications", {"organization": "a b"}, "not valid"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_answers_fit_a_context_at_their_largest(mcp: Client) -> None:
    for tool in ("list_activity_log_entries", "list_outgoing_communications"):
        default, failed = await measure(mcp, tool, {})
        assert not failed
        assert default < DEFAULT_CEILING
        largest, failed = await measure(mcp, tool, {"count": 100})
        assert not failed
        assert largest < LARGEST_CEILING, (tool, largest)
