"""Opening balances as an owner's import writes them (issue 12, item 2), for the
sync tests on both sides: one ledger entry of kind "import" per member, its
payload in the outbox as services.programme.ledger.post records it, and the
signed-in owner's signature of exactly that payload kept until sync pushes it
(services.journal.authority.sign_rows, kind "ledger_import").  The members
engine (services.imports.members) does the same in chunks."""
from __future__ import annotations

import datetime as dt
from typing import Any

from models.schema import LedgerEntry, Member
from services.core.serialize import as_columns
from services.core.storage import write_transaction
from services.journal import authority
from services.programme import ledger

SIGNED_AS = "ledger_import"


def import_balances(balances: list[tuple[Member, int]], *, now: dt.datetime | None = None,
                    now_ms: int | None = None) -> list[dict[str, Any]]:
    """Post and sign one import entry per (member, points); returns each entry's
    payload as the outbox carries it.  Signed only if an owner is signed in."""
    with write_transaction():
        payloads = [as_columns(LedgerEntry, ledger.post(member, "import", points, note="opening balance", now=now))
                    for member, points in balances]
        authority.sign_rows(SIGNED_AS, [(p["id"], p) for p in payloads], now_ms=now_ms)
    return payloads
