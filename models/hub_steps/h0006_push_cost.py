"""Hub step "push cost": what a push writes per operation, cut to what is read.

Every operation a till pushes writes a row to `applied_op` and its fact
(`hub_sale`, `hub_ledger`) and change (`change`) rows.  Each of those rows
carried a foreign key to `hub_till` (a trigger per row, a third of the
row's cost) and `hub_sale`, `hub_ledger` and `change` an index on
`origin_id` that nothing reads.  The rows' till is always the one whose token
pushed them, locked for the push, so the keys checked nothing the push did
not already know; what they guarded, a till deleted from under its facts,
is refused here once, on `hub_till` itself: a till is never deleted (it is
revoked) and its id never changes.  Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "applied_op" DROP CONSTRAINT IF EXISTS "applied_op_till_id_fkey"',
    'ALTER TABLE "hub_sale" DROP CONSTRAINT IF EXISTS "hub_sale_origin_id_fkey"',
    'ALTER TABLE "hub_ledger" DROP CONSTRAINT IF EXISTS "hub_ledger_origin_id_fkey"',
    'ALTER TABLE "change" DROP CONSTRAINT IF EXISTS "change_origin_id_fkey"',
    'DROP INDEX IF EXISTS "hub_sale_origin_id"',
    'DROP INDEX IF EXISTS "hub_ledger_origin_id"',
    'DROP INDEX IF EXISTS "change_origin_id"',
    """CREATE OR REPLACE FUNCTION hub_till_kept() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'a till is never deleted and keeps its id: revoke it instead';
    END
    $$ LANGUAGE plpgsql""",
    'DROP TRIGGER IF EXISTS hub_till_kept ON "hub_till"',
    """CREATE TRIGGER hub_till_kept BEFORE DELETE OR UPDATE OF "id" ON "hub_till"
        FOR EACH ROW EXECUTE PROCEDURE hub_till_kept()""",
)
