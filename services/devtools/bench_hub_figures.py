"""Bench: the chain's figures at the hub (services.hub.figures) over many sales.

    python -m services.devtools.bench_hub_figures --dsn postgresql://... [--sales 1000000] [--json]

Fills an EMPTY hub database (it refuses one that holds sales: a real hub is never
touched) with `--sales` sales by COPY, a year of them from four tills in two stores,
half of them a member's (100,000 members), 1 % returned by half, and half as many ledger
entries; then times, best of five, in one run:
- the baseline: one bare aggregate (COUNT, SUM) of the sales the figures read (the
  previous period's start, or 90 days before the end, to the end);
- chain_figures for the last 30 days (that period and the one before, every store and
  the chain), for one store, and for a whole year.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import time
import uuid
from typing import Any, Callable

from models.hub import hub_db, open_hub
from services.hub import figures
from services.insights.basis import Period

ZONE = "Europe/Chisinau"
END = dt.date(2026, 12, 5)


def _best(fn: Callable[[], Any], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _fill(cur: Any, sales: int) -> dict[str, int]:
    rng = random.Random(1)
    tills = [uuid.uuid4() for _ in range(4)]
    tag = uuid.uuid4().hex[:6]
    for i, till in enumerate(tills):
        cur.execute("INSERT INTO hub_till (id, name, number, token_hash, created_at, last_seq, store)"
                    " VALUES (%s, %s, (SELECT COALESCE(MAX(number), 0) + 1 FROM hub_till), %s, now(), 0, %s)",
                    (str(till), f"bench-figures-{tag}-{i}", uuid.uuid4().bytes * 2, ("North", "South")[i % 2]))
    members = [str(uuid.uuid4()) for _ in range(100_000)]
    start = dt.datetime.combine(END, dt.time()) - dt.timedelta(days=365)
    doc = json.dumps({"lines": [{"product_id": str(uuid.uuid4()), "qty": 1, "price": 1234, "total": 1234}] * 3})
    out, returned = io.StringIO(), []
    for i in range(sales):
        sale_id = uuid.uuid4()
        when = start + dt.timedelta(seconds=i * 365 * 86400 // sales)
        member = members[rng.randrange(len(members))] if rng.random() < 0.5 else "\\N"
        total = rng.randrange(100, 100_000)
        till = tills[i % 4]
        out.write(f"{sale_id}\t{till}\t{till}\tB{i}\t{member}\t{when.isoformat()}\t{total}\t{total}\t0\t{total // 100}\t{doc}\n")
        if rng.random() < 0.01:
            returned.append((sale_id, total, tills[i % 4]))
    out.seek(0)
    cur.copy_expert("COPY hub_sale (id, origin_id, till_id, receipt_no, member_id, created_at, total, paid_money,"
                    " points_redeemed, points_earned, doc) FROM STDIN", out)
    out = io.StringIO("".join(f"{uuid.uuid4()}\t{till}\t{sale_id}\t{total // 2}\t{total // 2}\t{{}}\n"
                              for sale_id, total, till in returned))
    cur.copy_expert("COPY hub_return (id, origin_id, sale_id, refund, value, doc) FROM STDIN", out)
    out = io.StringIO()
    for i in range(sales // 2):
        when = (start + dt.timedelta(seconds=i * 2 * 365 * 86400 // sales)).isoformat()
        kind, delta = ("earn", 10) if i % 5 else ("redeem", -30)
        out.write(f"{uuid.uuid4()}\t{members[i % len(members)]}\t{kind}\t{delta}\t\\N\t\\N\t\\N\t\\N\t\t{when}\t{tills[i % 4]}\t{when}\n")
    out.seek(0)
    cur.copy_expert("COPY hub_ledger (id, member_id, kind, delta, sale_id, return_id, till_id, staff_id, note,"
                    " created_at, origin_id, received_at) FROM STDIN", out)
    return {"sales": sales, "returns": len(returned), "ledger_entries": sales // 2}


def run(dsn: str, sales: int) -> dict[str, Any]:
    import psycopg2

    database = open_hub(dsn, max_connections=2)
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute("SELECT EXISTS (SELECT 1 FROM hub_sale)")
        if cur.fetchone()[0]:
            raise SystemExit("this hub holds sales: the bench fills an empty hub database only")
        started = time.perf_counter()
        filled = _fill(cur, sales)
        cur.execute("VACUUM ANALYZE")
        filled["fill_seconds"] = round(time.perf_counter() - started, 1)
        period = Period.ending(END, 30)
        year = Period.ending(END, 365)
        wide = min(period.previous().start, END - dt.timedelta(days=figures.ACTIVE_DAYS - 1))
        with database.connection_context():
            lo, hi = hub_db.execute_sql(
                "SELECT (%s::timestamp AT TIME ZONE %s) AT TIME ZONE 'UTC', (%s::timestamp AT TIME ZONE %s) AT TIME ZONE 'UTC'",
                (wide, ZONE, END + dt.timedelta(days=1), ZONE)).fetchone()
            bare = _best(lambda: hub_db.execute_sql(
                "SELECT COUNT(*), SUM(total) FROM hub_sale WHERE created_at >= %s AND created_at < %s", (lo, hi)).fetchone())
            read = hub_db.execute_sql("SELECT COUNT(*) FROM hub_sale WHERE created_at >= %s AND created_at < %s",
                                      (lo, hi)).fetchone()[0]
            chain = _best(lambda: figures.chain_figures(period, ZONE))
            store = _best(lambda: figures.chain_figures(period, ZONE, store="North"))
            whole_year = _best(lambda: figures.chain_figures(year, ZONE), 2)
            receipts = figures.chain_figures(period, ZONE)["receipts"]
    finally:
        conn.close()
        database.close_all()
    return {
        **filled, "period": period.as_json(), "receipts_in_period": receipts, "sales_read": read,
        "bare_aggregate_ms": round(bare * 1000, 1), "chain_figures_ms": round(chain * 1000),
        "one_store_ms": round(store * 1000), "whole_year_ms": round(whole_year * 1000),
        "chain_vs_bare": round(chain / bare, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.dsn, args.sales)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
