"""The Calendly API v2 as one Starlette app: every route the sandbox serves and Calendly's error bodies."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..core import Sandbox
from .error_bodies import CalendlyError, error_response, not_found
from .routes import calendly_routes
from .scopes import ScopeCheck


async def _calendly_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CalendlyError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and unsupported methods get Calendly's 404 body, as Calendly answers them.
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error_response(not_found() if status in (404, 405) else CalendlyError(status, "Error", str(exc)))


def calendly_app(sandbox: Sandbox) -> ScopeCheck:
    app = Starlette(
        routes=calendly_routes(sandbox),
        exception_handlers={CalendlyError: _calendly_error, HTTPException: _http_error},
    )
    # Calendly does not redirect "/users/me/" to "/users/me"; it answers 404.
    app.router.redirect_slashes = False
    return ScopeCheck(sandbox, app)
