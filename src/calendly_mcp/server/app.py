"""Assembly: the MCP server, its tools, and the lifespan that owns the one HTTP client."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import SecretStr

from calendly_mcp import __version__
from calendly_mcp.client.client import CalendlyClient, Endpoint, HttpPool
from calendly_mcp.database import Database
from calendly_mcp.settings import Settings
from calendly_mcp.tools import _manifest, registry
from calendly_mcp.tools._base import AppState
from calendly_mcp.tools._mcp import to_mcp

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

INSTRUCTIONS = (
    "Work a Calendly account: users, event types, meetings and invitees. Ids may be bare ids or full "
    "https://api.calendly.com/... URIs. Times are ISO 8601 with an offset or Z. Lists return "
    "next_page_token; pass it back as page_token for more."
)


def sandbox_settings(settings: Settings, url: str) -> Settings:
    """Point the settings at an embedded sandbox, through its Maton gateway, with its documented key."""
    from calendly_mcp.sandbox import SANDBOX_MATON_KEY

    return settings.model_copy(
        update={
            "maton_api_key": SecretStr(SANDBOX_MATON_KEY),
            "calendly_api_token": None,
            "maton_connection": None,
            "maton_gateway_url": url,
            "maton_ctrl_url": url,
            # The embedded sandbox's meetings live and die with the process: so does their record, kept
            # out of the user's real one.
            "calendly_mcp_database_url": "sqlite://",
        }
    )


def build_server(
    settings: Settings, *, sandbox: bool = False, log_level: LogLevel = "WARNING"
) -> MCPServer[AppState]:
    """The MCP server with the tools the settings select; `sandbox` serves them against an embedded one."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncGenerator[AppState]:
        async with AsyncExitStack() as stack:
            active = settings
            if sandbox:
                # Imported here: the sandbox (and uvicorn) load only when used.
                from calendly_mcp.sandbox import running_sandbox

                box = await stack.enter_async_context(running_sandbox())
                active = sandbox_settings(settings, box.url)
            pool = HttpPool(active)
            stack.push_async_callback(pool.aclose)
            database = Database.from_settings(active)  # opens nothing until the first booking
            stack.callback(database.close)
            client = CalendlyClient(Endpoint.from_settings(active), pool)
            yield AppState(client=client, settings=active, database=database)

    manifest = _manifest.load()
    tools: list[Any] = []
    for spec in registry.select(settings):
        known = manifest.get(spec.name)
        if known is None:
            raise _manifest.ManifestError(f"{spec.name} is not in the tool manifest: run `make snapshots`")
        tools.append(to_mcp(spec, known["inputSchema"], known["outputSchema"]))
    return MCPServer(
        "calendly",
        title="Calendly",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        tools=tools,
        # The SDK configures logging from this when nothing else has; stderr only, quiet by default.
        log_level=log_level,
    )
