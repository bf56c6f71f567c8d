"""Routing forms and their submissions: the sandbox's records, how they render, and their seed.

Imports nothing of records.py at run time (its State holds these records, so it imports this module).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from .naming import iso, stable_id, uri

if TYPE_CHECKING:
    from .records import EventType, ScheduledEvent, User

_NAMESPACE = uuid.UUID("0b6f4a1e-5d2c-4c8e-9a7f-3e1d2c4b5a69")

QuestionType = Literal["name", "text", "email", "phone", "textarea", "select", "radios"]


def _stable(name: str) -> str:
    return stable_id(_NAMESPACE, name)


@dataclass
class Question:
    uuid: str
    name: str
    type: QuestionType
    required: bool
    answer_choices: list[str] | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "answer_choices": None if self.answer_choices is None else list(self.answer_choices),
        }


@dataclass
class RoutingForm:
    uuid: str
    organization: str
    name: str
    status: Literal["draft", "published"]
    questions: list[Question]
    created_at: datetime
    updated_at: datetime

    @property
    def uri(self) -> str:
        return uri("routing_forms", self.uuid)

    def to_api(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "organization": uri("organizations", self.organization),
            "name": self.name,
            "status": self.status,
            "questions": [question.to_api() for question in self.questions],
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class Submission:
    uuid: str
    form: str
    # (question uuid, question text, answer); the uuid is null for questions since removed from the form.
    answers: list[tuple[str | None, str, str | None]]
    # {"type": "event_type" | "external_url" | "custom_message", "value": ...}
    result: dict[str, Any]
    created_at: datetime
    tracking: dict[str, str | None] = field(default_factory=dict[str, str | None])
    submitter: tuple[str, str] | None = None  # (scheduled event uuid, invitee uuid) of the booking it led to

    @property
    def uri(self) -> str:
        return uri("routing_form_submissions", self.uuid)

    def to_api(self) -> dict[str, Any]:
        keys = ("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid")
        submitter = None
        if self.submitter is not None:
            event, invitee = self.submitter
            submitter = f"{uri('scheduled_events', event)}/invitees/{invitee}"
        return {
            "uri": self.uri,
            "routing_form": uri("routing_forms", self.form),
            "questions_and_answers": [
                {"question_uuid": ident, "question": question, "answer": answer}
                for ident, question, answer in self.answers
            ],
            "tracking": {key: self.tracking.get(key) for key in keys},
            "result": self.result,
            "submitter": submitter,
            "submitter_type": None if submitter is None else "Invitee",
            "created_at": iso(self.created_at),
            "updated_at": iso(self.created_at),
        }


@dataclass
class RoutingForms:
    """The organization's routing forms and what was submitted through them."""

    forms: dict[str, RoutingForm] = field(default_factory=dict[str, RoutingForm])
    submissions: dict[str, Submission] = field(default_factory=dict[str, Submission])

    def form(self, ident: str) -> RoutingForm | None:
        return self.forms.get(ident)

    def forms_of(self, organization: str, *, descending: bool) -> list[RoutingForm]:
        found = [form for form in self.forms.values() if form.organization == organization]
        found.sort(key=lambda form: (form.created_at, form.uuid), reverse=descending)
        return found

    def submission(self, ident: str) -> Submission | None:
        return self.submissions.get(ident)

    def submissions_of(self, form: str, *, descending: bool) -> list[Submission]:
        found = [sub for sub in self.submissions.values() if sub.form == form]
        found.sort(key=lambda sub: (sub.created_at, sub.uuid), reverse=descending)
        return found

    @classmethod
    def seeded(
        cls,
        organization: str,
        users: Mapping[str, User],
        event_types: Mapping[str, EventType],
        events: Sequence[ScheduledEvent],
        now: datetime,
    ) -> RoutingForms:
        """Two forms (sales and support) with submissions: routed to event types (some booked, the
        booking's invitee being the submitter), to a custom message, or to an external page."""
        owner = next(iter(users.values()))
        admin = next((u for u in users.values() if u.role == "admin"), owner)
        sales = _sales_form(organization, now)
        support = _support_form(organization, now)
        data = cls(forms={sales.uuid: sales, support.uuid: support})

        def of(user: User, name: str) -> EventType | None:
            return next(
                (et for et in event_types.values() if et.owner == user.uuid and et.name == name), None
            )

        def booked(event_type: EventType | None, count: int) -> list[ScheduledEvent]:
            if event_type is None:
                return []
            past = [
                e
                for e in events
                if e.event_type == event_type.uuid
                and e.status == "active"
                and e.end_time < now
                and e.invitees
            ]
            return past[-count:]

        strategy, intro = of(owner, "Strategy Session"), of(owner, "Intro Call")
        sizes = {"Strategy Session": "201+", "Intro Call": "51-200"}
        products = ("Scheduling", "Routing", "Analytics")
        number = 0
        for event_type in (strategy, intro):
            for event in booked(event_type, 2):
                assert event_type is not None
                invitee = event.invitees[0]
                number += 1
                answers = [
                    invitee.name,
                    invitee.email,
                    sizes[event_type.name],
                    None,
                    "We are rolling scheduling out to our sales team and need round-robin.",
                    products[number % 3],
                ]
                data.add(
                    Submission(
                        uuid=_stable(f"submission:sales:{number}"),
                        form=sales.uuid,
                        answers=_answers(sales, answers),
                        result={"type": "event_type", "value": uri("event_types", event_type.uuid)},
                        created_at=invitee.created_at - timedelta(minutes=4),
                        tracking={
                            "utm_source": "newsletter",
                            "utm_medium": "email",
                            "utm_campaign": "q4-launch",
                        }
                        if number % 2
                        else {},
                        submitter=(event.uuid, invitee.uuid),
                    )
                )
        data.add(
            Submission(
                uuid=_stable("submission:sales:small"),
                form=sales.uuid,
                answers=_answers(
                    sales,
                    ["Ava Nguyen", "ava.nguyen@example.com", "1-10", "+1 415 555 0134", None, "Scheduling"],
                ),
                result={
                    "type": "custom_message",
                    "value": {
                        "headline": "Thanks, Ava!",
                        "body": "Our self-serve plans fit teams of your size: see calendly.com/pricing.",
                    },
                },
                created_at=now - timedelta(days=6, hours=3),
                tracking={"utm_source": "google", "utm_medium": "cpc", "utm_term": "scheduling software"},
            )
        )
        data.add(
            Submission(
                uuid=_stable("submission:sales:partner"),
                form=sales.uuid,
                answers=_answers(
                    sales,
                    [
                        "Ben Carter",
                        "ben.carter@example.org",
                        "11-50",
                        None,
                        "Reselling Calendly to our clients.",
                        "Analytics",
                    ],
                ),
                result={"type": "external_url", "value": "https://northwind.example.com/partners"},
                created_at=now - timedelta(days=3, hours=7),
            )
        )
        for event in booked(of(admin, "15 Minute Meeting"), 1):
            invitee = event.invitees[0]
            data.add(
                Submission(
                    uuid=_stable("submission:support:booked"),
                    form=support.uuid,
                    answers=_answers(
                        support,
                        [
                            invitee.name,
                            invitee.email,
                            "Integrations",
                            "Our Salesforce sync stopped creating leads.",
                        ],
                    ),
                    result={"type": "event_type", "value": uri("event_types", event.event_type)},
                    created_at=invitee.created_at - timedelta(minutes=2),
                    tracking={"salesforce_uuid": "00Q5e00000A1b2C"},
                    submitter=(event.uuid, invitee.uuid),
                )
            )
        data.add(
            Submission(
                uuid=_stable("submission:support:billing"),
                form=support.uuid,
                answers=_answers(
                    support,
                    [
                        "Carlos Mendes",
                        "carlos.mendes@example.com",
                        "Billing",
                        "I was charged twice in November.",
                    ],
                ),
                result={
                    "type": "custom_message",
                    "value": {"headline": "We are on it", "body": "Billing answers within one business day."},
                },
                created_at=now - timedelta(days=1, hours=5),
            )
        )
        # A submission from before the form's last edit: it answered a question the form no longer has.
        removed = [(None, "How did you hear about us?", "A friend")]
        data.add(
            Submission(
                uuid=_stable("submission:support:old"),
                form=support.uuid,
                answers=_answers(support, ["Dana Lee", "dana.lee@example.com", "Something else", None])
                + removed,
                result={
                    "type": "custom_message",
                    "value": {"headline": "Thanks", "body": "We will write back."},
                },
                created_at=now - timedelta(days=20),
            )
        )
        return data

    def add(self, submission: Submission) -> None:
        self.submissions[submission.uuid] = submission


def _answers(form: RoutingForm, answers: list[str | None]) -> list[tuple[str | None, str, str | None]]:
    return [(q.uuid, q.name, answer) for q, answer in zip(form.questions, answers, strict=True)]


def _sales_form(organization: str, now: datetime) -> RoutingForm:
    def question(
        key: str, name: str, kind: QuestionType, required: bool, choices: list[str] | None = None
    ) -> Question:
        return Question(_stable(f"question:sales:{key}"), name, kind, required, choices)

    return RoutingForm(
        uuid=_stable("routing_form:sales"),
        organization=organization,
        name="Talk to Sales",
        status="published",
        questions=[
            question("name", "Full name", "name", True),
            question("email", "Work email", "email", True),
            question("size", "Company size", "select", True, ["1-10", "11-50", "51-200", "201+"]),
            question("phone", "Phone number", "phone", False),
            question("topic", "What would you like to discuss?", "textarea", False),
            question(
                "product",
                "Which product interests you most?",
                "radios",
                True,
                ["Scheduling", "Routing", "Analytics"],
            ),
        ],
        created_at=now - timedelta(days=200),
        updated_at=now - timedelta(days=45),
    )


def _support_form(organization: str, now: datetime) -> RoutingForm:
    def question(
        key: str, name: str, kind: QuestionType, required: bool, choices: list[str] | None = None
    ) -> Question:
        return Question(_stable(f"question:support:{key}"), name, kind, required, choices)

    return RoutingForm(
        uuid=_stable("routing_form:support"),
        organization=organization,
        name="Customer Support",
        status="published",
        questions=[
            question("name", "Your name", "name", True),
            question("email", "Email", "email", True),
            question("topic", "Topic", "radios", True, ["Billing", "Integrations", "Something else"]),
            question("issue", "Describe the issue", "text", False),
        ],
        created_at=now - timedelta(days=120),
        updated_at=now - timedelta(days=10),
    )
