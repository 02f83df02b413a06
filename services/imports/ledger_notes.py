"""What tells an import's ledger entries apart (both are kind "import"): the
opening balance a members file brought, or the one-off grant on an imported
sales history.  Each engine counts only its own."""
OPENING = "opening balance"
GRANT = "history grant"
