"""find_common_free_times through MCP over stdio, both modes, against hand-computed slots.

Every expected slot below was worked out by hand from the schedules and the zone rules, not by the
tool's code. The people: Maya Patel (America/New_York, Mon-Fri 09:00-17:00), Oliver Bennett
(Europe/London, Mon-Fri 09:00-17:00), and Asha Iyer, added for these tests in Asia/Kolkata (UTC+05:30)
with evening hours Mon-Fri 17:00-23:00 (11:30-17:30Z). Zone facts used: New York is UTC-5 until
2027-03-14 and UTC-4 after, until 2027-11-07; London is UTC+0 until 2027-03-28, UTC+1 until 2027-10-31.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, iso, refused

pytestmark = pytest.mark.anyio

MAYA = "maya.patel@northwind.example.com"
OLIVER = "oliver.bennett@northwind.example.com"
ASHA = "asha.iyer@northwind.example.com"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def control(sandbox: SandboxProcess, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = httpx2.post(f"{sandbox.url}/_sandbox/{path}", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def three_zones(sandbox: SandboxProcess) -> dict[str, str]:
    """Asha joins in Kolkata; Oliver works 14:00-18:00 on 2027-03-17 (a date override); Maya has a
    block on her calendar 15:00-15:30Z on 2027-03-16. Answers the three people's user URIs."""
    evenings = [
        {"type": "wday", "wday": d, "intervals": [{"from": "17:00", "to": "23:00"}]} for d in WEEKDAYS
    ]
    asha = control(sandbox, "members", {"name": "Asha Iyer", "email": ASHA, "timezone": "Asia/Kolkata",
                                        "rules": evenings})["user"]  # fmt: skip
    override = [{"type": "date", "date": "2027-03-17", "intervals": [{"from": "14:00", "to": "18:00"}]}]
    control(sandbox, "schedules", {"user": OLIVER, "rules": override})
    block = {"user": MAYA, "start_time": "2027-03-16T15:00:00Z", "end_time": "2027-03-16T15:30:00Z"}
    control(sandbox, "busy", block)
    users = {u["email"]: u["uri"] for u in sandbox.info()["users"]}
    return {"maya": users[MAYA], "oliver": users[OLIVER], "asha": asha}


def starts(found: dict[str, Any]) -> list[str]:
    return [slot["start_time"] for slot in found["collection"]]


def days(found: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(d["date"], d["slots"], d["first"], d["last"]) for d in found["days"]]


async def test_three_people_in_three_zones_with_a_date_override(mcp: Client, sandbox: SandboxProcess) -> None:
    who = three_zones(sandbox)
    oliver_id = who["oliver"].rsplit("/", 1)[1]
    found = await call(
        mcp, "find_common_free_times", people=[MAYA, oliver_id, who["asha"]], duration=60,
        start_time="2027-03-16T00:00:00Z", end_time="2027-03-18T00:00:00Z", timezone="Asia/Kolkata",
    )  # fmt: skip
    assert [p["email"] for p in found["people"]] == [MAYA, OLIVER, ASHA]
    assert [p["timezone"] for p in found["people"]] == ["America/New_York", "Europe/London", "Asia/Kolkata"]
    # 03-16: Maya 13:00-21:00Z (EDT), Oliver 09:00-17:00Z, Asha 11:30-17:30Z: 13:00-17:00Z less Maya's
    # 15:00-15:30 block. 03-17: Oliver's override 14:00-18:00Z, so 14:00-17:30Z.
    assert starts(found) == [
        "2027-03-16T13:00:00Z", "2027-03-16T13:30:00Z", "2027-03-16T14:00:00Z", "2027-03-16T15:30:00Z",
        "2027-03-16T16:00:00Z", "2027-03-17T14:00:00Z", "2027-03-17T14:30:00Z", "2027-03-17T15:00:00Z",
        "2027-03-17T15:30:00Z", "2027-03-17T16:00:00Z", "2027-03-17T16:30:00Z",
    ]  # fmt: skip
    first, last = found["collection"][0], found["collection"][-1]
    assert (first["end_time"], first["start_local"], first["end_local"]) == (
        "2027-03-16T14:00:00Z",
        "2027-03-16T18:30:00+05:30",
        "2027-03-16T19:30:00+05:30",
    )
    assert (last["start_local"], last["end_local"]) == (
        "2027-03-17T22:00:00+05:30",
        "2027-03-17T23:00:00+05:30",
    )
    assert days(found) == [("2027-03-16", 5, "18:30", "21:30"), ("2027-03-17", 6, "19:30", "22:00")]
    assert (found["timezone"], found["total"], found["more"]) == ("Asia/Kolkata", 11, None)


async def test_working_hours_and_who_blocks_a_time(mcp: Client, sandbox: SandboxProcess) -> None:
    who = three_zones(sandbox)
    people = [who["maya"], OLIVER, ASHA]
    window = {"start_time": "2027-03-16T00:00:00Z", "end_time": "2027-03-18T00:00:00Z"}
    hours = {"timezone": "Asia/Kolkata", "working_hours_start": "19:00", "working_hours_end": "22:00"}
    # 19:00-22:00 in Kolkata is 13:30-16:30Z.
    found = await call(
        mcp, "find_common_free_times", people=people, duration=60, **window, **hours,
        explain_time="2027-03-16T15:00:00Z",
    )  # fmt: skip
    assert starts(found) == [
        "2027-03-16T13:30:00Z", "2027-03-16T14:00:00Z", "2027-03-16T15:30:00Z",
        "2027-03-17T14:00:00Z", "2027-03-17T14:30:00Z", "2027-03-17T15:00:00Z", "2027-03-17T15:30:00Z",
    ]  # fmt: skip
    assert found["explain"] == {
        "start_time": "2027-03-16T15:00:00Z",
        "end_time": "2027-03-16T16:00:00Z",
        "start_local": "2027-03-16T20:30:00+05:30",
        "free": False,
        "outside_working_hours": False,
        "blocked": [
            {"person": MAYA, "reason": "busy", "detail": "busy 2027-03-16T15:00:00Z to 2027-03-16T15:30:00Z"}
        ],
    }
    late = await call(
        mcp, "find_common_free_times", people=people, duration=60, **window, **hours,
        explain_time="2027-03-16T16:30:00Z",
    )  # fmt: skip
    assert late["explain"]["outside_working_hours"] is True
    assert late["explain"]["blocked"] == [
        {"person": OLIVER, "reason": "outside_schedule",
         "detail": "hours 09:00-17:00 on 2027-03-16 (Europe/London)"},
    ]  # fmt: skip
    early = await call(
        mcp,
        "find_common_free_times",
        people=people,
        duration=60,
        **window,
        explain_time="2027-03-16T12:00:00Z",
    )
    assert early["explain"]["outside_working_hours"] is False
    assert early["explain"]["blocked"] == [
        {"person": MAYA, "reason": "outside_schedule",
         "detail": "hours 09:00-17:00 on 2027-03-16 (America/New_York)"},
    ]  # fmt: skip
    free = await call(
        mcp,
        "find_common_free_times",
        people=people,
        duration=60,
        **window,
        explain_time="2027-03-16T13:00:00Z",
    )
    assert free["explain"]["free"] is True
    assert free["explain"]["blocked"] == []


async def test_buffers_of_an_existing_meeting_keep_its_host_busy(
    mcp: Client, sandbox: SandboxProcess
) -> None:
    three_zones(sandbox)
    headers = {"Authorization": "Bearer sandbox-token"}
    info = sandbox.info()
    maya = next(u["uri"] for u in info["users"] if u["email"] == MAYA)
    thirty = next(
        et["uri"] for et in info["event_types"] if et["owner"] == maya and et["name"] == "30 Minute Meeting"
    )
    patched = httpx2.patch(
        f"{sandbox.url}/event_types/{thirty.rsplit('/', 1)[1]}",
        json={"before_buffer": 15, "after_buffer": 15},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    booking = {
        "event_type": thirty,
        "start_time": "2027-03-18T16:00:00Z",
        "invitee": {"name": "Ada Lovelace", "email": "ada@example.com", "timezone": "Europe/London"},
        "location": {"kind": "zoom_conference"},
    }
    booked = httpx2.post(f"{sandbox.url}/invitees", json=booking, headers=headers)
    assert booked.status_code == 201, booked.text
    found = await call(
        mcp, "find_common_free_times", people=[MAYA, OLIVER, ASHA], duration=60, timezone="UTC",
        start_time="2027-03-18T00:00:00Z", end_time="2027-03-19T00:00:00Z", explain_time="2027-03-18T15:00:00Z",
    )  # fmt: skip
    # Common hours 13:00-17:00Z; the 16:00-16:30 meeting with 15-minute buffers keeps 15:45-16:45 busy,
    # so 15:00 (to 16:00) no longer fits, nor does anything after 16:45 on the half hour.
    assert starts(found) == [
        "2027-03-18T13:00:00Z",
        "2027-03-18T13:30:00Z",
        "2027-03-18T14:00:00Z",
        "2027-03-18T14:30:00Z",
    ]
    assert found["explain"]["blocked"] == [
        {"person": MAYA, "reason": "busy", "detail": "busy 2027-03-18T15:45:00Z to 2027-03-18T16:45:00Z"}
    ]


async def test_spring_2027_both_changes_in_one_range(mcp: Client, sandbox: SandboxProcess) -> None:
    reports: list[tuple[float, float | None, str | None]] = []

    async def progress(progress: float, total: float | None, message: str | None) -> None:
        reports.append((progress, total, message))

    sandbox.clear_requests()
    args = {
        "people": [MAYA, OLIVER], "duration": 60, "timezone": "UTC",
        "start_time": "2027-03-11T00:00:00Z", "end_time": "2027-03-31T00:00:00Z",
    }  # fmt: skip
    result = await mcp.call_tool("find_common_free_times", args, progress_callback=progress)
    assert not result.is_error
    found = await call(mcp, "find_common_free_times", **args)
    # Before 03-14: NY 14:00-22:00Z, London 09:00-17:00Z -> 14:00-17:00Z, five starts.
    # 03-15 to 03-26: NY 13:00-21:00Z -> 13:00-17:00Z, seven. From 03-29: London 08:00-16:00Z -> 13:00-16:00Z.
    assert days(found) == [
        ("2027-03-11", 5, "14:00", "16:00"), ("2027-03-12", 5, "14:00", "16:00"),
        *[(f"2027-03-{d}", 7, "13:00", "16:00") for d in (15, 16, 17, 18, 19, 22, 23, 24, 25, 26)],
        ("2027-03-29", 5, "13:00", "15:00"), ("2027-03-30", 5, "13:00", "15:00"),
    ]  # fmt: skip
    assert found["total"] == 90
    assert len(found["collection"]) == 40
    assert starts(found)[:6] == [
        "2027-03-11T14:00:00Z", "2027-03-11T14:30:00Z", "2027-03-11T15:00:00Z", "2027-03-11T15:30:00Z",
        "2027-03-11T16:00:00Z", "2027-03-12T14:00:00Z",
    ]  # fmt: skip
    assert starts(found)[10] == "2027-03-15T13:00:00Z"
    assert found["more"].startswith("50 more slots from 2027-03-19T14:00:00Z")
    # Busy times in 7-day pieces (7 + 7 + 6 days) for each person, on both calls.
    busy = [r for r in sandbox.requests() if r["path"].endswith("/user_busy_times")]
    assert len(busy) == 2 * 2 * 3
    # Progress: one step per schedule and per busy piece of each person.
    assert [done for done, _, _ in reports] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert {total for _, total, _ in reports} == {8}


async def test_fall_2027_both_changes_in_one_range(mcp: Client, sandbox: SandboxProcess) -> None:
    found = await call(
        mcp, "find_common_free_times", people=[MAYA, OLIVER], duration=60, timezone="America/New_York",
        start_time="2027-10-27T00:00:00Z", end_time="2027-11-11T00:00:00Z",
    )  # fmt: skip
    # To 10-29: NY 13:00-21:00Z, London 08:00-16:00Z -> 13:00-16:00Z = 09:00-12:00 EDT.
    # 11-01 to 11-05: London 09:00-17:00Z -> 13:00-17:00Z = 09:00-13:00 EDT.
    # From 11-08: NY 14:00-22:00Z -> 14:00-17:00Z = 09:00-12:00 EST.
    assert days(found) == [
        *[(f"2027-10-{d}", 5, "09:00", "11:00") for d in (27, 28, 29)],
        *[(f"2027-11-0{d}", 7, "09:00", "12:00") for d in (1, 2, 3, 4, 5)],
        *[(f"2027-11-{d:02d}", 5, "09:00", "11:00") for d in (8, 9, 10)],
    ]
    assert found["total"] == 65
    first, monday = found["collection"][0], found["collection"][15]
    assert (first["start_time"], first["start_local"]) == (
        "2027-10-27T13:00:00Z",
        "2027-10-27T09:00:00-04:00",
    )
    assert (monday["start_time"], monday["end_local"]) == (
        "2027-11-01T13:00:00Z",
        "2027-11-01T10:00:00-04:00",
    )
    assert found["more"].startswith("25 more slots from 2027-11-04T15:00:00Z")
    later = await call(
        mcp, "find_common_free_times", people=[MAYA, OLIVER], duration=60, timezone="America/New_York",
        start_time="2027-11-08T00:00:00Z", end_time="2027-11-09T00:00:00Z",
    )  # fmt: skip
    assert [(s["start_time"], s["start_local"]) for s in later["collection"]][::4] == [
        ("2027-11-08T14:00:00Z", "2027-11-08T09:00:00-05:00"), ("2027-11-08T16:00:00Z", "2027-11-08T11:00:00-05:00")
    ]  # fmt: skip


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"start_time": iso(days=1), "end_time": iso(days=33)}, "takes at most 31 days"),
    ({"start_time": iso(days=-2), "end_time": iso(days=1)}, "is in the past"),
    ({"working_hours_start": "09:00"}, "give both or neither"),
    ({"working_hours_start": "17:00", "working_hours_end": "09:00"}, "is not after working_hours_start"),
    ({"working_hours_start": "9am", "working_hours_end": "17:00"}, "HH:MM"),
    ({"explain_time": iso(days=20)}, "explain_time"),
    ({"people": ["not an email@x"]}, "people"),
    ({"people": ["../users/me"]}, "people"),
    ({"people": []}, "people"),
    ({"duration": 0}, "duration"),
]


@pytest.mark.parametrize(("args", "says"), REFUSALS)
async def test_bad_arguments_are_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, args: dict[str, Any], says: str
) -> None:
    base = {"people": [MAYA, OLIVER], "duration": 30, "start_time": iso(days=1), "end_time": iso(days=3)}
    text = await refused(mcp, sandbox, "find_common_free_times", **(base | args))
    assert says in text


async def test_a_stranger_is_named(mcp: Client, sandbox: SandboxProcess) -> None:
    text = await fail(
        mcp, "find_common_free_times", people=[MAYA, "someone@elsewhere.example"], duration=30,
        start_time=iso(days=1), end_time=iso(days=2),
    )  # fmt: skip
    assert "'someone@elsewhere.example' is not a member of your organization" in text


async def test_nights_the_clocks_skip_or_repeat(mcp: Client, sandbox: SandboxProcess) -> None:
    """Maya works Sunday 00:00-06:00 New York, Oliver Sunday 00:00-12:00 London (UTC+0 on both Sundays)."""
    night = [{"type": "wday", "wday": "sunday", "intervals": [{"from": "00:00", "to": "06:00"}]}]
    control(sandbox, "schedules", {"user": MAYA, "rules": night})
    day = [{"type": "wday", "wday": "sunday", "intervals": [{"from": "00:00", "to": "12:00"}]}]
    control(sandbox, "schedules", {"user": OLIVER, "rules": day})
    args = {"people": [MAYA, OLIVER], "duration": 60, "timezone": "America/New_York"}
    # 2027-03-14: 00:00-02:00 EST is 05:00-07:00Z, 03:00-06:00 EDT 07:00-10:00Z: five real hours.
    spring = await call(
        mcp,
        "find_common_free_times",
        **args,
        start_time="2027-03-14T00:00:00Z",
        end_time="2027-03-15T00:00:00Z",
    )
    assert [(s["start_time"], s["start_local"]) for s in spring["collection"]] == [
        ("2027-03-14T05:00:00Z", "2027-03-14T00:00:00-05:00"), ("2027-03-14T05:30:00Z", "2027-03-14T00:30:00-05:00"),
        ("2027-03-14T06:00:00Z", "2027-03-14T01:00:00-05:00"), ("2027-03-14T06:30:00Z", "2027-03-14T01:30:00-05:00"),
        ("2027-03-14T07:00:00Z", "2027-03-14T03:00:00-04:00"), ("2027-03-14T07:30:00Z", "2027-03-14T03:30:00-04:00"),
        ("2027-03-14T08:00:00Z", "2027-03-14T04:00:00-04:00"), ("2027-03-14T08:30:00Z", "2027-03-14T04:30:00-04:00"),
        ("2027-03-14T09:00:00Z", "2027-03-14T05:00:00-04:00"),
    ]  # fmt: skip
    assert spring["collection"][3]["end_local"] == "2027-03-14T03:30:00-04:00"
    # 2027-11-07: 00:00-02:00 EDT is 04:00-06:00Z, then 01:00-06:00 EST 06:00-11:00Z: seven real hours.
    fall = await call(
        mcp,
        "find_common_free_times",
        **args,
        start_time="2027-11-07T00:00:00Z",
        end_time="2027-11-08T00:00:00Z",
    )
    assert [s["start_local"][11:] for s in fall["collection"]] == [
        "00:00:00-04:00", "00:30:00-04:00", "01:00:00-04:00", "01:30:00-04:00", "01:00:00-05:00",
        "01:30:00-05:00", "02:00:00-05:00", "02:30:00-05:00", "03:00:00-05:00", "03:30:00-05:00",
        "04:00:00-05:00", "04:30:00-05:00", "05:00:00-05:00",
    ]  # fmt: skip
    assert (fall["collection"][0]["start_time"], fall["collection"][-1]["start_time"]) == (
        "2027-11-07T04:00:00Z",
        "2027-11-07T10:00:00Z",
    )
    assert days(fall) == [("2027-11-07", 13, "00:00", "05:00")]
    # Hours that end inside the skipped hour end when the clocks jump; hours that end in the repeated hour
    # end at its second pass. 30-minute meetings.
    args["duration"] = 30
    gap = [{"type": "wday", "wday": "sunday", "intervals": [{"from": "00:00", "to": "02:30"}]}]
    control(sandbox, "schedules", {"user": MAYA, "rules": gap})
    skipped = await call(
        mcp,
        "find_common_free_times",
        **args,
        start_time="2027-03-14T00:00:00Z",
        end_time="2027-03-15T00:00:00Z",
    )
    assert starts(skipped) == [
        "2027-03-14T05:00:00Z", "2027-03-14T05:30:00Z", "2027-03-14T06:00:00Z", "2027-03-14T06:30:00Z"
    ]  # fmt: skip
    repeated = [{"type": "wday", "wday": "sunday", "intervals": [{"from": "00:30", "to": "01:30"}]}]
    control(sandbox, "schedules", {"user": MAYA, "rules": repeated})
    twice = await call(
        mcp,
        "find_common_free_times",
        **args,
        start_time="2027-11-07T00:00:00Z",
        end_time="2027-11-08T00:00:00Z",
    )
    assert [(s["start_time"], s["start_local"]) for s in twice["collection"]] == [
        ("2027-11-07T04:30:00Z", "2027-11-07T00:30:00-04:00"), ("2027-11-07T05:00:00Z", "2027-11-07T01:00:00-04:00"),
        ("2027-11-07T05:30:00Z", "2027-11-07T01:30:00-04:00"), ("2027-11-07T06:00:00Z", "2027-11-07T01:00:00-05:00"),
    ]  # fmt: skip
