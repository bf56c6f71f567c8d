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
        required_scopes: list[str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.title = title
        self.details = details or []
        # Calendly's "Insufficient scope" 403 names the OAuth scopes the credential lacks.
        self.required_scopes = required_scopes or []
        self.source = source
        self.retry_after = retry_after
        super().__init__(message, hint=hint if hint is not None else self.fallback_hint())

    def fallback_hint(self) -> str:
        """What to do next when the answer itself says no more than its status."""
        return self.default_hint

    def __str__(self) -> str:
        return self.render(self.hint)

    def render(self, hint: str) -> str:
        """The text with `hint` as what to do next: a step matched on Calendly's words replaces the
        status's general advice rather than following it, so the two never contradict each other."""
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
        if hint:
            parts.append(hint)
        return "\n".join(parts)


# Who answered: Calendly (directly or through the gateway), the Maton gateway itself, Maton's connection API.
_SOURCES = {"calendly": "Calendly", "maton": "Maton gateway", "maton_ctrl": "Maton's connection API"}


class BadRequestError(APIStatusError):
    status_code = 400
    default_hint = "Fix the arguments named above and call again."

    def fallback_hint(self) -> str:
        if self.details:
            return self.default_hint
        # Calendly's bare 400 names nothing: "the arguments named above" would point at nothing.
        return (
            "Calendly named no cause. Check that every id is one this account can see (list it first), "
            "that the time window is one the tool accepts, and that every required field is given."
        )


class AuthenticationError(APIStatusError):
    status_code = 401
    default_hint = (
        "The credential was refused: check CALENDLY_API_TOKEN (direct mode) or MATON_API_KEY (gateway mode)."
    )


class PermissionDeniedError(APIStatusError):
    status_code = 403
    # Most 403s are about rights, not the plan ("not in your organization", "not allowed to cancel this
    # event"); where the plan is the cause Calendly says "upgrade", and explain() then says so instead.
    default_hint = (
        "This user may not do this: it may need an organization admin's or owner's rights, or the resource "
        "belongs to someone else."
    )

    def fallback_hint(self) -> str:
        if not self.required_scopes:
            return self.default_hint
        # Since 2026-03-03 a credential has only the scopes ticked when it was made.
        scopes = ", ".join(self.required_scopes)
        return (
            f"The credential lacks the OAuth scope {scopes}: grant it and call again. A personal access "
            f"token (CALENDLY_API_TOKEN) needs a new token with {scopes} ticked; through Maton, reconnect "
            "Calendly (create_connection) and approve the scope."
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

    def render(self, hint: str) -> str:
        text = super().render(hint)
        if self.retry_after is not None:
            text += f" Retry after about {round(self.retry_after)} s."
        return text


class InternalServerError(APIStatusError):
    status_code = 500
    default_hint = "Calendly failed on its side; try again shortly."

    def fallback_hint(self) -> str:
        # A 5xx from Maton's own services is not Calendly's failure; blaming Calendly sends the reader
        # to the wrong status page.
        who = {"maton": "The Maton gateway", "maton_ctrl": "Maton's connection API"}.get(self.source)
        return f"{who} failed on its side; try again shortly." if who else self.default_hint


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
