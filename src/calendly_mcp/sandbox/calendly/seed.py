"""The seeded organization: deterministic ids, times relative to the clock at reset."""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .booking import meeting_location
from .naming import stable_id
from .no_shows_records import seed_examples
from .organization_admin_records import seed_invitations
from .records import (
    AvailabilitySchedule,
    BusyBlock,
    Cancellation,
    Connection,
    CustomQuestion,
    EventType,
    Guest,
    Interval,
    Invitee,
    JSONDict,
    Organization,
    QuestionAnswer,
    Role,
    ScheduledEvent,
    State,
    User,
)

_NAMESPACE = uuid.UUID("6f1c7a52-3a5e-4f0e-9b1d-2c9f0d4e8a11")
SEED_WINDOW_DAYS = 28


def stable_uuid(name: str) -> str:
    """A UUID that is the same on every run, so tests and demos can name seeded objects."""
    return stable_id(_NAMESPACE, name)


def legacy_id(name: str) -> str:
    """A 16-character uppercase id, as older Calendly users and organizations have."""
    return base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()[:16]


@dataclass(frozen=True)
class _Person:
    key: str
    name: str
    email: str
    timezone: str
    locale: str
    time_notation: str
    role: Role
    ident: str


PEOPLE = (
    _Person(
        "maya", "Maya Patel", "maya.patel@northwind.example.com", "America/New_York", "en", "12h",
        "owner", legacy_id("user:maya"),
    ),
    _Person(
        "oliver", "Oliver Bennett", "oliver.bennett@northwind.example.com", "Europe/London", "en", "24h",
        "admin", stable_uuid("user:oliver"),
    ),
    _Person(
        "haruto", "Haruto Sato", "haruto.sato@northwind.example.com", "Asia/Tokyo", "en", "24h",
        "user", stable_uuid("user:haruto"),
    ),
    _Person(
        "lucia", "Lucía Gómez", "lucia.gomez@northwind.example.com", "Europe/Madrid", "es", "24h",
        "user", stable_uuid("user:lucia"),
    ),
)  # fmt: skip

# Each person's meeting locations (GET /locations): what their event types use, and a conferencing tool
# that is set up but not connected.
MEETING_LOCATIONS: dict[str, tuple[tuple[str, bool | None], ...]] = {
    "maya": (("zoom_conference", True), ("google_conference", True), ("outbound_call", None), ("physical", None),
             ("ask_invitee", None)),
    "oliver": (("google_conference", True), ("physical", None), ("ask_invitee", None),
               ("microsoft_teams_conference", False)),
    "haruto": (("zoom_conference", True), ("inbound_call", None)),
    "lucia": (("zoom_conference", True), ("webex_conference", False)),
}  # fmt: skip

# (name, email, timezone) of people who book meetings.
INVITEES = (
    ("Priya Shah", "priya.shah@example.com", "America/Chicago"),
    ("Tom Becker", "tom.becker@example.com", "Europe/Berlin"),
    ("Lucas Fernandes", "lucas.fernandes@example.com", "America/Sao_Paulo"),
    ("Kenji Watanabe", "kenji.watanabe@example.com", "Asia/Tokyo"),
    ("Amara Okafor", "amara.okafor@example.com", "Africa/Lagos"),
    ("Jonas Lindqvist", "jonas.lindqvist@example.com", "Europe/Stockholm"),
    ("Sofia Rossi", "sofia.rossi@example.com", "Europe/Rome"),
    ("Daniel Kim", "daniel.kim@example.com", "America/Los_Angeles"),
    ("Chloé Martin", "chloe.martin@example.com", "Europe/Paris"),
    ("Ethan Brooks", "ethan.brooks@example.com", "America/New_York"),
    ("Fatima Al-Sayed", "fatima.alsayed@example.com", "Asia/Dubai"),
    ("Liam O'Connor", "liam.oconnor@example.com", "Europe/Dublin"),
    ("Mei Chen", "mei.chen@example.com", "Asia/Singapore"),
    ("Noah Williams", "noah.williams@example.com", "Australia/Sydney"),
    ("Isabel Díaz", "isabel.diaz@example.com", "America/Mexico_City"),
    ("Grace Thompson", "grace.thompson@example.com", "America/Toronto"),
)

_ZOOM: JSONDict = {"kind": "zoom_conference"}
_MEET: JSONDict = {"kind": "google_conference"}
_NY_OFFICE: JSONDict = {
    "kind": "physical",
    "location": "Northwind Studio, 350 5th Ave, New York, NY 10118",
    "additional_info": "Ask for Maya at the front desk.",
}
_LONDON_OFFICE: JSONDict = {
    "kind": "physical",
    "location": "Northwind Studio London, 1 Finsbury Ave, London EC2M 2PF",
    "additional_info": "Reception on the 3rd floor.",
}
_TOKYO_PHONE: JSONDict = {"kind": "inbound_call", "phone_number": "+81 3-4567-8901"}


def _intro_questions() -> list[CustomQuestion]:
    return [
        CustomQuestion("What would you like to discuss?", "text", 0, required=True),
        CustomQuestion("Company name", "string", 1, required=False),
        CustomQuestion(
            "How did you hear about us?", "single_select", 2, required=False,
            answer_choices=["Search engine", "A friend or colleague", "Conference", "Newsletter"],
            include_other=True,
        ),
        CustomQuestion("Phone number for a callback", "phone_number", 3, required=False, enabled=False),
    ]  # fmt: skip


@dataclass(frozen=True)
class _TypeSpec:
    owner: str
    slug: str
    name: str
    duration: int
    duration_options: list[int] | None
    locations: list[JSONDict]
    description: str | None
    color: str
    active: bool = True
    group_limit: int | None = None
    questions: str | None = None  # "intro" or "design"
    secret: bool = False
    locale: str = "en"


TYPE_SPECS = (
    _TypeSpec("maya", "15min", "15 Minute Meeting", 15, None, [_ZOOM], "A quick check-in.", "#0069ff"),
    _TypeSpec(
        "maya", "30min", "30 Minute Meeting", 30, [30, 45, 60], [_ZOOM, _MEET],
        "A half-hour conversation; pick a longer slot if you need it.", "#8247f5",
    ),
    _TypeSpec(
        "maya", "intro-call", "Intro Call", 30, None, [_MEET, {"kind": "outbound_call"}],
        "Tell us about your project and we will see how Northwind can help.", "#17e885",
        questions="intro",
    ),
    _TypeSpec(
        "maya", "strategy-session", "Strategy Session", 60, None, [_NY_OFFICE],
        "An in-person working session at our New York studio.", "#ff4f00",
    ),
    _TypeSpec(
        "maya", "product-demo", "Product Demo (Group)", 45, None, [_ZOOM],
        "A live walkthrough of the product for up to four people.", "#e55cff", group_limit=4,
    ),
    _TypeSpec(
        "maya", "office-hours", "Office Hours", 30, None, [{"kind": "ask_invitee"}],
        "Retired: replaced by the Intro Call.", "#c1c1c1", active=False, secret=True,
    ),
    _TypeSpec("oliver", "15min", "15 Minute Meeting", 15, None, [_MEET], "A quick catch-up.", "#0069ff"),
    _TypeSpec(
        "oliver", "design-review", "Design Review", 60, [60, 90], [_LONDON_OFFICE, _MEET],
        "Walk through your designs with our design lead.", "#ffa600", questions="design",
    ),
    _TypeSpec(
        "oliver", "intro-call", "Intro Call", 30, None, [{"kind": "ask_invitee"}],
        "Meet wherever suits you.", "#17e885",
    ),
    _TypeSpec("haruto", "30min", "30 Minute Meeting", 30, None, [_ZOOM], "A half-hour call.", "#8247f5"),
    _TypeSpec(
        "haruto", "onboarding", "Onboarding Session", 60, None, [_TOKYO_PHONE],
        "Getting started with your new workspace.", "#1a73e8",
    ),
    _TypeSpec(
        "lucia", "consulta", "Consulta de 30 minutos", 30, None, [_ZOOM], "Una llamada de media hora.",
        "#00a2ff", locale="es",
    ),
)  # fmt: skip


def _questions(kind: str | None) -> list[CustomQuestion]:
    if kind == "intro":
        return _intro_questions()
    if kind == "design":
        return [
            CustomQuestion("Link to the designs", "string", 0, required=True),
            CustomQuestion("Anything we should know beforehand?", "text", 1, required=False),
        ]
    return []


def _working_week() -> dict[int, list[Interval]]:
    return {weekday: [(time(9), time(17))] for weekday in range(5)}


def _next_weekday(day: date, at_least: int) -> date:
    candidate = day + timedelta(days=at_least)
    while candidate.weekday() >= 5:
        candidate += timedelta(days=1)
    return candidate


def _schedule(person: _Person, now: datetime) -> AvailabilitySchedule:
    today = now.astimezone(ZoneInfo(person.timezone)).date()
    overrides: dict[date, list[Interval]] = {}
    if person.key in ("maya", "haruto"):
        # A short day ahead: mornings only.
        overrides[_next_weekday(today, 9)] = [(time(9), time(12))]
    else:
        # A day off ahead.
        overrides[_next_weekday(today, 11)] = []
    return AvailabilitySchedule(
        uuid=stable_uuid(f"schedule:{person.key}"),
        user=person.ident,
        name="Working hours",
        default=True,
        timezone=person.timezone,
        weekly=_working_week(),
        overrides=overrides,
    )


def _answers(event_type: EventType, index: int) -> list[QuestionAnswer]:
    canned = {
        "What would you like to discuss?": "We are planning a website relaunch and want a second opinion.",
        "Company name": "Example Corp",
        "How did you hear about us?": "A friend or colleague",
        "Link to the designs": "https://www.figma.com/file/example/relaunch",
        "Anything we should know beforehand?": "Mobile first, please.",
    }
    answers: list[QuestionAnswer] = []
    for question in event_type.custom_questions:
        if not question.enabled:
            continue
        # Optional questions are answered only some of the time, as in real bookings.
        if question.required or index % 2 == 0:
            answers.append(QuestionAnswer(question.name, canned.get(question.name, "n/a"), question.position))
    return answers


# Local start times tried in turn; the seed keeps those that fit the schedule and do not overlap.
_SLOTS = (time(9), time(10, 30), time(13), time(14, 30), time(16), time(11), time(15, 30))


@dataclass
class _Plan:
    person: _Person
    per_day: int  # meetings on a busy day
    every: int  # keep one day in `every`
    cancel_at: tuple[int, ...]  # indexes of meetings that get canceled


_PLANS = {
    "maya": _Plan(PEOPLE[0], per_day=2, every=1, cancel_at=(7, 40)),
    "oliver": _Plan(PEOPLE[1], per_day=1, every=2, cancel_at=(3,)),
    "haruto": _Plan(PEOPLE[2], per_day=1, every=3, cancel_at=()),
    "lucia": _Plan(PEOPLE[3], per_day=1, every=4, cancel_at=()),
}


def _fits(schedule: AvailabilitySchedule, zone: ZoneInfo, start: datetime, end: datetime) -> bool:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date():
        return False
    return any(
        a <= local_start.time() and local_end.time() <= b
        for a, b in schedule.intervals_on(local_start.date())
    )


def _events_for(
    plan: _Plan, types: list[EventType], schedule: AvailabilitySchedule, now: datetime, users: dict[str, User]
) -> list[ScheduledEvent]:
    person = plan.person
    zone = ZoneInfo(person.timezone)
    today = now.astimezone(zone).date()
    host = users[person.ident]
    bookable = [et for et in types if et.active]
    events: list[ScheduledEvent] = []
    counter = 0
    for offset in range(-SEED_WINDOW_DAYS, SEED_WINDOW_DAYS + 1):
        if offset % plan.every:
            continue
        day = today + timedelta(days=offset)
        taken: list[tuple[datetime, datetime]] = []
        per_day = plan.per_day if offset % 3 else 1
        for slot_index in range(len(_SLOTS)):
            if len(taken) >= per_day:
                break
            event_type = bookable[(counter + slot_index) % len(bookable)]
            local = _SLOTS[(offset + slot_index * 3) % len(_SLOTS)]
            start = datetime.combine(day, local, zone).astimezone(now.tzinfo)
            end = start + timedelta(minutes=event_type.duration)
            if not _fits(schedule, zone, start, end) or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            events.append(_meeting(person, host, event_type, start, end, counter, offset, now, plan))
            counter += 1
    return events


def _meeting(
    person: _Person,
    host: User,
    event_type: EventType,
    start: datetime,
    end: datetime,
    index: int,
    offset: int,
    now: datetime,
    plan: _Plan,
) -> ScheduledEvent:
    ident = stable_uuid(f"event:{person.key}:{offset}:{start.astimezone(ZoneInfo(person.timezone)).time()}")
    created = min(start - timedelta(days=3 + index % 9, hours=index % 5), now - timedelta(hours=2))
    who = [INVITEES[(index * 7 + len(person.key)) % len(INVITEES)]]
    if event_type.kind == "group":
        who.append(INVITEES[(index * 7 + len(person.key) + 5) % len(INVITEES)])
    event = ScheduledEvent(
        uuid=ident,
        event_type=event_type.uuid,
        name=event_type.name if event_type.kind == "group" else f"{event_type.name} with {who[0][0]}",
        hosts=[person.ident],
        start_time=start,
        end_time=end,
        location=meeting_location(event_type.locations[index % len(event_type.locations)], ident, who[0][2]),
        status="active",
        invitees_limit=event_type.invitees_limit,
        created_at=created,
        updated_at=created,
        calendar_event={
            "kind": "google" if person.key != "oliver" else "outlook",
            "external_id": hashlib.sha256(ident.encode()).hexdigest()[:26],
        },
        meeting_notes_plain="Share the agenda in advance." if index % 4 == 1 else None,
    )
    for position, (name, email, timezone) in enumerate(who):
        booked = created + timedelta(hours=2 * position)
        event.invitees.append(
            Invitee(
                uuid=stable_uuid(f"invitee:{ident}:{email}"),
                event=ident,
                name=name,
                email=email,
                timezone=timezone,
                status="active",
                questions_and_answers=_answers(event_type, index + position),
                created_at=booked,
                updated_at=booked,
                scheduling_method=None,
            )
        )
    if index % 5 == 2:
        event.guests.append(Guest(f"assistant{index}@example.com", created))
    if index in plan.cancel_at:
        _cancel(event, host, by_invitee=start < now, now=now)
    elif end < now and index % 11 == 4:
        # A past invitee who never showed up.
        first = event.invitees[0]
        first.no_show = (stable_uuid(f"no_show:{first.uuid}"), end + timedelta(minutes=10))
    return event


def _cancel(event: ScheduledEvent, host: User, *, by_invitee: bool, now: datetime) -> None:
    when = min(event.start_time - timedelta(hours=20), now - timedelta(hours=1))
    if by_invitee:
        invitee = event.invitees[0]
        cancellation = Cancellation(invitee.name, "Something came up, sorry!", "invitee", when)
    else:
        cancellation = Cancellation(host.name, "Conflict with a client workshop.", "host", when)
    event.status = "canceled"
    event.cancellation = cancellation
    event.updated_at = when
    for invitee in event.invitees:
        invitee.status = "canceled"
        invitee.cancellation = cancellation
        invitee.updated_at = when


# External calendar blocks: (days from today, local start, minutes, summary); every user gets them.
_EXTERNAL = (
    (1, time(12), 60, "Lunch with the team"),
    (2, time(12), 45, "Dentist"),
    (4, time(12), 60, "Lunch with the team"),
    (6, time(8), 60, "School run"),
    (8, time(12), 30, "Call with the bank"),
)


def _external_blocks(person: _Person, now: datetime) -> list[BusyBlock]:
    """Busy blocks from the user's connected calendar, at lunchtime where no seeded meeting sits."""
    zone = ZoneInfo(person.timezone)
    today = now.astimezone(zone).date()
    blocks: list[BusyBlock] = []
    for days, local, minutes, summary in _EXTERNAL:
        day = _next_weekday(today, days)
        start = datetime.combine(day, local, zone).astimezone(now.tzinfo)
        blocks.append(BusyBlock(person.ident, start, start + timedelta(minutes=minutes), summary))
    return blocks


def _connection(key: str, user: str, created: datetime) -> Connection:
    return Connection(
        connection_id=stable_uuid(f"connection:{key}"),
        status="ACTIVE",
        creation_time=created,
        last_updated_time=created + timedelta(minutes=2),
        session_token=hashlib.sha256(f"session:{key}".encode()).hexdigest()[:32],
        user=user,
    )


def build_state(now: datetime) -> State:
    """A fresh organization seen from `now` (UTC): its users, event types, schedules and meetings."""
    org_created = now - timedelta(days=900)
    organization = Organization(
        uuid=legacy_id("organization:northwind"),
        name="Northwind Studio",
        # Enterprise: every API area works; tests of plan gates move the plan down (POST /_sandbox/plan).
        plan="enterprise",
        stage="paid",
        created_at=org_created,
        updated_at=now - timedelta(days=30),
    )
    users: dict[str, User] = {}
    for number, person in enumerate(PEOPLE):
        joined = org_created + timedelta(days=40 * number, hours=3)
        users[person.ident] = User(
            uuid=person.ident,
            name=person.name,
            slug=person.name.lower().replace(" ", "-").replace("í", "i"),
            email=person.email,
            timezone=person.timezone,
            locale=person.locale,
            time_notation=person.time_notation,
            role=person.role,
            organization=organization.uuid,
            created_at=joined,
            updated_at=joined + timedelta(days=100),
            membership_uuid=stable_uuid(f"membership:{person.key}"),
            locations=list(MEETING_LOCATIONS[person.key]),
        )
    by_key = {person.key: person for person in PEOPLE}
    event_types: dict[str, EventType] = {}
    for number, spec in enumerate(TYPE_SPECS):
        created = org_created + timedelta(days=60 + 13 * number)
        owner = by_key[spec.owner]
        event_type = EventType(
            uuid=stable_uuid(f"event_type:{spec.owner}:{spec.slug}"),
            owner=owner.ident,
            name=spec.name,
            slug=spec.slug,
            duration=spec.duration,
            duration_options=spec.duration_options,
            active=spec.active,
            kind="group" if spec.group_limit else "solo",
            invitees_limit=spec.group_limit or 1,
            color=spec.color,
            description_plain=spec.description,
            internal_note="Keep these short." if spec.duration == 15 else None,
            locations=spec.locations,
            custom_questions=_questions(spec.questions),
            position=sum(1 for other in TYPE_SPECS[:number] if other.owner == spec.owner),
            secret=spec.secret,
            created_at=created,
            updated_at=created + timedelta(days=5),
            locale=spec.locale,
        )
        event_types[event_type.uuid] = event_type
    schedules = {person.ident: _schedule(person, now) for person in PEOPLE}
    events: list[ScheduledEvent] = []
    for key, plan in _PLANS.items():
        person = by_key[key]
        types = [et for et in event_types.values() if et.owner == person.ident]
        events += _events_for(plan, types, schedules[person.ident], now, users)
    events.sort(key=lambda event: (event.start_time, event.uuid))
    connections = [
        _connection("maya", PEOPLE[0].ident, now - timedelta(days=30)),
        _connection("haruto", PEOPLE[2].ident, now - timedelta(days=10)),
    ]
    return State(
        organization=organization,
        users=users,
        event_types=event_types,
        schedules={schedule.uuid: schedule for schedule in schedules.values()},
        events={event.uuid: event for event in events},
        connections={connection.connection_id: connection for connection in connections},
        seeded_at=now,
        busy_blocks=[block for person in PEOPLE for block in _external_blocks(person, now)],
        # no_shows
        no_show_examples=seed_examples(
            events, now, {"no_show": stable_uuid("no_show:extra"), "invitee": stable_uuid("invitee:forget")}
        ),
        # links
        # event_type_admin
        # organization_admin
        # Also adds the member who joined through the accepted invitation to `users` (the same dict).
        invitations=seed_invitations(organization, users, now),
        # groups_audit
        groups_audit=State.GroupsAudit.seeded(
            organization, [(p.key, users[p.ident]) for p in PEOPLE], event_types.values(), now
        ),
        # forms_recaps
        routing_forms=State.RoutingForms.seeded(organization.uuid, users, event_types, events, now),
        recaps=State.Recaps.seeded(users, events, now),
        # contacts
    )
