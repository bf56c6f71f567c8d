"""Calendly webhook signatures: check that a delivery came from Calendly, unchanged and recent.

Header `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>` where
`v1 = hex(HMAC-SHA256(signing_key, f"{t}.{raw_body}"))`. Verify against the raw bytes as received:
re-serialised JSON would not match.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Calendly-Webhook-Signature"
DEFAULT_TOLERANCE = 180.0  # seconds; Calendly's guidance is about three minutes


class InvalidSignatureError(ValueError):
    """The delivery must be rejected; the message says why (never the key)."""


def sign(body: bytes, signing_key: str, timestamp: int | None = None) -> str:
    """The header value Calendly would send for `body` (used by the sandbox and by tests)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_digest(body, signing_key, t)}"


def verify(
    body: bytes,
    header: str | None,
    signing_key: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> int:
    """The delivery's timestamp when the signature is valid and recent; raises InvalidSignatureError."""
    if not header:
        raise InvalidSignatureError(f"no {HEADER} header")
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or not value:
            raise InvalidSignatureError(f"malformed {HEADER} header")
        fields.setdefault(name, []).append(value)
    stamps, signatures = fields.get("t", []), fields.get("v1", [])
    if len(stamps) != 1 or not signatures:
        raise InvalidSignatureError(f"{HEADER} needs one t= and at least one v1=")
    try:
        timestamp = int(stamps[0])
    except ValueError:
        raise InvalidSignatureError(f"{HEADER} timestamp is not a number") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignatureError(
            f"delivery timestamp is {abs(current - timestamp):.0f} s away from now (limit {tolerance:.0f} s)"
        )
    expected = _digest(body, signing_key, timestamp)
    # compare_digest: the time taken must not reveal how much of a forged signature was right.
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidSignatureError("signature does not match the body and signing key")
    return timestamp


def _digest(body: bytes, signing_key: str, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(signing_key.encode(), message, hashlib.sha256).hexdigest()
