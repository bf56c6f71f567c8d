"""Every endpoint the sandbox serves answers what Calendly's OpenAPI spec allows, errors included."""

from __future__ import annotations

from typing import Any

import httpx2
import jsonschema
import pytest

from calendly_mcp.sandbox import RunningSandbox

from .helpers import API, book, booking, call, path_of, window
from .openapi import path_template, validate_response

pytestmark = pytest.mark.anyio

FOREIGN_ORG = "https://api.calendly.com/organizations/ZZZZZZZZZZZZZZZZ"


async def check(
    client: httpx2.AsyncClient,
    path: str,
    status: int,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    answer = await client.get(path, params=params, headers=headers)
    assert answer.status_code == status, answer.text
    body = answer.json()
    # Through the gateway the path carries Maton's /calendly prefix; the spec knows Calendly's paths.
    validate_response("GET", answer.url.path.removeprefix("/calendly"), status, body)
    return body


async def me(client: httpx2.AsyncClient) -> dict[str, Any]:
    return (await check(client, "/users/me", 200))["resource"]


async def walk(client: httpx2.AsyncClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """All items of a list, validating every page."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        body = await check(client, path, 200, {**params, **({"page_token": token} if token else {})})
        items += body["collection"]
        token = body["pagination"]["next_page_token"]
        if token is None:
            return items


def test_the_validator_is_not_vacuous() -> None:
    user = {
        "uri": "https://api.calendly.com/users/AAAAAAAAAAAAAAAA",
        "name": "A",
        "slug": "a",
        "email": "a@example.com",
        "scheduling_url": "https://calendly.com/a",
        "timezone": "UTC",
        "avatar_url": None,
        "created_at": "2020-01-02T03:04:05.678123Z",
        "updated_at": "2020-01-02T03:04:05.678123Z",
        "current_organization": "https://api.calendly.com/organizations/AAAAAAAAAAAAAAAA",
        "resource_type": "User",
        "locale": "en",
    }
    validate_response("GET", "/users/me", 200, {"resource": user})
    for broken in (
        {k: v for k, v in user.items() if k != "locale"},
        {**user, "created_at": "yesterday"},
        {**user, "uri": "not a uri"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_response("GET", "/users/me", 200, {"resource": broken})
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/users/me", 401, {"title": "Unauthenticated"})
    assert path_template("/users/me") == "/users/me"
    assert (
        path_template("/scheduled_events/abc/invitees/def")
        == "/scheduled_events/{event_uuid}/invitees/{invitee_uuid}"
    )


async def test_users(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    assert owner["current_organization"].startswith("https://api.calendly.com/organizations/")
    info = (await control.get("/_sandbox/info")).json()
    for user in info["users"]:
        body = await check(direct, f"/users/{user['uri'].rsplit('/', 1)[1]}", 200)
        assert body["resource"]["uri"] == user["uri"]
    await check(direct, "/users/00000000-0000-0000-0000-000000000000", 404)
    await check(control, "/users/me", 401)
    await check(control, "/users/me", 401, None, {"Authorization": "Bearer sandbox-key"})


async def test_organization_and_memberships(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    org = owner["current_organization"]
    body = await check(direct, f"/organizations/{org.rsplit('/', 1)[1]}", 200)
    assert body["resource"]["plan"] == "enterprise"
    await check(direct, "/organizations/ZZZZZZZZZZZZZZZZ", 404)
    members = await walk(direct, "/organization_memberships", {"organization": org, "count": 2})
    assert len(members) >= 3
    assert {m["role"] for m in members} == {"owner", "admin", "user"}
    body = await check(direct, "/organization_memberships", 200, {"user": owner["uri"]})
    assert [m["user"]["uri"] for m in body["collection"]] == [owner["uri"]]
    one = await check(direct, f"/organization_memberships/{members[0]['uri'].rsplit('/', 1)[1]}", 200)
    assert one["resource"] == members[0]
    await check(direct, "/organization_memberships/nope", 404)
    await check(direct, "/organization_memberships", 400)
    await check(direct, "/organization_memberships", 403, {"organization": FOREIGN_ORG})


async def test_event_types(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    mine = await walk(direct, "/event_types", {"user": owner["uri"], "count": 2})
    assert len(mine) >= 5
    assert any(not et["active"] for et in mine)
    assert any(q["required"] for et in mine for q in et["custom_questions"])
    everyone = await walk(direct, "/event_types", {"organization": owner["current_organization"], "count": 5})
    assert len({et["profile"]["owner"] for et in everyone}) >= 3
    for et in everyone:
        body = await check(direct, f"/event_types/{et['uri'].rsplit('/', 1)[1]}", 200)
        assert body["resource"] == et
    await check(direct, "/event_types/00000000-0000-0000-0000-000000000000", 404)
    await check(direct, "/event_types", 400)
    await check(direct, "/event_types", 400, {"user": owner["uri"], "sort": "color:asc"})
    await check(direct, "/event_types", 400, {"user": owner["uri"], "count": 0})
    await check(direct, "/event_types", 403, {"organization": FOREIGN_ORG})
    await check(direct, "/event_types", 401, {"user": owner["uri"]}, {"Authorization": "Bearer wrong"})


async def test_scheduled_events_and_invitees(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    org = owner["current_organization"]
    events = await walk(direct, "/scheduled_events", {"organization": org, "count": 100})
    assert len(events) >= 40
    assert any(e["status"] == "canceled" for e in events)
    for event in events:
        ident = event["uri"].rsplit("/", 1)[1]
        body = await check(direct, f"/scheduled_events/{ident}", 200)
        assert body["resource"] == event
        invitees = await walk(direct, f"/scheduled_events/{ident}/invitees", {"count": 1})
        assert len(invitees) == event["invitees_counter"]["total"]
        for invitee in invitees:
            path = invitee["uri"].removeprefix("https://api.calendly.com")
            assert (await check(direct, path, 200))["resource"] == invitee
    first = events[0]["uri"].rsplit("/", 1)[1]
    await check(direct, "/scheduled_events/00000000-0000-0000-0000-000000000000", 404)
    await check(direct, f"/scheduled_events/{first}/invitees/00000000-0000-0000-0000-000000000000", 404)
    await check(direct, "/scheduled_events/00000000-0000-0000-0000-000000000000/invitees", 404)
    await check(direct, f"/scheduled_events/{first}/invitees", 400, {"status": "gone"})
    await check(direct, "/scheduled_events", 400)
    await check(direct, "/scheduled_events", 400, {"user": owner["uri"], "min_start_time": "tomorrow"})
    await check(direct, "/scheduled_events", 400, {"user": owner["uri"], "count": 101})
    await check(direct, "/scheduled_events", 400, {"user": owner["uri"], "page_token": "garbled"})
    await check(direct, "/scheduled_events", 403, {"organization": FOREIGN_ORG})
    await check(direct, "/scheduled_events", 403, {"user": "https://api.calendly.com/users/ZZZZZZZZZZZZZZZZ"})


async def test_non_admin_answers(
    box: RunningSandbox, gateway: httpx2.AsyncClient, direct: httpx2.AsyncClient
) -> None:
    haruto = next(c for c in box.sandbox.store.connections() if c.user != box.sandbox.store.owner.uuid)
    gateway.headers["Maton-Connection"] = haruto.connection_id
    user = await me(gateway)
    assert user["name"] == "Haruto Sato"
    owner = await me(direct)
    await check(
        gateway,
        "/scheduled_events",
        403,
        {"user": owner["uri"], "organization": owner["current_organization"]},
    )
    await check(gateway, "/scheduled_events", 403, {"organization": owner["current_organization"]})
    mine = await check(gateway, "/scheduled_events", 200, {"user": user["uri"]})
    assert mine["collection"]
    owners_events = await check(direct, "/scheduled_events", 200, {"user": owner["uri"]})
    ident = owners_events["collection"][0]["uri"].rsplit("/", 1)[1]
    await check(gateway, f"/scheduled_events/{ident}", 403)
    await check(gateway, f"/scheduled_events/{ident}/invitees", 403)
    await check(gateway, "/user_availability_schedules", 403, {"user": owner["uri"]})


async def test_availability_schedules(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    body = await check(direct, "/user_availability_schedules", 200, {"user": owner["uri"]})
    (schedule,) = body["collection"]
    assert schedule["timezone"] == owner["timezone"]
    assert any(rule["type"] == "date" for rule in schedule["rules"])
    path = schedule["uri"].removeprefix("https://api.calendly.com")
    assert (await check(direct, path, 200))["resource"] == schedule
    await check(direct, "/user_availability_schedules/nope", 404)
    await check(direct, "/user_availability_schedules", 400)


async def test_gateway_answers_validate(gateway: httpx2.AsyncClient) -> None:
    owner = await me(gateway)
    assert owner["uri"].startswith("https://api.calendly.com/users/")
    body = await check(gateway, "/scheduled_events", 200, {"user": owner["uri"], "count": 5})
    assert all(e["uri"].startswith("https://api.calendly.com/") for e in body["collection"])
    assert body["pagination"]["next_page"].startswith("https://api.calendly.com/scheduled_events?")
    await check(gateway, "/event_types", 400)
    await check(gateway, "/no/such/path", 404)


async def test_scheduling_and_webhook_answers_validate(either: httpx2.AsyncClient) -> None:
    """Every answer of the availability, booking, cancellation and webhook routes, through both doors."""
    client = either
    owner = await me(client)
    org = owner["current_organization"]
    types = await walk(client, "/event_types", {"user": owner["uri"], "active": "true"})
    event_type = next(et["uri"] for et in types if et["slug"] == "15min")
    times = await call(
        client, "GET", "/event_type_available_times", 200, params={"event_type": event_type, **window(7)}
    )
    start = times["collection"][0]["start_time"]
    await call(
        client, "GET", "/event_type_available_times", 400, params={"event_type": event_type, **window(40)}
    )
    await call(
        client,
        "GET",
        "/event_type_available_times",
        404,
        params={"event_type": f"{API}/event_types/x", **window(1)},
    )
    await call(client, "GET", "/user_busy_times", 200, params={"user": owner["uri"], **window(7)})
    await call(client, "GET", "/user_busy_times", 400, params={"user": owner["uri"], **window(8)})
    await call(
        client, "GET", "/user_busy_times", 403, params={"user": f"{API}/users/ZZZZZZZZZZZZZZZZ", **window(1)}
    )

    invitee = (await book(client, booking(event_type, start)))["resource"]
    await book(client, booking(event_type, start), 400)
    await book(client, booking(f"{API}/event_types/00000000-0000-0000-0000-000000000000", start), 404)
    event = path_of(invitee["event"])
    await call(client, "GET", event, 200)
    await call(client, "POST", f"{event}/cancellation", 201, json={"reason": "Validation run"})
    await call(client, "POST", f"{event}/cancellation", 403, json={})
    await call(client, "POST", "/scheduled_events/nope/cancellation", 404, json={})

    hook = {
        "url": "https://hooks.example.com/spec",
        "events": ["invitee.created"],
        "organization": org,
        "scope": "organization",
    }
    created = (await call(client, "POST", "/webhook_subscriptions", 201, json={**hook, "signing_key": "k"}))[
        "resource"
    ]
    await call(client, "POST", "/webhook_subscriptions", 409, json=hook)
    await call(client, "POST", "/webhook_subscriptions", 400, json={**hook, "events": ["nope"]})
    await call(client, "POST", "/webhook_subscriptions", 403, json={**hook, "organization": FOREIGN_ORG})
    await walk(client, "/webhook_subscriptions", {"organization": org, "scope": "organization", "count": 1})
    await call(client, "GET", "/webhook_subscriptions", 400, params={"organization": org})
    await call(client, "GET", path_of(created["uri"]), 200)
    await call(client, "DELETE", path_of(created["uri"]), 204)
    await call(client, "GET", path_of(created["uri"]), 404)
    await call(client, "DELETE", path_of(created["uri"]), 404)


async def test_new_routes_refuse_without_a_token(control: httpx2.AsyncClient) -> None:
    for method, path in (
        ("GET", "/event_type_available_times"),
        ("GET", "/user_busy_times"),
        ("POST", "/invitees"),
        ("POST", "/scheduled_events/x/cancellation"),
        ("GET", "/webhook_subscriptions"),
        ("POST", "/webhook_subscriptions"),
        ("GET", "/webhook_subscriptions/x"),
        ("DELETE", "/webhook_subscriptions/x"),
    ):
        await call(control, method, path, 401, json={} if method == "POST" else None)
