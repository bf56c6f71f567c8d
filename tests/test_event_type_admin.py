"""Event type administration (create/update event types, their own hours) through MCP over stdio, in both
modes: the writes change what later reads show, and what an event type offers follows its hours, its
start-time increment and its buffers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from mcp.client import Client

from conftest import Mode, SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

ADMIN_TOOLS = {
    "create_event_type",
    "update_event_type",
    "list_event_type_availability_schedules",
    "update_event_type_availability_schedules",
}
NY = ZoneInfo("America/New_York")
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """The toolset is not a default one: this module's server serves them all."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="all")
    async with Client(stdio_server(env)) as client:
        yield client


def rule(day: str, *spans: tuple[str, str]) -> dict[str, Any]:
    kind = "wday" if day in WEEK else "date"
    return {"type": kind, kind: day, "intervals": [{"from": a, "to": b} for a, b in spans]}


EDIT = "https://api.calendly.com/event_types/x"  # replaced by the sandbox's example in each test
REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("create_event_type", {"name": "   "}, "name is blank"),
    ("create_event_type", {"name": "x" * 56}, "1 to 55 characters"),
    ("create_event_type", {"name": "A", "duration": 0}, "duration: is too small"),
    ("create_event_type", {"name": "A", "duration": 721}, "duration: is too large"),
    ("create_event_type", {"name": "A", "duration_options": [15, 30, 45, 60, 90]}, "has too many items"),
    ("create_event_type", {"name": "A", "duration_options": [15, 15]}, "repeats a length"),
    ("create_event_type", {"name": "A", "duration_options": [15, 800]}, "out of range"),
    ("create_event_type", {"name": "A", "duration": 20, "duration_options": [15, 30]}, "not one of"),
    ("create_event_type", {"name": "A", "start_time_increment": 4}, "start_time_increment: is too small"),
    ("create_event_type", {"name": "A", "start_time_increment": 721}, "start_time_increment: is too large"),
    ("create_event_type", {"name": "A", "before_buffer": 7}, "before_buffer"),
    ("create_event_type", {"name": "A", "after_buffer": 200}, "after_buffer"),
    ("create_event_type", {"name": "A", "color": "#FFFFFF"}, "color"),
    ("create_event_type", {"name": "A", "locale": "xx"}, "locale"),
    ("create_event_type", {"name": "A", "locations": [{"kind": "carrier_pigeon"}]}, "kind"),
    ("create_event_type", {"name": "A", "owner": "../x"}, "not valid"),
    ("update_event_type", {"event_type": EDIT}, "nothing to change"),
    ("update_event_type", {"event_type": "../x", "name": "B"}, "not valid"),
    ("update_event_type_availability_schedules", {"event_type": EDIT, "timezone": "Mars/Base"}, "time zone"),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [{"type": "wday", "intervals": []}]},
        "needs wday",
    ),
    (
        "update_event_type_availability_schedules",
        {
            "event_type": EDIT,
            "timezone": "UTC",
            "rules": [{"type": "date", "wday": "monday", "intervals": []}],
        },
        "needs date",
    ),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [rule("2030-02-30", ("09:00", "10:00"))]},
        "is not a date",
    ),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [rule("monday", ("9:00", "10:00"))]},
        "HH:MM",
    ),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [rule("monday", ("24:00", "24:30"))]},
        "HH:MM",
    ),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [rule("monday", ("10:00", "09:00"))]},
        "must end after it starts",
    ),
    (
        "update_event_type_availability_schedules",
        {
            "event_type": EDIT,
            "timezone": "UTC",
            "rules": [rule("monday", ("09:00", "12:00"), ("11:00", "13:00"))],
        },
        "overlaps",
    ),
    (
        "update_event_type_availability_schedules",
        {
            "event_type": EDIT,
            "timezone": "UTC",
            "rules": [rule("monday"), rule("monday", ("09:00", "10:00"))],
        },
        "give each day once",
    ),
    (
        "update_event_type_availability_schedules",
        {"event_type": EDIT, "timezone": "UTC", "rules": [{"type": "weekly", "intervals": []}]},
        "type",
    ),
]


async def test_admin_tools_listed(mcp: Client) -> None:
    tools = {t.name: t for t in (await mcp.list_tools()).tools}
    assert set(tools) >= ADMIN_TOOLS | {"list_event_type_hosts"}
    for name in ("update_event_type", "update_event_type_availability_schedules"):
        assert tools[name].annotations is not None
        assert tools[name].annotations.destructive_hint is True
    assert "resend unchanged" in (tools["update_event_type_availability_schedules"].description or "")


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    if args.get("event_type") == EDIT:
        args = args | {"event_type": sandbox.info()["examples"]["event_type_to_edit"]}
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_create_then_read_back(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    made = await call(
        mcp,
        "create_event_type",
        name="Pairing Session",
        duration=45,
        duration_options=[30, 45],
        description="Code together.",
        locations=[{"kind": "zoom_conference"}],
        color="#00aa88",
        locale="de",
        active=True,
        start_time_increment=15,
        before_buffer=10,
        after_buffer=5,
    )
    assert made["name"] == "Pairing Session"
    assert (made["duration"], made["duration_options"], made["kind"]) == (45, [30, 45], "solo")
    assert (made["start_time_increment"], made["before_buffer"], made["after_buffer"]) == (15, 10, 5)
    assert made["profile"]["owner"] == me["uri"]
    assert [loc["kind"] for loc in made["locations"]] == ["zoom_conference"]
    assert made["active"] is True
    assert made["locale"] == "de"
    posted = [r for r in sandbox.requests() if r["method"] == "POST"]
    assert posted
    assert posted[-1]["path"].endswith("/event_types")
    again = await call(mcp, "get_event_type", event_type=uid(made["uri"]))
    assert (again["name"], again["description_plain"], again["color"]) == (
        "Pairing Session", "Code together.", "#00aa88",
    )  # fmt: skip
    listed = await call(mcp, "list_event_types", count=100)
    assert made["uri"] in {et["uri"] for et in listed["collection"]}
    hosts = await call(mcp, "list_event_type_hosts", event_type=made["uri"])
    assert [h["user"] for h in hosts["collection"]] == [me["uri"]]
    # Calendly's defaults: inactive, a start every 30 minutes, no buffers.
    plain = await call(mcp, "create_event_type", name="Quick Sync")
    assert (plain["active"], plain["start_time_increment"], plain["before_buffer"], plain["after_buffer"]) == (
        False, 30, 0, 0,
    )  # fmt: skip
    assert plain["slug"] != made["slug"]


async def test_create_for_another_member(mcp: Client, sandbox: SandboxProcess) -> None:
    other = next(u for u in sandbox.info()["users"] if u["role"] == "user")
    made = await call(mcp, "create_event_type", name="Office Chat", owner=uid(other["uri"]), duration=20)
    assert made["profile"]["owner"] == other["uri"]
    text = await fail(mcp, "create_event_type", name="Ghost", owner="0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d")
    assert "403" in text


async def test_update_overwrites_only_the_fields_given(mcp: Client, sandbox: SandboxProcess) -> None:
    target = sandbox.info()["examples"]["event_type_to_edit"]
    before = await call(mcp, "get_event_type", event_type=target)
    changed = await call(
        mcp, "update_event_type", event_type=target, name="Strategy Workshop", after_buffer=15,
        locations=[{"kind": "google_conference"}],
    )  # fmt: skip
    assert changed["name"] == "Strategy Workshop"
    assert changed["after_buffer"] == 15
    assert changed["before_buffer"] == 0
    assert changed["duration"] == before["duration"]
    assert changed["description_plain"] == before["description_plain"]
    assert [loc["kind"] for loc in changed["locations"]] == ["google_conference"]
    methods = [r["method"] for r in sandbox.requests() if "/event_types/" in r["path"]]
    assert methods[-2:] == ["GET", "PATCH"]  # read first: the kind and the durations are checked
    after = await call(mcp, "get_event_type", event_type=target)
    assert after["name"] == "Strategy Workshop"
    assert after["updated_at"] > before["updated_at"]
    again = await call(mcp, "update_event_type", event_type=target, start_time_increment=20)
    assert (again["after_buffer"], again["start_time_increment"]) == (15, 20)
    read = await call(mcp, "get_event_type", event_type=target)
    assert (read["start_time_increment"], read["before_buffer"], read["after_buffer"]) == (20, 0, 15)


async def test_update_refusals_that_need_the_event_type(mcp: Client, sandbox: SandboxProcess) -> None:
    group = sandbox.info()["examples"]["group_event_type"]
    sandbox.clear_requests()
    text = await fail(mcp, "update_event_type", event_type=group, start_time_increment=15)
    assert "start_time_increment apply to one-on-one event types only" in text
    text = await fail(mcp, "update_event_type", event_type=group, name="Bigger Demo")
    assert "one-on-one event types only" in text
    # The 30 Minute Meeting offers 30, 45 or 60 minutes.
    me = await call(mcp, "get_current_user")
    types = await call(mcp, "list_event_types", user=me["uri"], count=100)
    flexible = next(et for et in types["collection"] if et["duration_options"])
    text = await fail(mcp, "update_event_type", event_type=flexible["uri"], duration=20)
    assert "is not one of duration_options" in text
    assert not [r for r in sandbox.requests() if r["method"] == "PATCH"]


async def test_unknown_event_types_answer_404(mcp: Client) -> None:
    missing = "0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"
    assert "404" in await fail(mcp, "update_event_type", event_type=missing, name="X")
    assert "404" in await fail(mcp, "list_event_type_availability_schedules", event_type=missing)
    assert "404" in await fail(
        mcp, "update_event_type_availability_schedules", event_type=missing, timezone="UTC", rules=[]
    )
    assert "404" in await fail(mcp, "list_event_type_hosts", event_type=missing)


async def test_schedule_follows_the_host_until_patched(mcp: Client, sandbox: SandboxProcess) -> None:
    target = sandbox.info()["examples"]["event_type_to_edit"]
    me = await call(mcp, "get_current_user")
    [host_schedule] = [
        s for s in (await call(mcp, "list_user_availability_schedules"))["collection"] if s["default"]
    ]
    [schedule] = (await call(mcp, "list_event_type_availability_schedules", event_type=target))["collection"]
    assert schedule["event_type"] == target
    assert schedule["availability_setting"] == "host"
    hours = schedule["availability_rule"]
    assert hours["uri"] == host_schedule["uri"]
    assert hours["rules"] == host_schedule["rules"]
    assert hours["user"] == me["uri"]
    # Only the time zone: the rules stay as they were.
    moved = await call(
        mcp, "update_event_type_availability_schedules", event_type=target, timezone="Europe/Paris"
    )
    assert moved["availability_rule"]["timezone"] == "Europe/Paris"
    assert moved["availability_rule"]["rules"] == host_schedule["rules"]
    assert moved["availability_rule"]["uri"] != host_schedule["uri"]
    # Rules replace every rule; the host's own schedule is untouched.
    only_monday = await call(
        mcp, "update_event_type_availability_schedules", event_type=target, timezone="UTC",
        rules=[rule("monday", ("08:00", "12:00"), ("13:00", "15:00"))], user="me",
    )  # fmt: skip
    rules = only_monday["availability_rule"]["rules"]
    kept = [{k: v for k, v in r.items() if v is not None} for r in rules if r["intervals"]]
    assert kept == [rule("monday", ("08:00", "12:00"), ("13:00", "15:00"))]
    [read] = (await call(mcp, "list_event_type_availability_schedules", event_type=target))["collection"]
    assert read == only_monday
    again = await call(mcp, "list_user_availability_schedules")
    assert [s for s in again["collection"] if s["default"]] == [host_schedule]
    other = next(u for u in sandbox.info()["users"] if u["uri"] != me["uri"])
    text = await fail(
        mcp, "update_event_type_availability_schedules", event_type=target, timezone="UTC",
        rules=[], user=other["uri"],
    )  # fmt: skip
    assert "is not a host of this event type" in text


def local_times(slots: dict[str, Any]) -> list[str]:
    return [
        datetime.fromisoformat(s["start_local"]).astimezone(NY).strftime("%H:%M") for s in slots["collection"]
    ]


async def test_patching_changes_the_offered_slots(mcp: Client, sandbox: SandboxProcess) -> None:
    """The key behaviour: offered slots follow the event type's hours, increment and buffers."""
    target = sandbox.info()["examples"]["event_type_to_edit"]  # 60 minutes, a start every 30
    day = (datetime.now(NY) + timedelta(days=3)).date()
    start = datetime.combine(day, time(0), NY)
    window = {"start_time": start.isoformat(), "end_time": (start + timedelta(days=1)).isoformat()}

    async def offered() -> list[str]:
        return local_times(await call(mcp, "list_event_type_available_times", event_type=target, **window))

    assert "05:00" not in await offered()  # the host works 9 to 5
    await call(
        mcp, "update_event_type_availability_schedules", event_type=target, timezone="America/New_York",
        rules=[rule(day.isoformat(), ("05:00", "08:00"))],
    )  # fmt: skip
    assert await offered() == ["05:00", "05:30", "06:00", "06:30", "07:00"]
    await call(mcp, "update_event_type", event_type=target, start_time_increment=45)
    assert await offered() == ["05:00", "05:45", "06:30"]
    await call(mcp, "update_event_type", event_type=target, start_time_increment=30)
    booked = await call(
        mcp, "create_event_invitee", event_type=target, start_time=datetime.combine(day, time(5), NY).isoformat(),
        email="buffer.test@example.com", timezone="America/New_York", name="Ada Buffer",
    )  # fmt: skip
    assert booked["status"] == "active"
    assert await offered() == ["06:00", "06:30", "07:00"]
    # A slot whose buffer overlaps the meeting is not offered.
    await call(mcp, "update_event_type", event_type=target, before_buffer=30)
    assert await offered() == ["06:30", "07:00"]
    await call(mcp, "update_event_type", event_type=target, before_buffer=0, after_buffer=60)
    assert await offered() == ["06:00", "06:30", "07:00"]  # nothing after them to keep free
