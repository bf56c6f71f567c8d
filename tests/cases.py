"""The shared test table: one row per tool, with example arguments and the upstream request it must make.

The fault matrix (test_faults), the every-tool pass on every transport (test_transports), the fuzzing
allow-list of upstream paths (test_fuzz) and the "every tool is covered" guards all read `CASES`.
Adding a tool adds one row here (and, where it needs an id the others do not, one field of `World`).

Rows are in an order that works as one pass: reads first, each write where what it needs exists.
Arguments and paths are filled from a `World`: the ids of a freshly reset sandbox, read through the
tools themselves (`build_world`) or, where no call can reach the sandbox, from its info (`world_from_info`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mcp.client import Client

from calendly_mcp import inbox
from calendly_mcp.database import Database
from calendly_mcp.tools.registry import ALL_TOOLS
from conftest import DATABASE_URL, Mode, SandboxProcess
from mcp_helpers import call, iso, uid

SPECS = {spec.name: spec for spec in ALL_TOOLS}
ID = r"[A-Za-z0-9_-]{1,64}"


@dataclass
class World:
    """The ids the calls need."""

    me: str
    org: str
    other_user: str
    event_type: str  # for get_event_type
    short_event_type: str  # the owner's shortest active event type: the most slots
    bookable: dict[str, Any]  # the event type booked
    slot: str
    event: str  # read: get it, list its invitees
    invitee: str
    to_cancel: str
    hook: str  # get it
    hook_to_delete: str
    connection: str
    connection_to_delete: str
    connections_before: int
    tag: str  # unique per test: e-mails and webhook URLs
    delivery: str  # a delivery in the inbox (the session's database), about {tag}@example.com
    sandbox_url: str
    # The sandbox's info["examples"]: ids of seeded objects by name, for the areas that need no field here.
    examples: dict[str, Any]
    to_move: str = ""  # a meeting booked for the pass (one invitee: {tag}-move@example.com), to reschedule
    move_to: str = ""  # the offered slot it is moved to

    @property
    def mover(self) -> str:
        return f"{self.tag}-move@example.com"

    @property
    def window(self) -> dict[str, str]:
        return {"start_time": iso(minutes=5), "end_time": iso(days=6)}

    @property
    def booking(self) -> dict[str, Any]:
        kinds = [loc["kind"] for loc in self.bookable.get("locations") or []]
        return {
            "event_type": self.bookable["uri"],
            "start_time": self.slot,
            "email": f"{self.tag}@example.com",
            "timezone": "Europe/Berlin",
            "name": "Grace Hopper",
            **({"location_kind": kinds[0]} if kinds else {}),
        }

    @property
    def hook_url(self) -> str:
        return f"{self.sandbox_url}/_sandbox/inbox/{self.tag}"

    def ex(self, name: str) -> Any:
        """A seeded example the sandbox names in its info (a URI, an id, or a list of them)."""
        return self.examples[name]

    def bare(self, field: str) -> str:
        """The bare id of a World field, or else of the sandbox example of that name."""
        value = getattr(self, field) if hasattr(self, field) else self.examples[field]
        return value["uri"].rsplit("/", 1)[1] if isinstance(value, dict) else uid(str(value))


@dataclass(frozen=True)
class Case:
    """One tool call and the one upstream request it makes (the request a fault is put on)."""

    tool: str
    args: Callable[[World], dict[str, Any]]
    method: str
    # Relative to the API base (connection tools: to Maton's connection API); `{field}` is the bare id
    # of that World field.
    path: str
    check: str = ""  # writes: the tool their "outcome unknown" error names, to see whether it happened

    @property
    def write(self) -> bool:
        return not SPECS[self.tool].read_only

    @property
    def local(self) -> bool:
        """A tool that reads this server's own records (the webhook inbox): no upstream request."""
        return not self.method

    @property
    def ctrl(self) -> bool:
        """A Maton connection tool: gateway mode only, on Maton's connection API."""
        return SPECS[self.tool].toolset == "connections"

    def upstream_path(self, world: World) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: world.bare(m.group(1)), self.path)

    def sandbox_path(self, world: World, mode: Mode) -> str:
        path = self.upstream_path(world)
        return path if self.ctrl or mode == "direct" else f"/calendly{path}"

    def pattern(self) -> str:
        """The path as a regular expression, any id where the row names one."""
        return re.sub(r"\\\{\w+\\\}", ID, re.escape(self.path))


CASES: list[Case] = [
    Case("get_current_user", lambda w: {}, "GET", "/users/me"),
    Case("get_user", lambda w: {"user": w.other_user}, "GET", "/users/{other_user}"),
    Case("list_user_meeting_locations", lambda w: {"user": w.me}, "GET", "/locations"),
    Case("list_event_types", lambda w: {"user": w.me}, "GET", "/event_types"),
    Case("get_event_type", lambda w: {"event_type": w.event_type}, "GET", "/event_types/{event_type}"),
    Case("list_scheduled_events", lambda w: {"user": w.me}, "GET", "/scheduled_events"),
    Case("get_scheduled_event", lambda w: {"event": w.event}, "GET", "/scheduled_events/{event}"),
    Case("list_event_invitees", lambda w: {"event": w.event}, "GET", "/scheduled_events/{event}/invitees"),
    Case("get_event_invitee", lambda w: {"invitee": w.invitee}, "GET", "/scheduled_events/{event}/invitees/{invitee}"),
    Case("list_event_type_available_times", lambda w: {"event_type": w.bookable["uri"], **w.window}, "GET",
         "/event_type_available_times"),
    Case("find_available_times", lambda w: {"event_type": w.bookable["uri"], "timezone": "UTC", **w.window},
         "GET", "/event_type_available_times"),
    Case("list_user_busy_times", lambda w: {"user": w.me, **w.window}, "GET", "/user_busy_times"),
    # One person: a fault on the busy-times path then meets one request (two people would make two).
    Case("find_common_free_times", lambda w: {"people": [w.me], "duration": 30, **w.window}, "GET",
         "/user_busy_times"),
    Case("list_user_availability_schedules", lambda w: {"user": w.me}, "GET", "/user_availability_schedules"),
    Case("list_organization_memberships", lambda w: {"organization": w.org}, "GET", "/organization_memberships"),
    Case("create_event_invitee", lambda w: w.booking, "POST", "/invitees", check="list_scheduled_events"),
    Case("cancel_scheduled_event", lambda w: {"event": w.to_cancel, "reason": "test pass"}, "POST",
         "/scheduled_events/{to_cancel}/cancellation", check="get_scheduled_event"),
    Case("reschedule_meeting", lambda w: {"event": w.to_move, "start_time": w.move_to}, "POST", "/invitees",
         check="list_scheduled_events"),
    Case("list_webhook_subscriptions", lambda w: {"organization": w.org, "user": w.me}, "GET",
         "/webhook_subscriptions"),
    Case("create_webhook_subscription",
         lambda w: {"url": w.hook_url, "events": ["invitee.created"], "organization": w.org, "user": w.me},
         "POST", "/webhook_subscriptions", check="list_webhook_subscriptions"),
    Case("get_webhook_subscription", lambda w: {"webhook": w.hook}, "GET", "/webhook_subscriptions/{hook}"),
    Case("delete_webhook_subscription", lambda w: {"webhook": w.hook_to_delete}, "DELETE",
         "/webhook_subscriptions/{hook_to_delete}", check="get_webhook_subscription"),
    Case("list_connections", lambda w: {}, "GET", "/connections"),
    Case("create_connection", lambda w: {}, "POST", "/connections", check="list_connections"),
    Case("get_connection", lambda w: {"connection_id": w.connection}, "GET", "/connections/{connection}"),
    Case("delete_connection", lambda w: {"connection_id": w.connection_to_delete}, "DELETE",
         "/connections/{connection_to_delete}", check="get_connection"),
    # Rows of the areas added since, one block per area.
    # no_shows
    Case("get_invitee_no_show", lambda w: {"no_show": w.ex("no_show")}, "GET", "/invitee_no_shows/{no_show}"),
    # the webhook inbox (this server's database; no upstream request)
    Case("list_webhook_deliveries", lambda w: {"invitee_email": f"{w.tag}@example.com"}, "", ""),
    Case("get_webhook_delivery", lambda w: {"delivery": w.delivery}, "", ""),
    Case("get_sample_webhook_data", lambda w: {"event": "invitee.created", "organization": w.org, "user": w.me},
         "GET", "/sample_webhook_data"),
    Case("mark_invitee_no_show", lambda w: {"invitee": w.ex("invitee_to_mark_no_show")}, "POST",
         "/invitee_no_shows", check="get_event_invitee"),
    Case("delete_invitee_no_show", lambda w: {"no_show": w.ex("no_show_to_delete")}, "DELETE",
         "/invitee_no_shows/{no_show_to_delete}", check="get_invitee_no_show"),
    Case("delete_invitee_data", lambda w: {"emails": [w.ex("invitee_to_forget_email")]}, "POST",
         "/data_compliance/deletion/invitees", check="list_scheduled_events"),
    Case("delete_scheduled_event_data", lambda w: dict(w.ex("event_range_to_forget")), "POST",
         "/data_compliance/deletion/events", check="list_scheduled_events"),

    # links
    Case("create_scheduling_link", lambda w: {"event_type": w.ex("link_event_type")}, "POST", "/scheduling_links",
         check="create_scheduling_link"),
    Case("create_share", lambda w: {"event_type": w.ex("link_event_type"), "duration": 45, "max_days": 14}, "POST",
         "/shares", check="create_share"),
    Case("create_one_off_event_type",
         lambda w: {"name": "Pass one-off", "host": w.me, "duration": 30, "start_date": iso(days=1)[:10], "end_date": iso(days=3)[:10]},
         "POST", "/one_off_event_types", check="list_event_types"),

    # event_type_admin
    Case("list_event_type_hosts", lambda w: {"event_type": w.event_type}, "GET", "/event_type_memberships"),
    Case("list_event_type_availability_schedules", lambda w: {"event_type": w.ex("event_type_to_edit")}, "GET",
         "/event_type_availability_schedules"),
    Case("create_event_type", lambda w: {"name": f"Pass {w.tag}"[:55]}, "POST", "/event_types",
         check="list_event_types"),
    Case("update_event_type", lambda w: {"event_type": w.ex("event_type_to_edit"), "description": "Edited."},
         "PATCH", "/event_types/{event_type_to_edit}", check="get_event_type"),
    Case("update_event_type_availability_schedules",
         lambda w: {"event_type": w.ex("event_type_to_edit"), "timezone": "America/Chicago"}, "PATCH",
         "/event_type_availability_schedules", check="list_event_type_availability_schedules"),

    # organization_admin
    Case("get_organization", lambda w: {"organization": w.org}, "GET", "/organizations/{org}"),
    Case("get_user_availability_schedule", lambda w: {"schedule": w.ex("availability_schedule")}, "GET",
         "/user_availability_schedules/{availability_schedule}"),
    Case("get_organization_membership", lambda w: {"membership": w.ex("membership")}, "GET",
         "/organization_memberships/{membership}"),
    Case("list_organization_invitations", lambda w: {"organization": w.org}, "GET", "/organizations/{org}/invitations"),
    Case("get_organization_invitation", lambda w: {"invitation": w.ex("invitation")}, "GET",
         "/organizations/{org}/invitations/{invitation}"),
    Case("create_organization_invitation", lambda w: {"email": f"{w.tag}@example.com", "organization": w.org},
         "POST", "/organizations/{org}/invitations", check="list_organization_invitations"),
    Case("revoke_organization_invitation", lambda w: {"invitation": w.ex("invitation_to_revoke")}, "DELETE",
         "/organizations/{org}/invitations/{invitation_to_revoke}", check="get_organization_invitation"),
    Case("remove_organization_membership", lambda w: {"membership": w.ex("membership_to_remove")}, "DELETE",
         "/organization_memberships/{membership_to_remove}", check="get_organization_membership"),

    # groups_audit
    Case("list_groups", lambda w: {"organization": w.org}, "GET", "/groups"),
    Case("get_group", lambda w: {"group": w.ex("group")}, "GET", "/groups/{group}"),
    Case("list_group_relationships", lambda w: {"organization": w.org, "group": w.ex("group")}, "GET",
         "/group_relationships"),
    Case("get_group_relationship", lambda w: {"relationship": w.ex("group_relationship")}, "GET",
         "/group_relationships/{group_relationship}"),
    Case("list_teams", lambda w: {"user": w.me}, "GET", "/teams"),
    Case("get_team", lambda w: {"team": w.ex("team")}, "GET", "/teams/{team}"),
    Case("list_activity_log_entries", lambda w: {"organization": w.org, "namespace": ["Login", "User"]}, "GET",
         "/activity_log_entries"),
    Case("list_outgoing_communications", lambda w: {"organization": w.org, "min_created_at": iso(days=-7)}, "GET",
         "/outgoing_communications"),

    # forms_recaps
    Case("list_routing_forms", lambda w: {"organization": w.org}, "GET", "/routing_forms"),
    Case("get_routing_form", lambda w: {"form": w.ex("routing_form")}, "GET", "/routing_forms/{routing_form}"),
    Case("list_routing_form_submissions", lambda w: {"form": w.ex("routing_form")}, "GET",
         "/routing_form_submissions"),
    Case("get_routing_form_submission", lambda w: {"submission": w.ex("routing_form_submission")}, "GET",
         "/routing_form_submissions/{routing_form_submission}"),
    Case("list_meeting_recaps", lambda w: {}, "GET", "/meeting_recaps"),
    Case("get_meeting_recap", lambda w: {"recap": w.ex("meeting_recap")}, "GET", "/meeting_recaps/{meeting_recap}"),
    Case("get_meeting_transcript", lambda w: {"recap": w.ex("meeting_recap")}, "GET",
         "/meeting_recaps/{meeting_recap}/transcript"),
    Case("update_meeting_recap", lambda w: {"recap": w.ex("meeting_recap_to_update"), "summary_md": "Test pass."},
         "PATCH", "/meeting_recaps/{meeting_recap_to_update}", check="get_meeting_recap"),
    Case("delete_meeting_recap", lambda w: {"recap": w.ex("meeting_recap_to_delete")}, "DELETE",
         "/meeting_recaps/{meeting_recap_to_delete}", check="get_meeting_recap"),

    # contacts
    Case("list_contacts", lambda w: {"count": 5}, "GET", "/contacts"),
    Case("get_contact", lambda w: {"contact": w.ex("contact")}, "GET", "/contacts/{contact}"),
    Case("list_contact_custom_fields", lambda w: {}, "GET", "/contacts/custom_field_definitions"),
    Case("get_contact_custom_field", lambda w: {"field": w.ex("contact_field")}, "GET",
         "/contacts/custom_field_definitions/{contact_field}"),
    Case("create_contact", lambda w: {"name": "Table Pass", "emails": [f"{w.tag}@example.com"]}, "POST",
         "/contacts", check="list_contacts"),
    Case("update_contact", lambda w: {"contact": w.ex("contact_to_update"), "job_title": w.tag}, "PATCH",
         "/contacts/{contact_to_update}", check="get_contact"),
    Case("delete_contact", lambda w: {"contact": w.ex("contact_to_delete")}, "DELETE",
         "/contacts/{contact_to_delete}", check="get_contact"),

]  # fmt: skip


def cases_for(mode: Mode) -> list[Case]:
    """The rows a server in `mode` lists: Maton's connection tools only in gateway mode."""
    return [case for case in CASES if not (case.ctrl and mode == "direct")]


def upstream_paths() -> re.Pattern[str]:
    """Every path the server may ask of Calendly (also behind Maton's /calendly) and of Maton."""
    api = "|".join(sorted({case.pattern() for case in CASES if not case.ctrl and not case.local}))
    ctrl = "|".join(sorted({case.pattern() for case in CASES if case.ctrl}))
    return re.compile(rf"^(/calendly)?({api})$|^({ctrl})$")


async def build_world(client: Client, sandbox: SandboxProcess, mode: Mode, tag: str) -> World:
    """The ids, read from a freshly reset sandbox through the tools, before any fault is set."""
    info = sandbox.info()
    owner = next(u for u in info["users"] if u["role"] == "owner")
    other = next(u for u in info["users"] if u["role"] == "admin")
    bookable_uri = info["examples"]["bookable_event_types"][owner["uri"]]
    another = next(
        et["uri"]
        for et in info["event_types"]
        if et["owner"] == owner["uri"] and et["active"] and et["uri"] != bookable_uri
    )
    bookable = await call(client, "get_event_type", event_type=bookable_uri)
    mine = [et for et in info["event_types"] if et["owner"] == owner["uri"] and et["active"]]
    shortest = min(mine, key=lambda et: et["duration"])["uri"]
    slots = await call(
        client,
        "list_event_type_available_times",
        event_type=bookable_uri,
        start_time=iso(minutes=5),
        end_time=iso(days=6),
    )
    events = await call(
        client,
        "list_scheduled_events",
        user=owner["uri"],
        status="active",
        min_start_time=iso(hours=2),
        count=5,
    )
    event, to_cancel = events["collection"][0]["uri"], events["collection"][1]["uri"]
    invitees = await call(client, "list_event_invitees", event=event)
    hooks = [
        await call(
            client,
            "create_webhook_subscription",
            url=f"{sandbox.url}/_sandbox/inbox/{tag}-{name}",
            events=["invitee.canceled"],
            organization=info["organization"]["uri"],
            user=owner["uri"],
        )
        for name in ("get", "delete")
    ]
    # The meeting to reschedule: booked now, in the last slot offered, moved to the one before it.
    starts = [s["start_time"] for s in slots["collection"]]
    kinds: list[str] = [loc["kind"] for loc in bookable.get("locations") or []]
    mover = f"{tag}-move@example.com"
    booked = await call(
        client,
        "create_event_invitee",
        event_type=bookable_uri,
        start_time=starts[-1],
        email=mover,
        timezone="America/Sao_Paulo",
        name="Ana Souza",
        **({"location_kind": kinds[0]} if kinds else {}),
    )
    delivery = received(tag)
    connection = to_delete = "not-in-direct-mode"
    before = 0
    if mode == "gateway":
        connection = info["connections"][0]["connection_id"]
        to_delete = (await call(client, "create_connection"))["connection"]["connection_id"]
        before = len((await call(client, "list_connections"))["connections"])
    return World(
        me=owner["uri"],
        org=info["organization"]["uri"],
        other_user=other["uri"],
        event_type=another,
        short_event_type=shortest,
        bookable=bookable,
        slot=slots["collection"][0]["start_time"],
        event=event,
        invitee=invitees["collection"][0]["uri"],
        to_cancel=to_cancel,
        hook=hooks[0]["uri"],
        hook_to_delete=hooks[1]["uri"],
        connection=connection,
        connection_to_delete=to_delete,
        connections_before=before,
        tag=tag,
        delivery=delivery,
        sandbox_url=sandbox.url,
        examples=info["examples"],
        to_move=booked["event"],
        move_to=starts[-2],
    )


def received(tag: str) -> str:
    """A delivery about {tag}@example.com, put in the inbox of the session's database (where every
    server process of the tests keeps it) as the endpoint stores one; its id."""
    raw = json.dumps(
        {
            "event": "invitee.created",
            "created_at": iso(),
            "created_by": "https://api.calendly.com/users/table",
            "payload": {
                "uri": f"https://api.calendly.com/scheduled_events/t/invitees/{tag}",
                "email": f"{tag}@example.com",
            },
        }
    )
    body = json.loads(raw)
    delivery = inbox.Delivery(
        inbox.identity(body, raw.encode()),
        "invitee.created",
        f"{tag}@example.com",
        None,
        body["created_at"],
        time.time(),
        raw,
    )
    db = Database(DATABASE_URL)
    try:
        inbox.store(db, delivery)
    finally:
        db.close()
    return delivery.id


def world_from_info(sandbox: SandboxProcess, mode: Mode) -> World:
    """The ids for calls that will never reach the sandbox: read from its info, no tool call needed."""
    info = sandbox.info()
    owner = next(u for u in info["users"] if u["role"] == "owner")
    other = next(u for u in info["users"] if u["role"] == "admin")
    bookable = info["examples"]["bookable_event_types"][owner["uri"]]
    another = next(
        et["uri"] for et in info["event_types"] if et["owner"] == owner["uri"] and et["uri"] != bookable
    )
    event = info["examples"]["next_event_of_owner"]
    made_up = "https://api.calendly.com/webhook_subscriptions/0000aaaa-0000-4000-8000-000000000000"
    return World(
        me=owner["uri"],
        org=info["organization"]["uri"],
        other_user=other["uri"],
        event_type=another,
        short_event_type=another,
        bookable={"uri": bookable, "locations": None},
        slot=iso(timedelta(days=2)),
        event=event,
        invitee=f"{event}/invitees/0000aaaa-0000-4000-8000-000000000001",
        to_cancel=event,
        hook=made_up,
        hook_to_delete=made_up,
        connection=info["connections"][0]["connection_id"],
        connection_to_delete=info["connections"][1]["connection_id"],
        connections_before=0,
        tag=f"faults-{mode}-refused",
        delivery=received(f"faults-{mode}-refused"),
        sandbox_url=sandbox.url,
        examples=info["examples"],
        to_move=event,
        move_to=iso(timedelta(days=3)),
    )
