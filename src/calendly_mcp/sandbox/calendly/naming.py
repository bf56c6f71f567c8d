"""How the sandbox names things as Calendly does: resource URIs, timestamps, and ids that stay the same on
every run. A leaf module: records.py and every area's records import it (records.py imports the areas'
record classes, so they cannot import these from it)."""

from __future__ import annotations

import uuid
from datetime import datetime

API_BASE = "https://api.calendly.com"


def iso(moment: datetime) -> str:
    """Calendly's timestamp style: UTC, microseconds, a `Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def uri(kind: str, ident: str) -> str:
    return f"{API_BASE}/{kind}/{ident}"


def stable_id(namespace: uuid.UUID, name: str) -> str:
    """A UUID that is the same on every run (each area seeds in a namespace of its own), so tests and
    demos can name seeded objects."""
    return str(uuid.uuid5(namespace, name))
