"""The one list of tools: every area module with its toolset, and the selection the settings ask for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from calendly_mcp.settings import Settings
from calendly_mcp.tools import (
    audit,
    availability,
    common_times,
    connections,
    contacts,
    data_compliance,
    event_type_admin,
    event_types,
    events,
    groups,
    organization,
    organization_admin,
    recaps,
    routing_forms,
    scheduling,
    users,
    webhooks,
)
from calendly_mcp.tools._base import Toolset, ToolSpec
from calendly_mcp.tools.selection import SelectionError, refuse_empty, toolsets, wanted

__all__ = [
    "ALL_TOOLS",
    "AREAS",
    "DEFAULT",
    "GATEWAY_ONLY",
    "NAMES",
    "TOOLSETS",
    "SelectionError",
    "select",
    "toolsets",
]

AREAS = (
    users,
    event_types,
    events,
    scheduling,
    availability,
    organization,
    webhooks,
    connections,
    routing_forms,
    recaps,
    organization_admin,
    data_compliance,
    contacts,
    groups,
    audit,
    event_type_admin,
)
# Modules that add their tools to an area's toolset (common_times: to availability's).
COMPOSED = (common_times,)
TOOLSETS: tuple[Toolset, ...] = tuple(area.TOOLS for area in AREAS)
ALL_TOOLS: tuple[ToolSpec, ...] = tuple(spec for toolset in TOOLSETS for spec in toolset.specs)
NAMES = tuple(toolset.name for toolset in TOOLSETS)
DEFAULT = tuple(toolset.name for toolset in TOOLSETS if toolset.default)
GATEWAY_ONLY = frozenset(toolset.name for toolset in TOOLSETS if toolset.gateway_only)


def catalog() -> list[dict[str, Any]]:
    """Each toolset's flags and tools in order, each tool with the module that declares it (a composed
    tool's module is not its toolset's): `toolsets.json`, what start-up selects from."""
    return [
        {
            "name": toolset.name,
            "default": toolset.default,
            "gateway_only": toolset.gateway_only,
            "tools": {spec.name: spec.fn.__module__ for spec in toolset.specs},
        }
        for toolset in TOOLSETS
    ]


def select(settings: Settings, tools: Iterable[ToolSpec] = ALL_TOOLS) -> list[ToolSpec]:
    """The tools to expose, as `selection.select` chooses them at start-up, from the modules themselves."""
    chosen_sets = wanted(settings)
    chosen = [
        spec
        for spec in tools
        if spec.toolset in chosen_sets and (spec.read_only or not settings.calendly_mcp_read_only)
    ]
    if not chosen:
        raise refuse_empty(settings)
    return chosen
