"""Contacts and their custom fields through MCP over stdio, in both modes; the sandbox's own refusals."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx2
import pytest
from mcp.client import Client

from conftest import Mode, SandboxProcess, server_env, stdio_server
from mcp_helpers import call, fail, iso, refused, uid

pytestmark = pytest.mark.anyio

TOOLS = {
    "list_contacts",
    "get_contact",
    "create_contact",
    "update_contact",
    "delete_contact",
    "list_contact_custom_fields",
    "get_contact_custom_field",
}
NEW = {"name": "Ada Lovelace", "emails": ["ada@analytical.example.com"]}


@pytest.fixture(scope="module")
async def mcp_server(sandbox_process: SandboxProcess, mode: Mode) -> AsyncIterator[Client]:
    """The contacts toolset is not a default one: this module's servers expose it beside the defaults."""
    env = server_env(mode, sandbox_process.url, CALENDLY_MCP_TOOLSETS="default,contacts")
    async with Client(stdio_server(env)) as client:
        yield client


def examples(sandbox: SandboxProcess) -> dict[str, Any]:
    return sandbox.info()["examples"]


def raw(sandbox: SandboxProcess) -> httpx2.Client:
    """Calendly's API itself (the sandbox's token), for what the tools refuse before asking."""
    return httpx2.Client(base_url=sandbox.url, headers={"Authorization": "Bearer sandbox-token"})


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("create_contact", {"name": "Ada"}, "emails: is required"),
    ("create_contact", {"emails": ["a@example.com"]}, "name: is required"),
    ("create_contact", {**NEW, "emails": ["not-an-email"]}, "is not an e-mail address"),
    ("create_contact", {**NEW, "emails": []}, "emails: has too few items"),
    (
        "create_contact",
        {**NEW, "emails": [f"p{i}@example.com" for i in range(11)]},
        "a list of 1 to 10 items",
    ),
    ("create_contact", {**NEW, "emails": ["a@example.com", "A@example.com"]}, "same address twice"),
    ("create_contact", {**NEW, "name": "   "}, "is blank"),
    ("create_contact", {**NEW, "name": "x" * 201}, "name: is too long (given 'xxx"),
    ("create_contact", {**NEW, "name": "Ada\nBcc: someone"}, "control character"),
    ("create_contact", {**NEW, "country": "usa"}, "country: does not have the accepted form"),
    ("create_contact", {**NEW, "timezone": "Mars/Olympus"}, "is not an IANA time zone name"),
    ("create_contact", {**NEW, "linkedin": "ftp://example.com/ada"}, "is not an http(s) URL"),
    ("create_contact", {**NEW, "phone_numbers": ["+1 555 0100"] * 11}, "phone_numbers: has too many items"),
    ("create_contact", {**NEW, "custom_fields": [{"field": "x", "value": {"a": 1}}]}, "custom_fields[0]"),
    (
        "create_contact",
        {**NEW, "custom_fields": [{"field": "a/b", "value": "v"}]},
        "custom_fields[0].field: ",
    ),
    ("update_contact", {"contact": "abc"}, "nothing to change"),
    ("update_contact", {"contact": "../x", "company": "Acme"}, "not valid"),
    ("update_contact", {"contact": "abc", "emails": []}, "emails: has too few items"),
    ("get_contact", {"contact": "https://api.calendly.com/users/abc"}, "is not a contact URI"),
    ("delete_contact", {"contact": "a b"}, "not valid"),
    ("get_contact_custom_field", {"field": "https://api.calendly.com/contacts/abc"}, "is not a"),
    ("list_contacts", {"email": "nobody"}, "is not an e-mail address"),
    ("list_contacts", {"sort": "name:asc"}, "'created_at:asc'"),
    ("list_contacts", {"count": 101}, "count: is too large"),
]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)


async def test_tools_and_annotations(mcp: Client) -> None:
    listed = {t.name: t for t in (await mcp.list_tools()).tools}
    assert set(listed) >= TOOLS
    update = listed["update_contact"].annotations
    assert update is not None
    # A PATCH of the fields given: the same call twice leaves the same contact.
    assert (update.read_only_hint, update.destructive_hint, update.idempotent_hint) == (False, False, True)
    delete = listed["delete_contact"].annotations
    assert delete is not None
    assert delete.destructive_hint
    create = listed["create_contact"].annotations
    assert create is not None
    assert not create.idempotent_hint
    assert not create.destructive_hint


async def test_list_pages_through_sorted_without_repeats(mcp: Client) -> None:
    first = await call(mcp, "list_contacts", count=5, sort="created_at:asc")
    assert len(first["collection"]) == 5
    seen = list(first["collection"])
    token = first["next_page_token"]
    while token:
        page = await call(mcp, "list_contacts", count=5, sort="created_at:asc", page_token=token)
        seen += page["collection"]
        token = page["next_page_token"]
    uris = [c["uri"] for c in seen]
    assert len(uris) == len(set(uris)) >= 15
    assert all(c["email"] for c in seen)
    newest = await call(mcp, "list_contacts", count=100, sort="created_at:desc")
    assert [c["uri"] for c in newest["collection"]] == uris[::-1]
    # The default: newest first.
    assert (await call(mcp, "list_contacts", count=3))["collection"] == newest["collection"][:3]


async def test_filters_really_filter(mcp: Client, sandbox: SandboxProcess) -> None:
    everyone = (await call(mcp, "list_contacts", count=100))["collection"]
    globex = (await call(mcp, "list_contacts", company="globex", count=100))["collection"]
    assert globex
    assert len(globex) < len(everyone)
    assert all("globex" in (c["company"] or "").lower() for c in globex)
    assert {c["uri"] for c in globex} == {c["uri"] for c in everyone if "Globex" in (c["company"] or "")}
    priya = (await call(mcp, "list_contacts", email="priya.shah@example.com"))["collection"]
    assert [c["uri"] for c in priya] == [examples(sandbox)["contact"]]
    by_name = (await call(mcp, "list_contacts", name="shah", count=100))["collection"]
    assert [c["name"] for c in by_name] == ["Priya Shah"]
    assert (await call(mcp, "list_contacts", email="nobody@example.com"))["collection"] == []
    # The filters the tool leaves out are Calendly's too: the sandbox applies them.
    with raw(sandbox) as api:
        for params, check in (
            ({"country": "US"}, lambda c: c["country"] == "US"),
            ({"city": "new"}, lambda c: "new" in (c["city"] or "").lower()),
            ({"job_title": "engineer"}, lambda c: "engineer" in (c["job_title"] or "").lower()),
            (
                {"timezone": "Europe/Rome,Asia/Tokyo"},
                lambda c: c["timezone"] in ("Europe/Rome", "Asia/Tokyo"),
            ),
            ({"state": "NY"}, lambda c: c["state"] == "NY"),
            (
                {"phone_number": "+1 555 0100"},
                lambda c: {"phone_number": "+1 555 0100"} in c["phone_numbers"],
            ),
            ({"name": "priya,tom"}, lambda c: c["name"] in ("Priya Shah", "Tom Becker")),
        ):
            body = api.get("/contacts", params={**params, "count": 100}).raise_for_status().json()
            assert body["collection"], params
            assert all(check(c) for c in body["collection"]), params
        bare = api.get("/contacts", params={"exclude": "custom_fields", "count": 1}).json()["collection"][0]
        assert "custom_fields" not in bare
        assert api.get("/contacts", params={"exclude": "emails"}).status_code == 400
        assert api.get("/contacts", params={"sort": "name:asc"}).status_code == 400


async def test_get_contact_whole_and_linked_to_meetings(mcp: Client, sandbox: SandboxProcess) -> None:
    ex = examples(sandbox)
    contact = await call(mcp, "get_contact", contact=ex["contact"])
    assert contact["name"] == "Priya Shah"
    assert contact["emails"][0] == {"email": "priya.shah@example.com", "is_primary": True}
    labels = {f["label"] for f in contact["custom_fields"]}
    assert "Deal stage" in labels
    assert await call(mcp, "get_contact", contact=uid(ex["contact"])) == contact
    # The contact's meetings are the owner's meetings with that invitee.
    meetings = await call(
        mcp, "list_scheduled_events", invitee_email="priya.shah@example.com", status="active", count=50
    )
    starts = sorted(datetime.fromisoformat(e["start_time"]) for e in meetings["collection"])
    now = datetime.fromisoformat(iso())
    upcoming = [s for s in starts if s > now]
    assert upcoming, "the seed books Priya with the owner"
    assert datetime.fromisoformat(contact["next_meeting_date"]) == upcoming[0]
    held = [s for s in starts if s <= now]
    if held:
        assert datetime.fromisoformat(contact["last_meeting_date"]) == held[-1]
    row = (await call(mcp, "list_contacts", email="priya.shah@example.com"))["collection"][0]
    assert row["next_meeting_date"] == contact["next_meeting_date"]


async def test_create_then_read_back(mcp: Client, sandbox: SandboxProcess) -> None:
    fields = examples(sandbox)["contact_fields"]
    made = await call(
        mcp,
        "create_contact",
        name="Ada Lovelace",
        emails=["ada@analytical.example.com", "ada.work@analytical.example.com"],
        phone_numbers=["+44 20 7946 0000"],
        company="Analytical Engines",
        job_title="Mathematician",
        timezone="Europe/London",
        country="GB",
        city="London",
        linkedin="https://www.linkedin.com/in/ada",
        custom_fields=[
            {"field": fields["Deal stage"], "value": "qualified"},  # an option's label, any case
            {"field": uid(fields["Deal size"]), "value": 125000},
            {"field": fields["Team size"], "value": 12.5},
            {"field": fields["Renewal date"], "value": "2027-03-01"},
            {"field": fields["Interests"], "value": ["engines", "poetry"]},
            {"field": fields["Account notes"], "value": "Met at the Royal Society."},
        ],
    )
    assert made["emails"] == [
        {"email": "ada@analytical.example.com", "is_primary": True},
        {"email": "ada.work@analytical.example.com", "is_primary": False},
    ]
    values = {f["label"]: f["value"] for f in made["custom_fields"]}
    stage = examples(sandbox)["contact_stage_options"]["Qualified"]
    assert values == {
        "Deal stage": stage,
        "Deal size": 125000,
        "Team size": 12.5,
        "Renewal date": "2027-03-01",
        "Interests": ["engines", "poetry"],
        "Account notes": "Met at the Royal Society.",
    }
    assert made["next_meeting_date"] is None
    assert made["last_interaction_date"] is None
    assert await call(mcp, "get_contact", contact=made["uri"]) == made
    listed = await call(mcp, "list_contacts", email="ada.work@analytical.example.com")
    assert [c["uri"] for c in listed["collection"]] == [made["uri"]]
    # Calendly refuses a second contact with an address the user's contacts already have.
    text = await fail(mcp, "create_contact", name="Ada L.", emails=["ADA@analytical.example.com"])
    assert "409 Already Exists" in text
    assert "A contact with this email already exists." in text
    assert len((await call(mcp, "list_contacts", name="ada", count=100))["collection"]) == 1


async def test_update_changes_only_the_given_fields(mcp: Client, sandbox: SandboxProcess) -> None:
    ex = examples(sandbox)
    target = ex["contact_to_update"]
    before = await call(mcp, "get_contact", contact=target)
    fields = ex["contact_fields"]
    stage = ex["contact_stage_options"]["Customer"]
    changed = await call(
        mcp,
        "update_contact",
        contact=target,
        company="Umbrella Holdings",
        custom_fields=[
            {"field": fields["Deal stage"], "value": stage},
            {"field": fields["Deal size"], "value": None},
        ],
    )
    assert changed["company"] == "Umbrella Holdings"
    assert changed["emails"] == before["emails"]
    assert changed["name"] == before["name"]
    values = {f["label"]: f["value"] for f in changed["custom_fields"]}
    assert values["Deal stage"] == stage
    assert "Deal size" not in values
    assert changed["updated_at"] > before["updated_at"]
    assert await call(mcp, "get_contact", contact=target) == changed
    # The same call again leaves the same contact (idempotent), and emails replace the list.
    again = await call(mcp, "update_contact", contact=target, company="Umbrella Holdings")
    assert {k: v for k, v in again.items() if k != "updated_at"} == {
        k: v for k, v in changed.items() if k != "updated_at"
    }
    replaced = await call(mcp, "update_contact", contact=target, emails=["lucas@umbrella.example.com"])
    assert replaced["emails"] == [{"email": "lucas@umbrella.example.com", "is_primary": True}]
    # Another contact's address is refused, as at creation.
    text = await fail(mcp, "update_contact", contact=target, emails=["priya.shah@example.com"])
    assert "409 Already Exists" in text


async def test_delete_then_404(mcp: Client, sandbox: SandboxProcess) -> None:
    target = examples(sandbox)["contact_to_delete"]
    assert (await call(mcp, "get_contact", contact=target))["name"] == "Elena Petrova"
    assert await call(mcp, "delete_contact", contact=target) == {"deleted": True, "uri": target}
    assert "404 Resource Not Found" in await fail(mcp, "get_contact", contact=target)
    assert "404" in await fail(mcp, "delete_contact", contact=target)
    assert "404" in await fail(mcp, "update_contact", contact=target, company="Gone")
    everyone = await call(mcp, "list_contacts", count=100)
    assert target not in {c["uri"] for c in everyone["collection"]}


async def test_another_users_contact_is_403(mcp: Client, sandbox: SandboxProcess) -> None:
    theirs = examples(sandbox)["contact_of_other_user"]
    text = await fail(mcp, "get_contact", contact=theirs)
    assert "403 Permission Denied" in text
    assert "403" in await fail(mcp, "delete_contact", contact=theirs)
    # Their contact of the same person is not among yours: the list is the caller's own.
    mine = await call(mcp, "list_contacts", email="priya.shah@example.com")
    assert theirs not in {c["uri"] for c in mine["collection"]}


async def test_custom_fields_list_and_get(mcp: Client, sandbox: SandboxProcess) -> None:
    listed = (await call(mcp, "list_contact_custom_fields"))["collection"]
    kinds = {f["field_type"] for f in listed}
    assert kinds >= {"text", "single_select", "number", "currency", "date", "tags", "invitee_question"}
    stage = next(f for f in listed if f["label"] == "Deal stage")
    # Only the choices that can be picked, each with the id to set.
    options = examples(sandbox)["contact_stage_options"]
    assert stage["options"] == [f"{label}={options[label]}" for label in ("Lead", "Qualified", "Customer")]
    whole = await call(mcp, "get_contact_custom_field", field=stage["uri"])
    assert [o["label"] for o in whole["options"]] == ["Lead", "Qualified", "Customer", "Churned"]
    assert whole["options"][3]["is_active"] is False
    deal = await call(
        mcp,
        "get_contact_custom_field",
        field=uid(next(f["uri"] for f in listed if f["field_type"] == "currency")),
    )
    assert deal["currency"] == "USD"
    question = next(f for f in listed if f["field_type"] == "invitee_question")
    source = (await call(mcp, "get_contact_custom_field", field=question["uri"]))["source"]
    assert source["type"] == "event_type_invitee_question"
    assert source["event_type_uri"]
    missing = (
        "https://api.calendly.com/contacts/custom_field_definitions/0000aaaa-0000-4000-8000-000000000000"
    )
    assert "404 Resource Not Found" in await fail(mcp, "get_contact_custom_field", field=missing)


CUSTOM_REFUSALS: list[tuple[str, Any, str]] = [
    ("Team size", "twelve", "does not fit the number field 'Team size'; it takes a number"),
    ("Deal size", 12.5, "it takes a whole amount in minor units of USD"),
    ("Renewal date", "2027-02-30", "it takes a date as YYYY-MM-DD"),
    ("Interests", "engines", "it takes a list of tags"),
    ("Account notes", 5, "it takes text"),
    ("Deal stage", "Churned", "is not a choice of the field 'Deal stage'; the choices are: Lead ("),
]


@pytest.mark.parametrize(("label", "value", "expected"), CUSTOM_REFUSALS, ids=[c[0] for c in CUSTOM_REFUSALS])
async def test_custom_field_values_checked_against_their_field(
    mcp: Client, sandbox: SandboxProcess, label: str, value: Any, expected: str
) -> None:
    """The definitions are read (one GET); nothing is written."""
    field = examples(sandbox)["contact_fields"][label]
    sandbox.clear_requests()
    text = await fail(mcp, "create_contact", **NEW, custom_fields=[{"field": field, "value": value}])
    assert (
        f"custom_fields[0].value: {json.dumps(value) if not isinstance(value, str) else repr(value)}" in text
    )
    assert expected in text
    assert {r["method"] for r in sandbox.requests()} <= {"GET"}


async def test_unknown_and_repeated_custom_fields(mcp: Client, sandbox: SandboxProcess) -> None:
    fields = examples(sandbox)["contact_fields"]
    text = await fail(mcp, "update_contact", contact="abc", custom_fields=[{"field": "nope", "value": "x"}])
    assert "custom_fields[0].field: no custom field 'nope' exists" in text
    assert "list_contact_custom_fields" in text
    twice = [{"field": fields["Team size"], "value": 1}, {"field": uid(fields["Team size"]), "value": 2}]
    assert "same field twice" in await refused(
        mcp, sandbox, "update_contact", contact="abc", custom_fields=twice
    )


async def test_plan_gate(mcp: Client, sandbox: SandboxProcess) -> None:
    sandbox.set_plan("basic")
    text = await fail(mcp, "list_contacts")
    assert "403 Permission Denied" in text
    assert "Please upgrade to a paid Calendly account." in text
    assert "403" in await fail(mcp, "list_contact_custom_fields")
    assert "403" in await fail(mcp, "create_contact", **NEW)


async def test_calendly_refuses_what_the_tools_would_not_send(sandbox: SandboxProcess) -> None:
    """The sandbox's own 400s, as Calendly words them, for bodies the tools check before sending."""
    ex = examples(sandbox)
    fields = ex["contact_fields"]
    target = uid(ex["contact_to_update"])
    person = {"name": "Ada", "emails": [{"email": "ada@example.com", "is_primary": True}]}
    with raw(sandbox) as api:

        def details(answer: httpx2.Response, status: int = 400) -> list[dict[str, Any]]:
            assert answer.status_code == status, answer.text
            body = answer.json()
            assert body["title"] == "Invalid Argument"
            assert body["message"] == "The supplied parameters are invalid."
            return body["details"]

        assert {d["parameter"] for d in details(api.post("/contacts", json={}))} == {"name", "emails"}
        two = [{"email": "a@example.com", "is_primary": True}, {"email": "b@example.com", "is_primary": True}]
        assert "exactly one" in details(api.post("/contacts", json={**person, "emails": two}))[0]["message"]
        bad = {**person, "custom_fields": [{"uuid": uid(fields["Team size"]), "value": "twelve"}]}
        found = details(api.post("/contacts", json=bad))
        assert found == [
            {
                "parameter": "custom_fields[0].value",
                "message": "must be a number for the number field 'Team size'",
            }
        ]
        array = {**person, "custom_fields": [{"uuid": uid(fields["Account notes"]), "value": ["a"]}]}
        assert details(api.post("/contacts", json=array))[0]["parameter"] == "custom_fields[0].value"
        unknown = {**person, "custom_fields": [{"uuid": "nope", "value": "x"}]}
        assert details(api.post("/contacts", json=unknown))[0]["parameter"] == "custom_fields[0].uuid"
        inactive = ex["contact_stage_options"]["Churned"]
        stage = {**person, "custom_fields": [{"uuid": uid(fields["Deal stage"]), "value": inactive}]}
        assert "active options" in details(api.post("/contacts", json=stage))[0]["message"]
        zone = {**person, "timezone": "Mars/Olympus", "country": "usa"}
        assert {d["parameter"] for d in details(api.post("/contacts", json=zone))} == {"timezone", "country"}
        assert details(api.patch(f"/contacts/{target}", json={"nickname": "x"}))[0]["parameter"] == "nickname"
        assert details(api.patch(f"/contacts/{target}", json={}))[0]["message"].startswith("must include")
        assert (
            api.get(f"/contacts/{target}", params={"exclude": "custom_fields"})
            .json()["resource"]
            .get("custom_fields")
            is None
        )
        assert api.get("/contacts/0000aaaa-0000-4000-8000-000000000000").status_code == 404
        assert (
            api.patch("/contacts/0000aaaa-0000-4000-8000-000000000000", json={"city": "x"}).status_code == 404
        )
        labelled = {
            **person,
            "custom_fields": [{"uuid": uid(fields["Team size"]), "value": 3, "label": "ignored"}],
        }
        assert api.post("/contacts", json=labelled).status_code == 201


async def test_contact_webhooks_are_delivered(mcp: Client, sandbox: SandboxProcess) -> None:
    inbox = "contacts-hooks"
    await call(
        mcp,
        "create_webhook_subscription",
        url=f"{sandbox.url}/_sandbox/inbox/{inbox}",
        events=["contact.created", "contact.updated", "contact.deleted"],
    )
    made = await call(mcp, "create_contact", name="Grace Hopper", emails=["grace@navy.example.com"])
    await call(mcp, "update_contact", contact=made["uri"], job_title="Rear Admiral")
    await call(mcp, "delete_contact", contact=made["uri"])
    received = [json.loads(message["body"]) for message in sandbox.inbox(inbox)]
    assert [d["event"] for d in received] == ["contact.created", "contact.updated", "contact.deleted"]
    assert all(d["payload"]["contact"]["uri"] == made["uri"] for d in received)
    assert received[1]["payload"]["contact"]["job_title"] == "Rear Admiral"
