"""One error hierarchy for everything that can go wrong between us and Calendly.

Each class carries what the caller can act on: Calendly's own title, message and details, and a hint
saying what to do next. `str(error)` is the whole text a model reads; it never holds a credential.
"""

from __future__ import annotations

from typing import Any


class CalendlyMcpError(Exception):
    """Base class: every failure the server reports as a tool error."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"


class ConfigurationError(CalendlyMcpError):
    """No credential, or a setting that cannot work (e.g. connection tools in direct mode)."""


class InvalidInputError(CalendlyMcpError):
    """Refused before any request was made: the caller can fix the input."""


class APIError(CalendlyMcpError):
    """A request was attempted and did not give a usable answer."""


class APIConnectionError(APIError):
    """Calendly (or the gateway) could not be reached, or the connection broke."""

    hint = "Check the network and the base URL settings, then try again."


class APITimeoutError(APIConnectionError):
    """No answer within the configured timeout."""

    hint = "Calendly is slow to answer; try again shortly."


class InvalidResponseError(APIError):
    """The answer was not the JSON Calendly sends (a proxy page, a truncated body)."""

    hint = "This is usually a passing fault in a proxy; try again shortly."


class OutcomeUnknownError(APIError):
    """A write was sent but no reliable answer came back; it was not repeated, so as not to do it twice."""


class APIStatusError(APIError):
    """Calendly (or the Maton gateway) answered with an error status."""

    status_code: int = 0
    default_hint = ""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        title: str | None = None,
        details: list[dict[str, Any]] | None = None,
        source: str = "calendly",
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint if hint is not None else self.default_hint)
        self.status_code = status_code
        self.title = title
        self.details = details or []
        self.source = source
        self.retry_after = retry_after

    def __str__(self) -> str:
        who = _SOURCES.get(self.source, "Calendly")
        head = f"{who} answered {self.status_code}"
        if self.title:
            head += f" {self.title}"
        parts = [f"{head}: {self.message}".rstrip(": ")]
        for detail in self.details:
            where = detail.get("parameter")
            text = detail.get("message") or detail.get("code") or ""
            code = detail.get("code")
            line = f"- {where}: {text}" if where else f"- {text}"
            if code and code != text:
                line += f" ({code})"
            parts.append(line)
        if self.hint:
            parts.append(self.hint)
        return "\n".join(parts)


# Who answered: Calendly (directly or through the gateway), the Maton gateway itself, Maton's connection API.
_SOURCES = {"calendly": "Calendly", "maton": "Maton gateway", "maton_ctrl": "Maton's connection API"}


class BadRequestError(APIStatusError):
    status_code = 400
    default_hint = "Fix the arguments named above and call again."


class AuthenticationError(APIStatusError):
    status_code = 401
    default_hint = (
        "The credential was refused: check CALENDLY_API_TOKEN (direct mode) or MATON_API_KEY (gateway mode)."
    )


class PermissionDeniedError(APIStatusError):
    status_code = 403
    default_hint = (
        "The account or plan does not allow this; an upgrade or another user's rights may be needed."
    )


class NotFoundError(APIStatusError):
    status_code = 404
    default_hint = "Check the id or URI; list the collection to find valid ones."


class ConflictError(APIStatusError):
    status_code = 409
    default_hint = "It already exists; list it instead of creating it again."


class ExternalCalendarError(APIStatusError):
    status_code = 424
    default_hint = "A calendar connected to Calendly failed; the user should reconnect it in Calendly."


class RateLimitError(APIStatusError):
    status_code = 429
    default_hint = "Rate limited; wait before calling again."

    def __str__(self) -> str:
        text = super().__str__()
        if self.retry_after is not None:
            text += f" Retry after about {round(self.retry_after)} s."
        return text


class InternalServerError(APIStatusError):
    status_code = 500
    default_hint = "Calendly failed on its side; try again shortly."


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    424: ExternalCalendarError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
