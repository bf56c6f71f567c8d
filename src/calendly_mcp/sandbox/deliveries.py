"""Webhook deliveries in the background, signed, with retries, a log of every attempt, and a built-in inbox."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import httpx2
from anyio.abc import TaskGroup

from .calendly.records import iso
from .config import SandboxConfig

SIGNATURE_HEADER = "Calendly-Webhook-Signature"


def signature(signing_key: str, timestamp: int, body: bytes) -> str:
    """Calendly's header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(signing_key.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Attempt:
    """One POST of one delivery; never holds the signing key."""

    delivery: str  # the same for every attempt of one delivery
    subscription: str
    event: str
    url: str
    attempt: int
    status: int | None
    error: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "delivery": self.delivery,
            "subscription": self.subscription,
            "event": self.event,
            "url": self.url,
            "attempt": self.attempt,
            "status": self.status,
            "error": self.error,
            "at": iso(self.at),
        }


class Deliverer:
    """Sends deliveries from a task group that lives as long as the app (its lifespan)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.log: list[Attempt] = []
        self._tasks: TaskGroup | None = None
        self._client: httpx2.AsyncClient | None = None
        self._pending = 0
        self._idle: anyio.Event | None = None

    @asynccontextmanager
    async def running(self) -> AsyncGenerator[None]:
        timeout = httpx2.Timeout(self.config.webhook_timeout_seconds)
        async with httpx2.AsyncClient(timeout=timeout) as client, anyio.create_task_group() as tasks:
            self._client, self._tasks = client, tasks
            try:
                yield
            finally:
                # Deliveries still retrying when the app stops are abandoned, as a stopped server's would be.
                self._tasks = None
                tasks.cancel_scope.cancel()
        self._client = None

    def send(self, subscription: str, event: str, url: str, body: bytes, signing_key: str | None) -> None:
        delivery = str(uuid.uuid4())
        if self._tasks is None:
            self.log.append(
                Attempt(
                    delivery,
                    subscription,
                    event,
                    url,
                    0,
                    None,
                    "not sent: the app is not running",
                    self.config.clock(),
                )
            )
            return
        if self._pending == 0:
            self._idle = anyio.Event()
        self._pending += 1
        self._tasks.start_soon(self._deliver, delivery, subscription, event, url, body, signing_key)

    async def _deliver(
        self, delivery: str, subscription: str, event: str, url: str, body: bytes, signing_key: str | None
    ) -> None:
        try:
            delays = self.config.webhook_retry_delays
            for attempt in range(1, len(delays) + 2):
                if await self._attempt(delivery, subscription, event, url, body, signing_key, attempt):
                    return
                if attempt <= len(delays):
                    await anyio.sleep(delays[attempt - 1])
        finally:
            self._pending -= 1
            if self._pending == 0 and self._idle is not None:
                self._idle.set()

    async def _attempt(
        self,
        delivery: str,
        subscription: str,
        event: str,
        url: str,
        body: bytes,
        signing_key: str | None,
        attempt: int,
    ) -> bool:
        assert self._client is not None
        now = self.config.clock()
        headers = {"Content-Type": "application/json", "User-Agent": "Calendly-Sandbox-Webhooks/1.0"}
        if signing_key:
            # Each attempt is signed afresh, so its timestamp is the attempt's own.
            headers[SIGNATURE_HEADER] = signature(signing_key, int(now.timestamp()), body)
        status: int | None = None
        error: str | None = None
        try:
            answer = await self._client.post(url, content=body, headers=headers)
            status = answer.status_code
        except httpx2.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.log.append(Attempt(delivery, subscription, event, url, attempt, status, error, now))
        return status is not None and 200 <= status < 300

    async def wait_idle(self) -> None:
        """Wait until no delivery is in flight (callers bound the wait with a cancel scope)."""
        while self._pending and self._idle is not None:
            await self._idle.wait()

    def clear(self) -> None:
        self.log.clear()


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"received_at": iso(self.at), "headers": dict(self.headers), "body": self.body}


class Inbox:
    """A webhook receiver built into the sandbox: whatever is POSTed to a named box is kept."""

    def __init__(self) -> None:
        self._boxes: dict[str, list[Received]] = {}

    def keep(self, name: str, received: Received) -> None:
        self._boxes.setdefault(name, []).append(received)

    def box(self, name: str) -> list[Received]:
        return list(self._boxes.get(name, []))

    def empty(self, name: str) -> None:
        self._boxes.pop(name, None)

    def clear(self) -> None:
        self._boxes.clear()
