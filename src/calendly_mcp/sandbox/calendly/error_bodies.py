"""Calendly's error bodies, raised by handlers and rendered by one exception handler."""

from __future__ import annotations

from starlette.responses import JSONResponse

from .records import JSONDict


class CalendlyError(Exception):
    """An error Calendly answers with `{"title", "message", "details"?}`."""

    def __init__(self, status: int, title: str, message: str, details: list[JSONDict] | None = None) -> None:
        super().__init__(f"{status} {title}: {message}")
        self.status = status
        self.title = title
        self.message = message
        self.details = details
        # Keys some errors carry beside title and message (Insufficient scope: required_scopes).
        self.extra: JSONDict = {}

    def body(self) -> JSONDict:
        body: JSONDict = {"title": self.title, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body | self.extra


def error_response(error: CalendlyError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)


def invalid_argument(parameter: str | None = None, message: str | None = None) -> CalendlyError:
    details: list[JSONDict] | None = None
    if parameter is not None:
        details = [{"parameter": parameter, "message": message or "is invalid"}]
    return CalendlyError(400, "Invalid Argument", "The supplied parameters are invalid.", details)


def unauthenticated() -> CalendlyError:
    return CalendlyError(401, "Unauthenticated", "The access token is invalid")


def permission_denied(message: str = "You do not have permission to access this resource.") -> CalendlyError:
    return CalendlyError(403, "Permission Denied", message)


# Calendly's plans, cheapest first (OrganizationPlan in the spec).
PLANS = ("basic", "essentials", "standard", "professional", "teams", "enterprise")


def plan_required(feature: str, minimum: str) -> CalendlyError:
    """Calendly's refusal of a feature the organization's plan does not include."""
    return permission_denied(
        f"{feature} is only available on the Calendly {minimum.capitalize()} plan and above. "
        "Upgrade your plan to access this feature."
    )


def not_found() -> CalendlyError:
    return CalendlyError(404, "Resource Not Found", "The server could not find the requested resource.")


def rate_limited() -> CalendlyError:
    # Calendly does not document the 429 body; this keeps the shape of its other errors.
    return CalendlyError(429, "Too Many Requests", "You have exceeded the rate limit. Try again later.")


def internal_error() -> CalendlyError:
    return CalendlyError(
        500,
        "Internal Server Error",
        "The server encountered an unexpected condition that prevented it from fulfilling the request.",
    )
