"""What find_common_free_times returns: the people found, the slots when all are free (UTC and local), a
summary of every day, and on request why one start time does not work."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from calendly_mcp.schemas.outputs import LOCAL, Day


class FreeSlot(BaseModel):
    """A span of the asked length when everyone is free."""

    start_time: AwareDatetime = Field(description="UTC")
    end_time: AwareDatetime = Field(description="UTC")
    start_local: str = Field(description=LOCAL)
    end_local: str = Field(description=LOCAL)


class Person(BaseModel):
    """A member whose calendar was read."""

    user: str = Field(description="User URI")
    name: str
    email: str
    timezone: str = Field(description="Zone of their availability schedule")


class Blocker(BaseModel):
    """One reason a person cannot make the explained time."""

    person: str = Field(description="E-mail")
    reason: Literal["busy", "outside_schedule"]
    detail: str


class Explanation(BaseModel):
    """Who blocks the start time given as explain_time."""

    start_time: AwareDatetime
    end_time: AwareDatetime
    start_local: str = Field(description=LOCAL)
    free: bool = Field(description="True: everyone can, within the working hours")
    outside_working_hours: bool
    blocked: list[Blocker]


class CommonFreeTimes(BaseModel):
    """Slots when every person is free: the first ones in full, every day of the range summarized."""

    timezone: str = Field(description="Zone of the *_local times and of the day summaries")
    people: list[Person]
    total: int = Field(description="Slots in the whole range")
    days: list[Day] = Field(description="Every day of the range with slots")
    collection: list[FreeSlot] = Field(description="The first slots, in order")
    more: str | None = Field(None, description="How to get the slots not listed; null when all are")
    explain: Explanation | None = Field(None, description="Given explain_time: who blocks it")
