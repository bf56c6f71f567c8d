"""The one list of tools, the read-only and toolset filters over it, and their MCP registration."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, cast

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from pydantic import ConfigDict, PrivateAttr, WithJsonSchema, create_model

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

# Input and output schemas, generated from the pydantic models by `make snapshots` and checked against
# them by the tests. Generating them at start-up costs about 3 ms a tool (pydantic's JSON-schema walks);
# reading them costs almost nothing, and cold start is a budget (PRODUCT.md).
MANIFEST = Path(__file__).with_name("tool_schemas.json")
Schemas = dict[str, dict[str, dict[str, Any]]]


def select(settings: Settings, tools: Iterable[ToolSpec] = ALL_TOOLS) -> list[ToolSpec]:
    """The tools to expose: the read-only filter is driven by each tool's own readOnlyHint."""
    wanted = set(settings.calendly_mcp_toolsets)
    return [
        spec
        for spec in tools
        if spec.toolset in wanted and (spec.read_only or not settings.calendly_mcp_read_only)
    ]


def load_schemas() -> Schemas:
    try:
        return cast(Schemas, json.loads(MANIFEST.read_text()))
    except FileNotFoundError:
        return {}


def to_mcp(spec: ToolSpec, schemas: Schemas | None = None) -> Tool:
    """An MCP tool whose errors the model can read, with a compact input schema.

    With the tool's schemas given (the committed manifest), pydantic's schema generation is skipped; the
    SDK still validates every call against the argument model and every result against the return type.
    """
    handler = spec.fn

    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(*args, **kwargs)
        except CalendlyMcpError as exc:
            # `from None`: the message is the whole story; no chained traceback travels on.
            raise ToolError(explain(exc)) from None
        except BaseExceptionGroup as group:
            # Concurrent fetches (find_available_times) fail as a group; the first failure is the story.
            failures, others = group.split(CalendlyMcpError)
            if failures is None or others is not None:
                raise
            raise ToolError(explain(_first(failures))) from None

    functools.update_wrapper(call, handler)
    known = (schemas or {}).get(spec.name)
    if known is None:
        tool = Tool.from_function(
            call, name=spec.name, title=spec.title, description=_doc(handler), annotations=spec.annotations
        )
        tool.parameters = compact_schema(tool.parameters)
        tool.fn_metadata.output_schema = simplify(tool.fn_metadata.output_schema)
        # A misspelt argument must not be dropped silently: `usr=` would quietly list the caller's own data.
        tool.fn_metadata.arg_model.model_config["extra"] = "forbid"
        tool.fn_metadata.arg_model.model_rebuild(force=True)
        return tool
    return Tool(
        fn=call,
        name=spec.name,
        title=spec.title,
        description=_doc(handler),
        parameters=known["input"],
        fn_metadata=LazyMetadata(handler=handler, arg_model=StrictArguments, output_schema=known["output"]),
        is_async=True,
        context_kwarg="ctx",
        annotations=spec.annotations,
    )


class StrictArguments(ArgModelBase):
    """Tool arguments: unknown names are refused (a misspelt `usr=` must not quietly mean "me")."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")


class LazyMetadata(FuncMetadata):
    """FuncMetadata whose argument and output models are built on the tool's first call, not at start-up.

    tools/list needs only the committed schemas; building 22 pydantic argument models costs about 20 ms of
    every start. The SDK reads `arg_model` and `output_model` live, so filling them in before the first
    validation gives exactly what `Tool.from_function` would have built (a test checks that).
    """

    handler: Annotated[Any, WithJsonSchema(None)] = None
    _built: bool = PrivateAttr(default=False)

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        if not self._built:
            signature = inspect.signature(self.handler, eval_str=True)
            self.arg_model = arguments_model(self.handler.__name__, signature)
            self.output_model = signature.return_annotation
            self._built = True
        return super().validate_arguments(arguments_to_validate)


def arguments_model(name: str, signature: inspect.Signature) -> type[ArgModelBase]:
    """The argument model the SDK would derive from the signature, strict from the start."""
    fields: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.name == "ctx":
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (param.annotation, default)
    return create_model(f"{name}Arguments", __base__=StrictArguments, **fields)


def _first(group: BaseExceptionGroup[CalendlyMcpError]) -> CalendlyMcpError:
    error = group.exceptions[0]
    return _first(error) if isinstance(error, BaseExceptionGroup) else error


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


def simplify(node: Any) -> Any:
    """The same JSON schema without pydantic's titles (they repeat the field names).

    Optional fields stay `anyOf [T, null]`: a `type: [T, "null"]` list would be smaller, but the
    Inspector's portability check flags it for single-`type` dialects (Gemini's OpenAPI subset).
    """
    if isinstance(node, list):
        return [simplify(v) for v in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    return {
        k: simplify(v)
        for k, v in cast(dict[str, Any], node).items()
        if not (k == "title" and isinstance(v, str))
    }


def generate_schemas() -> Schemas:
    """Every tool's schemas as the models make them (what the manifest must equal)."""
    schemas: Schemas = {}
    for spec in ALL_TOOLS:
        tool = to_mcp(spec)
        schemas[spec.name] = {"input": tool.parameters, "output": tool.output_schema or {}}
    return schemas


if __name__ == "__main__":
    MANIFEST.write_text(json.dumps(generate_schemas(), indent=1, sort_keys=True) + "\n")
