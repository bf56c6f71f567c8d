"""The layout the docs describe is the layout there is: the direction of imports, and the files and
numbers the docs name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from calendly_mcp.tools import _manifest
from calendly_mcp.tools.registry import ALL_TOOLS, TOOLSETS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "calendly_mcp"
# Which parts of the package each part may import (README, "Layout"). The sandbox is a Calendly, not a
# mock of our client: it imports nothing of ours.
ALLOWED = {
    "settings": set[str](),
    "schemas": {"schemas"},
    "client": {"client", "settings"},
    "database": {"settings"},
    "bookings": {"database"},
    "state": {"client", "settings", "database", "inbox"},
    "inbox": {"database", "client"},
    "tools": {"tools", "client", "schemas", "settings", "database", "bookings", "inbox", "state"},
    "server": {
        "server",
        "tools",
        "client",
        "schemas",
        "settings",
        "database",
        "bookings",
        "inbox",
        "sandbox",
        "state",
        "__init__",
    },
    "sandbox": {"sandbox"},
}


def imported_parts(path: Path) -> set[str]:
    """The parts of the package a module imports (`__init__` for the package itself, e.g. __version__)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.add("sandbox")  # relative imports: only the sandbox uses them, inside itself
        elif isinstance(node, ast.ImportFrom) and node.module == "calendly_mcp":
            found |= {alias.name if alias.name in ALLOWED else "__init__" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("calendly_mcp."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("calendly_mcp.")}
    return found


def test_imports_flow_one_way() -> None:
    wrong: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        part = rel.parts[0].removesuffix(".py")
        if part in ALLOWED:
            wrong += [f"{rel} imports calendly_mcp.{p}" for p in imported_parts(path) - ALLOWED[part]]
    assert not wrong, wrong


def test_docs_tool_table_is_generated_from_the_registry() -> None:
    assert (REPO / "docs" / "tools.md").read_text() == _manifest.tools_table(), "run `make snapshots`"


def test_toolset_names_in_the_readme_are_the_registrys() -> None:
    readme = (REPO / "README.md").read_text()
    for toolset in TOOLSETS:
        assert f"`{toolset.name}`" in readme, toolset.name


DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# A path-looking word in backticks: something/with/slashes or a file name with a known suffix.
PATHISH = re.compile(r"`((?:[\w.-]+/)+[\w.-]*|[\w-]+\.(?:py|json|md|toml|txt|sh|yaml))`")


# Backticked words that look like paths but name something else.
NOT_FILES = re.compile(
    r"(tools|resources|prompts|server|notifications)/\w+$"  # MCP methods
    r"|(text|application)/[\w.+-]+$"  # media types
    r"|checks\.json$"  # written by the conformance suite into a temporary folder
    r"|claude_desktop_config\.json$"  # a client's configuration, on the user's machine
    r"|io\.github\.[\w.-]+/[\w.-]+$"  # a name in the MCP registry (namespace/server)
    r"|.*node_modules"  # installed by tests/external/setup.sh, not part of the repository
    r"|(http|/|\.|~)|.*[{<*]"
)
OUR_FILES = [
    p.relative_to(REPO)
    for top in ("src", "tests", "docs", "benchmarks", ".ci")
    for p in (REPO / top).rglob("*")
    if "node_modules" not in p.parts and "__pycache__" not in p.parts
]


def exists(name: str) -> bool:
    """A path from the repo's top, from the package, or the tail of one of our files' paths."""
    if (REPO / name).exists() or (PACKAGE / name).exists():
        return True
    return any(str(path) == name or str(path).endswith("/" + name) for path in OUR_FILES)


def test_files_the_docs_name_exist() -> None:
    missing = [
        f"{doc.name}: {name}"
        for doc in DOCS
        for name in PATHISH.findall(doc.read_text())
        if not NOT_FILES.match(name) and not exists(name.split("::")[0].rstrip("/"))
    ]
    assert not missing, missing


def test_tool_counts_the_docs_state_are_true() -> None:
    """Where a doc says "N tools", N is the number the registry has."""
    wrong: list[str] = []
    for doc in DOCS:
        for count in re.findall(r"\b(\d+) tools\b", doc.read_text()):
            if int(count) != len(ALL_TOOLS):
                wrong.append(f"{doc.name}: {count} tools")
    assert not wrong, f"{wrong}: the registry has {len(ALL_TOOLS)}"


def test_readme_settings_table_lists_every_variable() -> None:
    from calendly_mcp.settings import Settings

    readme = (REPO / "README.md").read_text()
    missing = [name.upper() for name in Settings.model_fields if f"| `{name.upper()}` |" not in readme]
    assert not missing, missing
