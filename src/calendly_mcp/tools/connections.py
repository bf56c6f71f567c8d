"""Connections: the Maton gateway's links to Calendly accounts (gateway mode only)."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver.resolve import Resolve
from pydantic import BaseModel, Field

from calendly_mcp.schemas.inputs import ConnectionId
from calendly_mcp.schemas.outputs import Deleted
from calendly_mcp.schemas.resources import Connection
from calendly_mcp.tools._base import CREATE, DESTROY, READ, Ctx, Toolset, client, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead

TOOLS = Toolset("connections", gateway_only=True)


class Connections(BaseModel):
    connections: list[Connection]


class ConnectionEnvelope(BaseModel):
    connection: Connection


class NewConnection(BaseModel):
    connection: Connection
    next_step: str = Field(description="What the user must do to finish")


@TOOLS.tool("List Maton connections", READ)
async def list_connections(
    ctx: Ctx,
    status: Literal["ACTIVE", "PENDING", "FAILED"] | None = None,
) -> Connections:
    """Maton connections; MATON_CONNECTION picks the one used."""
    answer = await client(ctx).ctrl("GET", "/connections", params={"app": "calendly", "status": status})
    return parse(Connections, answer)


@TOOLS.tool("Create Maton connection", CREATE)
async def create_connection(ctx: Ctx) -> NewConnection:
    """Start a Maton connection; returns its sign-in URL."""
    answer = await client(ctx).ctrl(
        "POST",
        "/connections",
        body={"app": "calendly"},
        check="Call list_connections to see whether it was created.",
    )
    connection = parse(ConnectionEnvelope, answer).connection
    step = f"Open {connection.url} in a browser and sign in to Calendly; the connection then becomes ACTIVE."
    return NewConnection(connection=connection, next_step=step)


@TOOLS.tool("Get Maton connection", READ)
async def get_connection(ctx: Ctx, connection_id: ConnectionId) -> Connection:
    """One Maton connection: status and sign-in URL."""
    return parse(
        ConnectionEnvelope, await client(ctx).ctrl("GET", f"/connections/{connection_id}")
    ).connection


async def _ask_delete(ctx: Ctx, connection_id: str) -> Asked:
    return await ask(
        ctx,
        lambda: (
            f"Delete the Maton connection {connection_id}? Calendly is then no longer reachable through it."
        ),
    )


@TOOLS.tool("Delete Maton connection", DESTROY)
async def delete_connection(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_delete)], connection_id: ConnectionId
) -> Deleted:
    """Delete a Maton connection."""
    go_ahead(confirmed, "delete the Maton connection")
    await client(ctx).ctrl(
        "DELETE",
        f"/connections/{connection_id}",
        check=f"Call get_connection with connection_id={connection_id}: a 404 means it is gone.",
    )
    return Deleted(uri=connection_id)
