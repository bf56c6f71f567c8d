"""No-shows, data deletion and sample webhook data: Calendly's rules, and every answer against the spec."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import jsonschema
import pytest

from .helpers import call, info, me, path_of, stamp
from .openapi import spec, validate_response
from .test_webhooks import inbox, settle, subscribe

pytestmark = pytest.mark.anyio

# Calendly's spec makes these three impossible to answer validly: its WebhookPayload.payload is a oneOf
# whose contact.created and contact.updated schemas are the same, and whose meeting_recap.updated schema
# accepts every meeting_recap.created payload. They are checked against their own payload schema.
AMBIGUOUS = {
    "contact.created": "ContactCreatedWebhookPayload",
    "contact.updated": "ContactUpdatedWebhookPayload",
    "meeting_recap.created": "MeetingRecapCreatedWebhookPayload",
}


async def examples(control: httpx2.AsyncClient) -> dict[str, Any]:
    return (await info(control))["examples"]


async def test_no_show_mark_read_undo(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    ex = await examples(control)
    invitee = ex["invitee_to_mark_no_show"]
    made = (await call(direct, "POST", "/invitee_no_shows", 201, json={"invitee": invitee}))["resource"]
    assert made["invitee"] == invitee
    shown = (await call(direct, "GET", path_of(invitee), 200))["resource"]["no_show"]
    assert shown == {"uri": made["uri"], "created_at": made["created_at"]}
    assert (await call(direct, "GET", path_of(made["uri"]), 200))["resource"] == made
    again = await call(direct, "POST", "/invitee_no_shows", 400, json={"invitee": invitee})
    assert again["details"][0] == {"parameter": "invitee", "message": "is already marked as a no-show"}
    await call(direct, "DELETE", path_of(made["uri"]), 204)
    assert (await call(direct, "GET", path_of(invitee), 200))["resource"]["no_show"] is None
    await call(direct, "GET", path_of(made["uri"]), 404)
    await call(direct, "DELETE", path_of(made["uri"]), 404)
    # The seeded marks read like the new ones.
    seeded = (await call(direct, "GET", path_of(ex["no_show"]), 200))["resource"]
    assert (await call(direct, "GET", path_of(seeded["invitee"]), 200))["resource"]["no_show"]["uri"] == ex[
        "no_show"
    ]


async def test_no_show_refusals(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    data = await info(control)
    upcoming = data["examples"]["next_event_of_owner"]
    future = (await call(direct, "GET", f"{path_of(upcoming)}/invitees", 200))["collection"][0]["uri"]
    answer = await call(direct, "POST", "/invitee_no_shows", 400, json={"invitee": future})
    assert "before the event starts" in answer["details"][0]["message"]
    canceled = data["examples"]["canceled_events"][0]
    gone = (await call(direct, "GET", f"{path_of(canceled)}/invitees", 200))["collection"][0]["uri"]
    answer = await call(direct, "POST", "/invitee_no_shows", 400, json={"invitee": gone})
    assert "canceled" in answer["details"][0]["message"]
    await call(direct, "POST", "/invitee_no_shows", 400, json={})
    await call(direct, "POST", "/invitee_no_shows", 400, json={"invitee": "https://api.calendly.com/users/x"})
    await call(direct, "POST", "/invitee_no_shows", 404, json={"invitee": f"{upcoming}/invitees/nobody"})
    await call(direct, "GET", "/invitee_no_shows/nothing-here", 404)


async def test_no_show_of_a_colleague_is_403_for_a_plain_user(
    gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    owner = await me(gateway)
    params = {"user": owner["uri"], "max_start_time": stamp(datetime.now(UTC)), "sort": "start_time:desc"}
    past = (await call(gateway, "GET", "/scheduled_events", 200, params=params))["collection"][0]
    invitee = (await call(gateway, "GET", f"{path_of(past['uri'])}/invitees", 200))["collection"][0]["uri"]
    # Haruto, a plain user, through his own connection: the owner's meetings are not his to mark.
    headers = {"Maton-Connection": data["connections"][1]["connection_id"]}
    answer = await gateway.post("/invitee_no_shows", json={"invitee": invitee}, headers=headers)
    assert answer.status_code == 403
    validate_response("POST", "/invitee_no_shows", 403, answer.json())
    answer = await gateway.get(path_of(data["examples"]["no_show"]), headers=headers)
    assert answer.status_code in (200, 403)  # 200 only where Haruto hosts the marked meeting
    validate_response("GET", "/invitee_no_shows/x", answer.status_code, answer.json())


async def test_no_show_deliveries(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    data = await info(control)
    owner = await me(direct)
    hook = data["inbox_url"].format(name="no-shows")
    events = ["invitee_no_show.created", "invitee_no_show.deleted"]
    await subscribe(
        direct, url=hook, events=events, organization=owner["current_organization"], scope="organization"
    )
    invitee = data["examples"]["invitee_to_mark_no_show"]
    made = (await call(direct, "POST", "/invitee_no_shows", 201, json={"invitee": invitee}))["resource"]
    await call(direct, "DELETE", path_of(made["uri"]), 204)
    await settle(control)
    bodies = [json.loads(m["body"]) for m in await inbox(control, "no-shows")]
    assert [b["event"] for b in bodies] == events
    assert bodies[0]["payload"]["uri"] == invitee
    assert bodies[0]["payload"]["no_show"]["uri"] == made["uri"]
    assert bodies[1]["payload"]["no_show"] is None


async def test_invitee_data_deletion(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    ex = await examples(control)
    email = ex["invitee_to_forget_email"]
    owner = await me(direct)
    found = {"organization": owner["current_organization"], "invitee_email": email}
    before = (await call(direct, "GET", "/scheduled_events", 200, params=found))["collection"]
    assert len(before) == 1
    total = before[0]["invitees_counter"]["total"]
    assert (
        await call(
            direct, "POST", "/data_compliance/deletion/invitees", 202, json={"emails": [email.upper()]}
        )
        == {}
    )
    assert (await call(direct, "GET", "/scheduled_events", 200, params=found))["collection"] == []
    meeting = (await call(direct, "GET", path_of(before[0]["uri"]), 200))["resource"]
    assert meeting["invitees_counter"]["total"] == total - 1
    await call(direct, "GET", path_of(ex["invitee_to_forget"]), 404)
    for body in ({}, {"emails": []}, {"emails": ["not-an-email"]}, {"emails": "a@b.co"}):
        await call(direct, "POST", "/data_compliance/deletion/invitees", 400, json=body)


async def test_event_data_deletion(direct: httpx2.AsyncClient, control: httpx2.AsyncClient) -> None:
    ex = await examples(control)
    window = ex["event_range_to_forget"]
    owner = await me(direct)
    params = {
        "organization": owner["current_organization"],
        "min_start_time": window["start_time"],
        "max_start_time": window["end_time"],
    }
    inside = (await call(direct, "GET", "/scheduled_events", 200, params=params))["collection"]
    assert [e["uri"] for e in inside] == [ex["event_to_forget"]]
    assert await call(direct, "POST", "/data_compliance/deletion/events", 202, json=window) == {}
    await call(direct, "GET", path_of(ex["event_to_forget"]), 404)
    assert (await call(direct, "GET", "/scheduled_events", 200, params=params))["collection"] == []
    now = datetime.now(UTC)
    for body in (
        {"start_time": window["start_time"]},
        {"start_time": stamp(now - timedelta(days=1)), "end_time": stamp(now + timedelta(days=1))},
        {"start_time": stamp(now - timedelta(days=1)), "end_time": stamp(now - timedelta(days=2))},
        {"start_time": stamp(now - timedelta(days=800)), "end_time": stamp(now - timedelta(days=1))},
        {"start_time": "yesterday", "end_time": stamp(now - timedelta(days=1))},
    ):
        await call(direct, "POST", "/data_compliance/deletion/events", 400, json=body)
    # 24 months to the day is allowed.
    body = {
        "start_time": stamp(now - timedelta(days=1) - timedelta(days=730)),
        "end_time": stamp(now - timedelta(days=1)),
    }
    await call(direct, "POST", "/data_compliance/deletion/events", 202, json=body)


async def test_data_deletion_needs_enterprise_and_an_admin(
    direct: httpx2.AsyncClient, gateway: httpx2.AsyncClient, control: httpx2.AsyncClient
) -> None:
    data = await info(control)
    body = {"emails": ["someone@example.com"]}
    plain = data["connections"][1]["connection_id"]  # Haruto, a plain user
    answer = await gateway.post(
        "/data_compliance/deletion/invitees", json=body, headers={"Maton-Connection": plain}
    )
    assert answer.status_code == 403
    assert "admin/owner" in answer.json()["message"]
    validate_response("POST", "/data_compliance/deletion/invitees", 403, answer.json())
    assert (await control.post("/_sandbox/plan", json={"plan": "teams"})).status_code == 200
    answer = await call(direct, "POST", "/data_compliance/deletion/invitees", 403, json=body)
    assert answer["message"] == "Please upgrade your Calendly account to Enterprise."
    window = {
        "start_time": stamp(datetime.now(UTC) - timedelta(days=3)),
        "end_time": stamp(datetime.now(UTC)),
    }
    await call(direct, "POST", "/data_compliance/deletion/events", 403, json=window)


def _scope(event: str) -> str:
    if event == "routing_form_submission.created":
        return "organization"
    return "user" if event.startswith("meeting_recap") else "organization"


async def test_sample_webhook_data_for_every_event(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    events = spec()["components"]["schemas"]["SampleWebhookDataGetParametersEvent"]["enum"]
    for event in events:
        scope = _scope(event)
        params = {"event": event, "organization": owner["current_organization"], "scope": scope}
        if scope == "user":
            params["user"] = owner["uri"]
        answer = await direct.get("/sample_webhook_data", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["event"] == event
        assert body["created_by"] == owner["uri"]
        if event in AMBIGUOUS:
            with pytest.raises(jsonschema.ValidationError, match="is valid under each of"):
                validate_response("GET", "/sample_webhook_data", 200, body)
            schema = {"$ref": f"#/components/schemas/{AMBIGUOUS[event]}"}
            jsonschema.Draft202012Validator({**spec(), **schema}).validate(body["payload"])
        else:
            validate_response("GET", "/sample_webhook_data", 200, body)
    # An invitee sample is a seeded invitee with its meeting; a no-show sample carries its mark.
    params = {
        "event": "invitee_no_show.created",
        "organization": owner["current_organization"],
        "scope": "user",
        "user": owner["uri"],
    }
    payload = (await call(direct, "GET", "/sample_webhook_data", 200, params=params))["payload"]
    assert payload["no_show"] is not None
    assert payload["scheduled_event"]["uri"] == payload["event"]
    assert (await call(direct, "GET", path_of(payload["uri"]), 200))["resource"]["email"] == payload["email"]


async def test_sample_webhook_data_refusals(direct: httpx2.AsyncClient) -> None:
    owner = await me(direct)
    org = owner["current_organization"]
    base = {"event": "invitee.created", "organization": org, "scope": "user", "user": owner["uri"]}
    for drop in ("event", "organization", "scope"):
        await call(
            direct, "GET", "/sample_webhook_data", 400, params={k: v for k, v in base.items() if k != drop}
        )
    await call(direct, "GET", "/sample_webhook_data", 400, params={**base, "event": "invitee.updated"})
    await call(
        direct,
        "GET",
        "/sample_webhook_data",
        400,
        params={**base, "event": "meeting_recap.created", "scope": "organization"},
    )
    await call(
        direct,
        "GET",
        "/sample_webhook_data",
        403,
        params={**base, "organization": "https://api.calendly.com/organizations/OTHER"},
    )
    await call(
        direct,
        "GET",
        "/sample_webhook_data",
        404,
        params={**base, "scope": "group", "group": "https://api.calendly.com/groups/g1"},
    )
