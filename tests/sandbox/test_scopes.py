"""OAuth scopes: every operation's scope as the spec states it, and the 403 a credential without it gets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from calendly_mcp.sandbox import RunningSandbox
from calendly_mcp.sandbox.calendly.scopes import required_scope

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


def test_the_table_is_what_the_spec_says() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "scopes.py")], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/users/me", "users:read"),
        ("GET", "/contacts/custom_field_definitions", "contacts:read"),
        ("GET", "/contacts/0000aaaa", "contacts:read"),
        ("PATCH", "/contacts/0000aaaa", "contacts:write"),
        ("GET", "/scheduled_events/a/invitees/b", "scheduled_events:read"),
        ("POST", "/scheduled_events/a/cancellation", "scheduled_events:write"),
        ("POST", "/invitees", "scheduled_events:write"),
        ("DELETE", "/webhook_subscriptions/w", "webhooks:write"),
        ("GET", "/nowhere", None),
    ],
)
def test_operations_map_to_their_scope(method: str, path: str, scope: str | None) -> None:
    assert required_scope(method, path) == scope


async def test_a_credential_without_the_scope_gets_calendlys_403(
    box: RunningSandbox, direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient
) -> None:
    grant = await direct.post("/_sandbox/scopes", json={"scopes": ["users:read"]})
    assert grant.json() == {"scopes": ["users:read"]}
    for client in (direct, gateway):
        assert (await client.get("/users/me")).status_code == 200
        refused = await client.get("/scheduled_events", params={"user": "x"})
        assert refused.status_code == 403
        assert refused.json() == {
            "title": "Insufficient scope",
            "message": "This operation requires the scopes listed in the 'required_scopes' array.",
            "required_scopes": ["scheduled_events:read"],
        }
    await direct.post("/_sandbox/reset")
    assert (await direct.get("/scheduled_events", params={"count": 1})).status_code != 403


async def test_bad_scope_grants_are_refused(direct: httpx2.AsyncClient) -> None:
    assert (await direct.post("/_sandbox/scopes", json={"scopes": "users:read"})).status_code == 400
    assert (await direct.post("/_sandbox/scopes", content=b"{")).status_code == 400
    assert (await direct.post("/_sandbox/scopes", json={"scopes": None})).json() == {"scopes": None}
