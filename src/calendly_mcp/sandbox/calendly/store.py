"""The sandbox's Calendly state and the queries the API answers from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from .pagination import PageTokens
from .records import EventType, Invitee, ScheduledEvent, State, User
from .seed import build_state

SortKey = Literal["name", "position", "created_at", "updated_at", "start_time"]


class Store:
    """Holds the state; every answer is computed from it, so writes show up in later reads."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.tokens = PageTokens()
        # Bumped on every reset so page tokens issued before it become stale.
        self.generation = 0
        self.state: State = build_state(clock())

    def now(self) -> datetime:
        return self._clock()

    def reset(self) -> None:
        self.generation += 1
        self.state = build_state(self._clock())

    # Lookups

    @property
    def owner(self) -> User:
        return next(iter(self.state.users.values()))

    def user(self, ident: str) -> User | None:
        return self.state.users.get(ident)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self.state.users.values() if u.email.lower() == email.lower()), None)

    def event_type(self, ident: str) -> EventType | None:
        return self.state.event_types.get(ident)

    def event(self, ident: str) -> ScheduledEvent | None:
        return self.state.events.get(ident)

    def invitee(self, event: ScheduledEvent, ident: str) -> Invitee | None:
        return next((i for i in event.invitees if i.uuid == ident), None)

    # Queries

    def event_types(
        self, owners: set[str] | None, active: bool | None, sort: list[tuple[str, bool]]
    ) -> list[EventType]:
        found = [
            et
            for et in self.state.event_types.values()
            if (owners is None or et.owner in owners) and (active is None or et.active == active)
        ]
        for field, descending in reversed(sort):
            found.sort(key=_event_type_key(field), reverse=descending)
        return found

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

        found = [event for event in self.state.events.values() if keep(event)]
        found.sort(key=lambda event: (event.start_time, event.uuid), reverse=descending)
        return found

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

    def members(self, *, user: str | None, email: str | None, role: str | None) -> list[User]:
        found = [
            member
            for member in self.state.users.values()
            if (user is None or member.uuid == user)
            and (email is None or member.email.lower() == email.lower())
            and (role is None or member.role == role)
        ]
        found.sort(key=lambda member: (member.created_at, member.uuid))
        return found


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
