"""Administering the organization: its memberships and the invitations to join it (admins only)."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver.resolve import Resolve
from pydantic import Field

from calendly_mcp.client import ids
from calendly_mcp.client.client import CalendlyClient
from calendly_mcp.client.errors import InvalidInputError
from calendly_mcp.schemas.inputs import Count, Email, MyOrganization, PageToken
from calendly_mcp.schemas.organization_admin import InvitationRow, OrganizationInvitation
from calendly_mcp.schemas.outputs import Deleted, Page
from calendly_mcp.schemas.resources import OrganizationMembership, Resource
from calendly_mcp.tools._base import CREATE, DESTROY, READ, Ctx, Toolset, client, page, parse
from calendly_mcp.tools._confirm import Asked, Confirmed, ask, go_ahead
from calendly_mcp.tools._scope import organization_uri

TOOLS = Toolset("organization_admin", default=False)

MembershipId = Annotated[str, Field(max_length=256)]
# An invitation's URI names its organization: /organizations/<org>/invitations/<id>.
InvitationId = Annotated[str, Field(max_length=512)]
InvitationStatus = Literal["pending", "accepted", "declined"]
_ORGANIZATIONS = f"{ids.API_ORIGIN}/organizations/"


async def _invitation_path(api: CalendlyClient, invitation: str) -> str:
    """/organizations/<org>/invitations/<id> for an invitation URI, or for a bare id in your organization
    (the one you can administer)."""
    if "://" in invitation or invitation.startswith("/"):
        org_part, sep, invitation_id = invitation.removeprefix(_ORGANIZATIONS).partition("/invitations/")
        if not invitation.startswith(_ORGANIZATIONS) or not sep:
            raise InvalidInputError(
                f"invitation {invitation[:80]!r} is not an organization invitation URI",
                hint=f"Expected {_ORGANIZATIONS}<organization id>/invitations/<id>, or the bare id.",
            )
        org_id = ids.bare("organizations", org_part)
    else:
        invitation_id = invitation
        org_id = ids.bare("organizations", await organization_uri(api, None))
    return f"/organizations/{org_id}/invitations/{ids.bare('invitations', invitation_id)}"


@TOOLS.tool("Get organization membership", READ)
async def get_organization_membership(ctx: Ctx, membership: MembershipId) -> OrganizationMembership:
    """One membership: role and the member's profile."""
    answer = await client(ctx).get(ids.path("organization_memberships", membership))
    return parse(Resource[OrganizationMembership], answer).resource


async def _ask_remove(ctx: Ctx, membership: str) -> Asked:
    return await ask(
        ctx,
        lambda: f"Remove the member {ids.uri('organization_memberships', membership)} from the organization?",
    )


@TOOLS.tool("Remove organization member", DESTROY)
async def remove_organization_membership(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_remove)], membership: MembershipId
) -> Deleted:
    """Remove a member (not the owner) from the organization."""
    membership_id = ids.bare("organization_memberships", membership)
    go_ahead(confirmed, "remove the member")
    await client(ctx).delete(
        f"/organization_memberships/{membership_id}",
        check=f"Call get_organization_membership with membership={membership_id}: a 404 means it is gone.",
    )
    return Deleted(uri=ids.uri("organization_memberships", membership_id))


@TOOLS.tool("List organization invitations", READ)
async def list_organization_invitations(
    ctx: Ctx,
    organization: MyOrganization = None,
    status: InvitationStatus | None = None,
    email: Annotated[Email | None, Field(description="Invited address")] = None,
    sort: Literal["created_at:asc", "created_at:desc"] | None = None,
    count: Count = 20,
    page_token: PageToken = None,
) -> Page[InvitationRow]:
    """Invitations to join the organization."""
    api = client(ctx)
    org_id = ids.bare("organizations", await organization_uri(api, organization))
    params: dict[str, str | int | bool | None] = {
        "status": status,
        "email": email,
        "sort": sort,
        "count": count,
        "page_token": page_token,
    }
    found = page(OrganizationInvitation, await api.get(f"/organizations/{org_id}/invitations", params))
    rows = [InvitationRow.of(invitation) for invitation in found.collection]
    return Page(collection=rows, next_page_token=found.next_page_token)


@TOOLS.tool("Get organization invitation", READ)
async def get_organization_invitation(ctx: Ctx, invitation: InvitationId) -> OrganizationInvitation:
    """One organization invitation and its status."""
    api = client(ctx)
    answer = await api.get(await _invitation_path(api, invitation))
    return parse(Resource[OrganizationInvitation], answer).resource


@TOOLS.tool("Invite to organization", CREATE)
async def create_organization_invitation(
    ctx: Ctx,
    email: Annotated[Email, Field(description="Who to invite")],
    organization: MyOrganization = None,
) -> OrganizationInvitation:
    """E-mail an invitation to join the organization."""
    api = client(ctx)
    org_id = ids.bare("organizations", await organization_uri(api, organization))
    answer = await api.post(
        f"/organizations/{org_id}/invitations",
        {"email": email},
        check=f"Call list_organization_invitations with email={email} and look for a pending one.",
    )
    return parse(Resource[OrganizationInvitation], answer).resource


async def _ask_revoke(ctx: Ctx, invitation: str) -> Asked:
    async def question() -> str:
        return f"Revoke the invitation {ids.API_ORIGIN}{await _invitation_path(client(ctx), invitation)}?"

    return await ask(ctx, question)


@TOOLS.tool("Revoke organization invitation", DESTROY)
async def revoke_organization_invitation(
    ctx: Ctx, confirmed: Annotated[Confirmed, Resolve(_ask_revoke)], invitation: InvitationId
) -> Deleted:
    """Revoke an invitation not yet accepted."""
    api = client(ctx)
    path = await _invitation_path(api, invitation)
    go_ahead(confirmed, "revoke the invitation")
    await api.delete(
        path,
        check=f"Call get_organization_invitation with invitation={ids.API_ORIGIN}{path}: a 404 means it is revoked.",
    )
    return Deleted(uri=f"{ids.API_ORIGIN}{path}")
