"""Where the npm judges live and how to run them; installed by tests/external/setup.sh (`make external-clients`).

A missing install is a test failure, never a skip: a skipped judge would read as a pass.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.abc
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NODE_MODULES = HERE / "node_modules"
SETUP_HINT = "run `make external-clients` (tests/external/setup.sh) first; `make test` does it for you"


@dataclass(frozen=True)
class Judge:
    package: str  # the name under node_modules (an npm alias for the pre-release)
    version: str  # exactly the version pinned in package.json
    script: str  # the entry point, relative to the package folder

    def command(self) -> list[str]:
        folder = NODE_MODULES / self.package
        manifest = folder / "package.json"
        if not manifest.is_file():
            pytest.fail(f"{self.package} is not installed in {NODE_MODULES}: {SETUP_HINT}", pytrace=False)
        installed = json.loads(manifest.read_text())["version"]
        if installed != self.version:
            pytest.fail(
                f"{self.package} {installed} is installed but {self.version} is pinned: {SETUP_HINT}",
                pytrace=False,
            )
        return [node(), str(folder / self.script)]


INSPECTOR = Judge("@modelcontextprotocol/inspector", "2.12.0", "clients/launcher/build/index.js")
CONFORMANCE = Judge("@modelcontextprotocol/conformance", "0.1.16", "dist/index.js")
CONFORMANCE_NEXT = Judge("conformance-next", "0.2.0-alpha.12", "dist/index.js")
# Not a judge of the server but of its desktop bundle: validates the .mcpb manifest and packs it.
MCPB = Judge("@anthropic-ai/mcpb", "2.1.2", "dist/cli/cli.js")


def node() -> str:
    """The node setup.sh chose (the machine's if >= 22.19, else Node 22 from the npm registry)."""
    recorded = NODE_MODULES / ".node-path"
    if not recorded.is_file():
        pytest.fail(
            f"the external MCP clients are not installed ({recorded} is missing): {SETUP_HINT}", pytrace=False
        )
    path = recorded.read_text().strip()
    if not os.access(path, os.X_OK):
        pytest.fail(f"node {path} recorded by setup.sh is not there any more: {SETUP_HINT}", pytrace=False)
    return path


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"


async def run(command: list[str], env: dict[str, str], seconds: float = 120) -> Run:
    with anyio.fail_after(seconds):
        done = await anyio.run_process(command, env=env | {"NO_COLOR": "1"}, cwd=REPO, check=False)
    return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


async def wait_for_port(port: int, process: anyio.abc.Process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            stream = await anyio.connect_tcp("127.0.0.1", port)
        except OSError:
            await anyio.sleep(0.05)
            continue
        await stream.aclose()
        return
    raise RuntimeError(f"server did not listen on {port} within {seconds} s")
