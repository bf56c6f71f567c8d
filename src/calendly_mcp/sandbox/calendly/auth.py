"""Calendly's own door: a personal access token, acting as the organization's owner."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core import CALLER_KEY, Sandbox
from .error_bodies import error_response, unauthenticated


def bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class DirectAuth:
    """Lets a request with the sandbox's Calendly token through, as the owner; anything else is a 401."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        self.sandbox = sandbox
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if bearer(Headers(scope=scope)) != self.sandbox.config.calendly_token:
            await error_response(unauthenticated())(scope, receive, send)
            return
        scope[CALLER_KEY] = self.sandbox.store.owner.uuid
        await self.app(scope, receive, send)
