"""Routing forms and their submissions, as Calendly answers them, and the list rows the tools return."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.resources import CalendlyModel, Tracking


class RoutingFormQuestion(CalendlyModel):
    """A question a routing form asks."""

    uuid: str = Field(description="Question id.")
    name: str = Field(description="Question text.")
    type: str = Field(description="name, text, email, phone, textarea, select or radios.")
    required: bool = Field(description="Whether an answer is required.")
    answer_choices: list[str] | None = Field(None, description="Choices, for select and radios.")


class RoutingForm(CalendlyModel):
    """A routing form: questions whose answers send people to an event type, a page or a message."""

    uri: str = Field(description="Routing form URI.")
    organization: str = Field(description="Organization URI.")
    name: str = Field(description="Name.")
    status: Literal["draft", "published"] = Field(description="draft or published.")
    questions: list[RoutingFormQuestion] = Field(description="Questions, in order.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When it was last changed.")


class SubmissionAnswer(CalendlyModel):
    """One answer of a submission."""

    question_uuid: str | None = Field(None, description="Question id; null if since removed from the form.")
    question: str = Field(description="Question text.")
    answer: str | None = Field(None, description="Answer; null if left empty.")


class CustomMessage(CalendlyModel):
    """The message shown instead of a booking page."""

    headline: str = Field(description="Headline.")
    body: str = Field(description="Body.")


class SubmissionResult(CalendlyModel):
    """Where the answers sent the person."""

    type: str = Field(description="event_type, external_url or custom_message.")
    value: str | CustomMessage = Field(description="Event type URI, URL, or the message.")


class RoutingFormSubmission(CalendlyModel):
    """What someone answered on a routing form, and where it routed them."""

    uri: str = Field(description="Submission URI.")
    routing_form: str = Field(description="Routing form URI.")
    questions_and_answers: list[SubmissionAnswer] = Field(description="Answers.")
    tracking: Tracking | None = Field(None, description="UTM and Salesforce tracking.")
    result: SubmissionResult | None = Field(None, description="Where it routed them.")
    submitter: str | None = Field(None, description="Invitee URI, once they booked.")
    submitter_type: str | None = Field(None, description="Invitee, or null.")
    created_at: AwareDatetime = Field(description="When it was submitted.")
    updated_at: AwareDatetime = Field(description="When it was last changed.")


class RoutingFormRow(BaseModel):
    """A routing form in a list; get_routing_form gives its questions whole."""

    uri: str
    name: str
    status: str
    questions: list[str] = Field(description="Question texts")
    updated_at: AwareDatetime

    @classmethod
    def of(cls, form: RoutingForm) -> RoutingFormRow:
        return cls(
            uri=form.uri,
            name=form.name,
            status=form.status,
            questions=[q.name for q in form.questions],
            updated_at=form.updated_at,
        )


class QA(BaseModel):
    """A question and its answer."""

    q: str = Field(description="Question")
    a: str | None = Field(description="Answer")


class SubmissionRow(BaseModel):
    """A submission in a list; get_routing_form_submission gives it whole (ids, tracking)."""

    uri: str
    created_at: AwareDatetime
    answers: list[QA]
    result: SubmissionResult | None = None
    submitter: str | None = Field(None, description="Invitee URI, once booked")

    @classmethod
    def of(cls, submission: RoutingFormSubmission) -> SubmissionRow:
        return cls(
            uri=submission.uri,
            created_at=submission.created_at,
            answers=[QA(q=qa.question, a=qa.answer) for qa in submission.questions_and_answers],
            result=submission.result,
            submitter=submission.submitter,
        )
