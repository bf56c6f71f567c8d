"""The webhook inbox's records: the signing keys of the subscriptions this server made, and the
deliveries received, each stored once.

A delivery's identity is what Calendly's own retries keep the same: the event, when it happened and the
object it is about (`payload.uri`, the invitee for invitee.* events); a body without those is
identified by its bytes. A delivery is acknowledged only after its row is committed, so a process
killed mid-write has acknowledged nothing it did not keep, and Calendly's retry brings the rest.

Plain functions over `Database`, each one short transaction; the caller runs them off the event loop.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any, cast

from calendly_mcp.client.signatures import HEADER, InvalidSignatureError, verify
from calendly_mcp.database import Database

PATH = "/webhooks/calendly"
URI = "calendly://inbox"
MAX_BODY = 1024 * 1024  # Calendly's deliveries are a few KB; anything this large is not one


@dataclass
class Address:
    """Where this process's inbox listens: set once an HTTP transport is up (None on stdio)."""

    local_url: str | None = None  # http://127.0.0.1:PORT/webhooks/calendly


@dataclass(frozen=True)
class SigningKey:
    id: str
    secret: str
    subscription: str | None


@dataclass(frozen=True)
class Delivery:
    id: str
    event: str
    email: str | None
    subscription: str | None
    created_at: str | None
    received_at: float
    body: str

    @property
    def data(self) -> dict[str, Any]:
        return cast(dict[str, Any], json.loads(self.body))


class Refused(Exception):
    """The delivery is not accepted; `status` is the HTTP answer, the message says why (never a key)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- signing keys -----------------------------------------------------------------------------------------


def new_key(db: Database, url: str, now: float) -> SigningKey:
    """A fresh signing key, kept before the subscription exists: a delivery may beat the answer."""
    key = SigningKey(secrets.token_hex(8), secrets.token_urlsafe(32), None)
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO signing_keys (id, signing_key, url, created_at) VALUES (?, ?, ?, ?)",
            (key.id, key.secret, url, now),
        )
    return key


def attach_key(db: Database, key_id: str, subscription: str) -> None:
    with db.transaction() as tx:
        tx.execute("UPDATE signing_keys SET subscription = ? WHERE id = ?", (subscription, key_id))


def drop_key(db: Database, key_id: str) -> None:
    """Calendly refused the subscription: its key signs nothing."""
    with db.transaction() as tx:
        tx.execute("DELETE FROM signing_keys WHERE id = ? AND subscription IS NULL", (key_id,))


def keys(db: Database) -> list[SigningKey]:
    with db.transaction(write=False) as tx:
        rows = tx.execute(
            "SELECT id, signing_key, subscription FROM signing_keys ORDER BY created_at"
        ).fetchall()
    return [SigningKey(str(i), str(k), s) for i, k, s in rows]


# --- deliveries -------------------------------------------------------------------------------------------


def identity(body: dict[str, Any], raw: bytes) -> str:
    payload = _object(body.get("payload"))
    about = payload.get("uri")
    if isinstance(about, str) and isinstance(body.get("created_at"), str):
        basis = f"{body.get('event')}\n{body['created_at']}\n{about}".encode()
    else:
        basis = raw
    return hashlib.sha256(basis).hexdigest()[:32]


def accept(db: Database, raw: bytes, header: str | None, now: float) -> tuple[Delivery, bool]:
    """Check a POSTed delivery and store it once: (the delivery, whether it is new). Raises Refused."""
    if len(raw) > MAX_BODY:
        raise Refused(413, f"a delivery is at most {MAX_BODY} bytes")
    known = keys(db)
    if not known:
        raise Refused(401, "this server has made no webhook subscription: no key to check deliveries with")
    if not header:
        raise Refused(401, f"no {HEADER} header")
    subscription: str | None = None
    problem = "signature does not match any of this server's subscriptions"
    for key in known:
        try:
            verify(raw, header, key.secret, now=now)
        except InvalidSignatureError as exc:
            if "timestamp" in str(exc) or "header" in str(exc) or HEADER in str(exc):
                raise Refused(401, str(exc)) from None  # a replay or a malformed header: no key would do
            continue
        subscription = key.subscription or key.id
        problem = ""
        break
    if problem:
        raise Refused(401, problem)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("event"), str):  # pyright: ignore[reportUnknownMemberType]
        raise Refused(400, "the body is not a Calendly delivery (no event)")
    body = cast(dict[str, Any], body)
    email = _object(body.get("payload")).get("email")
    delivery = Delivery(
        id=identity(body, raw),
        event=str(body["event"]),
        email=email.strip().lower() if isinstance(email, str) else None,
        subscription=subscription,
        created_at=body.get("created_at") if isinstance(body.get("created_at"), str) else None,
        received_at=now,
        body=raw.decode(),
    )
    return delivery, store(db, delivery)


def store(db: Database, delivery: Delivery) -> bool:
    """Keep the delivery unless one of its identity is kept already; True when it was new."""
    with db.transaction() as tx:
        found = tx.execute(
            "INSERT INTO deliveries (id, event, email, subscription, created_at, received_at, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (
                delivery.id,
                delivery.event,
                delivery.email,
                delivery.subscription,
                delivery.created_at,
                delivery.received_at,
                delivery.body,
            ),
        )
        return found.rowcount == 1


_COLUMNS = "id, event, email, subscription, created_at, received_at, body"


def get(db: Database, delivery_id: str) -> Delivery | None:
    with db.transaction(write=False) as tx:
        row = tx.execute(f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    return _delivery(row) if row else None


def recent(
    db: Database,
    *,
    event: str | None = None,
    since: float | None = None,
    email: str | None = None,
    count: int = 20,
    before: tuple[float, str] | None = None,
) -> tuple[list[Delivery], tuple[float, str] | None]:
    """Deliveries newest first, filtered; and where the next page starts (None: no more)."""
    where: list[str] = []
    params: list[Any] = []
    if event is not None:
        where.append("event = ?")
        params.append(event)
    if since is not None:
        where.append("received_at >= ?")
        params.append(since)
    if email is not None:
        where.append("email = ?")
        params.append(email.strip().lower())
    if before is not None:
        where.append("(received_at < ? OR (received_at = ? AND id < ?))")
        params += [before[0], before[0], before[1]]
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with db.transaction(write=False) as tx:
        rows = tx.execute(
            f"SELECT {_COLUMNS} FROM deliveries {clause} ORDER BY received_at DESC, id DESC LIMIT ?",
            (*params, count + 1),
        ).fetchall()
    found = [_delivery(row) for row in rows]
    more = len(found) > count
    found = found[:count]
    return found, ((found[-1].received_at, found[-1].id) if more and found else None)


def page_token(position: tuple[float, str]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]!r}|{position[1]}".encode()).decode().rstrip("=")


def read_page_token(token: str) -> tuple[float, str] | None:
    """The position a page token names; None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        at, _, delivery_id = text.partition("|")
        position = (float(at), delivery_id)
    except ValueError:
        return None
    if not delivery_id or len(delivery_id) > 64 or not delivery_id.isalnum():
        return None
    return position


def _object(value: object) -> dict[str, Any]:
    return cast(dict[str, Any], value) if isinstance(value, dict) else {}


def _delivery(row: Any) -> Delivery:
    delivery_id, event, email, subscription, created_at, received_at, body = row
    return Delivery(
        str(delivery_id), str(event), email, subscription, created_at, float(received_at), str(body)
    )
