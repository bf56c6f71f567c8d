"""The sandbox's state, Calendly's and Maton's, and the queries and writes the routes make on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from .organization_admin_records import Invitation
from .pagination import PageTokens
from .records import (
    AvailabilitySchedule,
    BusyBlock,
    Connection,
    EventType,
    Invitee,
    Organization,
    ScheduledEvent,
    State,
    User,
    WebhookSubscription,
)
from .seed import build_state
from .slots import Calendar, default_schedule


class Store:
    """Holds all the mutable state, so a reset resets it all; answers are computed from it, so writes show."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.tokens = PageTokens()
        # Bumped on every reset so page tokens issued before it become stale.
        self.generation = 0
        self._state: State = build_state(clock())
        # The OAuth scopes the credential was granted; None: every scope (a reset grants them all again).
        self.granted_scopes: frozenset[str] | None = None

    def now(self) -> datetime:
        return self._clock()

    def reset(self) -> None:
        self.generation += 1
        self._state = build_state(self._clock())
        self.granted_scopes = None

    def seeded_at(self) -> datetime:
        return self._state.seeded_at

    # The organization and its users

    def organization(self) -> Organization:
        return self._state.organization

    @property
    def owner(self) -> User:
        return next(iter(self._state.users.values()))

    def user(self, ident: str) -> User | None:
        return self._state.users.get(ident)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self._state.users.values() if u.email.lower() == email.lower()), None)

    def users(self) -> list[User]:
        """Every user, the owner first."""
        return list(self._state.users.values())

    def users_by_id(self) -> Mapping[str, User]:
        """A read-only view, for rendering records that name users by id."""
        return MappingProxyType(self._state.users)

    def membership(self, ident: str) -> User | None:
        """The user whose organization membership has this id."""
        return next((u for u in self._state.users.values() if u.membership_uuid == ident), None)

    def members(self, *, user: str | None, email: str | None, role: str | None) -> list[User]:
        found = [
            member
            for member in self._state.users.values()
            if (user is None or member.uuid == user)
            and (email is None or member.email.lower() == email.lower())
            and (role is None or member.role == role)
        ]
        found.sort(key=lambda member: (member.created_at, member.uuid))
        return found

    # Event types

    def event_type(self, ident: str) -> EventType | None:
        return self._state.event_types.get(ident)

    def event_types(
        self,
        *,
        owners: set[str] | None = None,
        active: bool | None = None,
        sort: Sequence[tuple[str, bool]] = (),
    ) -> list[EventType]:
        """Event types of these owners (all when None), in seed order unless sorted by (field, descending)."""
        found = [
            et
            for et in self._state.event_types.values()
            if (owners is None or et.owner in owners) and (active is None or et.active == active)
        ]
        for field, descending in reversed(sort):
            found.sort(key=_event_type_key(field), reverse=descending)
        return found

    # Availability

    def schedule(self, ident: str) -> AvailabilitySchedule | None:
        return self._state.schedules.get(ident)

    def schedules_of(self, user: str) -> list[AvailabilitySchedule]:
        return [s for s in self._state.schedules.values() if s.user == user]

    def calendar(self, user: str) -> Calendar:
        """What the slot rules need to know of one user."""
        return Calendar(
            schedule=default_schedule(self.schedules_of(user)),
            meetings=[event for event in self._state.events.values() if user in event.hosts],
            blocks=[block for block in self._state.busy_blocks if block.user == user],
        )

    def add_member(self, user: User, schedule: AvailabilitySchedule) -> None:
        """A member joins (a sandbox control: the seed stays as it is), with their default schedule."""
        self._state.users[user.uuid] = user
        self._state.schedules[schedule.uuid] = schedule

    def add_busy_block(self, block: BusyBlock) -> None:
        self._state.busy_blocks.append(block)

    # Scheduled events and invitees

    def event(self, ident: str) -> ScheduledEvent | None:
        return self._state.events.get(ident)

    def events(self) -> list[ScheduledEvent]:
        """Every meeting, seeded ones by start time, then booked ones in the order they were booked."""
        return list(self._state.events.values())

    def add_event(self, event: ScheduledEvent) -> None:
        """Keep a meeting a booking created; a seat taken in a meeting already kept changes nothing here."""
        self._state.events.setdefault(event.uuid, event)

    def scheduled_events(
        self,
        *,
        hosts: set[str] | None,
        status: str | None,
        invitee_email: str | None,
        min_start: datetime | None,
        max_start: datetime | None,
        descending: bool,
    ) -> list[ScheduledEvent]:
        def keep(event: ScheduledEvent) -> bool:
            if hosts is not None and not hosts.intersection(event.hosts):
                return False
            if status is not None and event.status != status:
                return False
            if invitee_email is not None and not any(
                i.email.lower() == invitee_email.lower() for i in event.invitees
            ):
                return False
            # Calendly's bounds: min_start_time inclusive, max_start_time exclusive.
            if min_start is not None and event.start_time < min_start:
                return False
            return not (max_start is not None and event.start_time >= max_start)

        found = [event for event in self._state.events.values() if keep(event)]
        found.sort(key=lambda event: (event.start_time, event.uuid), reverse=descending)
        return found

    def invitee(self, event: ScheduledEvent, ident: str) -> Invitee | None:
        return next((i for i in event.invitees if i.uuid == ident), None)

    def invitees(
        self, event: ScheduledEvent, *, status: str | None, email: str | None, descending: bool
    ) -> list[Invitee]:
        found = [
            invitee
            for invitee in event.invitees
            if (status is None or invitee.status == status)
            and (email is None or invitee.email.lower() == email.lower())
        ]
        found.sort(key=lambda invitee: (invitee.created_at, invitee.uuid), reverse=descending)
        return found

    # Webhook subscriptions

    def subscriptions(self) -> list[WebhookSubscription]:
        """Every subscription, in the order they were created."""
        return list(self._state.webhooks.values())

    def subscription(self, ident: str) -> WebhookSubscription | None:
        return self._state.webhooks.get(ident)

    def add_subscription(self, subscription: WebhookSubscription) -> None:
        self._state.webhooks[subscription.uuid] = subscription

    def remove_subscription(self, ident: str) -> None:
        del self._state.webhooks[ident]

    # Maton's connections

    def connections(self) -> list[Connection]:
        """Every connection, seeded ones first, then in the order they were created."""
        return list(self._state.connections.values())

    def connection(self, ident: str) -> Connection | None:
        return self._state.connections.get(ident)

    def next_connection_number(self) -> int:
        """Count one more connection created through Maton's API: 1 for the first since the seed."""
        self._state.connections_created += 1
        return self._state.connections_created

    def add_connection(self, connection: Connection) -> None:
        self._state.connections[connection.connection_id] = connection

    def remove_connection(self, ident: str) -> Connection | None:
        return self._state.connections.pop(ident, None)

    # no_shows

    def no_show(self, ident: str) -> tuple[ScheduledEvent, Invitee] | None:
        """The meeting and invitee that the no-show with this id marks."""
        for event in self._state.events.values():
            for invitee in event.invitees:
                if invitee.no_show is not None and invitee.no_show[0] == ident:
                    return event, invitee
        return None

    def no_show_info(self) -> Mapping[str, object]:
        """The seeded no-show and data deletion examples, for the sandbox's info."""
        examples = self._state.no_show_examples
        return {} if examples is None else examples.to_info()

    def forget_invitees(self, emails: Sequence[str]) -> None:
        """Data deletion: the invitees with these e-mails leave every meeting (their seats free up)."""
        wanted = {email.lower() for email in emails}
        for event in self._state.events.values():
            event.invitees = [i for i in event.invitees if i.email.lower() not in wanted]

    def forget_events(self, start: datetime, end: datetime) -> None:
        """Data deletion: the meetings that start in [start, end) are gone."""
        events = self._state.events
        for ident in [k for k, e in events.items() if start <= e.start_time < end]:
            del events[ident]

    # links
    # Imported here, in this area's block, so that the areas' lines never meet in the imports above.
    from .links_records import SchedulingLink

    def add_event_type(self, event_type: EventType) -> None:
        """Keep an event type created through the API (a one-off): listed and booked like the others."""
        self._state.event_types[event_type.uuid] = event_type

    def add_link(self, link: SchedulingLink) -> None:
        self._state.links[link.code] = link

    def link(self, code: str) -> SchedulingLink | None:
        return self._state.links.get(code)

    def links(self) -> list[SchedulingLink]:
        """Every single-use link, in the order they were created."""
        return list(self._state.links.values())

    # event_type_admin
    def event_type_settings(self) -> dict[str, object]:
        """Event types' increments, buffers and own hours, by event type id (event_type_admin_records.py)."""
        return self._state.event_type_settings

    # organization_admin
    def invitations(self, *, status: str | None, email: str | None, descending: bool) -> list[Invitation]:
        found = [
            invitation
            for invitation in self._state.invitations.values()
            if (status is None or invitation.status == status)
            and (email is None or invitation.email.lower() == email.lower())
        ]
        found.sort(key=lambda invitation: (invitation.created_at, invitation.uuid), reverse=descending)
        return found

    def invitation(self, ident: str) -> Invitation | None:
        return self._state.invitations.get(ident)

    def add_invitation(self, invitation: Invitation) -> None:
        self._state.invitations[invitation.uuid] = invitation

    def revoke_invitation(self, ident: str) -> None:
        """Calendly keeps no revoked invitations: it is gone (a later read is a 404)."""
        del self._state.invitations[ident]

    def remove_member(self, member: User) -> None:
        """The user leaves the organization, and with them what the organization saw of theirs: their
        event types, schedules, calendar blocks, user-scoped webhooks and the meetings only they host.
        The sandbox has no other organization for them to act in, so their Maton connections fail."""
        state = self._state
        del state.users[member.uuid]
        for connection in state.connections.values():
            if connection.user == member.uuid:
                connection.status, connection.user = "FAILED", None
        state.event_types = {k: et for k, et in state.event_types.items() if et.owner != member.uuid}
        state.schedules = {k: s for k, s in state.schedules.items() if s.user != member.uuid}
        state.busy_blocks = [block for block in state.busy_blocks if block.user != member.uuid]
        state.webhooks = {k: w for k, w in state.webhooks.items() if w.user != member.uuid}
        for event in state.events.values():
            if member.uuid in event.hosts and len(event.hosts) > 1:
                event.hosts = [host for host in event.hosts if host != member.uuid]
        state.events = {k: e for k, e in state.events.items() if member.uuid not in e.hosts}

    # groups_audit
    # Groups, teams, the activity log and outgoing communications (groups_audit_records.py).

    def groups_audit(self):  # the State's GroupsAudit (its type is named there, not here)
        return self._state.groups_audit

    def communications(self):  # list[Communication], newest first, as derived from the meetings now
        area = self._state.groups_audit
        return area.communications(
            self._state.events.values(), self._state.event_types, self._state.users, self.now()
        )

    # forms_recaps
    # Return types are State's fields (records.py imports their modules; this one keeps its imports).
    def routing_forms(self):
        """The organization's routing forms and their submissions."""
        return self._state.routing_forms

    def recaps(self):
        """The notetaker's meeting recaps and their transcripts."""
        return self._state.recaps

    def forms_recaps_examples(self) -> dict[str, str | None]:
        """Seeded routing forms and recaps the tests name (GET /_sandbox/info, "examples")."""
        forms = self._state.routing_forms
        owner = self.owner.uuid
        mine = [r for r in self._state.recaps.recaps.values() if r.owner == owner]
        available = sorted(
            (r for r in mine if r.status == "available" and r.event), key=lambda r: r.start_time
        )
        available.reverse()
        booked = next((s for s in forms.submissions.values() if s.submitter is not None), None)
        return {
            "routing_form": next(iter(forms.forms.values())).uri,
            "routing_form_submission": None if booked is None else booked.uri,
            "meeting_recap": available[0].uri,
            "meeting_recap_to_update": available[1].uri,
            "meeting_recap_to_delete": available[2].uri,
            "processing_meeting_recap": next((r.uri for r in mine if r.status == "processing"), None),
            "others_meeting_recap": next(
                (r.uri for r in self._state.recaps.recaps.values() if r.owner != owner), None
            ),
        }

    # contacts
    def state(self) -> State:
        """The whole state, for an area that keeps its records in a module of its own (contacts)."""
        return self._state

    def contact_examples(self) -> dict[str, object]:
        from .contacts_records import examples  # that module imports this one

        return examples(self)


def _event_type_key(field: str) -> Callable[[EventType], tuple[str | int | datetime, str]]:
    def key(et: EventType) -> tuple[str | int | datetime, str]:
        value: str | int | datetime
        if field == "name":
            value = et.name.lower()
        elif field == "position":
            value = et.position
        elif field == "created_at":
            value = et.created_at
        else:
            value = et.updated_at
        return (value, et.uuid)

    return key
