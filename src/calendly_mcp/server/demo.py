"""`calendly-mcp demo`: a real MCP client drives the server (stdio, embedded sandbox) and prints the talk.

Two stories an agent would live. First: who am I, what do I offer, what is next; find a free slot,
subscribe a webhook, book the slot, see it listed and the delivery arrive (signature checked), cancel,
and see the slot come back. Second: the hour next week when three colleagues in three zones are all
free, a meeting booked in it once the user confirms, then moved to their next common hour.

The demo's client answers the server's confirmation questions (MCP elicitation) as a user who accepts,
and prints each question.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from mcp.client import Client, ClientRequestContext
from mcp.client.stdio import StdioServerParameters
from mcp.types import ElicitRequestParams, ElicitResult

from calendly_mcp.server.receiver import Receiver, webhook_receiver


def run_demo() -> None:
    anyio.run(_demo)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _when(local: str, tz: str) -> str:
    """A local time from an answer (ISO 8601 with its offset, in `tz`), as a person reads it."""
    return f"{datetime.fromisoformat(local):%a %d %b %H:%M} ({tz})"


class Agent:
    """Prints each call the way a transcript would show it."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def call(self, tool: str, **args: Any) -> dict[str, Any]:
        # The demo's own signing key is still a secret: a transcript is a log.
        shown = ", ".join(f"{k}={_short('***' if k == 'signing_key' else v)}" for k, v in args.items())
        _say(f"\n> {tool}({shown})")
        result = await self.client.call_tool(tool, args)
        if result.is_error:
            text = " ".join(c.text for c in result.content if c.type == "text")
            _say(f"  refused: {text}")
            return {}
        answer: dict[str, Any] = result.structured_content or {}
        _say(f"  = {_summary(answer)}")
        return answer


def _summary(answer: dict[str, Any]) -> str:
    """One line for every answer: how many items, or what the resource is."""
    if "collection" in answer:
        shown = len(answer["collection"])
        total = answer.get("total")
        more = " (more on the next page)" if answer.get("next_page_token") else ""
        counted = f"{shown} of {total}" if total is not None and total != shown else str(shown)
        return f"{counted} item(s){more}"
    if answer.get("deleted"):
        return f"deleted {answer.get('uri')}"
    facts = [
        str(answer[k]) for k in ("name", "status", "state", "canceled_by", "reason", "uri") if answer.get(k)
    ]
    return ", ".join(facts) or "ok"


async def _user_accepts(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    """The person at the client, asked to confirm: the demo's user always says yes."""
    _say(f"  ? the server asks: {params.message}")
    _say("  ! the user accepts")
    return ElicitResult(action="accept", content={"confirm": True})


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + '..."'


async def _demo() -> None:
    server = StdioServerParameters(command=sys.executable, args=["-m", "calendly_mcp", "serve", "--sandbox"])
    _say("calendly-mcp demo: an MCP client talks to the server over stdio; Calendly is the embedded sandbox.")
    async with (
        webhook_receiver(secrets.token_urlsafe(24)) as receiver,
        Client(server, elicitation_callback=_user_accepts) as client,
    ):
        agent = Agent(client)
        tools = await client.list_tools()
        _say(f"\nThe server offers {len(tools.tools)} tools: {', '.join(t.name for t in tools.tools)}")

        me = await agent.call("get_current_user")
        tz = me.get("timezone", "UTC")
        _say(f"  I am {me.get('name')} <{me.get('email')}>, time zone {tz}.")

        types = await agent.call("list_event_types", active=True)
        for item in types.get("collection", []):
            _say(f"  - {item['name']}: {item['duration']} min")

        now = datetime.now(UTC)
        upcoming = await agent.call(
            "list_scheduled_events", min_start_time=_iso(now), status="active", count=3
        )
        for event in upcoming.get("collection", []):
            _say(f"  - {_when(event['start_local'], tz)}  {event['name']}")
        token = upcoming.get("next_page_token")
        if token:
            _say("  (more: page two with the next_page_token)")
            page_two = await agent.call(
                "list_scheduled_events", min_start_time=_iso(now), status="active", count=3, page_token=token
            )
            for event in page_two.get("collection", []):
                _say(f"  - {_when(event['start_local'], tz)}  {event['name']}")

        await _booking_story(agent, receiver, types.get("collection", []), tz, now)
        await _colleagues_story(agent, types.get("collection", []), tz, now)
    _say("\nDone. Every call above went through MCP to the server, and from it over HTTP to the sandbox.")


async def _simplest(agent: Agent, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A 30-minute event type with no required question: list rows leave questions to get_event_type."""
    for row in rows:
        if row["duration"] == 30:
            whole = await agent.call("get_event_type", event_type=row["uri"])
            questions: list[dict[str, Any]] = whole.get("custom_questions") or []
            if not any(q.get("required") for q in questions):
                return whole
    return None


async def _booking_story(
    agent: Agent, receiver: Receiver, event_types: list[dict[str, Any]], tz: str, now: datetime
) -> None:
    event_type = await _simplest(agent, event_types)
    if event_type is None:
        return
    window = {"start_time": _iso(now + timedelta(minutes=5)), "end_time": _iso(now + timedelta(days=7))}

    await agent.call(
        "list_event_type_available_times",
        event_type=event_type["uri"],
        start_time=window["start_time"],
        end_time=_iso(now + timedelta(days=30)),
    )
    _say("  (the server refuses a window over 7 days before calling Calendly, and says what to use instead)")
    month = await agent.call(
        "find_available_times",
        event_type=event_type["uri"],
        start_time=window["start_time"],
        end_time=_iso(now + timedelta(days=30)),
        timezone="Europe/London",
    )
    busiest = max(month.get("days", []), key=lambda day: day["slots"], default=None)
    if busiest:
        _say(
            f"  {month['total']} free slots in 30 days ({month['windows']} windows fetched at once); "
            f"the fullest day is {busiest['date']}, {busiest['first']}-{busiest['last']} {month['timezone']}."
        )

    slots = (await agent.call("list_event_type_available_times", event_type=event_type["uri"], **window)).get(
        "collection", []
    )
    if not slots:
        _say("  no free slot this week")
        return
    slot, slot_local = slots[0]["start_time"], slots[0]["start_local"]
    _say(f"  the first free slot is {_when(slot_local, tz)}.")

    hook = await agent.call(
        "create_webhook_subscription",
        url=receiver.url,
        events=["invitee.created", "invitee.canceled"],
        signing_key=receiver.signing_key,
    )
    _say(f"  subscribed {hook.get('callback_url')} ({hook.get('state')}).")

    locations: list[dict[str, Any]] = event_type.get("locations") or []
    location = next((loc for loc in locations if loc.get("kind")), None)
    booking: dict[str, Any] = {
        "event_type": event_type["uri"],
        "start_time": slot,
        "email": "ada@example.com",
        "timezone": "Europe/London",
        "name": "Ada Lovelace",
    }
    if location and location["kind"] not in {"physical", "outbound_call", "ask_invitee", "custom"}:
        booking["location_kind"] = location["kind"]
    invitee = await agent.call("create_event_invitee", **booking)
    if not invitee:
        return
    _say(f"  booked {invitee['name']} for {_when(slot_local, tz)}: {invitee['event']}")

    listed = await agent.call(
        "list_scheduled_events", invitee_email="ada@example.com", min_start_time=_iso(now)
    )
    for event in listed.get("collection", []):
        _say(f"  - {_when(event['start_local'], tz)}  {event['name']} ({event['status']})")

    delivery = await receiver.next_delivery()
    _say(
        f"\n< webhook {delivery.event} for {delivery.invitee_email}: signature verified ({delivery.signature_ok})"
    )

    await agent.call("cancel_scheduled_event", event=invitee["event"], reason="Demo over")
    delivery = await receiver.next_delivery()
    _say(
        f"\n< webhook {delivery.event} for {delivery.invitee_email}: signature verified ({delivery.signature_ok})"
    )

    again = (await agent.call("list_event_type_available_times", event_type=event_type["uri"], **window)).get(
        "collection", []
    )
    back = any(s["start_time"] == slot for s in again)
    _say(f"  the slot at {_when(slot_local, tz)} is {'offered again' if back else 'still taken'}.")

    await agent.call("delete_webhook_subscription", webhook=hook["uri"])
    await agent.call("get_scheduled_event", event="../../admin")


# Three colleagues in three zones whose working hours meet: New York 09-17, London 09-17, Madrid 09-17
# overlap 14:00-16:00 UTC.
COLLEAGUES = (
    "maya.patel@northwind.example.com",
    "oliver.bennett@northwind.example.com",
    "lucia.gomez@northwind.example.com",
)


async def _colleagues_story(agent: Agent, event_types: list[dict[str, Any]], tz: str, now: datetime) -> None:
    _say("\nSecond story: an hour next week when three colleagues in three zones are all free.")
    hour = next((row for row in event_types if row["duration"] == 60 and row["kind"] == "solo"), None)
    if hour is None:
        return
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    common = await agent.call(
        "find_common_free_times",
        people=list(COLLEAGUES),
        duration=60,
        start_time=_iso(monday),
        end_time=_iso(monday + timedelta(days=5)),
    )
    for person in common.get("people", []):
        _say(f"  - {person['name']} ({person['timezone']})")
    for day in common.get("days", []):
        _say(
            f"  {day['date']}: {day['slots']} common start(s), {day['first']}-{day['last']} {common['timezone']}"
        )
    offered = await agent.call(
        "list_event_type_available_times",
        event_type=hour["uri"],
        start_time=_iso(monday),
        end_time=_iso(monday + timedelta(days=5)),
    )
    bookable = {slot["start_time"] for slot in offered.get("collection", [])}
    both = [slot for slot in common.get("collection", []) if slot["start_time"] in bookable]
    if len(both) < 2:
        _say("  not two common hours that the event type also offers next week")
        return
    first, later = both[0], both[-1]
    _say(f"  the first common hour {hour['name']} offers: {_when(first['start_local'], tz)}.")

    invitee = await agent.call(
        "create_event_invitee",
        event_type=hour["uri"],
        start_time=first["start_time"],
        email=COLLEAGUES[1],
        name="Oliver Bennett",
        timezone="Europe/London",
        guests=[COLLEAGUES[2]],
    )
    if not invitee:
        return
    _say(f"  booked with Oliver, Lucía as guest: {invitee['event']}")

    moved = await agent.call("reschedule_meeting", event=invitee["event"], start_time=later["start_time"])
    if moved:
        _say(f"  {moved.get('outcome')}: {moved.get('message')}")
