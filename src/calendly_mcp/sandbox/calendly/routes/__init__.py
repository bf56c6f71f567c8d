"""Every Calendly route the sandbox serves, gathered from one module per area of the API."""

from __future__ import annotations

from starlette.routing import Route

from ...core import Sandbox
from . import (
    audit,
    availability,
    contacts,
    data_compliance,
    event_type_admin,
    event_types,
    events,
    groups,
    links,
    no_shows,
    organization,
    organization_admin,
    recaps,
    routing_forms,
    scheduling,
    users,
    webhook_samples,
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
    links,
    routing_forms,
    recaps,
    organization_admin,
    no_shows,
    data_compliance,
    webhook_samples,
    contacts,
    groups,
    audit,
    event_type_admin,
)


def calendly_routes(sandbox: Sandbox) -> list[Route]:
    api = CalendlyAPI(sandbox)
    return [route for area in AREAS for route in area.routes(api)]
