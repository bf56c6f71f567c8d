"""The sandbox's credentials and settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

SANDBOX_TOKEN = "sandbox-token"
SANDBOX_MATON_KEY = "sandbox-key"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxConfig:
    """How a sandbox is set up: its credentials, its clock and its limits."""

    calendly_token: str = SANDBOX_TOKEN
    maton_key: str = SANDBOX_MATON_KEY
    # Tests pass a fixed clock so that the seed and the rate-limit windows are reproducible.
    now: Callable[[], datetime] | None = None
    # Calendly's limit for paid plans: requests per credential per minute.
    rate_limit_per_minute: int = 500
    # Calendly's own Scheduling API limit on POST /invitees, per user per minute (its hourly and daily
    # limits are not simulated).
    booking_rate_limit_per_minute: int = 10
    # Webhook deliveries: the timeout of one POST, and the pauses before each retry (two retries).
    webhook_timeout_seconds: float = 3.0
    webhook_retry_delays: tuple[float, ...] = (0.5, 2.0)

    def shown(self, value: str) -> str:
        """A credential as the sandbox may print it: the documented defaults as they are, any other hidden."""
        return value if value in (SANDBOX_TOKEN, SANDBOX_MATON_KEY) else "(set by flag, not shown)"

    def clock(self) -> datetime:
        current = (self.now or utc_now)()
        if current.tzinfo is None:
            raise ValueError("SandboxConfig.now must return an aware datetime")
        return current.astimezone(UTC)
