"""The server's own database: where it lives, opening it, its schema, short transactions.

SQLite from the standard library, one file in the user's data directory (or CALENDLY_MCP_DATABASE_URL).
It is opened on first use, not at start-up: most server processes never book anything, and cold start
is a budget (importing sqlite3 alone costs about 10 ms).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from calendly_mcp.settings import Settings

if TYPE_CHECKING:
    import sqlite3

APP = "calendly-mcp"
FILE = "calendly-mcp.sqlite3"
MEMORY = ":memory:"
# How long a statement waits for another process's write lock; transactions here last milliseconds.
BUSY_TIMEOUT_S = 10.0

# Step N takes the schema from version N to N + 1; `schema_version` says how many steps a file has had.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookings (
        event_type TEXT NOT NULL,
        start_time TEXT NOT NULL,
        email TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        owner TEXT,
        invitee TEXT,
        event TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (event_type, start_time, email)
    )
    """,
)


class DatabaseError(Exception):
    """The database cannot be opened or used; the text names the file and the cause."""


def data_dir(
    env: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """Where an application keeps its data on this platform, for us."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform == "win32":
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / APP
    if platform == "darwin":
        return home / "Library" / "Application Support" / APP
    xdg = env.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share") / APP


def sqlite_path(url: str | None) -> str:
    """The file a `sqlite://` URL names, read as SQLAlchemy reads them: sqlite:///relative/file,
    sqlite:////absolute/file, and sqlite:// or sqlite:///:memory: for a database in memory.
    None is the default file in the user's data directory."""
    if url is None:
        return str(data_dir() / FILE)
    rest = url.split("://", 1)[1]  # Settings has checked the scheme and that no host is given
    if rest in ("", "/", "/:memory:"):
        return MEMORY
    return str(Path(rest[1:]).expanduser())


class Database:
    """The process's one connection, opened on first use and closed with the lifespan that owns it.

    Tool calls run its statements in worker threads (they may wait on another process's lock), so the
    connection is shared between threads behind a lock.
    """

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._path: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.calendly_mcp_database_url)

    @property
    def path(self) -> str:
        if self._path is None:
            self._path = sqlite_path(self.url)
        return self._path

    @contextmanager
    def transaction(self, *, write: bool = True) -> Generator[sqlite3.Connection]:
        """One short transaction. A write takes the write lock at BEGIN (IMMEDIATE), so two processes can
        never both read "no such row" and both act on it: the second waits, then reads the first's row."""
        import sqlite3

        with self._lock:
            try:
                connection = self._open()
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except (sqlite3.Error, OSError, RuntimeError) as exc:  # RuntimeError: no home directory
                raise self._error(exc) from None
            try:
                yield connection
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                _rollback(connection)
                raise self._error(exc) from None
            except BaseException:
                _rollback(connection)
                raise

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = connect(self.path)
        return self._connection

    def _error(self, exc: Exception) -> DatabaseError:
        return DatabaseError(f"{self.path}: {exc}")


def connect(path: str) -> sqlite3.Connection:
    """A connection to the file at `path`, created if needed, in WAL mode, its schema brought up to date."""
    import sqlite3

    if path != MEMORY:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Invitees' e-mail addresses are in it: readable by the user only (the WAL files follow the file).
        os.close(os.open(file, os.O_CREAT | os.O_RDWR, 0o600))
    # isolation_level None: no implicit transactions; every one is begun explicitly, and kept short.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        # WAL: readers never wait for the writer, and a killed process leaves nothing half-written.
        connection.execute("PRAGMA journal_mode = WAL")
        migrate(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def migrate(connection: sqlite3.Connection, path: str) -> int:
    """Run the steps the file has not had yet, in one transaction; answers the schema version."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = connection.execute("SELECT version FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        if current > len(MIGRATIONS):
            raise DatabaseError(
                f"the database {path} has schema version {current}, written by a newer calendly-mcp "
                f"(this one knows up to {len(MIGRATIONS)}): upgrade, or point CALENDLY_MCP_DATABASE_URL "
                "at another file"
            )
        for step in MIGRATIONS[current:]:
            connection.execute(step)
        if row is None:
            connection.execute("INSERT INTO schema_version (version) VALUES (?)", (len(MIGRATIONS),))
        else:
            connection.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))
        connection.execute("COMMIT")
    except BaseException:
        _rollback(connection)
        raise
    return len(MIGRATIONS)


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")
