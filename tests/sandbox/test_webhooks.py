"""Webhook subscriptions and their deliveries: Calendly's rules, signed POSTs, the log and the inbox."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from calendly_mcp.sandbox import RunningSandbox, SandboxConfig, running_sandbox

from .helpers import API, book, booking, call, first_slot, info, me, path_of

pytestmark = pytest.mark.anyio

KEY = "whsec-sandbox-test-key"


async def subscribe(client: httpx2.AsyncClient, status: int = 201, **body: Any) -> dict[str, Any]:
    return await call(client, "POST", "/webhook_subscriptions", status, json=body)


async def settle(control: httpx2.AsyncClient) -> list[dict[str, Any]]:
    """Wait until every delivery is done; the delivery log."""
    answer = (await control.post("/_sandbox/deliveries/wait")).json()
    assert answer["idle"]
    return answer["deliveries"]


async def inbox(control: httpx2.AsyncClient, name: str) -> list[dict[str, Any]]:
    return (await control.get(f"/_sandbox/inbox/{name}")).json()


def verify(message: dict[str, Any], key: str) -> dict[str, Any]:
    """Check the Calendly-Webhook-Signature as a receiver would; the parsed body."""
    fields = dict(part.split("=", 1) for part in message["headers"]["calendly-webhook-signature"].split(","))
    expected = hmac.new(key.encode(), f"{fields['t']}.{message['body']}".encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    assert message["headers"]["content-type"] == "application/json"
    return json.loads(message["body"])


async def test_deliveries_are_signed_and_go_only_where_they_match(
    either: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    client = either
    data = await info(control)
    owner = await me(client)
    org = owner["current_organization"]
    hook = data["inbox_url"]
    everything = await subscribe(
        client, url=hook.format(name="org"), events=["invitee.created", "invitee.canceled"],
        organization=org, scope="organization", signing_key=KEY,
    )  # fmt: skip
    assert "signing_key" not in everything["resource"]
    haruto = next(u["uri"] for u in data["users"] if u["name"] == "Haruto Sato")
    await subscribe(
        client, url=hook.format(name="haruto"), events=["invitee.created", "invitee.canceled"],
        organization=org, scope="user", user=haruto,
    )  # fmt: skip
    await subscribe(
        client, url=hook.format(name="cancellations"), events=["invitee.canceled"],
        organization=org, scope="user", user=owner["uri"],
    )  # fmt: skip

    event_type = data["examples"]["bookable_event_types"][owner["uri"]]
    invitee = (await book(client, booking(event_type, await first_slot(client, event_type))))["resource"]
    await settle(control)
    (created,) = await inbox(control, "org")
    delivered = verify(created, KEY)
    assert delivered["event"] == "invitee.created"
    assert delivered["created_by"] == owner["uri"]
    payload = delivered["payload"]
    assert {k: v for k, v in payload.items() if k != "scheduled_event"} == invitee
    event = (await call(client, "GET", path_of(invitee["event"]), 200))["resource"]
    assert payload["scheduled_event"] == event
    assert await inbox(control, "cancellations") == []
    assert await inbox(control, "haruto") == []  # another user's meetings only

    await call(client, "POST", f"{path_of(event['uri'])}/cancellation", 201, json={"reason": "Ill"})
    log = await settle(control)
    created_again, canceled = await inbox(control, "org")
    assert created_again == created
    delivered = verify(canceled, KEY)
    assert delivered["event"] == "invitee.canceled"
    assert delivered["payload"]["status"] == "canceled"
    assert delivered["payload"]["cancellation"]["reason"] == "Ill"
    assert delivered["payload"]["scheduled_event"]["status"] == "canceled"
    (unsigned,) = await inbox(control, "cancellations")
    assert "calendly-webhook-signature" not in unsigned["headers"]
    assert json.loads(unsigned["body"])["event"] == "invitee.canceled"
    assert await inbox(control, "haruto") == []

    assert [(a["event"], a["url"].rsplit("/", 1)[1], a["attempt"], a["status"]) for a in log] == [
        ("invitee.created", "org", 1, 200),
        ("invitee.canceled", "org", 1, 200),
        ("invitee.canceled", "cancellations", 1, 200),
    ]
    assert log[0]["subscription"] == everything["resource"]["uri"]
    assert KEY not in json.dumps(log)
    assert KEY not in json.dumps((await control.get("/_sandbox/requests")).json())
    assert (await control.delete("/_sandbox/deliveries")).status_code == 204
    assert (await control.get("/_sandbox/deliveries")).json() == []
    assert (await control.delete("/_sandbox/inbox/org")).status_code == 204
    assert await inbox(control, "org") == []


async def test_subscription_lifecycle_and_rules(
    either: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    client = either
    owner = await me(client)
    org = owner["current_organization"]
    base: dict[str, Any] = {
        "organization": org,
        "scope": "user",
        "user": owner["uri"],
        "events": ["invitee.created"],
    }
    bad_url = "https://hooks.example.com/bad"
    made: list[dict[str, Any]] = []
    for n in range(3):
        made.append((await subscribe(client, url=f"https://hooks.example.com/{n}", **base))["resource"])
    assert made[0]["state"] == "active"
    assert made[0]["creator"] == owner["uri"]
    assert made[0]["user"] == owner["uri"]
    assert made[0]["group"] is None

    duplicate = await subscribe(client, 409, url="https://hooks.example.com/0", **base)
    assert duplicate == {"title": "Already Exists", "message": "Hook with this url already exists"}
    await subscribe(client, 409, url="https://hooks.example.com/0", **{**base, "scope": "organization"})

    listed = await call(
        client, "GET", "/webhook_subscriptions", 200,
        params={"organization": org, "scope": "user", "user": owner["uri"], "count": 2},
    )  # fmt: skip
    assert listed["collection"] == made[:2]
    rest = await call(
        client, "GET", "/webhook_subscriptions", 200,
        params={"organization": org, "scope": "user", "user": owner["uri"], "count": 2,
                "page_token": listed["pagination"]["next_page_token"]},
    )  # fmt: skip
    assert rest["collection"] == made[2:]
    organization_wide = await call(
        client, "GET", "/webhook_subscriptions", 200, params={"organization": org, "scope": "organization"}
    )
    assert organization_wide["collection"] == []

    path = path_of(made[0]["uri"])
    assert (await call(client, "GET", path, 200))["resource"] == made[0]
    await call(client, "DELETE", path, 204)
    await call(client, "GET", path, 404)
    await call(client, "DELETE", path, 404)
    await subscribe(client, url="https://hooks.example.com/0", **base)  # the URL is free again

    refused: list[dict[str, Any]] = [
        {**base, "url": "not a url"},
        {**base, "url": "ftp://hooks.example.com/x"},
        {**base, "url": None},
        {**base, "events": []},
        {**base, "events": ["invitee.rescheduled"]},
        {**base, "events": ["routing_form_submission.created"]},  # organization scope only
        {**base, "scope": "organization", "events": ["meeting_recap.created"]},  # user scope only
        {**base, "scope": "team"},
        {k: v for k, v in base.items() if k != "user"},
        {k: v for k, v in base.items() if k != "organization"},
        {k: v for k, v in base.items() if k != "scope"},
        {**base, "organization": "https://example.com/organizations/x"},
    ]
    for bad in refused:
        await subscribe(client, 400, **{"url": bad_url, **bad})
    await subscribe(
        client,
        403,
        url="https://hooks.example.com/bad",
        **{**base, "organization": f"{API}/organizations/ZZZZZZZZZZZZZZZZ"},
    )
    await subscribe(
        client,
        404,
        url="https://hooks.example.com/bad",
        **{**base, "scope": "group", "group": f"{API}/groups/x"},
    )
    await call(client, "POST", "/webhook_subscriptions", 400, json=[1])

    for params in (
        {"scope": "user"},
        {"organization": org},
        {"organization": org, "scope": "user"},
        {"organization": org, "scope": "all"},
    ):
        await call(client, "GET", "/webhook_subscriptions", 400, params=params)
    await call(
        client,
        "GET",
        "/webhook_subscriptions",
        403,
        params={"organization": f"{API}/organizations/ZZZZZZZZZZZZZZZZ", "scope": "organization"},
    )
    await call(client, "GET", "/webhook_subscriptions/00000000-0000-0000-0000-000000000000", 404)


async def test_members_manage_only_their_own_hooks(
    box: RunningSandbox, direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient
) -> None:
    owner = await me(direct)
    org = owner["current_organization"]
    haruto = next(c for c in box.sandbox.store.connections() if c.user != box.sandbox.store.owner.uuid)
    gateway.headers["Maton-Connection"] = haruto.connection_id
    member = await me(gateway)
    events = ["invitee.created"]
    await subscribe(
        gateway, 403, url="https://hooks.example.com/o", organization=org, scope="organization", events=events
    )
    await subscribe(
        gateway,
        403,
        url="https://hooks.example.com/o",
        organization=org,
        scope="user",
        user=owner["uri"],
        events=events,
    )
    mine = (
        await subscribe(
            gateway,
            url="https://hooks.example.com/h",
            organization=org,
            scope="user",
            user=member["uri"],
            events=events,
        )
    )["resource"]
    owners = (
        await subscribe(
            direct,
            url="https://hooks.example.com/m",
            organization=org,
            scope="user",
            user=owner["uri"],
            events=events,
        )
    )["resource"]
    await call(gateway, "GET", path_of(owners["uri"]), 403)
    await call(gateway, "DELETE", path_of(owners["uri"]), 403)
    await call(
        gateway, "GET", "/webhook_subscriptions", 403, params={"organization": org, "scope": "organization"}
    )
    assert (await call(direct, "GET", path_of(mine["uri"]), 200))["resource"] == mine  # admins see all


@pytest.fixture
async def impatient() -> AsyncIterator[RunningSandbox]:
    config = SandboxConfig(webhook_timeout_seconds=1.0, webhook_retry_delays=(0.01, 0.01))
    async with running_sandbox(config=config) as box:
        yield box


async def test_failed_deliveries_are_retried_and_logged(impatient: RunningSandbox) -> None:
    headers = {"Authorization": "Bearer sandbox-token"}
    async with httpx2.AsyncClient(base_url=impatient.url, headers=headers) as client:
        owner = await me(client)
        data = await info(client)
        org = owner["current_organization"]
        # Port 9 (discard) on loopback refuses connections; the sandbox's own API refuses a POST
        # without a token with a 401, which is not a 2xx either.
        for url in ("http://127.0.0.1:9/hook", f"{impatient.url}/nowhere"):
            await subscribe(
                client, url=url, organization=org, scope="organization", events=["invitee.created"]
            )
        event_type = data["examples"]["bookable_event_types"][owner["uri"]]
        await book(client, booking(event_type, await first_slot(client, event_type)))
        log = await settle(client)
    refused = [a for a in log if a["url"].endswith("/hook")]
    missing = [a for a in log if a["url"].endswith("/nowhere")]
    assert [a["attempt"] for a in refused] == [1, 2, 3]
    assert all(a["status"] is None and a["error"] for a in refused)
    assert [(a["attempt"], a["status"]) for a in missing] == [(1, 401), (2, 401), (3, 401)]
    assert len({a["delivery"] for a in refused}) == 1


async def test_reset_forgets_hooks_deliveries_and_bookings(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    owner = await me(direct)
    org = owner["current_organization"]
    await subscribe(
        direct,
        url=data["inbox_url"].format(name="r"),
        organization=org,
        scope="organization",
        events=["invitee.created"],
    )
    event_type = data["examples"]["bookable_event_types"][owner["uri"]]
    start = await first_slot(direct, event_type)
    await book(direct, booking(event_type, start))
    await settle(control)
    assert await inbox(control, "r")
    await control.post("/_sandbox/reset")
    assert await inbox(control, "r") == []
    assert (await control.get("/_sandbox/deliveries")).json() == []
    hooks = await call(
        direct, "GET", "/webhook_subscriptions", 200, params={"organization": org, "scope": "organization"}
    )
    assert hooks["collection"] == []
    assert await first_slot(direct, event_type) == start
