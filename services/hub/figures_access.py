"""Who may read the chain's figures from the hub (GET /v1/figures), and how.

A till's token says which till is speaking, and the hub trusts no single
till: a token copied from one shop's PC must not read the whole chain's
revenue.  So:

- with its token alone a till reads its own store's figures (the store the
  hub's admin named for it, `hub set-store`): what its own staff could add up
  from its own receipts anyway, so a copied token leaks nothing a copied till
  file would not;
- the chain's total, and any other store, need the owner's signature over
  exactly the question asked (services.core.signing: kind "figures", the
  period and the store, and when it was signed) by an owner key the hub
  trusts (services.hub.governance), signed within the last SKEW_MS: the
  owner signed in at a till asks, and a captured request is good for minutes,
  for that question only.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from models.hub import HubTill
from services.core import questions
from services.hub import figures, governance
from services.core.periods import Period

KEY_HEADER, SIG_HEADER, AT_HEADER = "X-Owner-Key", "X-Owner-Sig", "X-Owner-At"
MAX_DAYS = 1100  # a period longer than three years is no question a screen asks: bounded, as every number


class NotAllowed(Exception):
    pass


class BadQuestion(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Reading:
    start: dt.date
    end: dt.date
    store: str | None
    key: str | None = None
    sig: str | None = None
    at: str | None = None


def read(till: HubTill, reading: Reading, *, now: dt.datetime) -> dict[str, Any]:
    """The figures `reading` asks for, if this till may read them (NotAllowed otherwise)."""
    if reading.end < reading.start:
        raise BadQuestion("'from' must be on or before 'to'")
    if (reading.end - reading.start).days >= MAX_DAYS:
        raise BadQuestion(f"a period is at most {MAX_DAYS} days")
    owner = reading.key is not None or reading.sig is not None or reading.at is not None
    if owner:
        _owner_signed(reading, now)
    else:
        own = HubTill.get_by_id(till.id).store  # as it is now, not as the door read it
        if own is None:
            raise NotAllowed("this till has no store at the hub ('hub set-store'); the chain's figures need the owner's signature")
        if reading.store not in (None, own):
            raise NotAllowed("another store's figures need the owner's signature")
        reading = dataclasses.replace(reading, store=own)
    zone = figures.chain_zone()
    answer = figures.chain_figures(Period(reading.start, reading.end), zone, store=reading.store)
    return {**answer, "signed_by_owner": owner}


def _owner_signed(reading: Reading, now: dt.datetime) -> None:
    try:
        at = int(reading.at or "")
    except ValueError:
        raise NotAllowed("reading the chain's figures needs the owner's signature (the signature is malformed)") from None
    now_ms = int(now.replace(tzinfo=dt.timezone.utc).timestamp() * 1000)
    proof = {"key": reading.key, "sig": reading.sig, "at": at}
    try:
        governance.signed_by(questions.FIGURES, *questions.figures_question(reading.start, reading.end, reading.store), proof,
                             what="reading the chain's figures", now_ms=now_ms)
    except governance.Refused as exc:
        raise NotAllowed(str(exc)) from None
    if at < now_ms - governance.SKEW_MS:
        raise NotAllowed("the owner's signature on this question is too old: ask again")
