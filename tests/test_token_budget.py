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
