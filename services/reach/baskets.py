"""Goods bought together: association rules over past baskets (issue 14, item 2).

A basket is one sale's distinct products, net of lines returned in full (a line of
no product of ours, an imported receipt's total, is in none).  For two products A
and B over N baskets:

- support(A -> B) = baskets with both / N;
- confidence(A -> B) = baskets with both / baskets with A;
- lift(A -> B) = confidence / (baskets with B / N): above 1, B comes with A more
  often than B comes at all.

Counted over the last BASKET_WINDOW's sales (a year: what people buy now, and a count
that does not grow with the shop's age): the baskets gathered in SQL, the products and
pairs counted in a pass over them (`count_rules`); only pairs in at least
MIN_PAIR_BASKETS baskets and MIN_SUPPORT of them count.  A rule is kept when its confidence reaches
MIN_CONFIDENCE and its lift is above MIN_LIFT; each product keeps its KEEP best
(by confidence, then lift).

The cashier's scan never counts: `refresh()` (a worker of the till, `main.py member`
and the bench) counts and keeps the result in two till-local settings — STATE_KEY,
small (the watermarks: the last sale and return rowids read, the baskets, when),
and RULES_KEY, the rules themselves — and counts again only when the sales have
moved on by REFRESH_SHARE of the baskets (or at least REFRESH_MIN_SALES), or a day
has passed with anything new.  `companions()` reads the kept rules, parsed once
per process and read again when the state's stamp changes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import operator
import threading
import uuid
from collections import Counter
from fractions import Fraction
from typing import Any, Iterable, Iterator

from models import db
from models.schema import Setting, utcnow
from services.core.storage import write_transaction

STATE_KEY = "reach_baskets"  # till-local (services.sync.client.LOCAL_KEYS)
RULES_KEY = "reach_baskets_rules"  # till-local, likewise
VERSION = 1
MIN_PAIR_BASKETS = 3  # a pair seen in fewer baskets says nothing, however small the shop
MIN_SUPPORT = Fraction(1, 10_000)  # ... nor one in fewer than this share of all baskets
MIN_CONFIDENCE = Fraction(1, 10)  # B in at least one basket in ten of those with A
MIN_LIFT = Fraction(1)  # strictly above: B comes with A more often than on its own
KEEP = 8  # rules kept per product
BASKET_WINDOW = dt.timedelta(days=365)  # the baskets counted: a year's (today's tastes; the count stays bounded)
REFRESH_SHARE = Fraction(1, 20)  # count again once the sales grew by this share of the baskets...
REFRESH_MIN_SALES = 200  # ... and by at least this many
REFRESH_AFTER = dt.timedelta(days=1)  # or when this long has passed and anything was sold or returned
CHEAP_SALES = 100_000  # up to this many sales a command counts the rules itself (well under a second)
_one_at_a_time = threading.Lock()
_kept: dict[str, Any] = {"key": None, "rules": {}}  # the parsed rules of the last stamp read


@dataclasses.dataclass(frozen=True)
class Rule:
    """A -> B over `baskets` baskets, as counts: the ratios are exact fractions."""

    antecedent: uuid.UUID
    consequent: uuid.UUID
    together: int  # baskets with both
    antecedent_baskets: int
    consequent_baskets: int
    baskets: int

    @property
    def support(self) -> Fraction:
        return Fraction(self.together, self.baskets)

    @property
    def confidence(self) -> Fraction:
        return Fraction(self.together, self.antecedent_baskets)

    @property
    def lift(self) -> Fraction:
        return Fraction(self.together * self.baskets, self.antecedent_baskets * self.consequent_baskets)

    def as_json(self) -> dict[str, Any]:
        return {"antecedent": str(self.antecedent), "consequent": str(self.consequent), "together": self.together,
                "support": float(self.support), "confidence": float(self.confidence), "lift": float(self.lift)}


@dataclasses.dataclass(frozen=True)
class Companion:
    """A product to offer because of one already in the basket (or bought before)."""

    product_id: uuid.UUID
    because_of: uuid.UUID
    confidence: Fraction
    lift: Fraction


# --- counting -------------------------------------------------------------------------------------

_GONE_LINES = ('INSERT INTO temp.reach_gone (id) SELECT rl.sale_line_id FROM "return_line" rl'
               ' JOIN "sale_line" l ON l.id = rl.sale_line_id GROUP BY rl.sale_line_id HAVING SUM(rl.qty) >= MAX(l.qty)')
_BASKETS = ('INSERT OR IGNORE INTO temp.reach_basket (sale, product) SELECT s.rowid, p.rowid'
            ' FROM "sale" s JOIN "sale_line" l ON l.sale_id = s.id JOIN "product" p ON p.id = l.product_id'
            ' WHERE s.created_at >= ? AND l.id NOT IN (SELECT id FROM temp.reach_gone)')
_READ = "SELECT sale, product FROM temp.reach_basket"  # in key order: a basket's rows together


def _each_basket() -> Iterator[list[int]]:
    for _, rows in itertools.groupby(db.obj.execute_sql(_READ), key=operator.itemgetter(0)):
        yield [product for _, product in rows]


def count_rules(*, since: dt.datetime | None = None, min_support: Fraction = MIN_SUPPORT,
                min_confidence: Fraction = MIN_CONFIDENCE, min_pair_baskets: int = MIN_PAIR_BASKETS
                ) -> tuple[int, list[Rule]]:
    """(baskets, every rule A -> B that passes the thresholds), counted from the sales made
    since `since` (naive UTC; None: all).  A read; the caller holds the snapshot if it needs
    the watermarks to agree.

    The baskets are gathered in SQL into a temporary table keyed (sale, product) by rowids
    (integers sort and compare faster than 16-byte ids); the products and the pairs are
    then counted in one pass each over it in key order.  Counting the pairs in SQL (a
    self-join grouped by pair) took four times as long at a million baskets: its sort of
    every pair row.  The second pass counts only pairs of products in at least `floor`
    baskets (no pair can be in more baskets than either product), which bounds its memory."""
    _drop()
    db.obj.execute_sql("CREATE TEMP TABLE reach_gone (id BLOB PRIMARY KEY) WITHOUT ROWID")
    db.obj.execute_sql("CREATE TEMP TABLE reach_basket (sale INTEGER, product INTEGER,"
                       " PRIMARY KEY (sale, product)) WITHOUT ROWID")
    try:
        db.obj.execute_sql(_GONE_LINES)
        db.obj.execute_sql(_BASKETS, [str(since) if since is not None else ""])
        items: Counter[int] = Counter()
        baskets = 0
        for basket in _each_basket():
            baskets += 1
            items.update(basket)
        if not baskets:
            return 0, []
        floor = max(min_pair_baskets, math.ceil(min_support * baskets))
        frequent = {p for p, n in items.items() if n >= floor}
        pairs: Counter[tuple[int, int]] = Counter()
        for basket in _each_basket():
            kept = [p for p in basket if p in frequent]  # in key order: each pair once, (low, high)
            if len(kept) > 1:
                pairs.update(itertools.combinations(kept, 2))
        ids = {rowid: uuid.UUID(bytes=bytes(key)) for rowid, key in db.obj.execute_sql('SELECT rowid, id FROM "product"')
               if rowid in frequent} if pairs else {}
        rules = []
        for (a, b), together in pairs.items():
            if together < floor:
                continue
            for x, y in ((a, b), (b, a)):
                rule = Rule(ids[x], ids[y], together, items[x], items[y], baskets)
                if rule.confidence >= min_confidence and rule.lift > MIN_LIFT:
                    rules.append(rule)
        return baskets, rules
    finally:
        _drop()


def _drop() -> None:
    db.obj.execute_sql("DROP TABLE IF EXISTS temp.reach_basket")
    db.obj.execute_sql("DROP TABLE IF EXISTS temp.reach_gone")


def _best(rules: Iterable[Rule], keep: int = KEEP) -> dict[uuid.UUID, list[Rule]]:
    by: dict[uuid.UUID, list[Rule]] = {}
    for rule in rules:
        by.setdefault(rule.antecedent, []).append(rule)
    return {a: sorted(found, key=lambda r: (-r.confidence, -r.lift, r.consequent.bytes))[:keep]
            for a, found in by.items()}


# --- the kept result --------------------------------------------------------------------------------

def _last(table: str) -> int:
    return int(db.obj.execute_sql(f'SELECT COALESCE(MAX(rowid), 0) FROM "{table}"').fetchone()[0])


def state() -> dict[str, Any] | None:
    row = Setting.get_or_none(Setting.key == STATE_KEY)
    if row is None:
        return None
    try:
        found = json.loads(row.value)
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("version") == VERSION else None


def is_due(now: dt.datetime | None = None) -> bool:
    """Whether the kept rules are missing or far enough behind the sales to count again."""
    found = state()
    if found is None:
        return True
    sales = _last("sale")
    moved = sales - found["sale"]
    if moved >= max(REFRESH_MIN_SALES, math.ceil(REFRESH_SHARE * found["baskets"])):
        return True
    anything = moved > 0 or _last("sale_return") > found["return"]
    return anything and (now or utcnow()) - dt.datetime.fromisoformat(found["at"]) >= REFRESH_AFTER


def refresh(*, now: dt.datetime | None = None, force: bool = False) -> dict[str, Any]:
    """Count the rules again when due (or forced) and keep them; returns
    {"counted": bool, "baskets", "rules", "seconds"}."""
    now = now or utcnow()
    with _one_at_a_time:
        if not force and not is_due(now):
            found = state() or {}
            return {"counted": False, "baskets": found.get("baskets", 0), "rules": found.get("rules", 0),
                    "seconds": 0.0}
        started = dt.datetime.now()
        with db.obj.atomic():  # one snapshot: the watermarks and what is counted agree
            sales, returned = _last("sale"), _last("sale_return")
            baskets, rules = count_rules(since=now - BASKET_WINDOW)
        best = _best(rules)
        items: dict[str, int] = {}
        body: dict[str, list[list[Any]]] = {}
        for a, kept in best.items():
            items[a.hex] = kept[0].antecedent_baskets
            body[a.hex] = [[r.consequent.hex, r.together] for r in kept]
            for r in kept:
                items[r.consequent.hex] = r.consequent_baskets
        kept_rules = sum(len(v) for v in body.values())
        stamp = {"version": VERSION, "sale": sales, "return": returned, "baskets": baskets, "rules": kept_rules,
                 "at": now.isoformat(sep=" ")}
        with write_transaction():
            # Not set_setting: this till's own bookkeeping, never signed nor sent.
            Setting.insert(key=RULES_KEY, value=json.dumps({"baskets": baskets, "items": items, "rules": body},
                                                           separators=(",", ":"))).on_conflict_replace().execute()
            Setting.insert(key=STATE_KEY, value=json.dumps(stamp)).on_conflict_replace().execute()
        seconds = (dt.datetime.now() - started).total_seconds()
        return {"counted": True, "baskets": baskets, "rules": kept_rules, "seconds": round(seconds, 3)}


def refresh_if_cheap(now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Count when due and the shop is small enough for a command to wait for it (CHEAP_SALES);
    a bigger shop's rules are counted by the till in the background."""
    if _last("sale") > CHEAP_SALES or not is_due(now):
        return None
    return refresh(now=now)


def kept_rules() -> dict[uuid.UUID, list[Rule]]:
    """The rules last counted, by antecedent (empty before the first count).  Parsed once
    per stamp: a scan reads one small setting to know the parse is still good."""
    row = db.obj.execute_sql('SELECT value FROM "setting" WHERE key = ?', [STATE_KEY]).fetchone()
    key = (str(db.obj.database), row[0] if row else None)
    if _kept["key"] == key:
        return _kept["rules"]
    rules: dict[uuid.UUID, list[Rule]] = {}
    found = db.obj.execute_sql('SELECT value FROM "setting" WHERE key = ?', [RULES_KEY]).fetchone() if row else None
    if found is not None:
        try:
            body = json.loads(found[0])
            items = {k: int(v) for k, v in body["items"].items()}
            for a, kept in body["rules"].items():
                rules[uuid.UUID(hex=a)] = [
                    Rule(uuid.UUID(hex=a), uuid.UUID(hex=b), int(n), items[a], items[b], int(body["baskets"]))
                    for b, n in kept]
        except (ValueError, KeyError, TypeError):
            rules = {}  # damaged: as if never counted; the next refresh writes it again
    _kept.update(key=key, rules=rules)
    return rules


def companions(product_ids: Iterable[uuid.UUID | str], limit: int = 3) -> list[Companion]:
    """Products often bought with these (not these themselves), the most likely first:
    each by its best rule from any of them."""
    rules = kept_rules()
    given = {p if isinstance(p, uuid.UUID) else uuid.UUID(str(p)) for p in product_ids}
    best: dict[uuid.UUID, tuple[tuple[int, int], Rule]] = {}
    for product in given:
        for rule in rules.get(product, ()):
            if rule.consequent in given:
                continue
            # Ranked by confidence then lift, compared as integers (no Fraction on the scan's path):
            # the same consequent's lift differs from one antecedent to another only by theirs.
            rank = (rule.together * 1_000_000 // rule.antecedent_baskets,
                    rule.together * rule.baskets * 1_000 // (rule.antecedent_baskets * rule.consequent_baskets))
            held = best.get(rule.consequent)
            if held is None or rank > held[0]:
                best[rule.consequent] = (rank, rule)
    ranked = sorted(best.values(), key=lambda kv: (-kv[0][0], -kv[0][1], kv[1].consequent.bytes))
    return [Companion(r.consequent, r.antecedent, r.confidence, r.lift) for _, r in ranked[:limit]]
