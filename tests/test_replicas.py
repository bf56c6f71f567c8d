"""Several replicas behind one address: two streamable-HTTP server processes sharing a real PostgreSQL,
a round-robin proxy in front (tests/proxy.py). Tool calls and Calendly's deliveries alternate between
them; the inbox reads the same from both, a delivery to one is heard by the other's subscribers, and the
same booking sent to both at once is made once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client import Client, ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from calendly_mcp import inbox
from calendly_mcp.client.signatures import HEADER, sign
from calendly_mcp.database import Database
from calendly_mcp.sandbox import serve_app
from conftest import SandboxProcess, http_server_and_process, server_env
from mcp_helpers import call, iso, subscribe_owner
from proxy import RoundRobin

pytestmark = pytest.mark.anyio

REPLICAS = 2
FIGURES: dict[str, Any] = {}


@dataclass
class Deployment:
    proxy: RoundRobin
    url: str  # the one address
    replicas: list[str]
    database_url: str


@pytest.fixture(scope="module")
async def deployment(sandbox_process: SandboxProcess, postgres: Any) -> AsyncIterator[Deployment]:
    database_url = postgres.fresh_database()
    proxy = RoundRobin()
    async with AsyncExitStack() as stack:
        address = await stack.enter_async_context(serve_app(proxy))
        env = server_env(
            "direct",
            sandbox_process.url,
            CALENDLY_MCP_DATABASE_URL=database_url,
            CALENDLY_MCP_PUBLIC_URL=address,
        )
        for _ in range(REPLICAS):
            base, _ = await stack.enter_async_context(http_server_and_process("streamable-http", env))
            proxy.backends.append(base)
        yield Deployment(proxy, address, list(proxy.backends), database_url)


async def test_one_inbox_and_one_booking_across_replicas(
    deployment: Deployment, sandbox: SandboxProcess
) -> None:
    proxy = deployment.proxy
    for base in deployment.replicas:
        assert httpx2.get(f"{base}/healthz").json() == {"status": "ok"}
    info = sandbox.info()
    owner = next(u for u in info["users"] if u["role"] == "owner")
    event_type = info["examples"]["bookable_event_types"][owner["uri"]]
    async with Client(f"{deployment.url}/mcp") as client:  # every request: the next replica
        assert client.protocol_version.startswith("2026")
        hook = await subscribe_owner(client, info, ["invitee.created", "invitee.canceled"])
        assert hook["callback_url"] == f"{deployment.url}/webhooks/calendly"
        slots = await call(
            client,
            "list_event_type_available_times",
            event_type=event_type,
            start_time=iso(minutes=5),
            end_time=iso(days=6),
        )
        starts = [slot["start_time"] for slot in slots["collection"]]
        booked = []
        for n in range(4):  # four bookings, then two cancellations: six deliveries
            booked.append(
                await call(
                    client,
                    "create_event_invitee",
                    event_type=event_type,
                    start_time=starts[n],
                    email=f"replica-{n}@example.com",
                    name=f"Replica {n}",
                    timezone="UTC",
                )
            )
        for meeting in booked[:2]:
            await call(client, "cancel_scheduled_event", event=meeting["event"], reason="replica test")
        # Every delivery answered (the proxy runs on this event loop: wait in a thread).
        await anyio.to_thread.run_sync(sandbox.inbox, "none")
        lists = [await call(client, "list_webhook_deliveries", count=100) for _ in range(REPLICAS)]
    tool_calls = {base: proxy.sent[(base, "/mcp")] for base in deployment.replicas}
    assert all(count >= 3 for count in tool_calls.values()), tool_calls
    # One inbox: both replicas list the same six deliveries.
    assert lists[0] == lists[1]
    mine = [r for r in lists[0]["collection"] if r.get("email", "").startswith("replica-")]
    assert sorted(r["event"] for r in mine) == ["invitee.canceled"] * 2 + ["invitee.created"] * 4
    sent = {base: proxy.sent[(base, inbox.PATH)] for base in deployment.replicas}
    assert sum(sent.values()) == 6, proxy.statuses
    assert all(count >= 1 for count in sent.values()), f"deliveries reached both replicas: {sent}"
    assert sum(proxy.stored.values()) == 6
    FIGURES.update(
        tool_calls_per_replica=list(tool_calls.values()),
        deliveries_sent_per_replica=list(sent.values()),
        deliveries_stored_per_replica=[proxy.stored[base] for base in deployment.replicas],
        deliveries_listed=len(mine),
    )

    # The same booking reaching both replicas at once: made once, both answered with it.
    args = {
        "event_type": event_type,
        "start_time": starts[5],
        "email": "both-replicas@example.com",
        "name": "Both",
        "timezone": "UTC",
    }
    sandbox.clear_requests()
    answers: list[dict[str, Any]] = []

    async def book_at(base: str) -> None:
        async with Client(f"{base}/mcp") as replica:
            answers.append(await call(replica, "create_event_invitee", **args))

    async with anyio.create_task_group() as tasks:
        for base in deployment.replicas:
            tasks.start_soon(book_at, base)
    posts = [r for r in sandbox.requests() if r["method"] == "POST" and r["path"].endswith("/invitees")]
    assert len(posts) == 1, f"{len(posts)} POST /invitees for one booking"
    assert len({a["uri"] for a in answers}) == 1
    assert sorted(a["already_booked"] for a in answers) == [False, True]
    FIGURES.update(same_booking_attempts=len(answers), same_booking_made=len(posts))
    print(f"\nreplicas: {FIGURES}")


async def test_a_delivery_to_one_replica_notifies_the_others_subscribers(deployment: Deployment) -> None:
    """A listener on each replica; one signed delivery to the first: both hear that the inbox changed."""
    db = Database(deployment.database_url)
    try:
        key = inbox.keys(db)[0] if inbox.keys(db) else inbox.new_key(db, f"{deployment.url}{inbox.PATH}", 0.0)
    finally:
        db.close()
    raw = json.dumps(
        {
            "event": "invitee.created",
            "created_at": iso(),
            "created_by": "https://api.calendly.com/users/u",
            "payload": {
                "uri": "https://api.calendly.com/scheduled_events/x/invitees/notify",
                "email": "n@example.com",
            },
        }
    ).encode()
    heard: list[str] = []
    async with AsyncExitStack() as stack:
        listeners = []
        for base in deployment.replicas:
            client = await stack.enter_async_context(Client(f"{base}/mcp"))
            listeners.append(
                await stack.enter_async_context(client.listen(resource_subscriptions=[inbox.URI]))
            )
        answer = httpx2.post(
            f"{deployment.replicas[0]}{inbox.PATH}", content=raw, headers={HEADER: sign(raw, key.secret)}
        )
        assert answer.status_code == 200, answer.text
        with anyio.fail_after(20):
            for listener in listeners:
                event = await listener.__anext__()
                heard.append(getattr(event, "uri", ""))
    assert heard == [inbox.URI] * REPLICAS


async def test_a_confirmation_asked_by_one_replica_is_resumed_by_the_other(
    deployment: Deployment, sandbox: SandboxProcess
) -> None:
    """On 2026-07-28 a confirmation is an InputRequiredResult whose request_state the client sends back
    with the answer, in a new request: through the round-robin proxy that retry reaches the other replica,
    which opens the state with the keys both read from PostgreSQL."""
    asked: list[str] = []

    async def accept(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    async with Client(f"{deployment.url}/mcp", elicitation_callback=accept) as client:
        assert client.protocol_version.startswith("2026")
        events = await call(client, "list_scheduled_events", status="active", min_start_time=iso(hours=2))
        event = events["collection"][0]["uri"]
        deployment.proxy.mcp_requests.clear()
        await call(client, "cancel_scheduled_event", event=event, reason="confirmed across replicas")
        assert (await call(client, "get_scheduled_event", event=event))["status"] == "canceled"
    cancels = [
        (backend, json.loads(body))
        for backend, body in deployment.proxy.mcp_requests
        if b'"tools/call"' in body and b"cancel_scheduled_event" in body
    ]
    assert len(cancels) == 2, "the call, then its retry with the answer"
    (first, asking), (second, retry) = cancels
    assert "requestState" not in asking["params"]
    assert retry["params"].get("requestState")
    assert first != second, "the retry reached the other replica"
    assert len(asked) == 1
    assert "Cancel" in asked[0]
    FIGURES.update(confirmation_asked_on=first, confirmation_resumed_on=second)
