"""The event type tools (list_event_types, get_event_type) through MCP over stdio, in both modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

EVENT_TYPE_TOOLS = {"list_event_types", "get_event_type", "list_event_type_hosts"}

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_event_type", {"event_type": "x" * 300}, "at most 256"),
    ("list_event_types", {"organization": "../../x"}, "not valid"),
    ("list_event_type_hosts", {"event_type": "https://api.calendly.com/users/x"}, "is not a event_type URI"),
    ("list_event_type_hosts", {"event_type": "x", "count": 0}, "count: is too small"),
    ("list_event_type_hosts", {"event_type": "x", "page_token": "a b"}, "must be the next_page_token"),
]


async def test_event_type_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= EVENT_TYPE_TOOLS


async def test_event_types_default_to_me_and_filter(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    everything = await call(mcp, "list_event_types")
    assert everything["collection"]
    assert all(et["owner"] == me["name"] for et in everything["collection"] if et.get("owner"))
    active = await call(mcp, "list_event_types", active=True)
    inactive = await call(mcp, "list_event_types", active=False)
    assert all(et["active"] for et in active["collection"])
    assert all(not et["active"] for et in inactive["collection"])
    assert len(active["collection"]) + len(inactive["collection"]) == len(everything["collection"])
    one = everything["collection"][0]
    whole = await call(mcp, "get_event_type", event_type=one["uri"])
    # The row is the part of the whole event type a model needs to act on, in the same words.
    for key in ("uri", "name", "active", "kind", "duration", "scheduling_url"):
        assert one[key] == whole[key], key
    assert one["locations"] == [loc["kind"] for loc in whole["locations"]]
    assert one["owner"] == whole["profile"]["name"]
    assert await call(mcp, "get_event_type", event_type=uid(one["uri"])) == whole


async def test_event_types_of_the_organization(mcp: Client) -> None:
    me = await call(mcp, "get_current_user")
    org = await call(mcp, "list_event_types", organization=me["current_organization"], count=100)
    owners = {et["owner"] for et in org["collection"] if et.get("owner")}
    assert len(owners) >= 3


async def test_unknown_ids_answer_calendly_404(mcp: Client) -> None:
    text = await fail(mcp, "get_event_type", event_type="0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d")
    assert "404 Resource Not Found" in text
    assert "list the collection" in text


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_event_type_hosts_are_its_owner(mcp: Client, sandbox: SandboxProcess) -> None:
    users = {u["uri"]: u for u in sandbox.info()["users"]}
    for event_type in sandbox.info()["event_types"]:
        hosts = await call(mcp, "list_event_type_hosts", event_type=event_type["uri"])
        [host] = hosts["collection"]
        owner = users[event_type["owner"]]
        assert (host["user"], host["name"], host["email"]) == (owner["uri"], owner["name"], owner["email"])
        assert host["uri"].startswith("https://api.calendly.com/event_type_memberships/")
        assert hosts["next_page_token"] is None
    first = sandbox.info()["event_types"][0]["uri"]
    again = await call(mcp, "list_event_type_hosts", event_type=uid(first), count=1)
    assert again["collection"][0]["user"] == sandbox.info()["event_types"][0]["owner"]
    assert "404 Resource Not Found" in await fail(
        mcp, "list_event_type_hosts", event_type="0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"
    )
