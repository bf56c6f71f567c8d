"""The keys that seal `request_state`, the 2026-07-28 protocol's memory of a call that asked the user
something (a confirmation): the client echoes it back on its retry, and the replica that answers the
retry must be able to open what another one sealed."""

from __future__ import annotations

from mcp.server.request_state import RequestStateSecurity

from calendly_mcp.settings import Settings


def request_state_security(settings: Settings) -> RequestStateSecurity | None:
    """The policy every replica of this deployment shares; None: the SDK's own, a key made by this
    process alone (enough for stdio and one HTTP process: a retry reaching another process is refused
    with "Invalid or expired requestState", and the client asks again).

    The one place that decides: keys kept in the shared database plug in here.
    """
    del settings  # no shared key store yet
    return None
