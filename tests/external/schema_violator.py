"""A deliberately wrong MCP server (stdio) whose tools' structuredContent breaks their own outputSchema.

The Inspector test runs it to prove the Inspector's output validation (ajv, with formats) really fails a
call, so that its silence on calendly-mcp means something.
"""

from __future__ import annotations

from typing import Any

import anyio
from mcp import types
from mcp.server.lowlevel.server import Server
from mcp.server.stdio import stdio_server

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"start_time": {"type": "string", "format": "date-time"}, "count": {"type": "integer"}},
    "required": ["start_time", "count"],
}
RESULTS: dict[str, dict[str, Any]] = {
    "wrong_type": {"start_time": "2024-01-01T00:00:00Z", "count": "three"},
    "wrong_format": {"start_time": "yesterday", "count": 3},
    "right": {"start_time": "2024-01-01T00:00:00Z", "count": 3},
}


async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
    tools = [types.Tool(name=name, input_schema={"type": "object"}, output_schema=SCHEMA) for name in RESULTS]
    return types.ListToolsResult(tools=tools)


async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
    result = RESULTS[params.name]
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=str(result))], structured_content=result
    )


async def main() -> None:
    server = Server("schema-violator", on_list_tools=list_tools, on_call_tool=call_tool)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
