"""A question a till asks the hub with the owner's signature (the ground floor both share).

The owner signs exactly the question (services.core.signing: kind, an id made
of its terms, the terms as a document, and when), so a signature cannot be
moved to another period or store; the hub checks it (services.hub.figures_access).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

FIGURES = "figures"


def figures_question(start: dt.date, end: dt.date, store: str | None) -> tuple[str, dict[str, Any]]:
    """(id, document) of "the chain's figures from `start` to `end`, of `store` (None: every store)"."""
    return (f"{start.isoformat()}/{end.isoformat()}/{store or ''}",
            {"from": start.isoformat(), "to": end.isoformat(), "store": store})
