"""Every Calendly route the sandbox serves, gathered from one module per area of the API."""

from __future__ import annotations

from starlette.routing import Route

from ...core import Sandbox
from . import (
    availability,
    event_types,
    events,
    links,
    organization,
    recaps,
    routing_forms,
    scheduling,
    users,
    webhooks,
)
from .shared import CalendlyAPI

# One module per area, as the project's tools are organized; each declares its own routes.
AREAS = (
    users,
    organization,
    event_types,
    events,
    scheduling,
    availability,
    webhooks,
    # -- areas added since, one line each
    links,
    routing_forms,
    recaps,
)


def calendly_routes(sandbox: Sandbox) -> list[Route]:
    api = CalendlyAPI(sandbox)
    return [route for area in AREAS for route in area.routes(api)]
