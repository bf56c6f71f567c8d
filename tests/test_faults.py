"""Every tool, both modes, under upstream faults: a real MCP client, real server processes over stdio.

The sandbox injects each fault (docs/sandbox.md, "Controls") on the one request each tool makes; all the
tools of a scenario are called at once, in one server process per mode, so that the real retry waits
overlap. `SCENARIOS` is the table of expected outcomes (docs/faults.md shows it as observed):

- reads meet a fault that stays until cleared, so they show the whole retry policy and the error after it;
- writes meet a fault that answers once: a write sent again would then succeed, so the request log and
  the sandbox's state show any resend (a second booking, a second cancellation) that PRODUCT.md forbids.

Attempts are counted in the sandbox's request log; the waits between them are read from the server's own
log (`--log-level INFO`: "GET /users/me failed (RateLimitError); retry 1 in 1.0 s").
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import httpx2
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from calendly_mcp.client.client import GATEWAY_SPACING
from cases import CASES, Case, World, build_world, cases_for, world_from_info
from conftest import Mode, SandboxProcess, free_port, server_env
from mcp_helpers import call, fail, iso, text_of

pytestmark = pytest.mark.anyio

TIMEOUT = "0.5"  # CALENDLY_MCP_TIMEOUT of the server processes here, in seconds
SLOW = 1.0  # how late the slow answer comes: past the timeout
HTML = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
BACKOFF = ((0.5, 0.8), (1.0, 1.3))  # the policy's waits before attempts 2 and 3 (jitter, one decimal)


@dataclass(frozen=True)
class Expect:
    """What a tool does under a fault."""

    attempts: int  # requests that reached the sandbox (or, refused, that were tried: from the server log)
    words: tuple[str, ...] = ()  # the error says all of these (case-insensitive)
    ok: bool = False  # the call succeeds in the end
    unknown: bool = False  # an "outcome unknown" error: not sent again, and says how to check
    effect: int = 0  # writes: how many times it took effect (bookings, cancellations, ...)
    waits: tuple[tuple[float, float], ...] = ()  # each retry's wait (min, max), from the server log
    absent: tuple[str, ...] = ()  # the error must not say these


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: dict[str, Any]  # the sandbox fault, without method, path and times
    read: Expect
    write: Expect
    served: bool = False  # the sandbox serves the request, then damages its answer (a write takes effect)


ONE_S = ((1.0, 1.0), (1.0, 1.0))
FIVE_XX_READ = ("try again shortly",)
NOT_RESENT = ("not sent again", "may or may not have taken effect")

SCENARIOS = [
    Scenario(
        "429 + Retry-After: 1",
        {"status": 429, "headers": {"Retry-After": "1"}},
        read=Expect(3, ("429 Too Many Requests", "Retry after about 1 s"), waits=ONE_S),
        write=Expect(2, ok=True, effect=1, waits=((1.0, 1.0),)),
    ),
    Scenario(
        "429 + X-RateLimit-Reset: 1 only",
        {"status": 429, "headers": {"X-RateLimit-Reset": "1"}},
        read=Expect(3, ("429 Too Many Requests", "Retry after about 1 s"), waits=ONE_S),
        write=Expect(2, ok=True, effect=1, waits=((1.0, 1.0),)),
    ),
    Scenario(
        "429, neither header",
        {"status": 429, "headers": {"X-RateLimit-Reset": None}},
        read=Expect(
            3, ("429 Too Many Requests", "wait before calling again"), waits=BACKOFF, absent=("Retry after",)
        ),
        write=Expect(2, ok=True, effect=1, waits=BACKOFF[:1]),
    ),
    Scenario(
        "500",
        {"status": 500},
        read=Expect(3, ("answered 500 Internal Server Error", *FIVE_XX_READ), waits=BACKOFF),
        write=Expect(1, ("answered 500", *NOT_RESENT), unknown=True),
    ),
    Scenario(
        "502",
        {"status": 502},
        read=Expect(3, ("answered 502", *FIVE_XX_READ), waits=BACKOFF),
        write=Expect(1, ("answered 502", *NOT_RESENT), unknown=True),
    ),
    Scenario(
        "503",
        {"status": 503},
        read=Expect(3, ("answered 503", *FIVE_XX_READ), waits=BACKOFF),
        write=Expect(1, ("answered 503", *NOT_RESENT), unknown=True),
    ),
    Scenario(
        "424 (external calendar)",
        {"status": 424},
        read=Expect(1, ("424 External Calendar Error", "reconnect")),
        write=Expect(1, ("424 External Calendar Error", "reconnect")),
    ),
    Scenario(
        f"slow answer ({SLOW} s, timeout {TIMEOUT} s)",
        {"action": "late", "delay_seconds": SLOW},
        read=Expect(3, ("did not answer in time", "try again shortly"), waits=BACKOFF),
        write=Expect(1, ("timed out waiting for the answer", *NOT_RESENT), unknown=True, effect=1),
        served=True,
    ),
    Scenario(
        "connection reset mid-answer",
        {"action": "reset_mid_body"},
        read=Expect(3, ("broke while reading the answer", "try again shortly"), waits=BACKOFF),
        write=Expect(1, ("the connection broke", *NOT_RESENT), unknown=True, effect=1),
        served=True,
    ),
    Scenario(
        "truncated body (Content-Length larger than sent)",
        {"action": "truncate"},
        read=Expect(3, ("broke while reading the answer", "try again shortly"), waits=BACKOFF),
        write=Expect(1, ("the connection broke", *NOT_RESENT), unknown=True, effect=1),
        served=True,
    ),
    Scenario(
        "non-JSON body, status 200",
        {"status": 200, "body": "<<not json>>"},
        read=Expect(1, ("was not JSON", "'<<not json>>'")),
        write=Expect(1, ("was not JSON", *NOT_RESENT), unknown=True),
    ),
    Scenario(
        "HTML error page from a proxy (502 text/html)",
        {"status": 502, "body": HTML, "headers": {"Content-Type": "text/html"}},
        read=Expect(3, ("answered 502", "an HTML page (502 Bad Gateway)", *FIVE_XX_READ), waits=BACKOFF),
        write=Expect(1, ("answered 502", "an HTML page (502 Bad Gateway)", *NOT_RESENT), unknown=True),
    ),
]
REFUSED = Scenario(
    "connection refused",
    {},
    read=Expect(3, ("Could not reach", "before the request was sent", "check the network"), waits=BACKOFF),
    write=Expect(3, ("Could not reach", "before the request was sent", "check the network"), waits=BACKOFF),
)

SETTING: dict[str, str] = {"direct": "CALENDLY_API_URL", "gateway": "MATON_GATEWAY_URL"}
# Tools that also ask paths other tools' faults are set on, each in a pass of its own, so that each
# tool's requests can be told apart in the logs and a fault meets only the request it is meant for:
# find_available_times asks list_event_type_available_times' path; create_event_invitee reads before it
# books (the current user, the invitee's meetings at that start, the offered slots); create_share reads
# the event type before it shares it; reschedule_meeting reads and books; find_common_free_times reads
# the organization's memberships (list_organization_memberships' path) to find the people.
ALONE = (
    "find_available_times",
    "create_event_invitee",
    "create_share",
    "reschedule_meeting",
    "find_common_free_times",
)


@dataclass
class Server:
    """A server process over stdio, its stderr (the log) in a file."""

    client: Client
    log: Path
    offset: int = 0

    def mark(self) -> None:
        self.offset = self.log.stat().st_size

    def new_log(self) -> str:
        with self.log.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read().decode(errors="replace")


@asynccontextmanager
async def start_server(env: dict[str, str]) -> AsyncIterator[Server]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "calendly_mcp", "--log-level", "INFO", "serve"],
        env=env | {"CALENDLY_MCP_TIMEOUT": TIMEOUT},
        cwd=os.getcwd(),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "server.log"
        with path.open("w") as errlog:
            # The child writes its stderr straight to the file.
            async with Client(stdio_client(params, errlog=errlog)) as client:
                yield Server(client, path)


@pytest.fixture(scope="module")
async def server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Server]:
    """One server process per mode for every scenario."""
    # Every toolset, the ones not served by default too: the matrix has a row for every tool.
    async with start_server(server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="all")) as running:
        yield running


_RETRY = re.compile(r"(GET|POST|PATCH|DELETE) (\S+) failed \((\w+)\); retry (\d+) in ([\d.]+) s")


def retry_waits(log: str) -> dict[tuple[str, str], list[float]]:
    """The waits the server logged before each new attempt, by (method, path)."""
    waits: dict[tuple[str, str], list[float]] = {}
    for method, path, _error, _n, delay in _RETRY.findall(log):
        waits.setdefault((method, path), []).append(float(delay))
    return waits


OBSERVED: dict[str, dict[str, dict[str, str]]] = {}  # scenario -> mode -> tool -> what happened


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    """With CALENDLY_FAULTS_REPORT=<file>, write what was observed (docs/faults.md is made from it)."""
    yield
    target = os.environ.get("CALENDLY_FAULTS_REPORT")
    if target:
        old = json.loads(Path(target).read_text()) if Path(target).exists() else {}
        for scenario, modes in OBSERVED.items():
            old.setdefault(scenario, {}).update(modes)
        Path(target).write_text(json.dumps(old, indent=1, sort_keys=True))


@dataclass
class Outcome:
    ok: bool
    text: str
    seconds: float
    result: dict[str, Any] | None = field(default=None)


async def run_all(client: Client, cases: list[Case], world: World) -> dict[str, Outcome]:
    """Every case at once: the retry waits overlap, so the whole matrix stays quick."""
    outcomes: dict[str, Outcome] = {}

    async def one(case: Case) -> None:
        started = time.perf_counter()
        result = await client.call_tool(case.tool, case.args(world))
        outcomes[case.tool] = Outcome(
            not result.is_error, text_of(result), time.perf_counter() - started, result.structured_content
        )

    async with anyio.create_task_group() as tasks:
        for case in cases:
            tasks.start_soon(one, case)
    return outcomes


def check_error(case: Case, expect: Expect, outcome: Outcome) -> None:
    assert not outcome.ok, f"{case.tool} succeeded: {outcome.result}"
    text = outcome.text
    assert text.strip(), f"{case.tool}: an error without words"
    for forbidden in ("Traceback", 'File "', "sandbox-token", "sandbox-key"):
        assert forbidden not in text, f"{case.tool}: {text}"
    for words in expect.words:
        assert words.lower() in text.lower(), f"{case.tool}: {words!r} not in {text!r}"
    for words in expect.absent:
        assert words.lower() not in text.lower(), f"{case.tool}: {words!r} in {text!r}"
    if expect.unknown:
        assert case.check in text, f"{case.tool}: the error must say how to check ({case.check}): {text}"


def check_waits(case: Case, expect: Expect, waits: list[float]) -> None:
    assert len(waits) == len(expect.waits), f"{case.tool}: waits {waits}, expected {expect.waits}"
    for wait, (low, high) in zip(waits, expect.waits, strict=True):
        assert low <= wait <= high, f"{case.tool}: waited {wait} s, expected {low}..{high}"


def summary(case: Case, expect: Expect, outcome: Outcome, attempts: int, effect: int | None) -> str:
    sent = f"sent {attempts}x" if attempts else "not sent"
    if outcome.ok:
        what = "then ok"
    elif expect.unknown:
        what = "then 'outcome unknown'"
    else:
        what = "then error"
    first = outcome.text.splitlines()[0][:90] if outcome.text else ""
    took = f"{outcome.seconds:.1f} s"
    done = "" if effect is None else f"; took effect {effect}x"
    return f"{sent}, {what} ({took}){done}: {first}" if not outcome.ok else f"{sent}, {what} ({took}){done}"


async def effects(client: Client, world: World) -> dict[str, int]:
    """How many times each write took effect, read back from the sandbox through the tools themselves."""
    booked = await call(
        client,
        "list_scheduled_events",
        user=world.me,
        invitee_email=f"{world.tag}@example.com",
        min_start_time=iso(),
    )
    canceled = (await call(client, "get_scheduled_event", event=world.to_cancel))["status"] == "canceled"
    hooks = await call(client, "list_webhook_subscriptions", organization=world.org, user=world.me, count=100)
    url = world.hook_url
    gone = await client.call_tool("get_webhook_subscription", {"webhook": world.hook_to_delete})
    moved = await call(
        client,
        "list_scheduled_events",
        user=world.me,
        invitee_email=world.mover,
        status="active",
        min_start_time=world.move_to,
        max_start_time=iso(datetime.fromisoformat(world.move_to) + timedelta(minutes=1)),
    )
    found = {
        "create_event_invitee": len(booked["collection"]),
        "reschedule_meeting": len(moved["collection"]),
        "cancel_scheduled_event": int(canceled),
        "create_webhook_subscription": [h["callback_url"] for h in hooks["collection"]].count(url),
        "delete_webhook_subscription": int(gone.is_error and "404" in text_of(gone)),
    }
    # Single-use links: no tool lists them, the sandbox counts them; one-offs are listed as event types.
    made = httpx2.get(f"{world.sandbox_url}/_sandbox/info").json()["examples"]["links_made"]
    types = await call(client, "list_event_types", user=world.me, count=100)
    found["create_scheduling_link"], found["create_share"] = made["scheduling_link"], made["share"]
    found["create_one_off_event_type"] = [t["name"] for t in types["collection"]].count("Pass one-off")
    notes = next(c for c in CASES if c.tool == "update_meeting_recap").args(world)["summary_md"]
    recap = await call(client, "get_meeting_recap", recap=world.ex("meeting_recap_to_update"))
    found["update_meeting_recap"] = int(recap["summary_md"] == notes)
    recap_gone = await client.call_tool("get_meeting_recap", {"recap": world.ex("meeting_recap_to_delete")})
    found["delete_meeting_recap"] = found_deleted(recap_gone)
    invited = await call(
        client, "list_organization_invitations", organization=world.org, email=f"{world.tag}@example.com"
    )
    found["create_organization_invitation"] = len(invited["collection"])
    revoked = await client.call_tool(
        "get_organization_invitation", {"invitation": world.ex("invitation_to_revoke")}
    )
    found["revoke_organization_invitation"] = found_deleted(revoked)
    removed = await client.call_tool(
        "get_organization_membership", {"membership": world.ex("membership_to_remove")}
    )
    found["remove_organization_membership"] = found_deleted(removed)
    found |= await no_show_effects(client, world)
    contacts = await call(client, "list_contacts", email=f"{world.tag}@example.com")
    updated = await client.call_tool("get_contact", {"contact": world.ex("contact_to_update")})
    contact_gone = await client.call_tool("get_contact", {"contact": world.ex("contact_to_delete")})
    found["create_contact"] = len(contacts["collection"])
    # An update is idempotent: taken effect once or more reads the same; its job_title is the tag.
    found["update_contact"] = int((updated.structured_content or {}).get("job_title") == world.tag)
    found["delete_contact"] = found_deleted(contact_gone)
    # event_type_admin: the event type created, the edit and the new time zone of the one edited.
    edited = world.ex("event_type_to_edit")
    types = await call(client, "list_event_types", user=world.me, count=100)
    after = await call(client, "get_event_type", event_type=edited)
    [hours] = (await call(client, "list_event_type_availability_schedules", event_type=edited))["collection"]
    found["create_event_type"] = [et["name"] for et in types["collection"]].count(f"Pass {world.tag}"[:55])
    found["update_event_type"] = int(after["description_plain"] == "Edited.")
    found["update_event_type_availability_schedules"] = int(
        hours["availability_rule"]["timezone"] == "America/Chicago"
    )
    if world.connections_before:
        connections = (await call(client, "list_connections"))["connections"]
        deleted = await client.call_tool("get_connection", {"connection_id": world.connection_to_delete})
        found["create_connection"] = len(connections) - world.connections_before + found_deleted(deleted)
        found["delete_connection"] = found_deleted(deleted)
    return found


async def no_show_effects(client: Client, world: World) -> dict[str, int]:
    """The no-show and data deletion writes: the mark shown, the mark gone, the invitee and meeting gone."""
    marked = await call(client, "get_event_invitee", invitee=world.ex("invitee_to_mark_no_show"))
    unmarked = await client.call_tool("get_invitee_no_show", {"no_show": world.ex("no_show_to_delete")})
    email = world.ex("invitee_to_forget_email")
    left = await call(client, "list_scheduled_events", organization=world.org, invitee_email=email)
    meeting = await client.call_tool("get_scheduled_event", {"event": world.ex("event_to_forget")})
    return {
        "mark_invitee_no_show": int(marked["no_show"] is not None),
        "delete_invitee_no_show": found_deleted(unmarked),
        "delete_invitee_data": int(not left["collection"]),
        "delete_scheduled_event_data": found_deleted(meeting),
    }


def found_deleted(result: Any) -> int:
    return int(result.is_error and "404" in text_of(result))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_every_tool_survives(
    server: Server, sandbox: SandboxProcess, mode: Mode, scenario: Scenario
) -> None:
    client = server.client
    tag = f"faults-{mode}-{re.sub(r'[^a-z0-9]+', '-', scenario.name.lower()).strip('-')}"[:60]
    world = await build_world(client, sandbox, mode, tag)
    cases = cases_for(mode)
    tools = {t.name for t in (await client.list_tools()).tools}
    assert {c.tool for c in cases} == tools, "every tool is in the matrix"
    seen: dict[str, str] = {}
    for batch in [
        [c for c in cases if c.tool not in ALONE],
        *([c for c in cases if c.tool == t] for t in ALONE),
    ]:
        batch_seen, batch_log = await matrix_pass(server, sandbox, mode, scenario, world, batch)
        seen |= batch_seen
        # Whatever happened, at most one booking and one cancellation for the one request the model made
        # each (in a batch: create_event_invitee and reschedule_meeting, which books too, go alone).
        for ending in ("/invitees", "/cancellation"):
            ok = [
                r
                for r in batch_log
                if r["method"] == "POST" and r["path"].endswith(ending) and r["status"] in (200, 201)
            ]
            assert len([r for r in ok if scenario.served or not r["faulted"]]) <= 1
    assert "Traceback" not in server.new_log()
    # The next call works.
    assert (await call(client, "get_user", user=world.other_user))["uri"] == world.other_user
    OBSERVED.setdefault(scenario.name, {})[mode] = seen


async def matrix_pass(
    server: Server, sandbox: SandboxProcess, mode: Mode, scenario: Scenario, world: World, cases: list[Case]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Put the scenario's fault on each case's request, call them all at once, and check each outcome;
    answers what was seen and the sandbox's request log of the pass."""
    client = server.client

    sandbox.clear_requests()
    with httpx2.Client(base_url=sandbox.url) as control:
        for case in cases:
            if case.local:
                continue  # nothing upstream to put a fault on
            spec = {
                **scenario.fault,
                "method": case.method,
                "path": f"^{re.escape(case.sandbox_path(world, mode))}$",
            }
            spec["times"] = 1 if case.write else None
            control.post("/_sandbox/faults", json=spec).raise_for_status()
        server.mark()
        outcomes = await run_all(client, cases, world)
        control.delete("/_sandbox/faults").raise_for_status()
    log = sandbox.requests()
    waits = retry_waits(server.new_log())

    done = await effects(client, world)  # also: the server still answers, with no fault left
    seen: dict[str, str] = {}
    for case in cases:
        outcome = outcomes[case.tool]
        if case.local:  # the inbox's own records: whatever happens upstream, they answer
            assert outcome.ok, f"{case.tool}: {outcome.text}"
            seen[case.tool] = "local: answered from the database"
            continue
        expect = scenario.write if case.write else scenario.read
        mine = [r for r in log if r["method"] == case.method and r["path"] == case.sandbox_path(world, mode)]
        assert len(mine) == expect.attempts, f"{case.tool}: {len(mine)} requests, expected {expect.attempts}"
        assert all(r["faulted"] for r in mine[:1])
        if expect.ok:
            assert outcome.ok, f"{case.tool}: {outcome.text}"
        else:
            check_error(case, expect, outcome)
        check_waits(case, expect, waits.get((case.method, case.upstream_path(world)), []))
        # Through Maton every request of the pass queues behind the others (GATEWAY_SPACING apart).
        queued = len(log) * GATEWAY_SPACING if mode == "gateway" else 0.0
        assert outcome.seconds < 10 + queued, (
            f"{case.tool} took {outcome.seconds:.1f} s: retries must be bounded"
        )
        effect = None
        if case.write:
            # The request log: answers the sandbox really served (not a canned fault) that succeeded.
            succeeded = [
                r for r in mine if r["status"] and r["status"] < 300 and (scenario.served or not r["faulted"])
            ]
            effect = done[case.tool]
            assert len(succeeded) == effect == expect.effect, (
                f"{case.tool}: took effect {effect}x ({len(succeeded)} successful answers in the log), "
                f"expected {expect.effect}"
            )
        seen[case.tool] = summary(case, expect, outcome, len(mine), effect)
    return seen, log


async def test_a_write_that_stays_rate_limited_is_given_back(
    server: Server, sandbox: SandboxProcess, mode: Mode
) -> None:
    """A 429 that does not go away: sent three times in all, then the rate-limit error; nothing booked."""
    world = await build_world(server.client, sandbox, mode, f"faults-{mode}-429-stays")
    case = next(c for c in CASES if c.tool == "create_event_invitee")
    sandbox.clear_requests()
    sandbox.fault(method="POST", path="^.*/invitees$", status=429, headers={"Retry-After": "1"}, times=None)
    text = await fail(server.client, case.tool, **case.args(world))
    httpx2.delete(f"{sandbox.url}/_sandbox/faults").raise_for_status()
    assert "429 Too Many Requests" in text
    assert "Retry after about 1 s" in text
    assert len([r for r in sandbox.requests() if r["path"].endswith("/invitees")]) == 3
    assert (await effects(server.client, world))["create_event_invitee"] == 0


async def test_connection_refused(sandbox: SandboxProcess, mode: Mode) -> None:
    """Nothing listens at the configured URLs: reads and writes alike are tried three times (nothing was
    sent), then the error says so; once the upstream is back, the same process answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    scenario = REFUSED
    async with start_server(server_env(mode, url, CALENDLY_MCP_TOOLSETS="all")) as refused:
        world = world_from_info(sandbox, mode)
        cases = cases_for(mode)
        seen: dict[str, str] = {}
        # Passes of their own, as in the matrix, for the tools that share a path with another one:
        # find_available_times with list_event_type_available_times, create_event_type (its owner, read
        # first) with get_current_user, create_share (its event type, read first) with get_event_type.
        # reschedule_meeting reads its meeting first, as get_scheduled_event does; find_common_free_times
        # reads the current user first, as get_current_user does, then the memberships.
        shared = (
            "find_available_times",
            "create_event_type",
            "create_share",
            "reschedule_meeting",
            "find_common_free_times",
        )
        for batch in (
            [c for c in cases if c.tool not in shared],
            *([c for c in cases if c.tool == t] for t in shared),
        ):
            refused.mark()
            outcomes = await run_all(refused.client, batch, world)
            waits = retry_waits(refused.new_log())
            seen |= checked_refusals(batch, outcomes, waits, world, mode, scenario)
        assert "Traceback" not in refused.new_log()
        assert sandbox.requests() == []
        # The upstream comes back on the same port: the same server process answers.
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=port)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_serve_forwarder, listener, sandbox.url)
            assert (await call(refused.client, "get_user", user=world.other_user))["uri"] == world.other_user
            assert (await call(refused.client, "get_current_user"))["uri"] == world.me
            tasks.cancel_scope.cancel()
    OBSERVED.setdefault(scenario.name, {})[mode] = seen


def checked_refusals(
    cases: list[Case],
    outcomes: dict[str, Any],
    waits: dict[tuple[str, str], list[float]],
    world: World,
    mode: Mode,
    scenario: Scenario,
) -> dict[str, str]:
    seen: dict[str, str] = {}
    for case in cases:
        outcome = outcomes[case.tool]
        if case.local:  # the inbox's own records: no upstream needed
            assert outcome.ok, f"{case.tool}: {outcome.text}"
            seen[case.tool] = "local: answered from the database"
            continue
        expect = scenario.write if case.write else scenario.read
        method, path = case.method, case.upstream_path(world)
        if case.tool == "create_event_invitee":  # it reads the event type before it books
            method, path = "GET", f"/event_types/{world.bare('bookable')}"
        if case.tool == "update_event_type":  # it reads the event type before it edits it
            method, path = "GET", f"/event_types/{world.bare('event_type_to_edit')}"
        if case.tool == "create_event_type":  # the owner is the current user, read first
            method, path = "GET", "/users/me"
        if case.tool == "reschedule_meeting":  # it reads the meeting before it books
            method, path = "GET", f"/scheduled_events/{world.bare('to_move')}"
        if case.tool == "find_common_free_times":  # the current user's organization, read first
            method, path = "GET", "/users/me"
        if case.tool == "create_share":  # it reads the event type before it shares it
            method, path = "GET", f"/event_types/{world.bare('link_event_type')}"
        check_error(case, expect, outcome)
        setting = "MATON_CTRL_URL" if case.ctrl else SETTING[mode]
        assert setting in outcome.text, f"{case.tool}: the error names {setting}: {outcome.text}"
        check_waits(case, expect, waits.get((method, path), []))
        attempts = len(waits.get((method, path), [])) + 1
        note = " (its GET before the write; the write was never sent)" if method != case.method else ""
        seen[case.tool] = summary(case, expect, outcome, attempts, 0 if case.write else None) + note
    return seen


async def _serve_forwarder(listener: anyio.abc.Listener[anyio.abc.SocketStream], target: str) -> None:
    host, port = target.removeprefix("http://").split(":")

    async def pipe(source: anyio.abc.ByteStream, sink: anyio.abc.ByteStream) -> None:
        with suppress(anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
            async for chunk in source:
                await sink.send(chunk)
        with suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
            await sink.send_eof() if isinstance(sink, anyio.abc.SocketStream) else None

    async def handle(downstream: anyio.abc.SocketStream) -> None:
        upstream = await anyio.connect_tcp(host, int(port))
        async with downstream, upstream, anyio.create_task_group() as tasks:
            tasks.start_soon(pipe, downstream, upstream)
            await pipe(upstream, downstream)

    async with listener:
        await listener.serve(handle)
