"""`python -m calendly_mcp`."""

from calendly_mcp.server.cli import main

main()
