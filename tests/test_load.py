"""Load: 50 concurrent MCP sessions over streamable HTTP, 20 tool calls each, against one server process.

The workload, the /proc figures and the requirement live in benchmarks/load.py (`python -m
benchmarks.load` prints the same figures, with larger sizes from LOAD_* variables); this test runs the
default sizes and asserts the requirement:
- every call of every round succeeds and its structuredContent validates against the outputSchema;
- after each round's sessions have closed and the server has settled, its open fds are back to the
  baseline (taken after a warm-up round) within +-4, no client connection is left open or in
  CLOSE_WAIT, and RSS grows less than 10 MB from one settled round to the next.

`calendly-mcp sandbox` has no flag for the rate limit, and Calendly's 500 requests per minute would
throttle 1000 calls a round; so the sandbox runs in this process with the limit raised. It takes
45-65 s on 2 cores (the client side, 50 SDK clients checking every result, is the busiest part).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from calendly_mcp.sandbox import SandboxConfig, running_sandbox
from conftest import server_env

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the server's figures from /proc"),
]


def _load_module() -> ModuleType:
    """benchmarks/load.py, which is not an installed package."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "load.py"
    spec = importlib.util.spec_from_file_location("benchmarks_load", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


load = _load_module()


async def test_fifty_sessions_twenty_calls_no_failures_no_growth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sizes the requirement names, whatever LOAD_* variables the environment holds.
    monkeypatch.setattr(load, "CALLS", 20)
    monkeypatch.setattr(load, "BOOKERS", 4)
    config = SandboxConfig(rate_limit_per_minute=1_000_000, booking_rate_limit_per_minute=1_000_000)
    stderr = tmp_path / "server.stderr"
    async with (
        running_sandbox(config=config) as box,
        load.http_server(server_env("direct", box.url), stderr) as server,
    ):
        report = await load.run_load(server, box.url, sessions=50, rounds=3)
    print("\n" + "\n".join(report.lines()))
    found = load.problems(report)
    assert not found, "\n".join(found) + "\nserver stderr (tail):\n" + server.stderr_tail()
