"""A period of the owner's figures: a run of whole days on the shop's clock.

It lives on the ground floor because both sides count over one: a till
(services.insights, with the shop's zone from its settings) and the hub
(services.hub.figures, with the chain's zone from its own tables).  Nothing
here reads settings: the zone is always given.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date  # first day, on the shop's clock
    end: dt.date  # last day, included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its first day")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    @classmethod
    def ending(cls, end: dt.date, days: int = 30) -> Period:
        return cls(end - dt.timedelta(days=days - 1), end)

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def day_in(now: dt.datetime, zone: Any) -> dt.date:
    """The date on `zone`'s clock at `now` (naive UTC, as stored)."""
    return now.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
