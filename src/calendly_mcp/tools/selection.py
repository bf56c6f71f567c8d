"""Which tools a server serves, decided from the committed catalog alone: no tool module is imported.

Start-up reads two generated files beside this one: `manifest.json` (every tool's definition as
tools/list shows it) and `toolsets.json` (each toolset's flags and tools, each tool's module, in order).
Both are written by `make snapshots` from the registry (`calendly_mcp.tools.registry`, which imports
every area module and its models) and tests/test_registry.py fails while either differs from it. A tool's
module is imported on its first call (`calendly_mcp.tools._listed`): importing all 18 areas and
their models was about 60 ms of cold start.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from calendly_mcp.settings import Settings

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.json"
TOOLSETS = HERE / "toolsets.json"
Definition = dict[str, Any]


class ManifestError(RuntimeError):
    """The installed package's manifest is missing or out of step with its tools."""


class SelectionError(ValueError):
    """The settings ask for toolsets that do not exist, or leave no tool at all."""


@dataclass(frozen=True)
class ToolsetInfo:
    """A toolset as the catalog records it: when its tools are listed, and each tool's module."""

    name: str
    default: bool
    gateway_only: bool
    tools: dict[str, str]  # tool name -> the module that declares it, in order


@dataclass(frozen=True)
class Entry:
    """One tool to serve: its definition and the module that declares it."""

    toolset: ToolsetInfo
    definition: Definition
    module: str

    @property
    def name(self) -> str:
        return cast(str, self.definition["name"])

    @property
    def read_only(self) -> bool:
        return bool(self.definition.get("annotations", {}).get("readOnlyHint"))


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing: run `make snapshots` to generate it") from None


def load_manifest(path: Path | None = None) -> dict[str, Definition]:
    return cast(dict[str, Definition], _read(path or MANIFEST))


@cache
def catalog() -> tuple[ToolsetInfo, ...]:
    rows = cast(list[dict[str, Any]], _read(TOOLSETS))
    return tuple(ToolsetInfo(r["name"], r["default"], r["gateway_only"], dict(r["tools"])) for r in rows)


def names() -> tuple[str, ...]:
    return tuple(t.name for t in catalog())


def default_names() -> tuple[str, ...]:
    return tuple(t.name for t in catalog() if t.default)


def gateway_only() -> frozenset[str]:
    return frozenset(t.name for t in catalog() if t.gateway_only)


def toolsets(requested: Iterable[str]) -> set[str]:
    """Toolset names, with `default` (the default sets) and `all` (every set), combined; none: default."""
    every = names()
    chosen: set[str] = set()
    for name in tuple(requested) or ("default",):
        if name == "default":
            chosen.update(default_names())
        elif name == "all":
            chosen.update(every)
        elif name in every:
            chosen.add(name)
        else:
            raise SelectionError(
                f"unknown toolset {name!r}; choose from default, all, {', '.join(every)} (comma-separated)"
            )
    return chosen


def wanted(settings: Settings) -> set[str]:
    """The toolsets the settings ask for that this mode lists (Maton's only in gateway mode)."""
    chosen = toolsets(settings.calendly_mcp_toolsets)
    return chosen if settings.mode == "gateway" else chosen - gateway_only()


def refuse_empty(settings: Settings) -> SelectionError:
    """The error for settings that leave no tool to serve."""
    if set(toolsets(settings.calendly_mcp_toolsets)) <= gateway_only():
        return SelectionError(
            f"toolsets {', '.join(settings.calendly_mcp_toolsets)} are Maton's and listed only in "
            "gateway mode: set MATON_API_KEY (and not CALENDLY_API_TOKEN), or pick other toolsets"
        )
    read_only = " in read-only mode" if settings.calendly_mcp_read_only else ""
    return SelectionError(
        f"toolsets {', '.join(settings.calendly_mcp_toolsets)}{read_only} leave no tool to serve; "
        "add a toolset with tools that read (e.g. default)"
    )


def select(settings: Settings, manifest: dict[str, Definition] | None = None) -> list[Entry]:
    """The tools to serve, in registry order: the chosen toolsets less what writes when read-only (each
    tool's own readOnlyHint decides)."""
    definitions = load_manifest() if manifest is None else manifest
    chosen = wanted(settings)
    entries: list[Entry] = []
    for toolset in catalog():
        if toolset.name not in chosen:
            continue
        for name, module in toolset.tools.items():
            if name not in definitions:
                raise ManifestError(f"{name} is not in the tool manifest: run `make snapshots`")
            entry = Entry(toolset, definitions[name], module)
            if entry.read_only or not settings.calendly_mcp_read_only:
                entries.append(entry)
    if not entries:
        raise refuse_empty(settings)
    return entries
