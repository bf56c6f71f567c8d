"""Answers fit a model's context: every tool's text content under 4,000 o200k tokens at default
arguments and under 16,000 at its largest (counts are deterministic on the seeded sandbox)."""

from __future__ import annotations

import pytest
from mcp.client import Client

from answer_sizes import DEFAULT_CEILING, LARGEST, LARGEST_CEILING, table, tokens
from calendly_mcp.tools import _manifest
from calendly_mcp.tools.registry import ALL_TOOLS
from cases import build_world
from conftest import Mode, SandboxProcess

pytestmark = pytest.mark.anyio


def test_the_counter_counts() -> None:
    assert tokens("") == 0
    assert 2 <= tokens("hello world") <= 3
    assert tokens("x" * 300_000) > 10_000  # a long text is counted in pieces, not refused


def test_every_tool_that_grows_with_an_argument_is_measured_at_its_largest() -> None:
    # Reads: a write's answer (a deletion's, say) does not grow with its range.
    reads = {spec.name for spec in ALL_TOOLS if spec.read_only}
    growing = {
        name
        for name, definition in _manifest.load().items()
        if {"count", "end_time"} & set(definition["inputSchema"]["properties"]) and name in reads
    }
    assert growing == set(LARGEST)


async def test_every_answer_fits(mcp: Client, sandbox: SandboxProcess, mode: Mode) -> None:
    world = await build_world(mcp, sandbox, mode, f"sizes-{mode}")
    over: list[str] = []
    for tool, default, largest in await table(mcp, world):
        if default >= DEFAULT_CEILING:
            over.append(f"{tool}: {default} tokens at default arguments")
        if largest is not None and largest >= LARGEST_CEILING:
            over.append(f"{tool}: {largest} tokens at its largest arguments")
    assert not over, over
