"""The booking record and its database, without a server: keys, states, claims between processes, the
schema and its version, where the file lives, and the settings that point at it. The record's tests run
on both databases: a SQLite file and a real PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from calendly_mcp import bookings
from calendly_mcp.bookings import LEASE_S, Key
from calendly_mcp.database import (
    MIGRATIONS,
    Database,
    DatabaseError,
    data_dir,
    request_state_keys,
    sqlite_path,
)
from calendly_mcp.settings import Settings
from conftest import free_port, server_env

ET = "https://api.calendly.com/event_types/et-1"
KEY = Key.of(ET, datetime(2030, 1, 7, 15, 0, tzinfo=UTC), "ann@example.com")
INVITEE = "https://api.calendly.com/scheduled_events/ev-1/invitees/inv-1"
EVENT = "https://api.calendly.com/scheduled_events/ev-1"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.close()


def create(url: str) -> None:
    """The file, with its schema (a database opens on first use)."""
    database = Database(url)
    assert bookings.get(database, KEY) is None
    database.close()


def me() -> str:
    return bookings.new_owner()


def dead_owner() -> str:
    """An owner naming a process of this machine that has exited (and been reaped)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    host, _, nonce = me().split(":")
    return f"{host}:{child.stdout.strip()}:{nonce}"


# --- keys -----------------------------------------------------------------------------------------------


def test_a_key_is_the_event_type_the_utc_start_and_the_lower_cased_email() -> None:
    paris = timezone(timedelta(hours=1))
    key = Key.of(ET, datetime(2030, 1, 7, 16, 0, tzinfo=paris), "  Ann@Example.COM ")
    assert key == KEY
    assert (key.start_time, key.email) == ("2030-01-07T15:00:00Z", "ann@example.com")


# --- states ---------------------------------------------------------------------------------------------


def test_a_first_claim_is_mine_and_a_second_one_is_busy(db: Database) -> None:
    first = bookings.claim(db, KEY, me(), time.time())
    assert (first.kind, first.previous) == ("mine", None)
    second = bookings.claim(db, KEY, me(), time.time())
    assert second.kind == "busy", "this process is alive: its claim holds"
    record = bookings.get(db, KEY)
    assert record is not None
    assert record.state == "pending"


def test_a_finished_booking_is_done_with_its_uris(db: Database) -> None:
    owner = me()
    bookings.claim(db, KEY, owner, time.time())
    bookings.finish(db, KEY, INVITEE, EVENT, time.time())
    claim = bookings.claim(db, KEY, me(), time.time())
    assert claim.kind == "done"
    assert claim.previous is not None
    assert (claim.previous.invitee, claim.previous.event, claim.previous.owner) == (INVITEE, EVENT, None)


def test_finish_records_a_meeting_found_without_a_claim(db: Database) -> None:
    bookings.finish(db, KEY, INVITEE, EVENT, time.time())
    record = bookings.get(db, KEY)
    assert record is not None
    assert (record.state, record.invitee) == ("done", INVITEE)


def test_a_released_claim_starts_afresh(db: Database) -> None:
    owner = me()
    bookings.claim(db, KEY, owner, time.time())
    bookings.release(db, KEY, me())  # someone else's release changes nothing
    assert bookings.get(db, KEY) is not None
    bookings.release(db, KEY, owner)
    assert bookings.get(db, KEY) is None
    assert bookings.claim(db, KEY, me(), time.time()).previous is None


def test_an_abandoned_claim_is_taken_over_and_says_an_attempt_was_made(db: Database) -> None:
    owner = me()
    bookings.claim(db, KEY, owner, time.time())
    bookings.abandon(db, KEY, owner, time.time())
    claim = bookings.claim(db, KEY, me(), time.time())
    assert claim.kind == "mine"
    assert claim.previous is not None
    assert (claim.previous.state, claim.previous.owner) == ("pending", None)


def test_a_claim_of_a_process_that_died_is_taken_over(db: Database) -> None:
    dead = dead_owner()
    assert not bookings.alive(dead)
    bookings.claim(db, KEY, dead, time.time())
    claim = bookings.claim(db, KEY, me(), time.time())
    assert claim.kind == "mine"
    assert claim.previous is not None
    assert claim.previous.owner == dead


def test_a_claim_older_than_the_lease_is_taken_over_even_from_the_living(db: Database) -> None:
    now = time.time()
    bookings.claim(db, KEY, f"another-host:1:{os.getpid()}", now)
    assert bookings.claim(db, KEY, me(), now + 60).kind == "busy", "another machine: the lease decides"
    assert bookings.claim(db, KEY, me(), now + LEASE_S + 1).kind == "mine"


def test_forget_drops_only_the_record_of_that_invitee(db: Database) -> None:
    bookings.finish(db, KEY, INVITEE, EVENT, time.time())
    bookings.forget(db, KEY, INVITEE + "-other")
    assert bookings.get(db, KEY) is not None
    bookings.forget(db, KEY, INVITEE)
    assert bookings.get(db, KEY) is None


def test_the_record_survives_closing_and_reopening(database_url: str) -> None:
    url = database_url
    first = Database(url)
    bookings.finish(first, KEY, INVITEE, EVENT, time.time())
    first.close()
    again = Database(url)
    record = bookings.get(again, KEY)
    again.close()
    assert record is not None
    assert (record.state, record.invitee, record.event) == ("done", INVITEE, EVENT)


CLAIMER = """
import sys, time
from datetime import datetime, timezone
from calendly_mcp import bookings
from calendly_mcp.database import Database

url, at = sys.argv[1], float(sys.argv[2])
db = Database(url)
key = bookings.Key.of("{et}", datetime(2030, 1, 7, 15, 0, tzinfo=timezone.utc), "ann@example.com")
while time.time() < at:
    time.sleep(0.001)
print(bookings.claim(db, key, bookings.new_owner(), time.time()).kind)
"""


def test_of_processes_claiming_the_same_booking_at_once_exactly_one_gets_it(database_url: str) -> None:
    url = database_url
    create(url)  # the file and its schema exist: the race is the claim's alone
    at = time.time() + 3  # every process is up and waiting by then
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER.format(et=ET), url, str(at)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(6)
    ]
    kinds = sorted(p.communicate(timeout=60)[0].strip() for p in processes)
    assert kinds == ["busy"] * 5 + ["mine"]


# --- the database -----------------------------------------------------------------------------------------


def test_the_file_is_created_in_wal_mode_with_its_schema_version_readable_by_the_user_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep" / "record.sqlite3"
    database = Database(f"sqlite:///{path}")
    assert not path.exists(), "nothing is opened before the first use"
    assert bookings.get(database, KEY) is None
    database.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]


def test_a_file_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite3"
    create(f"sqlite:///{path}")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE schema_version SET version = 99")
    database = Database(f"sqlite:///{path}")
    with pytest.raises(DatabaseError, match="schema version 99, written by a newer calendly-mcp"):
        bookings.get(database, KEY)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(99,)]


def test_a_file_that_cannot_be_opened_is_a_database_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    database = Database(f"sqlite:///{blocker / 'record.sqlite3'}")
    with pytest.raises(DatabaseError, match="not-a-directory"):
        bookings.get(database, KEY)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///relative/record.sqlite3", "relative/record.sqlite3"),
        ("sqlite:////abs/record.sqlite3", "/abs/record.sqlite3"),
        ("sqlite:///~/record.sqlite3", str(Path.home() / "record.sqlite3")),
        ("sqlite://", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_sqlite_urls_read_as_sqlalchemy_reads_them(url: str, path: str) -> None:
    assert sqlite_path(url) == path


def test_the_default_file_is_in_the_users_data_directory() -> None:
    home = Path("/home/ann")
    assert data_dir({}, "linux", home) == home / ".local/share/calendly-mcp"
    assert data_dir({"XDG_DATA_HOME": "/data"}, "linux", home) == Path("/data/calendly-mcp")
    assert data_dir({"XDG_DATA_HOME": "relative"}, "linux", home) == home / ".local/share/calendly-mcp"
    assert data_dir({}, "darwin", home) == home / "Library/Application Support/calendly-mcp"
    assert data_dir({"LOCALAPPDATA": "C:/Users/ann/AppData/Local"}, "win32", home) == Path(
        "C:/Users/ann/AppData/Local/calendly-mcp"
    )
    assert sqlite_path(None) == str(data_dir() / "calendly-mcp.sqlite3")


def test_the_tests_never_use_the_users_own_record() -> None:
    assert Settings().calendly_mcp_database_url == os.environ["CALENDLY_MCP_DATABASE_URL"]
    env = server_env("direct", "http://127.0.0.1:1")
    assert env["CALENDLY_MCP_DATABASE_URL"] == os.environ["CALENDLY_MCP_DATABASE_URL"]
    assert str(data_dir(env)).startswith(env["XDG_DATA_HOME"])


# --- the setting ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["sqlite:///x.sqlite3", "sqlite:////tmp/x.sqlite3", "sqlite://", " "])
def test_sqlite_urls_are_accepted(url: str) -> None:
    settings = Settings(_env_file=None, calendly_mcp_database_url=url)  # pyright: ignore[reportCallIssue]
    assert settings.calendly_mcp_database_url == (url.strip() or None)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ann:pw@db.example.com/calendly",
        "postgres://ann:pw@db/calendly",
        "postgresql://db.example.com:5433/calendly?sslmode=require",
    ],
)
def test_postgresql_urls_are_accepted(url: str) -> None:
    settings = Settings(_env_file=None, calendly_mcp_database_url=url)  # pyright: ignore[reportCallIssue]
    assert settings.calendly_mcp_database_url == url
    assert Database.from_settings(settings).dialect == "postgresql"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql:ann:pw-SECRET@db/calendly", "give a postgresql://"),
        ("mysql://ann:pw-SECRET@db/calendly", "give a sqlite:///path"),
        ("sqlite://host-SECRET/x.sqlite3", "give a sqlite:///path"),
        ("/plain/path-SECRET.sqlite3", "give a sqlite:///path"),
    ],
)
def test_other_urls_are_refused_without_echoing_them(url: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, calendly_mcp_database_url=url)  # pyright: ignore[reportCallIssue]
    messages = " ".join(error["msg"] for error in caught.value.errors())
    assert words in messages
    assert "SECRET" not in messages


def test_an_unreachable_postgresql_is_an_error_naming_it_without_the_password() -> None:
    database = Database(f"postgresql://ann:pw-SECRET@127.0.0.1:{free_port()}/calendly")
    with pytest.raises(DatabaseError) as caught:
        bookings.get(database, KEY)
    assert str(caught.value).startswith("postgresql://127.0.0.1:")
    assert "SECRET" not in str(caught.value)


def test_the_schema_is_created_once_and_its_version_kept(database_url: str) -> None:
    """Two processes' connections (two Database objects) on one new database: the schema is made by the
    first, found by the second, and its version is the number of steps."""
    first, second = Database(database_url), Database(database_url)
    try:
        bookings.finish(first, KEY, INVITEE, EVENT, time.time())
        assert bookings.get(second, KEY) is not None
        with second.transaction(write=False) as tx:
            assert tx.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    finally:
        first.close()
        second.close()


def test_a_database_of_a_newer_version_is_refused_and_left_alone(database_url: str) -> None:
    create(database_url)
    database = Database(database_url)
    with database.transaction() as tx:
        tx.execute("UPDATE schema_version SET version = 99")
    database.close()
    again = Database(database_url)
    with pytest.raises(DatabaseError, match="schema version 99, written by a newer calendly-mcp"):
        bookings.get(again, KEY)
    again.close()


def test_request_state_keys_are_made_once_and_shared(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        keys = request_state_keys(first)
        assert len(keys) == 1
        assert len(keys[0]) == 32
        assert isinstance(keys[0], bytes)
        assert request_state_keys(second) == keys
        assert request_state_keys(first) == keys
    finally:
        first.close()
        second.close()


def test_starting_the_server_opens_no_database() -> None:
    """Cold start is a budget: sqlite3 (or psycopg) is imported, and the database opened, on first use."""
    code = (
        "import sys, calendly_mcp.server.app, calendly_mcp.tools.registry; "
        "print('sqlite3' in sys.modules or 'psycopg' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_a_postgresql_url_without_the_driver_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, calendly_mcp_database_url="postgresql://ann:pw-SECRET@db/x")  # pyright: ignore[reportCallIssue]
    message = caught.value.errors()[0]["msg"]
    assert "pip install 'calendly-mcp-server[postgres]'" in message
    assert "SECRET" not in message
