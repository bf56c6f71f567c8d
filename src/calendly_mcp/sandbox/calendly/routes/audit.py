"""The organization's activity log and the e-mails and texts Calendly sent (both Enterprise only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..error_bodies import invalid_argument
from ..groups_audit_records import (
    ACTIVITY_SORT_FIELDS,
    ActivityEntry,
    SearchSyntaxError,
    search_matcher,
    sort_entries,
)
from ..pagination import DEFAULT_COUNT, PageSlice, paginate
from ..params import Query
from ..records import id_from_uri
from .shared import CalendlyAPI

T = TypeVar("T")

# The activity log pages by up to 1000 rows; the other lists by up to 100.
ACTIVITY_MAX_COUNT = 1000
SEARCH_MAX_LENGTH = 300


def _count(query: Query, maximum: int) -> int:
    raw = dict(query.pairs).get("count")
    if not raw:
        return DEFAULT_COUNT
    try:
        value = int(raw)
    except ValueError:
        raise invalid_argument("count", "must be an integer") from None
    if not 1 <= value <= maximum:
        raise invalid_argument("count", f"must be between 1 and {maximum}")
    return value


def _values(query: Query, name: str) -> list[str]:
    """An array parameter: repeated (`a=1&a=2`) or comma-separated (`a=1,2`)."""
    return [
        part.strip() for key, value in query.pairs if key == name for part in value.split(",") if part.strip()
    ]


def _window(query: Query, low: str, high: str) -> tuple[datetime | None, datetime | None]:
    start, end = query.time(low), query.time(high)
    if start is not None and end is not None and end < start:
        raise invalid_argument(high, f"must be after {low}")
    return start, end


class Audit:
    def __init__(self, api: CalendlyAPI) -> None:
        self.api = api

    def _organization(self, query: Query) -> None:
        if not self.api.organization_param(query):
            raise invalid_argument("organization", "is required")

    async def activity(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        self._organization(query)
        self.api.require_plan("enterprise", "The activity log")
        count = _count(query, ACTIVITY_MAX_COUNT)
        sort: list[tuple[str, bool]] = []
        for part in _values(query, "sort") or ["occurred_at:desc"]:
            name, _, direction = part.partition(":")
            if name not in ACTIVITY_SORT_FIELDS or direction not in ("asc", "desc"):
                raise invalid_argument(
                    "sort", f"must be field:asc or field:desc with field in {', '.join(ACTIVITY_SORT_FIELDS)}"
                )
            sort.append((name, direction == "desc"))
        actors: set[str] = set()
        for raw in _values(query, "actor"):
            if id_from_uri(raw, "users") is None:
                raise invalid_argument("actor", "must be user URIs")
            actors.add(raw)
        term = query.get("search_term")
        if term is not None and len(term) > SEARCH_MAX_LENGTH:
            raise invalid_argument("search_term", f"must be at most {SEARCH_MAX_LENGTH} characters")
        try:
            matches = search_matcher(term or "")
        except SearchSyntaxError as error:
            raise invalid_argument("search_term", str(error)) from None
        start, end = _window(query, "min_occurred_at", "max_occurred_at")
        namespaces, actions = set(_values(query, "namespace")), set(_values(query, "action"))

        def keep(entry: ActivityEntry) -> bool:
            return (
                (not actors or entry.actor_uri in actors)
                and (not namespaces or entry.namespace in namespaces)
                and (not actions or entry.action in actions)
                and (start is None or entry.occurred_at >= start)
                and (end is None or entry.occurred_at < end)
                and matches(entry.text())
            )

        found = sort_entries([e for e in self.api.store.groups_audit().activity if keep(e)], sort)
        page = self._page("/activity_log_entries", query, found, count)
        newest = max((e.occurred_at for e in page.items), default=None)
        body = {
            "collection": [entry.to_api() for entry in page.items],
            "pagination": page.pagination,
            "last_event_time": None if newest is None else newest.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "total_count": len(found),
            "exceeds_max_total_count": False,
        }
        return JSONResponse(body)

    async def communications(self, request: Request) -> Response:
        self.api.caller(request)
        query = Query(request)
        self._organization(query)
        self.api.require_plan("enterprise", "Outgoing communications")
        count = _count(query, 100)
        start, end = _window(query, "min_created_at", "max_created_at")
        store = self.api.store
        found = [
            c
            for c in store.communications()
            if (start is None or c.created_at >= start) and (end is None or c.created_at < end)
        ]
        page = self._page("/outgoing_communications", query, found, count)
        users = store.users_by_id()
        body = {
            "collection": [c.to_api(users) for c in page.items],
            "pagination": page.pagination,
            "total_count": len(found),
        }
        return JSONResponse(body)

    def _page(self, path: str, query: Query, items: Sequence[T], count: int) -> PageSlice[T]:
        store = self.api.store
        return paginate(
            items,
            path=path,
            query=query.filters(),
            count=count,
            page_token=query.get("page_token"),
            tokens=store.tokens,
            generation=store.generation,
        )


def routes(api: CalendlyAPI) -> list[Route]:
    audit = Audit(api)
    return [
        Route("/activity_log_entries", audit.activity),
        Route("/outgoing_communications", audit.communications),
    ]
