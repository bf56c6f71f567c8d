"""The async Calendly client: one connection pool, auth for either mode, retries, errors, pagination.

Knows nothing of MCP. Callers pass paths built from checked ids (`client.ids`); Calendly URIs found in
answers are never followed raw: lists are paged with `page_token`, resources fetched by id.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import anyio
import httpx2
from pydantic import SecretStr

from calendly_mcp.client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    InvalidInputError,
    InvalidResponseError,
    OutcomeUnknownError,
    status_error_class,
)
from calendly_mcp.client.retry import RetryPolicy, server_delay
from calendly_mcp.settings import Mode, Settings

logger = logging.getLogger("calendly_mcp.client")

JSON = dict[str, Any]
# A sequence is an array parameter, sent repeated (`a=1&a=2`), as OpenAPI query arrays are.
Params = Mapping[str, str | int | bool | Sequence[str] | None]
Method = Literal["GET", "POST", "PATCH", "DELETE"]

# Paths we build are plain collection/id segments; anything else is a bug or an attack, never sent.
_SAFE_PATH = re.compile(r"(/[A-Za-z0-9_-]{1,64}){1,4}")
_BODY_PREVIEW = 300

# Maton's gateway allows 10 requests a second per account; request starts are spaced a little wider.
GATEWAY_SPACING = 0.105

NO_CREDENTIALS = (
    "No Calendly credential is configured. Set MATON_API_KEY (Maton gateway, https://maton.ai/settings) "
    "or CALENDLY_API_TOKEN (a Calendly personal access token) in the server's environment, then restart it."
)


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and how they are authenticated; the secret stays wrapped until it is sent."""

    mode: Mode
    api_base: str
    ctrl_base: str | None
    credential: SecretStr | None
    connection: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Endpoint:
        mode = settings.mode
        if mode == "direct":
            return cls(mode, settings.calendly_api_url, None, settings.calendly_api_token)
        if mode == "gateway":
            return cls(
                mode,
                f"{settings.maton_gateway_url}/calendly",
                settings.maton_ctrl_url,
                settings.maton_api_key,
                settings.maton_connection,
            )
        return cls(mode, settings.calendly_api_url, None, None)

    def __repr__(self) -> str:  # the dataclass repr would be safe too; say so explicitly
        return f"Endpoint(mode={self.mode!r}, api_base={self.api_base!r}, connection={self.connection!r})"


class HttpPool:
    """The process's one connection pool, opened on first use and closed with the lifespan that owns it.

    Opening it builds TLS trust (about 25-40 ms here), which would otherwise delay every server start,
    including the ones that never reach Calendly.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: httpx2.AsyncClient | None = None

    def __call__(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = build_http(self._settings)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class Pacer:
    """Spaces request starts at least `spacing` seconds apart, across every task of the process."""

    def __init__(self, spacing: float) -> None:
        self._spacing = spacing
        self._next = 0.0
        self._lock = anyio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = anyio.current_time()
            start = max(now, self._next)
            self._next = start + self._spacing
        if start > now:
            await anyio.sleep(start - now)


class CalendlyClient:
    """Calendly API v2, directly or through the Maton gateway, over one shared `httpx2.AsyncClient`."""

    def __init__(
        self, endpoint: Endpoint, http: httpx2.AsyncClient | HttpPool, retry: RetryPolicy | None = None
    ) -> None:
        self.endpoint = endpoint
        self._http = http
        self._retry = retry or RetryPolicy()
        self._me: JSON | None = None
        self._me_lock = anyio.Lock()
        self._pacer = Pacer(GATEWAY_SPACING) if endpoint.mode == "gateway" else None

    # -- Calendly API -------------------------------------------------------------------------------------

    async def get(self, path: str, params: Params | None = None) -> JSON:
        return await self._call("GET", self.endpoint.api_base, path, params=params)

    async def post(self, path: str, body: JSON, *, check: str) -> JSON:
        """A write: `check` tells the caller how to find out whether it happened if the answer is lost."""
        return await self._call("POST", self.endpoint.api_base, path, body=body, check=check)

    async def patch(self, path: str, body: JSON, *, check: str, params: Params | None = None) -> JSON:
        """A write that changes (or overwrites) the fields given; `check` as for post."""
        return await self._call("PATCH", self.endpoint.api_base, path, params=params, body=body, check=check)

    async def delete(self, path: str, *, check: str) -> JSON:
        return await self._call("DELETE", self.endpoint.api_base, path, check=check)

    async def current_user(self, *, fresh: bool = False) -> JSON:
        """GET /users/me, once per process (the credential's user does not change while we run), or
        again when `fresh` is asked for (the user's own settings, such as the time zone, may)."""
        async with self._me_lock:
            if self._me is None or fresh:
                self._me = cast(JSON, (await self.get("/users/me"))["resource"])
            return self._me

    # -- Maton connection API -----------------------------------------------------------------------------

    async def ctrl(
        self,
        method: Method,
        path: str,
        *,
        params: Params | None = None,
        body: JSON | None = None,
        check: str = "",
    ) -> JSON:
        if self.endpoint.mode == "direct":
            raise ConfigurationError(
                "Connection tools manage Maton gateway connections, and the server is in direct mode "
                "(CALENDLY_API_TOKEN is set).",
                hint="Unset CALENDLY_API_TOKEN and set MATON_API_KEY to use them.",
            )
        if self.endpoint.ctrl_base is None:
            raise ConfigurationError(NO_CREDENTIALS)
        return await self._call(method, self.endpoint.ctrl_base, path, params=params, body=body, check=check)

    # -- the one place requests are made ------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        credential = self.endpoint.credential
        if credential is None or self.endpoint.mode == "unconfigured":
            raise ConfigurationError(NO_CREDENTIALS)
        headers = {"Authorization": f"Bearer {credential.get_secret_value()}", "Accept": "application/json"}
        if self.endpoint.mode == "gateway" and self.endpoint.connection:
            headers["Maton-Connection"] = self.endpoint.connection
        return headers

    async def _call(
        self,
        method: Method,
        base: str,
        path: str,
        *,
        params: Params | None = None,
        body: JSON | None = None,
        check: str = "",
    ) -> JSON:
        if not _SAFE_PATH.fullmatch(path):
            raise InvalidInputError(f"refusing to request the path {path[:80]!r}")
        headers = self._headers()
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        is_read = method == "GET"
        ctrl = base == self.endpoint.ctrl_base
        upstream = self._upstream(ctrl)
        policy = self._retry
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            if self._pacer is not None and not ctrl:
                await self._pacer.wait()
            started = time.perf_counter()
            try:
                http = self._http if isinstance(self._http, httpx2.AsyncClient) else self._http()
                response = await http.request(method, base + path, params=query, json=body, headers=headers)
            except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout) as exc:
                # Nothing reached the server.
                error: Exception = _connection_error(exc, upstream, sent=False)
                if not policy.may_resend(read=is_read, sent=False):
                    raise error from None
                retry_headers = None
                rate_limited = False
            except httpx2.TransportError as exc:
                if not policy.may_resend(read=is_read, sent=True):
                    raise self._unknown(method, path, check, _describe_transport(exc)) from None
                error = _connection_error(exc, upstream, sent=True)
                retry_headers = None
                rate_limited = False
            else:
                elapsed = (time.perf_counter() - started) * 1000
                logger.debug("%s %s -> %s in %.1f ms", method, path, response.status_code, elapsed)
                status = response.status_code
                if status < 400:
                    return self._json(response, method, path, check, upstream[0])
                error = self._status_error(response, ctrl=ctrl)
                if not policy.may_resend(read=is_read, status=status):
                    if not is_read and status >= 500:
                        raise self._unknown(method, path, check, str(error)) from None
                    raise error
                retry_headers = response.headers
                rate_limited = status == 429
            if attempt >= policy.max_attempts:
                raise self._final(error, method, path, check, is_read)
            delay = policy.delay_for(attempt, retry_headers, rate_limited=rate_limited)
            if waited + delay > policy.max_total_wait:
                raise self._final(error, method, path, check, is_read)
            logger.info(
                "%s %s failed (%s); retry %d in %.1f s", method, path, type(error).__name__, attempt, delay
            )
            waited += delay
            await policy.sleep(delay)

    def _final(self, error: Exception, method: str, path: str, check: str, is_read: bool) -> Exception:
        if isinstance(error, APIStatusError) and error.status_code == 429:
            return error  # a 429 was a refusal: nothing happened, read or write
        if not is_read and isinstance(error, APIStatusError):
            return self._unknown(method, path, check, str(error))
        return error

    def _unknown(self, method: str, path: str, check: str, cause: str) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"{method} {path} was sent but no reliable answer came back ({cause.splitlines()[0]}). "
            "It was not sent again, so that it cannot happen twice; it may or may not have taken effect.",
            hint=check or "Check the resource's current state before trying again.",
        )

    def _json(self, response: httpx2.Response, method: str, path: str, check: str, who: str) -> JSON:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            data: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            cause = f"answer {response.status_code} was not JSON: {_preview(response)}"
            if method != "GET":
                # A 2xx that is not Calendly's JSON may come from a proxy as well as from Calendly: whether
                # the write happened is unknown, like any other answer we cannot trust.
                raise self._unknown(method, path, check, f"the {cause}")
            raise InvalidResponseError(f"{who[0].upper()}{who[1:]}'s {cause}")
        return cast(JSON, data)

    def _upstream(self, ctrl: bool) -> tuple[str, str]:
        """Who we were talking to, and the setting that says where it is: for errors a model can act on."""
        if ctrl:
            return "Maton's connection API", "MATON_CTRL_URL"
        if self.endpoint.mode == "gateway":
            return "the Maton gateway", "MATON_GATEWAY_URL"
        return "Calendly", "CALENDLY_API_URL"

    def _status_error(self, response: httpx2.Response, *, ctrl: bool = False) -> APIStatusError:
        status = response.status_code
        cls = status_error_class(status)
        try:
            data: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        retry_after = server_delay(response.headers) if status == 429 else None
        if isinstance(data, dict) and isinstance(cast(JSON, data).get("title"), str):
            error_body = cast(JSON, data)
            details: Any = error_body.get("details")
            scopes: Any = error_body.get("required_scopes")
            return cls(
                str(error_body.get("message") or ""),
                status_code=status,
                title=str(error_body["title"]),
                details=[cast(JSON, d) for d in cast(list[Any], details) if isinstance(d, dict)]
                if isinstance(details, list)
                else None,
                retry_after=retry_after,
                # Maton's connection API is never Calendly, whatever shape its answer has.
                source="maton_ctrl" if ctrl else "calendly",
                hint=self._calendly_401_hint() if status == 401 and not ctrl else None,
                required_scopes=[s for s in cast(list[Any], scopes) if isinstance(s, str)]
                if isinstance(scopes, list)
                else None,
            )
        # Not Calendly's shape: the Maton gateway's own answer, or a proxy page. Show it, opaque.
        source = "maton_ctrl" if ctrl else "maton" if self.endpoint.mode == "gateway" else "calendly"
        message = _preview(response) if data is None else json.dumps(data)[:_BODY_PREVIEW]
        return cls(
            message,
            status_code=status,
            source=source,
            retry_after=retry_after,
            hint=_maton_hint(status) if source == "maton" or (ctrl and status in (401, 429)) else None,
        )

    def _calendly_401_hint(self) -> str:
        # Calendly's own 401 names the credential Calendly saw: in gateway mode that is the connection's
        # grant (the gateway accepted MATON_API_KEY, or it would have answered itself), never our key.
        if self.endpoint.mode == "gateway":
            return (
                "Calendly refused the Maton connection's authorization (MATON_API_KEY itself was accepted): "
                "reconnect the account (create_connection, then open its URL), or set MATON_CONNECTION to "
                "another ACTIVE connection (list_connections)."
            )
        return (
            "Calendly refused CALENDLY_API_TOKEN: check it, or create a new personal access token in "
            "Calendly (Integrations, API and webhooks)."
        )


def _maton_hint(status: int) -> str | None:
    return {
        400: "The gateway has no usable Calendly connection: create one with create_connection and open its "
        "URL, or set MATON_CONNECTION to an ACTIVE connection id (list_connections).",
        401: "The Maton gateway refused MATON_API_KEY: copy a valid key from https://maton.ai/settings.",
        429: "The Maton gateway allows 10 requests per second per account; wait a moment.",
        500: "The gateway failed, usually because the Calendly grant expired: recreate the connection.",
    }.get(status)


def _query_value(value: str | int | bool | Sequence[str]) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return list(value)


def _preview(response: httpx2.Response) -> str:
    text = response.text.strip()
    if "<html" in text[:200].lower():
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        return f"an HTML page ({title.group(1).strip()[:100] if title else 'no title'})"
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    return repr(text[:_BODY_PREVIEW]) if text else "an empty body"


def _describe_transport(exc: httpx2.TransportError) -> str:
    if isinstance(exc, httpx2.TimeoutException):
        return "timed out waiting for the answer"
    return f"the connection broke ({type(exc).__name__})"


def _connection_error(
    exc: httpx2.TransportError, upstream: tuple[str, str], *, sent: bool
) -> APIConnectionError:
    who, setting = upstream
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(
            f"{who[0].upper()}{who[1:]} did not answer in time ({type(exc).__name__}).",
            hint=f"{who[0].upper()}{who[1:]} is slow to answer; try again shortly.",
        )
    if sent:
        return APIConnectionError(
            f"The connection to {who} broke while reading the answer ({type(exc).__name__}).",
            hint="This is usually a passing network fault; try again shortly.",
        )
    return APIConnectionError(
        f"Could not reach {who}: the connection failed before the request was sent ({type(exc).__name__}).",
        hint=f"Check the network and {setting}, then try again.",
    )


def build_http(settings: Settings) -> httpx2.AsyncClient:
    """The process's one connection pool."""
    return httpx2.AsyncClient(
        # The timeout is Calendly's to keep; a wait for one of our own 20 connections is not (with many
        # calls at once, a pool wait inside it failed attempts that were never sent).
        timeout=httpx2.Timeout(
            settings.calendly_mcp_timeout,
            connect=min(5.0, settings.calendly_mcp_timeout),
            pool=max(60.0, settings.calendly_mcp_timeout),
        ),
        limits=httpx2.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": "calendly-mcp-server/0.1"},
        follow_redirects=False,
        trust_env=False,
    )
