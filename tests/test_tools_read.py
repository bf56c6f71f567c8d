"""The read tools through a real MCP client over stdio, against the sandbox process, in both modes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail

pytestmark = pytest.mark.anyio

READ_TOOLS = {
    "get_current_user",
    "get_user",
    "list_event_types",
    "get_event_type",
    "list_scheduled_events",
    "get_scheduled_event",
}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= READ_TOOLS


async def test_current_user_and_get_user(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    seeded = {u["uri"] for u in sandbox.info()["users"]}
    assert me["uri"] in seeded
    assert me["current_organization"].startswith("https://api.calendly.com/organizations/")
    bare_id = me["uri"].rsplit("/", 1)[1]
    assert await call(mcp, "get_user", user=bare_id) == me
    assert await call(mcp, "get_user", user=me["uri"]) == me
    assert (await call(mcp, "get_user", user="me"))["uri"] == me["uri"]


async def test_event_types_default_to_me_and_filter(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    everything = await call(mcp, "list_event_types")
    assert everything["collection"]
    assert all(et["profile"]["owner"] == me["uri"] for et in everything["collection"] if et.get("profile"))
    active = await call(mcp, "list_event_types", active=True)
    inactive = await call(mcp, "list_event_types", active=False)
    assert all(et["active"] for et in active["collection"])
    assert all(not et["active"] for et in inactive["collection"])
    assert len(active["collection"]) + len(inactive["collection"]) == len(everything["collection"])
    one = everything["collection"][0]
    assert await call(mcp, "get_event_type", event_type=one["uri"]) == one
    assert await call(mcp, "get_event_type", event_type=one["uri"].rsplit("/", 1)[1]) == one


async def test_event_types_of_the_organization(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    org = await call(mcp, "list_event_types", organization=me["current_organization"], count=100)
    owners = {et["profile"]["owner"] for et in org["collection"] if et.get("profile")}
    assert len(owners) >= 3


async def test_scheduled_events_page_through_without_repeats(mcp: Client) -> None:
    first = await call(mcp, "list_scheduled_events", count=20)
    assert len(first["collection"]) == 20
    assert first["next_page_token"]
    seen = [e["uri"] for e in first["collection"]]
    token = first["next_page_token"]
    while token:
        page = await call(mcp, "list_scheduled_events", count=20, page_token=token)
        seen += [e["uri"] for e in page["collection"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) >= 30
    starts = [e["start_time"] for e in first["collection"]]
    assert starts == sorted(starts)


async def test_scheduled_event_filters(mcp: Client) -> None:
    now = datetime.now(UTC)
    future = await call(mcp, "list_scheduled_events", min_start_time=iso(now), count=100)
    assert future["collection"]
    assert all(e["start_time"] >= iso(now)[:19] for e in future["collection"])
    window = await call(
        mcp,
        "list_scheduled_events",
        min_start_time=iso(now - timedelta(days=7)),
        max_start_time=iso(now),
        count=100,
    )
    assert all(e["start_time"] < iso(now) for e in window["collection"])
    canceled = await call(mcp, "list_scheduled_events", status="canceled", count=100)
    assert canceled["collection"]
    assert all(e["status"] == "canceled" for e in canceled["collection"])
    assert canceled["collection"][0]["cancellation"]["canceler_type"] in {"host", "invitee"}
    newest_first = await call(mcp, "list_scheduled_events", sort="start_time:desc", count=5)
    starts = [e["start_time"] for e in newest_first["collection"]]
    assert starts == sorted(starts, reverse=True)


async def test_invitee_email_filter_and_get(mcp: Client, sandbox: SandboxProcess) -> None:
    some = (await call(mcp, "list_scheduled_events", count=1))["collection"][0]
    detail = await call(mcp, "get_scheduled_event", event=some["uri"])
    assert detail == some
    event_id = some["uri"].rsplit("/", 1)[1]
    assert await call(mcp, "get_scheduled_event", event=event_id) == some


async def test_unknown_ids_answer_calendly_404(mcp: Client) -> None:
    text = await fail(mcp, "get_event_type", event_type="0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d")
    assert "404 Resource Not Found" in text
    assert "list the collection" in text


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("get_user", {"user": "../admin"}, "not valid"),
        ("get_user", {"user": "https://evil.example/users/abc"}, "is not a user URI"),
        (
            "get_scheduled_event",
            {"event": "https://api.calendly.com/users/abc"},
            "is not a scheduled_event URI",
        ),
        ("get_scheduled_event", {"event": "abc%2F..%2Fusers"}, "not valid"),
        ("get_event_type", {"event_type": "x" * 300}, "at most 256"),
        ("list_scheduled_events", {"min_start_time": "2026-12-01T10:00:00"}, "has no UTC offset"),
        (
            "list_scheduled_events",
            {"min_start_time": "2026-12-01T10:00:00Z", "max_start_time": "2026-11-01T10:00:00Z"},
            "is before",
        ),
        ("list_scheduled_events", {"count": 0}, "greater than or equal to 1"),
        ("list_scheduled_events", {"count": 101}, "less than or equal to 100"),
        ("list_scheduled_events", {"status": "deleted"}, "'active' or 'canceled'"),
        ("list_scheduled_events", {"invitee_email": "not-an-email"}, "is not an e-mail address"),
        ("list_scheduled_events", {"page_token": "a b"}, "must be the next_page_token"),
        ("list_scheduled_events", {"usr": "someone"}, "Extra inputs are not permitted"),
        ("list_event_types", {"organization": "../../x"}, "not valid"),
    ],
)
async def test_bad_input_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, object], expected: str
) -> None:
    await call(mcp, "get_current_user")  # warm the cache so the refused call alone is observed
    sandbox.clear_requests()
    text = await fail(mcp, tool, **args)
    assert expected in text
    assert sandbox.requests() == []


async def test_stale_page_token_is_calendly_400(mcp: Client) -> None:
    text = await fail(mcp, "list_scheduled_events", page_token="bm90LWEtcmVhbC10b2tlbg")
    assert "400 Invalid Argument" in text


async def test_legacy_handshake_era(sandbox: SandboxProcess) -> None:
    from conftest import server_env, stdio_server

    async with Client(stdio_server(server_env("direct", sandbox.url)), mode="legacy") as client:
        assert client.protocol_version.startswith("2025")
        me = await call(client, "get_current_user")
        assert me["uri"].startswith("https://api.calendly.com/users/")
