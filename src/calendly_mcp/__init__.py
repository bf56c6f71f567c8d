"""calendly-mcp: an MCP server for Calendly, through the Maton gateway or directly."""

__version__ = "0.1.0"
