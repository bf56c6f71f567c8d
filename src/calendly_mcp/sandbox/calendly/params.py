"""Reading Calendly query parameters, with Calendly's 400 for values it would refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .error_bodies import invalid_argument
from .pagination import DEFAULT_COUNT, MAX_COUNT


class Query:
    """The query string of one request, in order, as Calendly reads it."""

    def __init__(self, request: Request) -> None:
        self.pairs = parse_qsl(request.url.query, keep_blank_values=True)
        self._values = dict(self.pairs)

    def get(self, name: str) -> str | None:
        value = self._values.get(name)
        return value if value else None

    def filters(self) -> list[tuple[str, str]]:
        """Everything but count and page_token: what a page token is bound to."""
        return [(k, v) for k, v in self.pairs if k not in ("count", "page_token")]

    def count(self) -> int:
        raw = self._values.get("count")
        if raw is None:
            return DEFAULT_COUNT
        try:
            value = int(raw)
        except ValueError:
            raise invalid_argument("count", "must be an integer") from None
        if not 1 <= value <= MAX_COUNT:
            raise invalid_argument("count", f"must be between 1 and {MAX_COUNT}")
        return value

    def boolean(self, name: str) -> bool | None:
        raw = self.get(name)
        if raw is None:
            return None
        if raw not in ("true", "false"):
            raise invalid_argument(name, "must be true or false")
        return raw == "true"

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        raw = self.get(name)
        if raw is not None and raw not in allowed:
            raise invalid_argument(name, f"must be one of: {', '.join(allowed)}")
        return raw

    def time(self, name: str) -> datetime | None:
        raw = self.get(name)
        # Calendly reads times without an offset as UTC.
        return None if raw is None else parse_time(name, raw)

    def required_time(self, name: str) -> datetime:
        moment = self.time(name)
        if moment is None:
            raise invalid_argument(name, "is required")
        return moment

    def sort(self, allowed: tuple[str, ...], default: str) -> list[tuple[str, bool]]:
        """`field:asc|desc[,...]` as (field, descending) pairs."""
        result: list[tuple[str, bool]] = []
        for part in (self.get("sort") or default).split(","):
            field, _, direction = part.strip().partition(":")
            if field not in allowed or direction not in ("asc", "desc"):
                raise invalid_argument(
                    "sort", f"must be field:asc or field:desc with field in {', '.join(allowed)}"
                )
            result.append((field, direction == "desc"))
        return result


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body as an object; an empty body is an empty object; anything else is a 400."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body: Any = json.loads(raw)
    except ValueError:
        raise invalid_argument("body", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise invalid_argument("body", "must be a JSON object")
    return body  # pyright: ignore[reportUnknownVariableType]


def parse_time(name: str, raw: object) -> datetime:
    """An ISO 8601 date-time from a JSON body, as UTC; times without an offset are UTC, as in queries."""
    if not isinstance(raw, str) or not raw:
        raise invalid_argument(name, "must be a valid ISO 8601 date-time")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid_argument(name, "must be a valid ISO 8601 date-time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
