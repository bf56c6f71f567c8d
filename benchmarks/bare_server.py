"""The baseline for cold start: a bare mcp 2.x MCPServer with one tool, on stdio.

With `--collector-paused` it starts as calendly-mcp does (the cyclic collector off until the server is
built, start-up's objects then frozen): the like-for-like baseline, so the benchmark can show both what
a user gains over the SDK's default and what our own start-up costs on top of the same trick.
"""

import gc
import sys

PAUSED = "--collector-paused" in sys.argv
if PAUSED:
    gc.disable()

from mcp.server.mcpserver import MCPServer  # noqa: E402  (after the collector is paused)

server = MCPServer("bare", log_level="WARNING")


@server.tool()
async def echo(text: str) -> str:
    """Echo the text."""
    return text


if __name__ == "__main__":
    if PAUSED:
        gc.freeze()
        gc.enable()
    server.run()
