"""Step 2: the loyalty programme's records (issue 4) — coupons used and
issued, pending points, once-only bonuses, referrals and each member sale's
loyalty context.  New tables only: no v1 table changes, so a v1 file keeps
every row as it was.  Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "coupon_redemption" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "code" TEXT NOT NULL,
        "promotion" TEXT NOT NULL,
        "member_id" BLOB,
        "sale_id" BLOB,
        "created_at" DATETIME NOT NULL,
        FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX IF NOT EXISTS "coupon_redemption_code" ON "coupon_redemption" ("code")',
    'CREATE INDEX IF NOT EXISTS "coupon_redemption_member_id" ON "coupon_redemption" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "coupon_redemption_sale_id" ON "coupon_redemption" ("sale_id")',
    'CREATE INDEX IF NOT EXISTS "coupon_redemption_code_member_id" ON "coupon_redemption" ("code", "member_id")',
    """CREATE TABLE IF NOT EXISTS "event_bonus" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "member_id" BLOB NOT NULL,
        "kind" TEXT NOT NULL,
        "key" TEXT NOT NULL,
        "sale_id" BLOB,
        "points" INTEGER NOT NULL,
        "created_at" DATETIME NOT NULL,
        FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "event_bonus_member_id" ON "event_bonus" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "event_bonus_sale_id" ON "event_bonus" ("sale_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "event_bonus_member_id_kind_key" ON "event_bonus" ("member_id", "kind", "key")',
    """CREATE TABLE IF NOT EXISTS "issued_coupon" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "code" TEXT NOT NULL,
        "promotion" TEXT NOT NULL,
        "member_id" BLOB NOT NULL,
        "sale_id" BLOB,
        "created_at" DATETIME NOT NULL,
        "expires_at" DATETIME NOT NULL,
        "used_sale_id" BLOB,
        FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("used_sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT
    )""",
    'CREATE UNIQUE INDEX IF NOT EXISTS "issued_coupon_code" ON "issued_coupon" ("code")',
    'CREATE INDEX IF NOT EXISTS "issued_coupon_member_id" ON "issued_coupon" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "issued_coupon_sale_id" ON "issued_coupon" ("sale_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "issued_coupon_used_sale_id" ON "issued_coupon" ("used_sale_id")',
    """CREATE TABLE IF NOT EXISTS "pending_points" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "member_id" BLOB NOT NULL,
        "sale_id" BLOB NOT NULL,
        "points" INTEGER NOT NULL,
        "reversed" INTEGER NOT NULL,
        "available_at" DATETIME NOT NULL,
        "released_at" DATETIME,
        "created_at" DATETIME NOT NULL,
        FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX IF NOT EXISTS "pending_points_member_id" ON "pending_points" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "pending_points_sale_id" ON "pending_points" ("sale_id")',
    'CREATE INDEX IF NOT EXISTS "pending_points_available_at" ON "pending_points" ("available_at")',
    'CREATE INDEX IF NOT EXISTS "pending_points_member_id_released_at" ON "pending_points" ("member_id", "released_at")',
    """CREATE TABLE IF NOT EXISTS "referral" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "member_id" BLOB NOT NULL,
        "referrer_id" BLOB NOT NULL,
        "created_at" DATETIME NOT NULL,
        "rewarded_sale_id" BLOB,
        FOREIGN KEY ("member_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("referrer_id") REFERENCES "member" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("rewarded_sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT
    )""",
    'CREATE UNIQUE INDEX IF NOT EXISTS "referral_member_id" ON "referral" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "referral_referrer_id" ON "referral" ("referrer_id")',
    'CREATE INDEX IF NOT EXISTS "referral_rewarded_sale_id" ON "referral" ("rewarded_sale_id")',
    """CREATE TABLE IF NOT EXISTS "sale_loyalty" (
        "sale_id" BLOB NOT NULL PRIMARY KEY,
        "tier" TEXT NOT NULL,
        "bonus_points" INTEGER NOT NULL,
        "coupons" TEXT NOT NULL,
        "next_coupon" TEXT,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE CASCADE
    )""",
)
