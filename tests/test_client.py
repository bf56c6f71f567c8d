"""The gateway client against a real sandbox on loopback: errors, retries (no real sleeping), pagination."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr

from calendly_mcp.client.client import CalendlyClient, Endpoint, build_http
from calendly_mcp.client.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ExternalCalendarError,
    InternalServerError,
    InvalidInputError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
)
from calendly_mcp.client.retry import RetryPolicy
from calendly_mcp.sandbox import running_sandbox
from calendly_mcp.settings import Settings

pytestmark = pytest.mark.anyio


class Box:
    """A sandbox running in this event loop, and a raw HTTP client to drive its controls."""

    def __init__(self, url: str, http: httpx2.AsyncClient) -> None:
        self.url = url
        self.http = http
        self.sleeps: list[float] = []

    async def fault(self, **fault: Any) -> None:
        (await self.http.post(f"{self.url}/_sandbox/faults", json=fault)).raise_for_status()

    async def requests(self) -> list[dict[str, Any]]:
        return (await self.http.get(f"{self.url}/_sandbox/requests")).json()

    async def sleep(self, seconds: float) -> None:
        """Stands in for the retry policy's sleep: records the wait instead of waiting."""
        self.sleeps.append(seconds)

    def client(self, mode: str = "direct", *, timeout: float = 5.0, **policy: Any) -> CalendlyClient:
        settings = self.settings(mode, timeout=timeout)
        retry = RetryPolicy(sleep=self.sleep, jitter=lambda: 0.0, **policy)
        return CalendlyClient(Endpoint.from_settings(settings), self.http, retry)

    def settings(self, mode: str, *, timeout: float = 5.0) -> Settings:
        values: dict[str, Any] = {"calendly_mcp_timeout": timeout}
        if mode == "direct":
            values |= {"calendly_api_token": "sandbox-token", "calendly_api_url": self.url}
        elif mode == "gateway":
            values |= {
                "maton_api_key": "sandbox-key",
                "maton_gateway_url": self.url,
                "maton_ctrl_url": self.url,
            }
        return Settings(_env_file=None, **values)  # pyright: ignore[reportCallIssue]


@pytest.fixture
async def box() -> AsyncIterator[Box]:
    async with running_sandbox() as running, httpx2.AsyncClient(timeout=5) as http:
        yield Box(running.url, http)


@pytest.mark.parametrize("mode", ["direct", "gateway"])
async def test_current_user_is_cached(box: Box, mode: str) -> None:
    api = box.client(mode)
    me = await api.current_user()
    assert me["uri"].startswith("https://api.calendly.com/users/")
    assert await api.current_user() is me
    assert [r["path"] for r in await box.requests()].count(
        "/users/me" if mode == "direct" else "/calendly/users/me"
    ) == 1


@pytest.mark.parametrize(
    ("status", "body", "cls", "expected"),
    [
        (400, {"title": "Invalid Argument", "message": "The supplied parameters are invalid.",
               "details": [{"parameter": "count", "message": "must be <= 100"}]},
         BadRequestError, ["400 Invalid Argument", "- count: must be <= 100", "Fix the arguments"]),
        (401, {"title": "Unauthenticated", "message": "The access token is invalid"},
         AuthenticationError, ["Calendly refused CALENDLY_API_TOKEN", "personal access token"]),
        (403, {"title": "Permission Denied", "message": "Please upgrade your Calendly account to Enterprise."},
         PermissionDeniedError, ["upgrade"]),
        (404, {"title": "Resource Not Found", "message": "The server could not find the requested resource."},
         NotFoundError, ["404 Resource Not Found"]),
        (409, {"title": "Already Exists", "message": "Hook with this url already exists"},
         ConflictError, ["already exists"]),
        (424, {"title": "External Calendar Error", "message": "There is a problem accessing your calendar."},
         ExternalCalendarError, ["reconnect"]),
    ],
)  # fmt: skip
async def test_status_errors_keep_calendly_words(
    box: Box, status: int, body: dict[str, Any], cls: type[Exception], expected: list[str]
) -> None:
    await box.fault(path="^/users/me$", status=status, body=body)
    with pytest.raises(cls) as caught:
        await box.client().get("/users/me")
    text = str(caught.value)
    assert body["message"] in text
    for piece in expected:
        assert piece.lower() in text.lower()
    assert "sandbox-token" not in text
    assert len(await box.requests()) == 1, "4xx answers are final: no retry"


async def test_read_retried_on_5xx_then_succeeds(box: Box) -> None:
    await box.fault(
        path="^/users/me$", status=503, body={"title": "Internal Server Error", "message": "x"}, times=2
    )
    me = await box.client().get("/users/me")
    assert me["resource"]["uri"]
    assert len(await box.requests()) == 3
    assert box.sleeps == [0.5, 1.0]


async def test_retry_after_and_rate_limit_reset_are_honoured(box: Box) -> None:
    await box.fault(path="^/users/me$", status=429, headers={"Retry-After": "3"}, body={})
    await box.fault(path="^/users/me$", status=429, headers={"X-RateLimit-Reset": "2"}, body={})
    await box.client().get("/users/me")
    assert box.sleeps == [3.0, 2.0]


async def test_long_rate_limit_is_given_back_not_waited(box: Box) -> None:
    await box.fault(path="^/users/me$", status=429, headers={"Retry-After": "120"}, body={})
    with pytest.raises(RateLimitError) as caught:
        await box.client().get("/users/me")
    assert "Retry after about 120 s" in str(caught.value)
    assert box.sleeps == []


async def test_reads_give_up_after_bounded_attempts(box: Box) -> None:
    await box.fault(path="^/users/me$", status=500, body={"title": "Internal Server Error", "message": "boom"},
                    times=10)  # fmt: skip
    with pytest.raises(InternalServerError, match="boom"):
        await box.client().get("/users/me")
    assert len(await box.requests()) == 3


async def test_write_not_resent_after_a_5xx(box: Box) -> None:
    await box.fault(method="POST", path="^/invitees$", status=500, body={"title": "Internal Server Error",
                    "message": "The server encountered an unexpected condition"})  # fmt: skip
    with pytest.raises(OutcomeUnknownError) as caught:
        await box.client().post(
            "/invitees", {"x": 1}, check="List the meetings to see whether it was booked."
        )
    text = str(caught.value)
    assert "not sent again" in text
    assert "whether it was booked" in text
    assert len(await box.requests()) == 1


async def test_write_resent_after_a_429(box: Box) -> None:
    await box.fault(method="POST", path="^/invitees$", status=429, headers={"Retry-After": "1"}, body={})
    await box.fault(method="POST", path="^/invitees$", status=201, body={"resource": {"uri": "x"}})
    assert await box.client().post("/invitees", {"x": 1}, check="") == {"resource": {"uri": "x"}}
    assert len(await box.requests()) == 2


async def test_write_not_resent_after_a_dropped_connection(box: Box) -> None:
    await box.fault(method="POST", path="^/invitees$", action="close")
    with pytest.raises(OutcomeUnknownError):
        await box.client().post("/invitees", {"x": 1}, check="")
    assert len(await box.requests()) == 1


async def test_read_retried_after_a_dropped_connection(box: Box) -> None:
    await box.fault(path="^/users/me$", action="close")
    assert (await box.client().get("/users/me"))["resource"]
    assert len(await box.requests()) == 2


async def test_slow_answer_times_out(box: Box) -> None:
    settings = box.settings("direct", timeout=0.3)
    async with build_http(settings) as http:
        api = CalendlyClient(Endpoint.from_settings(settings), http, RetryPolicy(sleep=box.sleep))
        await box.fault(path="^/users/me$", status=200, body={}, delay_seconds=2, times=3)
        with pytest.raises(APITimeoutError):
            await api.get("/users/me")
        assert len(await box.requests()) == 3, "a read that timed out is retried"
        await box.fault(method="POST", path="^/invitees$", status=201, body={}, delay_seconds=2)
        with pytest.raises(OutcomeUnknownError, match="timed out"):
            await api.post("/invitees", {}, check="")
        assert len(await box.requests()) == 4, "a write that timed out is not"


async def test_connection_refused_is_retried_even_for_writes() -> None:
    from conftest import free_port

    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    settings = Settings(
        _env_file=None, calendly_api_token="t", calendly_api_url=f"http://127.0.0.1:{free_port()}"
    )  # pyright: ignore[reportCallIssue]
    async with build_http(settings) as http:
        api = CalendlyClient(
            Endpoint.from_settings(settings), http, RetryPolicy(sleep=sleep, jitter=lambda: 0)
        )
        with pytest.raises(APIConnectionError, match="before the request was sent"):
            await api.post("/invitees", {}, check="")
    assert len(sleeps) == 2


async def test_html_proxy_page_and_garbage(box: Box) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    await box.fault(path="^/users/me$", status=502, body=page, headers={"Content-Type": "text/html"}, times=3)
    with pytest.raises(InternalServerError, match="an HTML page \\(502 Bad Gateway\\)"):
        await box.client().get("/users/me")
    await box.fault(path="^/users/me$", status=200, body="{not json", times=1)
    with pytest.raises(InvalidResponseError, match="not JSON"):
        await box.client().get("/users/me")


async def test_gateway_errors_are_told_apart(box: Box) -> None:
    bad_key = Endpoint("gateway", f"{box.url}/calendly", box.url, SecretStr("wrong-key"))
    with pytest.raises(AuthenticationError) as caught:
        await CalendlyClient(bad_key, box.http).get("/users/me")
    assert "Maton gateway answered 401" in str(caught.value)
    assert "wrong-key" not in str(caught.value)
    assert "wrong-key" not in repr(caught.value)
    assert "wrong-key" not in repr(CalendlyClient(bad_key, box.http).endpoint)
    missing = Endpoint(
        "gateway", f"{box.url}/calendly", box.url, SecretStr("sandbox-key"), "no-such-connection"
    )
    with pytest.raises(BadRequestError) as caught_400:
        await CalendlyClient(missing, box.http).get("/users/me")
    assert "create_connection" in str(caught_400.value)


async def test_unconfigured_makes_no_request(box: Box) -> None:
    api = CalendlyClient(Endpoint.from_settings(Settings(_env_file=None)), box.http)  # pyright: ignore[reportCallIssue]
    with pytest.raises(ConfigurationError, match=r"MATON_API_KEY.*CALENDLY_API_TOKEN"):
        await api.get("/users/me")
    assert await box.requests() == []


@pytest.mark.parametrize(
    "path", ["/users/../admin", "/users/me?x=1", "users/me", "/users/a%2Fb", "//evil.example/x"]
)
async def test_unsafe_paths_never_sent(box: Box, path: str) -> None:
    with pytest.raises(InvalidInputError):
        await box.client().get(path)
    assert await box.requests() == []


async def test_pages_follow_tokens(box: Box) -> None:
    api = box.client()
    me = await api.current_user()
    seen: list[str] = []
    token: str | None = None
    while True:
        page = await api.get("/scheduled_events", {"user": me["uri"], "count": 7, "page_token": token})
        seen += [event["uri"] for event in page["collection"]]
        token = page["pagination"]["next_page_token"]
        if not token:
            break
    assert len(seen) == len(set(seen)) >= 30
    tokens = [r["query"] for r in await box.requests() if "page_token" in r["query"]]
    assert tokens, "later pages are asked for with page_token"


def test_secrets_stay_out_of_reprs() -> None:
    settings = Settings(_env_file=None, maton_api_key="mk-secret-123", calendly_api_token="ct-secret-456")  # pyright: ignore[reportCallIssue]
    endpoint = Endpoint.from_settings(settings)
    for text in (repr(settings), str(settings), repr(endpoint), str(endpoint)):
        assert "secret-123" not in text
        assert "secret-456" not in text


async def test_write_with_an_unreadable_2xx_is_outcome_unknown(box: Box) -> None:
    """Regression: a 200 that is not JSON (a proxy's page) was reported as "accepted"; whether the write
    happened is unknown, and the error must say so, say it was not resent, and say how to check."""
    await box.fault(method="POST", path="^/invitees$", status=200, body="<html><title>Portal</title></html>")
    with pytest.raises(OutcomeUnknownError) as caught:
        await box.client().post(
            "/invitees", {"x": 1}, check="List the meetings to see whether it was booked."
        )
    text = str(caught.value)
    for words in (
        "was not JSON",
        "an HTML page (Portal)",
        "not sent again",
        "may or may not",
        "whether it was booked",
    ):
        assert words in text
    assert "accepted" not in text
    assert len(await box.requests()) == 1


async def test_errors_name_who_failed_and_the_setting_to_check(box: Box) -> None:
    """Regression: every failure said "Calendly", even from Maton's connection API, and a refused
    connection did not say which setting points at the unreachable host."""
    await box.fault(method="GET", path="^/connections$", status=500, times=None)
    with pytest.raises(InternalServerError) as status:
        await box.client("gateway").ctrl("GET", "/connections")
    assert str(status.value).startswith("Maton's connection API answered 500")

    from conftest import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    settings = {
        "direct": Settings(_env_file=None, calendly_api_token="t", calendly_api_url=closed),  # pyright: ignore[reportCallIssue]
        "gateway": Settings(
            _env_file=None, maton_api_key="k", maton_gateway_url=closed, maton_ctrl_url=closed
        ),  # pyright: ignore[reportCallIssue]
    }
    policy = RetryPolicy(sleep=box.sleep, jitter=lambda: 0.0)
    async with build_http(settings["direct"]) as http:
        direct = CalendlyClient(Endpoint.from_settings(settings["direct"]), http, policy)
        gateway = CalendlyClient(Endpoint.from_settings(settings["gateway"]), http, policy)
        for call, words in (
            (direct.get("/users/me"), ("Could not reach Calendly", "CALENDLY_API_URL")),
            (gateway.get("/users/me"), ("Could not reach the Maton gateway", "MATON_GATEWAY_URL")),
            (
                gateway.ctrl("GET", "/connections"),
                ("Could not reach Maton's connection API", "MATON_CTRL_URL"),
            ),
        ):
            with pytest.raises(APIConnectionError) as caught:
                await call
            for piece in (*words, "before the request was sent"):
                assert piece in str(caught.value)


async def test_an_answer_cut_short_is_not_called_unreachable(box: Box) -> None:
    """Regression: a connection that broke mid-answer was reported as "Could not reach Calendly"."""
    await box.fault(path="^/users/me$", action="reset_mid_body", times=None)
    with pytest.raises(APIConnectionError) as caught:
        await box.client().get("/users/me")
    assert "The connection to Calendly broke while reading the answer" in str(caught.value)
    assert "Could not reach" not in str(caught.value)
    assert len(await box.requests()) == 3
    await box.fault(path="^/connections$", status=200, body="<<not json>>")
    with pytest.raises(InvalidResponseError, match="Maton's connection API's answer 200 was not JSON"):
        await box.client("gateway").ctrl("GET", "/connections")


@pytest.mark.parametrize(
    ("read", "status", "sent", "expected"),
    [
        (True, 429, True, True),
        (True, 500, True, True),
        (True, 503, True, True),
        (True, 404, True, False),
        (True, None, True, True),  # the connection broke while reading: a read may ask again
        (True, None, False, True),
        (False, 429, True, True),  # a 429 was a refusal: nothing happened
        (False, 500, True, False),  # a write answered 5xx may have happened
        (False, 409, True, False),
        (False, None, True, False),  # the answer was lost: never sent twice
        (False, None, False, True),  # the connection failed before anything was sent
    ],
)
def test_the_policy_decides_what_may_be_sent_again(
    read: bool, status: int | None, sent: bool, expected: bool
) -> None:
    assert RetryPolicy().may_resend(read=read, status=status, sent=sent) is expected
