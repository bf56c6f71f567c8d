"""Assembly: the MCP server, its tools, and the lifespan that owns the one HTTP client."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.subscriptions import InMemorySubscriptionBus, SubscriptionBus
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import SecretStr, ValidationError

from calendly_mcp import __version__
from calendly_mcp.client.client import CalendlyClient, Endpoint, HttpPool
from calendly_mcp.database import Database
from calendly_mcp.inbox import Address
from calendly_mcp.server import inbox
from calendly_mcp.server.inbox import Hub, PostgresBus
from calendly_mcp.settings import Settings
from calendly_mcp.tools import _manifest, registry
from calendly_mcp.tools._base import AppState
from calendly_mcp.tools._mcp import to_mcp
from calendly_mcp.tools._wording import argument_errors

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

INSTRUCTIONS = (
    "Work a Calendly account: users, event types (and, with the admin toolsets, their settings), "
    "meetings and invitees (cancel, no-shows), booking in an offered slot and single-use links, free and "
    "busy times, the organization (members, invitations, groups, teams), webhooks, and with other "
    "toolsets contacts, routing forms, meeting recaps, the activity log and data deletion; through the "
    "Maton gateway, its connections. Every id argument takes the bare id or the full "
    "https://api.calendly.com/... URI an answer gave. Times are ISO 8601 with an offset or Z; answers give "
    "each time in UTC and in a named zone (*_local). Free slots: 7 days a call with "
    "list_event_type_available_times, up to 92 days with find_available_times; busy times: 7 days a call. "
    "Lists return next_page_token; pass it back as page_token for the next page. Book only a start_time "
    "a slot list returned."
)


class CalendlyServer(MCPServer[AppState]):
    """The SDK's server, with every tool failure worded for the model that reads it.

    The SDK puts "Error executing tool X: " before each tool error, and answers refused arguments with
    pydantic's report. Both are rewritten here, in the one place every call passes: the model reads our
    text first, and nothing of the validator's internals.
    """

    inbox: Hub | None = None  # the webhook inbox of this process (build_server sets it)

    def __init__(self, *, tools: list[Tool], **options: Any) -> None:
        super().__init__(tools=tools, **options)
        self._input_schemas = {tool.name: tool.parameters for tool in tools}

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[AppState, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise  # a crash: the SDK logs it with its traceback and tells the model nothing more
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError):
                # `from cause`: the SDK then logs only the names of the refused arguments, not their values.
                raise ToolError(argument_errors(cause, self._input_schemas.get(name, {}))) from cause
            text = str(exc).removeprefix(f"Error executing tool {name}: ")
            raise ToolError(text) from cause


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
            "calendly_mcp_database_url": "sqlite://",  # build_server's database: in memory
        }
    )


def build_server(
    settings: Settings,
    *,
    sandbox: bool = False,
    log_level: LogLevel = "WARNING",
    on_close: Callable[[], None] | None = None,
) -> MCPServer[AppState]:
    """The MCP server with the tools the settings select; `sandbox` serves them against an embedded one.

    `on_close` is called once the lifespan has closed everything it opened (the sandbox, the HTTP pool).
    """

    # The database and the inbox are the process's, shared by the tools and the HTTP endpoint (which
    # runs outside any MCP request). The embedded sandbox's meetings live and die with the process: so
    # does their record, kept out of the user's real one.
    database = Database("sqlite://" if sandbox else settings.calendly_mcp_database_url)
    hub = Hub(database, Address(), _bus(database))

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncGenerator[AppState]:
        async with AsyncExitStack() as stack:
            if on_close is not None:
                stack.callback(on_close)  # first in, so last out
            active = settings
            if sandbox:
                # Imported here: the sandbox (and uvicorn) load only when used.
                from calendly_mcp.sandbox import running_sandbox

                box = await stack.enter_async_context(running_sandbox())
                active = sandbox_settings(settings, box.url)
            pool = HttpPool(active)
            stack.push_async_callback(pool.aclose)
            stack.callback(database.close)  # it opens nothing until first used
            await stack.enter_async_context(hub.running())
            client = CalendlyClient(Endpoint.from_settings(active), pool)
            yield AppState(client=client, settings=active, database=database, inbox=hub.address)

    manifest = _manifest.load()
    tools: list[Any] = []
    for spec in registry.select(settings):
        known = manifest.get(spec.name)
        if known is None:
            raise _manifest.ManifestError(f"{spec.name} is not in the tool manifest: run `make snapshots`")
        tools.append(to_mcp(spec, known["inputSchema"], known["outputSchema"]))
    server = CalendlyServer(
        name="calendly",
        title="Calendly",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        tools=tools,
        # The SDK configures logging from this when nothing else has; stderr only, quiet by default.
        log_level=log_level,
        subscriptions=hub.bus,
    )
    server.inbox = hub
    inbox.register(server, hub)
    return server


def _bus(database: Database) -> SubscriptionBus:
    """Resource notifications: within the process, or across every replica sharing PostgreSQL."""
    if database.dialect == "postgresql":
        from calendly_mcp.bookings import new_owner

        return PostgresBus(database, new_owner())
    return InMemorySubscriptionBus()
