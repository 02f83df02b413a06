"""What tells an import's ledger entries apart.  Both an opening balance (the
members engine) and the one-off grant for an old history (the history engine)
are ledger kind "import" (the hub caps them together); their note says which,
so a members file imported again corrects only the opening balance and never
takes a grant back."""
from __future__ import annotations

OPENING = "opening balance"
GRANT = "history grant"
