"""Hub step "seeded": a till brings its history once.

A till that joined with a shop of its own sends its members, cards and
ledger as a seed (`/v1/snapshot?seed=more|last`), whose ledger entries the
hub cannot tie to sales it never saw.  `hub_till.seeded_at` is set when the
seed's last part arrives (or the till's first push): after that nothing is
taken on those terms again.  Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "hub_till" ADD COLUMN "seeded_at" TIMESTAMP',
)
