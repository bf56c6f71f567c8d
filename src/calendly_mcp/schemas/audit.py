"""The activity log and outgoing communications: Calendly's resources, the rows the list tools return,
and the argument types of the audit tools."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.outputs import LOCAL, ZonedPage, local
from calendly_mcp.schemas.resources import CalendlyModel, Collection

T = TypeVar("T")

# Calendly's namespaces and actions are words of letters, digits, '_' and '-'.
LogWord = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
ActivitySort = Annotated[
    str,
    Field(
        pattern=r"^(occurred_at|namespace|action|actor\.(display_name|uri)):(asc|desc)$",
        description="field:asc|desc",
    ),
]
BODY_SHOWN = 300


class ActorOrganization(CalendlyModel):
    """The actor's place in the organization."""

    uri: str | None = Field(None, description="Organization URI.")
    role: str | None = Field(None, description="Role in the organization.")


class ActorGroup(CalendlyModel):
    """The actor's group."""

    uri: str | None = Field(None, description="Group URI.")
    name: str | None = Field(None, description="Group name.")
    role: str | None = Field(None, description="Role in the group.")


class Actor(CalendlyModel):
    """Who did it: a user, Calendly Support, or the Calendly System."""

    uri: str | None = Field(None, description="User URI.")
    type: str = Field(description="User or System.")
    organization: ActorOrganization | None = Field(None, description="Organization and role.")
    group: ActorGroup | None = Field(None, description="Group and role.")
    display_name: str | None = Field(None, description="Name.")
    alternative_identifier: str | None = Field(None, description="Username or email.")


class ActivityLogEntry(CalendlyModel):
    """One entry of an organization's activity log (GET /activity_log_entries)."""

    occurred_at: AwareDatetime = Field(description="When it happened.")
    actor: Actor | None = Field(None, description="Who did it.")
    details: dict[str, Any] = Field(description="What was done, as Calendly records it.")
    fully_qualified_name: str = Field(description="namespace.action.")
    uri: str = Field(description="Entry URI.")
    namespace: str = Field(description="Category, e.g. User.")
    action: str = Field(description="Action, e.g. Add.")
    organization: str = Field(description="Organization URI.")


class ActivityLog(Collection[ActivityLogEntry]):
    """A page of the activity log, with the number of matching entries."""

    last_event_time: AwareDatetime | None = Field(None, description="Newest entry of this page.")
    total_count: int | None = Field(None, description="Entries matching the filters.")
    exceeds_max_total_count: bool | None = Field(None, description="More match than total_count says.")


class OutgoingCommunication(CalendlyModel):
    """An e-mail or text Calendly sent (GET /outgoing_communications)."""

    type: str = Field(description="email or sms.")
    to: str = Field(description="Recipient address or number.")
    from_: str | None = Field(None, alias="from", description="Sender address or number.")
    subject: str | None = Field(None, description="Subject (e-mails).")
    body: str = Field(description="Text sent.")
    sender_uri: str | None = Field(None, description="URI of the user it was sent for.")
    sender_email: str | None = Field(None, description="That user's email.")
    event_type_uri: str | None = Field(None, description="Event type URI.")
    event_uri: str | None = Field(None, description="Scheduled event URI.")
    sent_at: AwareDatetime | None = Field(None, description="When it was sent.")
    created_at: AwareDatetime = Field(description="When it was created.")
    scheduling_url: str | None = Field(None, description="Booking page URL.")


class OutgoingCommunications(Collection[OutgoingCommunication]):
    """A page of outgoing communications, with the number matching."""

    total_count: int | None = Field(None, description="Communications matching the filters.")


# --- list rows ---------------------------------------------------------------------------------------


class ActivityRow(BaseModel):
    """An activity log entry, in a list."""

    occurred_at: AwareDatetime
    occurred_local: str = Field(description=LOCAL)
    name: str = Field(description="namespace.action")
    actor: str | None = Field(None, description="Who did it")
    actor_uri: str | None = None
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: ActivityLogEntry, zone: ZoneInfo) -> ActivityRow:
        actor = entry.actor
        return cls(
            occurred_at=entry.occurred_at,
            occurred_local=local(entry.occurred_at, zone),
            name=entry.fully_qualified_name,
            actor=None if actor is None else actor.display_name or actor.type,
            actor_uri=None if actor is None else actor.uri,
            details=entry.details,
        )


class CommunicationRow(BaseModel):
    """An e-mail or text Calendly sent, in a list."""

    type: str = Field(description="email or sms")
    to: str
    subject: str | None = None
    body: str = Field(description=f"First {BODY_SHOWN} characters")
    created_at: AwareDatetime
    created_local: str = Field(description=LOCAL)
    event: str | None = Field(None, description="Scheduled event URI")
    sender: str | None = Field(None, description="Host email")

    @classmethod
    def of(cls, sent: OutgoingCommunication, zone: ZoneInfo) -> CommunicationRow:
        body = sent.body if len(sent.body) <= BODY_SHOWN else sent.body[: BODY_SHOWN - 1] + "…"
        return cls(
            type=sent.type,
            to=sent.to,
            subject=sent.subject or None,
            body=body,
            created_at=sent.created_at,
            created_local=local(sent.created_at, zone),
            event=sent.event_uri,
            sender=sent.sender_email or sent.sender_uri,
        )


class CountedPage(ZonedPage[T], Generic[T]):
    """One page of a list whose rows carry times, and how many match in all."""

    total: int | None = Field(None, description="Matches in all pages")
