"""Groups, group relationships, teams, the activity log and outgoing communications of the sandbox's
organization: their records, how each renders as a Calendly object, their seed, and the filters of
their lists.

State holds one `GroupsAudit` (records.py imports this module under its anchor), so nothing here
imports records.py at run time: the users, meetings and event types read here are passed in.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from .naming import iso, stable_id, uri

if TYPE_CHECKING:
    from .records import EventType, Invitee, Organization, ScheduledEvent, User

JSONDict = dict[str, Any]
_NAMESPACE = uuid.UUID("0b8e4f6a-77c2-4d5e-9a0f-3e1d2c4b5a69")

GroupRole = Literal["member", "admin"]


# records.py has the same two; they are repeated here so that this module stands before it.
def _stable(name: str) -> str:
    return stable_id(_NAMESPACE, name)


# --- groups and teams --------------------------------------------------------------------------------


@dataclass
class Group:
    uuid: str
    name: str
    organization: str
    created_at: datetime
    updated_at: datetime

    @property
    def uri(self) -> str:
        return uri("groups", self.uuid)

    def to_api(self, member_count: int) -> JSONDict:
        return {
            "uri": self.uri,
            "name": self.name,
            "organization": uri("organizations", self.organization),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "member_count": member_count,
        }


@dataclass
class GroupRelationship:
    """A member's place in a group: one `member` relationship at most per person, any number of `admin`."""

    uuid: str
    group: str
    user: str
    role: GroupRole
    created_at: datetime

    @property
    def uri(self) -> str:
        return uri("group_relationships", self.uuid)

    def to_api(self, owner: User, group: Group) -> JSONDict:
        return {
            "uri": self.uri,
            "role": self.role,
            "owner": {**owner.membership_to_api(), "type": "OrganizationMembership"},
            "organization": uri("organizations", group.organization),
            "group": group.uri,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.created_at),
        }


@dataclass
class Team:
    uuid: str
    name: str
    slug: str
    organization: str
    members: tuple[str, ...]

    @property
    def uri(self) -> str:
        return uri("teams", self.uuid)

    def to_api(self) -> JSONDict:
        return {
            "uri": self.uri,
            "name": self.name,
            "organization": uri("organizations", self.organization),
            "scheduling_url": f"https://calendly.com/{self.slug}",
        }


# --- the activity log --------------------------------------------------------------------------------


@dataclass
class ActivityEntry:
    """What happened, when, and who did it, as it was then (the actor's name and roles are kept)."""

    uuid: str
    occurred_at: datetime
    namespace: str
    action: str
    actor: JSONDict
    details: JSONDict
    organization: str

    @property
    def actor_uri(self) -> str | None:
        return self.actor.get("uri")

    @property
    def actor_name(self) -> str:
        return str(self.actor.get("display_name", ""))

    def text(self) -> str:
        """What a search term is matched against."""
        parts = [self.namespace, self.action, f"{self.namespace}.{self.action}", self.actor_name]
        parts.append(str(self.actor.get("alternative_identifier", "")))
        parts.append(json.dumps(self.details, ensure_ascii=False))
        return " ".join(parts).lower()

    def to_api(self) -> JSONDict:
        return {
            # Calendly's activity log writes milliseconds.
            "occurred_at": self.occurred_at.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{self.occurred_at.microsecond // 1000:03d}Z",
            "actor": json.loads(json.dumps(self.actor)),
            "details": json.loads(json.dumps(self.details)),
            "fully_qualified_name": f"{self.namespace}.{self.action}",
            "uri": uri("activity_log_entries", self.uuid),
            "namespace": self.namespace,
            "action": self.action,
            "organization": uri("organizations", self.organization),
        }


ACTIVITY_SORT_FIELDS = ("action", "actor.display_name", "actor.uri", "namespace", "occurred_at")


def _activity_key(name: str) -> Callable[[ActivityEntry], tuple[Any, str]]:
    def key(entry: ActivityEntry) -> tuple[Any, str]:
        value: Any
        if name == "action":
            value = entry.action.lower()
        elif name == "actor.display_name":
            value = entry.actor_name.lower()
        elif name == "actor.uri":
            value = entry.actor_uri or ""
        elif name == "namespace":
            value = entry.namespace.lower()
        else:
            value = entry.occurred_at
        return (value, entry.uuid)

    return key


def sort_entries(entries: list[ActivityEntry], sort: Sequence[tuple[str, bool]]) -> list[ActivityEntry]:
    found = list(entries)
    for name, descending in reversed(sort):
        found.sort(key=_activity_key(name), reverse=descending)
    return found


# --- search terms: Calendly's little query language ----------------------------------------------------


class SearchSyntaxError(ValueError):
    """A search term that does not parse (an unclosed quote or parenthesis)."""


_TOKEN = re.compile(r'\s*("(?:[^"]*)"|\(|\)|\||\+|-(?=\S)|[^\s()|+"]+)')
Matcher = Callable[[str], bool]


def search_matcher(term: str) -> Matcher:
    """A predicate over an entry's text for Calendly's search operators: `a | b` (or), `a + b` and
    plain juxtaposition (and), `"exact phrase"`, `-word` (not), `( )` precedence, `*` wildcards."""
    tokens: list[str] = []
    rest = term.strip()
    while rest:
        match = _TOKEN.match(rest)
        if match is None:
            raise SearchSyntaxError("unbalanced quote")
        tokens.append(match.group(1))
        rest = rest[match.end() :].lstrip()
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> Matcher:
        options = [both()]
        while peek() in ("|", "OR"):
            take()
            options.append(both())
        return lambda text: any(option(text) for option in options)

    def both() -> Matcher:
        parts = [one()]
        while (nxt := peek()) is not None and nxt not in ("|", "OR", ")"):
            if nxt in ("+", "AND"):
                take()
            parts.append(one())
        return lambda text: all(part(text) for part in parts)

    def one() -> Matcher:
        token = peek()
        if token is None or token in ("|", "OR", ")", "+", "AND"):
            raise SearchSyntaxError("a term is missing")
        take()
        if token == "-":
            inner = one()
            return lambda text: not inner(text)
        if token == "(":
            inner = either()
            if peek() != ")":
                raise SearchSyntaxError("unclosed parenthesis")
            take()
            return inner
        return _word(token)

    if not tokens:
        return lambda text: True
    matcher = either()
    if position != len(tokens):
        raise SearchSyntaxError("unexpected ')'")
    return matcher


def _word(token: str) -> Matcher:
    if token.startswith('"'):
        phrase = token.strip('"').lower()
        return lambda text: phrase in text
    if "*" in token:
        pattern = re.compile(".*?".join(re.escape(part) for part in token.lower().split("*")))
        return lambda text: pattern.search(text) is not None
    word = token.lower()
    return lambda text: word in text


# --- outgoing communications -------------------------------------------------------------------------


@dataclass(frozen=True)
class Communication:
    kind: Literal["email", "sms"]
    to: str
    sender: str  # the host's user id
    subject: str | None
    body: str
    event: str
    event_type: str
    scheduling_url: str
    created_at: datetime
    key: str

    def to_api(self, users: Mapping[str, User]) -> JSONDict:
        host = users.get(self.sender)
        return {
            "type": self.kind,
            "to": self.to,
            "from": "notifications@calendly.com" if self.kind == "email" else "+14042916667",
            "subject": self.subject,
            "body": self.body,
            "sender_uri": None if host is None else host.uri,
            "sender_email": None if host is None else host.email,
            "event_type_uri": uri("event_types", self.event_type),
            "event_uri": uri("scheduled_events", self.event),
            "sent_at": iso(self.created_at + timedelta(seconds=2)),
            "created_at": iso(self.created_at),
            "scheduling_url": self.scheduling_url,
        }


# Hosts who have a workflow texting them an hour before each meeting (their own number).
HOST_TEXTS = {"maya": "+12125550147", "haruto": "+81345550199"}


def _when(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%A %d %B %Y, %H:%M (%Z)")


def communications(
    events: Iterable[ScheduledEvent],
    event_types: Mapping[str, EventType],
    users: Mapping[str, User],
    texted_hosts: Mapping[str, str],
    now: datetime,
) -> list[Communication]:
    """What Calendly has sent about the meetings by `now`, newest first: each booking's confirmation,
    the reminder a day before, the host's text an hour before, and the cancellation notice. Derived from
    the meetings as they are, so a booking or a cancellation made through the API shows here too."""
    sent: list[Communication] = []
    for event in events:
        host = users.get(event.hosts[0]) if event.hosts else None
        event_type = event_types.get(event.event_type)
        if host is not None and event_type is not None:
            notes = _about(event, host, event_type, texted_hosts.get(host.uuid))
            sent += [note for note in notes if note.created_at <= now]
    sent.sort(key=lambda c: (c.created_at, c.key), reverse=True)
    return sent


def _about(
    event: ScheduledEvent, host: User, event_type: EventType, host_number: str | None
) -> list[Communication]:
    """Everything Calendly sends about one meeting, whenever it is (or was) due."""
    name = event_type.name
    url = f"{host.scheduling_url}/{event_type.slug}"
    notes: list[Communication] = []

    def note(
        kind: Literal["email", "sms"], to: str, subject: str | None, body: str, at: datetime, key: str
    ) -> None:
        notes.append(
            Communication(kind, to, host.uuid, subject, body, event.uuid, event_type.uuid, url, at, key)
        )

    hour_before = event.start_time - timedelta(hours=1)
    for invitee in event.invitees:
        first = invitee.first_name or invitee.name.split(" ")[0]
        local = _when(event.start_time, invitee.timezone)
        note(
            "email", invitee.email, f"Confirmed: {name} with {host.name} on {local}",
            f"Hi {first}, your {name} with {host.name} is scheduled for {local}.",
            invitee.created_at, f"confirm:{invitee.uuid}",
        )  # fmt: skip
        canceled_at = _canceled_at(invitee)
        reminder = event.start_time - timedelta(hours=24)
        if reminder > invitee.created_at and (canceled_at is None or reminder < canceled_at):
            note(
                "email", invitee.email, f"Reminder: {name} with {host.name} tomorrow",
                f"Hi {first}, this is a reminder of your {name} with {host.name} on {local}.",
                reminder, f"remind:{invitee.uuid}",
            )  # fmt: skip
        if invitee.text_reminder_number and (canceled_at is None or hour_before < canceled_at):
            note(
                "sms", invitee.text_reminder_number, None,
                f"Reminder: {name} with {host.name} starts at {local}.", hour_before, f"text:{invitee.uuid}",
            )  # fmt: skip
        if canceled_at is not None:
            note(
                "email", invitee.email, f"Canceled: {name} with {host.name} on {local}",
                f"Hi {first}, your {name} with {host.name} on {local} has been canceled.",
                canceled_at, f"cancel:{invitee.uuid}",
            )  # fmt: skip
    if host_number and (event.cancellation is None or hour_before < event.cancellation.created_at):
        note(
            "sms", host_number, None, f"{event.name} starts at {_when(event.start_time, host.timezone)}.",
            hour_before, f"host-text:{event.uuid}",
        )  # fmt: skip
    return notes


def _canceled_at(invitee: Invitee) -> datetime | None:
    if invitee.status != "canceled" or invitee.cancellation is None:
        return None
    return invitee.cancellation.created_at


# --- everything of the area, as State keeps it -------------------------------------------------------


@dataclass
class GroupsAudit:
    groups: dict[str, Group] = field(default_factory=dict[str, Group])
    relationships: dict[str, GroupRelationship] = field(default_factory=dict[str, GroupRelationship])
    teams: dict[str, Team] = field(default_factory=dict[str, Team])
    activity: list[ActivityEntry] = field(default_factory=list[ActivityEntry])
    # Host user id -> the number their workflow texts.
    texted_hosts: dict[str, str] = field(default_factory=dict[str, str])

    def communications(
        self,
        events: Iterable[ScheduledEvent],
        event_types: Mapping[str, EventType],
        users: Mapping[str, User],
        now: datetime,
    ) -> list[Communication]:
        return communications(events, event_types, users, self.texted_hosts, now)

    def member_count(self, group: Group) -> int:
        return len(self.people(group.uuid))

    def people(self, group: str, role: GroupRole = "member") -> set[str]:
        """The users with this role in the group (its members, by default)."""
        return {r.user for r in self.relationships.values() if r.group == group and r.role == role}

    def groups_of(self, users: Collection[str]) -> set[str]:
        """The groups any of these users is a member of."""
        return {r.group for r in self.relationships.values() if r.user in users and r.role == "member"}

    def member_group(self, user: str) -> tuple[Group, GroupRole] | None:
        """The group a user is a member of (or else an admin of), for the activity log's actor."""
        mine = [r for r in self.relationships.values() if r.user == user]
        mine.sort(key=lambda r: r.role != "member")
        return (self.groups[mine[0].group], mine[0].role) if mine else None

    def examples(self) -> dict[str, Any]:
        """The ids tests use (the sandbox's info()["examples"])."""
        groups = list(self.groups.values())
        relationship = next(iter(self.relationships.values()), None)
        return {
            "group": groups[0].uri if groups else None,
            "groups": [g.uri for g in groups],
            "group_relationship": None if relationship is None else relationship.uri,
            "team": next((t.uri for t in self.teams.values()), None),
            "activity_namespaces": sorted({e.namespace for e in self.activity}),
        }

    @classmethod
    def seeded(
        cls,
        organization: Organization,
        people: Sequence[tuple[str, User]],
        event_types: Iterable[EventType],
        now: datetime,
    ) -> GroupsAudit:
        """Three groups and two teams of the seeded people (keyed: maya, oliver, haruto, lucia), and
        the organization's activity log of the last two months."""
        by_key = dict(people)
        org = organization.uuid
        made = now - timedelta(days=400)
        area = cls()
        for number, name in enumerate(("Sales", "Design", "Customer Success")):
            group = Group(
                _stable(f"group:{name}"),
                name,
                org,
                made + timedelta(days=number * 9),
                now - timedelta(days=20 - number),
            )
            area.groups[group.uuid] = group
        sales, design, success = area.groups.values()
        plan: list[tuple[Group, str, GroupRole]] = [
            (sales, "haruto", "member"), (sales, "maya", "admin"), (sales, "oliver", "admin"),
            (design, "oliver", "member"), (design, "lucia", "member"), (design, "maya", "admin"),
            (success, "maya", "member"),
        ]  # fmt: skip
        for number, (group, key, role) in enumerate(plan):
            ident = _stable(f"group_relationship:{group.name}:{key}:{role}")
            created = group.created_at + timedelta(days=2 + number, hours=number)
            area.relationships[ident] = GroupRelationship(ident, group.uuid, by_key[key].uuid, role, created)
        for name, slug, keys in (
            ("Northwind Sales", "northwind-sales", ("maya", "haruto")),
            ("Northwind Design", "northwind-design", ("oliver", "lucia")),
        ):
            team = Team(_stable(f"team:{slug}"), name, slug, org, tuple(by_key[k].uuid for k in keys))
            area.teams[team.uuid] = team
        area.texted_hosts = {by_key[key].uuid: number for key, number in HOST_TEXTS.items() if key in by_key}
        area.activity = _activity(area, organization, by_key, list(event_types), now)
        return area


# --- the seeded activity log -------------------------------------------------------------------------

_Detail = Callable[[int, Mapping[str, "User"], Sequence["EventType"]], JSONDict]


def _other(i: int, users: Mapping[str, User]) -> User:
    return list(users.values())[(i + 1) % len(users)]


# (namespace, action, who acts: a person's key, "admin" (owner or admin in turn), "anyone", or "system"),
# and the details Calendly records for it.
_TEMPLATES: tuple[tuple[str, str, str, _Detail], ...] = (
    ("Login", "Login_Succeeded", "anyone", lambda i, u, t: {"method": ("Google", "Password", "SSO")[i % 3]}),
    ("Event_Type", "Updated", "anyone", lambda i, u, t: {"name": t[i % len(t)].name, "changes": ["duration", "locations", "description"][i % 3 :]}),
    ("User", "Invited", "admin", lambda i, u, t: {"email": f"candidate{i}@northwind.example.com", "role": "user"}),
    ("Group", "Member_Added", "admin", lambda i, u, t: {"group": ("Sales", "Design", "Customer Success")[i % 3], "member": _other(i, u).email}),
    ("API", "Token_Created", "anyone", lambda i, u, t: {"name": ("Zapier", "Reporting script", "CRM sync")[i % 3]}),
    ("Organization", "Settings_Updated", "maya", lambda i, u, t: {"setting": ("branding", "default_locale", "security")[i % 3]}),
    ("Compliance", "Data_Deletion_Completed", "system", lambda i, u, t: {"type": "Invitee list", "emails": [f"former.client{i}@example.com"], "requested_by": "Maya Patel"}),
    ("Event_Type", "Created", "anyone", lambda i, u, t: {"name": ("Quarterly Review", "Partner Call", "Workshop")[i % 3]}),
    ("User", "Role_Changed", "maya", lambda i, u, t: {"email": _other(i, u).email, "from": "user", "to": "admin"}),
    ("Login", "Login_Failed", "anyone", lambda i, u, t: {"method": "Password", "reason": "wrong password"}),
    ("Webhook", "Subscription_Created", "admin", lambda i, u, t: {"callback_url": f"https://hooks.northwind.example.com/calendly/{i}"}),
    ("Group", "Admin_Added", "maya", lambda i, u, t: {"group": ("Sales", "Design")[i % 2], "admin": _other(i, u).email}),
)  # fmt: skip
ACTIVITY_ENTRIES = 48


def _activity(
    area: GroupsAudit,
    organization: Organization,
    users: Mapping[str, User],
    types: list[EventType],
    now: datetime,
) -> list[ActivityEntry]:
    admins = [u for u in users.values() if u.role in ("owner", "admin")]
    everyone = list(users.values())
    entries: list[ActivityEntry] = []
    for i in range(ACTIVITY_ENTRIES):
        namespace, action, who, details = _TEMPLATES[(i * 5) % len(_TEMPLATES)]
        if who == "system":
            actor: JSONDict = {"type": "System", "display_name": "Calendly System"}
        else:
            pool = {"admin": admins, "anyone": everyone}.get(who) or [users[who]]
            actor = _actor(pool[(i * 7 + i // 12) % len(pool)], organization, area)
        # About one entry a day and a bit, going back two months, at varied minutes.
        occurred = now - timedelta(hours=5 + i * 31, minutes=(i * 17) % 60, milliseconds=(i * 137) % 1000)
        ident = _stable(f"activity:{i}")
        entries.append(
            ActivityEntry(
                ident, occurred, namespace, action, actor, details(i, users, types), organization.uuid
            )
        )
    return entries


def _actor(user: User, organization: Organization, area: GroupsAudit) -> JSONDict:
    actor: JSONDict = {
        "uri": user.uri,
        "type": "User",
        "organization": {"uri": organization.uri, "role": user.role},
        "display_name": user.name,
        "alternative_identifier": user.email,
    }
    group = area.member_group(user.uuid)
    if group is not None:
        actor["group"] = {"uri": group[0].uri, "name": group[0].name, "role": group[1]}
    return actor
