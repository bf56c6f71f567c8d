"""Injected faults: canned answers, dropped connections, or the real answer cut short or sent late.

Actions (`action`):
- `respond`: a canned answer (`status`, `headers`, `body`) after `delay_seconds`; the request is not served.
- `close`: the connection dropped after `delay_seconds`, with no answer; the request is not served.
- `reset_mid_body`, `truncate`, `late`: the request IS served (a write takes effect), then its real answer
  is damaged: `reset_mid_body` sends the status, the headers and half the body and resets the connection
  (TCP RST); `truncate` sends the status, the headers (Content-Length of the whole body) and half the body,
  then closes the connection (FIN); `late` sends the whole answer after `delay_seconds`. An answer without
  a body is dropped before its status line by `reset_mid_body` and `truncate` (there is nothing to cut).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .calendly.error_bodies import CalendlyError, internal_error

# Calendly's titles by status, for faults that give a status but no body.
_TITLES = {
    400: ("Invalid Argument", "The supplied parameters are invalid."),
    401: ("Unauthenticated", "The access token is invalid"),
    403: ("Permission Denied", "You do not have permission to access this resource."),
    404: ("Resource Not Found", "The server could not find the requested resource."),
    409: ("Already Exists", "The resource already exists."),
    424: ("External Calendar Error", "There is a problem accessing your calendar."),
    429: ("Too Many Requests", "You have exceeded the rate limit. Try again later."),
}


Action = Literal["respond", "close", "reset_mid_body", "truncate", "late"]
ACTIONS: tuple[Action, ...] = ("respond", "close", "reset_mid_body", "truncate", "late")
# Actions that let the request be served, then damage or delay its real answer.
SERVED: frozenset[str] = frozenset({"reset_mid_body", "truncate", "late"})


class FaultSpecError(ValueError):
    """A fault description that cannot be used."""


@dataclass
class Fault:
    method: str | None
    path: re.Pattern[str]
    status: int
    headers: dict[str, str | None]  # None: remove that header (even one the sandbox adds, e.g. rate limits)
    body: Any
    times: int | None  # None: until cleared
    delay_seconds: float
    action: Action

    @classmethod
    def parse(cls, spec: Any) -> Fault:
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault is a JSON object")
        raw: dict[str, Any] = spec  # pyright: ignore[reportUnknownVariableType]
        unknown = set(raw) - {
            "method",
            "path",
            "status",
            "headers",
            "body",
            "times",
            "delay_seconds",
            "action",
        }
        if unknown:
            raise FaultSpecError(f"unknown keys: {sorted(unknown)}")
        path, method, status = raw.get("path"), raw.get("method"), raw.get("status", 500)
        if not isinstance(path, str):
            raise FaultSpecError("path (a regular expression) is required")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise FaultSpecError(f"path is not a valid regular expression: {exc}") from exc
        if method is not None and not isinstance(method, str):
            raise FaultSpecError("method must be a string")
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise FaultSpecError("status must be an HTTP status code")
        headers = raw.get("headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str | int | float))
            for k, v in headers.items()  # pyright: ignore[reportUnknownVariableType]
        ):
            raise FaultSpecError("headers must map names to strings (or null, to remove one)")
        times = raw.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise FaultSpecError("times must be a positive integer or null (until cleared)")
        delay = raw.get("delay_seconds", 0)
        if not isinstance(delay, int | float) or delay < 0:
            raise FaultSpecError("delay_seconds must be a non-negative number")
        action = raw.get("action", "respond")
        if action not in ACTIONS:
            raise FaultSpecError(f"action must be one of {', '.join(ACTIONS)}")
        return cls(
            method=method.upper() if method else None,
            path=pattern,
            status=status,
            headers={str(k): None if v is None else str(v) for k, v in headers.items()},  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            body=raw["body"] if "body" in raw else _default_body(status),
            times=times,
            delay_seconds=float(delay),
            action=action,
        )

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.path.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path.pattern,
            "status": self.status,
            "headers": self.headers,
            "body": self.body,
            "times": self.times,
            "delay_seconds": self.delay_seconds,
            "action": self.action,
        }


def _default_body(status: int) -> Any:
    if status >= 500:
        return internal_error().body()
    if status in _TITLES:
        title, message = _TITLES[status]
        return CalendlyError(status, title, message).body()
    return {}


class FaultQueue:
    """Faults in the order they were added; the first that matches a request answers it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[Fault]:
        return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                return fault
        return None
