"""The committed tool manifest: every tool's definition as tools/list shows it, one reviewable file.

It is what the server serves its schemas from at start-up, and the snapshot that makes every change of a
tool's definition a visible diff: `make snapshots` (`python -m calendly_mcp.tools._manifest`) rewrites
it from the models, and a test fails while it differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from mcp.server.mcpserver.tools.base import Tool

from calendly_mcp.tools._mcp import sdk_tool
from calendly_mcp.tools.registry import ALL_TOOLS

PATH = Path(__file__).with_name("manifest.json")
Definition = dict[str, Any]


class ManifestError(RuntimeError):
    """The installed package's manifest is missing or out of step with its tools."""


def load() -> dict[str, Definition]:
    try:
        return cast(dict[str, Definition], json.loads(PATH.read_text()))
    except FileNotFoundError:
        raise ManifestError(f"{PATH} is missing: run `make snapshots` to generate it") from None


def definition(tool: Tool) -> Definition:
    """What tools/list says of the tool, in wire names."""
    annotations = tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else None
    entry: Definition = {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "inputSchema": tool.parameters,
        "outputSchema": tool.output_schema,
        "annotations": annotations,
    }
    return {k: v for k, v in entry.items() if v is not None}


def generate() -> dict[str, Definition]:
    """Every tool's definition as `Tool.from_function` and our compaction make it."""
    return {spec.name: definition(sdk_tool(spec)) for spec in ALL_TOOLS}


def write() -> None:
    PATH.write_text(json.dumps(generate(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    write()
