"""Assembly: the MCP server, its tools, and the lifespan that owns the one HTTP client."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncGenerator, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Literal

from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.subscriptions import InMemorySubscriptionBus, SubscriptionBus
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult
from mcp.types import Tool as MCPTool
from pydantic import AnyUrl, SecretStr, ValidationError

from calendly_mcp import __version__
from calendly_mcp.client.client import CalendlyClient, Endpoint, HttpPool
from calendly_mcp.database import Database
from calendly_mcp.inbox import Address
from calendly_mcp.server import inbox, resources
from calendly_mcp.server.inbox import Hub, PostgresBus
from calendly_mcp.server.resume import request_state_security
from calendly_mcp.settings import Settings
from calendly_mcp.state import AppState
from calendly_mcp.tools import selection
from calendly_mcp.tools._listed import listed, load

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
logger = logging.getLogger(__name__)

# After the first tools/list, once this long idle, the tools' modules are imported in the background (see
# _WarmUp): a model takes seconds to choose its first call, which then finds its module loaded.
WARM_UP_DELAY = 0.2

INSTRUCTIONS = (
    "Work a Calendly account: users, event types (and, with the admin toolsets, their settings), "
    "meetings and invitees (cancel, no-shows), booking in an offered slot and single-use links, free and "
    "busy times, the organization (members, invitations, groups, teams), webhooks, and with other "
    "toolsets contacts, routing forms, meeting recaps, the activity log and data deletion; through the "
    "Maton gateway, its connections. Every id argument takes the bare id or the full "
    "https://api.calendly.com/... URI an answer gave. Times are ISO 8601 with an offset or Z; answers give "
    "each time in UTC and in a named zone (*_local). Free slots: 7 days a call with "
    "list_event_type_available_times, up to 92 days with find_available_times; busy times: 7 days a call. "
    "Lists take count (the page size) and return next_page_token; pass it back as page_token for the next page. Book only a start_time "
    "a slot list returned."
)


class CalendlyServer(MCPServer[AppState]):
    """The SDK's server, with every tool failure worded for the model that reads it.

    The SDK puts "Error executing tool X: " before each tool error, and answers refused arguments with
    pydantic's report. Both are rewritten here, in the one place every call passes: the model reads our
    text first, and nothing of the validator's internals.
    """

    inbox: Hub | None = None  # the webhook inbox of this process (build_server sets it)

    def __init__(self, *, tools: list[Tool], modules: dict[str, str], **options: Any) -> None:
        """`modules`: for each tool, the module that declares it, imported on its first call."""
        super().__init__(tools=tools, **options)
        self._input_schemas = {tool.name: tool.parameters for tool in tools}
        self._unloaded = dict(modules)
        self._warm_up: _WarmUp | None = None

    async def list_tools(self) -> list[MCPTool]:
        listed = await super().list_tools()
        if self._warm_up is None and self._unloaded:
            self._warm_up = _WarmUp(sorted(set(self._unloaded.values())))
            self._warm_up.start()
        return listed

    @property
    def warming_up(self) -> bool:
        """Whether the background imports (see `_WarmUp`) are still to finish."""
        return self._warm_up is not None and self._warm_up.is_alive()

    def _settle_warm_up(self) -> None:
        warm_up = self._warm_up
        if warm_up is not None and warm_up.is_alive():  # once it has ended, every call skips this
            warm_up.settle()

    def load_tool(self, name: str) -> Tool | None:
        """The served tool with its handler and models loaded (on its first call; no await in between,
        so two first calls at once load it once)."""
        self._settle_warm_up()
        tool = self._tool_manager.get_tool(name)
        module = self._unloaded.get(name)
        if tool is not None and module is not None:
            load(tool, module)
            del self._unloaded[name]
        return tool

    async def read_resource(
        self, uri: AnyUrl | str, context: Context[AppState, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        """Our static resources read with the request's context (the SDK gives them none)."""
        self._settle_warm_up()
        if context is not None:
            content = await resources.read(str(uri), context)
            if content is not None:
                return [ReadResourceContents(content=content, mime_type=resources.JSON_TYPE)]
        return await super().read_resource(uri, context)

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[AppState, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        """An unknown prompt or argument, or a missing one, refused in words (the SDK answers "Internal
        server error" to the newer protocol's clients)."""
        self._settle_warm_up()
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            known = ", ".join(sorted(p.name for p in self._prompt_manager.list_prompts()))
            raise MCPError(code=INVALID_PARAMS, message=f"No prompt {name!r}; the prompts are {known}")
        expected = {a.name: a.required for a in prompt.arguments or []}
        given = set(arguments or {})
        if missing := sorted(n for n, required in expected.items() if required and n not in given):
            raise MCPError(code=INVALID_PARAMS, message=f"Prompt {name} needs {', '.join(missing)}")
        if unknown := sorted(given - set(expected)):
            accepted = ", ".join(expected) or "none"
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"Prompt {name} takes no {', '.join(unknown)}; it takes {accepted}",
            )
        return await super().get_prompt(name, arguments, context)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[AppState, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        self.load_tool(name)
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise  # a crash: the SDK logs it with its traceback and tells the model nothing more
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError):
                from calendly_mcp.tools._wording import argument_errors

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


class _WarmUp(threading.Thread):
    """Imports the tools' modules (and what converts them) ahead of their first calls, once the server
    has been idle for WARM_UP_DELAY after its first tools/list. Any request stops it: `settle` waits at
    most for the module being imported, so two threads never import at once (a concurrent circular import
    could hand one of them a half-made module) and a quick first call waits for no other tool's module."""

    def __init__(self, modules: list[str]) -> None:
        super().__init__(name="calendly-mcp warm-up", daemon=True)
        self._modules = ["calendly_mcp.tools._mcp", *modules]
        self._stopping = threading.Event()

    def run(self) -> None:
        if self._stopping.wait(WARM_UP_DELAY):
            return
        for module in self._modules:
            if self._stopping.is_set():
                return
            try:
                importlib.import_module(module)
            except Exception:
                # Left for the tool's first call, which imports it again and says what failed.
                logger.debug("warming up %s failed", module, exc_info=True)
                return

    def settle(self) -> None:
        self._stopping.set()
        self.join()


def build_server(
    settings: Settings,
    *,
    sandbox: bool = False,
    log_level: LogLevel = "WARNING",
    on_close: Callable[[], None] | None = None,
) -> CalendlyServer:
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

    # From the committed manifest alone: each tool's module is imported on its first call.
    entries = selection.select(settings)
    server = CalendlyServer(
        name="calendly",
        title="Calendly",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        tools=[listed(e.definition) for e in entries],
        modules={e.name: e.module for e in entries},
        # The SDK configures logging from this when nothing else has; stderr only, quiet by default.
        log_level=log_level,
        cache_hints=resources.CACHE_HINTS,
        request_state_security=request_state_security(database),
        subscriptions=hub.bus,
    )
    server.inbox = hub
    resources.register(server)
    inbox.register(server, hub)
    return server


def _bus(database: Database) -> SubscriptionBus:
    """Resource notifications: within the process, or across every replica sharing PostgreSQL."""
    if database.dialect == "postgresql":
        from calendly_mcp.bookings import new_owner

        return PostgresBus(database, new_owner())
    return InMemorySubscriptionBus()
