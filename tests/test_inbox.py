"""The webhook inbox: deliveries checked, stored once and read back, on both databases; end to end with
the sandbox's real signed deliveries to a real server process over HTTP (subscribe, book, cancel, read
the inbox, hear of it); and nothing lost when the server is killed mid-write."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client import Client
from mcp.shared.exceptions import MCPDeprecationWarning

from calendly_mcp import inbox
from calendly_mcp.client.signatures import HEADER, sign
from calendly_mcp.database import Database
from conftest import DATABASE_URL, Mode, SandboxProcess, http_server_and_process, server_env
from mcp_helpers import call, fail, iso, subscribe_owner

pytestmark = pytest.mark.anyio

NOW = 1_900_000_000.0


def body(event: str = "invitee.created", email: str = "ann@example.com", n: int = 0) -> bytes:
    payload = {
        "uri": f"https://api.calendly.com/scheduled_events/ev-{n}/invitees/inv-{n}",
        "email": email,
        "name": "Ann",
        "status": "active" if event == "invitee.created" else "canceled",
        "scheduled_event": {
            "uri": f"https://api.calendly.com/scheduled_events/ev-{n}",
            "start_time": "2030-01-07T15:00:00.000000Z",
        },
    }
    return json.dumps(
        {
            "event": event,
            "created_at": f"2030-01-01T00:00:{n % 60:02d}.000000Z",
            "created_by": "https://api.calendly.com/users/u-1",
            "payload": payload,
        }
    ).encode()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.close()


@pytest.fixture
def key(db: Database) -> inbox.SigningKey:
    made = inbox.new_key(db, "http://127.0.0.1:1/webhooks/calendly", NOW)
    inbox.attach_key(db, made.id, "https://api.calendly.com/webhook_subscriptions/sub-1")
    return made


# --- checked and stored once, on both databases -----------------------------------------------------------


def test_a_signed_delivery_is_stored_once(db: Database, key: inbox.SigningKey) -> None:
    raw = body()
    first, new = inbox.accept(db, raw, sign(raw, key.secret, int(NOW)), NOW)
    assert new
    # Calendly's retry: the same body, signed afresh a minute later.
    again, new_again = inbox.accept(db, raw, sign(raw, key.secret, int(NOW) + 60), NOW + 60)
    assert (again.id, new_again) == (first.id, False)
    found, more = inbox.recent(db)
    assert [d.id for d in found] == [first.id]
    assert more is None
    stored = inbox.get(db, first.id)
    assert stored is not None
    assert (stored.event, stored.email, stored.body) == ("invitee.created", "ann@example.com", raw.decode())
    assert stored.subscription == "https://api.calendly.com/webhook_subscriptions/sub-1"


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, f"no {HEADER} header"),
        ("garbage", "malformed"),
        ("t=1,v1=00", "away from now"),  # a replay: signed long ago
    ],
)
def test_unsigned_malformed_and_replayed_deliveries_are_refused(
    db: Database, key: inbox.SigningKey, header: str | None, words: str
) -> None:
    with pytest.raises(inbox.Refused) as caught:
        inbox.accept(db, body(), header, NOW)
    assert caught.value.status == 401
    assert words in str(caught.value)
    assert key.secret not in str(caught.value)
    assert inbox.recent(db)[0] == []


def test_a_delivery_signed_with_another_key_is_refused(db: Database, key: inbox.SigningKey) -> None:
    raw = body()
    with pytest.raises(inbox.Refused, match="does not match any"):
        inbox.accept(db, raw, sign(raw, "not-our-key-at-all", int(NOW)), NOW)
    # A changed body under a valid signature: the same refusal.
    with pytest.raises(inbox.Refused, match="does not match any"):
        inbox.accept(db, raw + b" ", sign(raw, key.secret, int(NOW)), NOW)
    assert inbox.recent(db)[0] == []


def test_without_any_subscription_nothing_is_accepted(db: Database) -> None:
    raw = body()
    with pytest.raises(inbox.Refused, match="no webhook subscription"):
        inbox.accept(db, raw, sign(raw, "whatever-key", int(NOW)), NOW)


def test_a_refused_subscriptions_key_is_dropped(db: Database) -> None:
    made = inbox.new_key(db, "http://127.0.0.1:1/webhooks/calendly", NOW)
    inbox.drop_key(db, made.id)
    assert inbox.keys(db) == []


def test_filters_and_pages(db: Database, key: inbox.SigningKey) -> None:
    for n in range(5):
        event = "invitee.canceled" if n % 2 else "invitee.created"
        raw = body(event, f"p{n % 2}@example.com", n)
        inbox.accept(db, raw, sign(raw, key.secret, int(NOW) + n), NOW + n)
    everything, _ = inbox.recent(db, count=100)
    assert [d.received_at for d in everything] == [NOW + n for n in (4, 3, 2, 1, 0)]
    assert {d.event for d in inbox.recent(db, event="invitee.canceled")[0]} == {"invitee.canceled"}
    assert len(inbox.recent(db, since=NOW + 3)[0]) == 2
    assert {d.email for d in inbox.recent(db, email="P1@Example.com")[0]} == {"p1@example.com"}
    first, position = inbox.recent(db, count=2)
    assert position is not None
    token = inbox.page_token(position)
    assert inbox.read_page_token(token) == position
    second, position = inbox.recent(db, count=2, before=inbox.read_page_token(token))
    third, last = inbox.recent(db, count=2, before=position)
    assert [d.id for d in first + second + third] == [d.id for d in everything]
    assert last is None
    assert inbox.read_page_token("bm90LW91cnM") is None


# --- end to end: the sandbox delivers to a real server process over HTTP ------------------------------------


@pytest.fixture(scope="module")
async def inbox_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """A streamable-HTTP server process without CALENDLY_MCP_PUBLIC_URL: its own inbox is its loopback
    address, which the sandbox (on this machine) reaches."""
    env = server_env(mode, sandbox_process.url)
    async with http_server_and_process("streamable-http", env) as (base, _), Client(f"{base}/mcp") as client:
        yield client


async def test_subscribe_book_cancel_and_read_the_inbox(
    inbox_server: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    client = inbox_server
    info = sandbox.info()
    owner = next(u for u in info["users"] if u["role"] == "owner")
    hook = await subscribe_owner(client, info, ["invitee.created", "invitee.canceled"])
    assert hook["callback_url"].startswith("http://127.0.0.1:")
    assert hook["callback_url"].endswith("/webhooks/calendly")
    email = f"inbox-{mode}@example.com"
    event_type = info["examples"]["bookable_event_types"][owner["uri"]]
    slots = await call(
        client,
        "list_event_type_available_times",
        event_type=event_type,
        start_time=iso(minutes=5),
        end_time=iso(days=6),
    )
    async with client.listen(resource_subscriptions=[inbox.URI]) as updates:
        booked = await call(
            client,
            "create_event_invitee",
            event_type=event_type,
            start_time=slots["collection"][0]["start_time"],
            email=email,
            name="Ann Inbox",
            timezone="Europe/Berlin",
        )
        with anyio.fail_after(20):
            event = await updates.__anext__()
        assert getattr(event, "uri", None) == inbox.URI
    await call(client, "cancel_scheduled_event", event=booked["event"], reason="inbox test")
    sent = sandbox.inbox("unused")  # waits until no delivery is in flight
    assert sent == []
    deliveries = await call(client, "list_webhook_deliveries", invitee_email=email)
    rows = deliveries["collection"]
    assert [r["event"] for r in rows] == ["invitee.canceled", "invitee.created"]
    assert {r["scheduled_event"] for r in rows} == {booked["event"]}
    assert all(r["email"] == email and r["name"] == "Ann Inbox" for r in rows)
    only = await call(client, "list_webhook_deliveries", event="invitee.canceled", invitee_email=email)
    assert [r["id"] for r in only["collection"]] == [rows[0]["id"]]
    later = await call(client, "list_webhook_deliveries", since=iso(minutes=5))
    assert later["collection"] == []
    whole = await call(client, "get_webhook_delivery", delivery=rows[1]["id"])
    assert whole["event"] == "invitee.created"
    assert whole["payload"]["uri"] == booked["uri"]
    assert whole["subscription"] == hook["uri"]
    # The resource: the same deliveries, newest first.
    read = await client.read_resource(inbox.URI)
    shown = json.loads(read.contents[0].text)["deliveries"]  # pyright: ignore[reportAttributeAccessIssue]
    assert [d["id"] for d in shown if d.get("email") == email] == [r["id"] for r in rows]
    # The signing key the server made and keeps is nowhere in what it answered.
    kept = Database(DATABASE_URL)
    try:
        (secret,) = [k.secret for k in inbox.keys(kept) if k.subscription == hook["uri"]]
    finally:
        kept.close()
    for answer in (hook, deliveries, whole, shown):
        assert secret not in json.dumps(answer)
    await call(client, "delete_webhook_subscription", webhook=hook["uri"])


async def test_event_type_changes_reach_the_inbox(inbox_server: Client, sandbox: SandboxProcess) -> None:
    """The events beyond invitees' come in too: an event type made and edited through the tools."""
    client = inbox_server
    hook = await subscribe_owner(client, sandbox.info(), ["event_type.created", "event_type.updated"])
    made = await call(client, "create_event_type", name="Inbox Review", duration=30)
    await call(client, "update_event_type", event_type=made["uri"], duration=45)
    assert sandbox.inbox("unused") == []  # waits until no delivery is in flight
    rows = (await call(client, "list_webhook_deliveries", since=iso(minutes=-5)))["collection"]
    wholes = [await call(client, "get_webhook_delivery", delivery=r["id"]) for r in rows]
    mine = [w for w in wholes if w["payload"].get("uri") == made["uri"]]  # the other mode's are there too
    assert [w["event"] for w in mine] == ["event_type.updated", "event_type.created"]
    assert [w["payload"]["duration"] for w in mine] == [45, 30]
    assert {w["subscription"] for w in mine} == {hook["uri"]}
    await call(client, "delete_webhook_subscription", webhook=hook["uri"])


async def test_older_protocol_clients_subscribe_and_are_told(
    sandbox_process: SandboxProcess, tmp_path: Path
) -> None:
    """A 2025-11-25 client (resources/subscribe) hears of a new delivery as notifications/resources/updated."""
    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    setup = Database(url)
    key = inbox.new_key(setup, "http://127.0.0.1/webhooks/calendly", time.time())
    setup.close()
    told: list[str] = []
    arrived = anyio.Event()

    async def on_message(message: Any) -> None:
        root = getattr(message, "root", message)
        if getattr(root, "method", None) == "notifications/resources/updated":
            told.append(str(root.params.uri))
            arrived.set()

    env = server_env("direct", sandbox_process.url, CALENDLY_MCP_DATABASE_URL=url)
    async with (
        http_server_and_process("streamable-http", env) as (base, _),
        Client(f"{base}/mcp", mode="legacy", message_handler=on_message) as client,
    ):
        assert client.protocol_version.startswith("2025")
        with pytest.warns(MCPDeprecationWarning):
            await client.session.subscribe_resource(inbox.URI)
        raw = body("invitee.created", "legacy@example.com", 7)
        answer = httpx2.post(f"{base}{inbox.PATH}", content=raw, headers={HEADER: sign(raw, key.secret)})
        assert answer.json()["status"] == "stored"
        with anyio.fail_after(20):
            await arrived.wait()
    assert told == [inbox.URI]


async def test_a_delivery_id_that_is_not_there_is_said_plainly(inbox_server: Client) -> None:
    text = await fail(inbox_server, "get_webhook_delivery", delivery="0" * 32)
    assert "No delivery" in text
    assert "list_webhook_deliveries" in text
    text = await fail(inbox_server, "list_webhook_deliveries", page_token="bm90LW91cnM")
    assert "page_token" in text


async def test_the_endpoint_refuses_what_is_not_a_signed_delivery(
    sandbox_process: SandboxProcess,
) -> None:
    env = server_env("direct", sandbox_process.url, CALENDLY_MCP_AUTH_TOKEN="a-bearer-token-for-mcp")
    async with http_server_and_process("streamable-http", env) as (base, _), httpx2.AsyncClient() as http:
        url = f"{base}{inbox.PATH}"
        raw = body()
        # No bearer token needed, none accepted instead of a signature.
        assert (await http.post(url, content=raw)).status_code == 401
        answer = await http.post(
            url,
            content=raw,
            headers={"Authorization": "Bearer a-bearer-token-for-mcp", HEADER: sign(raw, "x" * 20)},
        )
        assert answer.status_code == 401
        assert "does not match any" in answer.json()["message"]
        assert (await http.get(url)).status_code == 405
        assert (await http.post(url, content=b"x" * (inbox.MAX_BODY + 1))).status_code == 413
        # The MCP endpoint itself still wants the token.
        assert (await http.post(f"{base}/mcp", json={})).status_code == 401


async def test_without_an_http_transport_or_a_public_url_the_own_inbox_is_refused(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    text = await fail(mcp, "create_webhook_subscription", events=["invitee.created"])
    assert "--transport streamable-http" in text
    assert "CALENDLY_MCP_PUBLIC_URL" in text
    assert sandbox.requests() == []


async def test_for_real_calendly_the_own_inbox_needs_a_public_url() -> None:
    env = server_env(None, None, CALENDLY_API_TOKEN="a-token-never-sent")
    async with http_server_and_process("streamable-http", env) as (base, _), Client(f"{base}/mcp") as client:
        text = await fail(client, "create_webhook_subscription", events=["invitee.created"])
    assert "CALENDLY_MCP_PUBLIC_URL" in text
    assert "https address Calendly can reach" in text


async def test_with_a_public_url_calendly_is_given_it(sandbox: SandboxProcess) -> None:
    env = server_env("direct", sandbox.url, CALENDLY_MCP_PUBLIC_URL="https://mcp.example.com/")
    async with http_server_and_process("streamable-http", env) as (base, _), Client(f"{base}/mcp") as client:
        hook = await call(client, "create_webhook_subscription", events=["invitee.created"])
        assert hook["callback_url"] == "https://mcp.example.com/webhooks/calendly"
        text = await fail(
            client, "create_webhook_subscription", events=["invitee.created"], signing_key="my-own-key-1"
        )
        assert "signing_key goes with url" in text


async def test_the_embedded_sandbox_delivers_to_the_servers_own_inbox() -> None:
    """`serve --sandbox` over HTTP: the in-process sandbox, the tools and the endpoint share one inbox."""
    env = server_env(None, None)
    async with (
        http_server_and_process("streamable-http", env, "--sandbox") as (base, _),
        Client(f"{base}/mcp") as client,
    ):
        hook = await call(client, "create_webhook_subscription", events=["invitee.created"])
        assert hook["callback_url"] == f"{base}/webhooks/calendly"
        me = await call(client, "get_current_user")
        types = await call(client, "list_event_types", user=me["uri"])
        event_type = next(t for t in types["collection"] if t["active"])["uri"]
        slots = await call(
            client,
            "list_event_type_available_times",
            event_type=event_type,
            start_time=iso(minutes=5),
            end_time=iso(days=6),
        )
        async with client.listen(resource_subscriptions=[inbox.URI]) as updates:
            await call(
                client,
                "create_event_invitee",
                event_type=event_type,
                start_time=slots["collection"][0]["start_time"],
                email="embedded@example.com",
                name="Embedded",
                timezone="UTC",
            )
            with anyio.fail_after(20):
                await updates.__anext__()
        found = await call(client, "list_webhook_deliveries", invitee_email="embedded@example.com")
        assert [row["event"] for row in found["collection"]] == ["invitee.created"]


# --- killed mid-write ----------------------------------------------------------------------------------------


async def test_nothing_acknowledged_is_lost_when_the_server_is_killed_mid_write(
    sandbox_process: SandboxProcess, database_url: str
) -> None:
    """Deliveries POSTed concurrently while the process gets SIGKILL: every one acknowledged is in the
    database after the kill, a SQLite file is intact, and Calendly's retries of the rest store each once."""
    url = database_url
    setup = Database(url)
    key = inbox.new_key(setup, "http://127.0.0.1/webhooks/calendly", time.time())
    setup.close()
    env = server_env("direct", sandbox_process.url, CALENDLY_MCP_DATABASE_URL=url)
    total = 300
    bodies = [body("invitee.created", f"kill{n}@example.com", n) for n in range(total)]
    acknowledged: set[int] = set()
    async with http_server_and_process("streamable-http", env) as (base, process):
        limits = httpx2.Limits(max_connections=16)
        async with httpx2.AsyncClient(limits=limits, timeout=10) as http:

            async def post(n: int) -> None:
                raw = bodies[n]
                try:
                    answer = await http.post(
                        f"{base}{inbox.PATH}", content=raw, headers={HEADER: sign(raw, key.secret)}
                    )
                except httpx2.HTTPError:
                    return
                if answer.status_code == 200:
                    acknowledged.add(n)
                    if len(acknowledged) == total // 3:
                        a_third.set()

            a_third = anyio.Event()

            async def kill_midway() -> None:
                await a_third.wait()
                os.kill(process.pid, signal.SIGKILL)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(kill_midway)
                for n in range(total):
                    tasks.start_soon(post, n)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    assert total // 3 <= len(acknowledged) < total, "the kill came while deliveries were being written"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as raw_db:
            assert raw_db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = Database(url)
    stored = {d.email for d in inbox.recent(after, count=100000)[0]}
    after.close()
    assert {f"kill{n}@example.com" for n in acknowledged} <= stored
    KILLED[url.split(":", 1)[0]] = {
        "sent": total,
        "acknowledged": len(acknowledged),
        "stored_after_kill": len(stored),
    }
    # Calendly retries what was not acknowledged (and some of what was): each stored once.
    async with http_server_and_process("streamable-http", env) as (base, _), httpx2.AsyncClient() as http:
        for n in range(total):
            raw = bodies[n]
            answer = await http.post(
                f"{base}{inbox.PATH}", content=raw, headers={HEADER: sign(raw, key.secret)}
            )
            assert answer.status_code == 200
            assert answer.json()["status"] == ("duplicate" if f"kill{n}@example.com" in stored else "stored")
    final = Database(url)
    rows = inbox.recent(final, count=100000)[0]
    final.close()
    assert sorted(d.email or "" for d in rows) == sorted(f"kill{n}@example.com" for n in range(total))
    print(f"\nkill test: {KILLED}")


KILLED: dict[str, dict[str, int]] = {}
