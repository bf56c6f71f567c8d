"""Routing forms: the questions that send people to the right booking page, and what they answered."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.schemas.inputs import Count, MyOrganization, PageToken
from calendly_mcp.schemas.outputs import Page
from calendly_mcp.schemas.resources import Resource
from calendly_mcp.schemas.routing_forms import (
    RoutingForm,
    RoutingFormRow,
    RoutingFormSubmission,
    SubmissionRow,
)
from calendly_mcp.tools._base import READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._scope import organization_uri

TOOLS = Toolset("routing_forms", default=False)

FormId = Annotated[str, Field(max_length=256)]
SubmissionId = Annotated[str, Field(max_length=256)]
CreatedSort = Literal["created_at:asc", "created_at:desc"]


@TOOLS.tool("List routing forms", READ)
async def list_routing_forms(
    ctx: Ctx,
    organization: MyOrganization = None,
    sort: CreatedSort = "created_at:asc",
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[RoutingFormRow]:
    """Routing forms of an organization."""
    api = client(ctx)
    params: dict[str, str | int | bool | None] = {
        "organization": await organization_uri(api, organization),
        "sort": sort,
        "count": count,
        "page_token": page_token,
    }
    found = page(RoutingForm, await api.get("/routing_forms", params))
    rows = [RoutingFormRow.of(form) for form in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get routing form", READ)
async def get_routing_form(ctx: Ctx, form: FormId) -> RoutingForm:
    """One routing form with its questions."""
    answer = await client(ctx).get(ids.path("routing_forms", form))
    return parse(Resource[RoutingForm], answer).resource


@TOOLS.tool("List routing form submissions", READ)
async def list_routing_form_submissions(
    ctx: Ctx,
    form: FormId,
    sort: CreatedSort = "created_at:asc",
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[SubmissionRow]:
    """A routing form's submissions and their routing."""
    params: dict[str, str | int | bool | None] = {
        "form": ids.uri("routing_forms", form),
        "sort": sort,
        "count": count,
        "page_token": page_token,
    }
    found = page(RoutingFormSubmission, await client(ctx).get("/routing_form_submissions", params))
    rows = [SubmissionRow.of(submission) for submission in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get routing form submission", READ)
async def get_routing_form_submission(ctx: Ctx, submission: SubmissionId) -> RoutingFormSubmission:
    """One routing form submission, whole."""
    answer = await client(ctx).get(ids.path("routing_form_submissions", submission))
    return parse(Resource[RoutingFormSubmission], answer).resource
