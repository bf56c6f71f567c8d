"""`calendly-mcp demo`: a real MCP client drives the server (stdio, embedded sandbox) and prints the talk."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import anyio
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters


def run_demo() -> None:
    anyio.run(_demo)


def _say(text: str = "") -> None:
    print(text, flush=True)


async def _call(client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in args.items())
    _say(f"\n> {tool}({shown})")
    result = await client.call_tool(tool, args)
    if result.is_error:
        text = result.content[0].text if result.content and result.content[0].type == "text" else ""
        _say(f"  error: {text}")
        return {}
    return result.structured_content or {}


def _when(iso: str, tz: str) -> str:
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))
    return moment.strftime("%a %d %b %H:%M")


async def _demo() -> None:
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "calendly_mcp", "serve", "--sandbox"], env=None
    )
    _say("calendly-mcp demo: an MCP client talks to the server over stdio; Calendly is the embedded sandbox.")
    async with Client(server) as client:
        tools = await client.list_tools()
        _say(f"\nThe server offers {len(tools.tools)} tools: {', '.join(t.name for t in tools.tools)}")

        me = await _call(client, "get_current_user", {})
        tz = me.get("timezone", "UTC")
        _say(f"  I am {me.get('name')} <{me.get('email')}>, time zone {tz}.")

        types = await _call(client, "list_event_types", {"active": True})
        for item in types.get("collection", []):
            _say(f"  - {item['name']}: {item['duration']} min, {item['scheduling_url']}")

        now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        args: dict[str, Any] = {"min_start_time": now, "status": "active", "count": 5}
        upcoming = await _call(client, "list_scheduled_events", args)
        for event in upcoming.get("collection", []):
            _say(f"  - {_when(event['start_time'], tz)}  {event['name']}")

        token = upcoming.get("next_page_token")
        if token:
            _say("  (more: asking for page two with the next_page_token)")
            page_two = await _call(client, "list_scheduled_events", {**args, "page_token": token})
            for event in page_two.get("collection", []):
                _say(f"  - {_when(event['start_time'], tz)}  {event['name']}")

        events: list[dict[str, Any]] = upcoming.get("collection") or []
        if events:
            detail = await _call(client, "get_scheduled_event", {"event": events[0]["uri"]})
            location: dict[str, Any] = detail.get("location") or {}
            counter: dict[str, Any] = detail.get("invitees_counter") or {}
            where = location.get("type", "no location")
            _say(f"  {detail.get('name')}: {where}, {counter.get('active', 0)} invitee(s).")

        await _call(client, "get_scheduled_event", {"event": "../../admin"})
    _say("\nDone. Every call above went through MCP to the server, and from it over HTTP to the sandbox.")
