# calendly-mcp over streamable HTTP. Build: docker build -t calendly-mcp .
# Run:   docker run -p 8000:8000 -e MATON_API_KEY=... -e CALENDLY_MCP_AUTH_TOKEN=... calendly-mcp
# Clients then send `Authorization: Bearer <token>` to http://localhost:8000/mcp. Behind a named host, add
# -e CALENDLY_MCP_ALLOWED_HOSTS=mcp.example.com (Host/Origin checks stay on). Without a token it refuses
# to start: anyone who reaches the port could otherwise book and cancel meetings.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CALENDLY_MCP_ALLOWED_HOSTS=localhost,127.0.0.1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . && useradd --create-home --uid 10001 app

USER app
EXPOSE 8000
# Bound to all interfaces inside the container; publish the port only where it should be reachable.
CMD ["calendly-mcp", "serve", "--transport", "streamable-http", "--host", "0.0.0.0", "--port", "8000"]
