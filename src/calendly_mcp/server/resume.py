"""The keys that seal `request_state`, the 2026-07-28 protocol's memory of a call that asked the user
something (a confirmation): the client echoes it back on its retry, and the replica that answers the
retry must be able to open what another one sealed."""

from __future__ import annotations

from mcp.server.request_state import RequestStateSecurity

from calendly_mcp.database import Database, request_state_keys

AUDIENCE = "calendly"  # the server's name, which the SDK would use too


def request_state_security(database: Database) -> RequestStateSecurity | None:
    """The policy every replica of this deployment shares. On PostgreSQL (several replicas may share it)
    the keys are the database's, made by the first replica and read by every other, so a confirmation
    answered on one replica is resumed by any. Otherwise None: the SDK's own key, made by this process
    alone (enough for stdio and one HTTP process; a SQLite file is not opened at start-up, cold start
    being a budget)."""
    if database.dialect != "postgresql":
        return None
    return RequestStateSecurity(keys=request_state_keys(database), audience=AUDIENCE)
