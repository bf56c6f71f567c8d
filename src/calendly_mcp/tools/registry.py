"""The one list of tools, the read-only and toolset filters over it, and their MCP registration."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools.base import Tool

from calendly_mcp.gateway.errors import CalendlyMcpError
from calendly_mcp.settings import Settings
from calendly_mcp.tools import (
    availability,
    connections,
    event_types,
    events,
    organization,
    scheduling,
    users,
    webhooks,
)
from calendly_mcp.tools.base import ToolSpec, explain

ALL_TOOLS: tuple[ToolSpec, ...] = (
    *users.TOOLS,
    *event_types.TOOLS,
    *events.TOOLS,
    *scheduling.TOOLS,
    *availability.TOOLS,
    *organization.TOOLS,
    *webhooks.TOOLS,
    *connections.TOOLS,
)

# Output schemas, generated from the pydantic models by `make snapshots` and checked against them by the
# tests. Generating them at start-up costs about 13 ms a tool (pydantic's JSON-schema walk over the nested
# Calendly resources); reading them costs almost nothing, and cold start is a budget (PRODUCT.md).
MANIFEST = Path(__file__).with_name("output_schemas.json")


def select(settings: Settings, tools: Iterable[ToolSpec] = ALL_TOOLS) -> list[ToolSpec]:
    """The tools to expose: the read-only filter is driven by each tool's own readOnlyHint."""
    wanted = set(settings.calendly_mcp_toolsets)
    return [
        spec
        for spec in tools
        if spec.toolset in wanted and (spec.read_only or not settings.calendly_mcp_read_only)
    ]


def load_output_schemas() -> dict[str, dict[str, Any]]:
    try:
        return cast(dict[str, dict[str, Any]], json.loads(MANIFEST.read_text()))
    except FileNotFoundError:
        return {}


def to_mcp(spec: ToolSpec, output_schemas: dict[str, dict[str, Any]] | None = None) -> Tool:
    """An MCP tool whose errors the model can read, with a compact input schema.

    With the tool's output schema given, pydantic's schema generation is skipped; the SDK still validates
    and serialises every result through the return type's own model.
    """
    handler = spec.fn

    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except CalendlyMcpError as exc:
            # `from None`: the message is the whole story; no chained traceback travels on.
            raise ToolError(explain(exc)) from None

    functools.update_wrapper(call, handler)
    known = (output_schemas or {}).get(spec.name)
    tool = Tool.from_function(
        call,
        name=spec.name,
        title=spec.title,
        description=_doc(handler),
        annotations=spec.annotations,
        structured_output=None if known is None else False,
    )
    if known is not None:
        # FuncMetadata reads these fields live (documented): the same result as structured_output=True.
        tool.fn_metadata.output_model = inspect.signature(handler, eval_str=True).return_annotation
        tool.fn_metadata.output_schema = known
    tool.parameters = compact_schema(tool.parameters)
    # A misspelt argument must not be dropped silently: `usr=` would quietly list the caller's own data.
    arguments = tool.fn_metadata.arg_model
    arguments.model_config["extra"] = "forbid"
    arguments.model_rebuild(force=True)
    return tool


def _doc(fn: Any) -> str:
    return " ".join((fn.__doc__ or "").split())


def compact_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop what a model does not need (titles, `anyOf [X, null]` around optional arguments), keep limits.

    Validation still runs on the full pydantic model; this is only what tools/list shows.
    """
    out: dict[str, Any] = {"type": "object", "properties": {}}
    required = schema.get("required")
    for name, prop in cast(dict[str, dict[str, Any]], schema.get("properties", {})).items():
        out["properties"][name] = _compact_property(prop)
    if required:
        out["required"] = required
    if "$defs" in schema:
        out["$defs"] = {k: _strip_titles(v) for k, v in cast(dict[str, Any], schema["$defs"]).items()}
    out["additionalProperties"] = False
    return out


def _compact_property(prop: dict[str, Any]) -> dict[str, Any]:
    prop = _strip_titles(prop)
    options = prop.get("anyOf")
    if isinstance(options, list) and prop.get("default", ...) is None:
        kept = [o for o in cast(list[dict[str, Any]], options) if o != {"type": "null"}]
        if len(kept) == 1:
            merged = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
            return {**kept[0], **merged}
    return prop


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_titles(v)
            for k, v in cast(dict[str, Any], node).items()
            if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_strip_titles(v) for v in cast(list[Any], node)]
    return node


def write_output_schemas() -> None:
    """Regenerate the manifest from the models (`make snapshots`)."""
    schemas = {spec.name: to_mcp(spec).output_schema for spec in ALL_TOOLS}
    MANIFEST.write_text(json.dumps(schemas, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_output_schemas()
