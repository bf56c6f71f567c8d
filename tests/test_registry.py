"""The tool inventory: names, annotations, schema shape, toolsets and filters, and the committed manifest
(the tool-definition snapshot the server starts from) against what the SDK builds from the models."""

from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from jsonschema import Draft202012Validator
from mcp.client import Client
from mcp.server.mcpserver.exceptions import InvalidSignature
from mcp.server.mcpserver.resolve import Resolve
from pydantic import Field, ValidationError

from calendly_mcp.schemas.resources import User
from calendly_mcp.server.app import WARM_UP_DELAY, build_server
from calendly_mcp.settings import Settings
from calendly_mcp.tools import _manifest, registry, selection, users
from calendly_mcp.tools._base import DESTROY, READ, Ctx, ToolSpec
from calendly_mcp.tools._mcp import LazyMetadata, sdk_tool, to_mcp
from calendly_mcp.tools.registry import ALL_TOOLS, SelectionError, select

pytestmark = pytest.mark.anyio


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # pyright: ignore[reportCallIssue]


def everything() -> Settings:
    """Every tool: every toolset, in gateway mode (where Maton's connection tools are listed too)."""
    return settings(calendly_mcp_toolsets="all", maton_api_key="k")


async def listed(s: Settings) -> list[dict[str, Any]]:
    async with Client(build_server(s)) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in tools]


async def test_names_unique_and_complete() -> None:
    tools = await listed(everything())
    names = [t["name"] for t in tools]
    assert len(names) == len(set(names))
    assert set(names) == {spec.name for spec in ALL_TOOLS}


def test_every_area_module_declares_one_toolset_of_its_own_name() -> None:
    for area in registry.AREAS:
        assert area.TOOLS.name == area.__name__.rsplit(".", 1)[1], area.__name__
        assert area.TOOLS.specs, f"{area.__name__} declares no tool"
        assert {spec.toolset for spec in area.TOOLS.specs} == {area.TOOLS.name}
    assert len(set(registry.NAMES)) == len(registry.NAMES)


async def test_every_tool_has_title_description_and_all_four_annotations() -> None:
    for tool in await listed(everything()):
        assert tool["title"], tool["name"]
        assert 20 <= len(tool["description"]) <= 200, tool["name"]
        annotations = tool["annotations"]
        for hint in ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"):
            assert isinstance(annotations.get(hint), bool), (tool["name"], hint)
        if annotations["readOnlyHint"]:
            assert annotations["destructiveHint"] is False


async def test_input_schemas_are_flat_objects_without_top_level_combinators() -> None:
    for tool in await listed(everything()):
        schema = tool["inputSchema"]
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object"
        assert not {"anyOf", "oneOf", "allOf"} & schema.keys(), tool["name"]
        # No additionalProperties at all: google-genai crashes on a boolean one, strict clients cannot send
        # a free-form object. Unknown arguments are refused by the server instead (a call per tool:
        # test_client_schemas.test_unknown_arguments_are_refused_by_the_server).
        assert "additionalProperties" not in json.dumps(schema), tool["name"]
        for name, prop in schema["properties"].items():
            assert "$ref" not in json.dumps(prop), (tool["name"], name)  # flat: no nested models
            if name not in schema.get("required", []):
                # optional: accepts null, as `type: [T, "null"]` or `anyOf [X, null]` (X says it all)
                if "anyOf" in prop:
                    assert prop.keys() == {"anyOf"}, (tool["name"], name)
                    assert prop["anyOf"][1:] == [{"type": "null"}], (tool["name"], name)
                    prop = prop["anyOf"][0]
                else:
                    assert isinstance(prop["type"], list), (tool["name"], name)
                    assert prop["type"][1:] == ["null"], (tool["name"], name)
            assert "title" not in prop
            if is_identifier(prop):  # the instructions say once what every id argument takes
                continue
            if name == "count" and {"minimum", "maximum"} <= set(prop):  # and that count is the page size
                continue
            assert prop.get("description") or prop.get("enum"), (tool["name"], name)


def is_identifier(prop: dict[str, Any]) -> bool:
    """An id argument or page_token: a plain bounded string, described once in the server's instructions."""
    return set(prop) == {"type", "maxLength"} and prop["maxLength"] in (256, 512)


def test_the_instructions_say_what_every_id_and_page_token_take() -> None:
    from calendly_mcp.server.app import INSTRUCTIONS

    assert "bare id or the full https://api.calendly.com/... URI" in INSTRUCTIONS
    assert "pass it back as page_token" in INSTRUCTIONS
    assert "count (the page size)" in INSTRUCTIONS


async def test_output_schemas_are_valid_json_schemas() -> None:
    for tool in await listed(everything()):
        assert "outputSchema" in tool, tool["name"]
        Draft202012Validator.check_schema(tool["outputSchema"])


def test_read_only_mode_keeps_only_read_only_tools() -> None:
    every = select(everything())
    read_only = select(settings(calendly_mcp_toolsets="all", maton_api_key="k", calendly_mcp_read_only=True))
    assert read_only == [spec for spec in every if spec.annotations.read_only_hint]


async def test_toolsets_filter() -> None:
    chosen = select(settings(calendly_mcp_toolsets="users"))
    assert {spec.name for spec in chosen} == {spec.name for spec in users.TOOLS.specs}
    assert {"get_current_user", "get_user"} <= {spec.name for spec in chosen}
    names = {t["name"] for t in await listed(settings(calendly_mcp_toolsets="events,users"))}
    assert names == {spec.name for spec in ALL_TOOLS if spec.toolset in {"events", "users"}}
    assert "cancel_scheduled_event" in names
    assert "create_event_invitee" not in names


def test_default_all_and_names_combine() -> None:
    every = {spec.name for spec in ALL_TOOLS}
    default = {spec.name for spec in ALL_TOOLS if spec.toolset in registry.DEFAULT}
    gateway = {"maton_api_key": "k"}
    assert {s.name for s in select(settings(**gateway))} == default
    assert {s.name for s in select(settings(calendly_mcp_toolsets="all", **gateway))} == every
    assert {s.name for s in select(settings(calendly_mcp_toolsets="default,users", **gateway))} == default
    assert {s.name for s in select(settings(calendly_mcp_toolsets="", **gateway))} == default
    assert registry.toolsets(["users", "events", "users"]) == {"users", "events"}
    for extra in sorted(set(registry.NAMES) - set(registry.DEFAULT)):
        combined = {s.name for s in select(settings(calendly_mcp_toolsets=f"default,{extra}", **gateway))}
        assert combined == default | {spec.name for spec in ALL_TOOLS if spec.toolset == extra}


def test_connections_are_listed_only_in_gateway_mode() -> None:
    assert {"connections"} == registry.GATEWAY_ONLY
    maton = {spec.name for spec in ALL_TOOLS if spec.toolset == "connections"}
    for credentials in ({"calendly_api_token": "t"}, {}, {"calendly_api_token": "t", "maton_api_key": "k"}):
        names = {s.name for s in select(settings(calendly_mcp_toolsets="all", **credentials))}
        assert names == {spec.name for spec in ALL_TOOLS} - maton, credentials
    assert maton <= {s.name for s in select(settings(maton_api_key="k"))}
    with pytest.raises(SelectionError, match="connections are Maton's and listed only in gateway mode"):
        select(settings(calendly_mcp_toolsets="connections", calendly_api_token="t"))


def test_unknown_toolset_is_refused() -> None:
    with pytest.raises(SelectionError, match="unknown toolset 'calendars'; choose from default, all, users"):
        select(settings(calendly_mcp_toolsets="users,calendars"))


def test_a_selection_that_leaves_no_tool_says_so() -> None:
    with pytest.raises(SelectionError, match="scheduling in read-only mode leave no tool"):
        select(settings(calendly_mcp_toolsets="scheduling", calendly_mcp_read_only=True))


def test_manifest_is_what_the_models_make() -> None:
    """The committed manifest (served at start-up, and the reviewable snapshot of every definition) is
    exactly what `Tool.from_function` and our compaction make; `make snapshots` rewrites it (and
    toolsets.json, compared in test_the_toolset_catalog_is_the_registrys)."""
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        _manifest.write()
    assert _manifest.load() == _manifest.generate(), "a tool changed: run `make snapshots`, review the diff"


async def test_tools_list_serves_the_manifest() -> None:
    manifest = _manifest.load()
    assert {t["name"]: t for t in await listed(everything())} == manifest


def test_a_missing_manifest_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr(selection, "MANIFEST", tmp_path / "manifest.json")
    with pytest.raises(_manifest.ManifestError, match="make snapshots"):
        build_server(settings())


def test_the_toolset_catalog_is_the_registrys() -> None:
    """toolsets.json (what start-up selects from, without importing a tool module) says what the
    registry's modules say; and both selections agree for every toolset alone."""
    assert [vars(t) for t in selection.catalog()] == registry.catalog()
    assert selection.names() == registry.NAMES
    assert selection.default_names() == registry.DEFAULT
    assert selection.gateway_only() == registry.GATEWAY_ONLY
    for name in ("all", *registry.NAMES):
        for read_only in (False, True):
            chosen = settings(calendly_mcp_toolsets=name, maton_api_key="k", calendly_mcp_read_only=read_only)
            try:
                expected = [s.name for s in select(chosen)]
            except SelectionError:
                with pytest.raises(SelectionError):
                    selection.select(chosen)
                continue
            assert [e.name for e in selection.select(chosen)] == expected, (name, read_only)


def test_serving_imports_no_tool_module_until_a_call() -> None:
    """Start-up builds every tool from the manifest; a tool's module (and its models) load on its call."""
    code = (
        "import sys; from calendly_mcp.server.app import build_server; from calendly_mcp.settings import "
        "Settings; build_server(Settings(calendly_mcp_toolsets=['all'], maton_api_key='k')); "
        "print(sorted(m for m in sys.modules if m.startswith(('calendly_mcp.tools.', 'calendly_mcp.schemas.'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(done.stdout.strip()))
    areas = {area.__name__ for area in (*registry.AREAS, *registry.COMPOSED)}
    assert not loaded & areas, loaded & areas
    assert not any(m.startswith("calendly_mcp.schemas.") for m in loaded), loaded


_WARM_UP = """
import sys, anyio
from calendly_mcp.server.app import build_server
from calendly_mcp.settings import Settings

server = build_server(Settings(calendly_mcp_toolsets=["all"], maton_api_key="k"))

async def main():
    await server.list_tools()
    if sys.argv[1] == "idle":
        with anyio.fail_after(30):
            while server.warming_up:  # idle past WARM_UP_DELAY: the background imports run
                await anyio.sleep(0.05)
    server.load_tool("get_current_user")  # any request stops them (and waits for the one under way)
    print(sorted(m for m in sys.modules if m.startswith("calendly_mcp.tools.")))

anyio.run(main)
"""


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "called at once"])
def test_the_tools_modules_load_in_the_background_only_while_the_server_is_idle(idle: bool) -> None:
    """After the first tools/list, an idle server imports the tools' modules, so first calls find them;
    a call that comes at once stops that before it begins, and waits for no other tool's module."""
    arg = "idle" if idle else "busy"
    done = subprocess.run([sys.executable, "-c", _WARM_UP, arg], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(done.stdout.strip()))
    areas = {area.__name__ for area in (*registry.AREAS, *registry.COMPOSED)}
    if idle:
        assert loaded >= areas, sorted(areas - loaded)
    else:
        assert loaded & areas == {"calendly_mcp.tools.users"}
    # The developers' guide states the delay.
    guide = (Path(__file__).resolve().parents[1] / "docs" / "development.md").read_text(encoding="utf-8")
    assert f"{WARM_UP_DELAY:g} s (`WARM_UP_DELAY`)" in guide


def test_a_served_tool_loads_into_what_the_fast_path_builds() -> None:
    """After its first call's load, each served tool has every field `to_mcp` gives (itself compared with
    the SDK's `Tool.from_function` below)."""
    server = build_server(everything())
    manifest = _manifest.load()
    for spec in ALL_TOOLS:
        tool = server.load_tool(spec.name)
        assert tool is not None, spec.name
        built = to_mcp(spec, manifest[spec.name]["inputSchema"], manifest[spec.name]["outputSchema"])
        for name in (
            "name",
            "title",
            "description",
            "parameters",
            "is_async",
            "context_kwarg",
            "annotations",
        ):
            assert getattr(tool, name) == getattr(built, name), (spec.name, name)
        for name in ("icons", "meta", "output_schema"):
            assert getattr(tool, name) == getattr(built, name), (spec.name, name)
        for name in ("resolved_params", "resolver_plans"):
            assert shape(getattr(tool, name)) == shape(getattr(built, name)), (spec.name, name)
        assert isinstance(tool.fn_metadata, LazyMetadata), spec.name
        assert tool.fn.__wrapped__ is spec.fn, spec.name  # pyright: ignore[reportFunctionMemberAccess]
        assert server.load_tool(spec.name) is tool  # loaded once


def shape(value: Any) -> Any:
    """A value's structure, so that two separately built plans compare equal field by field."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list | tuple):
        return [shape(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    if hasattr(value, "__dict__") and not callable(value):
        return (type(value).__name__, shape(vars(value)))
    return value


def assert_same_tool(spec: ToolSpec, manifest: dict[str, Any]) -> None:
    """Every field of the fast-path Tool equals the one `Tool.from_function` builds."""
    sdk = sdk_tool(spec)
    entry = manifest[spec.name]
    fast = to_mcp(spec, entry["inputSchema"], entry["outputSchema"])
    metadata = fast.fn_metadata
    assert isinstance(metadata, LazyMetadata)
    with pytest.raises(ValidationError):  # the first validation builds the real models
        metadata.validate_arguments({"no_such_argument": 1})
    for name in ("name", "title", "description", "parameters", "is_async", "context_kwarg", "annotations"):
        assert getattr(fast, name) == getattr(sdk, name), (spec.name, name)
    for name in ("icons", "meta", "output_schema"):
        assert getattr(fast, name) == getattr(sdk, name), (spec.name, name)
    for name in ("resolved_params", "resolver_plans"):
        assert shape(getattr(fast, name)) == shape(getattr(sdk, name)), (spec.name, name)
    assert metadata.output_model == sdk.fn_metadata.output_model, spec.name
    assert metadata.wrap_output == sdk.fn_metadata.wrap_output, spec.name
    fast_args, sdk_args = metadata.arg_model, sdk.fn_metadata.arg_model
    assert fast_args.model_json_schema(by_alias=True) == sdk_args.model_json_schema(by_alias=True), spec.name
    assert {n: repr(f) for n, f in fast_args.model_fields.items()} == {
        n: repr(f) for n, f in sdk_args.model_fields.items()
    }, spec.name
    assert fast_args.model_config.get("extra") == sdk_args.model_config.get("extra") == "forbid"


def test_fast_path_tools_equal_the_sdks() -> None:
    manifest = _manifest.load()
    for spec in ALL_TOOLS:
        assert_same_tool(spec, manifest)


async def _confirm(ctx: Ctx) -> bool:
    return True


async def with_a_resolver(
    ctx: Ctx,
    user: Annotated[str, Field(description="User id")],
    confirmed: Annotated[bool, Resolve(_confirm)],
) -> User:
    """A tool with a resolver-filled parameter, as confirmation will have."""
    raise NotImplementedError


def test_fast_path_keeps_resolver_plans() -> None:
    spec = ToolSpec(with_a_resolver, "users", "With a resolver", READ)
    definition = _manifest.definition(sdk_tool(spec))
    fast = to_mcp(spec, definition["inputSchema"], definition["outputSchema"])
    assert "confirmed" in fast.resolved_params
    assert "confirmed" not in definition["inputSchema"]["properties"]
    assert_same_tool(spec, {spec.name: definition})


async def bad_tool_name(ctx: Ctx) -> User:
    """A tool whose name the SDK's validation flags."""
    raise NotImplementedError


def test_fast_path_validates_names_as_the_sdk_does(caplog: pytest.LogCaptureFixture) -> None:
    bad_tool_name.__name__ = "bad tool name"
    spec = ToolSpec(bad_tool_name, "users", "Bad", READ)
    with caplog.at_level(logging.WARNING):
        sdk_tool(spec)
    sdk_warnings = [r.getMessage() for r in caplog.records]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        to_mcp(spec, {"type": "object", "properties": {}}, {})
    assert sdk_warnings
    assert [r.getMessage() for r in caplog.records] == sdk_warnings


async def with_a_bad_header(
    ctx: Ctx,
    user: Annotated[str, Field(description="User id", json_schema_extra={"x-mcp-header": "no spaces"})],
) -> User:
    """A tool whose argument names an HTTP header the SDK refuses."""
    raise NotImplementedError


def test_fast_path_checks_header_annotations_as_the_sdk_does() -> None:
    spec = ToolSpec(with_a_bad_header, "users", "Bad header", READ)
    with pytest.raises(InvalidSignature, match="x-mcp-header") as sdk:
        sdk_tool(spec)
    schema = {"type": "object", "properties": {"user": {"type": "string", "x-mcp-header": "no spaces"}}}
    with pytest.raises(InvalidSignature, match="x-mcp-header") as fast:
        to_mcp(spec, schema, {})
    assert str(fast.value).split(":")[-1] == str(sdk.value).split(":")[-1]


def test_every_change_a_user_should_approve_asks_first() -> None:
    """Bookings, cancellations, deletions, removals and reschedules (the DESTROY tools) take the
    confirmation resolver (docs/confirmation.md); overwrites (PATCH) do not ask."""
    manifest = _manifest.load()
    asking = [s for s in ALL_TOOLS if s.annotations is DESTROY or s.name == "create_event_invitee"]
    assert len(asking) == 12
    for spec in asking:
        entry = manifest[spec.name]
        tool = to_mcp(spec, entry["inputSchema"], entry["outputSchema"])
        assert "confirmed" in tool.resolved_params, spec.name
        assert "confirmed" not in entry["inputSchema"]["properties"], spec.name
