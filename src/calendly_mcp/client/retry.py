"""The retry policy, as data: which failures are sent again, how long to wait, and the sleep itself.

Reads are retried on 429, 5xx and connection failures; writes only on 429 or when the connection failed
before the request was sent, so that nothing we send can happen twice. The sleep is a field so tests can
run without waiting.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import anyio

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def _jitter() -> float:
    return random.uniform(0.0, 0.25)  # spreading retries, not cryptography


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    # Past this much waiting in one call, give the error back: an agent can decide better than a stall.
    max_total_wait: float = 20.0
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    jitter: Callable[[], float] = field(default=_jitter)

    def may_resend(self, *, read: bool, status: int | None = None, sent: bool = True) -> bool:
        """May this failure be sent again? `status` is the HTTP status answered (None: no answer);
        `sent` says whether the request may have reached the server."""
        if status is None:
            return read or not sent
        return status == 429 or (read and status in RETRYABLE_STATUS)

    def backoff(self, attempt: int) -> float:
        """Exponential delay before attempt `attempt + 1` (attempt counts from 1)."""
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) + self.jitter()

    def delay_for(
        self, attempt: int, headers: Mapping[str, str] | None, *, rate_limited: bool = False
    ) -> float:
        """The server's own word when it gave one, else exponential backoff."""
        hinted = server_delay(headers, rate_limited=rate_limited) if headers is not None else None
        return hinted if hinted is not None else self.backoff(attempt)


def server_delay(headers: Mapping[str, str], *, rate_limited: bool = True) -> float | None:
    """Retry-After; for a 429 also X-RateLimit-Reset, which Calendly sends on every answer and which
    only says when the rate-limit window ends (meaningless for a 5xx)."""
    names = ("retry-after", "x-ratelimit-reset") if rate_limited else ("retry-after",)
    for name in names:
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = float(raw.strip())
        except ValueError:
            continue  # an HTTP-date Retry-After is rare here; fall back to the next source
        if value >= 0:
            return value
    return None
