"""What every tool module shares: the toolset a tool is declared in, its annotations, the process state it
reads, and the parsing of Calendly's answers into our models."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from mcp.server.mcpserver import Context
from mcp.types import ToolAnnotations
from pydantic import BaseModel, ValidationError

from calendly_mcp.client.client import JSON, CalendlyClient
from calendly_mcp.client.errors import InvalidResponseError
from calendly_mcp.schemas.outputs import Page
from calendly_mcp.schemas.resources import Collection
from calendly_mcp.state import AppState

__all__ = ["AppState"]

M = TypeVar("M", bound=BaseModel)
Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)


Ctx = Context[AppState, Any]


@dataclass(frozen=True)
class ToolSpec:
    """A tool as registered: the handler plus everything a client and our filters need to know."""

    fn: Handler
    toolset: str
    title: str
    annotations: ToolAnnotations

    @property
    def name(self) -> str:
        return self.fn.__name__

    @property
    def read_only(self) -> bool:
        return bool(self.annotations.read_only_hint)


@dataclass
class Toolset:
    """One Calendly area's tools, named once per module: `TOOLS = Toolset("users")`, then each handler
    is declared with `@TOOLS.tool("Title", READ)`. `default`: exposed unless the user picks toolsets;
    `gateway_only`: listed only in gateway mode (Maton's own API)."""

    name: str
    default: bool = True
    gateway_only: bool = False
    specs: list[ToolSpec] = field(default_factory=list[ToolSpec])

    def tool(self, title: str, annotations: ToolAnnotations) -> Callable[[H], H]:
        def register(fn: H) -> H:
            self.specs.append(ToolSpec(fn, self.name, title, annotations))
            return fn

        return register


READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
# Creates something new on each call (a booking, a subscription, a connection).
CREATE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
# Reads this server's own records (the webhook inbox), not Calendly.
LOCAL_READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
# Removes or cancels; repeating it changes nothing more (the second call is refused).
DESTROY = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)


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
