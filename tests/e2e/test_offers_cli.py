"""`main.py member --json` shows the member's personal offers (issue 14, item 2)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid

from tests.e2e.conftest import CASHIER_PIN, run


def test_member_json_carries_the_offers_a_cashier_would_see(shop):
    path, info = shop
    card = info["sample_cards"][0]
    with sqlite3.connect(path) as conn:
        member_id = conn.execute('SELECT member_id FROM "card" WHERE number = ?', (card,)).fetchone()[0]
        body = json.loads(conn.execute("SELECT body FROM rule_set WHERE status = 'active'"
                                       " ORDER BY effective_from DESC LIMIT 1").fetchone()[0])
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        conn.execute('INSERT INTO "issued_coupon" (id, code, promotion, member_id, sale_id, created_at, expires_at,'
                     " used_sale_id) VALUES (?, ?, ?, ?, NULL, ?, ?, NULL)",
                     (uuid.uuid4().bytes, "CAMP2026", body["next_visit_promotion"], member_id, str(now),
                      str(now + dt.timedelta(days=5))))
    out = json.loads(run("member", "--db", str(path), "--card", card, "--json", pin=CASHIER_PIN).stdout)
    offers = out["offers"]
    assert 1 <= len(offers) <= 3
    assert all(set(o) == {"kind", "text", "score", "product_id", "barcode", "name", "coupon"} for o in offers)
    assert {o["kind"] for o in offers} <= {"due", "companion", "coupon"}
    assert [o["coupon"] for o in offers if o["kind"] == "coupon"] == ["CAMP2026"]
    assert all(o["barcode"] and o["product_id"] for o in offers if o["kind"] != "coupon")
    # A shop this small has its goods bought together counted there and then, and kept (till-local).
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM setting WHERE key IN ('reach_baskets', 'reach_baskets_rules')"
                            ).fetchone()[0] == 2
