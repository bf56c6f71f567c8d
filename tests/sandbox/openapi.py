"""Validating answers against Calendly's OpenAPI spec (tests/data/openapi), for any test to reuse."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "openapi" / "calendly-api-2026-10.json"
_SPEC_URI = "urn:calendly-openapi"


# The spec contradicts itself on the event type events: the table in its POST /webhook_subscriptions
# description, its delivery payload enum (WebhookPayloadEvent) and its sample endpoint have
# event_type.created, .updated and .deleted, while the enums of a subscription's `events` (request and
# resource) lack them. Calendly takes them (API-FACTS, "Webhooks"), as the sandbox does; the sandbox's
# answers are checked against those two enums with the table's events added.
EVENT_TYPE_EVENTS = ("event_type.created", "event_type.updated", "event_type.deleted")
_SUBSCRIPTION_EVENT_ENUMS = (
    "WebhookSubscriptionEventsItems",
    "WebhookSubscriptionsPostRequestBodyContentApplicationJsonSchemaEventsItems",
)


@cache
def spec() -> dict[str, Any]:
    document = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    for name in _SUBSCRIPTION_EVENT_ENUMS:
        enum: list[str] = schemas[name]["enum"]
        enum.extend(event for event in EVENT_TYPE_EVENTS if event not in enum)
    return document


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(_SPEC_URI, Resource(contents=spec(), specification=DRAFT202012))


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    for name, check in Draft202012Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = check

    # jsonschema checks "uri" only with an optional package; this is the part that matters here.
    @checker.checks("uri")
    def is_uri(value: object) -> bool:  # pyright: ignore[reportUnusedFunction]
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and " " not in value

    return checker


_FORMATS = _format_checker()


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def path_template(path: str) -> str:
    """The spec's template for a path ("/users/me", "/scheduled_events/{uuid}", ...).

    Takes a template, a concrete path or a full URL; literal segments win over parameters.
    """
    path = urlsplit(path).path or path
    paths = spec()["paths"]
    if path in paths:
        return path
    candidates: list[tuple[int, str]] = []
    for template in paths:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            candidates.append((template.count("{"), template))
    if not candidates:
        raise KeyError(f"no path in the spec matches {path}")
    return min(candidates)[1]


def schema_pointer(method: str, path: str, status: int) -> str:
    """Where the schema for this answer lives in the spec.

    Error answers are checked against ErrorResponse: the spec's per-status error schemas pin the
    wrong titles (see API-FACTS, "Two traps").
    """
    if status >= 400:
        return _pointer("components", "schemas", "ErrorResponse")
    template = path_template(path)
    operation = spec()["paths"][template][method.lower()]
    if str(status) not in operation["responses"]:
        raise KeyError(f"the spec has no {status} answer for {method.upper()} {template}")
    return _pointer(
        "paths", template, method.lower(), "responses", str(status), "content", "application/json", "schema"
    )


def validate_schema(name: str, instance: Any) -> None:
    """Raise jsonschema.ValidationError unless `instance` is what components/schemas/`name` allows."""
    schema = {"$ref": f"{_SPEC_URI}{_pointer('components', 'schemas', name)}"}
    Draft202012Validator(schema, registry=_registry(), format_checker=_FORMATS).validate(instance)


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    """Raise jsonschema.ValidationError unless `body` is what the spec allows for this answer."""
    schema = {"$ref": f"{_SPEC_URI}{schema_pointer(method, path, status)}"}
    validator = Draft202012Validator(schema, registry=_registry(), format_checker=_FORMATS)
    validator.validate(body)
