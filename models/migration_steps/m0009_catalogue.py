"""Step 9: a shop's own catalogue.  A product may have several barcodes
(product_code holds every one, the product's main barcode included, so the
database keeps any code to one product); each price change is kept
(price_change) so the owner sees what a product cost when; weighed goods
carry a PLU the scales print in their barcodes and are priced per kilogram,
and a weighed sale line keeps its grams and its price per kilogram.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "product" ADD COLUMN "weighed" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "product" ADD COLUMN "plu" INTEGER',
    'CREATE UNIQUE INDEX IF NOT EXISTS "product_plu" ON "product" ("plu")',
    'ALTER TABLE "sale_line" ADD COLUMN "grams" INTEGER',
    'ALTER TABLE "sale_line" ADD COLUMN "price_per_kg" INTEGER',
    """CREATE TABLE IF NOT EXISTS "product_code" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "product_id" BLOB NOT NULL,
        "code" TEXT NOT NULL,
        "kind" TEXT NOT NULL,
        FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX IF NOT EXISTS "product_code_product_id" ON "product_code" ("product_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "product_code_code" ON "product_code" ("code")',
    # Every product's barcode becomes its first code, with the product's own id:
    # every till of a chain upgrades to the same row, so sync sees one code, not two.
    """INSERT OR IGNORE INTO "product_code" ("id", "product_id", "code", "kind")
       SELECT "id", "id", "barcode",
              CASE length("barcode") WHEN 13 THEN 'ean13' WHEN 8 THEN 'ean8' WHEN 12 THEN 'upca' ELSE 'other' END
       FROM "product\"""",
    """CREATE TABLE IF NOT EXISTS "price_change" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "product_id" BLOB NOT NULL,
        "previous" INTEGER NOT NULL,
        "price" INTEGER NOT NULL CHECK (price >= 0),
        "effective_from" DATETIME NOT NULL,
        "staff_id" BLOB,
        FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE CASCADE,
        FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "price_change_product_id" ON "price_change" ("product_id")',
    'CREATE INDEX IF NOT EXISTS "price_change_staff_id" ON "price_change" ("staff_id")',
    'CREATE INDEX IF NOT EXISTS "price_change_product_id_effective_from" '
    'ON "price_change" ("product_id", "effective_from")',
)
