"""The sandbox behaves like Calendly and Maton: auth, filters, sorting, pages, limits, faults, controls."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest

from calendly_mcp.sandbox import SANDBOX_MATON_KEY, RunningSandbox, SandboxConfig, running_sandbox

pytestmark = pytest.mark.anyio

UNAUTHENTICATED = {"title": "Unauthenticated", "message": "The access token is invalid"}
NOT_FOUND = {"title": "Resource Not Found", "message": "The server could not find the requested resource."}


async def owner(client: httpx2.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/users/me")
    assert answer.status_code == 200
    return answer.json()["resource"]


async def events(client: httpx2.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    answer = await client.get("/scheduled_events", params={"count": 100, **params})
    assert answer.status_code == 200, answer.text
    assert answer.json()["pagination"]["next_page"] is None
    return answer.json()["collection"]


def starts(items: list[dict[str, Any]]) -> list[datetime]:
    return [datetime.fromisoformat(e["start_time"]) for e in items]


# Auth


async def test_direct_auth(control: httpx2.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {SANDBOX_MATON_KEY}"}):
        answer = await control.get("/users/me", headers=headers)
        assert answer.status_code == 401
        assert answer.json() == UNAUTHENTICATED
    # Auth is checked before the path: an unknown path without a token is a 401 too.
    assert (await control.get("/nowhere")).status_code == 401


async def test_gateway_auth_and_connections(control: httpx2.AsyncClient, gateway: httpx2.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer sandbox-token"}):
        answer = await control.get("/calendly/users/me", headers=headers)
        assert answer.status_code == 401
        assert "error" in answer.json()
    default = await owner(gateway)
    listed = await gateway.get(
        f"{control.base_url}/connections", params={"app": "calendly", "status": "ACTIVE"}
    )
    connections = listed.json()["connections"]
    assert len(connections) >= 2
    assert connections == sorted(connections, key=lambda c: c["creation_time"])
    names: set[str] = set()
    for connection in connections:
        answer = await gateway.get("/users/me", headers={"Maton-Connection": connection["connection_id"]})
        names.add(answer.json()["resource"]["name"])
    assert len(names) == len(connections)
    first = await gateway.get("/users/me", headers={"Maton-Connection": connections[0]["connection_id"]})
    assert first.json()["resource"] == default  # without the header: the oldest ACTIVE connection
    missing = await gateway.get("/users/me", headers={"Maton-Connection": "no-such-connection"})
    assert missing.status_code == 400
    assert "missing" in missing.json()["error"]


async def test_admin_must_name_the_organization_for_a_colleague(direct: httpx2.AsyncClient) -> None:
    me = await owner(direct)
    members = await direct.get(
        "/organization_memberships", params={"organization": me["current_organization"]}
    )
    colleague = next(m["user"]["uri"] for m in members.json()["collection"] if m["role"] == "admin")
    refused = await direct.get("/scheduled_events", params={"user": colleague})
    assert refused.status_code == 403
    assert "specify organization" in refused.json()["message"]
    theirs = await events(direct, user=colleague, organization=me["current_organization"])
    assert theirs
    assert all(colleague in [m["user"] for m in e["event_memberships"]] for e in theirs)


# Filters and sorting


async def test_scheduled_event_filters(box: RunningSandbox, direct: httpx2.AsyncClient) -> None:
    me = await owner(direct)
    everything = await events(direct, user=me["uri"])
    assert len(everything) > 20
    canceled = await events(direct, user=me["uri"], status="canceled")
    active = await events(direct, user=me["uri"], status="active")
    assert canceled
    assert all(
        e["status"] == "canceled" and e["cancellation"]["canceler_type"] in ("host", "invitee")
        for e in canceled
    )
    assert len(canceled) + len(active) == len(everything)

    now = box.sandbox.store.now()
    future = await events(direct, user=me["uri"], min_start_time=now.isoformat().replace("+00:00", "Z"))
    past = await events(direct, user=me["uri"], max_start_time=now.isoformat())
    assert future
    assert past
    assert all(s >= now for s in starts(future))
    assert all(s < now for s in starts(past))
    assert len(future) + len(past) == len(everything)
    pivot = everything[5]["start_time"]
    assert (await events(direct, user=me["uri"], min_start_time=pivot))[0]["start_time"] == pivot
    assert pivot not in [e["start_time"] for e in await events(direct, user=me["uri"], max_start_time=pivot)]
    bad = await direct.get("/scheduled_events", params={"user": me["uri"], "max_start_time": "31/12/2026"})
    assert bad.status_code == 400
    assert bad.json()["details"][0]["parameter"] == "max_start_time"

    first_invitee = await direct.get(
        everything[0]["uri"].removeprefix("https://api.calendly.com") + "/invitees"
    )
    email = first_invitee.json()["collection"][0]["email"]
    theirs = await events(direct, user=me["uri"], invitee_email=email)
    assert everything[0] in theirs
    for event in theirs:
        invitees = await direct.get(event["uri"].removeprefix("https://api.calendly.com") + "/invitees")
        assert email in [i["email"] for i in invitees.json()["collection"]]
    assert await events(direct, user=me["uri"], invitee_email="nobody@example.com") == []


async def test_missing_scope_names_the_parameters(direct: httpx2.AsyncClient) -> None:
    for path in ("/scheduled_events", "/event_types", "/organization_memberships"):
        answer = await direct.get(path)
        assert answer.status_code == 400
        body = answer.json()
        assert body["title"] == "Invalid Argument"
        assert {d["parameter"] for d in body["details"]} == {"user", "organization"}


async def test_sorting(direct: httpx2.AsyncClient) -> None:
    me = await owner(direct)
    ascending = await events(direct, user=me["uri"])
    assert starts(ascending) == sorted(starts(ascending))
    descending = await events(direct, user=me["uri"], sort="start_time:desc")
    assert descending == list(reversed(ascending))
    assert (
        await direct.get("/scheduled_events", params={"user": me["uri"], "sort": "name:asc"})
    ).status_code == 400

    async def types(sort: str) -> list[dict[str, Any]]:
        answer = await direct.get("/event_types", params={"user": me["uri"], "sort": sort})
        assert answer.status_code == 200
        return answer.json()["collection"]

    by_name = await types("name:asc")
    assert [t["name"].lower() for t in by_name] == sorted(t["name"].lower() for t in by_name)
    assert await types("name:desc") == list(reversed(by_name))
    assert [t["position"] for t in await types("position:asc")] == sorted(t["position"] for t in by_name)
    active_only = await direct.get("/event_types", params={"user": me["uri"], "active": "true"})
    assert all(t["active"] for t in active_only.json()["collection"])
    inactive = await direct.get("/event_types", params={"user": me["uri"], "active": "false"})
    assert [t["active"] for t in inactive.json()["collection"]] == [False]


# Pagination


async def walk(client: httpx2.AsyncClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        answer = await client.get(
            "/scheduled_events", params={**params, **({"page_token": token} if token else {})}
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert set(page["pagination"]) == {
            "count",
            "next_page",
            "previous_page",
            "next_page_token",
            "previous_page_token",
        }
        assert page["pagination"]["count"] == len(page["collection"])
        items += page["collection"]
        token = page["pagination"]["next_page_token"]
        if token is None:
            return items
        assert page["pagination"]["next_page"].startswith("https://api.calendly.com/scheduled_events?")
        assert f"page_token={token}" in page["pagination"]["next_page"]


async def test_pagination_walks_every_item_once(direct: httpx2.AsyncClient) -> None:
    me = await owner(direct)
    whole = await events(direct, user=me["uri"])
    for count in (1, 7, 20):
        walked = await walk(direct, {"user": me["uri"], "count": count})
        assert walked == whole
    default = await direct.get("/scheduled_events", params={"user": me["uri"]})
    assert default.json()["pagination"]["count"] == 20
    assert default.json()["pagination"]["previous_page"] is None
    second = await direct.get(
        "/scheduled_events",
        params={"user": me["uri"], "page_token": default.json()["pagination"]["next_page_token"]},
    )
    assert second.json()["collection"] == whole[20:40]
    back = second.json()["pagination"]["previous_page_token"]
    again = await direct.get("/scheduled_events", params={"user": me["uri"], "page_token": back})
    assert again.json() == default.json()
    # The next_page URL works as given once its host is swapped for the sandbox's.
    url = default.json()["pagination"]["next_page"].replace("https://api.calendly.com", str(direct.base_url))
    assert (await direct.get(url)).json()["collection"] == whole[20:40]


async def test_page_tokens_are_bound_to_the_query_and_the_state(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    me = await owner(direct)
    first = await direct.get("/scheduled_events", params={"user": me["uri"]})
    token = first.json()["pagination"]["next_page_token"]
    for params in (
        {"user": me["uri"], "page_token": token + "x"},
        {"user": me["uri"], "page_token": "garbled"},
        {"user": me["uri"], "status": "active", "page_token": token},  # another query
    ):
        answer = await direct.get("/scheduled_events", params=params)
        assert answer.status_code == 400
        assert answer.json()["title"] == "Invalid Argument"
        assert answer.json()["details"][0]["parameter"] == "page_token"
    # Another page size with the same token is fine: the token is bound to the filters.
    ok = await direct.get("/scheduled_events", params={"user": me["uri"], "page_token": token, "count": 5})
    assert ok.status_code == 200
    await control.post("/_sandbox/reset")
    stale = await direct.get("/scheduled_events", params={"user": me["uri"], "page_token": token})
    assert stale.status_code == 400


async def test_count_bounds(direct: httpx2.AsyncClient) -> None:
    me = await owner(direct)
    for count in ("0", "101", "-1", "ten"):
        answer = await direct.get("/scheduled_events", params={"user": me["uri"], "count": count})
        assert answer.status_code == 400
        assert answer.json()["details"][0]["parameter"] == "count"
    for count in (1, 100):
        scope = {"organization": me["current_organization"], "count": count}
        answer = await direct.get("/scheduled_events", params=scope)
        assert len(answer.json()["collection"]) == count


# Rate limits


async def test_rate_limit_headers_on_every_answer(
    direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient
) -> None:
    answers = [
        await direct.get("/users/me"),
        await direct.get("/scheduled_events"),
        await direct.get("/event_types/nope"),
        await direct.get("/users/me", headers={"Authorization": "Bearer wrong"}),
        await direct.get("/users/me"),
    ]
    assert [a.status_code for a in answers] == [200, 400, 404, 401, 200]
    for answer in answers:
        assert answer.headers["X-RateLimit-Limit"] == "500"
        assert 0 < int(answer.headers["X-RateLimit-Reset"]) <= 60
    remaining = [int(a.headers["X-RateLimit-Remaining"]) for a in answers]
    assert remaining[:3] == [499, 498, 497]
    assert remaining[4] == 496  # the wrong token counts on its own credential
    through_gateway = await gateway.get("/users/me")
    assert through_gateway.headers["X-RateLimit-Remaining"] == "499"


@pytest.fixture
async def limited() -> AsyncIterator[RunningSandbox]:
    moment = datetime(2026, 3, 2, 15, 0, 45, tzinfo=UTC)
    async with running_sandbox(config=SandboxConfig(now=lambda: moment, rate_limit_per_minute=3)) as box:
        yield box


async def test_rate_limit_exceeded(limited: RunningSandbox) -> None:
    headers = {"Authorization": "Bearer sandbox-token"}
    async with httpx2.AsyncClient(base_url=limited.url, headers=headers) as client:
        answers = [await client.get("/users/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["X-RateLimit-Reset"] == "15" for a in answers)
    assert answers[3].headers["Retry-After"] == "15"
    assert answers[3].json()["title"]


# Faults and the request log


async def test_faults(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    added = await control.post("/_sandbox/faults", json={"path": "^/users/me$", "status": 503, "times": 2})
    assert added.status_code == 201
    first, second, third = [await direct.get("/users/me") for _ in range(3)]
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.json()["title"] == "Internal Server Error"
    assert "X-RateLimit-Remaining" in first.headers

    await control.post(
        "/_sandbox/faults",
        json={
            "method": "GET",
            "path": "/event_types",
            "status": 429,
            "headers": {"Retry-After": "2", "X-RateLimit-Remaining": "0"},
            "body": "slow down",
        },
    )
    assert (await direct.delete("/event_types")).status_code == 404  # another method: not faulted
    limited = await direct.get("/event_types")
    assert limited.status_code == 429
    assert limited.text == "slow down"
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["X-RateLimit-Remaining"] == "0"

    await control.post("/_sandbox/faults", json={"path": "/users/me", "action": "close"})
    with pytest.raises(httpx2.RemoteProtocolError):
        await direct.get("/users/me")
    assert (await direct.get("/users/me")).status_code == 200

    await control.post("/_sandbox/faults", json={"path": "/users/me", "status": 500, "times": None})
    assert (await control.get("/_sandbox/faults")).json()[0]["times"] is None
    assert (await control.delete("/_sandbox/faults")).status_code == 204
    assert (await direct.get("/users/me")).status_code == 200

    for bad in ({"status": 500}, {"path": "(", "status": 500}, {"path": "/x", "action": "explode"}, [1]):
        assert (await control.post("/_sandbox/faults", json=bad)).status_code == 400


async def test_fault_delay(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    await control.post(
        "/_sandbox/faults", json={"path": "/users/me", "status": 200, "body": {}, "delay_seconds": 0.5}
    )
    with pytest.raises(httpx2.TimeoutException):
        await direct.get("/users/me", timeout=0.1)


async def test_request_log(
    box: RunningSandbox, direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    await control.post("/_sandbox/faults", json={"path": "/event_types/", "status": 500})
    await direct.get("/users/me")
    await direct.get("/event_types/abc", params={"x": "1"})
    haruto = box.sandbox.store.connections()[1].connection_id
    await gateway.get("/users/me", headers={"Maton-Connection": haruto})
    await gateway.get("/users/me")
    await control.get("/connections", headers={"Authorization": "Bearer sandbox-key"})
    log = (await control.get("/_sandbox/requests")).json()
    default = box.sandbox.store.connections()[0].connection_id
    assert [(r["method"], r["path"], r["query"], r["status"], r["mode"], r["connection"]) for r in log] == [
        ("GET", "/users/me", "", 200, "direct", None),
        ("GET", "/event_types/abc", "x=1", 500, "direct", None),
        ("GET", "/calendly/users/me", "", 200, "gateway", haruto),
        ("GET", "/calendly/users/me", "", 200, "gateway", default),
        ("GET", "/connections", "", 200, "connections", None),
    ]
    assert [r["faulted"] for r in log] == [False, True, False, False, False]
    assert "sandbox-token" not in str(log)
    assert "sandbox-key" not in str(log)
    assert (await control.delete("/_sandbox/requests")).status_code == 204
    assert (await control.get("/_sandbox/requests")).json() == []


async def test_reset(box: RunningSandbox, direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    before = (await control.get("/_sandbox/info")).json()
    await control.post(
        "/connections", json={"app": "calendly"}, headers={"Authorization": "Bearer sandbox-key"}
    )
    await control.post("/_sandbox/faults", json={"path": "/users/me", "status": 500})
    await control.post("/_sandbox/reset")
    after = (await control.get("/_sandbox/info")).json()
    assert after["connections"] == before["connections"]
    assert after["users"] == before["users"]
    assert (await direct.get("/users/me")).status_code == 200  # the fault is gone
    log = (await control.get("/_sandbox/requests")).json()
    assert [r["path"] for r in log] == ["/users/me"]


RESET_MOMENT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def _make_a_mess(url: str) -> None:
    """Change everything a reset must forget: connections, hooks, bookings, faults, logs, inbox, limits."""
    key = {"Authorization": "Bearer sandbox-key"}
    token = {"Authorization": "Bearer sandbox-token"}
    async with httpx2.AsyncClient(base_url=url) as client:
        info = (await client.get("/_sandbox/info")).json()
        for _ in range(2):
            created = await client.post("/connections", json={"app": "calendly"}, headers=key)
            ident = created.json()["connection"]["connection_id"]
        await client.post(f"/_sandbox/connections/{ident}/activate")
        await client.post("/_sandbox/faults", json={"path": "^/event_types$", "status": 500, "times": None})
        hook = {
            "url": info["inbox_url"].format(name="mess"),
            "events": ["invitee.created"],
            "organization": info["organization"]["uri"],
            "scope": "organization",
        }
        assert (await client.post("/webhook_subscriptions", json=hook, headers=token)).status_code == 201
        assert await _book(client) == 201
        assert await _book(client) == 429  # the booking limit is used up
        await client.post("/_sandbox/deliveries/wait")
        await client.post("/_sandbox/inbox/other", content=b"hello")
        while (await client.get("/users/me", headers=token)).status_code != 429:
            pass


async def _book(client: httpx2.AsyncClient) -> int:
    """Book the owner's simplest event type at its first slot; the answer's status."""
    token = {"Authorization": "Bearer sandbox-token"}
    info = (await client.get("/_sandbox/info")).json()
    event_type = info["examples"]["bookable_event_types"][info["users"][0]["uri"]]
    start = RESET_MOMENT + timedelta(minutes=5)
    window = {
        "event_type": event_type,
        "start_time": _stamp(start),
        "end_time": _stamp(start + timedelta(days=7)),
    }
    offered = await client.get("/event_type_available_times", params=window, headers=token)
    first = offered.json()["collection"][0]["start_time"]
    invitee = {"name": "Ada Lovelace", "email": "ada@example.com", "timezone": "Europe/London"}
    body = {"event_type": event_type, "start_time": first, "invitee": invitee}
    return (await client.post("/invitees", json=body, headers=token)).status_code


async def _what_a_client_sees(url: str) -> list[Any]:
    """Everything a reset touches, as a client sees it, creating a connection and booking on the way."""
    key = {"Authorization": "Bearer sandbox-key"}
    token = {"Authorization": "Bearer sandbox-token"}
    seen: list[Any] = []
    async with httpx2.AsyncClient(base_url=url) as client:
        seen.append((await client.get("/_sandbox/info")).json())
        seen.append((await client.get("/connections", headers=key)).json())
        seen.append((await client.post("/connections", json={"app": "calendly"}, headers=key)).json())
        seen.append((await client.get("/connections", headers=key)).json())
        me = await client.get("/users/me", headers=token)
        seen.append((me.status_code, {k: v for k, v in me.headers.items() if k.startswith("x-ratelimit")}))
        mine = {"user": me.json()["resource"]["uri"]}
        seen.append((await client.get("/event_types", params=mine, headers=token)).status_code)
        seen.append(await _book(client))
        seen.append((await client.post("/_sandbox/deliveries/wait")).json())
        seen.append((await client.get("/_sandbox/inbox/mess")).json())
        seen.append((await client.get("/_sandbox/inbox/other")).json())
        seen.append((await client.get("/_sandbox/faults")).json())
        seen.append((await client.get("/_sandbox/requests")).json())
    # Two sandboxes differ in their port, which shows in the inbox URL.
    return json.loads(json.dumps(seen).replace(url, "http://sandbox"))


async def test_reset_is_as_good_as_a_fresh_sandbox() -> None:
    """Nothing outside the store survives a reset: after one, a client sees what a fresh sandbox shows,
    down to the id of the next connection created and the rate-limit counters."""
    config = SandboxConfig(
        now=lambda: RESET_MOMENT, rate_limit_per_minute=20, booking_rate_limit_per_minute=1
    )
    async with running_sandbox(config=config) as fresh, running_sandbox(config=config) as used:
        await _make_a_mess(used.url)
        async with httpx2.AsyncClient(base_url=used.url) as client:
            assert (await client.post("/_sandbox/reset")).status_code == 200
        after_reset = await _what_a_client_sees(used.url)
        expected = await _what_a_client_sees(fresh.url)
    # A new connection's id is a function of how many came before it since the seed.
    assert after_reset[2]["connection"]["connection_id"] == expected[2]["connection"]["connection_id"]
    assert after_reset == expected


# Maton's connection API


async def test_connection_lifecycle(control: httpx2.AsyncClient, gateway: httpx2.AsyncClient) -> None:
    key = {"Authorization": "Bearer sandbox-key"}
    assert (await control.get("/connections")).status_code == 401
    assert (await control.post("/connections", json={"app": "calendly"})).status_code == 401
    created = await control.post("/connections", json={"app": "calendly"}, headers=key)
    assert created.status_code == 200
    connection = created.json()["connection"]
    assert connection["status"] == "PENDING"
    assert connection["url"].startswith("https://connect.maton.ai/?session_token=")
    assert set(connection) >= {
        "connection_id",
        "creation_time",
        "last_updated_time",
        "app",
        "method",
        "metadata",
    }
    ident = connection["connection_id"]
    pending = await gateway.get("/users/me", headers={"Maton-Connection": ident})
    assert pending.status_code == 400
    active = await control.get("/connections", params={"app": "calendly", "status": "ACTIVE"}, headers=key)
    assert ident not in [c["connection_id"] for c in active.json()["connections"]]

    info = (await control.get("/_sandbox/info")).json()
    oliver = next(u for u in info["users"] if u["role"] == "admin")
    activated = await control.post(f"/_sandbox/connections/{ident}/activate", json={"user": oliver["email"]})
    assert activated.json()["connection"]["status"] == "ACTIVE"
    fetched = await control.get(f"/connections/{ident}", headers=key)
    assert fetched.json()["connection"]["status"] == "ACTIVE"
    me = await gateway.get("/users/me", headers={"Maton-Connection": ident})
    assert me.json()["resource"]["uri"] == oliver["uri"]

    assert (await control.delete(f"/connections/{ident}", headers=key)).status_code == 200
    assert (await control.get(f"/connections/{ident}", headers=key)).status_code == 404
    gone = await gateway.get("/users/me", headers={"Maton-Connection": ident})
    assert gone.status_code == 400

    for connection in (await control.get("/connections", headers=key)).json()["connections"]:
        await control.delete(f"/connections/{connection['connection_id']}", headers=key)
    none_left = await gateway.get("/users/me")
    assert none_left.status_code == 400


# The seed


async def test_seed_is_deterministic_and_consistent() -> None:
    moment = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    config = SandboxConfig(now=lambda: moment)
    async with running_sandbox(config=config) as one, running_sandbox(config=config) as two:
        assert [e.uuid for e in one.sandbox.store.events()] == [e.uuid for e in two.sandbox.store.events()]
        store = one.sandbox.store
    users = store.users()
    assert len({u.timezone for u in users}) >= 3
    for user in users:
        mine = sorted((e for e in store.events() if user.uuid in e.hosts), key=lambda e: e.start_time)
        zone = ZoneInfo(user.timezone)
        for event in mine:
            local_start, local_end = event.start_time.astimezone(zone), event.end_time.astimezone(zone)
            assert local_start.weekday() < 5
            assert local_start.hour >= 9
            assert local_end.hour * 60 + local_end.minute <= 17 * 60
            assert abs(event.start_time - moment) <= timedelta(days=30)
            assert 1 <= len(event.invitees) <= 2
        for earlier, later in itertools.pairwise(mine):
            assert earlier.end_time <= later.start_time
    owner_events = [e for e in store.events() if users[0].uuid in e.hosts]
    assert len(owner_events) >= 30
    canceled = [e for e in store.events() if e.status == "canceled"]
    assert canceled
    assert all(e.cancellation and all(i.status == "canceled" for i in e.invitees) for e in canceled)
    assert any(e.start_time > moment for e in canceled)
    assert any(e.start_time < moment for e in canceled)


async def test_faults_on_served_answers(
    box: RunningSandbox, direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    """reset_mid_body, truncate and late let the request be served (a write takes effect), then damage
    or delay its real answer; a null header removes one the sandbox would add."""
    hook = {
        "url": "https://example.com/hook-served",
        "events": ["invitee.created"],
        "organization": (await direct.get("/users/me")).json()["resource"]["current_organization"],
        "scope": "organization",
    }
    await control.post(
        "/_sandbox/faults", json={"method": "POST", "path": "^/webhook_subscriptions$", "action": "truncate"}
    )
    with pytest.raises(httpx2.RemoteProtocolError, match="complete message body"):
        await direct.post("/webhook_subscriptions", json=hook)
    listed = await direct.get("/webhook_subscriptions", params={"organization": hook["organization"],
                                                                 "scope": "organization"})  # fmt: skip
    assert [h["callback_url"] for h in listed.json()["collection"]] == [hook["url"]], "it was created"

    await control.post("/_sandbox/faults", json={"path": "^/users/me$", "action": "reset_mid_body"})
    with pytest.raises(httpx2.TransportError):
        await direct.get("/users/me")
    await control.post(
        "/_sandbox/faults", json={"path": "^/users/me$", "action": "late", "delay_seconds": 0.5}
    )
    with pytest.raises(httpx2.TimeoutException):
        await direct.get("/users/me", timeout=0.1)
    await control.post(
        "/_sandbox/faults", json={"path": "^/users/me$", "action": "late", "delay_seconds": 0.1}
    )
    assert (await direct.get("/users/me")).json()["resource"]["uri"]

    hook_id = listed.json()["collection"][0]["uri"].rsplit("/", 1)[1]
    await control.post("/_sandbox/faults", json={"method": "DELETE", "path": "^/webhook_subscriptions/",
                                                 "action": "reset_mid_body"})  # fmt: skip
    with pytest.raises(httpx2.TransportError):  # a 204 has no body to cut: dropped before its status line
        await direct.delete(f"/webhook_subscriptions/{hook_id}")
    assert (await direct.get(f"/webhook_subscriptions/{hook_id}")).status_code == 404, "it was deleted"

    await control.post("/_sandbox/faults", json={"path": "^/users/me$", "status": 429,
                                                 "headers": {"X-RateLimit-Reset": None}})  # fmt: skip
    limited = await direct.get("/users/me")
    assert limited.status_code == 429
    assert "X-RateLimit-Reset" not in limited.headers
    assert "Retry-After" not in limited.headers

    log = (await control.get("/_sandbox/requests")).json()
    served = [(r["method"], r["status"], r["faulted"]) for r in log if r["faulted"]]
    assert served == [("POST", 201, True), ("GET", 200, True), ("GET", 200, True), ("GET", 200, True),
                      ("DELETE", 204, True), ("GET", 429, True)]  # fmt: skip
    assert box.sandbox.faults.pending() == []
