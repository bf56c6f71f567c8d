"""Recorded Calendly responses parse with the resource models, round-trip and match their own JSON schemas."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaValidationError
from pydantic import ValidationError

from calendly_mcp.schemas.audit import ActivityLog, ActivityLogEntry, OutgoingCommunications
from calendly_mcp.schemas.event_type_admin import EventTypeHost, EventTypeSchedule
from calendly_mcp.schemas.groups import Group, GroupRelationship
from calendly_mcp.schemas.links import SchedulingLink, Share
from calendly_mcp.schemas.organization_admin import Organization, OrganizationInvitation
from calendly_mcp.schemas.resources import (
    AvailabilityInterval,
    AvailabilityRule,
    AvailabilitySchedule,
    AvailableTime,
    BusyTime,
    CalendlyModel,
    Cancellation,
    Collection,
    Connection,
    EventGuest,
    EventType,
    EventTypeProfile,
    Invitee,
    MeetingLocation,
    NoShow,
    OrganizationMembership,
    Resource,
    ScheduledEvent,
    User,
    WebhookDelivery,
    WebhookSubscription,
)
from calendly_mcp.schemas.routing_forms import RoutingForm, RoutingFormSubmission

FIXTURES = Path(__file__).parent / "data" / "fixtures"

# Every recorded response of a resource we model, with the envelope + model it must parse with.
# calendlyr/objects/* are bare objects (no envelope); maton-webhooks/* are whole webhook deliveries.
PARSED: dict[str, type[CalendlyModel]] = {
    # users
    "calendlyr/users/retrieve.json": Resource[User],
    "calendlyr/locations/list.json": Collection[MeetingLocation],
    "calendlyr/locations/list_page2.json": Collection[MeetingLocation],
    "calendlyr/objects/location.json": MeetingLocation,
    "calendlyr/users/reload.json": Resource[User],
    "calendlyr/objects/user.json": User,
    "ruby-client/user_001.json": Resource[User],
    # event types
    "calendlyr/event_types/list.json": Collection[EventType],
    "calendlyr/event_types/list_page2.json": Collection[EventType],
    "calendlyr/event_types/retrieve.json": Resource[EventType],
    "calendlyr/event_types/create.json": Resource[EventType],
    "calendlyr/event_types/create_one_off.json": Resource[EventType],
    "calendlyr/event_types/update.json": Resource[EventType],
    "calendlyr/objects/event_type.json": EventType,
    "calendlyr/objects/event_types/profile.json": EventTypeProfile,
    # event type administration (schemas/event_type_admin.py)
    "calendlyr/event_type_hosts/list.json": Collection[EventTypeHost],
    "calendlyr/event_type_memberships/list.json": Collection[EventTypeHost],
    "calendlyr/event_type_memberships/list_page2.json": Collection[EventTypeHost],
    "calendlyr/objects/event_type_host.json": EventTypeHost,
    "calendlyr/event_type_availability_schedules/list.json": Collection[EventTypeSchedule],
    "calendlyr/objects/event_types/availability_schedule.json": EventTypeSchedule,
    "ruby-client/event_type_001_user.json": Resource[EventType],
    "ruby-client/event_type_011_many_questions.json": Resource[EventType],
    "ruby-client/event_type_101_team.json": Resource[EventType],
    "ruby-client/event_type_201_no_profile.json": Resource[EventType],
    "ruby-client/event_types_001.json": Collection[EventType],
    "ruby-client/event_types_002_page1.json": Collection[EventType],
    "ruby-client/event_types_002_page1_user.json": Collection[EventType],
    "ruby-client/event_types_002_page2.json": Collection[EventType],
    "ruby-client/event_types_003.json": Collection[EventType],
    # scheduled events
    "calendlyr/events/list.json": Collection[ScheduledEvent],
    "calendlyr/events/list_page2.json": Collection[ScheduledEvent],
    "calendlyr/events/retrieve.json": Resource[ScheduledEvent],
    "calendlyr/objects/event.json": ScheduledEvent,
    "calendlyr/objects/events/guest.json": EventGuest,
    "ruby-client/scheduled_event_001.json": Resource[ScheduledEvent],
    "ruby-client/scheduled_events_001.json": Collection[ScheduledEvent],
    "ruby-client/scheduled_events_002_page1.json": Collection[ScheduledEvent],
    "ruby-client/scheduled_events_002_page1_user.json": Collection[ScheduledEvent],
    "ruby-client/scheduled_events_002_page2.json": Collection[ScheduledEvent],
    # cancellations
    "calendlyr/events/cancel_invitee.json": Resource[Cancellation],
    "calendlyr/objects/events/cancellation.json": Cancellation,
    "ruby-client/cancel_event_001.json": Resource[Cancellation],
    "ruby-client/cancel_event_002.json": Resource[Cancellation],
    # invitees and no-shows
    "calendlyr/event_invitees/list.json": Collection[Invitee],
    "calendlyr/event_invitees/list_page2.json": Collection[Invitee],
    "calendlyr/event_invitees/retrieve.json": Resource[Invitee],
    "calendlyr/objects/events/invitee.json": Invitee,
    "calendlyr/objects/webhooks/invite_payload.json": Invitee,
    "ruby-client/scheduled_event_invitee_301.json": Resource[Invitee],
    "ruby-client/scheduled_event_invitees_101.json": Collection[Invitee],
    "ruby-client/scheduled_event_invitees_201_page1.json": Collection[Invitee],
    "ruby-client/scheduled_event_invitees_201_page2.json": Collection[Invitee],
    "calendlyr/events/create_invitee_no_show.json": Resource[NoShow],
    "calendlyr/events/retrieve_invitee_no_show.json": Resource[NoShow],
    "calendlyr/objects/events/invitee_no_show.json": NoShow,
    "ruby-client/no_show_001.json": Resource[NoShow],
    # availability
    "calendlyr/event_type_available_times/list.json": Collection[AvailableTime],
    "ruby-client/event_type_available_times_001.json": Collection[AvailableTime],
    "calendlyr/availabilities/user_busy_times_list.json": Collection[BusyTime],
    "calendlyr/user_busy_times/list.json": Collection[BusyTime],
    "calendlyr/user_busy_times/list_page1.json": Collection[BusyTime],
    "calendlyr/user_busy_times/list_page2.json": Collection[BusyTime],
    "calendlyr/objects/availabilities/user_busy_time.json": BusyTime,
    "calendlyr/availabilities/user_schedules_list.json": Collection[AvailabilitySchedule],
    "calendlyr/availabilities/user_schedules_retrieve.json": Resource[AvailabilitySchedule],
    "calendlyr/user_availability_schedules/list.json": Collection[AvailabilitySchedule],
    "calendlyr/user_availability_schedules/list_page1.json": Collection[AvailabilitySchedule],
    "calendlyr/user_availability_schedules/list_page2.json": Collection[AvailabilitySchedule],
    "calendlyr/user_availability_schedules/retrieve.json": Resource[AvailabilitySchedule],
    "calendlyr/objects/availabilities/user_schedule.json": AvailabilitySchedule,
    "calendlyr/objects/availabilities/rule.json": AvailabilityRule,
    "calendlyr/objects/availability_rule.json": AvailabilityRule,
    # organization memberships
    "calendlyr/organization_memberships/list.json": Collection[OrganizationMembership],
    "calendlyr/organization_memberships/retrieve.json": Resource[OrganizationMembership],
    "calendlyr/organizations/list_memberships.json": Collection[OrganizationMembership],
    "calendlyr/organizations/list_memberships_page2.json": Collection[OrganizationMembership],
    "calendlyr/organizations/retrieve_membership.json": Resource[OrganizationMembership],
    "calendlyr/objects/organizations/membership.json": OrganizationMembership,
    "ruby-client/organization_membership_001.json": Resource[OrganizationMembership],
    "ruby-client/organization_memberships_001.json": Collection[OrganizationMembership],
    "ruby-client/organization_memberships_002_page1.json": Collection[OrganizationMembership],
    "ruby-client/organization_memberships_002_page2.json": Collection[OrganizationMembership],
    # the organization and its invitations
    "calendlyr/organizations/retrieve.json": Resource[Organization],
    "calendlyr/objects/organization.json": Organization,
    "calendlyr/organizations/invite.json": Resource[OrganizationInvitation],
    "calendlyr/organizations/list_invitations.json": Collection[OrganizationInvitation],
    "calendlyr/organizations/list_invitations_page2.json": Collection[OrganizationInvitation],
    "calendlyr/organizations/retrieve_invitation.json": Resource[OrganizationInvitation],
    "calendlyr/objects/organizations/invitation.json": OrganizationInvitation,
    "ruby-client/organization_invitation_001.json": Resource[OrganizationInvitation],
    "ruby-client/organization_invitation_003_create.json": Resource[OrganizationInvitation],
    "ruby-client/organization_invitations_001.json": Collection[OrganizationInvitation],
    "ruby-client/organization_invitations_002_page1.json": Collection[OrganizationInvitation],
    "ruby-client/organization_invitations_002_page2.json": Collection[OrganizationInvitation],
    # webhook subscriptions
    "calendlyr/webhooks/create.json": Resource[WebhookSubscription],
    "calendlyr/webhooks/list.json": Collection[WebhookSubscription],
    "calendlyr/webhooks/list_page2.json": Collection[WebhookSubscription],
    "calendlyr/webhooks/retrieve.json": Resource[WebhookSubscription],
    "calendlyr/objects/webhooks/subscription.json": WebhookSubscription,
    "ruby-client/webhook_organization_001.json": Resource[WebhookSubscription],
    "ruby-client/webhook_user_001.json": Resource[WebhookSubscription],
    "ruby-client/webhooks_organization_001.json": Collection[WebhookSubscription],
    "ruby-client/webhooks_organization_002_page1.json": Collection[WebhookSubscription],
    "ruby-client/webhooks_organization_002_page2.json": Collection[WebhookSubscription],
    "ruby-client/webhooks_user_001.json": Collection[WebhookSubscription],
    "ruby-client/webhooks_user_002_page1.json": Collection[WebhookSubscription],
    "ruby-client/webhooks_user_002_page2.json": Collection[WebhookSubscription],
    # single-use links and shares
    "calendlyr/scheduling_links/create.json": Resource[SchedulingLink],
    "ruby-client/schedule_link_001.json": Resource[SchedulingLink],
    "calendlyr/shares/create.json": Resource[Share],
    "calendlyr/objects/share.json": Share,
    # webhook deliveries
    "calendlyr/objects/webhooks/payload.json": WebhookDelivery,
    "maton-webhooks/webhook_invitee_created.json": WebhookDelivery,
    "maton-webhooks/webhook_invitee_canceled.json": WebhookDelivery,
    "maton-webhooks/webhook_invitee_no_show_created.json": WebhookDelivery,
    # routing forms
    "calendlyr/routing_forms/list.json": Collection[RoutingForm],
    "calendlyr/routing_forms/list_page2.json": Collection[RoutingForm],
    "calendlyr/routing_forms/retrieve.json": Resource[RoutingForm],
    "calendlyr/objects/routing_form.json": RoutingForm,
    "ruby-client/routing_form_001.json": Resource[RoutingForm],
    "ruby-client/routing_forms_001.json": Collection[RoutingForm],
    "ruby-client/routing_forms_002_page1.json": Collection[RoutingForm],
    "ruby-client/routing_forms_002_page2.json": Collection[RoutingForm],
    "calendlyr/routing_forms/list_routing_form_submission.json": Collection[RoutingFormSubmission],
    "calendlyr/routing_forms/list_routing_form_submission_page2.json": Collection[RoutingFormSubmission],
    "calendlyr/routing_forms/retrieve_routing_form_submission.json": Resource[RoutingFormSubmission],
    "calendlyr/objects/routing_forms/submission.json": RoutingFormSubmission,
    "ruby-client/routing_form_submission_001.json": Resource[RoutingFormSubmission],
    "ruby-client/routing_form_submissions_001.json": Collection[RoutingFormSubmission],
    "ruby-client/routing_form_submissions_002_page1.json": Collection[RoutingFormSubmission],
    "ruby-client/routing_form_submissions_002_page2.json": Collection[RoutingFormSubmission],
    # groups, group relationships
    "calendlyr/groups/list.json": Collection[Group],
    "calendlyr/groups/list_page2.json": Collection[Group],
    "calendlyr/groups/retrieve.json": Resource[Group],
    "calendlyr/objects/group.json": Group,
    "calendlyr/group_relationships/list.json": Collection[GroupRelationship],
    "calendlyr/group_relationships/list_page2.json": Collection[GroupRelationship],
    "calendlyr/group_relationships/retrieve.json": Resource[GroupRelationship],
    "calendlyr/objects/groups/relationship.json": GroupRelationship,
    # activity log, outgoing communications
    "calendlyr/activity_log/list.json": ActivityLog,
    "calendlyr/activity_log/list_page2.json": ActivityLog,
    "calendlyr/objects/activity_log.json": ActivityLogEntry,
    "ruby-client/activity_log_entries_001.json": ActivityLog,
    "calendlyr/outgoing_communications/list.json": OutgoingCommunications,
    "calendlyr/outgoing_communications/list_page2.json": OutgoingCommunications,
}

# Recorded responses we deliberately do not parse, by file or folder, and why. Together with PARSED this
# must cover every fixture (test_every_fixture_is_classified), so none is skipped silently.
NOT_PARSED: dict[str, str] = {
    # The suspect one: its SOURCE.txt says it uses {"resource": "<event URI>", "invitee": {...}}, which
    # contradicts the spec ({"resource": Invitee}) and production clients. See test_suspect_create_invitee.
    "calendlyr/events/create_invitee.json": "suspect envelope, contradicts the spec",
    # Empty bodies of deletes.
    "calendlyr/events/delete_invitee_no_show.json": "empty body ({})",
    "calendlyr/organizations/remove_user.json": "empty body ({})",
    "calendlyr/organizations/revoke_invitation.json": "empty body ({})",
    "calendlyr/webhooks/delete.json": "empty body ({})",
    "calendlyr/data_compliance/": "empty body ({}): a deletion request accepted (202)",
    # A v1-era webhook payload (uuid, assigned_to, start_time_pretty), not the v2 delivery shape.
    "calendlyr/webhooks/sample.json": "legacy v1 webhook payload",
    # Error bodies: the gateway's errors model them, not this module.
    "calendlyr/resources/": "error bodies",
    "ruby-client/error_400_invalid_grant.json": "OAuth token endpoint error",
    "ruby-client/error_404_not_found.json": "error body",
    "ruby-client/refresh_token.json": "OAuth token endpoint answer",
    # Resources outside this module's scope.
    # A bare message, not the spec's {"resource": ...}: update_event_type_availability_schedules reads back.
    "calendlyr/event_type_availability_schedules/update.json": "message-only answer",
}

CASES = sorted(PARSED)


def load(rel: str) -> Any:
    return json.loads((FIXTURES / rel).read_text(encoding="utf-8"))


def parse(rel: str) -> Any:
    return PARSED[rel].model_validate(load(rel))


def dump(model: CalendlyModel) -> Any:
    return model.model_dump(mode="json", by_alias=True)


def same_instant(a: str, b: str) -> bool:
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except ValueError:
        return False


def assert_faithful(raw: Any, kept: Any, where: str = "$") -> None:
    """Every value the model kept equals the recording: URIs and text verbatim, times the same instant."""
    if isinstance(kept, dict):
        assert isinstance(raw, dict), where
        for key, value in kept.items():
            assert key in raw, f"{where}.{key} was not in the recording"
            assert_faithful(raw[key], value, f"{where}.{key}")
    elif isinstance(kept, list):
        assert isinstance(raw, list), where
        assert len(kept) == len(raw), where
        for i, (r, k) in enumerate(zip(raw, kept, strict=True)):
            assert_faithful(r, k, f"{where}[{i}]")
    elif isinstance(kept, str) and not isinstance(raw, str):
        assert kept == str(raw), where  # phone numbers recorded as JSON numbers
    elif isinstance(kept, str) and kept != raw:
        assert same_instant(raw, kept), f"{where}: {raw!r} became {kept!r}"
    else:
        assert kept == raw, where


def walk(value: Any) -> Any:
    """Yield every value nested in a parsed model."""
    if isinstance(value, CalendlyModel):
        for name in type(value).model_fields:
            yield from walk(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:  # pyright: ignore[reportUnknownVariableType]
            yield from walk(item)
    else:
        yield value


# --- every recorded response -------------------------------------------------------------------------


def test_every_fixture_is_classified() -> None:
    found = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.json")}
    assert found, "fixtures missing"
    for rel in sorted(found):
        in_parsed = rel in PARSED
        excluded = [prefix for prefix in NOT_PARSED if rel.startswith(prefix)]
        assert in_parsed != bool(excluded), f"{rel}: parsed={in_parsed}, excluded by {excluded}"
    assert set(PARSED) <= found, set(PARSED) - found
    for prefix in NOT_PARSED:
        assert any(rel.startswith(prefix) for rel in found), f"stale exclusion {prefix}"
    for folder in ("calendlyr", "ruby-client", "maton-webhooks"):
        assert (FIXTURES / folder / "SOURCE.txt").is_file()


@pytest.mark.parametrize("rel", CASES)
def test_recording_parses_faithfully(rel: str) -> None:
    model = parse(rel)
    assert_faithful(load(rel), model.model_dump(mode="json", by_alias=True, exclude_unset=True))
    times = [v for v in walk(model) if isinstance(v, datetime)]
    assert all(t.tzinfo is not None and t.utcoffset() is not None for t in times)


@pytest.mark.parametrize("rel", CASES)
def test_round_trip_is_stable(rel: str) -> None:
    cls = PARSED[rel]
    first = dump(cls.model_validate(load(rel)))
    again = cls.model_validate(first)
    assert dump(again) == first
    assert again == cls.model_validate(load(rel))


@pytest.mark.parametrize("rel", CASES)
def test_dump_matches_own_serialization_schema(rel: str) -> None:
    cls = PARSED[rel]
    schema = cls.model_json_schema(mode="serialization")
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    validator.validate(dump(cls.model_validate(load(rel))))


def test_format_checker_really_checks_date_time() -> None:
    schema = Resource[User].model_json_schema(mode="serialization")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    body = dump(Resource[User].model_validate(load("calendlyr/users/retrieve.json")))
    body["resource"]["created_at"] = "2019-01-02T03:04:05"  # no offset
    with pytest.raises(SchemaValidationError, match="date-time"):
        validator.validate(body)


# --- key values per resource -------------------------------------------------------------------------


def test_user() -> None:
    user = parse("calendlyr/users/retrieve.json").resource
    assert isinstance(user, User)
    assert user.uri == "https://api.calendly.com/users/abc123"
    assert user.current_organization == "https://api.calendly.com/organizations/abc123"
    assert user.created_at == datetime(2019, 1, 2, 3, 4, 5, 678123, tzinfo=UTC)
    assert user.resource_type == "User"
    # The spec now requires locale; the recordings predate it.
    assert user.locale is None
    assert user.time_notation is None
    old = parse("ruby-client/user_001.json").resource
    assert old.uri == "https://api.calendly.com/users/U001"
    assert old.resource_type is None


def test_event_types() -> None:
    et = parse("calendlyr/event_types/retrieve.json").resource
    assert isinstance(et, EventType)
    assert et.duration == 30
    assert et.duration_options is None  # required by today's spec, absent in the recordings
    assert et.profile is not None
    assert et.profile.owner == "https://api.calendly.com/users/AAAAAAAAAAAAAAAA"
    assert et.locations is not None
    assert et.locations[0].phone_number == "380934567654"  # recorded as a JSON number
    assert et.custom_questions is not None
    assert et.custom_questions[2].answer_choices == ["1", "2-10", "11-20", "20+"]
    assert parse("ruby-client/event_type_201_no_profile.json").resource.profile is None
    team = parse("ruby-client/event_type_101_team.json").resource
    assert team.profile is not None
    assert team.profile.type == "Team"
    assert team.pooling_type == "collective"
    # The spec requires no key of a location option; a recorded one-off event type has a bare {}.
    one_off = parse("calendlyr/event_types/create_one_off.json").resource
    assert one_off.locations is not None
    assert one_off.locations[0].kind is None
    bare = parse("calendlyr/objects/event_type.json")
    assert bare.custom_questions[0].answer_choices is None


def test_scheduled_events_and_pagination() -> None:
    page = parse("calendlyr/events/list.json")
    assert page.pagination.next_page == (
        "https://api.calendly.com/scheduled_events?count=1&page_token=sNjq4TvMDfUHEl7zHRR0k0E1PCEJWvdi"
    )
    event = page.collection[0]
    assert isinstance(event, ScheduledEvent)
    assert event.status == "active"
    assert event.start_time.tzinfo is not None
    assert event.location is not None
    assert event.location.location == "Calendly Office"
    assert event.calendar_event is None  # required by today's spec, absent in the recordings
    one = parse("calendlyr/events/retrieve.json").resource
    assert one.event_memberships[0].buffered_start_time == datetime(2019, 8, 24, 14, 10, tzinfo=UTC)
    assert one.cancellation.canceler_type == "host"
    canceled = parse("ruby-client/scheduled_event_001.json").resource
    assert canceled.status == "canceled"
    assert canceled.location is None
    assert canceled.cancellation.created_at is None  # older answers lack it
    assert canceled.invitees_counter.limit == 5


def test_pagination_tokens_survive() -> None:
    page = parse("calendlyr/organization_memberships/list.json")
    assert page.pagination.next_page_token == "sNjq4TvMDfUHEl7zHRR0k0E1PCEJWvdi"
    assert page.pagination.previous_page_token == "VJs2rfDYeY8ahZpq0QI1O114LJkNjd7H"
    assert dump(page)["pagination"]["next_page_token"] == "sNjq4TvMDfUHEl7zHRR0k0E1PCEJWvdi"
    last = parse("calendlyr/webhooks/list_page2.json").pagination
    assert last.next_page is None
    assert last.next_page_token is None
    # Unpaginated lists carry no pagination block.
    assert parse("calendlyr/event_type_available_times/list.json").pagination is None


def test_cancellations() -> None:
    new = parse("calendlyr/events/cancel_invitee.json").resource
    assert isinstance(new, Cancellation)
    assert new.created_at == datetime(2019, 1, 2, 3, 4, 5, 678123, tzinfo=UTC)
    old = parse("ruby-client/cancel_event_001.json").resource
    assert (old.canceled_by, old.canceler_type, old.reason, old.created_at) == ("FooBar", "host", None, None)


def test_invitees() -> None:
    inv = parse("ruby-client/scheduled_event_invitee_301.json").resource
    assert isinstance(inv, Invitee)
    assert inv.status == "canceled"
    assert inv.rescheduled is True
    assert inv.old_invitee == "https://api.calendly.com/scheduled_events/EV301_OLD1/invitees/INV001"
    assert inv.tracking is not None
    assert inv.tracking.salesforce_uuid == "FOOBAR_SALESFORCE_UUID"
    assert inv.questions_and_answers[3].answer == "A1\nOther"
    assert inv.no_show is None  # required by today's spec, absent in the recordings
    retrieved = parse("calendlyr/event_invitees/retrieve.json").resource
    # A URI is kept verbatim, even an odd one.
    assert retrieved.uri == (
        "https://api.calendly.com/api/v2/scheduled_events/ABCDABCDABCDABCD/invitees/ABCDABCDABCDABCD"
    )
    assert retrieved.payment is not None
    assert retrieved.payment.amount == 1234.56
    assert retrieved.no_show is not None
    assert retrieved.no_show.uri == "https://api.calendly.com/invitee_no_shows/AAAAAAAAAAAAAAAA"
    assert retrieved.reconfirmation is not None
    assert retrieved.reconfirmation.confirmed_at is not None


def test_no_shows() -> None:
    ns = parse("calendlyr/events/create_invitee_no_show.json").resource
    assert isinstance(ns, NoShow)
    assert ns.invitee is not None
    assert ns.invitee.endswith("/invitees/7c1dbe46-bd84-42e2-9b97-05e2fb379bfe")


def test_available_and_busy_times() -> None:
    slot = parse("ruby-client/event_type_available_times_001.json").collection[1]
    assert isinstance(slot, AvailableTime)
    assert slot.invitees_remaining == 2
    assert slot.start_time == datetime(2022, 8, 5, 5, 30, tzinfo=UTC)
    assert slot.scheduling_url == "https://calendly.com/foobar/15min/2022-08-05T05:30:00Z"
    busy = parse("calendlyr/user_busy_times/list.json").collection
    assert [b.type for b in busy] == ["calendly", "calendly", "reserved", "reserved", "external"]
    assert busy[0].event is not None
    assert busy[0].event.uri == "https://api.calendly.com/scheduled_events/abc123"
    assert busy[2].event is None
    assert busy[2].buffered_start_time is None
    assert parse("calendlyr/user_busy_times/list_page1.json").pagination.next_page == (
        "https://api.calendly.com/user_busy_times?page_token=PAGE2TOKEN"
    )


def test_availability_schedules_keep_from() -> None:
    schedule = parse("calendlyr/user_availability_schedules/list.json").collection[1]
    assert isinstance(schedule, AvailabilitySchedule)
    assert schedule.default is False
    monday = schedule.rules[0]
    assert (monday.type, monday.wday, monday.date) == ("wday", "monday", None)
    assert (monday.intervals[0].from_, monday.intervals[0].to) == ("08:30", "17:00")
    assert schedule.rules[2].intervals == []  # unavailable that day
    assert (schedule.rules[6].type, schedule.rules[6].date) == ("date", "2028-12-31")
    assert dump(schedule)["rules"][0]["intervals"][0] == {"from": "08:30", "to": "17:00"}
    schema = AvailabilityInterval.model_json_schema(mode="serialization")
    assert set(schema["properties"]) == {"from", "to"}
    assert AvailabilityInterval(from_="09:00", to="10:00").model_dump(by_alias=True)["from"] == "09:00"


def test_organization_memberships() -> None:
    membership = parse("ruby-client/organization_membership_001.json").resource
    assert isinstance(membership, OrganizationMembership)
    assert membership.role == "owner"
    assert membership.user.uri == "https://api.calendly.com/users/U101"
    assert membership.user.locale is None
    assert membership.organization == "https://api.calendly.com/organizations/ORG001"


def test_webhook_subscriptions() -> None:
    page = parse("ruby-client/webhooks_organization_002_page1.json")
    hook = page.collection[0]
    assert isinstance(hook, WebhookSubscription)
    assert (hook.scope, hook.state, hook.events) == ("organization", "active", ["invitee.canceled"])
    assert hook.user is None
    assert hook.retry_started_at is None
    assert hook.group is None  # group scope is newer than the recordings
    # The next-page URL keeps its percent-encoding untouched.
    assert "organization=https%3A%2F%2Fapi.calendly.com%2Forganizations%2FORG001" in page.pagination.next_page


def test_webhook_deliveries_carry_invitee_and_meeting() -> None:
    created = parse("maton-webhooks/webhook_invitee_created.json")
    assert isinstance(created, WebhookDelivery)
    assert created.event == "invitee.created"
    invitee = created.payload
    assert isinstance(invitee, Invitee)
    assert invitee.scheduling_method == "api"
    meeting = invitee.scheduled_event
    assert meeting is not None
    assert meeting.location is not None
    assert (meeting.location.type, meeting.location.status) == ("zoom", "pushed")
    assert meeting.location.join_url == "https://us05web.zoom.us/j/10000000001?pwd=REDACTED"
    assert meeting.location.data is not None
    assert meeting.location.data["id"] == 10000000001
    assert meeting.event_memberships[0].user_name == "Acme"
    canceled = parse("maton-webhooks/webhook_invitee_canceled.json").payload
    assert isinstance(canceled, Invitee)
    assert canceled.cancellation is not None
    assert canceled.cancellation.canceler_type == "invitee"
    assert canceled.scheduled_event is not None
    assert canceled.scheduled_event.status == "canceled"
    no_show = parse("maton-webhooks/webhook_invitee_no_show_created.json").payload
    assert isinstance(no_show, Invitee)
    assert no_show.no_show is not None
    assert no_show.no_show.created_at == datetime(2026, 6, 24, 22, 34, 8, 683444, tzinfo=UTC)


def test_webhook_delivery_of_another_kind_stays_plain_json() -> None:
    body = {
        "event": "routing_form_submission.created",
        "created_at": "2022-05-15T14:59:59.000000Z",
        "created_by": "https://api.calendly.com/users/AAAAAAAAAAAAAAAA",
        "payload": {"uri": "https://api.calendly.com/routing_form_submissions/AAAAAAAAAAAAAAAA"},
    }
    delivery = WebhookDelivery.model_validate(body)
    assert delivery.payload == body["payload"]
    assert dump(delivery)["payload"] == body["payload"]


# --- robustness --------------------------------------------------------------------------------------


def test_unknown_fields_are_ignored() -> None:
    body = load("maton-webhooks/webhook_invitee_created.json")
    noisy = copy.deepcopy(body)
    noisy["brand_new"] = 1
    noisy["payload"]["brand_new"] = {"a": 1}
    noisy["payload"]["scheduled_event"]["brand_new"] = [1, 2]
    noisy["payload"]["scheduled_event"]["location"]["brand_new"] = True
    assert WebhookDelivery.model_validate(noisy) == WebhookDelivery.model_validate(body)
    assert "brand_new" not in json.dumps(dump(WebhookDelivery.model_validate(noisy)))


def test_missing_optional_fields_are_accepted() -> None:
    event = ScheduledEvent.model_validate(
        {
            "uri": "https://api.calendly.com/scheduled_events/E1",
            "status": "active",
            "start_time": "2026-12-01T15:00:00Z",
            "end_time": "2026-12-01T15:30:00+01:00",
            "event_type": "https://api.calendly.com/event_types/T1",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z",
            "event_memberships": [],
            "event_guests": [],
        }
    )
    assert (event.name, event.location, event.cancellation, event.invitees_counter) == (
        None,
        None,
        None,
        None,
    )
    assert event.end_time.utcoffset() is not None
    invitee = Invitee.model_validate(
        {
            "uri": "https://api.calendly.com/scheduled_events/E1/invitees/I1",
            "email": "a@example.com",
            "name": "A",
            "status": "active",
            "questions_and_answers": [],
            "event": "https://api.calendly.com/scheduled_events/E1",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z",
        }
    )
    assert (invitee.tracking, invitee.no_show, invitee.scheduled_event) == (None, None, None)
    assert Cancellation.model_validate({}) == Cancellation()


def test_naive_times_are_refused() -> None:
    body = load("calendlyr/users/retrieve.json")
    body["resource"]["created_at"] = "2019-01-02T03:04:05"
    with pytest.raises(ValidationError, match="timezone"):
        Resource[User].model_validate(body)


def test_suspect_create_invitee() -> None:
    # calendlyr/events/create_invitee.json: see NOT_PARSED. Its "resource" is a URI string, so the
    # spec's envelope refuses it; the invitee it carries is still an Invitee.
    body = load("calendlyr/events/create_invitee.json")
    with pytest.raises(ValidationError):
        Resource[Invitee].model_validate(body)
    invitee = Invitee.model_validate(body["invitee"])
    assert invitee.first_name == "John"
    assert invitee.cancellation == Cancellation()  # recorded as {}


def test_connection() -> None:
    # The shape of Maton's answer, from its published docs (../shared/seed, quoted in API-FACTS.md).
    body = {
        "connection_id": "21fd90f9-5935-43cd-b6c8-bde9d915ca80",
        "status": "ACTIVE",
        "creation_time": "2025-12-08T07:20:53.488460Z",
        "last_updated_time": "2026-01-31T20:03:32.593153Z",
        "url": "https://connect.maton.ai/?session_token=...",
        "app": "calendly",
        "metadata": {},
    }
    conn = Connection.model_validate(body)
    assert conn.creation_time == datetime(2025, 12, 8, 7, 20, 53, 488460, tzinfo=UTC)
    assert conn.method is None
    assert Connection.model_validate(dump(conn)) == conn
    schema = Connection.model_json_schema(mode="serialization")
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(dump(conn))


def test_groups_and_relationships() -> None:
    groups = parse("calendlyr/groups/list.json")
    assert [(g.name, g.member_count) for g in groups.collection] == [("Sales Team", 0)]
    assert parse("calendlyr/objects/group.json").member_count is None  # newer than that recording
    relationship = parse("calendlyr/group_relationships/retrieve.json").resource
    assert isinstance(relationship, GroupRelationship)
    owner = relationship.owner
    assert owner.type == "OrganizationMembership"
    assert owner.uri == "https://api.calendly.com/organization_memberships/AAAAAAAAAAAAAAAA"
    roles = [r.role for r in parse("calendlyr/group_relationships/list.json").collection]
    assert set(roles) == {"member", "admin"}


def test_activity_log_and_outgoing_communications() -> None:
    log = parse("ruby-client/activity_log_entries_001.json")
    assert (log.total_count, log.exceeds_max_total_count) == (2, False)
    system = log.collection[1].actor
    assert (system.type, system.display_name, system.uri) == ("System", "Calendly System", None)
    assert log.collection[0].details == {"name": "test token"}
    assert log.collection[0].fully_qualified_name == "API.Token_Created"
    sent = parse("calendlyr/outgoing_communications/list.json").collection[0]
    assert (sent.type, sent.from_, sent.subject) == ("sms", "+14042916667", "")
