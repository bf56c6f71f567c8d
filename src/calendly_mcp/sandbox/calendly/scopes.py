"""The OAuth scope each Calendly operation requires, and the check that refuses a credential without it.

Calendly added scopes on 2026-03-03; a token is granted only what was ticked when it was made. The table
(`scopes.json` beside this module) is read from the "Required scopes" note of each operation in Calendly's
2026-10 OpenAPI spec (tests/sandbox/test_scopes.py checks it still says the same). The sandbox grants
every scope until a test narrows them (`POST /_sandbox/scopes`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from ..core import Sandbox
from .error_bodies import CalendlyError, error_response

TABLE = Path(__file__).with_name("scopes.json")


@cache
def _routes() -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path pattern, scope), literal paths before templated ones (so that
    /contacts/custom_field_definitions is not read as /contacts/{uuid})."""
    table: dict[str, str] = json.loads(TABLE.read_text(encoding="utf-8"))["operations"]
    routes: list[tuple[int, str, re.Pattern[str], str]] = []
    for operation, scope in table.items():
        method, template = operation.split(" ", 1)
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
        routes.append((template.count("{"), method, re.compile(f"^{pattern}$"), scope))
    routes.sort(key=lambda route: route[0])
    return [(method, pattern, scope) for _, method, pattern, scope in routes]


def required_scope(method: str, path: str) -> str | None:
    for wanted, pattern, scope in _routes():
        if wanted == method and pattern.match(path):
            return scope
    return None


def insufficient_scope(scope: str) -> CalendlyError:
    error = CalendlyError(
        403, "Insufficient scope", "This operation requires the scopes listed in the 'required_scopes' array."
    )
    error.extra["required_scopes"] = [scope]
    return error


class ScopeCheck:
    """In front of the Calendly routes: 403 "Insufficient scope" when the credential lacks the
    operation's scope, as Calendly answers it."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        self.sandbox = sandbox
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        granted = self.sandbox.store.granted_scopes
        if scope["type"] == "http" and granted is not None:
            # Behind Maton's door the app is mounted under /calendly: match the path below the mount.
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            needed = required_scope(scope["method"], path[len(root) :] if path.startswith(root) else path)
            if needed is not None and needed not in granted:
                await error_response(insufficient_scope(needed))(scope, receive, send)
                return
        await self.app(scope, receive, send)
