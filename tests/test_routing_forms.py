"""Routing forms and their submissions (list, get) through MCP over stdio, in both modes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client import Client

from conftest import SandboxProcess
from mcp_helpers import call, fail, refused, uid

pytestmark = pytest.mark.anyio

TOOLS = (
    "list_routing_forms",
    "get_routing_form",
    "list_routing_form_submissions",
    "get_routing_form_submission",
)
UNKNOWN = "0000aaaa-0000-4000-8000-000000000000"

REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("get_routing_form", {"form": "https://api.calendly.com/event_types/abc"}, "is not a routing_form URI"),
    ("get_routing_form", {"form": "abc/../x"}, "not valid"),
    ("list_routing_form_submissions", {"form": "https://example.com/routing_forms/abc"}, "is not a routing_form URI"),
    ("list_routing_form_submissions", {"form": "abc", "count": 101}, "accepted: an integer from 1 to 100"),
    ("list_routing_forms", {"count": 0}, "accepted: an integer from 1 to 100"),
    ("list_routing_forms", {"sort": "name:asc"}, "'created_at:asc' or 'created_at:desc'"),
    ("list_routing_forms", {"page_token": "a b"}, "must be the next_page_token"),
    ("list_routing_forms", {"organization": "https://api.calendly.com/users/abc"}, "is not a organization URI"),
    ("get_routing_form_submission", {"submission": "x" * 65}, "not valid"),
]  # fmt: skip


def _examples(sandbox: SandboxProcess) -> dict[str, Any]:
    return sandbox.info()["examples"]


async def test_routing_form_tools_listed(mcp: Client) -> None:
    names = {t.name for t in (await mcp.list_tools()).tools}
    assert names >= set(TOOLS)


async def test_forms_of_my_organization_in_order_and_in_pages(mcp: Client) -> None:
    listed = await call(mcp, "list_routing_forms")
    names = [form["name"] for form in listed["collection"]]
    assert names == ["Talk to Sales", "Customer Support"]  # created_at:asc
    assert listed["next_page_token"] is None
    sales = listed["collection"][0]
    assert sales["status"] == "published"
    assert sales["questions"][:3] == ["Full name", "Work email", "Company size"]
    newest = await call(mcp, "list_routing_forms", sort="created_at:desc")
    assert [form["name"] for form in newest["collection"]] == names[::-1]
    first = await call(mcp, "list_routing_forms", count=1)
    assert len(first["collection"]) == 1
    second = await call(mcp, "list_routing_forms", count=1, page_token=first["next_page_token"])
    assert [f["uri"] for f in first["collection"] + second["collection"]] == [
        f["uri"] for f in listed["collection"]
    ]
    assert second["next_page_token"] is None


async def test_a_form_whole_with_its_questions(mcp: Client, sandbox: SandboxProcess) -> None:
    example = _examples(sandbox)["routing_form"]
    form = await call(mcp, "get_routing_form", form=uid(example))  # a bare id works as well as the URI
    assert form["uri"] == example
    assert form["organization"] == sandbox.info()["organization"]["uri"]
    kinds = {q["type"]: q for q in form["questions"]}
    assert set(kinds) == {"name", "email", "select", "phone", "textarea", "radios"}
    assert kinds["select"]["answer_choices"] == ["1-10", "11-50", "51-200", "201+"]
    assert kinds["radios"]["required"] is True
    assert kinds["phone"]["required"] is False
    assert kinds["name"]["answer_choices"] is None


async def test_submissions_with_answers_routing_and_submitters(mcp: Client, sandbox: SandboxProcess) -> None:
    form = await call(mcp, "get_routing_form", form=_examples(sandbox)["routing_form"])
    listed = await call(mcp, "list_routing_form_submissions", form=form["uri"])
    rows = listed["collection"]
    assert len(rows) >= 5
    created = [row["created_at"] for row in rows]
    assert created == sorted(created)
    assert {row["result"]["type"] for row in rows} == {"event_type", "custom_message", "external_url"}
    for row in rows:
        assert [qa["q"] for qa in row["answers"]] == [q["name"] for q in form["questions"]]
    message = next(row for row in rows if row["result"]["type"] == "custom_message")
    assert message["result"]["value"]["headline"]
    assert message["submitter"] is None
    booked = next(row for row in rows if row["submitter"])
    whole = await call(mcp, "get_routing_form_submission", submission=booked["uri"])
    assert whole["routing_form"] == form["uri"]
    assert whole["submitter_type"] == "Invitee"
    assert whole["result"]["value"].startswith("https://api.calendly.com/event_types/")
    assert set(whole["tracking"]) >= {"utm_source", "utm_campaign", "salesforce_uuid"}
    assert all(qa["question_uuid"] for qa in whole["questions_and_answers"])
    # The submitter is the invitee of the meeting the form led to: the same person as the answers.
    invitee = await call(mcp, "get_event_invitee", invitee=whole["submitter"])
    email = next(qa["answer"] for qa in whole["questions_and_answers"] if qa["question"] == "Work email")
    assert invitee["email"] == email
    event = await call(mcp, "get_scheduled_event", event=invitee["event"])
    assert event["event_type"] == whole["result"]["value"]
    newest = await call(
        mcp, "list_routing_form_submissions", form=form["uri"], sort="created_at:desc", count=2
    )
    assert [row["uri"] for row in newest["collection"]] == [row["uri"] for row in rows[::-1][:2]]
    assert newest["next_page_token"]


async def test_an_answer_to_a_question_since_removed(mcp: Client) -> None:
    support = (await call(mcp, "list_routing_forms", sort="created_at:desc"))["collection"][0]
    rows = (await call(mcp, "list_routing_form_submissions", form=support["uri"]))["collection"]
    oldest = await call(mcp, "get_routing_form_submission", submission=rows[0]["uri"])
    removed = [qa for qa in oldest["questions_and_answers"] if qa["question_uuid"] is None]
    assert removed == [
        {"question_uuid": None, "question": "How did you hear about us?", "answer": "A friend"}
    ]
    assert any(qa["answer"] is None for qa in oldest["questions_and_answers"])


async def test_unknown_form_and_submission_are_404(mcp: Client) -> None:
    assert "404" in await fail(mcp, "get_routing_form", form=UNKNOWN)
    assert "404" in await fail(mcp, "list_routing_form_submissions", form=UNKNOWN)
    assert "404" in await fail(mcp, "get_routing_form_submission", submission=UNKNOWN)


async def test_another_organization_is_refused_by_calendly(mcp: Client) -> None:
    text = await fail(mcp, "list_routing_forms", organization="AAAAAAAAAAAAAAAA")
    assert "403" in text
    assert "Permission Denied" in text


async def test_below_the_teams_plan_calendly_says_upgrade(mcp: Client, sandbox: SandboxProcess) -> None:
    examples = _examples(sandbox)
    sandbox.set_plan("professional")
    calls: list[tuple[str, dict[str, Any]]] = [
        ("list_routing_forms", {}),
        ("get_routing_form", {"form": examples["routing_form"]}),
        ("list_routing_form_submissions", {"form": examples["routing_form"]}),
        ("get_routing_form_submission", {"submission": examples["routing_form_submission"]}),
    ]
    for tool, args in calls:
        text = await fail(mcp, tool, **args)
        assert "403" in text, tool
        assert "Teams plan" in text, tool
        assert "upgrade the account" in text, tool
    sandbox.set_plan("teams")
    assert (await call(mcp, "list_routing_forms"))["collection"]


@pytest.mark.parametrize(
    ("tool", "args", "expected"), REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)]
)
async def test_refused_before_any_request(
    mcp: Client, sandbox: SandboxProcess, tool: str, args: dict[str, Any], expected: str
) -> None:
    assert expected in await refused(mcp, sandbox, tool, **args)
