"""What lives for the whole process: the state every tool call reads (the MCP lifespan's context)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calendly_mcp.inbox import Address

if TYPE_CHECKING:
    from calendly_mcp.client.client import CalendlyClient
    from calendly_mcp.database import Database
    from calendly_mcp.settings import Settings


@dataclass(frozen=True)
class AppState:
    """Lives for the whole process (the MCP lifespan): one client, one connection pool, one database
    connection (opened on the first booking)."""

    client: CalendlyClient
    settings: Settings
    database: Database
    inbox: Address = field(default_factory=Address)  # where this process receives webhook deliveries
