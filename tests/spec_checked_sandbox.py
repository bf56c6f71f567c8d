"""The sandbox of `calendly-mcp sandbox`, with every Calendly API answer checked against Calendly's spec.

The MCP-level tests run their sandbox process from here (tests/conftest.py), so an operation is checked
against the OpenAPI spec (tests/data/openapi) as soon as any test calls it, not only where
tests/sandbox/test_openapi.py checks it by hand. Each answer of the Calendly API, at / and through Maton's
gateway at /calendly/, is validated with `sandbox.openapi.validate_response` once it has been sent; what
the spec does not allow is kept in memory (POST /_sandbox/reset does not clear it), for the session's end:

    GET /_spec/violations   [{"method", "path", "status", "error"}, ...]
    GET /_spec/checked      {"checked": answers validated, "skipped": API answers not validated}

Not validated: the sandbox's controls (/_sandbox/), Maton's connection API (/connections: Maton has no
spec) and Maton's own refusals at the gateway, answers an injected fault produced or damaged, HEAD, 204,
and bodies that are not JSON.

    python tests/spec_checked_sandbox.py --port 8765 [--host 127.0.0.1] [--token T] [--maton-key K]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import dataclass, field
from typing import Any

import anyio
import jsonschema
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calendly_mcp.sandbox import SandboxApp, SandboxConfig, create_app, serve_app
from calendly_mcp.sandbox.core import CALLER_KEY, RECORD_KEY, RequestRecord
from calendly_mcp.sandbox.frontdoor import door_of
from sandbox.openapi import path_template, validate_response

GATEWAY_PREFIX = "/calendly"

# Answers of today's sandbox that the spec does not allow, known and kept: (method, the spec's path
# template, status), each with a comment saying why.
ALLOWED: frozenset[tuple[str, str, int]] = frozenset(
    {
        # Sample data of contact.created, contact.updated and meeting_recap.created cannot be valid: the
        # spec's WebhookPayload.payload is a oneOf whose contact.created and contact.updated schemas are
        # the same and whose meeting_recap.updated schema takes every meeting_recap.created payload.
        # tests/sandbox/test_no_shows.py checks every event's sample (those three against their own schema).
        ("GET", "/sample_webhook_data", 200),
    }
)


def check(method: str, path: str, status: int, body: bytes) -> dict[str, Any] | None:
    """What is wrong with this Calendly answer by the spec, or None. `path` is Calendly's (no /calendly)."""
    try:
        validate_response(method, path, status, json.loads(body))
    except ValueError:  # json.loads
        problem = "the body is labelled JSON but does not parse"
    except jsonschema.ValidationError as error:
        problem = f"{error.json_path}: {error.message}"
    except KeyError as error:  # a path, method or status the spec does not have
        problem = str(error.args[0] if error.args else error)
    else:
        return None
    if (method, _template(path), status) in ALLOWED:
        return None
    return {"method": method, "path": path, "status": status, "error": _shorten(problem)}


def _template(path: str) -> str:
    try:
        return path_template(path)
    except KeyError:
        return path


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Answer:
    """An answer as it goes out: its status, whether it says it is JSON, and then its body."""

    status: int | None = None
    is_json: bool = False
    body: bytearray = field(default_factory=bytearray)

    def keep(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
            self.is_json = content_type.split(";")[0].strip().endswith("json")
        elif message["type"] == "http.response.body" and self.is_json:
            self.body += message.get("body", b"")


class SpecCheck:
    """ASGI middleware: validates each Calendly answer after it is sent; serves /_spec/ with the results."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.violations: list[dict[str, Any]] = []
        self.checked = 0
        self.skipped = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/_spec/"):
            await self.results(path)(scope, receive, send)
            return
        door = door_of(path) if scope["type"] == "http" else None
        if door not in ("direct", "gateway"):  # lifespan, controls, Maton's connection API
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        answer = _Answer()

        async def capture(message: Message) -> None:
            answer.keep(message)
            await send(message)

        await self.app(scope, receive, capture)
        record: RequestRecord | None = scope.get(RECORD_KEY)
        if (
            answer.status is None  # a fault answered on the server's own `send` (or dropped the connection)
            or record is None
            or record.faulted
            or method == "HEAD"
            or answer.status == 204
            or not answer.is_json
            # Maton's own refusals (key, connection) never reach Calendly, which names the caller; the
            # rate limit in front of both doors is Calendly's.
            or (door == "gateway" and CALLER_KEY not in scope and answer.status != 429)
        ):
            self.skipped += 1
            return
        self.checked += 1
        calendly_path = path.removeprefix(GATEWAY_PREFIX) if door == "gateway" else path
        found = check(method, calendly_path, answer.status, bytes(answer.body))
        if found is not None:
            self.violations.append(found)

    def results(self, path: str) -> JSONResponse:
        if path == "/_spec/violations":
            return JSONResponse(self.violations)
        if path == "/_spec/checked":
            return JSONResponse({"checked": self.checked, "skipped": self.skipped})
        return JSONResponse({"error": f"no such control: {path}"}, status_code=404)


def create_checked_app(config: SandboxConfig | None = None) -> SandboxApp:
    """The sandbox app with SpecCheck inside it, in front of its front door.

    Inside, not around it: SandboxApp hands its own `send` to the faults that drop a connection, and that
    must stay the server's. Faults that answer on it bypass SpecCheck, which is what it wants anyway.
    """
    app = create_app(config)
    app.add_middleware(SpecCheck)
    return app


async def _serve(host: str, port: int, config: SandboxConfig) -> None:
    async with serve_app(create_checked_app(config), host, port) as url:
        print(
            f"spec-checked Calendly sandbox at {url} (results at {url}/_spec/)", file=sys.stderr, flush=True
        )
        await anyio.sleep_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", help="Calendly token it accepts (default sandbox-token)")
    parser.add_argument("--maton-key", help="Maton key it accepts (default sandbox-key)")
    args = parser.parse_args(argv)
    config = SandboxConfig()
    if args.token:
        config.calendly_token = args.token
    if args.maton_key:
        config.maton_key = args.maton_key
    with contextlib.suppress(KeyboardInterrupt):
        anyio.run(_serve, args.host, args.port, config)


if __name__ == "__main__":
    main()
