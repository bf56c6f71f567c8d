"""A second baseline for per-call cost: a bare MCPServer tool that makes the same GET and returns its body.

The difference between this and calendly-mcp is what our own layers (checks, retries, models, structured
output) add; the difference between this and raw HTTP is the SDK's and stdio's floor.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
from mcp.server.mcpserver import Context, MCPServer


@asynccontextmanager
async def lifespan(_: MCPServer) -> AsyncIterator[httpx2.AsyncClient]:
    headers = {"Authorization": f"Bearer {os.environ['CALENDLY_API_TOKEN']}"}
    async with httpx2.AsyncClient(base_url=os.environ["CALENDLY_API_URL"], headers=headers) as http:
        yield http


server = MCPServer("bare-proxy", lifespan=lifespan, log_level="WARNING")


@server.tool()
async def get(path: str, ctx: Context) -> str:
    """GET a path and return the body."""
    http: httpx2.AsyncClient = ctx.request_context.lifespan_context
    return (await http.get(path)).text


if __name__ == "__main__":
    server.run()
