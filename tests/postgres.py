"""A real PostgreSQL for the tests: a throwaway cluster in a temporary directory, on loopback.

Debian's `postgresql` package is installed with apt-get when missing. The cluster runs as an
unprivileged user (`nobody` when the tests run as root: PostgreSQL refuses to run as root), trusts
local connections (it listens on 127.0.0.1 only, on a free port), and is removed afterwards. Each test
that wants a clean database gets one of its own (`fresh_database`), made in milliseconds from template0.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOTS = (Path("/usr/lib/postgresql"),)
USER = "calendly"  # the cluster's superuser
_count = itertools.count()


class Unavailable(Exception):
    """PostgreSQL cannot be installed or started here; the message says why."""


def _bin_dir() -> Path | None:
    for root in ROOTS:
        if root.is_dir():
            versions = sorted((p for p in root.iterdir() if (p / "bin" / "initdb").exists()), reverse=True)
            if versions:
                return versions[0] / "bin"
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def install() -> Path:
    """The directory of initdb and pg_ctl, installing Debian's postgresql if needed."""
    found = _bin_dir()
    if found is not None:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise Unavailable(
            "PostgreSQL is not installed and apt-get cannot install it here (not root / no apt)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise Unavailable(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    found = _bin_dir()
    if found is None:
        raise Unavailable("apt-get installed postgresql but no initdb was found")
    return found


@dataclass
class Cluster:
    bin: Path
    directory: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(_count)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url_of(name)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start(port: int) -> Cluster:
    """initdb and start a cluster on 127.0.0.1:`port`; raises Unavailable when it cannot be."""
    bin_dir = install()
    directory = Path(tempfile.mkdtemp(prefix="calendly-mcp-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise Unavailable("running as root without runuser: cannot start PostgreSQL as another user")
        shutil.chown(directory, "nobody")
        os.chmod(directory, 0o700)
        as_user = ["runuser", "-u", "nobody", "--"]
    data = directory / "data"
    run = [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8"]
    done = subprocess.run([*run, "--no-sync"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise Unavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    options = f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c max_connections=200"
    done = subprocess.run(
        [
            *as_user,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(directory / "log"),
            "-w",
            "start",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        log = (directory / "log").read_text() if (directory / "log").exists() else ""
        shutil.rmtree(directory, ignore_errors=True)
        raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()[-300:]} {log[-500:]}")
    return Cluster(bin_dir, directory, port, as_user)
