"""Confirmation through a real MCP client (with an elicitation callback) over a real server process, on both
protocol eras: 2025-11-25 asks with a request mid-call, 2026-07-28 with an InputRequiredResult the client
answers by retrying. Accepted: done; declined or cancelled: nothing changed (the sandbox says so); a client
without the capability, or CALENDLY_MCP_CONFIRM=off: nothing asked, done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import pytest
from mcp.client import Client
from mcp.client.session import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from conftest import Mode, SandboxProcess, http_server_process, server_env, stdio_server
from mcp_helpers import call, fail, iso

pytestmark = pytest.mark.anyio

Era = Literal["legacy", "auto"]
ERAS: dict[Era, str] = {"legacy": "2025-11-25", "auto": "2026-07-28"}


class User:
    """The person answering the client's confirmation form: what they were asked, and how they answer."""

    def __init__(self) -> None:
        self.answer: Literal["accept", "decline", "cancel"] = "accept"
        self.asked: list[str] = []

    async def __call__(self, context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        self.asked.append(params.message)
        if self.answer == "accept":
            return ElicitResult(action="accept", content={"confirm": True})
        return ElicitResult(action=self.answer)


@asynccontextmanager
async def client(
    sandbox: SandboxProcess, mode: Mode, era: Era, user: User | None, **env: str
) -> AsyncIterator[Client]:
    params = stdio_server(server_env(mode, sandbox.url, **env))
    async with Client(params, mode=era, elicitation_callback=user) as connected:
        assert connected.protocol_version == ERAS[era]
        yield connected


async def future_meeting(mcp: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """The owner's next active meeting with exactly one invitee, and that invitee."""
    events = await call(mcp, "list_scheduled_events", status="active", min_start_time=iso(hours=2), count=20)
    for event in events["collection"]:
        people = await call(mcp, "list_event_invitees", event=event["uri"], status="active")
        if len(people["collection"]) == 1:
            return event, await call(mcp, "get_event_invitee", invitee=people["collection"][0]["uri"])
    raise AssertionError("the seed has future meetings with one invitee")


async def status(mcp: Client, event: str) -> str:
    return (await call(mcp, "get_scheduled_event", event=event))["status"]


def posts(sandbox: SandboxProcess) -> list[str]:
    return [r["path"] for r in sandbox.requests() if r["method"] in ("POST", "DELETE", "PATCH")]


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_a_cancellation_asks_in_the_invitees_zone_and_obeys_the_answer(
    sandbox: SandboxProcess, mode: Mode, era: Era
) -> None:
    user = User()
    async with client(sandbox, mode, era, user) as mcp:
        event, person = await future_meeting(mcp)
        sandbox.clear_requests()

        user.answer = "decline"
        text = await fail(mcp, "cancel_scheduled_event", event=event["uri"], reason="Conflict")
        assert "declined" in text
        assert "Nothing was changed" in text
        [question] = user.asked
        # The sandbox names a meeting "<type> with <invitee>": the question names the people once.
        name = event["name"].removesuffix(f" with {person['name']}")
        assert question.startswith(f"Cancel the {name} with {person['name']} ({person['email']}) on ")
        assert question.split("?")[0].endswith(person["timezone"]), question  # the invitee's own zone
        assert 'The reason sent: "Conflict".' in question
        assert posts(sandbox) == []
        assert await status(mcp, event["uri"]) == "active"

        user.answer = "cancel"
        text = await fail(mcp, "cancel_scheduled_event", event=event["uri"])
        assert "cancelled the question" in text
        assert posts(sandbox) == []

        user.answer = "accept"
        done = await call(mcp, "cancel_scheduled_event", event=event["uri"])
        assert done["canceler_type"] == "host"
        assert len(user.asked) == 3
        assert len(posts(sandbox)) == 1
        assert await status(mcp, event["uri"]) == "canceled"


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_a_booking_and_a_reschedule_ask_and_a_decline_books_nothing(
    sandbox: SandboxProcess, mode: Mode, era: Era
) -> None:
    user = User()
    async with client(sandbox, mode, era, user) as mcp:
        me = await call(mcp, "get_current_user")
        uri = sandbox.info()["examples"]["bookable_event_types"][me["uri"]]
        event_type = await call(mcp, "get_event_type", event_type=uri)
        slots = await call(
            mcp,
            "list_event_type_available_times",
            event_type=uri,
            start_time=iso(minutes=5),
            end_time=iso(days=6),
        )
        starts = [s["start_time"] for s in slots["collection"]]
        kinds: list[str] = [loc["kind"] for loc in event_type.get("locations") or []]
        args: dict[str, Any] = {
            "event_type": uri,
            "start_time": starts[0],
            "email": f"ask-{era}@example.com",
            "timezone": "Asia/Tokyo",
            "name": "Aiko Sato",
            **({"location_kind": kinds[0]} if kinds else {}),
        }
        sandbox.clear_requests()
        user.answer = "decline"
        await fail(mcp, "create_event_invitee", **args)
        [question] = user.asked
        assert question.startswith(
            f"Book the {event_type['name']} with Aiko Sato (ask-{era}@example.com) on "
        )
        assert "Asia/Tokyo?" in question
        assert posts(sandbox) == []

        user.answer = "accept"
        booked = await call(mcp, "create_event_invitee", **args)
        assert booked["already_booked"] is False

        user.answer = "decline"
        text = await fail(mcp, "reschedule_meeting", event=booked["event"], start_time=starts[1])
        assert "Nothing was changed" in text
        question = user.asked[-1]
        assert question.startswith(
            f"Move the {event_type['name']} with Aiko Sato (ask-{era}@example.com) from "
        )
        assert question.split("?")[0].endswith(" Asia/Tokyo"), question
        assert "booked first" in question
        assert await status(mcp, booked["event"]) == "active"

        user.answer = "accept"
        moved = await call(mcp, "reschedule_meeting", event=booked["event"], start_time=starts[1])
        assert moved["outcome"] == "moved"
        assert await status(mcp, booked["event"]) == "canceled"


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_a_deletion_declined_deletes_nothing(sandbox: SandboxProcess, mode: Mode, era: Era) -> None:
    user = User()
    async with client(sandbox, mode, era, user) as mcp:
        info = sandbox.info()
        org, owner = info["organization"]["uri"], next(u for u in info["users"] if u["role"] == "owner")
        hook = await call(
            mcp,
            "create_webhook_subscription",
            url=f"{sandbox.url}/_sandbox/inbox/confirm-{era}",
            events=["invitee.created"],
            organization=org,
            user=owner["uri"],
        )
        user.answer = "decline"
        await fail(mcp, "delete_webhook_subscription", webhook=hook["uri"])
        assert user.asked == [
            f"Delete the webhook subscription that sends invitee.created to {sandbox.url}/_sandbox/inbox/confirm-{era}?"
        ]
        assert (await call(mcp, "get_webhook_subscription", webhook=hook["uri"]))["uri"] == hook["uri"]
        user.answer = "accept"
        await call(mcp, "delete_webhook_subscription", webhook=hook["uri"])
        gone = await mcp.call_tool("get_webhook_subscription", {"webhook": hook["uri"]})
        assert gone.is_error


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_a_client_that_cannot_elicit_is_not_asked(
    sandbox: SandboxProcess, mode: Mode, era: Era
) -> None:
    async with client(sandbox, mode, era, None) as mcp:
        event, _ = await future_meeting(mcp)
        await call(mcp, "cancel_scheduled_event", event=event["uri"])
        assert await status(mcp, event["uri"]) == "canceled"


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_confirm_off_asks_nothing(sandbox: SandboxProcess, mode: Mode, era: Era) -> None:
    user = User()
    user.answer = "decline"  # were it asked, nothing would happen
    async with client(sandbox, mode, era, user, CALENDLY_MCP_CONFIRM="off") as mcp:
        event, _ = await future_meeting(mcp)
        await call(mcp, "cancel_scheduled_event", event=event["uri"])
        assert user.asked == []
        assert await status(mcp, event["uri"]) == "canceled"


async def test_a_refusal_is_said_before_anything_is_asked(sandbox: SandboxProcess, mode: Mode) -> None:
    user = User()
    async with client(sandbox, mode, "auto", user) as mcp:
        text = await fail(mcp, "cancel_scheduled_event", event="0000aaaa-0000-4000-8000-00000000dead")
        assert "404" in text
        text = await fail(mcp, "delete_scheduled_event_data", start_time=iso(days=-1), end_time=iso(days=1))
        assert "is in the future" in text
        assert user.asked == []


@pytest.mark.parametrize("era", ["legacy", "auto"])
async def test_over_streamable_http_a_decline_changes_nothing(
    sandbox: SandboxProcess, mode: Mode, era: Era
) -> None:
    """On HTTP the 2026-07-28 retry is a new request: the sealed request_state carries the question."""
    user = User()
    async with http_server_process("streamable-http", server_env(mode, sandbox.url)) as base:
        mcp = Client(f"{base}/mcp", mode=era, elicitation_callback=user)
        async with mcp:
            assert mcp.protocol_version == ERAS[era]
            event, person = await future_meeting(mcp)
            user.answer = "decline"
            await fail(mcp, "cancel_scheduled_event", event=event["uri"])
            assert person["email"] in user.asked[-1]
            assert await status(mcp, event["uri"]) == "active"
            user.answer = "accept"
            await call(mcp, "cancel_scheduled_event", event=event["uri"])
            assert await status(mcp, event["uri"]) == "canceled"
