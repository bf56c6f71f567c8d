"""Write (or check) src/calendly_mcp/sandbox/calendly/scopes.json from Calendly's OpenAPI spec.

python scripts/scopes.py write    # after updating tests/data/openapi/
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "tests" / "data" / "openapi" / "calendly-api-2026-10.json"
TABLE = ROOT / "src" / "calendly_mcp" / "sandbox" / "calendly" / "scopes.json"
SCOPE = re.compile(r"`([a-z_]+:(?:read|write))`")


def table() -> dict[str, object]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    operations: dict[str, str] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            text: str = operation.get("description", "")
            note = text[text.find("Required scopes") :] if "Required scopes" in text else ""
            found = SCOPE.search(note)
            if found:
                operations[f"{method.upper()} {path}"] = found.group(1)
    return {
        "source": "The 'Required scopes' note of each operation in Calendly's API v2 spec of 2026-10 "
        "(tests/data/openapi/calendly-api-2026-10.json); written by scripts/scopes.py.",
        "operations": dict(sorted(operations.items(), key=lambda kv: kv[0].split(" ", 1)[::-1])),
    }


def render() -> str:
    return json.dumps(table(), indent=1) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        TABLE.write_text(render(), encoding="utf-8")
    elif TABLE.read_text(encoding="utf-8") != render():
        sys.exit(f"{TABLE} is out of date: run python scripts/scopes.py write")
