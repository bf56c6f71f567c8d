"""The sandbox's event type administration as Calendly answers it: every status, each body spec-checked."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from .helpers import call, info, me, path_of, window

pytestmark = pytest.mark.anyio

MISSING = "https://api.calendly.com/event_types/0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"


def week(*spans: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"type": "wday", "wday": "monday", "intervals": [{"from": a, "to": b} for a, b in spans]}]


async def test_create_and_update(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    owner = (await me(direct))["uri"]
    body = {
        "owner": owner,
        "name": "Deep Dive",
        "duration": 50,
        "start_time_increment": 10,
        "after_buffer": 15,
    }
    made = (await call(direct, "POST", "/event_types", 201, json=body))["resource"]
    assert (made["kind"], made["active"], made["duration"]) == ("solo", False, 50)
    assert (made["start_time_increment"], made["before_buffer"], made["after_buffer"]) == (10, 0, 15)
    path = path_of(made["uri"])
    read = (await call(direct, "GET", path, 200))["resource"]
    assert read == made
    changed = (await call(direct, "PATCH", path, 200, json={"active": True, "before_buffer": 5}))["resource"]
    assert (changed["active"], changed["before_buffer"], changed["after_buffer"], changed["name"]) == (
        True, 5, 15, "Deep Dive",
    )  # fmt: skip
    listed = await call(direct, "GET", "/event_types", 200, params={"user": owner, "count": 100})
    assert changed in listed["collection"]
    # Nothing given: nothing changes.
    same = (await call(direct, "PATCH", path, 200, json={}))["resource"]
    assert same == changed
    assert (await call(direct, "GET", path, 200))["resource"] == changed
    group = (await info(control))["examples"]["group_event_type"]
    await call(direct, "PATCH", path_of(group), 400, json={"name": "Bigger"})
    await call(direct, "PATCH", path_of(MISSING), 404, json={"name": "X"})


@pytest.mark.parametrize(
    "body",
    [
        {"name": "No owner"},
        {"owner": "me", "name": "Owner not a URI"},
        {"owner": "{me}"},
        {"owner": "{me}", "name": "x" * 56},
        {"owner": "{me}", "name": "A", "duration": 0},
        {"owner": "{me}", "name": "A", "duration": "30"},
        {"owner": "{me}", "name": "A", "duration": 20, "duration_options": [15, 30]},
        {"owner": "{me}", "name": "A", "duration_options": [15, 15]},
        {"owner": "{me}", "name": "A", "duration_options": [15, 30, 45, 60, 90]},
        {"owner": "{me}", "name": "A", "duration_options": [0]},
        {"owner": "{me}", "name": "A", "start_time_increment": 4},
        {"owner": "{me}", "name": "A", "before_buffer": 7},
        {"owner": "{me}", "name": "A", "color": "red"},
        {"owner": "{me}", "name": "A", "locale": "xx"},
        {"owner": "{me}", "name": "A", "active": "yes"},
        {"owner": "{me}", "name": "A", "locations": [{"kind": "pigeon"}]},
        {"owner": "{me}", "name": "A", "locations": "zoom"},
        {"owner": "{me}", "name": "A", "locations": [{"kind": "physical", "location": 5}]},
    ],
)
async def test_create_refusals(direct: httpx2.AsyncClient, body: dict[str, Any]) -> None:
    owner = (await me(direct))["uri"]
    sent = {k: (owner if v == "{me}" else v) for k, v in body.items()}
    await call(direct, "POST", "/event_types", 400, json=sent)


async def test_create_for_a_stranger_is_forbidden(direct: httpx2.AsyncClient) -> None:
    stranger = "https://api.calendly.com/users/0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"
    await call(direct, "POST", "/event_types", 403, json={"owner": stranger, "name": "Ghost"})


async def test_hosts(
    direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    target = (await info(control))["examples"]["event_type_to_edit"]
    for client in (direct, gateway):
        hosts = await call(client, "GET", "/event_type_memberships", 200, params={"event_type": target})
        [host] = hosts["collection"]
        assert host["event_type"]["uri"] == target
        assert host["member"]["uri"] == (await me(direct))["uri"]
    await call(direct, "GET", "/event_type_memberships", 400)
    await call(direct, "GET", "/event_type_memberships", 400, params={"event_type": "x"})
    await call(direct, "GET", "/event_type_memberships", 404, params={"event_type": MISSING})


async def test_schedules(
    direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    target = (await info(control))["examples"]["event_type_to_edit"]
    query = {"event_type": target}
    [before] = (await call(direct, "GET", "/event_type_availability_schedules", 200, params=query))[
        "collection"
    ]
    assert before["availability_rule"]["uri"].startswith(
        "https://api.calendly.com/user_availability_schedules/"
    )
    body = {"availability_rule": {"timezone": "UTC", "rules": week(("08:00", "09:00"))}}
    changed = await call(gateway, "PATCH", "/event_type_availability_schedules", 200, params=query, json=body)
    assert changed["resource"]["availability_rule"]["timezone"] == "UTC"
    [after] = (await call(direct, "GET", "/event_type_availability_schedules", 200, params=query))[
        "collection"
    ]
    assert after == changed["resource"]
    # The slots follow: Mondays 08:00 to 09:00 UTC only, a 60-minute meeting: one start a Monday.
    slots = await call(direct, "GET", "/event_type_available_times", 200, params=query | window(7))
    assert slots["collection"]
    assert all(s["start_time"].endswith("T08:00:00.000000Z") for s in slots["collection"])
    await call(direct, "GET", "/event_type_availability_schedules", 400)
    await call(direct, "GET", "/event_type_availability_schedules", 404, params={"event_type": MISSING})
    await call(
        direct, "PATCH", "/event_type_availability_schedules", 404, params={"event_type": MISSING}, json=body
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"availability_rule": {"rules": []}},
        {"availability_rule": {"timezone": "Mars/Base"}},
        {"availability_rule": {"timezone": "UTC"}, "availability_setting": "all"},
        {"availability_rule": {"timezone": "UTC", "rules": "monday"}},
        {"availability_rule": {"timezone": "UTC", "rules": ["monday"]}},
        {"availability_rule": {"timezone": "UTC", "rules": [{"type": "weekly", "intervals": []}]}},
        {
            "availability_rule": {
                "timezone": "UTC",
                "rules": [{"type": "wday", "wday": "funday", "intervals": []}],
            }
        },
        {"availability_rule": {"timezone": "UTC", "rules": [{"type": "wday", "wday": "monday"}]}},
        {
            "availability_rule": {
                "timezone": "UTC",
                "rules": [{"type": "date", "date": "2030-02-30", "intervals": []}],
            }
        },
        {
            "availability_rule": {
                "timezone": "UTC",
                "rules": [{"type": "date", "date": "2030-02-03", "intervals": [1]}],
            }
        },
        {"availability_rule": {"timezone": "UTC", "rules": week(("9:00", "10:00"))}},
        {"availability_rule": {"timezone": "UTC", "rules": week(("10:00", "09:00"))}},
        {"availability_rule": {"timezone": "UTC", "rules": week(("09:00", "12:00"), ("11:00", "13:00"))}},
        {"availability_rule": {"timezone": "UTC", "rules": week() + week(("09:00", "10:00"))}},
        {"availability_rule": {"timezone": "UTC", "user": "someone"}},
        {"availability_rule": {"timezone": "UTC", "user": "{other}"}},
    ],
)
async def test_schedule_refusals(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient, body: dict[str, Any]
) -> None:
    data = await info(control)
    other = next(u["uri"] for u in data["users"] if u["role"] == "user")
    rule = body.get("availability_rule")
    if isinstance(rule, dict) and rule.get("user") == "{other}":
        body = {"availability_rule": rule | {"user": other}}
    params = {"event_type": data["examples"]["event_type_to_edit"]}
    await call(direct, "PATCH", "/event_type_availability_schedules", 400, params=params, json=body)


async def test_stranger_as_the_schedule_user_is_forbidden(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    params = {"event_type": (await info(control))["examples"]["event_type_to_edit"]}
    stranger = "https://api.calendly.com/users/0b5c9a2e-3c1d-4f6a-9e8b-7d2c1a0f9e8d"
    body = {"availability_rule": {"timezone": "UTC", "user": stranger}}
    await call(direct, "PATCH", "/event_type_availability_schedules", 403, params=params, json=body)
