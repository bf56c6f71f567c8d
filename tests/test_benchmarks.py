"""The cold-start benchmark runs as `make bench` runs it: one round, every server it compares started and
listed (its figures are printed, never asserted: they are timings)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import server_env

ROOT = Path(__file__).resolve().parents[1]


def test_the_cold_start_benchmark_starts_each_server_it_compares() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import anyio; from benchmarks.run import cold_start; anyio.run(cold_start)"],
        cwd=ROOT,
        env=server_env(None, None) | {"BENCH_ROUNDS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = re.findall(r"^  (.+?)\s+(\d+) ms   \(process CPU to exit (\d+) ms\)$", done.stdout, re.MULTILINE)
    assert [name for name, _, _ in rows] == ["bare MCPServer", "bare, collector paused", "calendly-mcp"]
    assert all(int(wall) > 0 and int(cpu) > 0 for _, wall, cpu in rows)
    assert re.search(r"ratio \d+\.\d\dx the bare MCPServer \(budget 1\.10x\); \d+\.\d\dx", done.stdout)
