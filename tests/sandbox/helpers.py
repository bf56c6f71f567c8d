"""What the scheduling and webhook tests share: spec-checked calls, windows, slots and bookings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from .openapi import validate_response

API = "https://api.calendly.com"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def path_of(uri: str) -> str:
    return uri.removeprefix(API)


def window(days: float, *, after_minutes: float = 2) -> dict[str, str]:
    """start_time / end_time from a little after now, `days` long."""
    start = datetime.now(UTC) + timedelta(minutes=after_minutes)
    return {"start_time": stamp(start), "end_time": stamp(start + timedelta(days=days))}


async def call(
    client: httpx2.AsyncClient,
    method: str,
    path: str,
    status: int,
    *,
    params: dict[str, Any] | None = None,
    json: Any = None,
) -> Any:
    """Make a call, insist on its status, and check its body against Calendly's spec."""
    answer = await client.request(method, path, params=params, json=json)
    assert answer.status_code == status, answer.text
    if status == 204:
        assert answer.content == b""
        return None
    body = answer.json()
    # Through the gateway the path carries Maton's /calendly prefix; the spec knows Calendly's paths.
    validate_response(method, answer.url.path.removeprefix("/calendly"), status, body)
    return body


async def me(client: httpx2.AsyncClient) -> dict[str, Any]:
    return (await call(client, "GET", "/users/me", 200))["resource"]


async def info(control: httpx2.AsyncClient) -> dict[str, Any]:
    return (await control.get("/_sandbox/info")).json()


def event_type_named(data: dict[str, Any], owner_name: str, name: str) -> dict[str, Any]:
    owner = next(u["uri"] for u in data["users"] if u["name"] == owner_name)
    return next(et for et in data["event_types"] if et["owner"] == owner and et["name"] == name)


async def slots(client: httpx2.AsyncClient, event_type: str, days: float = 7) -> list[dict[str, Any]]:
    params = {"event_type": event_type, **window(days)}
    return (await call(client, "GET", "/event_type_available_times", 200, params=params))["collection"]


async def first_slot(client: httpx2.AsyncClient, event_type: str) -> str:
    found = await slots(client, event_type)
    assert found, "no slot offered in the next 7 days"
    return found[0]["start_time"]


def booking(event_type: str, start_time: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_type": event_type,
        "start_time": start_time,
        "invitee": {"name": "Ada Lovelace", "email": "ada@example.com", "timezone": "Europe/London"},
    }
    body.update(extra)
    return body


async def book(client: httpx2.AsyncClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    return await call(client, "POST", "/invitees", status, json=body)
