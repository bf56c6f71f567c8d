"""The webhook events beyond invitees': event types, meeting recaps and contacts, and group scope.

Which events a scope takes is the table of the spec's own POST /webhook_subscriptions description (its
subscription enums lack the event type events that the table, its payload enum and its sample endpoint
have: tests/sandbox/openapi.py). Each delivery's payload is checked against the spec's schema for it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx2
import pytest

from calendly_mcp.sandbox.calendly.subscriptions import EVENT_SCOPES

from .helpers import API, book, booking, call, first_slot, info, me, path_of
from .openapi import EVENT_TYPE_EVENTS, spec, validate_schema
from .test_webhooks import inbox, settle, subscribe

pytestmark = pytest.mark.anyio


async def received(control: httpx2.AsyncClient, name: str) -> list[dict[str, Any]]:
    await settle(control)
    return [json.loads(message["body"]) for message in await inbox(control, name)]


def test_the_events_and_their_scopes_are_the_spec_table() -> None:
    description = spec()["paths"]["/webhook_subscriptions"]["post"]["description"]
    rows = re.findall(r"^\| ([a-z_]+\.[a-z_]+) \| ([^|]+)\|", description, re.MULTILINE)
    table = {event: set(re.findall(r"`([a-z]+)`", scopes)) for event, scopes in rows}
    assert {event: set(scopes) for event, scopes in EVENT_SCOPES.items()} == table
    assert set(EVENT_TYPE_EVENTS) <= set(table)


async def members_of_groups(client: httpx2.AsyncClient, org: str) -> dict[str, set[str]]:
    """Each group's members (user URIs), from the group relationships."""
    relationships = (
        await call(client, "GET", "/group_relationships", 200, params={"organization": org, "count": 100})
    )["collection"]
    members: dict[str, set[str]] = {}
    for r in relationships:
        people = members.setdefault(r["group"], set())
        if r["role"] == "member":
            people.add(r["owner"]["user"]["uri"])
    return members


async def test_event_type_events_reach_the_organization_the_owner_and_the_owners_groups(
    either: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    client = either
    data = await info(control)
    org = (await me(client))["current_organization"]
    hook = data["inbox_url"]
    members = await members_of_groups(client, org)
    # A member of one group and not of another, who gets a new event type; and someone else.
    group, member = next((g, m) for g, people in sorted(members.items()) for m in sorted(people))
    other_group = next(g for g, people in sorted(members.items()) if member not in people)
    someone_else = next(u["uri"] for u in data["users"] if u["uri"] != member)
    events = ["event_type.created", "event_type.updated"]
    made = await subscribe(
        client, url=hook.format(name="org"), events=events, organization=org, scope="organization"
    )
    assert made["resource"]["events"] == events
    for name, user in (("member", member), ("someone-else", someone_else)):
        await subscribe(
            client, url=hook.format(name=name), events=events, organization=org, scope="user", user=user
        )
    for name, scoped in (("group", group), ("other-group", other_group)):
        group_hook = await subscribe(
            client, url=hook.format(name=name), events=events, organization=org, scope="group", group=scoped
        )
        assert group_hook["resource"]["group"] == scoped

    created = (await call(client, "POST", "/event_types", 201, json={"owner": member, "name": "Deep Dive"}))[
        "resource"
    ]
    updated = (await call(client, "PATCH", path_of(created["uri"]), 200, json={"duration": 45}))["resource"]
    for name in ("org", "member", "group"):
        deliveries = await received(control, name)
        assert [d["event"] for d in deliveries] == events, name
        assert [d["payload"] for d in deliveries] == [created, updated]
        for delivery in deliveries:
            validate_schema("EventTypePayload", delivery["payload"])
            validate_schema("WebhookPayload", delivery)
    assert await received(control, "someone-else") == []  # another user's event types only
    assert await received(control, "other-group") == []  # a group the owner is not a member of


async def test_group_scope_takes_a_known_group_and_an_admin(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    org = (await me(direct))["current_organization"]
    group = data["examples"]["group"]
    base: dict[str, Any] = {"events": ["invitee.created"], "organization": org, "scope": "group"}
    await subscribe(direct, 400, url="https://hooks.example.com/g", **base)  # no group named
    await subscribe(direct, 400, url="https://hooks.example.com/g", **base, group=f"{API}/teams/x")
    await subscribe(direct, 404, url="https://hooks.example.com/g", **base, group=f"{API}/groups/nope")
    made = (await subscribe(direct, url="https://hooks.example.com/g", **base, group=group))["resource"]
    assert (made["scope"], made["group"], made["user"]) == ("group", group, None)
    listed = await call(
        direct,
        "GET",
        "/webhook_subscriptions",
        200,
        params={"organization": org, "scope": "group", "group": group},
    )
    assert [s["uri"] for s in listed["collection"]] == [made["uri"]]
    others = [g for g in data["examples"]["groups"] if g != group]
    elsewhere = await call(
        direct,
        "GET",
        "/webhook_subscriptions",
        200,
        params={"organization": org, "scope": "group", "group": others[0]},
    )
    assert elsewhere["collection"] == []
    sample = await call(
        direct, "GET", "/sample_webhook_data", 200,
        params={"event": "invitee.created", "organization": org, "scope": "group", "group": group},
    )  # fmt: skip
    assert sample["payload"]["scheduled_event"]["uri"].startswith(f"{API}/scheduled_events/")


async def test_invitee_events_reach_the_groups_of_the_meetings_hosts(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    owner = await me(direct)
    org = owner["current_organization"]
    members = await members_of_groups(direct, org)
    bookable: dict[str, str] = data["examples"]["bookable_event_types"]
    # A group and a host in it, and a host outside it, each with an event type to book.
    group, inside, outside = next(
        (g, i, o)
        for g, people in sorted(members.items())
        for i in sorted(people & set(bookable))
        for o in sorted(set(bookable) - people)
    )
    await subscribe(
        direct, url=data["inbox_url"].format(name="group"), events=["invitee.created"],
        organization=org, scope="group", group=group,
    )  # fmt: skip
    theirs = (await book(direct, booking(bookable[inside], await first_slot(direct, bookable[inside]))))[
        "resource"
    ]
    await book(direct, booking(bookable[outside], await first_slot(direct, bookable[outside])))
    (delivery,) = await received(control, "group")
    assert (delivery["event"], delivery["payload"]["uri"]) == ("invitee.created", theirs["uri"])


async def test_recap_events_reach_the_notetakers_subscription_in_the_spec_payloads(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    owner = await me(direct)
    events = ["meeting_recap.updated", "meeting_recap.deleted"]
    await subscribe(
        direct,
        400,
        url="https://hooks.example.com/r",
        events=events,
        organization=owner["current_organization"],
        scope="organization",
    )  # fmt: skip  (recap events are user scope only)
    await subscribe(
        direct, url=data["inbox_url"].format(name="recaps"), events=events,
        organization=owner["current_organization"], scope="user", user=owner["uri"],
    )  # fmt: skip
    examples = data["examples"]
    changed = (
        await call(
            direct,
            "PATCH",
            path_of(examples["meeting_recap_to_update"]),
            200,
            json={"summary_md": "- New plan."},
        )
    )["resource"]
    await call(direct, "DELETE", path_of(examples["meeting_recap_to_delete"]), 204)
    updated, deleted = await received(control, "recaps")
    assert [updated["event"], deleted["event"]] == events
    validate_schema("MeetingRecapUpdatedWebhookPayload", updated["payload"])
    assert updated["payload"]["recap"]["uri"] == changed["uri"]
    assert updated["payload"]["recap"]["summary_md"] == "- New plan."
    assert updated["payload"]["event"]["name"] == changed["name"]
    validate_schema("MeetingRecapDeletedWebhookPayload", deleted["payload"])
    assert deleted["payload"]["recap"]["uri"] == examples["meeting_recap_to_delete"]


async def test_contact_events_carry_the_owner_and_the_contact_as_the_spec_says(
    direct: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    owner = await me(direct)
    events = ["contact.created", "contact.updated", "contact.deleted"]
    await subscribe(
        direct, url=data["inbox_url"].format(name="contacts"), events=events,
        organization=owner["current_organization"], scope="user", user=owner["uri"],
    )  # fmt: skip
    body = {"name": "Grace Hopper", "emails": [{"email": "grace@navy.example.com", "is_primary": True}]}
    made = (await call(direct, "POST", "/contacts", 201, json=body))["resource"]
    await call(direct, "PATCH", path_of(made["uri"]), 200, json={"job_title": "Rear Admiral"})
    await call(direct, "DELETE", path_of(made["uri"]), 204)
    created, updated, deleted = await received(control, "contacts")
    assert [created["event"], updated["event"], deleted["event"]] == events
    for delivery, schema in zip(
        (created, updated, deleted),
        ("ContactCreatedWebhookPayload", "ContactUpdatedWebhookPayload", "ContactDeletedWebhookPayload"),
        strict=True,
    ):
        validate_schema(schema, delivery["payload"])
        assert delivery["payload"]["contact"]["uri"] == made["uri"]
    assert created["payload"]["contact"] == {**made, "creation_source": "api"}
    assert updated["payload"]["contact"]["job_title"] == "Rear Admiral"
    # Not through `call`: the spec's oneOf cannot take a contact sample (see tests/sandbox/test_no_shows.py).
    params = {"event": "contact.created", "organization": owner["current_organization"], "scope": "user"}
    sample = (await direct.get("/sample_webhook_data", params=params)).json()
    assert sample["payload"]["user_uuid"] == created["payload"]["user_uuid"]
