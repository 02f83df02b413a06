"""Step 5: the owner's authority over what governs the chain.

An owner's staff row carries the public half of a signing key and the salt
(with the derivation's parameters) it is derived from the owner's PIN with;
`row_signature` keeps the owner's signature of a governed row (staff, rule
set, setting) from the moment it was made until it is pushed.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "staff" ADD COLUMN "sign_key" TEXT',
    'ALTER TABLE "staff" ADD COLUMN "key_salt" TEXT',
    """CREATE TABLE IF NOT EXISTS "row_signature" (
        "kind" TEXT NOT NULL,
        "row_id" TEXT NOT NULL,
        "digest" TEXT NOT NULL,
        "signer" TEXT NOT NULL,
        "sig" TEXT NOT NULL,
        "signed_at" INTEGER NOT NULL,
        PRIMARY KEY ("kind", "row_id")
    )""",
)
