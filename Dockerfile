# calendly-mcp over streamable HTTP, on Debian's own Python (bookworm: 3.11), as a non-root user.
#
#   docker build -t calendly-mcp-server .            (without a Docker engine: buildah bud -t calendly-mcp-server .)
#   docker run --rm -p 127.0.0.1:8000:8000 -e MATON_API_KEY=... -e CALENDLY_MCP_AUTH_TOKEN=... calendly-mcp-server
#   docker run --rm calendly-mcp-server check --sandbox       # any subcommand: the entrypoint is calendly-mcp
#
# Clients then send `Authorization: Bearer <token>` to http://localhost:8000/mcp. Behind a named host, add
# -e CALENDLY_MCP_ALLOWED_HOSTS=mcp.example.com (Host/Origin checks stay on). Without the token it refuses
# to start: anyone who reaches the port could otherwise book and cancel meetings. Every Python dependency is
# pinned (docker/requirements.txt, docker/build-requirements.txt). BASE_IMAGE is any Debian bookworm image
# (tests/test_container.py builds one with debootstrap, as no registry is reachable there).
#
# Behind a TLS-inspecting proxy, give pip the proxy's CA bundle for the build only (it is not kept in the
# image): docker build --secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt ... (buildah bud: the same).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${BASE_IMAGE} AS runtime-base
ENV DEBIAN_FRONTEND=noninteractive
# ca-certificates: the HTTPS trust store (truststore reads the system's); python3-venv: a venv, since
# Debian's own Python refuses pip installs outside one (PEP 668).
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/calendly-mcp

FROM runtime-base AS build
WORKDIR /src
COPY docker/build-requirements.txt docker/
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/calendly-mcp/bin/pip install --no-cache-dir --disable-pip-version-check -r docker/build-requirements.txt
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN /opt/calendly-mcp/bin/pip wheel --no-cache-dir --disable-pip-version-check --no-deps \
    --no-build-isolation --wheel-dir /wheels .

FROM runtime-base
ENV PATH=/opt/calendly-mcp/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CALENDLY_MCP_ALLOWED_HOSTS=localhost,127.0.0.1
COPY docker/requirements.txt /tmp/requirements.txt
COPY --from=build /wheels /tmp/wheels
# --no-deps: exactly the pinned versions, nothing resolved at build time; pip check: and they are complete.
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && pip install --no-deps -r /tmp/requirements.txt /tmp/wheels/*.whl \
    && pip check \
    && rm -rf /tmp/requirements.txt /tmp/wheels \
    && useradd --system --uid 10001 --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && install -d -o app -g app /home/app/.local /home/app/.local/share /home/app/.local/share/calendly-mcp

# The booking record and the webhook inbox (calendly-mcp.sqlite3) are written here; mount a volume on it to
# keep them:   docker run -v calendly-mcp:/home/app/.local/share/calendly-mcp ...
# Several replicas share PostgreSQL instead (psycopg is in the image): -e CALENDLY_MCP_DATABASE_URL=postgresql://...
# and -e CALENDLY_MCP_PUBLIC_URL=https://<the address Calendly reaches>; see docs/deployment.md.

USER app
WORKDIR /home/app
EXPOSE 8000
# Up means GET /healthz answers 200 (it needs no credential; every replica answers it). It asks port
# 8000: change both if you change --port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import http.client as h, sys; c = h.HTTPConnection('127.0.0.1', 8000, timeout=4); c.request('GET', '/healthz'); sys.exit(c.getresponse().status != 200)"]
ENTRYPOINT ["calendly-mcp"]
# On all interfaces inside the container, so CALENDLY_MCP_AUTH_TOKEN is required (the server enforces it);
# publish the port only where it should be reachable.
CMD ["serve", "--transport", "streamable-http", "--host", "0.0.0.0", "--port", "8000"]
