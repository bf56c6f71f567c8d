"""What every tool shares: its registration record, the process state it reads, and answer parsing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from mcp.server.mcpserver import Context
from mcp.types import ToolAnnotations
from pydantic import BaseModel, ValidationError

from calendly_mcp.gateway import ids
from calendly_mcp.gateway.client import JSON, CalendlyClient
from calendly_mcp.gateway.errors import APIStatusError, CalendlyMcpError, InvalidResponseError
from calendly_mcp.schemas.outputs import Page
from calendly_mcp.schemas.resources import Collection
from calendly_mcp.settings import Settings

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class AppState:
    """Lives for the whole process (the MCP lifespan): one client, one connection pool."""

    client: CalendlyClient
    settings: Settings


Ctx = Context[AppState, Any]


@dataclass(frozen=True)
class ToolSpec:
    """A tool as registered: the handler plus everything a client and our filters need to know."""

    fn: Callable[..., Awaitable[Any]]
    toolset: str
    title: str
    annotations: ToolAnnotations

    @property
    def name(self) -> str:
        return self.fn.__name__

    @property
    def read_only(self) -> bool:
        return bool(self.annotations.read_only_hint)


READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
# Creates something new on each call (a booking, a subscription, a connection).
CREATE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
# Removes or cancels; repeating it changes nothing more (the second call is refused).
DESTROY = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)


async def owner_params(api: CalendlyClient, user: str | None, organization: str | None) -> dict[str, str]:
    """`user` and/or `organization` for lists Calendly scopes by owner: one of them is required upstream,
    so with neither given the list is the current user's."""
    if organization is None:
        return {"user": await user_uri(api, user)}
    params = {"organization": ids.uri("organization", ids.parse_id("organization", organization))}
    if user is not None:
        params["user"] = await user_uri(api, user)
    return params


async def organization_uri(api: CalendlyClient, ref: str | None) -> str:
    """The URI of the named organization, or of the current user's when none is named."""
    if ref is None:
        return str((await api.current_user())["current_organization"])
    return ids.uri("organization", ids.parse_id("organization", ref))


def state(ctx: Ctx) -> AppState:
    return ctx.request_context.lifespan_context


def client(ctx: Ctx) -> CalendlyClient:
    return state(ctx).client


def parse(model: type[M], data: JSON) -> M:
    """Calendly's answer as our model; a shape we cannot read is Calendly's fault, said plainly."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})[:5]
        raise InvalidResponseError(
            f"Calendly's answer did not have the expected shape (at {', '.join(where)})."
        ) from None


def page(model: type[M], data: JSON) -> Page[M]:
    """A Calendly list answer as our page shape: the collection and the token for the next page."""
    body = parse(Collection[model], data)
    token = body.pagination.next_page_token if body.pagination is not None else None
    return Page[model](collection=body.collection, next_page_token=token)


def iso_utc(value: datetime | None) -> str | None:
    """A time as Calendly writes it: UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def user_uri(api: CalendlyClient, ref: str | None) -> str:
    """The URI of the named user, or of the current user when none (or 'me') is named."""
    if ref is None or ref == "me" or ref == f"{ids.API_ORIGIN}/users/me":
        return str((await api.current_user())["uri"])
    return ids.uri("user", ids.parse_id("user", ref))


# What to do next, for the Calendly answers a model meets most (matched on Calendly's own words).
_NEXT_STEPS: tuple[tuple[str, str], ...] = (
    (
        "already_filled",
        "That start time is no longer offered: call list_event_type_available_times and pick a slot it returns.",
    ),
    (
        "invalid_location_choice",
        "Use a location kind the event type offers (get_event_type shows its locations).",
    ),
    ("already canceled", "Nothing to do: the meeting is already canceled."),
    ("in the past", "Meetings that have already started cannot be canceled."),
    ("paid calendly plans", "This needs a paid Calendly plan: upgrade the account."),
    (
        "hook with this url already exists",
        "A subscription for this URL exists: find it with list_webhook_subscriptions.",
    ),
    ("also specify organization", "Pass organization (your current_organization) together with user."),
)


def explain(error: CalendlyMcpError) -> str:
    """The text a model reads for a failure: what failed, Calendly's words, and what to do next."""
    text = str(error)
    if isinstance(error, APIStatusError):
        words = " ".join([error.message, *(str(d) for d in error.details)]).lower()
        for marker, step in _NEXT_STEPS:
            if marker in words:
                return f"{text}\n{step}"
    return text
