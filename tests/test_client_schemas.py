"""Every tool's inputSchema, as tools/list serves it, through the schema converters of the clients that
matter, in their released versions (pinned in pyproject's `dev` extra).

A converter that raises loses the tool for that client. One that makes every argument required (OpenAI
strict mode) forces the model to invent a value for an optional argument unless that argument accepts
null. One that drops a limit or a description lets the model send what the server then refuses. Whatever a
converted schema says, the server's own argument models decide: unknown arguments are refused, and null
for an optional argument means its default.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from agents.strict_schema import ensure_strict_json_schema
from google.genai import types
from google.genai._mcp_utils import mcp_to_gemini_tool
from jsonschema import Draft202012Validator
from langchain_core.utils.function_calling import convert_to_openai_tool
from mcp.client import Client
from mcp.types import Tool
from pydantic import ValidationError
from pydantic_ai.profiles.google import GoogleJsonSchemaTransformer, GoogleOpenAPISchemaTransformer
from pydantic_ai.profiles.openai import OpenAIJsonSchemaTransformer

from calendly_mcp.server.app import build_server
from calendly_mcp.settings import Settings
from calendly_mcp.tools import _manifest
from calendly_mcp.tools._mcp import to_mcp
from calendly_mcp.tools.registry import ALL_TOOLS
from mcp_helpers import text_of

Schema = dict[str, Any]
TOOLS = _manifest.load()  # what tools/list serves: test_registry.test_tools_list_serves_the_manifest
SPECS = {spec.name: spec for spec in ALL_TOOLS}
NULL: Schema = {"type": "null"}
# The keywords a model is told the argument's shape by; each must survive conversion (or be noted).
KEYWORDS = ("type", "enum", "format", "pattern", "minimum", "maximum", "minLength", "maxLength")
KEYWORDS += ("minItems", "maxItems", "minProperties", "maxProperties", "required")
SUBSCHEMAS = ("items", "additionalProperties")


def _nullable_to_any_of(node: Any) -> Any:
    """OpenAPI's `nullable: true` in JSON Schema words, so that one validator judges every dialect."""
    if isinstance(node, list):
        return [_nullable_to_any_of(v) for v in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_to_any_of(v) for k, v in cast(Schema, node).items() if k != "nullable"}
    if isinstance(out.get("type"), str):
        out["type"] = out["type"].lower()  # Gemini's Type enum is upper case
    return {"anyOf": [out, NULL]} if node.get("nullable") is True else out


def gemini(tool: Schema) -> Schema:
    declaration = mcp_to_gemini_tool(Tool.model_validate(tool)).function_declarations
    assert declaration, "no function declaration"
    parameters = declaration[0].parameters
    assert isinstance(parameters, types.Schema)
    assert types.Schema.model_validate(parameters.model_dump()) == parameters, "Schema not constructible"
    return _nullable_to_any_of(parameters.model_dump(mode="json", exclude_none=True, by_alias=True))


def langchain(strict: bool | None) -> Callable[[Schema], Schema]:
    def convert(tool: Schema) -> Schema:
        definition = {k: tool[k] for k in ("name", "description")} | {"parameters": tool["inputSchema"]}
        return convert_to_openai_tool(definition, strict=strict)["function"]["parameters"]

    return convert


@dataclass(frozen=True)
class Converter:
    name: str
    convert: Callable[[Schema], Schema]  # a tool definition -> the parameters schema the client sends
    strict: bool = False  # OpenAI strict mode: every property required
    drops: frozenset[str] = frozenset()  # keywords it is known to drop
    note: str | None = None  # how it keeps a dropped keyword in the description instead


def _input(tool: Schema) -> Schema:
    return copy.deepcopy(tool["inputSchema"])


CONVERTERS = [
    # google-genai's filter keeps only its JSONSchema model's snake_case field names (plus anyOf, $defs),
    # so every camelCase length and item-count limit is lost on the way to Gemini.
    Converter("google-genai", gemini, drops=frozenset({"minLength", "maxLength", "minItems", "maxItems"})),
    Converter("openai-agents strict", lambda t: ensure_strict_json_schema(_input(t)), strict=True),
    # Strict mode accepts no length limits and only some formats; pydantic-ai moves them to the description.
    Converter(
        "pydantic-ai openai strict",
        lambda t: OpenAIJsonSchemaTransformer(_input(t), strict=True).walk(),
        strict=True,
        drops=frozenset({"minLength", "maxLength", "minProperties", "maxProperties", "format"}),
        note="{key}={value}",
    ),
    # Gemini refuses most string formats; pydantic-ai moves them to the description.
    Converter(
        "pydantic-ai google",
        lambda t: GoogleJsonSchemaTransformer(_input(t)).walk(),
        drops=frozenset({"format"}),
        note="format: {value}",
    ),
    Converter(
        "pydantic-ai google openapi",  # the OpenAPI-subset form, for Gemini's Live API
        lambda t: _nullable_to_any_of(GoogleOpenAPISchemaTransformer(_input(t)).walk()),
        drops=frozenset({"format"}),
        note="format: {value}",
    ),
    Converter("langchain-core", langchain(None)),
    Converter("langchain-core strict", langchain(True), strict=True),
]


def _comparable(key: str, value: Any) -> Any:
    """Lists as sets, without null: nullability is judged on its own (`accepts_null`)."""
    if key == "type" or isinstance(value, list):
        values = cast(list[Any], value if isinstance(value, list) else [value])
        return frozenset(v for v in values if v is not None and not (key == "type" and v == "null"))
    return value


def _branches(node: Schema) -> Iterator[Schema]:
    """The node itself and its non-null `anyOf` branches: where a nullable argument says what it is."""
    yield node
    for branch in cast(list[Schema], node.get("anyOf", [])):
        if branch != NULL:
            yield from _branches(branch)


def constraints(node: Schema, path: tuple[str, ...] = ()) -> set[tuple[tuple[str, ...], str, Any]]:
    found: set[tuple[tuple[str, ...], str, Any]] = set()
    for branch in _branches(node):
        for key in KEYWORDS:
            if key in branch and (value := _comparable(key, branch[key])) != frozenset():
                found.add((path, key, value))
        for key in SUBSCHEMAS:
            if isinstance(branch.get(key), dict):
                found |= constraints(branch[key], (*path, key))
        for name, sub in cast(dict[str, Schema], branch.get("properties", {})).items():
            found |= constraints(sub, (*path, name))
    return found


def descriptions(node: Schema, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every description under the node, joined per path."""
    found: dict[tuple[str, ...], str] = {}
    for branch in _branches(node):
        if isinstance(branch.get("description"), str):
            found[path] = f"{found.get(path, '')} {branch['description']}".strip()
        subs = [((k,), branch[k]) for k in SUBSCHEMAS if isinstance(branch.get(k), dict)]
        subs += [((n,), s) for n, s in cast(dict[str, Schema], branch.get("properties", {})).items()]
        for step, sub in subs:
            for where, text in descriptions(sub, (*path, *step)).items():
                found[where] = f"{found.get(where, '')} {text}".strip()
    return found


def accepts_null(root: Schema, prop: Schema) -> bool:
    return Draft202012Validator({**prop, "$defs": root.get("$defs", {})}).is_valid(None)


@pytest.mark.parametrize("converter", CONVERTERS, ids=[c.name for c in CONVERTERS])
@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_converted_schema_keeps_every_argument(tool: str, converter: Converter) -> None:
    ours = TOOLS[tool]["inputSchema"]
    theirs = converter.convert(copy.deepcopy(TOOLS[tool]))
    properties = cast(dict[str, Schema], theirs.get("properties", {}))
    assert set(properties) == set(ours["properties"]), "arguments lost or invented"
    required = set(ours.get("required", []))
    assert required <= set(theirs.get("required", []))
    if converter.strict:
        assert set(theirs.get("required", [])) == set(properties), "not strict: the test would prove little"
    for name, prop in ours["properties"].items():
        converted = properties[name]
        # Optional: the model may send null instead of inventing a value. Required: null is not a value.
        assert accepts_null(theirs, converted) == (name not in required), (name, converted)
        notes = descriptions(converted)
        for where, text in descriptions(prop).items():
            assert text in notes.get(where, ""), f"{name}: description {text!r} lost at {where}"
        for where, key, value in sorted(constraints(prop) - constraints(converted), key=str):
            assert key in converter.drops, f"{name}: {key}={value!r} lost at {where}: {converted}"
            if converter.note:
                note = converter.note.format(key=key, value=value)
                assert note.lower() in notes.get(where, "").lower(), f"{name}: {note} not noted at {where}"


def settings() -> Settings:
    # Gateway mode: every toolset, Maton's connection tools included.
    return Settings(_env_file=None, calendly_mcp_toolsets="all", maton_api_key="k")  # pyright: ignore[reportCallIssue]


@pytest.mark.anyio
@pytest.mark.parametrize("tool", sorted(TOOLS))
async def test_unknown_arguments_are_refused_by_the_server(tool: str) -> None:
    """No schema above says so any more (additionalProperties: false crashes google-genai); the server does."""
    async with Client(build_server(settings())) as client:
        result = await client.call_tool(tool, {"no_such_argument": 1})
    assert result.is_error
    assert "unknown argument 'no_such_argument'; this tool takes: " in text_of(result)


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_null_for_an_optional_argument_means_its_default(tool: str) -> None:
    entry = TOOLS[tool]
    metadata = to_mcp(SPECS[tool], entry["inputSchema"], entry["outputSchema"]).fn_metadata
    required = set(entry["inputSchema"].get("required", []))
    nulls = {name: None for name in entry["inputSchema"]["properties"] if name not in required}
    if not required:
        assert metadata.validate_arguments(nulls) == metadata.validate_arguments({})
        return
    with pytest.raises(ValidationError) as refused:
        metadata.validate_arguments(nulls)
    # Only the required arguments, which were not given, are what is wrong.
    assert {(e["loc"][0], e["type"]) for e in refused.value.errors()} == {(n, "missing") for n in required}
