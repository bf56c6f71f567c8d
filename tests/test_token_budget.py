"""What a model reads of every tool, in every request: name, description and inputSchema, as the compact
JSON a client sends, counted in o200k_base tokens (bpe-openai, offline).

Each tool is held to its ceiling in tests/data/token_ceilings.json (its count when last set, plus 5%) and
the average to the file's `average`. After a deliberate change, rewrite the file and review its diff:
`UPDATE_TOKEN_CEILINGS=1 PYTHONPATH=src .venv/bin/pytest tests/test_token_budget.py`.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import warnings
from pathlib import Path
from typing import Any

import pytest

from calendly_mcp.tools import _manifest

CEILINGS = Path(__file__).parent / "data" / "token_ceilings.json"
MARGIN = 1.05
with warnings.catch_warnings():
    # bpe-openai 0.1 reads its vocabulary with importlib.resources.open_binary, deprecated since 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    import bpe_openai

    ENCODING = bpe_openai.get_encoding("o200k_base")


def tokens(definition: dict[str, Any]) -> int:
    facing = {k: definition[k] for k in ("name", "description", "inputSchema")}
    return len(ENCODING.encode(json.dumps(facing, separators=(",", ":"), ensure_ascii=False)))


COUNTS = {name: tokens(d) for name, d in _manifest.load().items()}  # = tools/list (test_registry)

if os.environ.get("UPDATE_TOKEN_CEILINGS") == "1":
    CEILINGS.write_text(
        json.dumps(
            {
                "average": math.ceil(statistics.mean(COUNTS.values())),
                "tools": {name: math.ceil(n * MARGIN) for name, n in sorted(COUNTS.items())},
            },
            indent=1,
        )
        + "\n"
    )
BUDGET = json.loads(CEILINGS.read_text())
UPDATE = "if the change is deliberate, run UPDATE_TOKEN_CEILINGS=1 (see this module's docstring)"


@pytest.mark.parametrize("tool", sorted(COUNTS))
def test_tool_definition_within_its_ceiling(tool: str) -> None:
    assert tool in BUDGET["tools"], f"{tool} has no ceiling: {UPDATE}"
    assert COUNTS[tool] <= BUDGET["tools"][tool], f"{tool}: {COUNTS[tool]} tokens; {UPDATE}"


def test_average_within_budget() -> None:
    assert set(BUDGET["tools"]) == set(COUNTS), f"ceilings for tools that do not exist: {UPDATE}"
    average = statistics.mean(COUNTS.values())
    assert average <= BUDGET["average"], f"{average:.1f} tokens per tool on average; {UPDATE}"


def test_the_count_is_of_what_a_model_reads() -> None:
    """The control: a longer description costs more, and a name alone a handful."""
    definition = {"name": "get_user", "description": "One user.", "inputSchema": {"type": "object"}}
    longer = {**definition, "description": "One user, with every field Calendly knows about them."}
    assert 5 < tokens(definition) < tokens(longer) < 40


# The budgets of the contract, with every toolset enabled (PRODUCT's table: 70 tools).
AVERAGE_BUDGET = 120
DEFAULT_SET_BUDGET = 4_500
TOOLS_LIST_BYTES = 150_000


def test_the_contracts_budgets_hold() -> None:
    """Whatever the ceilings file says, the contract's own numbers: at most 120 tokens a tool on average
    with every toolset, under 4,500 for the default toolsets together."""
    from calendly_mcp.tools.registry import ALL_TOOLS, DEFAULT

    assert statistics.mean(COUNTS.values()) <= AVERAGE_BUDGET
    default = sum(COUNTS[spec.name] for spec in ALL_TOOLS if spec.toolset in DEFAULT)
    assert default < DEFAULT_SET_BUDGET, f"the default toolsets' definitions: {default} tokens"


@pytest.mark.anyio
async def test_tools_list_with_every_toolset_is_under_150_kb() -> None:
    """The whole tools/list answer as compact JSON (output schemas included), every toolset enabled."""
    from mcp.client import Client

    from calendly_mcp.server.app import build_server
    from calendly_mcp.settings import Settings

    settings = Settings(_env_file=None, calendly_mcp_toolsets="all", maton_api_key="k")  # pyright: ignore[reportCallIssue]
    async with Client(build_server(settings)) as client:
        tools = (await client.list_tools()).tools
    body = {"tools": [tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in tools]}
    size = len(json.dumps(body, separators=(",", ":")))
    assert len(tools) == len(COUNTS)
    assert size < TOOLS_LIST_BYTES, f"tools/list is {size:,} bytes"
