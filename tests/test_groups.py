"""The groups tools (groups, their relationships, teams) through MCP over stdio, in both modes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp.client import Client

from calendly_mcp.tools.registry import DEFAULT
from conftest import Mode, SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

GROUP_TOOLS = {
    "list_groups", "get_group", "list_group_relationships", "get_group_relationship", "list_teams", "get_team",
}  # fmt: skip
API = "https://api.calendly.com"


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """`groups` is not a default toolset: this module's server exposes it beside the default ones."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="default,groups")
    async with Client(stdio_server(env)) as client:
        yield client


async def test_groups_toolset_is_listed_only_when_asked(mcp: Client) -> None:
    assert "groups" not in DEFAULT
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= GROUP_TOOLS


async def test_groups_list_page_and_get(mcp: Client, sandbox: SandboxProcess) -> None:
    groups = await call(mcp, "list_groups")
    rows = {g["name"]: g for g in groups["collection"]}
    assert set(rows) == {"Sales", "Design", "Customer Success"}
    assert rows["Design"]["member_count"] == 2
    assert groups["next_page_token"] is None
    first = await call(mcp, "list_groups", count=2)
    assert len(first["collection"]) == 2
    assert first["next_page_token"]
    rest = await call(mcp, "list_groups", count=2, page_token=first["next_page_token"])
    assert [g["uri"] for g in first["collection"] + rest["collection"]] == [
        g["uri"] for g in groups["collection"]
    ]
    design = rows["Design"]["uri"]
    whole = await call(mcp, "get_group", group=uid(design))
    assert whole["uri"] == design
    assert whole["name"] == "Design"
    assert whole["organization"] == sandbox.info()["organization"]["uri"]
    assert whole == await call(mcp, "get_group", group=design)


async def test_group_relationships_filter_by_group_and_owner(mcp: Client, sandbox: SandboxProcess) -> None:
    everyone = await call(mcp, "list_group_relationships", count=100)
    assert len(everyone["collection"]) == 7
    assert {r["role"] for r in everyone["collection"]} == {"member", "admin"}
    sales = sandbox.info()["examples"]["group"]
    in_sales = await call(mcp, "list_group_relationships", group=sales)
    roles = {(r["role"], r["name"]) for r in in_sales["collection"]}
    assert roles == {("member", "Haruto Sato"), ("admin", "Maya Patel"), ("admin", "Oliver Bennett")}
    assert all(r["group"] == sales for r in in_sales["collection"])
    # Maya: admin of two groups, member of one (one member relationship at most per person).
    maya = next(r["owner"] for r in in_sales["collection"] if r["name"] == "Maya Patel")
    hers = await call(mcp, "list_group_relationships", owner=maya)
    assert sorted(r["role"] for r in hers["collection"]) == ["admin", "admin", "member"]
    assert {r["email"] for r in hers["collection"]} == {"maya.patel@northwind.example.com"}
    assert (await call(mcp, "list_group_relationships", owner=uid(maya)))["collection"] == hers["collection"]
    invitation = f"{API}/organizations/ABCDEF/invitations/0000aaaa-0000-4000-8000-000000000000"
    assert (await call(mcp, "list_group_relationships", owner=invitation))["collection"] == []


async def test_group_relationship_whole(mcp: Client, sandbox: SandboxProcess) -> None:
    example = sandbox.info()["examples"]["group_relationship"]
    whole = await call(mcp, "get_group_relationship", relationship=uid(example))
    assert whole["uri"] == example
    owner: dict[str, Any] = whole["owner"]
    assert owner["type"] == "OrganizationMembership"
    assert owner["user"]["email"].endswith("@northwind.example.com")
    assert owner["uri"].startswith(f"{API}/organization_memberships/")
    assert whole["group"] == sandbox.info()["examples"]["group"]


async def test_teams_list_filter_and_get(mcp: Client, sandbox: SandboxProcess) -> None:
    teams = await call(mcp, "list_teams")
    names = {t["name"]: t for t in teams["collection"]}
    assert set(names) == {"Northwind Sales", "Northwind Design"}
    assert names["Northwind Design"]["scheduling_url"].startswith("https://calendly.com/")
    mine = await call(mcp, "list_teams", user="me")
    assert [t["name"] for t in mine["collection"]] == ["Northwind Sales"]
    oliver = next(u["uri"] for u in sandbox.info()["users"] if u["name"] == "Oliver Bennett")
    assert [t["name"] for t in (await call(mcp, "list_teams", user=oliver))["collection"]] == [
        "Northwind Design"
    ]
    team = names["Northwind Design"]["uri"]
    whole = await call(mcp, "get_team", team=team)
    assert whole == {**names["Northwind Design"], "organization": sandbox.info()["organization"]["uri"]}


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("get_group", {"group": "0000aaaa-0000-4000-8000-000000000000"}),
        ("get_group_relationship", {"relationship": "0000aaaa-0000-4000-8000-000000000000"}),
        ("get_team", {"team": "0000aaaa-0000-4000-8000-000000000000"}),
    ],
)
async def test_unknown_ids_are_calendlys_404(mcp: Client, tool: str, args: dict[str, Any]) -> None:
    text = await fail(mcp, tool, **args)
    assert "Resource Not Found" in text, text


async def test_another_organization_is_refused_by_calendly(mcp: Client) -> None:
    for tool in ("list_groups", "list_group_relationships"):
        text = await fail(mcp, tool, organization="AAAAAAAAAAAAAAAA")
        assert "Permission Denied" in text, text


async def test_a_user_outside_the_organization_has_no_teams_to_show(mcp: Client) -> None:
    text = await fail(mcp, "list_teams", user="AAAAAAAAAAAAAAAA")
    assert "not in your organization" in text, text


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_group", {"group": f"{API}/users/abc"}, "is not a group URI"),
    ("get_group", {"group": "a/../b"}, "not valid"),
    ("get_group_relationship", {"relationship": f"{API}/groups/abc"}, "is not a group_relationship URI"),
    ("get_team", {"team": "x" * 65}, "not valid"),
    ("list_group_relationships", {"group": f"{API}/teams/abc"}, "is not a group URI"),
    (
        "list_group_relationships",
        {"owner": f"{API}/organizations/ABC/members/x"},
        "is neither an organization membership nor an invitation URI",
    ),
    (
        "list_group_relationships",
        {"owner": f"{API}/users/abc"},
        "owner 'https://api.calendly.com/users/abc' is neither",
    ),
    ("list_group_relationships", {"owner": "a b"}, "not valid"),
    ("list_groups", {"count": 101}, "count: is too large (given 101)"),
    ("list_teams", {"user": "bob smith"}, "not valid"),
    ("list_teams", {"page_token": "a b"}, "must be the next_page_token"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)
