"""The container image, built from the Dockerfile and started, here, without a Docker engine or a registry.

buildah (Debian's, installed with apt-get when missing) builds the Dockerfile with `--isolation chroot` on
a Debian bookworm base made locally with `debootstrap --variant=minbase` (its rootfs cached as a tarball
under ~/.cache/calendly-mcp-test/), since no container registry is reachable. `buildah run --isolation
chroot` shares the host's loopback, so a real MCP client reaches the server in the container. Where buildah
cannot be had (not root, apt-get fails), the tests are skipped with the reason printed.

The first run on a machine installs buildah and debootstrap, bootstraps Debian and builds every layer
(docs/distribution.md has the measured time); later runs reuse the rootfs, the base image and the layers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from calendly_mcp import __version__
from conftest import free_port

pytestmark = [pytest.mark.container, pytest.mark.slow, pytest.mark.anyio]

REPO = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "calendly-mcp-test"
ROOTFS = CACHE / "debian-bookworm-minbase.tar.gz"
ROOTFS_MAX_AGE = 30 * 24 * 3600  # then bootstrap again, for a base with the point release's fixes
MIRROR = "http://deb.debian.org/debian"
BASE = "localhost/debian:bookworm-minbase"
IMAGE = "localhost/calendly-mcp-server:test"
TOKEN = "container-test-token-8d41"
# The CA bundle pip uses here (PIP_CERT): where TLS to PyPI is inspected, pip in the build needs it too.
# The Dockerfile mounts it as a build secret, kept out of the image.
CA_BUNDLE = (
    os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
)


def say(message: str) -> None:
    """Straight to the terminal, past pytest's capture: these steps take minutes the first time."""
    print(f"\n[container] {message}", file=sys.__stderr__, flush=True)


def skip_loudly(reason: str) -> None:
    say(f"SKIPPED: {reason}")
    pytest.skip(reason)


def sh(*command: str, timeout: float = 1800, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **options)


def ensure_tools() -> None:
    """buildah and debootstrap, from Debian's packages when missing (needs root)."""
    missing = [tool for tool in ("buildah", "debootstrap") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        skip_loudly(f"{', '.join(missing)} not installed and not root, so apt-get cannot install them")
    say(f"installing {' '.join(missing)} with apt-get")
    lock = ["-o", "DPkg::Lock::Timeout=600"]
    for step in (
        ["apt-get", *lock, "update", "-qq"],
        ["apt-get", *lock, "install", "-y", "-qq", "--no-install-recommends", *missing, "uidmap"],
    ):
        done = sh(*step, env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"})
        if done.returncode != 0:
            skip_loudly(f"`{' '.join(step)}` failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def buildah(*args: str, timeout: float = 1800) -> str:
    done = sh("buildah", *args, timeout=timeout)
    assert done.returncode == 0, f"buildah {' '.join(args)}: exit {done.returncode}\n{done.stderr[-4000:]}"
    return done.stdout


def has_image(name: str) -> bool:
    return sh("buildah", "inspect", "--type", "image", name, timeout=60).returncode == 0


def rootfs_tarball() -> Path:
    """A Debian bookworm minbase rootfs as a tarball, from the cache when fresh enough."""
    if ROOTFS.is_file() and time.time() - ROOTFS.stat().st_mtime < ROOTFS_MAX_AGE:
        return ROOTFS
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"rootfs-{os.getpid()}"
    shutil.rmtree(target, ignore_errors=True)
    say(f"debootstrap --variant=minbase bookworm {target} {MIRROR}")
    started = time.monotonic()
    done = sh("debootstrap", "--variant=minbase", "bookworm", str(target), MIRROR)
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        pytest.fail(f"debootstrap failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    # What a slim image leaves out too: the downloaded packages and the package lists.
    for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (target / leftover).glob("*"):
            if path.is_file():
                path.unlink()
    partial = CACHE / f"{ROOTFS.name}.{os.getpid()}.part"
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(target, arcname=".")
    partial.replace(ROOTFS)  # atomic: a concurrent run sees the old tarball or the new one, never half
    shutil.rmtree(target, ignore_errors=True)
    say(f"rootfs cached at {ROOTFS} in {time.monotonic() - started:.0f} s")
    return ROOTFS


def ensure_base_image() -> None:
    if has_image(BASE):
        return
    tarball = rootfs_tarball()
    container = buildah("from", "scratch").strip()
    try:
        buildah("add", container, str(tarball), "/")
        buildah(
            "config",
            "--env",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--cmd",
            "/bin/bash",
            container,
        )
        buildah("commit", "--rm", container, BASE)
    except BaseException:
        sh("buildah", "rm", container)
        raise
    say(f"base image {BASE} committed from {tarball}")


@pytest.fixture(scope="module")
def image() -> dict[str, Any]:
    """The image built from the Dockerfile (layers cached between runs); its inspected configuration."""
    ensure_tools()
    if os.geteuid() != 0:
        skip_loudly("buildah here runs as root only (no user namespaces set up for rootless builds)")
    ensure_base_image()
    say(f"buildah bud --isolation chroot --layers -t {IMAGE} (pip reaches PyPI from inside)")
    started = time.monotonic()
    buildah(
        "bud",
        "--isolation",
        "chroot",
        "--layers",
        "--pull-never",
        "--format",
        "docker",  # OCI images have no HEALTHCHECK; Docker's format keeps it
        "--build-arg",
        f"BASE_IMAGE={BASE}",
        *(["--secret", f"id=pip-ca,src={CA_BUNDLE}"] if Path(CA_BUNDLE).is_file() else []),
        "--tag",
        IMAGE,
        "--file",
        str(REPO / "Dockerfile"),
        str(REPO),
    )
    say(f"image built in {time.monotonic() - started:.0f} s")
    return json.loads(buildah("inspect", "--type", "image", IMAGE))


@pytest.fixture
def container(image: dict[str, Any]) -> Iterator[str]:
    name = buildah("from", "--pull-never", IMAGE).strip()
    try:
        yield name
    finally:
        sh("buildah", "rm", name, timeout=120)


def config_of(image: dict[str, Any]) -> dict[str, Any]:
    return image["Docker"]["config"]


class Started:
    """`buildah run` of a command in the container, in a process group of its own (stopped as a group),
    its stderr collected by a thread."""

    def __init__(self, container: str, *command: str, env: dict[str, str] | None = None) -> None:
        flags = [arg for name, value in (env or {}).items() for arg in ("--env", f"{name}={value}")]
        self.process = subprocess.Popen(
            ["buildah", "run", "--isolation", "chroot", *flags, container, "--", *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                self.stderr.append(line)

    def wait_until_serving(self, seconds: float = 60) -> str:
        """The URL of the stderr line saying where it serves (printed once it listens)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.stderr):
                if found := re.match(r"calendly-mcp: serving streamable HTTP at (\S+)", line):
                    return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"not serving within {seconds} s; stderr:\n{''.join(self.stderr)}")

    def server_pids(self) -> list[int]:
        """The server's own process under buildah run (same session: buildah's runtime keeps it)."""
        found: list[int] = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                command = (stat.parent / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError):
                continue
            session = int(fields[3])  # after the state, the parent and the group
            # The interpreter running the script, not buildah-chroot-exec (whose argv names it too).
            script = len(command) > 1 and b"python" in command[0] and command[1].endswith(b"bin/calendly-mcp")
            if session == self.process.pid and script:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> int:
        """One SIGINT to the server itself (what Ctrl-C in `docker run -it` does), which must stop it;
        SIGKILL to the group only if it lingers. buildah's exit code is returned."""
        for pid in self.server_pids():
            os.kill(pid, signal.SIGINT)
        try:
            code = self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(os.getpgid(self.process.pid), signal.SIGKILL)
            self.process.wait(10)
            raise AssertionError(
                f"still running 20 s after SIGINT; stderr:\n{''.join(self.stderr)}"
            ) from None
        self._reader.join(10)
        return code


def run_in(
    container: str, *command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    flags = [arg for name, value in (env or {}).items() for arg in ("--env", f"{name}={value}")]
    return sh("buildah", "run", "--isolation", "chroot", *flags, container, "--", *command, timeout=120)


def test_image_configuration(image: dict[str, Any]) -> None:
    config = config_of(image)
    assert config["User"] == "app"
    assert config["Entrypoint"] == ["calendly-mcp"]
    assert config["Cmd"][:5] == ["serve", "--transport", "streamable-http", "--host", "0.0.0.0"]
    assert "8000/tcp" in config["ExposedPorts"]
    health = config["Healthcheck"]["Test"]
    assert health[0] == "CMD"
    assert "/healthz" in " ".join(health)
    (listed,) = json.loads(buildah("images", "--json", IMAGE))
    say(
        f"image {IMAGE}: {listed['size']}; user {config['User']}, entrypoint {config['Entrypoint']}, cmd {config['Cmd']}"
    )


def test_entrypoint_runs_check_as_docker_run_would(image: dict[str, Any], container: str) -> None:
    """`docker run IMAGE check --sandbox` is the entrypoint with those arguments."""
    entrypoint = config_of(image)["Entrypoint"]
    version = run_in(container, *entrypoint, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"calendly-mcp {__version__}"
    check = run_in(container, *entrypoint, "check", "--sandbox")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("mode: gateway (http://127.0.0.1:"), check.stdout
    say(f"check --sandbox in the container:\n{check.stdout.strip()}")
    whoami = run_in(container, "id", "-un")
    assert whoami.stdout.strip() == "app", whoami
    # The booking record's directory exists and is the user's (a volume mounted there inherits that).
    record = run_in(container, "test", "-w", "/home/app/.local/share/calendly-mcp")
    assert record.returncode == 0, record


async def test_sandbox_serves_tools_over_streamable_http_from_the_container(container: str) -> None:
    port = free_port()
    server = Started(
        container, "calendly-mcp", "serve", "--sandbox", "--transport", "streamable-http", "--port", str(port)
    )
    try:
        url = server.wait_until_serving()
        assert url == f"http://127.0.0.1:{port}/mcp"
        async with Client(url) as client:
            tools = (await client.list_tools()).tools
            me = await client.call_tool("get_current_user", {})
        assert len(tools) > 20
        assert not me.is_error
    finally:
        code = server.stop()
    assert code in (0, 130), (code, server.stderr)
    assert not any("Traceback" in line for line in server.stderr), server.stderr


async def test_the_default_command_with_its_token_rules_and_health_check(
    image: dict[str, Any], container: str
) -> None:
    """The image's own command (on a free port instead of 8000: the loopback is the host's): it needs the
    token, then answers 401 without it, serves with it, and the health check passes while it is up."""
    config = config_of(image)
    port = str(free_port())
    command = [*config["Entrypoint"], *[port if arg == "8000" else arg for arg in config["Cmd"]], "--sandbox"]
    health = [
        port if arg == "8000" else arg.replace("8000", port) for arg in config["Healthcheck"]["Test"][1:]
    ]

    refused = run_in(container, *command)
    assert refused.returncode == 1
    assert "without CALENDLY_MCP_AUTH_TOKEN" in refused.stderr

    assert run_in(container, *health).returncode != 0  # nothing listens: unhealthy
    server = Started(container, *command, env={"CALENDLY_MCP_AUTH_TOKEN": TOKEN})
    try:
        url = server.wait_until_serving().replace("0.0.0.0", "127.0.0.1")
        healthy = run_in(container, *health)
        assert healthy.returncode == 0, healthy.stderr
        async with httpx2.AsyncClient() as http:
            assert (await http.get(url)).status_code == 401
        authorized = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
        async with authorized, Client(streamable_http_client(url, http_client=authorized)) as client:
            assert (await client.list_tools()).tools
    finally:
        server.stop()
