"""Contacts and their custom field definitions: the records, how they render, the rules their values
follow, and the seeded contact book (people the seeded users met, and a few leads)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .records import EventType, JSONDict, ScheduledEvent, User, iso, uri
from .seed import INVITEES, PEOPLE, stable_uuid
from .store import Store

FIELDS = "contacts/custom_field_definitions"
FieldValue = str | int | float | bool | list[str] | None


@dataclass
class FieldOption:
    uuid: str
    label: str
    color: str
    is_active: bool = True

    def to_api(self) -> JSONDict:
        return {"uuid": self.uuid, "label": self.label, "color": self.color, "is_active": self.is_active}


@dataclass
class FieldDefinition:
    uuid: str
    label: str
    field_type: str
    created_at: datetime
    options: list[FieldOption] = field(default_factory=list[FieldOption])
    currency: str | None = None
    source: JSONDict | None = None

    @property
    def uri(self) -> str:
        return uri(FIELDS, self.uuid)

    def to_api(self) -> JSONDict:
        body: JSONDict = {
            "uri": self.uri,
            "label": self.label,
            "field_type": self.field_type,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.created_at),
        }
        if self.field_type == "single_select":
            body["options"] = [option.to_api() for option in self.options]
        if self.currency is not None:
            body["currency"] = self.currency
        if self.source is not None:
            body["source"] = dict(self.source)
        return body

    def problem(self, value: object) -> str | None:
        """Why `value` does not fit this field, in Calendly's terms, or None when it does."""
        if value is None:
            return None
        kind = self.field_type
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind in ("text", "invitee_question"):
            return None if isinstance(value, str) else "must be a string"
        if kind == "number":
            return None if number else "must be a number"
        if kind == "currency":
            whole = number and float(value).is_integer()  # pyright: ignore[reportArgumentType]
            return None if whole else "must be an integer amount in minor units"
        if kind == "tags":
            items: Any = value
            ok = isinstance(items, list) and all(isinstance(t, str) for t in items)  # pyright: ignore[reportUnknownVariableType]
            return None if ok else "must be an array of strings"
        if kind == "date":
            return None if isinstance(value, str) and _is_date(value) else "must be a date (YYYY-MM-DD)"
        if kind == "single_select":
            active = {o.uuid for o in self.options if o.is_active}
            return None if value in active else "must be the uuid of one of the field's active options"
        return None


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass
class Contact:
    uuid: str
    owner: str  # the user whose contact it is
    name: str | None
    emails: list[tuple[str, bool]]  # (address, is_primary)
    created_at: datetime
    updated_at: datetime
    phone_numbers: list[str] = field(default_factory=list[str])
    timezone: str | None = None
    job_title: str | None = None
    company: str | None = None
    country: str | None = None
    state: str | None = None
    city: str | None = None
    linkedin: str | None = None
    values: dict[str, FieldValue] = field(default_factory=dict[str, FieldValue])  # by definition uuid
    first_email_date: datetime | None = None
    last_email_date: datetime | None = None
    # Seeded contacts know their meetings; one created through the API starts with none known (the spec:
    # "Always null immediately after a contact is created").
    tracks_meetings: bool = False
    # How it came to be (webhook payloads say so; the API's resource does not): the seed's were made by
    # hand in Calendly, the others through the API.
    creation_source: str = "api"

    @property
    def uri(self) -> str:
        return uri("contacts", self.uuid)

    def addresses(self) -> set[str]:
        return {address.lower() for address, _ in self.emails}

    def meetings(
        self, events: Iterable[ScheduledEvent], now: datetime
    ) -> tuple[datetime | None, datetime | None]:
        """(next meeting, last meeting held) with its owner, from the active meetings the contact booked."""
        if not self.tracks_meetings:
            return None, None
        mine = self.addresses()
        starts = [
            event.start_time
            for event in events
            if event.status == "active"
            and self.owner in event.hosts
            and any(i.status == "active" and i.email.lower() in mine for i in event.invitees)
        ]
        upcoming = [s for s in starts if s > now]
        held = [s for s in starts if s <= now]
        return (min(upcoming) if upcoming else None, max(held) if held else None)

    def to_api(
        self,
        definitions: dict[str, FieldDefinition],
        meetings: tuple[datetime | None, datetime | None],
        *,
        with_fields: bool = True,
    ) -> JSONDict:
        next_meeting, last_meeting = meetings
        moments = [m for m in (last_meeting, self.last_email_date) if m is not None]
        body: JSONDict = {
            "uri": self.uri,
            "name": self.name,
            "emails": [{"email": address, "is_primary": primary} for address, primary in self.emails],
            "phone_numbers": [{"phone_number": number} for number in self.phone_numbers],
            "timezone": self.timezone,
            "job_title": self.job_title,
            "company": self.company,
            "country": self.country,
            "state": self.state,
            "city": self.city,
            "linkedin": self.linkedin,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "first_email_date": _iso(self.first_email_date),
            "last_email_date": _iso(self.last_email_date),
            "next_meeting_date": _iso(next_meeting),
            "last_meeting_date": _iso(last_meeting),
            "last_interaction_date": _iso(max(moments) if moments else None),
        }
        if with_fields:
            body["custom_fields"] = [
                {"uri": definitions[ident].uri, "label": definitions[ident].label, "value": value}
                for ident, value in self.values.items()
                if ident in definitions
            ]
        return body


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


@dataclass
class ContactBook:
    """Every user's contacts and the organization's custom field definitions."""

    definitions: dict[str, FieldDefinition]
    contacts: dict[str, Contact]

    def of(self, owner: str) -> list[Contact]:
        return [c for c in self.contacts.values() if c.owner == owner]

    def with_address(
        self, owner: str, addresses: Iterable[str], *, besides: str | None = None
    ) -> Contact | None:
        """The owner's contact (other than `besides`) that has one of these addresses already."""
        wanted = {a.lower() for a in addresses}
        return next(
            (c for c in self.of(owner) if c.uuid != besides and c.addresses() & wanted),
            None,
        )


def book(store: Store) -> ContactBook:
    """The state's contact book, seeded on first use (a reset starts a state without one)."""
    state = store.state()
    if not isinstance(state.contact_book, ContactBook):
        state.contact_book = _seed(store.seeded_at(), store.users(), store.event_types())
    return state.contact_book


def examples(store: Store) -> dict[str, object]:
    """The seeded contacts and fields the tests name (the sandbox's info()["examples"])."""
    seeded = book(store)
    return {
        "contact": uri("contacts", stable_uuid("contact:maya:priya.shah@example.com")),
        "contact_to_update": uri("contacts", stable_uuid("contact:maya:lucas.fernandes@example.com")),
        "contact_to_delete": uri("contacts", stable_uuid("contact:maya:elena.petrova@fabrikam.example.com")),
        "contact_of_other_user": uri("contacts", stable_uuid("contact:oliver:priya.shah@example.com")),
        "contact_field": uri(FIELDS, stable_uuid("contact_field:stage")),
        "contact_fields": {d.label: d.uri for d in seeded.definitions.values()},
        "contact_stage_options": {
            o.label: o.uuid for o in seeded.definitions[stable_uuid("contact_field:stage")].options
        },
    }


# --- the seed ----------------------------------------------------------------------------------------

# Where the seeded invitees work: (company, job title, city, state, country) by their position in INVITEES.
_WORK = (
    ("Globex", "Head of Operations", "Chicago", "IL", "US"),
    ("Initech", "Product Manager", "Berlin", None, "DE"),
    ("Umbrella Labs", "CTO", "São Paulo", "SP", "BR"),
    ("Globex", "Designer", "Tokyo", None, "JP"),
    ("Soylent Foods", "Founder", "Lagos", None, "NG"),
    ("Initech", "Engineer", "Stockholm", None, "SE"),
    ("Vandelay Industries", "Buyer", "Rome", None, "IT"),
    ("Hooli", "Engineering Manager", "Los Angeles", "CA", "US"),
    ("Massive Dynamic", "Marketing Lead", "Paris", None, "FR"),
    ("Hooli", "Recruiter", "New York", "NY", "US"),
    ("Stark Trading", "Finance Director", "Dubai", None, "AE"),
    ("Wayne Logistics", "Consultant", "Dublin", None, "IE"),
    ("Globex", "Data Scientist", "Singapore", None, "SG"),
    ("Oceanic Air", "Pilot Trainer", "Sydney", "NSW", "AU"),
    ("Tyrell Systems", "Account Executive", "Mexico City", None, "MX"),
    ("Cyberdyne", "Researcher", "Toronto", "ON", "CA"),
)
# Leads nobody has met yet: (name, email, timezone, company, job title, city, country).
_LEADS = (
    ("Ravi Iyer", "ravi.iyer@contoso.example.com", "Asia/Kolkata", "Contoso", "VP Sales", "Bengaluru", "IN"),
    ("Elena Petrova", "elena.petrova@fabrikam.example.com", "Europe/Sofia", "Fabrikam", "COO", "Sofia", "BG"),
)
# Whose contacts the invitees are, by position in INVITEES (the owner has most; two others a few).
_OWNERS = {"oliver": (0, 5, 8), "haruto": (3, 12)}


def _definitions(now: datetime, event_types: list[EventType], owner: User) -> dict[str, FieldDefinition]:
    def made(days: int) -> datetime:
        return now - timedelta(days=days)

    stage = FieldDefinition(
        stable_uuid("contact_field:stage"),
        "Deal stage",
        "single_select",
        made(300),
        options=[
            FieldOption(stable_uuid(f"contact_option:{label}"), label, color, active)
            for label, color, active in (
                ("Lead", "#8247f5", True),
                ("Qualified", "#0099ff", True),
                ("Customer", "#17e885", True),
                ("Churned", "#ff4f00", False),
            )
        ],
    )
    asked = next((et for et in event_types if et.owner == owner.uuid and et.custom_questions), None)
    definitions = [
        stage,
        FieldDefinition(stable_uuid("contact_field:notes"), "Account notes", "text", made(290)),
        FieldDefinition(
            stable_uuid("contact_field:deal"), "Deal size", "currency", made(280), currency="USD"
        ),
        FieldDefinition(stable_uuid("contact_field:team"), "Team size", "number", made(270)),
        FieldDefinition(stable_uuid("contact_field:renewal"), "Renewal date", "date", made(260)),
        FieldDefinition(stable_uuid("contact_field:interests"), "Interests", "tags", made(250)),
    ]
    if asked is not None:
        question = asked.custom_questions[0].name
        definitions.append(
            FieldDefinition(
                stable_uuid("contact_field:question"),
                question,
                "invitee_question",
                made(240),
                source={
                    "type": "event_type_invitee_question",
                    "event_type_uri": asked.uri,
                    "question": question,
                },
            )
        )
    return {d.uuid: d for d in definitions}


def _values(index: int, definitions: dict[str, FieldDefinition], now: datetime) -> dict[str, FieldValue]:
    stage = definitions[stable_uuid("contact_field:stage")]
    values: dict[str, FieldValue] = {stage.uuid: stage.options[index % 3].uuid}
    if index % 2 == 0:
        values[stable_uuid("contact_field:deal")] = 250_000 + 50_000 * index
        values[stable_uuid("contact_field:renewal")] = (
            (now + timedelta(days=30 + 11 * index)).date().isoformat()
        )
    if index % 3 == 0:
        values[stable_uuid("contact_field:team")] = 5 + 3 * index
        values[stable_uuid("contact_field:interests")] = ["scheduling", "automation"][: 1 + index % 2]
    if index % 4 == 1:
        values[stable_uuid("contact_field:notes")] = "Prefers morning calls."
    return values


def _seed(now: datetime, users: list[User], event_types: list[EventType]) -> ContactBook:
    owner = users[0]
    by_key = {person.key: users[number] for number, person in enumerate(PEOPLE)}
    definitions = _definitions(now, event_types, owner)
    contacts: list[Contact] = []

    def add(key: str, index: int, name: str, email: str, timezone: str, work: tuple[Any, ...]) -> None:
        company, job_title, city, state, country = work
        created = now - timedelta(days=200 - 9 * index, hours=index)
        emailed = index % 3 == 0
        local = email.split("@")[0]
        emails = [(email, True)]
        if index % 5 == 0:  # a work address beside the one they book with
            emails.append((f"{local}@{company.lower().replace(' ', '')}.example.com", False))
        contacts.append(
            Contact(
                uuid=stable_uuid(f"contact:{key}:{email}"),
                creation_source="manual",
                owner=by_key[key].uuid,
                name=name,
                emails=emails,
                created_at=created,
                updated_at=created + timedelta(days=3 + index % 7),
                phone_numbers=[f"+1 555 01{index:02d}"] if index % 2 == 0 else [],
                timezone=timezone,
                job_title=job_title,
                company=company,
                country=country,
                state=state,
                city=city,
                linkedin=f"https://www.linkedin.com/in/{local.replace('.', '-')}" if index % 4 == 0 else None,
                values=_values(index, definitions, now),
                first_email_date=created + timedelta(days=1) if emailed else None,
                last_email_date=now - timedelta(days=2 + index) if emailed else None,
                tracks_meetings=True,
            )
        )

    others = {number: key for key, numbers in _OWNERS.items() for number in numbers}
    for number, (name, email, timezone) in enumerate(INVITEES):
        add("maya", number, name, email, timezone, _WORK[number])
        if number in others:
            add(others[number], number, name, email, timezone, _WORK[number])
    for offset, (name, email, timezone, company, job_title, city, country) in enumerate(_LEADS):
        add("maya", len(INVITEES) + offset, name, email, timezone, (company, job_title, city, None, country))
    return ContactBook(definitions, {c.uuid: c for c in contacts})
