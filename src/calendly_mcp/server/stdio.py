"""Serving stdio from the command line: until stdin closes, or one Ctrl-C (SIGINT) or SIGTERM.

The SDK reads stdin in a worker thread, and no cancellation can interrupt a thread blocked in a read: after
a Ctrl-C the server would wait for the next line (a second Ctrl-C, then Enter at interpreter exit, with a
traceback between). So a signal cancels the server, whose lifespan then closes the embedded sandbox and
the HTTP pool, and once that is done (or after CLEANUP_SECONDS) the process leaves at once with 128 +
the signal's number, without waiting for the reader.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer

CLEANUP_SECONDS = 5.0


def run_stdio(server: MCPServer[Any], lifespan_closed: threading.Event) -> int:
    """Serve `server` on stdio; 0 when stdin closed. On a signal the process exits from here.

    `lifespan_closed` is set by the server's lifespan when it has closed (build_server's on_close).
    """
    return anyio.run(_serve, server, lifespan_closed)


async def _serve(server: MCPServer[Any], lifespan_closed: threading.Event) -> int:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with anyio.create_task_group() as tasks:
            serving = anyio.CancelScope()

            async def serve() -> None:
                with serving:
                    await server.run_stdio_async()
                tasks.cancel_scope.cancel()  # stdin closed: stop listening for signals

            tasks.start_soon(serve)
            async for signum in signals:
                serving.cancel()
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(lifespan_closed.wait, CLEANUP_SECONDS)
                _leave(128 + signum)
    return 0


def _leave(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    # Not sys.exit: interpreter shutdown would join the SDK's stdin thread, which waits for a line.
    os._exit(code)
