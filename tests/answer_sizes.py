"""What a model reads of each tool's answer, in o200k_base tokens, at default and at largest arguments.

Shared by the budget test (tests/test_answer_sizes.py) and the benchmark that prints the table
(`make bench`). Default arguments are the shared table's (tests/cases.py); the largest ones are those
rows with every size argument at its maximum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bpe_openai
from mcp.client import Client
from mcp.types import TextContent

from cases import CASES, World
from mcp_helpers import iso

DEFAULT_CEILING = 4_000
LARGEST_CEILING = 16_000
_ENCODING = bpe_openai.get_encoding("o200k_base")


def tokens(text: str) -> int:
    # One encode call refuses texts over 200,000 tokens: count a long text in pieces.
    return sum(len(_ENCODING.encode(text[i : i + 100_000])) for i in range(0, len(text), 100_000))


# Each tool whose answer grows with an argument, and its arguments at their largest.
LARGEST: dict[str, Callable[[World], dict[str, Any]]] = {
    "list_scheduled_events": lambda w: {"user": w.me, "count": 50},
    "list_event_types": lambda w: {"user": w.me, "count": 100},
    "list_event_type_hosts": lambda w: {"event_type": w.event_type, "count": 100},
    "list_event_invitees": lambda w: {"event": w.event, "count": 100},
    "list_organization_memberships": lambda w: {"organization": w.org, "count": 100},
    "list_organization_invitations": lambda w: {"organization": w.org, "count": 100},
    "list_webhook_subscriptions": lambda w: {"organization": w.org, "user": w.me, "count": 100},
    "list_webhook_deliveries": lambda w: {"count": 100},
    "list_event_type_available_times": lambda w: {
        "event_type": w.short_event_type, "start_time": iso(minutes=5), "end_time": iso(days=7)
    },
    "find_available_times": lambda w: {
        "event_type": w.short_event_type, "start_time": iso(minutes=5), "end_time": iso(days=92)
    },
    "list_user_busy_times": lambda w: {"user": w.me, "start_time": iso(minutes=5), "end_time": iso(days=7)},
    "find_common_free_times": lambda w: {
        "people": [w.me, w.other_user], "duration": 5, "start_time": iso(minutes=5), "end_time": iso(days=31),
        "explain_time": iso(days=1),
    },
    "list_routing_forms": lambda w: {"organization": w.org, "count": 100},
    "list_routing_form_submissions": lambda w: {"form": w.ex("routing_form"), "count": 100},
    "list_meeting_recaps": lambda w: {"count": 100},
    "get_meeting_transcript": lambda w: {"recap": w.ex("meeting_recap"), "count": 150},
    "list_contacts": lambda w: {"count": 100},
    "list_groups": lambda w: {"count": 100},
    "list_group_relationships": lambda w: {"count": 100},
    "list_teams": lambda w: {"count": 100},
    "list_activity_log_entries": lambda w: {"count": 100},
    "list_outgoing_communications": lambda w: {"count": 100},
}  # fmt: skip


async def measure(client: Client, tool: str, args: dict[str, Any]) -> tuple[int, bool]:
    """(tokens of the text content, whether the call failed)."""
    result = await client.call_tool(tool, args)
    text = "".join(c.text for c in result.content if isinstance(c, TextContent))
    return tokens(text), bool(result.is_error)


async def table(client: Client, world: World) -> list[tuple[str, int, int | None]]:
    """(tool, tokens at default arguments, tokens at largest, or None where no argument makes it grow)."""
    rows: list[tuple[str, int, int | None]] = []
    for case in CASES:
        default, _ = await measure(client, case.tool, case.args(world))
        largest = (
            await measure(client, case.tool, LARGEST[case.tool](world)) if case.tool in LARGEST else None
        )
        rows.append((case.tool, default, None if largest is None else largest[0]))
    return rows
