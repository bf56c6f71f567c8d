"""`calendly-mcp check`: which mode is in force, and does the credential reach /users/me?"""

from __future__ import annotations

import anyio

from calendly_mcp.client.client import CalendlyClient, Endpoint, build_http
from calendly_mcp.client.errors import CalendlyMcpError
from calendly_mcp.settings import Settings


def run_check(settings: Settings, *, sandbox: bool = False) -> int:
    return anyio.run(_check, settings, sandbox)


async def _check(settings: Settings, sandbox: bool) -> int:
    if sandbox:
        from calendly_mcp.sandbox import running_sandbox
        from calendly_mcp.server.app import sandbox_settings

        async with running_sandbox() as box:
            return await _probe(sandbox_settings(settings, box.url))
    return await _probe(settings)


async def _probe(settings: Settings) -> int:
    endpoint = Endpoint.from_settings(settings)
    if endpoint.mode == "unconfigured":
        print("mode: none: set MATON_API_KEY (Maton gateway) or CALENDLY_API_TOKEN (direct)")
        return 1
    print(f"mode: {endpoint.mode} ({endpoint.api_base})")
    if endpoint.mode == "gateway":
        print(f"connection: {endpoint.connection or 'the oldest active one'}")
    async with build_http(settings) as http:
        try:
            me = await CalendlyClient(endpoint, http).current_user()
        except CalendlyMcpError as exc:
            print(f"/users/me failed: {exc}")
            return 1
    print(f"user: {me.get('name')} <{me.get('email')}> ({me.get('timezone')})")
    print(f"organization: {me.get('current_organization')}")
    return 0
