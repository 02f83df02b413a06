"""Step 19: a member whose personal data was erased at their request
(services/reach/privacy.py) says so and when: `erased_at`.  The name, phone,
e-mail, birthday and note are anonymised in place (the sales, ledger and
money stay for the books); the mark lets every till and the hub (it travels
in the member's document) refuse to fill the record in again, leave the
member out of campaigns, and tell the owner why the name reads "Erased member".
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "member" ADD COLUMN "erased_at" DATETIME',
)
