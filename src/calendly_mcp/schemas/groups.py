"""Groups, group relationships and teams: Calendly's resources, the rows the list tools return, and the
argument types of the groups tools."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.resources import CalendlyModel, UserSummary

GroupId = Annotated[str, Field(max_length=256)]
RelationshipId = Annotated[str, Field(max_length=256)]
TeamId = Annotated[str, Field(max_length=256)]


class Group(CalendlyModel):
    """A group of users within an organization (GET /groups)."""

    uri: str = Field(description="Group URI.")
    name: str = Field(description="Name.")
    organization: str = Field(description="Organization URI.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")
    member_count: int | None = Field(None, description="Members (admins not counted).")


class MembershipOwner(CalendlyModel):
    """An organization member who holds a group relationship."""

    type: str | None = Field(None, description="OrganizationMembership.")
    uri: str = Field(description="Organization membership URI.")
    role: str = Field(description="Role in the organization: user, admin or owner.")
    user: UserSummary = Field(description="The member.")
    organization: str = Field(description="Organization URI.")
    created_at: AwareDatetime | None = Field(None, description="When the membership was created.")
    updated_at: AwareDatetime | None = Field(None, description="When the membership was last changed.")


class InvitationOwner(CalendlyModel):
    """Someone invited to the organization who holds a group relationship."""

    type: str | None = Field(None, description="OrganizationInvitation.")
    uri: str = Field(description="Organization invitation URI.")
    email: str = Field(description="Invited email.")
    status: str | None = Field(None, description="pending, accepted or declined.")
    organization: str | None = Field(None, description="Organization URI.")
    user: str | None = Field(None, description="User URI, once accepted.")
    created_at: AwareDatetime | None = Field(None, description="When the invitation was created.")
    updated_at: AwareDatetime | None = Field(None, description="When the invitation was last changed.")
    last_sent_at: AwareDatetime | None = Field(None, description="When it was last sent.")


class GroupRelationship(CalendlyModel):
    """Who is a member or an admin of which group (GET /group_relationships)."""

    uri: str = Field(description="Group relationship URI.")
    role: str = Field(description="member or admin.")
    owner: MembershipOwner | InvitationOwner = Field(
        union_mode="left_to_right", description="The member or invitee."
    )
    organization: str = Field(description="Organization URI.")
    group: str = Field(description="Group URI.")
    created_at: AwareDatetime = Field(description="When it was created.")
    updated_at: AwareDatetime = Field(description="When last changed.")


class Team(CalendlyModel):
    """Users who schedule together, with a shared booking page (GET /teams)."""

    uri: str = Field(description="Team URI.")
    name: str = Field(description="Name.")
    organization: str = Field(description="Organization URI.")
    scheduling_url: str = Field(description="Team booking page URL.")


# --- list rows ---------------------------------------------------------------------------------------


class GroupRow(BaseModel):
    """A group, in a list."""

    uri: str
    name: str
    member_count: int | None = None

    @classmethod
    def of(cls, group: Group) -> GroupRow:
        return cls(uri=group.uri, name=group.name, member_count=group.member_count)


class RelationshipRow(BaseModel):
    """Who holds which role in which group, in a list."""

    uri: str
    role: str = Field(description="member or admin")
    group: str = Field(description="Group URI")
    owner: str = Field(description="Membership or invitation URI")
    name: str | None = None
    email: str

    @classmethod
    def of(cls, relationship: GroupRelationship) -> RelationshipRow:
        owner = relationship.owner
        name, email = (
            (owner.user.name, owner.user.email) if isinstance(owner, MembershipOwner) else (None, owner.email)
        )
        return cls(
            uri=relationship.uri,
            role=relationship.role,
            group=relationship.group,
            owner=owner.uri,
            name=name,
            email=email,
        )


class TeamRow(BaseModel):
    """A team, in a list."""

    uri: str
    name: str
    scheduling_url: str

    @classmethod
    def of(cls, team: Team) -> TeamRow:
        return cls(uri=team.uri, name=team.name, scheduling_url=team.scheduling_url)
