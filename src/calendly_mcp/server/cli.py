"""The `calendly-mcp` command: serve (default), sandbox, demo, check."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

TRANSPORTS = ("stdio", "sse", "streamable-http")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calendly-mcp", description="An MCP server for Calendly (Maton gateway or direct)."
    )
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="serve the tools (default)")
    _serve_flags(serve)
    _serve_flags(parser)  # `calendly-mcp --sandbox` works without the word `serve`

    box = sub.add_parser("sandbox", help="run the simulated Calendly + Maton alone")
    box.add_argument("--host", default="127.0.0.1")
    box.add_argument("--port", type=int, default=8765)
    box.add_argument("--token", default=None, help="Calendly token it accepts (default sandbox-token)")
    box.add_argument("--maton-key", default=None, help="Maton key it accepts (default sandbox-key)")

    sub.add_parser("demo", help="a scripted agent session on the sandbox, printed")
    check = sub.add_parser("check", help="is the setup right? mode, credential, /users/me")
    check.add_argument("--sandbox", action="store_true", help="check against the embedded sandbox")
    return parser


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--transport", choices=TRANSPORTS, default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--sandbox", action="store_true", help="serve against an embedded sandbox")
    parser.add_argument("--read-only", action="store_true", help="expose only tools that change nothing")
    parser.add_argument("--toolsets", default=None, help="comma list of toolsets to expose")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="serve HTTP on a non-loopback address without CALENDLY_MCP_AUTH_TOKEN (something else authenticates)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[h.strip() for h in os.environ.get("CALENDLY_MCP_ALLOWED_HOSTS", "").split(",") if h.strip()],
        metavar="NAME",
        help="a Host name clients use (needed when not on loopback; repeatable; env CALENDLY_MCP_ALLOWED_HOSTS)",
    )


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    # stderr only: on stdio, stdout carries nothing but protocol messages.
    logging.basicConfig(stream=sys.stderr, level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    command = args.command or "serve"
    if command == "sandbox":
        from calendly_mcp.sandbox import SandboxConfig, serve

        config = SandboxConfig()
        if args.token:
            config.calendly_token = args.token
        if args.maton_key:
            config.maton_key = args.maton_key
        serve(args.host, args.port, config)
        return
    if command == "demo":
        from calendly_mcp.server.demo import run_demo

        run_demo()
        return

    settings = _load_settings(args)
    if command == "check":
        from calendly_mcp.server.check import run_check

        sys.exit(run_check(settings, sandbox=args.sandbox))

    from calendly_mcp.server.app import build_server

    server = build_server(settings, sandbox=args.sandbox, log_level=args.log_level)
    if args.transport == "stdio":
        server.run()
        return
    from calendly_mcp.server.http import RefusedToServe, serve_http

    try:
        serve_http(
            server,
            args.transport,
            args.host,
            args.port,
            auth_token=settings.calendly_mcp_auth_token,
            allow_remote=args.allow_remote,
            allowed_hosts=args.allowed_host,
        )
    except RefusedToServe as exc:
        sys.exit(f"calendly-mcp: {exc}")


def _load_settings(args: argparse.Namespace):  # -> Settings, imported lazily with pydantic-settings
    from calendly_mcp.settings import Settings

    overrides: dict[str, object] = {}
    if getattr(args, "read_only", False):
        overrides["calendly_mcp_read_only"] = True
    if getattr(args, "toolsets", None):
        overrides["calendly_mcp_toolsets"] = args.toolsets
    try:
        return Settings(**overrides)  # pyright: ignore[reportArgumentType]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        sys.exit(f"calendly-mcp: bad setting: {problems}")
