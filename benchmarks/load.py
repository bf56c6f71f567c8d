"""A bounded load run: many concurrent MCP sessions over streamable HTTP against one server process.

Starts a sandbox in this process (with Calendly's 500/minute limit raised: the run measures the server,
not the limit) and one `calendly-mcp serve --transport streamable-http` process pointed at it. Then it
runs identical rounds: in each, SESSIONS concurrent sessions (half on the 2026-07-28 protocol, half on
the 2025 handshake era) list the tools and make CALLS tool calls each (a mix of the read tools, plus a
booking and its cancellation on a slot of its own in a few sessions). Every result must be a success
whose structuredContent validates (formats included) against the tool's outputSchema.

The server's open file descriptors, TCP connections and RSS are read from /proc (Linux only):
- after round 1 (the warm-up) has settled: the baseline;
- in each round, once every session has made its calls but none has closed yet ("loaded");
- after the sessions have closed and the fd count has been stable for a second ("settled").
Round 1 fills the connection pool, caches and allocator arenas, so growth is judged from round 2 on.

    python -m benchmarks.load                       # 50 sessions x 20 calls, 3 rounds
    LOAD_SESSIONS=200 LOAD_CALLS=50 LOAD_ROUNDS=5 python -m benchmarks.load

tests/test_load.py runs the default sizes and asserts `problems(report) == []`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.abc
import httpx2
from jsonschema import Draft202012Validator
from mcp.client import Client
from mcp.types import TextContent

SESSIONS = int(os.environ.get("LOAD_SESSIONS", "50"))
CALLS = int(os.environ.get("LOAD_CALLS", "20"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))  # the first is the warm-up
BOOKERS = int(os.environ.get("LOAD_BOOKERS", "4"))  # sessions that also book and cancel a meeting

# What "no growth" means, after the sessions of a round have closed and the server has settled.
FD_TOLERANCE = 4  # open fds within the baseline +- this (the upstream pool keeps up to 10 idle)
RSS_GROWTH_LIMIT_KB = 10 * 1024  # from one round's settled RSS to the next, from round 2 on
SETTLE_TIMEOUT = 20.0  # seconds the fd count may take to become stable
SETTLE_STABLE_FOR = 1.0  # seconds the fd count must stay unchanged to count as stable
ROUND_TIMEOUT = 120.0

Era = Literal["auto", "legacy"]


# --- the server process, seen from /proc -------------------------------------------------------------


@dataclass(frozen=True)
class ProcFigures:
    fds: int
    inbound: int  # TCP connections accepted on the MCP port (the listener not counted)
    outbound: int  # TCP connections the server opened (to Calendly, here the sandbox)
    close_wait: int  # connections the peer closed and the server did not
    rss_kb: int
    threads: int
    cpu_s: float  # user + system CPU seconds so far

    def line(self) -> str:
        return (
            f"fds {self.fds:4d}  tcp in {self.inbound:3d} out {self.outbound:3d} close_wait {self.close_wait:2d}"
            f"  RSS {self.rss_kb / 1024:6.1f} MB  threads {self.threads:2d}"
        )


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(fd_dir / fd)
        except OSError:  # closed between listdir and readlink
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def proc_figures(pid: int, port: int) -> ProcFigures:
    """The server's fds, TCP connections by direction, RSS, threads and CPU time."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    inodes = _socket_inodes(pid)
    inbound = outbound = close_wait = 0
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for row in path.read_text().splitlines()[1:]:
            cols = row.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if inode not in inodes or state == "0A":  # not the server's, or a listener
                continue
            close_wait += state == "08"
            if int(local.rsplit(":", 1)[1], 16) == port:
                inbound += 1
            else:
                outbound += 1
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return ProcFigures(
        fds=fds,
        inbound=inbound,
        outbound=outbound,
        close_wait=close_wait,
        rss_kb=int(status["VmRSS"].split()[0]),
        threads=int(status["Threads"]),
        cpu_s=(int(stat[11]) + int(stat[12])) / ticks,
    )


async def settle(pid: int, port: int) -> tuple[ProcFigures, float]:
    """Poll the fd count until it has not changed for SETTLE_STABLE_FOR seconds (or SETTLE_TIMEOUT)."""
    started = time.monotonic()
    last = len(os.listdir(f"/proc/{pid}/fd"))
    stable_since = started
    while time.monotonic() - stable_since < SETTLE_STABLE_FOR and time.monotonic() - started < SETTLE_TIMEOUT:
        await anyio.sleep(0.1)
        current = len(os.listdir(f"/proc/{pid}/fd"))
        if current != last:
            last, stable_since = current, time.monotonic()
    return proc_figures(pid, port), time.monotonic() - started


# --- the server process --------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def direct_env(api_url: str) -> dict[str, str]:
    """A clean environment in direct mode against `api_url`: none of the developer's credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATON_", "CALENDLY_"))}
    return env | {"CALENDLY_API_TOKEN": "sandbox-token", "CALENDLY_API_URL": api_url}


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    port: int
    stderr: Path

    def stderr_tail(self, lines: int = 30) -> str:
        return "\n".join(self.stderr.read_text(errors="replace").splitlines()[-lines:])


@asynccontextmanager
async def http_server(env: dict[str, str], stderr: Path) -> AsyncIterator[Server]:
    """`calendly-mcp serve --transport streamable-http --port N` as its own process, until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "calendly_mcp", "serve", "--transport", "streamable-http"]
    with stderr.open("wb") as err:
        process = await anyio.open_process(
            [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=err
        )
    async with process:
        try:
            await _wait_for_port(port, process)
            yield Server(f"http://127.0.0.1:{port}/mcp", process.pid, port, stderr)
        finally:
            process.terminate()
            await process.wait()


async def _wait_for_port(port: int, process: anyio.abc.Process) -> None:
    with anyio.fail_after(30):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                stream = await anyio.connect_tcp("127.0.0.1", port)
            except OSError:
                await anyio.sleep(0.05)
                continue
            await stream.aclose()
            return


# --- the workload ---------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def window() -> dict[str, str]:
    """Six days from ten minutes from now: inside both the 7-day limits, never in the past."""
    start = datetime.now(UTC) + timedelta(minutes=10)
    return {"start_time": _iso(start), "end_time": _iso(start + timedelta(days=6))}


def _text(result: Any) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))[:300]


@dataclass
class Plan:
    """What the sessions call: ids and page tokens gathered once, before the rounds."""

    validators: dict[str, Draft202012Validator]
    event_types: list[str]  # active event types of the current user
    events: list[str]  # scheduled events of the current user
    page_tokens: list[str]  # next_page_tokens of list_scheduled_events(count=10)
    bookable: dict[str, Any]  # an event type that needs nothing but a name, e-mail and zone
    slots: list[str]  # one free slot per booking session, far enough apart not to collide

    def reads(self, session: int) -> list[tuple[str, dict[str, Any]]]:
        """The session's read calls: the mix, rotated by the session's number, CALLS long."""
        i = session
        mix: list[tuple[str, dict[str, Any]]] = [
            ("get_current_user", {}),
            ("list_event_types", {}),
            ("list_scheduled_events", {"count": 10}),
            ("get_scheduled_event", {"event": self.events[i % len(self.events)]}),
            ("list_event_invitees", {"event": self.events[(i + 1) % len(self.events)]}),
            (
                "list_scheduled_events",
                {"count": 10, "page_token": self.page_tokens[i % len(self.page_tokens)]},
            ),
            ("list_event_type_available_times", {"event_type": self.event_types[i % len(self.event_types)]}),
            ("list_user_busy_times", {}),
            ("get_scheduled_event", {"event": self.events[(i + 7) % len(self.events)]}),
            ("list_event_invitees", {"event": self.events[(i + 3) % len(self.events)]}),
        ]
        return [mix[(i + k) % len(mix)] for k in range(CALLS)]

    def booking(self, session: int) -> dict[str, Any]:
        args: dict[str, Any] = {
            "event_type": self.bookable["uri"],
            "start_time": self.slots[session],
            "email": f"load-{session}@example.com",
            "name": f"Load Tester {session}",
            "timezone": "Europe/Berlin",
        }
        kinds = [loc["kind"] for loc in self.bookable.get("locations") or []]
        if kinds:
            args["location_kind"] = kinds[0]
        return args


async def _ok(client: Client, validators: dict[str, Draft202012Validator], tool: str, **args: Any) -> Any:
    result = await client.call_tool(tool, args)
    if result.is_error or result.structured_content is None:
        raise AssertionError(f"{tool} failed: {_text(result)}")
    validators[tool].validate(result.structured_content)
    return result.structured_content


def _spaced(slots: list[str], count: int, gap: timedelta) -> list[str]:
    chosen: list[str] = []
    last: datetime | None = None
    for slot in slots:
        moment = datetime.fromisoformat(slot.replace("Z", "+00:00"))
        if moment < datetime.now(UTC) + timedelta(hours=2):
            continue
        if last is None or moment - last >= gap:
            chosen.append(slot)
            last = moment
    if len(chosen) < count:
        raise RuntimeError(f"only {len(chosen)} spaced free slots for {count} bookings")
    return chosen[:count]


async def make_plan(url: str, sandbox_url: str) -> Plan:
    async with Client(url) as client, httpx2.AsyncClient(base_url=sandbox_url) as http:
        validators = {
            t.name: Draft202012Validator(
                t.output_schema or {}, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            for t in (await client.list_tools()).tools
        }
        me = await _ok(client, validators, "get_current_user")
        types = await _ok(client, validators, "list_event_types", active=True, count=100)
        events = await _ok(client, validators, "list_scheduled_events", count=20)
        tokens: list[str] = []
        page = await _ok(client, validators, "list_scheduled_events", count=10)
        while page["next_page_token"] and len(tokens) < 5:
            tokens.append(page["next_page_token"])
            page = await _ok(client, validators, "list_scheduled_events", count=10, page_token=tokens[-1])
        info = (await http.get("/_sandbox/info")).raise_for_status().json()
        bookable_uri = info["examples"]["bookable_event_types"][me["uri"]]
        bookable = await _ok(client, validators, "get_event_type", event_type=bookable_uri)
        free = await _ok(
            client, validators, "list_event_type_available_times", event_type=bookable_uri, **window()
        )
        gap = timedelta(minutes=2 * int(bookable["duration"]) + 60)
        slots = _spaced([s["start_time"] for s in free["collection"]], BOOKERS, gap)
    if not (types["collection"] and events["collection"] and tokens):
        raise RuntimeError("the seed has too little to read: event types, events and pages are needed")
    return Plan(
        validators=validators,
        event_types=[et["uri"] for et in types["collection"]],
        events=[e["uri"] for e in events["collection"]],
        page_tokens=tokens,
        bookable=bookable,
        slots=slots,
    )


# --- a round --------------------------------------------------------------------------------------------


@dataclass
class Round:
    number: int
    sessions: int
    latencies: list[float] = field(default_factory=list)  # seconds, of every call that was made
    failures: list[str] = field(default_factory=list)
    ok: int = 0
    elapsed: float = 0.0  # first session opened to last call answered
    loaded: ProcFigures | None = None
    settled: ProcFigures | None = None
    settle_s: float = 0.0
    cpu_s: float = 0.0  # server CPU seconds spent in the round
    arrived: int = 0  # sessions done calling (or failed)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")

    def lines(self) -> list[str]:
        assert self.loaded
        assert self.settled
        rate = self.ok / self.elapsed if self.elapsed else 0.0
        return [
            f"round {self.number}{' (warm-up)' if self.number == 1 else ''}: {self.ok}/{self.sessions * CALLS} "
            f"calls ok, {len(self.failures)} failed, {self.elapsed:.2f} s, {rate:.0f} calls/s, "
            f"server CPU {self.cpu_s:.1f} s",
            f"  latency p50 {self.percentile(0.50) * 1000:.0f} ms  p95 {self.percentile(0.95) * 1000:.0f} ms"
            f"  p99 {self.percentile(0.99) * 1000:.0f} ms  max {max(self.latencies, default=0) * 1000:.0f} ms"
            f"  (mean {statistics.fmean(self.latencies or [0]) * 1000:.0f} ms)",
            f"  loaded ({self.sessions} sessions open): {self.loaded.line()}",
            f"  settled after {self.settle_s:.1f} s:        {self.settled.line()}",
        ]


async def _session(
    number: int, server: Server, plan: Plan, into: Round, all_called: anyio.Event, close: anyio.Event
) -> None:
    era: Era = "legacy" if number % 2 else "auto"
    calls = plan.reads(number)
    if number < BOOKERS:  # the booking early, its cancellation last: the slot is held while others read
        calls[2] = ("create_event_invitee", plan.booking(number))
        calls[-1] = ("cancel_scheduled_event", {})
    booked: str | None = None
    arrived = False
    try:
        async with Client(server.url, mode=era) as client:
            await client.list_tools()  # what a client does first (a 2026 call needs the listing)
            for tool, args in calls:
                if tool == "cancel_scheduled_event":
                    args = {"event": booked, "reason": "load test"}
                elif tool in ("list_event_type_available_times", "list_user_busy_times"):
                    args = args | window()
                started = time.perf_counter()
                try:
                    result = await client.call_tool(tool, args)
                except Exception as exc:
                    into.failures.append(f"session {number} ({era}) {tool}: {type(exc).__name__}: {exc}")
                    continue
                finally:
                    into.latencies.append(time.perf_counter() - started)
                if result.is_error or result.structured_content is None:
                    into.failures.append(f"session {number} ({era}) {tool}: error result: {_text(result)}")
                    continue
                problem = next(plan.validators[tool].iter_errors(result.structured_content), None)
                if problem is not None:
                    into.failures.append(
                        f"session {number} ({era}) {tool}: not schema-valid: {problem.message}"
                    )
                    continue
                into.ok += 1
                if tool == "create_event_invitee":
                    booked = result.structured_content["event"]
            arrived = _arrive(into, all_called)
            await close.wait()  # stay open until the "loaded" figures are taken
    except Exception as exc:
        into.failures.append(f"session {number} ({era}): {type(exc).__name__}: {exc}")
    finally:
        if not arrived:
            _arrive(into, all_called)


def _arrive(into: Round, all_called: anyio.Event) -> bool:
    into.arrived += 1
    if into.arrived == into.sessions:
        all_called.set()
    return True


async def run_round(number: int, server: Server, plan: Plan, sessions: int) -> Round:
    result = Round(number=number, sessions=sessions)
    all_called, close = anyio.Event(), anyio.Event()
    cpu_before = proc_figures(server.pid, server.port).cpu_s
    with anyio.fail_after(ROUND_TIMEOUT):
        async with anyio.create_task_group() as tasks:
            started = time.perf_counter()
            for n in range(sessions):
                tasks.start_soon(_session, n, server, plan, result, all_called, close)
            await all_called.wait()
            result.elapsed = time.perf_counter() - started
            result.loaded = proc_figures(server.pid, server.port)
            close.set()
    result.settled, result.settle_s = await settle(server.pid, server.port)
    result.cpu_s = result.settled.cpu_s - cpu_before
    return result


# --- the whole run ----------------------------------------------------------------------------------------


@dataclass
class Report:
    sessions: int
    calls: int
    baseline: ProcFigures
    rounds: list[Round]

    def lines(self) -> list[str]:
        return [self.title(), *(line for r in self.rounds for line in r.lines()), *self.summary()]

    def title(self) -> str:
        return (
            f"load: {self.sessions} concurrent sessions x {self.calls} tool calls per round, streamable HTTP, "
            f"{len(self.rounds)} rounds, round 1 the warm-up (odd sessions on the 2025 handshake era, "
            f"{BOOKERS} sessions also book and cancel)"
        )

    def summary(self) -> list[str]:
        measured = self.rounds[1:] or self.rounds
        latencies = [t for r in measured for t in r.latencies]
        total = Round(0, 0, latencies=latencies)
        ok = sum(r.ok for r in measured)
        elapsed = sum(r.elapsed for r in measured)
        settled = [r.settled for r in self.rounds if r.settled]
        return [
            f"rounds 2-{len(self.rounds)}: {ok} calls ok, {sum(len(r.failures) for r in measured)} failed, "
            f"{ok / elapsed if elapsed else 0:.0f} calls/s, latency p50 {total.percentile(0.5) * 1000:.0f} ms "
            f"p95 {total.percentile(0.95) * 1000:.0f} ms p99 {total.percentile(0.99) * 1000:.0f} ms",
            f"settled, round by round: fds {', '.join(str(f.fds) for f in settled)} (baseline {self.baseline.fds}"
            f" +-{FD_TOLERANCE}); client connections {', '.join(str(f.inbound) for f in settled)}; "
            f"RSS {', '.join(f'{f.rss_kb / 1024:.1f}' for f in settled)} MB "
            f"(limit +{RSS_GROWTH_LIMIT_KB // 1024} MB a round from round 2 on)",
        ]


def problems(report: Report) -> list[str]:
    """Every way the run missed the requirement; empty when it met it."""
    found: list[str] = []
    base = report.baseline
    for r in report.rounds:
        if r.failures or r.ok != r.sessions * report.calls:
            shown = "; ".join(r.failures[:5])
            found.append(f"round {r.number}: {r.ok}/{r.sessions * report.calls} calls ok: {shown}")
    for prev, r in zip(report.rounds[1:], report.rounds[2:], strict=False):
        assert prev.settled
        assert r.settled
        if r.settled.rss_kb - prev.settled.rss_kb >= RSS_GROWTH_LIMIT_KB:
            found.append(
                f"RSS grew {(r.settled.rss_kb - prev.settled.rss_kb) / 1024:.1f} MB from round {prev.number} "
                f"to round {r.number} (settled; limit {RSS_GROWTH_LIMIT_KB / 1024:.0f} MB)"
            )
    for r in report.rounds[1:]:
        assert r.settled
        if abs(r.settled.fds - base.fds) > FD_TOLERANCE:
            found.append(
                f"round {r.number}: {r.settled.fds} fds open after settling, baseline {base.fds} "
                f"(tolerance +-{FD_TOLERANCE})"
            )
        if r.settled.inbound > base.inbound:
            found.append(
                f"round {r.number}: {r.settled.inbound} client connections still open after the sessions "
                f"closed (baseline {base.inbound})"
            )
        if r.settled.close_wait:
            found.append(f"round {r.number}: {r.settled.close_wait} connections left in CLOSE_WAIT")
    return found


async def run_load(
    server: Server,
    sandbox_url: str,
    sessions: int = SESSIONS,
    rounds: int = ROUNDS,
    show: Callable[[str], None] | None = None,
) -> Report:
    """Round 1 (the warm-up), its settled figures as the baseline, then the other rounds."""
    plan = await make_plan(server.url, sandbox_url)
    done: list[Round] = []
    for number in range(1, rounds + 1):
        done.append(await run_round(number, server, plan, sessions))
        if show:
            show("\n".join(done[-1].lines()))
    assert done[0].settled
    return Report(sessions=sessions, calls=CALLS, baseline=done[0].settled, rounds=done)


async def main() -> None:
    from calendly_mcp.sandbox import SandboxConfig, running_sandbox

    # Calendly's 500 requests/minute (and 10 bookings/minute) would throttle the run: it measures us.
    config = SandboxConfig(rate_limit_per_minute=1_000_000, booking_rate_limit_per_minute=1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            running_sandbox(config=config) as box,
            # Its bookings are the sandbox's: their record stays in the run's temporary directory.
            http_server(
                direct_env(box.url)
                | {"CALENDLY_MCP_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bookings.sqlite3'}"},
                Path(tmp) / "server.stderr",
            ) as server,
        ):
            print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
            print(
                f"load: {SESSIONS} concurrent sessions x {CALLS} tool calls per round, {ROUNDS} rounds",
                flush=True,
            )
            report = await run_load(server, box.url, show=lambda text: print(text, flush=True))
            print("\n".join(report.summary()))
            found = problems(report)
            print("no growth, no failures" if not found else "PROBLEMS:\n  " + "\n  ".join(found))
            if found:
                print("server stderr (tail):\n" + server.stderr_tail())
                sys.exit(1)


if __name__ == "__main__":
    anyio.run(main)
