"""One running sandbox: its state, request log, faults and rate-limit counters."""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .calendly.store import Store
from .config import SandboxConfig
from .deliveries import Deliverer, Inbox
from .faults import FaultQueue

# Which door a request came in by: a Calendly token, Maton's gateway, or Maton's connection API.
Door = Literal["direct", "gateway", "connections"]


@dataclass
class RequestRecord:
    """One API request as the sandbox saw it; credentials are never kept."""

    method: str
    path: str
    query: str
    mode: Door
    status: int | None = None  # None when a fault dropped the connection
    connection: str | None = None
    faulted: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset_seconds: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter:
    """Fixed one-minute windows per credential, as Calendly's per-user limit."""

    def __init__(self, config: SandboxConfig, per_minute: int | None = None) -> None:
        self._config = config
        self._per_minute = per_minute
        self._used: dict[str, tuple[int, int]] = {}

    def clear(self) -> None:
        self._used.clear()

    def hit(self, credential: str) -> RateLimit:
        # Only a digest of the credential is kept, so no secret sits in memory longer than the request.
        key = hashlib.sha256(credential.encode()).hexdigest()
        stamp = self._config.clock().timestamp()
        window = int(stamp // 60)
        previous_window, used = self._used.get(key, (window, 0))
        used = used + 1 if previous_window == window else 1
        self._used[key] = (window, used)
        limit = self._per_minute if self._per_minute is not None else self._config.rate_limit_per_minute
        reset = max(1, math.ceil((window + 1) * 60 - stamp))
        return RateLimit(limit, max(limit - used, 0), reset, used > limit)


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = Store(config.clock)
        self.faults = FaultQueue()
        self.limits = RateLimiter(config)
        self.booking_limits = RateLimiter(config, per_minute=config.booking_rate_limit_per_minute)
        self.requests: list[RequestRecord] = []
        self.deliveries = Deliverer(config)
        self.inbox = Inbox()

    def reset(self) -> None:
        self.store.reset()
        self.faults.clear()
        self.limits.clear()
        self.booking_limits.clear()
        self.requests.clear()
        self.deliveries.clear()
        self.inbox.clear()


# Keys the sandbox's layers leave in the ASGI scope for the layers inside them.
CALLER_KEY = "calendly_sandbox.caller"  # the uuid of the Calendly user making the request
RECORD_KEY = "calendly_sandbox.record"  # the RequestRecord being written for this request
RAW_SEND_KEY = "calendly_sandbox.raw_send"  # the server's own send, to drop a connection
