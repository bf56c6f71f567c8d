"""Sample webhook data (GET /sample_webhook_data): what a delivery of each event would carry, built from
the seeded records where the sandbox keeps the resource, and made up in its shape where it does not."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from .records import EventType, Invitee, JSONDict, ScheduledEvent, User, iso, uri
from .subscriptions import PAYLOAD_NAMESPACE, invitee_payload, user_uuid


def _sample_id(name: str) -> str:
    return str(uuid.uuid5(PAYLOAD_NAMESPACE, name))


def _invitee_sample(
    name: str, meetings: Sequence[ScheduledEvent], now: datetime
) -> tuple[Invitee, ScheduledEvent] | None:
    """The seeded invitee whose delivery `name` would be: booked, canceled, marked or not marked."""

    def wanted(invitee: Invitee, event: ScheduledEvent) -> bool:
        if name == "invitee.canceled":
            return invitee.status == "canceled"
        if name == "invitee_no_show.created":
            return invitee.no_show is not None
        if name == "invitee_no_show.deleted":
            return invitee.status == "active" and invitee.no_show is None and event.start_time < now
        return invitee.status == "active"

    ordered = sorted(meetings, key=lambda e: e.start_time, reverse=True)
    return next(((i, e) for e in ordered for i in e.invitees if wanted(i, e)), None)


def sample_payload(
    name: str,
    *,
    meetings: Sequence[ScheduledEvent],
    event_types: Sequence[EventType],
    users: Mapping[str, User],
    user: User,
    now: datetime,
) -> JSONDict:
    """The `payload` of a sample delivery of `name`, from `user`'s records (their meetings, event types,
    else the organization's: the caller passes those when the user has none)."""
    if name.startswith("invitee"):
        found = _invitee_sample(name, meetings, now) or _invitee_sample("invitee.created", meetings, now)
        assert found is not None, "the seed gives every scope meetings with invitees"
        invitee, meeting_of = found
        return invitee_payload(invitee, meeting_of, users)
    if name.startswith("event_type"):
        event_type = event_types[0]
        body = event_type.to_api(users[event_type.owner])
        if name == "event_type.deleted":
            body |= {"active": False, "deleted_at": iso(now)}
        return body
    meeting = next((e for e in sorted(meetings, key=lambda e: e.start_time) if e.start_time < now), None)
    meeting_uri = uri("scheduled_events", meeting.uuid if meeting else _sample_id("event"))
    recap = uri("meeting_recaps", _sample_id("recap"))
    contact = uri("contacts", _sample_id("contact"))
    if name == "routing_form_submission.created":
        return {
            "uri": uri("routing_form_submissions", _sample_id("submission")),
            "routing_form": uri("routing_forms", _sample_id("routing_form")),
            "questions_and_answers": [
                {
                    "question_uuid": _sample_id("question"),
                    "question": "What is your company size?",
                    "answer": "11-50",
                }
            ],
            "tracking": dict.fromkeys(
                ("utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid")
            ),
            "result": {"type": "event_type", "value": event_types[0].uri},
            "submitter": None,
            "submitter_type": None,
            "created_at": iso(now - timedelta(hours=1)),
            "updated_at": iso(now - timedelta(hours=1)),
        }
    if name.startswith("meeting_recap"):
        if name == "meeting_recap.deleted":
            return {"recap": {"uri": recap, "deleted_at": iso(now)}}
        snapshot: JSONDict = {
            "uri": meeting_uri,
            "name": meeting.name if meeting else "Intro Call",
            "start_time": iso(meeting.start_time if meeting else now - timedelta(hours=2)),
            "end_time": iso(meeting.end_time if meeting else now - timedelta(hours=1)),
            "attendees": [{"host": True, "user_email": user.email, "user_name": user.name}],
        }
        body: JSONDict = {
            "event": snapshot,
            "recap": {
                "uri": recap,
                "summary_md": "- Agreed on the scope of the relaunch.",
                "action_items_md": "- Send the proposal by Friday.",
                "discussion_md": "- Budget and timeline.",
                "transcript": uri("meeting_transcripts", _sample_id("transcript")),
                "created_at": iso(now - timedelta(minutes=30)),
                "updated_at": iso(now - timedelta(minutes=5)),
            },
        }
        if name == "meeting_recap.created":
            body["created_at"] = iso(now - timedelta(minutes=30))
        return body
    owner = user_uuid(user)
    if name == "contact.deleted":
        return {"user_uuid": owner, "contact": {"uri": contact, "deleted_at": iso(now)}}
    touched = name == "contact.updated"
    return {
        "user_uuid": owner,
        "contact": {
            "uri": contact,
            "creation_source": "manual",
            "name": "Priya Shah",
            "emails": [{"email": "priya.shah@example.com", "is_primary": True}],
            "phone_numbers": [],
            "timezone": "America/Chicago",
            "job_title": None,
            "company": "Example Corp",
            "country": None,
            "state": None,
            "city": None,
            "linkedin": None,
            "custom_fields": [],
            "created_at": iso(now - timedelta(days=3)),
            "updated_at": iso(now - (timedelta(minutes=1) if touched else timedelta(days=3))),
            "next_meeting_date": None,
            "last_meeting_date": iso(meeting.start_time) if touched and meeting else None,
            "last_interaction_date": iso(meeting.start_time) if touched and meeting else None,
        },
    }
