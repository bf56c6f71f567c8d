"""External MCP clients as judges: the MCP Inspector CLI and the official conformance suite (npm)."""
