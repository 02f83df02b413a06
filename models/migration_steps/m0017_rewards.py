"""Step 17: rewards for points.  A `reward` is a catalogue product the shop gives
as a gift for a number of points (active or retired, with an optional stock
limit, a limit per member, the days it runs and a tier it asks for).  A gift
line of a sale names its reward and the points it cost (`sale_line.reward_id`,
`reward_points`; the partial index counts a reward's gifts without touching the
other lines); a sale keeps its gifts' points beside the points that paid the
bill (`sale.points_rewarded`), and a return the gift points it gave back
(`sale_return.points_unrewarded`).
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "reward" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "product_id" BLOB NOT NULL,
        "points" INTEGER NOT NULL CHECK (points > 0),
        "active" INTEGER NOT NULL,
        "stock" INTEGER CHECK (stock >= 0),
        "per_member" INTEGER CHECK (per_member > 0),
        "valid_from" DATE,
        "valid_to" DATE,
        "tier" TEXT NOT NULL,
        "created_at" DATETIME NOT NULL,
        "updated_at" DATETIME NOT NULL,
        FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "reward_product_id" ON "reward" ("product_id")',
    'ALTER TABLE "sale" ADD COLUMN "points_rewarded" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "sale_line" ADD COLUMN "reward_id" BLOB REFERENCES "reward" ("id") ON DELETE RESTRICT',
    'ALTER TABLE "sale_line" ADD COLUMN "reward_points" INTEGER NOT NULL DEFAULT 0',
    'CREATE INDEX IF NOT EXISTS "sale_line_gifts" ON "sale_line" ("reward_id") WHERE reward_id IS NOT NULL',
    'ALTER TABLE "sale_return" ADD COLUMN "points_unrewarded" INTEGER NOT NULL DEFAULT 0',
)
