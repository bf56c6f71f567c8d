"""Calling tools the way a strict client would: results checked against the tool's own outputSchema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jsonschema import Draft202012Validator
from mcp.client import Client
from mcp.types import CallToolResult, TextContent

assert "date-time" in Draft202012Validator.FORMAT_CHECKER.checkers, "rfc3339-validator must be installed"

# Per client (by id, the client kept beside its schemas: a client is unhashable, and a freed one's id can
# be a new client's, which may list other tools).
_schemas: dict[int, tuple[Client, dict[str, Any]]] = {}


async def output_schema(client: Client, tool: str) -> dict[str, Any]:
    known = _schemas.get(id(client))
    if known is None or known[0] is not client:
        listed = {t.name: t.output_schema or {} for t in (await client.list_tools()).tools}
        known = _schemas[id(client)] = (client, listed)
    return known[1][tool]


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    """A successful call's structuredContent, validated (formats included) against outputSchema."""
    result = await client.call_tool(tool, args)
    assert not result.is_error, f"{tool} failed: {text_of(result)}"
    assert result.structured_content is not None
    Draft202012Validator(
        await output_schema(client, tool), format_checker=Draft202012Validator.FORMAT_CHECKER
    ).validate(result.structured_content)
    return result.structured_content


async def fail(client: Client, tool: str, **args: Any) -> str:
    """A failed call's text; failures are tool results, never tracebacks."""
    result = await client.call_tool(tool, args)
    assert result.is_error, f"{tool} unexpectedly succeeded: {result.structured_content}"
    text = text_of(result)
    assert "Traceback" not in text
    assert 'File "' not in text
    return text


# What a refusal must never show: the validator's internals and the SDK's prefix.
INTERNALS = (
    "validation error for",
    "Arguments",
    "errors.pydantic.dev",
    "input_value=",
    "input_type=",
    "[type=",
    "Error executing tool",
    "Value error,",
    "Input should",
)


async def refused(client: Client, sandbox: Any, tool: str, **args: Any) -> str:
    """The text of a call refused before any request: none of the validator's internals, nothing asked
    of the sandbox. The current user is read first, so that only the refused call is observed."""
    await call(client, "get_current_user")
    sandbox.clear_requests()
    text = await fail(client, tool, **{k: v for k, v in args.items() if v is not None})
    for marker in INTERNALS:
        assert marker not in text, f"{marker!r} in {text!r}"
    assert sandbox.requests() == [], f"{tool} reached the sandbox"
    return text


async def subscribe_owner(client: Client, info: dict[str, Any], events: list[str]) -> dict[str, Any]:
    """The sandbox owner subscribed to `events` with create_webhook_subscription and no `url`: the
    server's own inbox. `info` is the sandbox's /_sandbox/info."""
    owner = next(u for u in info["users"] if u["role"] == "owner")
    return await call(
        client,
        "create_webhook_subscription",
        events=events,
        organization=info["organization"]["uri"],
        user=owner["uri"],
    )


def iso(when: datetime | timedelta | None = None, **delta: float) -> str:
    """A time as a model would send it: UTC, whole seconds, a Z. A timedelta (or keyword arguments, as
    for timedelta) counts from now."""
    if when is None or isinstance(when, timedelta):
        when = datetime.now(UTC) + (when or timedelta()) + timedelta(**delta)
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def uid(uri: str) -> str:
    """The bare id at the end of a Calendly URI (a bare id stays as it is)."""
    return uri.rsplit("/", 1)[-1]


def text_of(result: CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))
