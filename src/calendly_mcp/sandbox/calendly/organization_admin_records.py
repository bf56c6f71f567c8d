"""Organization invitations: the record, how it renders, and the seeded ones (with the member who joined
through one, the member the tests remove)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .naming import stable_id
from .records import AvailabilitySchedule, JSONDict, Organization, User, iso, uri

InvitationStatus = Literal["pending", "accepted", "declined"]

_NAMESPACE = uuid.UUID("0b5d6f1e-2c43-4a8e-9d67-5e1f3a9c7b20")


def _stable(name: str) -> str:
    return stable_id(_NAMESPACE, name)


@dataclass
class Invitation:
    """An invitation to join the organization. A revoked one is gone: Calendly has no such status."""

    uuid: str
    organization: str
    email: str
    status: InvitationStatus
    created_at: datetime
    updated_at: datetime
    last_sent_at: datetime | None
    user: str | None = None  # who accepted it

    @property
    def uri(self) -> str:
        return f"{uri('organizations', self.organization)}/invitations/{self.uuid}"

    def to_api(self) -> JSONDict:
        body: JSONDict = {
            "uri": self.uri,
            "organization": uri("organizations", self.organization),
            "email": self.email,
            "status": self.status,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "last_sent_at": None if self.last_sent_at is None else iso(self.last_sent_at),
        }
        # The spec types `user` as a URI (never null): present once the invitation was accepted.
        if self.user is not None:
            body["user"] = uri("users", self.user)
        return body


# (key, e-mail, status, days ago it was sent); the accepted one is the member seeded for removal.
_SEEDED: tuple[tuple[str, str, InvitationStatus, int], ...] = (
    ("sam", "sam.rivera@northwind.example.com", "accepted", 60),
    ("ines", "ines.moreau@example.com", "declined", 21),
    ("noor", "noor.haddad@example.com", "pending", 5),
    ("felix", "felix.wagner@example.com", "pending", 2),
)
DEPARTING = "sam"


def seed_invitations(
    organization: Organization, users: dict[str, User], now: datetime
) -> dict[str, Invitation]:
    """The seeded invitations. Adds to `users`, last (the owner stays first), the member who joined
    through the accepted one: no meetings, event types or schedules, so removing them breaks nothing."""
    invitations: dict[str, Invitation] = {}
    for key, email, status, days in _SEEDED:
        sent = now - timedelta(days=days)
        answered = None if status == "pending" else sent + timedelta(days=1, hours=2)
        member = None
        if status == "accepted":
            assert answered is not None
            member = User(
                uuid=_stable(f"user:{key}"),
                name="Sam Rivera",
                slug="sam-rivera",
                email=email,
                timezone="America/Los_Angeles",
                locale="en",
                time_notation="12h",
                role="user",
                organization=organization.uuid,
                created_at=answered,
                updated_at=answered,
                membership_uuid=_stable(f"membership:{key}"),
            )
            users[member.uuid] = member
        invitation = Invitation(
            uuid=_stable(f"invitation:{key}"),
            organization=organization.uuid,
            email=email,
            status=status,
            created_at=sent,
            updated_at=answered or sent,
            last_sent_at=sent,
            user=None if member is None else member.uuid,
        )
        invitations[invitation.uuid] = invitation
    return invitations


def invitation_examples(
    organization: Organization, users: list[User], schedules: list[AvailabilitySchedule]
) -> JSONDict:
    """The seeded ids tests use: invitations to read and to revoke, a membership to read (an admin's)
    and the one to remove, and a schedule of the owner's (`users` and `schedules` as they are now)."""

    def invitation(key: str) -> str:
        return f"{uri('organizations', organization.uuid)}/invitations/{_stable(f'invitation:{key}')}"

    return {
        "invitation": invitation("noor"),
        "invitation_to_revoke": invitation("felix"),
        "accepted_invitation": invitation("sam"),
        "membership": next(
            uri("organization_memberships", u.membership_uuid) for u in users if u.role == "admin"
        ),
        "membership_to_remove": uri("organization_memberships", _stable(f"membership:{DEPARTING}")),
        "availability_schedule": schedules[0].uri if schedules else None,
    }
