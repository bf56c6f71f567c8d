"""The `calendly-mcp` command: serve (default), sandbox, demo, check.

A flag means the same wherever it stands: `calendly-mcp --read-only serve` and `calendly-mcp serve
--read-only` are one thing. Every flag is parsed without a default (argparse would otherwise let a
subcommand's defaults overwrite what was given before it); defaults are filled in afterwards, per
command, and a flag the chosen command cannot honour is an error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, NoReturn

from calendly_mcp import __version__

TRANSPORTS = ("stdio", "sse", "streamable-http")
COMMANDS = ("serve", "sandbox", "demo", "check")
# Which flags each command takes, and their defaults there (`log_level` is everyone's).
DEFAULTS: dict[str, dict[str, Any]] = {
    "serve": {
        "transport": "stdio",
        "host": "127.0.0.1",
        "port": 8000,
        "sandbox": False,
        "read_only": False,
        "toolsets": None,
        "allow_remote": False,
        "allowed_host": [],
    },
    "sandbox": {"host": "127.0.0.1", "port": 8765, "token": None, "maton_key": None},
    "demo": {},
    "check": {"sandbox": False},
}


MAX_PORT = 65535


class _Parser(argparse.ArgumentParser):
    """One line on stderr for a usage error, and an epilog computed only when --help asks for it."""

    epilog_factory: Callable[[], str] | None = None

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}; try `{self.prog} --help`\n")

    def format_help(self) -> str:
        if self.epilog_factory is not None and self.epilog is None:
            self.epilog = self.epilog_factory()
        return super().format_help()


def _help_epilog() -> str:
    """The environment variables (from the settings model) and the toolsets (from the registry)."""
    import textwrap

    from calendly_mcp.settings import variables
    from calendly_mcp.tools.selection import default_names, names

    DEFAULT, NAMES = default_names(), names()
    rows = variables()
    width = max(len(v.name) for v in rows)
    lines = ["environment variables (also read from ./.env):"]
    for v in rows:
        default = f" [default: {v.default}]" if v.default is not None else ""
        lines.append(f"  {v.name:<{width}}  {v.description}{default}")
    default = "every toolset" if set(DEFAULT) == set(NAMES) else ", ".join(DEFAULT)
    toolsets = f"{', '.join(NAMES)}; `default` ({default}) and `all` combine with them."
    lines += [
        "",
        "toolsets (--toolsets or CALENDLY_MCP_TOOLSETS, a comma list):",
        *textwrap.wrap(toolsets, 100, initial_indent="  ", subsequent_indent="  "),
        "",
        "One credential is needed: MATON_API_KEY (Maton gateway) or CALENDLY_API_TOKEN (direct);",
        "`calendly-mcp check` tells which is in force; `--sandbox` needs none.",
    ]
    return "\n".join(lines)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-{MAX_PORT}; 0 picks a free one)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="calendly-mcp",
        description="An MCP server for Calendly (Maton gateway or direct).",
        argument_default=argparse.SUPPRESS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.epilog_factory = _help_epilog
    parser.add_argument("--version", action="version", version=f"calendly-mcp {__version__}")
    _common_flags(parser)
    _serve_flags(parser)  # `calendly-mcp --sandbox` works without the word `serve`
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser(
        "serve",
        help="serve the tools (default)",
        argument_default=argparse.SUPPRESS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.epilog_factory = _help_epilog
    _common_flags(serve)
    _serve_flags(serve)

    box = sub.add_parser(
        "sandbox", help="run the simulated Calendly + Maton alone", argument_default=argparse.SUPPRESS
    )
    _common_flags(box)
    _address_flags(box, port=8765)
    box.add_argument("--token", help="Calendly token it accepts (default sandbox-token)")
    box.add_argument("--maton-key", help="Maton key it accepts (default sandbox-key)")

    demo = sub.add_parser(
        "demo", help="a scripted agent session on the sandbox, printed", argument_default=argparse.SUPPRESS
    )
    _common_flags(demo)
    check = sub.add_parser(
        "check", help="is the setup right? mode, credential, /users/me", argument_default=argparse.SUPPRESS
    )
    _common_flags(check)
    check.add_argument("--sandbox", action="store_true", help="check against the embedded sandbox")
    return parser


def _common_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="default WARNING")


def _address_flags(parser: argparse.ArgumentParser, *, port: int) -> None:
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, help=f"port to listen on (default {port}; 0: a free one)")


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--transport", choices=TRANSPORTS, help="default stdio")
    _address_flags(parser, port=8000)
    parser.add_argument("--sandbox", action="store_true", help="serve against an embedded sandbox")
    parser.add_argument("--read-only", action="store_true", help="expose only tools that change nothing")
    parser.add_argument("--toolsets", help="comma list of toolsets to expose (default, all, or names)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="serve HTTP on a non-loopback address without CALENDLY_MCP_AUTH_TOKEN (something else authenticates)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a Host name clients use (needed when not on loopback; repeatable; adds to CALENDLY_MCP_ALLOWED_HOSTS)",
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line with every default filled in for its command; exits on a flag it cannot honour."""
    parser = _parser()
    given = vars(parser.parse_args(argv))
    command = given.pop("command", None) or "serve"
    log_level = given.pop("log_level", "WARNING")
    allowed = DEFAULTS[command]
    foreign = sorted(name for name in given if name not in allowed)
    if foreign:
        flags = ", ".join("--" + name.replace("_", "-") for name in foreign)
        parser.error(f"{flags} {'does' if len(foreign) == 1 else 'do'} not apply to `{command}`")
    return argparse.Namespace(command=command, log_level=log_level, **(allowed | given))


def main(argv: Sequence[str] | None = None) -> None:
    with _collector_paused() as started:
        args = parse_args(argv)
        # stderr only: on stdio, stdout carries nothing but protocol messages.
        logging.basicConfig(
            stream=sys.stderr, level=args.log_level, format="%(levelname)s %(name)s: %(message)s"
        )
        from calendly_mcp.server.http import CannotServe

        try:
            sys.exit(_run(args, started))
        except CannotServe as exc:
            sys.exit(f"calendly-mcp: {exc}")


@contextlib.contextmanager
def _collector_paused() -> Generator[Callable[[], None]]:
    """The cyclic garbage collector off while the server starts; the callable it gives ends the pause.

    Start-up builds some 136,000 tracked objects (the SDK's and pydantic's models), of which about 1,200
    are garbage, and the collector's ~190 passes over them were a tenth of cold start (76 of 705 ms in
    importing the SDK alone). Once the server is built, what start-up made is frozen (later collections
    skip it: it lives as long as the process) and collection resumes; it resumes too on any other way
    out.
    """
    was_enabled = gc.isenabled()
    gc.disable()

    def started() -> None:
        gc.freeze()
        if was_enabled:
            gc.enable()

    try:
        yield started
    finally:
        if was_enabled:
            gc.enable()


def _run(args: argparse.Namespace, started: Callable[[], None]) -> int:
    """The chosen command; returns the exit code (130 after Ctrl-C on a server). `started` is called
    once the server is built (see `_collector_paused`)."""
    if args.command != "serve":
        started()
    if args.command == "sandbox":
        return _run_sandbox(args)
    if args.command == "demo":
        from calendly_mcp.server.demo import run_demo

        run_demo()
        return 0

    settings = _load_settings(args)
    if args.command == "check":
        from calendly_mcp.server.check import run_check

        return run_check(settings, sandbox=args.sandbox)

    from calendly_mcp.server.app import build_server
    from calendly_mcp.tools.selection import SelectionError

    lifespan_closed = threading.Event()
    try:
        server = build_server(
            settings, sandbox=args.sandbox, log_level=args.log_level, on_close=lifespan_closed.set
        )
    except SelectionError as exc:
        sys.exit(f"calendly-mcp: {exc}")
    started()
    if args.transport == "stdio":
        from calendly_mcp.server.stdio import run_stdio

        return run_stdio(server, lifespan_closed)
    from calendly_mcp.server.http import RefusedToServe, serve_http

    try:
        return serve_http(
            server,
            args.transport,
            args.host,
            args.port,
            auth_token=settings.calendly_mcp_auth_token,
            allow_remote=args.allow_remote,
            allowed_hosts=[*settings.calendly_mcp_allowed_hosts, *args.allowed_host],
            max_sessions=settings.calendly_mcp_max_sessions,
            session_idle_seconds=settings.calendly_mcp_session_idle_seconds,
            slow_request_seconds=settings.calendly_mcp_slow_request_seconds,
        )
    except RefusedToServe as exc:
        sys.exit(f"calendly-mcp: {exc}")


def _run_sandbox(args: argparse.Namespace) -> int:
    from calendly_mcp.sandbox import SandboxConfig, serve
    from calendly_mcp.server.http import INTERRUPTED, listen

    config = SandboxConfig()
    if args.token:
        config.calendly_token = args.token
    if args.maton_key:
        config.maton_key = args.maton_key
    sock = listen(args.host, args.port)
    try:
        serve(args.host, sock.getsockname()[1], config, sock=sock)
    except KeyboardInterrupt:  # after a graceful shutdown, as uvicorn does
        return INTERRUPTED
    return 0


def _load_settings(args: argparse.Namespace):  # -> Settings, imported lazily with pydantic-settings
    from pydantic import ValidationError

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
