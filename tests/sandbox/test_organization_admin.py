"""The sandbox's organization administration: invitations and removing members, each answer spec-checked."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from .helpers import call, info, path_of

pytestmark = pytest.mark.anyio


async def _as(control: httpx2.AsyncClient, email: str) -> dict[str, str]:
    """Headers for the gateway that act as the seeded user with this e-mail (a new, activated connection)."""
    key = {"Authorization": "Bearer sandbox-key"}
    created = (await control.post("/connections", json={"app": "calendly"}, headers=key)).json()
    ident = created["connection"]["connection_id"]
    await control.post(f"/_sandbox/connections/{ident}/activate", json={"user": email})
    return {"Maton-Connection": ident}


async def test_invitations(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    data = await info(control)
    ex: dict[str, Any] = data["examples"]
    org = path_of(data["organization"]["uri"])
    listed = await call(direct, "GET", f"{org}/invitations", 200)
    assert len(listed["collection"]) == 4
    pending = await call(direct, "GET", f"{org}/invitations", 200, params={"status": "pending", "count": 1})
    assert pending["pagination"]["next_page_token"]
    for params in ({"status": "revoked"}, {"email": "nope"}, {"sort": "email:asc"}, {"count": 0}):
        await call(direct, "GET", f"{org}/invitations", 400, params=params)
    await call(direct, "GET", "/organizations/ZZZZZZZZZZZZZZZZ/invitations", 403)

    for body in ({}, {"email": ""}, {"email": "not-an-email"}, {"email": 7}):
        await call(direct, "POST", f"{org}/invitations", 400, json=body)
    bad = await direct.post(f"{org}/invitations", json={"email": "not-an-email"})
    assert bad.json()["title"] == "Invalid Email"
    member = await direct.post(f"{org}/invitations", json={"email": data["users"][2]["email"].upper()})
    assert member.json()["title"] == "Already Organization Member"
    made = await call(direct, "POST", f"{org}/invitations", 201, json={"email": "ada@example.com"})
    invitation = made["resource"]
    assert invitation["status"] == "pending"
    assert "user" not in invitation
    again = await call(direct, "POST", f"{org}/invitations", 400, json={"email": "ADA@example.com"})
    assert again["title"] == "Already Invited"
    assert (await call(direct, "GET", path_of(invitation["uri"]), 200))["resource"] == invitation

    await call(direct, "DELETE", path_of(invitation["uri"]), 204)
    await call(direct, "GET", path_of(invitation["uri"]), 404)
    await call(direct, "DELETE", path_of(invitation["uri"]), 404)
    accepted = await call(direct, "DELETE", path_of(ex["accepted_invitation"]), 400)
    assert accepted["title"] == "Invitation Already Accepted"
    other = path_of(ex["invitation"]).replace(org, "/organizations/ZZZZZZZZZZZZZZZZ")
    assert (await call(direct, "GET", other, 403))["message"] == "You do not have permission"
    await call(direct, "DELETE", other, 403)


async def test_only_admins_administer(
    direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    ex: dict[str, Any] = data["examples"]
    org = path_of(data["organization"]["uri"])
    plain = await _as(control, "lucia.gomez@northwind.example.com")
    for method, path in (
        ("GET", f"{org}/invitations"),
        ("POST", f"{org}/invitations"),
        ("GET", path_of(ex["invitation"])),
        ("DELETE", path_of(ex["invitation"])),
    ):
        answer = await gateway.request(method, path, headers=plain, json={"email": "x@example.com"})
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json()["message"] == "You do not have permission to access this resource."
    refused = await gateway.delete(path_of(ex["membership_to_remove"]), headers=plain)
    assert refused.status_code == 403
    assert refused.json()["message"] == "You do not have permission to perform this action"

    admin = await _as(control, "oliver.bennett@northwind.example.com")
    me = (await gateway.get("/users/me", headers=admin)).json()["resource"]
    mine = (await gateway.get("/organization_memberships", params={"user": me["uri"]}, headers=admin)).json()
    yourself = await gateway.delete(path_of(mine["collection"][0]["uri"]), headers=admin)
    assert yourself.json()["message"] == "You can not remove yourself from organization"
    owner = await call(
        direct, "GET", "/organization_memberships", 200, params={"user": data["users"][0]["uri"]}
    )
    to_owner = await gateway.delete(path_of(owner["collection"][0]["uri"]), headers=admin)
    assert to_owner.json()["message"] == "You can not change owner role"
    # An admin removes a plain member.
    await call(gateway, "DELETE", path_of(ex["membership_to_remove"]), 204)
    await call(direct, "GET", path_of(ex["membership_to_remove"]), 404)


async def test_removing_a_member_with_meetings_keeps_every_answer_whole(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    """Haruto hosts meetings and owns event types: once removed, the organization's lists leave them out."""
    data = await info(control)
    org = data["organization"]["uri"]
    haruto = next(u for u in data["users"] if u["name"] == "Haruto Sato")
    membership = await call(direct, "GET", "/organization_memberships", 200, params={"user": haruto["uri"]})
    await call(direct, "DELETE", path_of(membership["collection"][0]["uri"]), 204)
    members = await call(
        direct, "GET", "/organization_memberships", 200, params={"organization": org, "count": 100}
    )
    assert haruto["uri"] not in {m["user"]["uri"] for m in members["collection"]}
    types = await call(direct, "GET", "/event_types", 200, params={"organization": org, "count": 100})
    assert all(t["profile"]["owner"] != haruto["uri"] for t in types["collection"])
    events = await call(direct, "GET", "/scheduled_events", 200, params={"organization": org, "count": 100})
    assert all(haruto["uri"] not in {m["user"] for m in e["event_memberships"]} for e in events["collection"])
    await call(direct, "GET", path_of(haruto["uri"]), 404)
    # Their Maton connection has no organization left to act in.
    after = await info(control)
    assert haruto["uri"] not in {c["user"] for c in after["connections"]}
    assert "FAILED" in {c["status"] for c in after["connections"]}
