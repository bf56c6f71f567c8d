"""The one list of tools: every area module with its toolset, and the selection the settings ask for."""

from __future__ import annotations

from collections.abc import Iterable

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

AREAS = (
    users,
    event_types,
    events,
    scheduling,
    availability,
    organization,
    webhooks,
    connections,
    # -- areas added since, one line each: event_type_admin, organization_admin, groups, audit,
    # routing_forms, recaps, contacts, data_compliance
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


class SelectionError(ValueError):
    """The settings ask for toolsets that do not exist, or leave no tool at all."""


def toolsets(requested: Iterable[str]) -> set[str]:
    """Toolset names, with `default` (the default sets) and `all` (every set), combined; none: default."""
    chosen: set[str] = set()
    for name in tuple(requested) or ("default",):
        if name == "default":
            chosen.update(DEFAULT)
        elif name == "all":
            chosen.update(NAMES)
        elif name in NAMES:
            chosen.add(name)
        else:
            raise SelectionError(
                f"unknown toolset {name!r}; choose from default, all, {', '.join(NAMES)} (comma-separated)"
            )
    return chosen


def select(settings: Settings, tools: Iterable[ToolSpec] = ALL_TOOLS) -> list[ToolSpec]:
    """The tools to expose: the chosen toolsets (Maton's only in gateway mode), less what writes when
    read-only (each tool's own readOnlyHint decides)."""
    wanted = toolsets(settings.calendly_mcp_toolsets)
    if settings.mode != "gateway":
        wanted -= GATEWAY_ONLY
    chosen = [
        spec
        for spec in tools
        if spec.toolset in wanted and (spec.read_only or not settings.calendly_mcp_read_only)
    ]
    if not chosen:
        read_only = " in read-only mode" if settings.calendly_mcp_read_only else ""
        if set(toolsets(settings.calendly_mcp_toolsets)) <= GATEWAY_ONLY:
            raise SelectionError(
                f"toolsets {', '.join(settings.calendly_mcp_toolsets)} are Maton's and listed only in "
                "gateway mode: set MATON_API_KEY (and not CALENDLY_API_TOKEN), or pick other toolsets"
            )
        raise SelectionError(
            f"toolsets {', '.join(settings.calendly_mcp_toolsets)}{read_only} leave no tool to serve; "
            "add a toolset with tools that read (e.g. default)"
        )
    return chosen
