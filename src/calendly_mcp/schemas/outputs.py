"""What the tools return: Calendly's resources as they are, and one page shape for every list."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a Calendly list."""

    collection: list[T]
    next_page_token: str | None = Field(
        None, description="Pass as page_token for the next page; null at the end"
    )
