"""The spec check of the tests' sandbox (spec_checked_sandbox.py) sees what it should, and reports what is wrong."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from calendly_mcp.sandbox import serve_app
from conftest import start_sandbox_process
from spec_checked_sandbox import check, create_checked_app

TOKEN = {"Authorization": "Bearer sandbox-token"}
MATON_KEY = {"Authorization": "Bearer sandbox-key"}


def test_the_sandbox_process_checks_calendly_answers_and_skips_the_rest() -> None:
    box = start_sandbox_process()
    try:
        with httpx2.Client(base_url=box.url) as http:
            assert http.get("/users/me", headers=TOKEN).status_code == 200
            assert http.get("/calendly/users/me", headers=MATON_KEY).status_code == 200
            # Not Calendly's answers: Maton's own refusal, Maton's connection API, the sandbox's controls.
            assert http.get("/calendly/users/me").status_code == 401
            assert http.get("/connections", headers=MATON_KEY).status_code == 200
            assert http.get("/_sandbox/requests").status_code == 200
            # A fault's canned answer is what the test asked for, not the sandbox's: no violation.
            box.fault(method="GET", path="^/users/me$", status=200, body={"resource": "not a user"})
            assert http.get("/users/me", headers=TOKEN).json() == {"resource": "not a user"}
            box.reset()
            assert http.get("/_spec/checked").json() == {"checked": 2, "skipped": 2}
            assert http.get("/_spec/violations").json() == []
        assert box.spec_problems() is None
    finally:
        box.stop()


@pytest.mark.anyio
async def test_an_answer_the_spec_does_not_allow_is_a_violation_that_a_reset_keeps() -> None:
    app = create_checked_app()
    async with serve_app(app) as url, httpx2.AsyncClient(base_url=url) as http:
        assert (await http.get("/users/me", headers=TOKEN)).status_code == 200
        assert (await http.get("/_spec/violations")).json() == []
        app.sandbox.store.owner.time_notation = "25h"  # the spec allows "12h" and "24h"
        assert (await http.get("/users/me", headers=TOKEN)).status_code == 200
        assert (await http.get("/calendly/users/me", headers=MATON_KEY)).status_code == 200
        assert (await http.post("/_sandbox/reset")).status_code == 200
        violations: list[dict[str, Any]] = (await http.get("/_spec/violations")).json()
        assert (await http.get("/_spec/checked")).json() == {"checked": 3, "skipped": 0}
    assert [(v["method"], v["path"], v["status"]) for v in violations] == [("GET", "/users/me", 200)] * 2
    assert all("$.resource.time_notation" in v["error"] and "'25h'" in v["error"] for v in violations)


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "error"),
    [
        ("GET", "/no_such_things", 200, b"{}", "no path in the spec matches /no_such_things"),
        ("GET", "/users/me", 201, b"{}", "the spec has no 201 answer for GET /users/me"),
        ("GET", "/users/me", 200, b"{", "the body is labelled JSON but does not parse"),
        ("GET", "/users/me", 200, b'{"resource": 1}', "$.resource: 1 is not of type 'object'"),
        ("GET", "/users/me", 404, b'{"title": 1}', "$.title: 1 is not of type 'string'"),
    ],
)
def test_what_check_calls_a_violation(method: str, path: str, status: int, body: bytes, error: str) -> None:
    assert check(method, path, status, body) == {
        "method": method,
        "path": path,
        "status": status,
        "error": error,
    }


def test_an_allowed_answer_is_no_violation() -> None:
    body = b'{"title": "Resource Not Found", "message": "The server could not find the requested resource."}'
    assert check("GET", "/no_such_things", 404, body) is None
