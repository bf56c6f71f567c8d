"""The files other tools read to install the server, generated so that none can drift from the code.

- `server.json` (repo top): the official MCP registry's entry. Its environment variables come from the
  settings model, its version from `calendly_mcp.__version__`, its package from pyproject's name.
- `mcpb/manifest.json`: the MCP Bundle (.mcpb) manifest, server type `uv`; its tools from the registry.

    python scripts/distribution.py write          # rewrite both (`make snapshots` runs it)
    python scripts/distribution.py check          # exit 1 when a committed file differs from what it should be
    python scripts/distribution.py stage DIR      # lay out the bundle's contents in DIR (for `mcpb pack DIR`)
    python scripts/distribution.py requirements   # rewrite docker/requirements.txt from this venv's versions

Run with the package importable (the repo's src/ on PYTHONPATH, or installed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SERVER_JSON = REPO / "server.json"
MCPB_MANIFEST = REPO / "mcpb" / "manifest.json"
REQUIREMENTS = REPO / "docker" / "requirements.txt"

# The registry schema server.json is written for (vendored in tests/data/registry/).
REGISTRY_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json"
GITHUB = "https://github.com/calendly-mcp/calendly-mcp-server"
# The registry's name; io.github.<owner>/ is proven by logging in to the registry as that GitHub owner.
# The README's `mcp-name:` line must say the same: the registry checks it on PyPI.
REGISTRY_NAME = "io.github.calendly-mcp/calendly-mcp-server"
TITLE = "Calendly"
# At most 100 characters (the registry's limit).
SUMMARY = "Calendly for agents: meetings, event types, free times, booking, webhooks; direct or via Maton."
PRIVACY_POLICY = f"{GITHUB}/blob/main/docs/privacy.md"
# What the bundle carries: the host installs the project from pyproject.toml (uv), nothing is vendored.
BUNDLE_FILES = ("pyproject.toml", "README.md", "LICENSE")
BUNDLE_TREES = ("src/calendly_mcp",)


def pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def server_json() -> dict[str, Any]:
    from calendly_mcp import __version__
    from calendly_mcp.settings import variables

    env: list[dict[str, Any]] = []
    for variable in variables():
        entry: dict[str, Any] = {
            "name": variable.name,
            "description": variable.description,
            "isRequired": False,  # one of MATON_API_KEY / CALENDLY_API_TOKEN is needed, neither alone
            "isSecret": variable.secret,
            "format": variable.kind,
        }
        if variable.default is not None:
            entry["default"] = variable.default
        env.append(entry)
    return {
        "$schema": REGISTRY_SCHEMA,
        "name": REGISTRY_NAME,
        "title": TITLE,
        "description": SUMMARY,
        "version": __version__,
        "websiteUrl": GITHUB,
        "repository": {"url": GITHUB, "source": "github"},
        "packages": [
            {
                "registryType": "pypi",
                "registryBaseUrl": "https://pypi.org",
                "identifier": pyproject()["name"],
                "version": __version__,
                "runtimeHint": "uvx",
                "transport": {"type": "stdio"},
                "environmentVariables": env,
            }
        ],
    }


def mcpb_manifest() -> dict[str, Any]:
    from calendly_mcp import __version__
    from calendly_mcp.tools._mcp import description
    from calendly_mcp.tools.registry import ALL_TOOLS, DEFAULT

    project = pyproject()
    return {
        "manifest_version": "0.4",
        "name": project["name"],
        "display_name": TITLE,
        "version": __version__,
        "description": SUMMARY,
        "long_description": (
            "Lets Claude work a Calendly account: users, event types, scheduled meetings and their "
            "invitees, free and busy times (up to 92 days in one call), booking in an offered slot, "
            "cancelling, organization members and webhook subscriptions. It reaches Calendly through the "
            "Maton gateway (a Maton API key) or directly (a Calendly personal access token): give one of "
            "the two. Read-only mode exposes only the tools that change nothing."
        ),
        "author": {"name": project["authors"][0]["name"], "url": "https://github.com/calendly-mcp"},
        "repository": {"type": "git", "url": GITHUB},
        "homepage": GITHUB,
        "documentation": f"{GITHUB}#readme",
        "support": f"{GITHUB}/issues",
        "license": project["license"],
        "keywords": project["keywords"],
        "privacy_policies": [PRIVACY_POLICY],
        "server": {
            "type": "uv",
            "entry_point": "src/calendly_mcp/__main__.py",
            "mcp_config": {
                # uv creates the bundle's environment from pyproject.toml and uv.lock, then runs the script.
                "command": "uv",
                "args": ["run", "--directory", "${__dirname}", "--frozen", "calendly-mcp", "serve"],
                "env": {
                    "MATON_API_KEY": "${user_config.maton_api_key}",
                    "CALENDLY_API_TOKEN": "${user_config.calendly_api_token}",
                    "CALENDLY_MCP_READ_ONLY": "${user_config.read_only}",
                },
            },
        },
        # What the bundle serves as installed: the default toolsets (Maton's connection tools in gateway
        # mode); CALENDLY_MCP_TOOLSETS adds the others.
        "tools": [
            {"name": spec.name, "description": description(spec.fn)}
            for spec in ALL_TOOLS
            if spec.toolset in DEFAULT
        ],
        "tools_generated": False,
        "compatibility": {
            "platforms": ["darwin", "win32", "linux"],
            "runtimes": {"python": project["requires-python"]},
        },
        "user_config": {
            "maton_api_key": {
                "type": "string",
                "title": "Maton API key",
                "description": "From https://maton.ai/settings (gateway mode). Give this or the Calendly token.",
                "sensitive": True,
                "required": False,
            },
            "calendly_api_token": {
                "type": "string",
                "title": "Calendly personal access token",
                "description": "Calendly > Integrations > API & Webhooks (direct mode; wins over the Maton key).",
                "sensitive": True,
                "required": False,
            },
            "read_only": {
                "type": "boolean",
                "title": "Read-only",
                "description": "Expose only the tools that change nothing (no booking, cancelling or webhooks).",
                "default": False,
                "required": False,
            },
        },
    }


def rendered(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def expected() -> dict[Path, str]:
    return {SERVER_JSON: rendered(server_json()), MCPB_MANIFEST: rendered(mcpb_manifest())}


def write() -> None:
    for path, text in expected().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def stale() -> list[Path]:
    return [path for path, text in expected().items() if not path.is_file() or path.read_text() != text]


def stage(target: Path, *, lock: bool = True) -> Path:
    """The bundle's contents in `target` (created; must not exist): the manifest, the project and, with
    `lock`, a uv.lock resolved now (from PyPI), so that every install of this bundle gets the same versions."""
    target.mkdir(parents=True)
    (target / "manifest.json").write_text(rendered(mcpb_manifest()))
    for name in BUNDLE_FILES:
        shutil.copy2(REPO / name, target / name)
    for tree in BUNDLE_TREES:
        shutil.copytree(REPO / tree, target / tree, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if lock:
        subprocess.run([_uv(), "lock", "--quiet", "--directory", str(target)], check=True)
    return target


def runtime_requirements() -> list[str]:
    """Every runtime dependency of the project and its `postgres` extra, transitively, pinned to the version installed here
    (`name==version`, sorted); the markers are evaluated for this interpreter and platform."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import distribution as installed

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pinned: dict[str, str] = {}
    # The image also runs as several replicas on PostgreSQL: the `postgres` extra is in it.
    project = pyproject()
    wanted = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    pending = [(Requirement(text), "") for text in wanted]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        try:
            dist = installed(name)
        except PackageNotFoundError:
            raise SystemExit(f"{name} is not installed here: install the project first") from None
        first = name not in pinned
        pinned[name] = dist.version
        for wanted in [""] * first + sorted(requirement.extras):
            pending += [(Requirement(text), wanted) for text in dist.requires or []]
    return [f"{name}=={version}" for name, version in sorted(pinned.items())]


def write_requirements() -> None:
    REQUIREMENTS.parent.mkdir(exist_ok=True)
    header = [
        "# The image's runtime dependencies, every one pinned (the Dockerfile installs them with --no-deps,",
        "# then `pip check`). Generated by `python scripts/distribution.py requirements` from the versions",
        f"# installed in the development venv (Python {sys.version_info.major}.{sys.version_info.minor}, "
        f"{sys.platform}); rerun it to move them.",
    ]
    REQUIREMENTS.write_text("\n".join([*header, *runtime_requirements(), ""]))


def _uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise SystemExit("uv is needed to lock the bundle's dependencies: pip install uv (in the dev extra)")
    return found


def main(argv: list[str]) -> int:
    match argv:
        case ["write"]:
            write()
        case ["check"]:
            if drifted := stale():
                names = ", ".join(str(path.relative_to(REPO)) for path in drifted)
                print(f"{names} out of date: run `make snapshots`", file=sys.stderr)
                return 1
        case ["stage", directory]:
            print(stage(Path(directory)))
        case ["requirements"]:
            write_requirements()
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
