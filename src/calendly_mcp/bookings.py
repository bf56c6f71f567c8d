"""The booking record: every booking this server set out to make, so that the same booking asked again
(after a lost answer, from a second server process, after a restart) is answered with the meeting
already made instead of being made twice.

A booking is keyed by (event type URI, start time in UTC, invitee e-mail lower-cased). Its row is
`pending` from just before the checks and POST /invitees until the answer is in, then `done` with the
invitee and meeting URIs. `owner` names the call working on a pending row; NULL means none is: the
POST was sent and its answer lost, so the booking may or may not exist on Calendly.

Plain functions over `Database`, each one short transaction; the caller runs them off the event loop.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from calendly_mcp.database import Database

State = Literal["pending", "done"]
# A pending row older than this is abandoned whoever holds it: no booking call lasts that long (the
# timeouts and rate-limit waits of the checks and the POST add up to a few minutes at most).
LEASE_S = 600.0


@dataclass(frozen=True)
class Key:
    event_type: str
    start_time: str
    email: str

    @classmethod
    def of(cls, event_type: str, start: datetime, email: str) -> Key:
        utc = start.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return cls(event_type, utc, email.strip().lower())


@dataclass(frozen=True)
class Record:
    key: Key
    state: State
    owner: str | None
    invitee: str | None
    event: str | None
    updated_at: float


@dataclass(frozen=True)
class Claim:
    """What `claim` found. `mine`: the caller now holds the pending row and may book (`previous` is the
    row it took over, if any: an earlier attempt that may have booked); `done`: booked already;
    `busy`: another call is booking it right now."""

    kind: Literal["mine", "done", "busy"]
    previous: Record | None = None


def new_owner() -> str:
    """A name for one booking call: where it runs (so a dead process can be told) and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def alive(owner: str) -> bool:
    """Whether the process an owner names may still be running; when it cannot be told, yes."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or os.name != "posix":
        return True  # another machine, or Windows (where signal 0 would stop the process): the lease decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process has that pid now; it is not ours, but keep to the lease
    return True


_COLUMNS = "event_type, start_time, email, state, owner, invitee, event, updated_at"


def get(db: Database, key: Key) -> Record | None:
    with db.transaction(write=False) as connection:
        row = connection.execute(
            f"SELECT {_COLUMNS} FROM bookings WHERE event_type = ? AND start_time = ? AND email = ?",
            (key.event_type, key.start_time, key.email),
        ).fetchone()
    return _record(row) if row else None


def claim(db: Database, key: Key, owner: str, now: float) -> Claim:
    """Take the booking for `owner`, unless it is done or another live call holds it."""
    with db.transaction() as connection:
        row = connection.execute(
            f"SELECT {_COLUMNS} FROM bookings WHERE event_type = ? AND start_time = ? AND email = ?",
            (key.event_type, key.start_time, key.email),
        ).fetchone()
        if row is None:
            connection.execute(
                "INSERT INTO bookings (event_type, start_time, email, state, owner, created_at, updated_at) "
                "VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                (key.event_type, key.start_time, key.email, owner, now, now),
            )
            return Claim("mine")
        record = _record(row)
        if record.state == "done":
            return Claim("done", record)
        if record.owner is not None and now - record.updated_at < LEASE_S and alive(record.owner):
            return Claim("busy", record)
        connection.execute(
            "UPDATE bookings SET owner = ?, updated_at = ? WHERE event_type = ? AND start_time = ? AND email = ?",
            (owner, now, key.event_type, key.start_time, key.email),
        )
        return Claim("mine", record)


def finish(db: Database, key: Key, invitee: str, event: str, now: float) -> None:
    """The booking exists: done, whoever held it (the meeting on Calendly is the truth)."""
    with db.transaction() as connection:
        connection.execute(
            "INSERT INTO bookings (event_type, start_time, email, state, invitee, event, created_at, updated_at) "
            "VALUES (?, ?, ?, 'done', ?, ?, ?, ?) ON CONFLICT (event_type, start_time, email) DO UPDATE SET "
            "state = 'done', owner = NULL, invitee = excluded.invitee, event = excluded.event, "
            "updated_at = excluded.updated_at",
            (key.event_type, key.start_time, key.email, invitee, event, now, now),
        )


def release(db: Database, key: Key, owner: str) -> None:
    """Nothing was booked (refused, or never sent): the row goes, so the next attempt starts afresh."""
    with db.transaction() as connection:
        connection.execute(
            "DELETE FROM bookings WHERE event_type = ? AND start_time = ? AND email = ? "
            "AND state = 'pending' AND owner = ?",
            (key.event_type, key.start_time, key.email, owner),
        )


def abandon(db: Database, key: Key, owner: str, now: float) -> None:
    """The POST was sent and its answer lost: pending, held by nobody, so the next attempt looks first."""
    with db.transaction() as connection:
        connection.execute(
            "UPDATE bookings SET owner = NULL, updated_at = ? WHERE event_type = ? AND start_time = ? "
            "AND email = ? AND state = 'pending' AND owner = ?",
            (now, key.event_type, key.start_time, key.email, owner),
        )


def forget(db: Database, key: Key, invitee: str) -> None:
    """The recorded meeting is gone or canceled on Calendly: asking again is a new booking."""
    with db.transaction() as connection:
        connection.execute(
            "DELETE FROM bookings WHERE event_type = ? AND start_time = ? AND email = ? "
            "AND state = 'done' AND invitee = ?",
            (key.event_type, key.start_time, key.email, invitee),
        )


def _record(row: tuple[str, str, str, State, str | None, str | None, str | None, float]) -> Record:
    event_type, start_time, email, state, owner, invitee, event, updated_at = row
    return Record(Key(event_type, start_time, email), state, owner, invitee, event, updated_at)
