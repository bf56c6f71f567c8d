"""Calendly-style pages: opaque page tokens bound to the query and to the seeded state."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from .error_bodies import invalid_argument
from .records import API_BASE, JSONDict

T = TypeVar("T")

DEFAULT_COUNT = 20
MAX_COUNT = 100


@dataclass
class PageSlice(Generic[T]):
    """One page of a list: its items and the `pagination` object Calendly sends with them."""

    items: Sequence[T]
    pagination: JSONDict


class PageTokens:
    """Issues and checks page tokens.

    A token carries an offset, signed together with the query it belongs to and the state's
    generation, so a token from another list, another sandbox or before a reset is refused with
    Calendly's 400, as a stale or foreign token is refused by Calendly.
    """

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)

    def _sign(self, payload: str, binding: str) -> str:
        digest = hmac.new(self._secret, f"{payload}|{binding}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")

    def issue(self, offset: int, binding: str) -> str:
        payload = base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")
        return f"{payload}{self._sign(payload, binding)}"

    def read(self, token: str, binding: str) -> int:
        # The signature is the last 16 characters (12 bytes in unpadded base64).
        payload, signature = token[:-16], token[-16:]
        if not payload or not hmac.compare_digest(signature, self._sign(payload, binding)):
            raise invalid_argument("page_token", "is invalid")
        try:
            decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            offset = decoded["o"]
        except (ValueError, KeyError, TypeError) as exc:
            raise invalid_argument("page_token", "is invalid") from exc
        if not isinstance(offset, int) or offset < 0:
            raise invalid_argument("page_token", "is invalid")
        return offset


def paginate(
    items: Sequence[T],
    *,
    path: str,
    query: list[tuple[str, str]],
    count: int,
    page_token: str | None,
    tokens: PageTokens,
    generation: int,
) -> PageSlice[T]:
    """Cut one page out of `items` (already filtered and sorted) and describe its neighbours.

    `query` is the list's filters and sort as received (without count and page_token): it binds
    the tokens and is repeated in next_page / previous_page, as Calendly does.
    """
    binding = json.dumps([path, sorted(query), generation])
    offset = 0 if page_token is None else tokens.read(page_token, binding)
    window = items[offset : offset + count]
    next_token = tokens.issue(offset + count, binding) if offset + count < len(items) else None
    previous_token = tokens.issue(max(offset - count, 0), binding) if offset > 0 else None

    def link(token: str | None) -> str | None:
        if token is None:
            return None
        return f"{API_BASE}{path}?{urlencode([*query, ('count', str(count)), ('page_token', token)])}"

    return PageSlice(
        items=window,
        pagination={
            "count": len(window),
            "next_page": link(next_token),
            "previous_page": link(previous_token),
            "next_page_token": next_token,
            "previous_page_token": previous_token,
        },
    )
