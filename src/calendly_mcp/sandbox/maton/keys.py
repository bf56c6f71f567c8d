"""Maton's API key check and its error bodies, shared by the gateway and the connection API."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from ..calendly.auth import bearer
from ..core import Sandbox


def maton_error(status: int, message: str) -> JSONResponse:
    # Maton does not publish its error bodies; clients are expected to show them as they are.
    return JSONResponse({"error": message}, status_code=status)


def maton_key_error(sandbox: Sandbox, headers: Headers) -> JSONResponse | None:
    key = bearer(headers)
    if key is None:
        return maton_error(401, "Missing Maton API key: send Authorization: Bearer <MATON_API_KEY>.")
    if key != sandbox.config.maton_key:
        return maton_error(401, "Invalid Maton API key.")
    return None
