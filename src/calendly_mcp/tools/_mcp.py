"""The MCP adaptation of a tool: its SDK `Tool`, the error text a model reads, and the compact schemas.

Two ways to build the same `Tool`. `sdk_tool` is `Tool.from_function` with our compaction; it generates
the committed manifest (`make snapshots`). `to_mcp` serves at start-up: it reads the schemas from the
manifest and derives the argument and output models with the SDK's own `func_metadata` on the tool's
first call, because generating them costs a few milliseconds a tool and cold start is a budget. Every
other step of `Tool.from_function` (name validation, context and resolver discovery, resolver plans,
header checks) runs as the SDK runs it; a test compares every field of both.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import TYPE_CHECKING, Annotated, Any, cast

from mcp.server.mcpserver.exceptions import InvalidSignature, ToolError
from mcp.server.mcpserver.resolve import (
    build_resolver_plans,
    find_resolved_parameters,
    returns_input_required,
)
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.context_injection import find_context_parameter
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata, func_metadata
from mcp.shared.inbound import find_invalid_x_mcp_header
from mcp.shared.tool_name_validation import validate_and_warn_tool_name
from mcp.types import CallToolResult, TextContent
from pydantic import Field, PrivateAttr, WithJsonSchema

from calendly_mcp.client.errors import APIStatusError, CalendlyMcpError

if TYPE_CHECKING:
    from calendly_mcp.tools._base import Handler, ToolSpec

Schema = dict[str, Any]


def to_mcp(spec: ToolSpec, input_schema: Schema, output_schema: Schema | None) -> Tool:
    """The tool as served, with its committed schemas; its models are built on its first call."""
    _check(spec.name, input_schema)
    return _build(spec, input_schema, output_schema)


def _check(name: str, input_schema: Schema) -> None:
    """What `Tool.from_function` checks of a name and an input schema, as it checks them."""
    validate_and_warn_tool_name(name)
    if (reason := find_invalid_x_mcp_header(input_schema)) is not None:
        raise InvalidSignature(f"Tool {name!r} has an invalid x-mcp-header annotation: {reason}")


def _build(spec: ToolSpec, input_schema: Schema, output_schema: Schema | None) -> Tool:
    call = _model_facing(spec.fn)
    name = spec.name
    context_kwarg, resolved = _context_and_resolved(call)
    if resolved and returns_input_required(call):
        raise InvalidSignature(f"Tool {name!r} combines Resolve(...) parameters with an InputRequiredResult")
    skip = [*([context_kwarg] if context_kwarg else []), *resolved]
    return Tool(
        fn=call,
        name=name,
        title=spec.title,
        description=description(spec.fn),
        parameters=input_schema,
        fn_metadata=LazyMetadata(
            handler=call, skip_names=skip, arg_model=ArgModelBase, output_schema=output_schema
        ),
        is_async=True,
        context_kwarg=context_kwarg,
        resolved_params=dict(resolved),
        resolver_plans=build_resolver_plans(resolved, set(cast(Schema, input_schema["properties"]))),
        annotations=spec.annotations,
    )


def _context_and_resolved(call: Handler) -> tuple[str | None, dict[str, Any]]:
    """The SDK's context parameter and `Resolve(...)` parameters, found without evaluating every
    annotation (typing.get_type_hints was half of building 70 tools): our handlers take `ctx: Ctx` first,
    and only a parameter whose annotation names Resolve can be resolved. tests/test_registry.py compares
    both with what the SDK finds, for every tool and for a tool with a Resolve parameter."""
    parameters = list(inspect.signature(call).parameters.values())
    if not parameters or parameters[0].name != "ctx" or "Ctx" not in str(parameters[0].annotation):
        return find_context_parameter(call), find_resolved_parameters(call)
    if any("Resolve" in str(parameter.annotation) for parameter in parameters[1:]):
        return "ctx", find_resolved_parameters(call)
    return "ctx", {}


def sdk_tool(spec: ToolSpec) -> Tool:
    """The tool as `Tool.from_function` builds it, with our compaction and strictness applied."""
    tool = Tool.from_function(
        _model_facing(spec.fn),
        name=spec.name,
        title=spec.title,
        description=description(spec.fn),
        annotations=spec.annotations,
    )
    tool.parameters = compact_schema(tool.parameters)
    tool.fn_metadata.output_schema = compact_output(tool.fn_metadata.output_schema)
    _forbid_extra(tool.fn_metadata.arg_model)
    return tool


class LazyMetadata(FuncMetadata):
    """FuncMetadata whose argument and output models come from the SDK's `func_metadata` on first use.

    The SDK reads `arg_model`, `output_model` and `wrap_output` live in `validate_arguments` and
    `convert_result`, the only two places it uses them, so filling them in there gives exactly what
    `Tool.from_function` would have built.
    """

    handler: Annotated[Any, WithJsonSchema(None)] = None
    skip_names: list[str] = Field(default_factory=list[str])
    _built: bool = PrivateAttr(default=False)

    def build(self) -> None:
        if self._built:
            return
        made = func_metadata(self.handler, skip_names=self.skip_names)
        _forbid_extra(made.arg_model)
        self.arg_model, self.output_model, self.wrap_output = (
            made.arg_model,
            made.output_model,
            made.wrap_output,
        )
        self._built = True

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        self.build()
        # Every optional argument's schema accepts null (strict clients must send each one): it means
        # the default, also where the default is not None (count, sort, scope).
        fields = self.arg_model.model_fields
        given = {
            k: v
            for k, v in arguments_to_validate.items()
            if not (v is None and k in fields and not fields[k].is_required())
        }
        return super().validate_arguments(given)

    def convert_result(self, result: Any) -> Any:
        self.build()
        converted = super().convert_result(result)
        if isinstance(converted, CallToolResult) and converted.structured_content is not None:
            # The text a model reads: the same content as structuredContent, compact, nulls left out
            # (the SDK's own copy is indented JSON, 15-30% larger).
            text = json.dumps(
                _without_nulls(converted.structured_content), separators=(",", ":"), ensure_ascii=False
            )
            converted.content = [TextContent(type="text", text=text)]
        return converted


def _without_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_nulls(v) for k, v in cast(dict[str, Any], node).items() if v is not None}
    if isinstance(node, list):
        return [_without_nulls(v) for v in cast(list[Any], node)]
    return node


def _forbid_extra(model: type[ArgModelBase]) -> None:
    # A misspelt argument must not be dropped silently: `usr=` would quietly list the caller's own data.
    model.model_config["extra"] = "forbid"
    model.model_rebuild(force=True)


def _model_facing(handler: Handler) -> Handler:
    """The handler, with our failures turned into tool errors whose text a model can act on."""

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

    return functools.update_wrapper(call, handler)


def _first(group: BaseExceptionGroup[CalendlyMcpError]) -> CalendlyMcpError:
    error = group.exceptions[0]
    return _first(error) if isinstance(error, BaseExceptionGroup) else error


def description(fn: Handler) -> str:
    return " ".join((fn.__doc__ or "").split())


# What to do next, for the Calendly answers a model meets most (matched on Calendly's own words, its
# message and each detail's parameter, message and code). The first match replaces the status's general
# hint: a second cancellation is "nothing to do", not "nothing to do" after "upgrade the plan".
_NEXT_STEPS: tuple[tuple[str, str], ...] = (
    (
        "page_token",
        "The page_token is stale or from another list (or other filters): call again without page_token "
        "to start from the first page.",
    ),
    (
        "already_filled",
        "That start time is no longer offered: call list_event_type_available_times and pick a slot it returns.",
    ),
    (
        "invalid_location_choice",
        "Use a location kind the event type offers (get_event_type shows its locations).",
    ),
    ("already canceled", "Nothing to do: the meeting is already canceled."),
    # Calendly's exact words for a meeting that has started: a bare "in the past" would also match a
    # booking or window refusal, where "cannot be canceled" is false.
    ("event in the past", "Meetings that have already started cannot be canceled."),
    # "Please upgrade your Calendly account to ...", "only available on paid Calendly plans. Upgrade ...".
    (
        "upgrade",
        "This needs a higher Calendly plan (named above): upgrade the account; calling again will not help.",
    ),
    (
        "hook with this url already exists",
        "A subscription for this URL exists: find it with list_webhook_subscriptions.",
    ),
    ("also specify organization", "Pass organization (your current_organization) together with user."),
)


def explain(error: CalendlyMcpError) -> str:
    """The text a model reads for a failure: what failed, Calendly's words, and what to do next."""
    if isinstance(error, APIStatusError):
        said = [
            error.message,
            *(str(d.get(k) or "") for d in error.details for k in ("parameter", "message", "code")),
        ]
        words = " ".join(said).lower()
        for marker, step in _NEXT_STEPS:
            if marker in words:
                return error.render(step)
    return str(error)


_NULL: Schema = {"type": "null"}


def compact_schema(schema: Schema) -> Schema:
    """The input schema every major client loads (docs/behaviour.md, "Schemas every client loads").

    Titles go (they repeat the names) and nested models are inlined. No boolean `additionalProperties`
    anywhere: google-genai's converter crashes on one; the argument models refuse unknown arguments
    whatever the schema says. Every optional argument accepts null (`type: [T, "null"]`, or `anyOf [X,
    null]` with its description and default inside X): under OpenAI strict mode every argument is
    required, and null is how a model says "the default" (`LazyMetadata` reads it so); google-genai
    loses what stands beside an `anyOf`.
    Validation still runs on the full pydantic model; this is only what tools/list shows.
    """
    defs = cast(dict[str, Schema], schema.get("$defs", {}))
    out: Schema = {"type": "object", "properties": {}}
    for name, prop in cast(dict[str, Schema], schema.get("properties", {})).items():
        prop = _inline(prop, defs)
        out["properties"][name] = prop if name in schema.get("required", ()) else _nullable(prop)
    if schema.get("required"):
        out["required"] = schema["required"]
    return out


def _nullable(prop: Schema) -> Schema:
    if "anyOf" not in prop:
        return _or_null(prop)
    options = [o for o in cast(list[Schema], prop["anyOf"]) if o != _NULL]
    rest = {k: v for k, v in prop.items() if k != "anyOf" and not (k == "default" and v is None)}
    if len(options) == 1:
        return _or_null({**options[0], **rest})
    return {**rest, "anyOf": [*options, _NULL]}


def _or_null(option: Schema) -> Schema:
    """`type: [T, "null"]` for a schema of one plain type (a third of the tokens of `anyOf [X, null]`;
    google-genai reads it as `nullable`, strict mode keeps it); `anyOf [X, null]` for the rest (an enum
    would refuse the null a type list lets through)."""
    kind = option.get("type")
    if isinstance(kind, list) and "null" in kind:  # already nullable (a nested model's field, inlined)
        return option
    if isinstance(kind, str) and "enum" not in option and "const" not in option:
        return {**option, "type": [kind, "null"]}
    return {"anyOf": [option, _NULL]}


def _inline(node: Any, defs: dict[str, Schema]) -> Any:
    """The schema with `$ref`s replaced by their definitions, without titles or boolean
    `additionalProperties` (nested models forbid extras in validation, as the arguments do)."""
    if isinstance(node, list):
        return [_inline(v, defs) for v in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    node = cast(Schema, node)
    if isinstance(ref := node.get("$ref"), str):
        node = {**defs[ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    out: Schema = {
        k: _inline(v, defs)
        for k, v in node.items()
        if not (k == "title" and isinstance(v, str))
        and not (k == "additionalProperties" and isinstance(v, bool))
        and not (k == "default" and v is None)  # null is what leaving it out means
    }
    options = out.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and options[1] == _NULL:  # pyright: ignore[reportUnknownArgumentType]
        rest = {k: v for k, v in out.items() if k != "anyOf"}
        return _or_null({**cast(Schema, options[0]), **rest})
    return out


def compact_output(schema: Schema | None) -> Schema | None:
    """An output schema as tools/list shows it: no titles, no null defaults, and the nested models' fields
    without descriptions (the answer's own fields keep theirs). Nested models are Calendly's objects
    under Calendly's field names; their descriptions were 20% of tools/list with every toolset."""
    if schema is None:
        return None
    out = cast(Schema, without_titles(schema))
    if "$defs" in out:
        out["$defs"] = _without_descriptions(out["$defs"])
    return out


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_descriptions(v) for v in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    return {
        k: _without_descriptions(v)
        for k, v in cast(dict[str, Any], node).items()
        if not (k == "description" and isinstance(v, str))
    }


def without_titles(node: Any) -> Any:
    """The same JSON schema without pydantic's titles (they repeat the field and model names) and without
    `"default": null` (an answer has no defaults: an absent field and a null one read the same).

    Optional output fields stay `anyOf [T, null]`: a `type: [T, "null"]` list would be smaller, but the
    Inspector's portability check flags it for single-`type` dialects (Gemini's OpenAPI subset).
    """
    if isinstance(node, list):
        return [without_titles(v) for v in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    return {
        k: without_titles(v)
        for k, v in cast(dict[str, Any], node).items()
        if not (k == "title" and isinstance(v, str)) and not (k == "default" and v is None)
    }
