"""Models of the organization and its invitations, as Calendly answers them, and the invitation row."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.resources import CalendlyModel


class Organization(CalendlyModel):
    """An organization: its plan and stage."""

    uri: str = Field(description="Organization URI.")
    name: str | None = Field(None, description="Name.")
    kind: str | None = Field(None, description="single or multiple (users).")
    plan: str = Field(description="basic, essentials, standard, professional, teams or enterprise.")
    stage: str = Field(description="trial, free or paid.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")


class OrganizationInvitation(CalendlyModel):
    """An invitation to join an organization."""

    uri: str = Field(description="Invitation URI.")
    organization: str = Field(description="Organization URI.")
    email: str = Field(description="Who was invited.")
    status: str = Field(description="pending, accepted or declined.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")
    last_sent_at: AwareDatetime | None = Field(None, description="When it was last sent.")
    user: str | None = Field(None, description="URI of the user who accepted it.")


class InvitationRow(BaseModel):
    """An invitation, in a list."""

    uri: str
    email: str
    status: str
    last_sent_at: AwareDatetime | None = None
    user: str | None = Field(None, description="Who accepted it")

    @classmethod
    def of(cls, invitation: OrganizationInvitation) -> InvitationRow:
        return cls(
            uri=invitation.uri,
            email=invitation.email,
            status=invitation.status,
            last_sent_at=invitation.last_sent_at,
            user=invitation.user,
        )
