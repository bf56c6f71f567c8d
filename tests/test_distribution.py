"""The server as it is distributed: the package's metadata, the wheel and a fresh install of it; server.json
against the MCP registry's published schema; the .mcpb bundle, validated and packed by mcpb and run the way
its host runs it. What each channel needs: docs/distribution.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters

from calendly_mcp import __version__
from calendly_mcp.settings import Settings, variables
from calendly_mcp.tools._mcp import description
from calendly_mcp.tools.registry import ALL_TOOLS, DEFAULT, GATEWAY_ONLY
from conftest import server_env
from external.judges import MCPB, NODE_MODULES

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import distribution  # noqa: E402  (scripts/ is no package)

PROJECT: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
BIN = Path(sys.executable).parent
REGISTRY_SCHEMA = REPO / "tests" / "data" / "registry" / "server.schema.json"
MCPB_SCHEMA = NODE_MODULES / "@anthropic-ai" / "mcpb" / "dist" / "mcpb-manifest-v0.4.schema.json"
SECRETS = {"MATON_API_KEY", "CALENDLY_API_TOKEN", "CALENDLY_MCP_AUTH_TOKEN"}

pytestmark = pytest.mark.anyio


def outside_env(**extra: str) -> dict[str, str]:
    """A server environment in which nothing of this checkout is importable (no PYTHONPATH), with the
    toolsets as installed (the tests' own servers serve them all)."""
    dropped = {"PYTHONPATH", "CALENDLY_MCP_TOOLSETS"}
    return {k: v for k, v in server_env(None, None, **extra).items() if k not in dropped}


def validate(document: Any, schema: dict[str, Any]) -> list[str]:
    """Every error of `document` against a draft-07 schema, formats checked ("uri" included)."""
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    assert {"uri", "email"} <= set(checker.checkers), "jsonschema cannot check uri: rfc3986-validator missing"
    validator = jsonschema.Draft7Validator(schema, format_checker=checker)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


# --- the package's metadata ---------------------------------------------------------------------------


def test_metadata_is_complete() -> None:
    assert PROJECT["name"] == "calendly-mcp-server"
    assert "version" not in PROJECT
    assert PROJECT["dynamic"] == ["version"]
    assert PROJECT["authors"] == [{"name": "calendly-mcp maintainers"}]
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert PROJECT["keywords"]
    assert "Programming Language :: Python :: 3.11" in PROJECT["classifiers"]
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(PROJECT["urls"])
    assert all(url.startswith(distribution.GITHUB) for url in PROJECT["urls"].values())
    hatch = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]
    assert hatch["version"]["path"] == "src/calendly_mcp/__init__.py"


def test_both_console_scripts_run_the_same_entry_point() -> None:
    scripts = PROJECT["scripts"]
    assert scripts["calendly-mcp-server"] == scripts["calendly-mcp"] == "calendly_mcp.server.cli:main"


def test_license_is_mit_2026() -> None:
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 calendly-mcp contributors" in text


def test_readme_names_the_registry_entry() -> None:
    """The registry accepts a PyPI package only when its description says `mcp-name: <server.json name>`."""
    readme = (REPO / "README.md").read_text()
    assert f"<!-- mcp-name: {distribution.REGISTRY_NAME} -->" in readme
    assert json.loads((REPO / "server.json").read_text())["name"] == distribution.REGISTRY_NAME


# --- the wheel and the sdist, built as they would be published -----------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_twine_check_strict_passes(built: dict[str, Path]) -> None:
    done = subprocess.run(
        [str(BIN / "twine"), "check", "--strict", str(built["wheel"]), str(built["sdist"])],
        capture_output=True,
        text=True,
        env=os.environ | {"NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_wheel_carries_what_the_server_needs(built: dict[str, Path]) -> None:
    wheel = built["wheel"]
    assert wheel.name == f"calendly_mcp_server-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"calendly_mcp_server-{__version__}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "calendly_mcp/tools/manifest.json" in names
    assert "calendly_mcp/py.typed" in names
    assert f"{info}/licenses/LICENSE" in names
    assert not any(name.startswith(("tests/", "calendly_mcp/tests")) for name in names)
    assert "calendly-mcp = calendly_mcp.server.cli:main" in entry_points
    assert "calendly-mcp-server = calendly_mcp.server.cli:main" in entry_points
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert "\nAuthor: calendly-mcp maintainers\n" in metadata
    assert "\nDescription-Content-Type: text/markdown\n" in metadata
    assert f"mcp-name: {distribution.REGISTRY_NAME}" in metadata


@pytest.mark.slow
def test_a_fresh_venv_gets_a_working_calendly_mcp_server(built: dict[str, Path], tmp_path: Path) -> None:
    """pip install of the wheel alone (its dependencies from the index) into an empty virtualenv."""
    venv = tmp_path / "venv"
    env = outside_env()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(built["wheel"])],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    command = venv / "bin" / "calendly-mcp-server"
    version = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"calendly-mcp {__version__}"
    check = subprocess.run(
        [str(command), "check", "--sandbox"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("mode: gateway (http://127.0.0.1:"), check.stdout
    assert "\nuser: " in check.stdout
    # It is the installed copy that ran, not the source tree.
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import calendly_mcp; print(calendly_mcp.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert where.stdout.startswith(str(venv)), where.stdout


# --- server.json, the MCP registry's entry -----------------------------------------------------------


def server_json() -> dict[str, Any]:
    return json.loads((REPO / "server.json").read_text())


def test_server_json_is_valid_for_the_registrys_schema() -> None:
    schema = json.loads(REGISTRY_SCHEMA.read_text())
    document = server_json()
    assert document["$schema"] == schema["$id"]
    assert validate(document, schema) == []


def test_the_registry_schema_refuses_what_it_should() -> None:
    """The control: the vendored schema and the validator do catch a broken entry."""
    schema = json.loads(REGISTRY_SCHEMA.read_text())
    broken = server_json()
    broken["name"] = "no slash"
    broken["description"] = "x" * 101
    broken["websiteUrl"] = "not a url"
    del broken["packages"][0]["transport"]
    errors = validate(broken, schema)
    assert any(e.startswith("name:") for e in errors), errors
    assert any(e.startswith("description:") for e in errors), errors
    assert any(e.startswith("websiteUrl:") for e in errors), errors
    assert any(e.startswith("packages/0") for e in errors), errors


def test_server_json_variables_are_the_settings() -> None:
    (package,) = server_json()["packages"]
    env = {entry["name"]: entry for entry in package["environmentVariables"]}
    assert set(env) == {name.upper() for name in Settings.model_fields}
    assert {name for name, entry in env.items() if entry["isSecret"]} == SECRETS
    for variable in variables():
        entry = env[variable.name]
        assert entry["description"] == variable.description != ""
        assert entry.get("default") == variable.default
        assert entry["isRequired"] is False
        assert "default" not in entry or isinstance(entry["default"], str)


def test_server_json_version_and_package_are_the_projects() -> None:
    document = server_json()
    (package,) = document["packages"]
    assert document["version"] == package["version"] == __version__
    assert package["registryType"] == "pypi"
    assert package["identifier"] == PROJECT["name"]
    assert package["transport"] == {"type": "stdio"}


def test_committed_distribution_files_are_generated() -> None:
    assert distribution.stale() == [], "run `make snapshots`"


# --- the .mcpb desktop bundle ------------------------------------------------------------------------


def mcpb_manifest() -> dict[str, Any]:
    return json.loads((REPO / "mcpb" / "manifest.json").read_text())


def test_mcpb_tools_are_the_registrys() -> None:
    tools = mcpb_manifest()["tools"]
    default = [spec for spec in ALL_TOOLS if spec.toolset in DEFAULT]
    assert tools == [{"name": spec.name, "description": description(spec.fn)} for spec in default]
    assert all(tool["description"] for tool in tools)


def test_mcpb_manifest_is_a_uv_server_with_sensitive_optional_credentials() -> None:
    manifest = mcpb_manifest()
    assert manifest["manifest_version"] == "0.4"
    assert manifest["version"] == __version__
    assert manifest["server"]["type"] == "uv"
    assert (REPO / manifest["server"]["entry_point"]).is_file()
    config = manifest["user_config"]
    for key in ("maton_api_key", "calendly_api_token"):
        assert config[key]["sensitive"] is True
        assert config[key]["required"] is False
    env = manifest["server"]["mcp_config"]["env"]
    assert env["MATON_API_KEY"] == "${user_config.maton_api_key}"
    assert env["CALENDLY_API_TOKEN"] == "${user_config.calendly_api_token}"
    assert set(env) <= {name.upper() for name in Settings.model_fields}
    assert manifest["privacy_policies"] == [distribution.PRIVACY_POLICY]
    assert (REPO / "docs" / "privacy.md").is_file()


def test_mcpb_manifest_against_the_schema_mcpb_ships() -> None:
    schema = json.loads(MCPB_SCHEMA.read_text())
    assert validate(mcpb_manifest(), schema) == []


def test_unfilled_user_config_placeholders_are_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host may pass `${user_config.x}` through, or "", for an optional field left empty."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("MATON_API_KEY", "${user_config.maton_api_key}")
    monkeypatch.setenv("CALENDLY_API_TOKEN", "")
    monkeypatch.setenv("CALENDLY_MCP_READ_ONLY", "${user_config.read_only}")
    settings = Settings(_env_file=None)  # pyright: ignore[reportCallIssue]
    assert settings.mode == "unconfigured"
    assert settings.calendly_mcp_read_only is False


def mcpb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MCPB.command(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"NO_COLOR": "1"},
    )


def test_mcpb_validate_accepts_the_manifest() -> None:
    done = mcpb("validate", str(REPO / "mcpb" / "manifest.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Manifest schema validation passes!" in done.stdout


def test_mcpb_validate_refuses_a_broken_manifest(tmp_path: Path) -> None:
    """The control: mcpb validate does fail on a manifest its 0.4 schema refuses."""
    broken = mcpb_manifest()
    broken["server"]["type"] = "ruby"
    (tmp_path / "manifest.json").write_text(json.dumps(broken))
    done = mcpb("validate", str(tmp_path / "manifest.json"))
    assert done.returncode != 0, done.stdout


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .mcpb as `make dist` makes it: staged (with a uv.lock resolved now), then `mcpb pack`."""
    work = tmp_path_factory.mktemp("mcpb")
    stage = distribution.stage(work / "stage")
    out = work / f"calendly-mcp-server-{__version__}.mcpb"
    done = mcpb("pack", str(stage), str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_mcpb_pack_makes_a_bundle_of_the_project(bundle: Path) -> None:
    assert bundle.is_file()
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        packed = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "pyproject.toml", "uv.lock", "README.md", "LICENSE"} <= names
    assert "src/calendly_mcp/__main__.py" in names
    assert "src/calendly_mcp/tools/manifest.json" in names
    assert "src/calendly_mcp/py.typed" in names
    assert not any("__pycache__" in name or name.startswith(("tests/", ".venv/")) for name in names)
    assert packed == mcpb_manifest()


@pytest.mark.slow
async def test_the_bundle_serves_its_tools_the_way_its_host_runs_it(bundle: Path, tmp_path: Path) -> None:
    """Unpacked, with the manifest's mcp_config and user_config substituted (both credentials left
    empty, as a user who picks the sandbox would), `uv run` installs the project and serves."""
    home = tmp_path / "extension"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(home)
    config = json.loads((home / "manifest.json").read_text())["server"]["mcp_config"]
    args = [arg.replace("${__dirname}", str(home)) for arg in config["args"]]
    values = {"maton_api_key": "", "calendly_api_token": "", "read_only": "false"}
    env = {
        name: re.sub(r"\$\{user_config\.(\w+)\}", lambda m: values[m.group(1)], value)
        for name, value in config["env"].items()
    }
    uv = BIN / config["command"] if (BIN / config["command"]).exists() else Path(config["command"])
    params = StdioServerParameters(
        command=str(uv), args=[*args, "--sandbox"], env=outside_env(**env), cwd=str(tmp_path)
    )
    async with Client(params) as client:
        tools = (await client.list_tools()).tools
        me = await client.call_tool("get_current_user", {})
    # The sandbox is Calendly's direct door: Maton's connection tools are not served there.
    listed = [tool["name"] for tool in mcpb_manifest()["tools"]]
    maton = {spec.name for spec in ALL_TOOLS if spec.toolset in GATEWAY_ONLY}
    assert [tool.name for tool in tools] == [name for name in listed if name not in maton]
    assert not me.is_error, me
    # The server that answered is the bundle's own install, not this checkout.
    assert (home / ".venv").is_dir()


# --- the image's pinned dependencies ------------------------------------------------------------------


def test_image_requirements_pin_every_runtime_dependency_within_pyproject() -> None:
    """docker/requirements.txt (generated from a venv) still fits pyproject's ranges; the image's
    `pip check` holds it complete."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lines = (REPO / "docker" / "requirements.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in pins), pins
    for text in PROJECT["dependencies"]:
        wanted = Requirement(text)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{name} is not pinned in docker/requirements.txt"
        assert wanted.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} is not {wanted}"
        )
