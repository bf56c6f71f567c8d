"""The server's own database: where it lives, opening it, its schema, short transactions.

SQLite from the standard library by default, one file in the user's data directory (or the
`sqlite:///path` of CALENDLY_MCP_DATABASE_URL); PostgreSQL through psycopg 3 when that setting is a
`postgresql://` URL, so that several server processes share one state. Callers write their SQL once,
with `?` placeholders; `Transaction.execute` adapts it to the driver. The database is opened on first
use, not at start-up, and its driver imported then: cold start is a budget (sqlite3 alone costs about
10 ms, psycopg far more).
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from calendly_mcp.settings import Settings

if TYPE_CHECKING:
    import sqlite3

    import psycopg

APP = "calendly-mcp"
FILE = "calendly-mcp.sqlite3"
MEMORY = ":memory:"
# How long a statement waits for another process's write lock; transactions here last milliseconds.
BUSY_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10
# PostgreSQL advisory locks (any two numbers of our own): every writing transaction takes WRITE_LOCK, so
# writes are serialised across processes as SQLite's BEGIN IMMEDIATE serialises them: two replicas can
# never both read "no such row" and both act on it. MIGRATE_LOCK: one replica migrates, the others wait.
WRITE_LOCK = 0x63616C31
MIGRATE_LOCK = 0x63616C32

Dialect = Literal["sqlite", "postgresql"]
# Column types the two dialects spell differently; migrations name them as {real} and {blob}.
TYPES: dict[Dialect, dict[str, str]] = {
    "sqlite": {"real": "REAL", "blob": "BLOB"},
    "postgresql": {"real": "DOUBLE PRECISION", "blob": "BYTEA"},
}

# Step N takes the schema from version N to N + 1; `schema_version` says how many steps a file has had.
# A step may hold several statements, separated by semicolons.
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
        created_at {real} NOT NULL,
        updated_at {real} NOT NULL,
        PRIMARY KEY (event_type, start_time, email)
    )
    """,
    # The webhook inbox (calendly_mcp.inbox): the signing keys of the subscriptions this server made, the
    # deliveries received (one row per delivery identity), and the keys that seal elicitation request state.
    """
    CREATE TABLE signing_keys (
        id TEXT PRIMARY KEY,
        signing_key TEXT NOT NULL,
        url TEXT NOT NULL,
        subscription TEXT,
        created_at {real} NOT NULL
    );
    CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        email TEXT,
        subscription TEXT,
        created_at TEXT,
        received_at {real} NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX deliveries_by_arrival ON deliveries (received_at, id);
    CREATE TABLE request_state_keys (
        position INTEGER PRIMARY KEY,
        secret {blob} NOT NULL,
        created_at {real} NOT NULL
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


def dialect_of(url: str | None) -> Dialect:
    return (
        "postgresql"
        if url is not None and url.split(":", 1)[0].lower() in ("postgresql", "postgres")
        else "sqlite"
    )


def redacted(url: str) -> str:
    """A PostgreSQL URL fit for an error message: scheme, host, port and database, never the password."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        where = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the PostgreSQL database of CALENDLY_MCP_DATABASE_URL"
    return f"postgresql://{where}{port}{parts.path}"


class Cursor(Protocol):
    """What a statement answers, as both drivers have it."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction:
    """One open transaction: `execute` takes SQL with `?` placeholders, whichever the database."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self._connection = connection
        self.dialect: Dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.dialect == "postgresql":
            # Our statements hold no literal `?` or `%`: the placeholders are the only ones.
            return self._connection.execute(sql.replace("?", "%s"), tuple(params))
        return self._connection.execute(sql, tuple(params))


class Database:
    """The process's one connection, opened on first use and closed with the lifespan that owns it.

    Tool calls run its statements in worker threads (they may wait on another process's lock), so the
    connection is shared between threads behind a lock. A PostgreSQL connection that broke (a restart of
    the database, a network cut) is dropped, and the next transaction opens a new one.
    """

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.dialect: Dialect = dialect_of(url)
        self._connection: Any = None
        self._lock = threading.Lock()
        self._path: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.calendly_mcp_database_url)

    @property
    def path(self) -> str:
        """Where the database is, as errors name it (a PostgreSQL URL without its password)."""
        if self._path is None:
            self._path = redacted(self.url or "") if self.dialect == "postgresql" else sqlite_path(self.url)
        return self._path

    @contextmanager
    def transaction(self, *, write: bool = True) -> Generator[Transaction]:
        """One short transaction. A write takes the write lock at its start (SQLite: BEGIN IMMEDIATE;
        PostgreSQL: an advisory lock), so two processes can never both read "no such row" and both act on
        it: the second waits, then reads the first's row."""
        if self.dialect == "postgresql":
            with self._postgresql(write) as tx:
                yield tx
            return
        import sqlite3

        with self._lock:
            try:
                connection = self._open_sqlite()
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except (sqlite3.Error, OSError, RuntimeError) as exc:  # RuntimeError: no home directory
                raise self._error(exc) from None
            try:
                yield Transaction(connection, "sqlite")
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                _rollback(connection)
                raise self._error(exc) from None
            except BaseException:
                _rollback(connection)
                raise

    @contextmanager
    def _postgresql(self, write: bool) -> Generator[Transaction]:
        import psycopg

        with self._lock:
            try:
                connection = self._open_postgresql()
                block = connection.transaction()
                block.__enter__()
            except (psycopg.Error, OSError) as exc:
                self._drop_broken()
                raise self._error(exc) from None
            try:
                if write:
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                yield Transaction(connection, "postgresql")
            except BaseException as exc:
                with suppress(psycopg.Error):
                    block.__exit__(type(exc), exc, exc.__traceback__)
                if isinstance(exc, psycopg.Error):
                    self._drop_broken()
                    raise self._error(exc) from None
                raise
            try:
                block.__exit__(None, None, None)  # COMMIT
            except psycopg.Error as exc:
                self._drop_broken()
                raise self._error(exc) from None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _open_sqlite(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = connect(self.path)
        return self._connection

    def _open_postgresql(self) -> psycopg.Connection[Any]:
        if self._connection is None:
            self._connection = connect_postgresql(self.url or "", self.path)
        return self._connection

    def _drop_broken(self) -> None:
        connection = self._connection
        if connection is not None and (connection.closed or connection.broken):
            self._connection = None
            connection.close()

    def _error(self, exc: Exception) -> DatabaseError:
        if isinstance(exc, DatabaseError):
            return exc
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if self.url and self.dialect == "postgresql":
            text = text.replace(self.url, self.path)  # psycopg may quote the URL it was given
        return DatabaseError(f"{self.path}: {text}")


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
        # FULL: a transaction is on disk when COMMIT returns, so an acknowledged delivery survives even
        # the machine's crash, not only the process's.
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            migrate(Transaction(connection, "sqlite"), path)
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise
    except BaseException:
        connection.close()
        raise
    return connection


def connect_postgresql(url: str, where: str) -> psycopg.Connection[Any]:
    """A connection to the PostgreSQL database at `url`, its schema brought up to date (by one process
    at a time: replicas starting together wait for the first)."""
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            f"{where}: PostgreSQL needs the psycopg driver: pip install 'calendly-mcp-server[postgres]'"
        ) from None
    connection = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    try:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            migrate(Transaction(connection, "postgresql"), where)
    except BaseException:
        connection.close()
        raise
    return connection


def migrate(tx: Transaction, where: str) -> int:
    """Run the steps the database has not had yet, inside the caller's transaction; answers the version."""
    tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = tx.execute("SELECT version FROM schema_version").fetchone()
    current = int(row[0]) if row else 0
    if current > len(MIGRATIONS):
        raise DatabaseError(
            f"the database {where} has schema version {current}, written by a newer calendly-mcp "
            f"(this one knows up to {len(MIGRATIONS)}): upgrade, or point CALENDLY_MCP_DATABASE_URL "
            "at another database"
        )
    for step in MIGRATIONS[current:]:
        for statement in step.format(**TYPES[tx.dialect]).split(";"):
            if statement.strip():
                tx.execute(statement)
    if row is None:
        tx.execute("INSERT INTO schema_version (version) VALUES (?)", (len(MIGRATIONS),))
    elif current != len(MIGRATIONS):
        tx.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))
    return len(MIGRATIONS)


def request_state_keys(db: Database) -> list[bytes]:
    """The keys that seal elicitation request state, the same for every process sharing the database:
    generated by the first process that asks, then read by all (for the SDK's RequestStateSecurity)."""
    with db.transaction() as tx:
        rows = tx.execute("SELECT secret FROM request_state_keys ORDER BY position").fetchall()
        if not rows:
            secret = secrets.token_bytes(32)
            tx.execute(
                "INSERT INTO request_state_keys (position, secret, created_at) VALUES (?, ?, ?)",
                (0, secret, time.time()),
            )
            return [secret]
    return [bytes(row[0]) for row in rows]


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")
