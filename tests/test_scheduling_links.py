"""Single-use links (create_scheduling_link), shares (create_share) and one-off event types
(create_one_off_event_type) through MCP, in both modes; each link then booked through its page, once."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
import pytest
from mcp.client import Client

from conftest import Mode, SandboxProcess
from mcp_helpers import call, fail, iso, refused, uid

pytestmark = pytest.mark.anyio

OWNER_ZONE = ZoneInfo("America/New_York")  # the seeded owner's, whose hours the links offer
ANY_ET = "0d34411f-ad00-5a54-9e33-7d7c2e91d236"
NOT_IN_ORG = "https://api.calendly.com/users/AAAAAAAAAAAAAAAA"


def weekday(at_least: int) -> date:
    """A weekday at least this many days ahead, in the owner's zone."""
    day = datetime.now(OWNER_ZONE).date() + timedelta(days=at_least)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def one_off(**changes: Any) -> dict[str, Any]:
    start = weekday(3)
    args: dict[str, Any] = {
        "name": "Contract review",
        "duration": 45,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
    }
    return {k: v for k, v in (args | changes).items() if v is not None}


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "create_scheduling_link",
        {"event_type": "https://api.calendly.com/users/abc"},
        "is not a event_type URI",
    ),
    ("create_share", {"event_type": ANY_ET, "start_date": "2030-01-02"}, "both start_date and end_date"),
    (
        "create_share",
        {"event_type": ANY_ET, "start_date": "2030-01-05", "end_date": "2030-01-02"},
        "is before",
    ),
    (
        "create_share",
        {"event_type": ANY_ET, "start_date": "2030-01-02", "end_date": "2030-01-03", "max_days": 5},
        "not both",
    ),
    ("create_share", {"event_type": ANY_ET, "location": "Room 4"}, "needs `location_kind` too"),
    ("create_share", {"event_type": ANY_ET, "location_kind": "inbound_call"}, "the phone number to call"),
    ("create_share", {"event_type": ANY_ET, "location_kind": "zoom_conference", "location": "x"}, "takes no"),
    ("create_share", {"event_type": ANY_ET, "location_kind": "teams"}, "location_kind"),
    ("create_share", {"event_type": ANY_ET, "hours": "9-17"}, "hours"),
    ("create_share", {"event_type": ANY_ET, "hours": "25:00-26:00"}, "is not a time of day"),
    ("create_share", {"event_type": ANY_ET, "hours": "17:00-09:00"}, "the end is not after the start"),
    ("create_share", {"event_type": ANY_ET, "weekdays": ["monday"]}, "give hours too"),
    ("create_share", {"event_type": ANY_ET, "weekdays": ["mon"]}, "weekdays"),
    ("create_share", {"event_type": ANY_ET, "duration": 0}, "duration"),
    ("create_share", {"event_type": ANY_ET, "duration": 721}, "duration"),
    ("create_share", {"event_type": ANY_ET, "name": "n" * 56}, "name"),
    ("create_share", {"event_type": ANY_ET, "max_days": 0}, "max_days"),
    ("create_one_off_event_type", one_off(end_date="2030-01-01", start_date="2030-01-05"), "is before"),
    ("create_one_off_event_type", one_off(start_date="2020-01-01", end_date="2020-01-02"), "is in the past"),
    (
        "create_one_off_event_type",
        one_off(
            start_date=date.today().isoformat(), end_date=(date.today() + timedelta(days=365)).isoformat()
        ),
        "less than 365",
    ),
    ("create_one_off_event_type", one_off(location_kind="inbound_call"), "the phone number to call"),
    ("create_one_off_event_type", one_off(location_kind="outbound_call", location="+1 555"), "takes no"),
    ("create_one_off_event_type", one_off(location="The café"), "needs `location_kind` too"),
    ("create_one_off_event_type", one_off(duration=721), "duration"),
    ("create_one_off_event_type", one_off(name=""), "name"),
    ("create_one_off_event_type", one_off(name="n" * 56), "name"),
    ("create_one_off_event_type", one_off(timezone="Mars/Olympus_Mons"), "is not an IANA time zone"),
    ("create_one_off_event_type", one_off(co_hosts=["a"] * 10), "co_hosts"),
    ("create_one_off_event_type", one_off(host="me", co_hosts=["x1", "x1"]), "distinct"),
]


@pytest.mark.parametrize(("tool", "args", "expected"), REFUSALS)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    text = await refused(mcp, sandbox, tool, **args)
    assert expected in text, text


def code_of(booking_url: str) -> str:
    return booking_url.split("/d/", 1)[1].split("/", 1)[0]


def offered(sandbox: SandboxProcess, booking_url: str, days: int = 7) -> dict[str, Any]:
    params = {"start_time": iso(minutes=1), "end_time": iso(days=days)}
    answer = httpx2.get(f"{sandbox.url}/_sandbox/links/{code_of(booking_url)}", params=params)
    answer.raise_for_status()
    return answer.json()


def book_through(sandbox: SandboxProcess, booking_url: str, start: str, email: str) -> httpx2.Response:
    body = {"start_time": start, "name": "Ada Lovelace", "email": email, "timezone": "Europe/London"}
    return httpx2.post(f"{sandbox.url}/_sandbox/links/{code_of(booking_url)}/book", json=body)


def posts(sandbox: SandboxProcess) -> list[str]:
    return [r["path"].removeprefix("/calendly") for r in sandbox.requests() if r["method"] == "POST"]


async def test_a_scheduling_link_books_once(mcp: Client, sandbox: SandboxProcess) -> None:
    info = sandbox.info()
    event_type = info["examples"]["link_event_type"]
    sandbox.clear_requests()
    link = await call(mcp, "create_scheduling_link", event_type=uid(event_type))
    assert posts(sandbox) == ["/scheduling_links"]
    assert (link["owner"], link["owner_type"]) == (event_type, "EventType")
    url = link["booking_url"]
    assert url.startswith(f"{sandbox.url}/d/"), url
    page = httpx2.get(url)
    assert page.status_code == 200
    assert "30 Minute Meeting with Maya Patel" in page.text
    times = offered(sandbox, url)
    assert times["used"] is False
    assert times["available_times"], times
    first = book_through(sandbox, url, times["available_times"][0], "ada@example.com")
    assert first.status_code == 201, first.text
    event = await call(mcp, "get_scheduled_event", event=first.json()["event"])
    assert (event["event_type"], event["status"]) == (event_type, "active")
    again = book_through(sandbox, url, times["available_times"][1], "ada@example.com")
    assert again.status_code == 403
    assert "already been used" in again.json()["error"]
    assert "already been used" in httpx2.get(url).text
    assert offered(sandbox, url)["used"] is True
    # Two links of the same event type are two links: each books once.
    other = await call(mcp, "create_scheduling_link", event_type=event_type)
    assert other["booking_url"] != url
    assert (
        book_through(sandbox, other["booking_url"], times["available_times"][1], "b@example.com").status_code
        == 201
    )


async def test_a_scheduling_link_is_refused_where_calendly_refuses_it(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    examples = sandbox.info()["examples"]
    text = await fail(mcp, "create_scheduling_link", event_type=examples["colleague_event_type"])
    assert "403 Permission Denied" in text, text
    text = await fail(mcp, "create_scheduling_link", event_type="0000aaaa-0000-4000-8000-000000000000")
    assert "404 Resource Not Found" in text, text
    text = await fail(mcp, "create_scheduling_link", event_type=examples["inactive_event_type"])
    assert "Event type is not active" in text, text


async def test_a_share_offers_its_own_length_dates_and_hours(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type = sandbox.info()["examples"]["link_event_type"]  # 30 minutes, options 30/45/60
    start = weekday(2)
    end = start + timedelta(days=2)
    share = await call(
        mcp,
        "create_share",
        event_type=event_type,
        name="Budget chat",
        duration=20,
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        hours="10:00-12:00",
        weekdays=["monday", "tuesday", "wednesday", "thursday", "friday"],
        location_kind="physical",
        location="Blue Bottle, 1 Rockefeller Plaza",
        hide_location=True,
    )
    override = share["share_override"]
    assert override["name"] == "Budget chat"
    assert (override["duration"], override["duration_options"]) == (20, [20])
    assert (override["period_type"], override["start_date"], override["end_date"]) == (
        "fixed", start.isoformat(), end.isoformat(),
    )  # fmt: skip
    assert override["hide_location"] is True
    assert override["location_configurations"][0]["location"] == "Blue Bottle, 1 Rockefeller Plaza"
    assert override["availability_rule"]["timezone"] == "America/New_York"
    (link,) = share["scheduling_links"]
    times = offered(sandbox, link["booking_url"], days=14)
    assert times["duration"] == 20
    assert times["name"] == "Budget chat"
    assert times["available_times"], times
    for stamp in times["available_times"]:
        local = datetime.fromisoformat(stamp).astimezone(OWNER_ZONE)
        assert start <= local.date() <= end, stamp
        assert local.weekday() < 5, stamp
        assert 10 * 60 <= local.hour * 60 + local.minute <= 12 * 60 - 20, stamp
    booked = book_through(sandbox, link["booking_url"], times["available_times"][-1], "grace@example.com")
    assert booked.status_code == 201, booked.text
    event = await call(mcp, "get_scheduled_event", event=booked.json()["event"])
    minutes = (
        datetime.fromisoformat(event["end_time"]) - datetime.fromisoformat(event["start_time"])
    ).seconds // 60
    assert (minutes, event["location"]["location"]) == (20, "Blue Bottle, 1 Rockefeller Plaza")
    assert (
        book_through(sandbox, link["booking_url"], times["available_times"][0], "g@example.com").status_code
        == 403
    )
    # The event type itself is untouched: still 30 minutes.
    plain = await call(mcp, "get_event_type", event_type=event_type)
    assert plain["duration"] == 30


async def test_a_share_with_days_ahead_and_an_offered_length(mcp: Client, sandbox: SandboxProcess) -> None:
    event_type = sandbox.info()["examples"]["link_event_type"]
    share = await call(mcp, "create_share", event_type=event_type, duration=45, max_days=2)
    override = share["share_override"]
    assert (override["duration"], override["duration_options"]) == (45, [30, 45, 60])
    assert (override["period_type"], override["max_booking_time"]) == ("moving", 2)
    times = offered(sandbox, share["scheduling_links"][0]["booking_url"], days=7)
    last = datetime.now(OWNER_ZONE).date() + timedelta(days=1)
    assert all(
        datetime.fromisoformat(t).astimezone(OWNER_ZONE).date() <= last for t in times["available_times"]
    )


async def test_a_share_is_refused_for_what_calendly_refuses(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = sandbox.info()["examples"]
    sandbox.clear_requests()
    text = await fail(mcp, "create_share", event_type=examples["group_event_type"])
    assert "one-on-one" in text, text
    text = await fail(mcp, "create_share", event_type=examples["inactive_event_type"])
    assert "inactive" in text, text
    assert "/shares" not in posts(sandbox), "refused after reading the event type, before the share"
    text = await fail(mcp, "create_share", event_type="0000aaaa-0000-4000-8000-000000000000")
    assert "404 Resource Not Found" in text, text
    text = await fail(mcp, "create_share", event_type=examples["colleague_event_type"])
    assert "403 Permission Denied" in text, text


async def test_a_one_off_event_type_is_bookable_only_within_its_dates(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    args = one_off(location_kind="zoom_conference", timezone="America/New_York")
    sandbox.clear_requests()
    created = await call(mcp, "create_one_off_event_type", **args)
    assert posts(sandbox) == ["/one_off_event_types"]
    assert (created["type"], created["name"], created["duration"]) == (
        "AdhocEventType",
        "Contract review",
        45,
    )
    assert created["duration_options"] is None
    assert created["secret"] is True
    got = await call(mcp, "get_event_type", event_type=created["uri"])
    assert got["uri"] == created["uri"]
    assert got["type"] == "AdhocEventType"
    listed = await call(mcp, "list_event_types", count=100)
    assert created["uri"] in [row["uri"] for row in listed["collection"]]
    window = {"start_time": iso(minutes=5), "end_time": iso(days=6, hours=23)}
    times = await call(mcp, "list_event_type_available_times", event_type=created["uri"], **window)
    slots = [row["start_time"] for row in times["collection"]]
    assert slots
    days = {datetime.fromisoformat(s).astimezone(OWNER_ZONE).date().isoformat() for s in slots}
    assert days <= {args["start_date"], args["end_date"]}, days
    booked = await call(
        mcp,
        "create_event_invitee",
        event_type=created["uri"],
        start_time=slots[0],
        email="one-off@example.com",
        timezone="Europe/Paris",
        name="Ada",
        location_kind="zoom_conference",
    )
    event = await call(mcp, "get_scheduled_event", event=booked["event"])
    assert event["event_type"] == created["uri"]
    outside = datetime.fromisoformat(slots[0]) + timedelta(days=7)
    text = await fail(
        mcp,
        "create_event_invitee",
        event_type=created["uri"],
        start_time=iso(outside),
        email="late@example.com",
        timezone="Europe/Paris",
        name="Late",
    )
    assert "is not an offered slot" in text, text
    # Its booking page books once too.
    url = created["scheduling_url"]
    assert url.startswith(f"{sandbox.url}/d/")
    assert httpx2.get(url).status_code == 200
    assert book_through(sandbox, url, slots[-1], "page@example.com").status_code == 201
    assert book_through(sandbox, url, slots[-2], "page2@example.com").status_code == 403


async def test_a_one_off_for_someone_outside_the_organization_is_refused(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    text = await fail(mcp, "create_one_off_event_type", **one_off(host=NOT_IN_ORG))
    assert "403 Permission Denied" in text, text
    text = await fail(mcp, "create_one_off_event_type", **one_off(co_hosts=[NOT_IN_ORG]))
    assert "403 Permission Denied" in text, text


async def test_a_one_off_with_a_colleague_as_co_host(mcp: Client, sandbox: SandboxProcess) -> None:
    colleague = next(u["uri"] for u in sandbox.info()["users"] if u["role"] == "admin")
    created = await call(
        mcp, "create_one_off_event_type", **one_off(co_hosts=[colleague], location_kind="inbound_call",
                                                    location="+1 212 555 0100")
    )  # fmt: skip
    (location,) = created["locations"]
    assert (location["kind"], location["phone_number"]) == ("inbound_call", "+1 212 555 0100")


async def test_the_sandbox_refuses_bodies_calendly_refuses(sandbox: SandboxProcess) -> None:
    """What the tools never send, answered in Calendly's words (and checked against its spec)."""
    info = sandbox.info()
    me, event_type = info["users"][0]["uri"], info["examples"]["link_event_type"]
    auth = {"Authorization": "Bearer sandbox-token"}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/scheduling_links", {"max_event_count": 2, "owner": event_type, "owner_type": "EventType"}, "max_event_count"),
        ("/scheduling_links", {"max_event_count": 1, "owner": event_type, "owner_type": "User"}, "owner_type"),
        ("/scheduling_links", {"owner": event_type, "owner_type": "EventType"}, "max_event_count"),
        ("/shares", {}, "event_type"),
        ("/shares", {"event_type": event_type, "duration": 20}, "duration"),
        ("/shares", {"event_type": event_type, "duration_options": [1, 2, 3, 4, 5]}, "duration_options"),
        ("/shares", {"event_type": event_type, "period_type": "fixed"}, "start_date"),
        ("/shares", {"event_type": event_type, "period_type": "moving"}, "max_booking_time"),
        ("/shares", {"event_type": event_type, "period_type": "sometimes"}, "period_type"),
        ("/shares", {"event_type": event_type, "location_configurations": [{"kind": "inbound_call"}]},
         "location_configurations[0].phone_number"),
        ("/shares", {"event_type": event_type, "availability_rule": {"rules": []}}, "availability_rule.timezone"),
        ("/shares", {"event_type": event_type, "availability_rule": {"timezone": "UTC", "rules": [
            {"type": "wday", "wday": "monday", "intervals": [{"from": "12:00", "to": "09:00"}]}]}},
         "availability_rule.rules[0].intervals[0]"),
        ("/one_off_event_types", {"host": me, "duration": 30, "date_setting": {}}, "name"),
        ("/one_off_event_types", {"name": "x", "host": me, "duration": 30}, "date_setting"),
        ("/one_off_event_types", {"name": "x", "host": me, "duration": 30,
                                  "date_setting": {"type": "days_in_future", "days": 400, "only_weekdays": True}},
         "date_setting.days"),
        ("/one_off_event_types", {"name": "x", "host": "me", "duration": 30,
                                  "date_setting": {"type": "days_in_future", "days": 4, "only_weekdays": True}},
         "host"),
    ]  # fmt: skip
    for path, body, parameter in cases:
        answer = httpx2.post(f"{sandbox.url}{path}", json=body, headers=auth)
        assert answer.status_code == 400, (path, body, answer.text)
        details = answer.json()["details"]
        assert details[0]["parameter"] == parameter, (path, body, details)
    # The other date settings Calendly takes: N days ahead, and spots.
    for setting in (
        {"type": "days_in_future", "days": 5, "only_weekdays": True},
        {"type": "spots", "spots": [{"start_time": iso(days=2), "end_time": iso(days=2, hours=3)}]},
    ):
        body = {"name": "Setting", "host": me, "duration": 30, "date_setting": setting}
        answer = httpx2.post(f"{sandbox.url}/one_off_event_types", json=body, headers=auth)
        assert answer.status_code == 201, answer.text
    # A share with its own hours, as Calendly takes them.
    rule = {"timezone": "Europe/Paris", "rules": [
        {"type": "wday", "wday": "monday", "intervals": [{"from": "08:00", "to": "10:00"}]},
        {"type": "date", "date": weekday(3).isoformat(), "intervals": []},
    ]}  # fmt: skip
    body = {"event_type": event_type, "availability_rule": rule, "period_type": "available_moving",
            "max_booking_time": 10}  # fmt: skip
    answer = httpx2.post(f"{sandbox.url}/shares", json=body, headers=auth)
    assert answer.status_code == 201, answer.text
    url = answer.json()["resource"]["scheduling_links"][0]["booking_url"]
    for stamp in offered(sandbox, url, days=21)["available_times"]:
        local = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Europe/Paris"))
        assert local.weekday() == 0, stamp
        assert local.hour in (8, 9), stamp
    assert httpx2.get(f"{sandbox.url}/d/nope-000-000/x").status_code == 404
    assert httpx2.post(f"{sandbox.url}/_sandbox/links/nope/book", json={}).status_code == 404


async def test_a_booking_through_a_link_is_a_meeting_like_any_other(
    mcp: Client, sandbox: SandboxProcess, mode: Mode
) -> None:
    """It takes its slot, is listed, and is delivered to webhook subscribers as invitee.created."""
    inbox = f"links-{mode}"
    await call(
        mcp,
        "create_webhook_subscription",
        url=f"{sandbox.url}/_sandbox/inbox/{inbox}",
        events=["invitee.created"],
    )
    event_type = sandbox.info()["examples"]["link_event_type"]
    link = await call(mcp, "create_scheduling_link", event_type=event_type)
    slot = offered(sandbox, link["booking_url"])["available_times"][0]
    email = f"via-link-{mode}@example.com"
    assert book_through(sandbox, link["booking_url"], slot, email).status_code == 201
    listed = await call(mcp, "list_scheduled_events", invitee_email=email, min_start_time=iso())
    assert len(listed["collection"]) == 1
    window = {"start_time": iso(minutes=5), "end_time": iso(days=6)}
    after = await call(mcp, "list_event_type_available_times", event_type=event_type, **window)
    assert datetime.fromisoformat(slot) not in {
        datetime.fromisoformat(s["start_time"]) for s in after["collection"]
    }
    (delivery,) = sandbox.inbox(inbox)
    body = json.loads(delivery["body"])
    assert (body["event"], body["payload"]["email"]) == ("invitee.created", email)
    # A second link cannot take the slot the first one booked.
    other = await call(mcp, "create_scheduling_link", event_type=event_type)
    assert slot not in offered(sandbox, other["booking_url"])["available_times"]
    assert book_through(sandbox, other["booking_url"], slot, "late@example.com").status_code == 400
