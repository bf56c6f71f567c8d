"""Fixtures for the sandbox's tests: a fresh sandbox per test on loopback, and clients for each door."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from calendly_mcp.sandbox import SANDBOX_MATON_KEY, SANDBOX_TOKEN, RunningSandbox, running_sandbox


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def box() -> AsyncIterator[RunningSandbox]:
    async with running_sandbox() as running:
        yield running


@pytest.fixture
async def direct(box: RunningSandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the Calendly API with the sandbox's personal access token (the owner)."""
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    async with httpx2.AsyncClient(base_url=box.url, headers=headers) as client:
        yield client


@pytest.fixture
async def gateway(box: RunningSandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the Maton gateway (base URL ends in /calendly) with the sandbox's Maton key."""
    headers = {"Authorization": f"Bearer {SANDBOX_MATON_KEY}"}
    async with httpx2.AsyncClient(base_url=f"{box.url}/calendly", headers=headers) as client:
        yield client


@pytest.fixture
async def control(box: RunningSandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client with no credentials: for /_sandbox/ controls and for auth failures."""
    async with httpx2.AsyncClient(base_url=box.url) as client:
        yield client


@pytest.fixture(params=["direct", "gateway"])
def either(request: pytest.FixtureRequest) -> httpx2.AsyncClient:
    """The owner through either door (the gateway's default connection is the owner's): run twice."""
    return request.getfixturevalue(request.param)
