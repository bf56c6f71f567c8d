"""The sandbox as one Starlette application: Calendly, the Maton gateway, Maton's connections, controls."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.types import Receive, Scope, Send

from .calendar_controls import calendar_routes
from .calendly.application import calendly_app
from .calendly.auth import DirectAuth
from .calendly.routes.links import link_pages
from .config import SandboxConfig
from .controls import control_routes
from .core import RAW_SEND_KEY, Sandbox
from .frontdoor import FrontDoor
from .maton.connections import connection_routes
from .maton.gateway_door import MatonGateway


class SandboxApp(Starlette):
    """A Starlette app that remembers the server's own `send`, which a dropped-connection fault needs."""

    sandbox: Sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[RAW_SEND_KEY] = send
        await super().__call__(scope, receive, send)


def create_app(config: SandboxConfig | None = None) -> SandboxApp:
    sandbox = Sandbox(config or SandboxConfig())
    calendly = calendly_app(sandbox)
    routes: list[BaseRoute] = [
        *control_routes(sandbox),
        *calendar_routes(sandbox),
        *connection_routes(sandbox),
        *link_pages(sandbox),  # the pages single-use links open: no credentials, as on calendly.com
        Mount("/calendly", app=MatonGateway(sandbox, calendly)),
        Mount("", app=DirectAuth(sandbox, calendly)),
    ]
    app = SandboxApp(
        routes=routes,
        middleware=[Middleware(FrontDoor, sandbox=sandbox)],
        # The lifespan owns the webhook deliveries' tasks, so none outlives the app.
        lifespan=lambda _app: sandbox.deliveries.running(),
    )
    app.router.redirect_slashes = False
    app.sandbox = sandbox
    app.state.sandbox = sandbox
    return app
