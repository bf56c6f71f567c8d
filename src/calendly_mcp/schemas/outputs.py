"""What the tools return: Calendly's resources as they are, and one page shape for every list."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from calendly_mcp.schemas.resources import Invitee

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a Calendly list."""

    collection: list[T]
    next_page_token: str | None = Field(
        None, description="Pass as page_token for the next page; null at the end"
    )


class Items(BaseModel, Generic[T]):
    """A whole Calendly list that is not paged (available times, busy times, schedules)."""

    collection: list[T]


class Deleted(BaseModel):
    """What a successful delete or removal answers."""

    deleted: bool = True
    uri: str = Field(description="What was deleted")


class Booked(Invitee):
    """What a booking answers: the invitee booked, and whether that booking was made by this call."""

    already_booked: bool = Field(
        description="True: this invitee already had this meeting (a repeated request); nothing new was booked"
    )
    note: str | None = Field(None, description="How the existing booking was found, when already_booked")
