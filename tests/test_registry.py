"""The tool inventory: names, annotations, schema shape, filters, and the committed schema snapshots."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp.client import Client
from pydantic import ValidationError

from calendly_mcp.server.app import build_server
from calendly_mcp.settings import TOOLSETS, Settings
from calendly_mcp.tools.registry import ALL_TOOLS, select

SNAPSHOTS = Path(__file__).parent / "snapshots"
pytestmark = pytest.mark.anyio


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # pyright: ignore[reportCallIssue]


async def listed(s: Settings) -> list[dict[str, Any]]:
    async with Client(build_server(s)) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in tools]


async def test_names_unique_and_complete() -> None:
    tools = await listed(settings())
    names = [t["name"] for t in tools]
    assert len(names) == len(set(names))
    assert set(names) == {spec.name for spec in ALL_TOOLS}


async def test_every_tool_has_title_description_and_all_four_annotations() -> None:
    for tool in await listed(settings()):
        assert tool["title"], tool["name"]
        assert 20 <= len(tool["description"]) <= 200, tool["name"]
        annotations = tool["annotations"]
        for hint in ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"):
            assert isinstance(annotations.get(hint), bool), (tool["name"], hint)
        if annotations["readOnlyHint"]:
            assert annotations["destructiveHint"] is False


async def test_input_schemas_are_flat_objects_without_top_level_combinators() -> None:
    for tool in await listed(settings()):
        schema = tool["inputSchema"]
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object"
        assert not {"anyOf", "oneOf", "allOf"} & schema.keys(), tool["name"]
        assert schema["additionalProperties"] is False
        for name, prop in schema["properties"].items():
            assert "title" not in prop
            assert "$ref" not in json.dumps(prop), (tool["name"], name)  # flat: no nested models
            assert prop.get("description") or prop.get("enum"), (tool["name"], name)


async def test_output_schemas_are_valid_json_schemas() -> None:
    for tool in await listed(settings()):
        assert "outputSchema" in tool, tool["name"]
        Draft202012Validator.check_schema(tool["outputSchema"])


async def test_read_only_mode_keeps_only_read_only_tools() -> None:
    everything = select(settings())
    read_only = select(settings(calendly_mcp_read_only=True))
    assert read_only == [spec for spec in everything if spec.annotations.read_only_hint]


async def test_toolsets_filter() -> None:
    assert {spec.toolset for spec in ALL_TOOLS} <= set(TOOLSETS)
    chosen = select(settings(calendly_mcp_toolsets="users"))
    assert {spec.name for spec in chosen} == {"get_current_user", "get_user"}
    names = {t["name"] for t in await listed(settings(calendly_mcp_toolsets="events,users"))}
    assert names == {spec.name for spec in ALL_TOOLS if spec.toolset in {"events", "users"}}
    assert "cancel_scheduled_event" in names
    assert "create_event_invitee" not in names


def test_unknown_toolset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown toolset"):
        settings(calendly_mcp_toolsets="users,calendars")


async def test_schema_snapshots() -> None:
    """Every tool's definition is committed; a change is a reviewable diff (`make snapshots` rewrites)."""
    update = os.environ.get("UPDATE_SNAPSHOTS") == "1"
    tools = await listed(settings())
    for tool in tools:
        path = SNAPSHOTS / f"{tool['name']}.json"
        text = json.dumps(tool, indent=2, sort_keys=True) + "\n"
        if update:
            path.write_text(text)
            continue
        assert path.exists(), f"no snapshot for {tool['name']}: run `make snapshots` and review the diff"
        assert path.read_text() == text, f"{tool['name']} changed: run `make snapshots` and review the diff"
    stale = {p.stem for p in SNAPSHOTS.glob("*.json")} - {t["name"] for t in tools}
    assert not stale, f"snapshots of tools that no longer exist: {sorted(stale)}"


def test_schema_manifest_matches_the_models() -> None:
    """The committed schemas (read at start-up instead of generated) are exactly what pydantic makes."""
    from calendly_mcp.tools.registry import generate_schemas, load_schemas

    assert load_schemas() == generate_schemas(), "run `make snapshots` to regenerate the manifest"


def test_fast_path_argument_models_match_the_sdk() -> None:
    """At start-up the argument models are built from the signatures directly; they must equal the SDK's."""
    from calendly_mcp.tools.registry import compact_schema, load_schemas, to_mcp

    schemas = load_schemas()
    for spec in ALL_TOOLS:
        metadata = to_mcp(spec, schemas).fn_metadata
        with pytest.raises(ValidationError):  # the first validation builds the real models
            metadata.validate_arguments({"no_such_argument": 1})
        fast = metadata.arg_model
        assert compact_schema(fast.model_json_schema(by_alias=True)) == schemas[spec.name]["input"], spec.name
        assert fast.model_config.get("extra") == "forbid"
        assert metadata.output_model is to_mcp(spec).fn_metadata.output_model
