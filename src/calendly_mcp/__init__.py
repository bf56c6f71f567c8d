"""calendly-mcp: an MCP server for Calendly, through the Maton gateway or directly."""
