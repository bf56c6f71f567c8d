"""Administering the organization (memberships, invitations) through MCP over stdio, in both modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess, connect, server_env
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

API = "https://api.calendly.com"
MADE_UP = "0000aaaa-0000-4000-8000-00000000dead"


def examples(sandbox: SandboxProcess) -> dict[str, Any]:
    return sandbox.info()["examples"]


async def test_invitations_listed_filtered_paged_and_read(mcp: Client, sandbox: SandboxProcess) -> None:
    ex = examples(sandbox)
    everything = await call(mcp, "list_organization_invitations")
    rows = everything["collection"]
    assert {row["status"] for row in rows} == {"pending", "accepted", "declined"}
    assert everything["next_page_token"] is None
    accepted = next(row for row in rows if row["status"] == "accepted")
    assert accepted["user"].startswith(f"{API}/users/")
    assert all(row.get("user") is None for row in rows if row["status"] != "accepted")

    pending = await call(mcp, "list_organization_invitations", status="pending")
    assert {row["uri"] for row in pending["collection"]} >= {ex["invitation"], ex["invitation_to_revoke"]}
    assert all(row["status"] == "pending" for row in pending["collection"])
    one = await call(mcp, "list_organization_invitations", email=rows[0]["email"].upper())
    assert [row["uri"] for row in one["collection"]] == [rows[0]["uri"]]
    newest = await call(mcp, "list_organization_invitations", sort="created_at:desc")
    assert [row["uri"] for row in newest["collection"]] == [row["uri"] for row in reversed(rows)]

    first = await call(mcp, "list_organization_invitations", count=2)
    assert first["next_page_token"]
    second = await call(mcp, "list_organization_invitations", count=2, page_token=first["next_page_token"])
    paged = [row["uri"] for row in first["collection"] + second["collection"]]
    assert paged == [row["uri"] for row in rows]

    by_uri = await call(mcp, "get_organization_invitation", invitation=ex["invitation"])
    assert by_uri["uri"] == ex["invitation"]
    assert by_uri["status"] == "pending"
    assert by_uri["organization"] == sandbox.info()["organization"]["uri"]
    assert by_uri["last_sent_at"]
    assert await call(mcp, "get_organization_invitation", invitation=uid(ex["invitation"])) == by_uri
    shown = await call(mcp, "get_organization_invitation", invitation=ex["accepted_invitation"])
    assert shown["status"] == "accepted"
    assert shown["user"] == accepted["user"]
    assert "404" in await fail(mcp, "get_organization_invitation", invitation=MADE_UP)


async def test_invite_read_back_refuse_twice_and_revoke(mcp: Client, sandbox: SandboxProcess) -> None:
    ex = examples(sandbox)
    email = "new.colleague@example.com"
    made = await call(mcp, "create_organization_invitation", email=email)
    assert made["status"] == "pending"
    assert made["email"] == email
    assert made["uri"].startswith(f"{sandbox.info()['organization']['uri']}/invitations/")
    assert await call(mcp, "get_organization_invitation", invitation=made["uri"]) == made
    listed = await call(mcp, "list_organization_invitations", email=email)
    assert [row["uri"] for row in listed["collection"]] == [made["uri"]]

    again = await fail(mcp, "create_organization_invitation", email=email)
    assert "Already Invited" in again
    assert "has already been invited" in again
    member = sandbox.info()["users"][1]["email"]
    assert "Already Organization Member" in await fail(mcp, "create_organization_invitation", email=member)

    revoked = await call(mcp, "revoke_organization_invitation", invitation=made["uri"])
    assert revoked == {"deleted": True, "uri": made["uri"]}
    assert "404" in await fail(mcp, "get_organization_invitation", invitation=made["uri"])
    assert (await call(mcp, "list_organization_invitations", email=email))["collection"] == []
    assert "404" in await fail(mcp, "revoke_organization_invitation", invitation=made["uri"])
    # Revoked, the address can be invited again.
    assert (await call(mcp, "create_organization_invitation", email=email))["uri"] != made["uri"]

    # A seeded pending invitation by its bare id; an accepted one cannot be revoked.
    await call(mcp, "revoke_organization_invitation", invitation=uid(ex["invitation_to_revoke"]))
    assert "404" in await fail(mcp, "get_organization_invitation", invitation=ex["invitation_to_revoke"])
    text = await fail(mcp, "revoke_organization_invitation", invitation=ex["accepted_invitation"])
    assert "Invitation Already Accepted" in text
    assert (await call(mcp, "get_organization_invitation", invitation=ex["accepted_invitation"]))["status"]


async def test_remove_a_member(mcp: Client, sandbox: SandboxProcess) -> None:
    ex = examples(sandbox)
    target = await call(mcp, "get_organization_membership", membership=ex["membership_to_remove"])
    assert target["role"] == "user"
    assert target["uri"] == ex["membership_to_remove"]
    user = target["user"]["uri"]
    assert await call(mcp, "get_organization_membership", membership=uid(target["uri"])) == target
    before = await call(mcp, "list_organization_memberships", count=100)
    assert user in {m["user"] for m in before["collection"]}

    removed = await call(mcp, "remove_organization_membership", membership=uid(target["uri"]))
    assert removed == {"deleted": True, "uri": target["uri"]}
    assert "404" in await fail(mcp, "get_organization_membership", membership=target["uri"])
    after = await call(mcp, "list_organization_memberships", count=100)
    assert [m["uri"] for m in after["collection"]] == [
        m["uri"] for m in before["collection"] if m["uri"] != target["uri"]
    ]
    assert "404" in await fail(mcp, "get_user", user=user)
    assert "404" in await fail(mcp, "remove_organization_membership", membership=target["uri"])
    # The invitation they accepted stays, as Calendly keeps it.
    assert (await call(mcp, "get_organization_invitation", invitation=ex["accepted_invitation"]))[
        "user"
    ] == user


async def test_owner_and_unknown_members_stay(mcp: Client, sandbox: SandboxProcess) -> None:
    me = await call(mcp, "get_current_user")
    mine = (await call(mcp, "list_organization_memberships", email=me["email"]))["collection"][0]
    text = await fail(mcp, "remove_organization_membership", membership=mine["uri"])
    assert "Permission Denied" in text
    assert "You can not change owner role" in text
    assert (await call(mcp, "get_organization_membership", membership=mine["uri"]))["role"] == "owner"
    assert "404" in await fail(mcp, "remove_organization_membership", membership=MADE_UP)
    assert "404" in await fail(mcp, "get_organization_membership", membership=MADE_UP)


async def test_another_organization_is_refused(mcp: Client) -> None:
    other = "ZZZZZZZZZZZZZZZZ"
    for text in (
        await fail(mcp, "list_organization_invitations", organization=other),
        await fail(mcp, "create_organization_invitation", email="x@example.com", organization=other),
        await fail(
            mcp, "get_organization_invitation", invitation=f"{API}/organizations/{other}/invitations/x1"
        ),
        await fail(
            mcp, "revoke_organization_invitation", invitation=f"{API}/organizations/{other}/invitations/x1"
        ),
    ):
        assert "403" in text
        assert "Permission Denied" in text


async def test_members_who_are_not_admins_are_refused(sandbox: SandboxProcess) -> None:
    """Through a Maton connection that acts as a plain member: gateway mode only, where the connection
    picks the user (the sandbox's personal access token is always the owner's)."""
    mode = "gateway"
    info = sandbox.info()
    haruto = next(u for u in info["users"] if u["name"] == "Haruto Sato")
    connection = next(c["connection_id"] for c in info["connections"] if c["user"] == haruto["uri"])
    ex = info["examples"]
    async with connect("stdio", server_env(mode, sandbox.url, MATON_CONNECTION=connection)) as client:
        assert (await call(client, "get_current_user"))["uri"] == haruto["uri"]
        refusals = [
            await fail(client, "list_organization_invitations"),
            await fail(client, "get_organization_invitation", invitation=ex["invitation"]),
            await fail(client, "create_organization_invitation", email="friend@example.com"),
            await fail(client, "revoke_organization_invitation", invitation=ex["invitation_to_revoke"]),
        ]
        assert all("You do not have permission to access this resource." in text for text in refusals)
        text = await fail(client, "remove_organization_membership", membership=ex["membership_to_remove"])
        assert "You do not have permission to perform this action" in text
        # A plain member still reads a membership.
        assert (await call(client, "get_organization_membership", membership=ex["membership"]))[
            "role"
        ] == "admin"
    # Nothing changed, as the owner sees it (the oldest connection is the owner's).
    async with connect("stdio", server_env(mode, sandbox.url)) as owner:
        await call(owner, "get_organization_invitation", invitation=ex["invitation_to_revoke"])
        await call(owner, "get_organization_membership", membership=ex["membership_to_remove"])
        invited = await call(owner, "list_organization_invitations", email="friend@example.com")
        assert invited["collection"] == []


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_organization_membership", {"membership": "../x"}, "not valid"),
    (
        "get_organization_membership",
        {"membership": f"{API}/users/abc"},
        "is not a organization_membership URI",
    ),
    (
        "remove_organization_membership",
        {"membership": "https://evil.example/organization_memberships/x"},
        "URI",
    ),
    ("get_organization_invitation", {"invitation": f"{API}/organization_memberships/abc"}, "invitation URI"),
    ("get_organization_invitation", {"invitation": f"{API}/organizations/ORG/invitations/a%2F"}, "not valid"),
    ("revoke_organization_invitation", {"invitation": f"{API}/organizations/../invitations/x"}, "not valid"),
    ("revoke_organization_invitation", {"invitation": "a b"}, "not valid"),
    ("create_organization_invitation", {"email": "not-an-email"}, "is not an e-mail address"),
    ("create_organization_invitation", {"email": "x@example.com", "organization": "../o"}, "not valid"),
    ("list_organization_invitations", {"status": "revoked"}, "status"),
    ("list_organization_invitations", {"sort": "email:asc"}, "sort"),
    ("list_organization_invitations", {"count": 101}, "count"),
    ("list_organization_invitations", {"email": "nobody"}, "is not an e-mail address"),
    ("list_organization_invitations", {"page_token": "bad token"}, "page_token"),
]


@pytest.mark.parametrize(
    ("tool", "args", "words"), REFUSALS, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], words: str
) -> None:
    assert words in await refused(mcp, sandbox, tool, **args)
