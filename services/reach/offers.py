"""Personal offers at scan: up to three suggestions for the member just scanned (issue 14, item 2).

Three sources:
- goods due: a product the member bought on at least MIN_PURCHASES days, usually
  every ~N days (N the median gap between those days, on the shop's clock), last
  bought more than N days ago — and not so long ago (LAPSED_TIMES N) that they
  have plainly stopped;
- companions: goods bought together with what they usually buy and with what is in
  the cart (services.reach.baskets: rules counted beforehand, never at the scan);
- their open personal coupons (models.schema.IssuedCoupon not used, not redeemed,
  not expired; campaigns issue them too).

Read at the scan, so bounded: the member's last HISTORY_RECEIPTS sales through the
(member, created_at) index and their lines through (sale, position), the coupons
by member, the kept rules from memory.  The best of each source comes first (the
cashier sees one of each kind when there is one), then the rest by score.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import uuid
from typing import Any, Iterable

from models import db
from models.schema import Member, Product, ProductCode
from services.core.messages import _, ngettext
from services.insights import basis
from services.reach import baskets

MIN_PURCHASES = 3  # days on which they bought it: two gaps make a habit
LAPSED_TIMES = 4  # last bought more than this many usual intervals ago: they stopped, it is not "due"
HISTORY_RECEIPTS = 400  # the member's latest sales read at the scan
SEEDS = 5  # the member's most often bought products whose companions are offered
COMPANION_WEIGHT = 0.8  # a companion's score: its rule's confidence times this
NEW_TO_THEM = 1.0  # ... times this for goods they never bought here,
BOUGHT_BEFORE = 0.6  # ... or this for goods they have

_HISTORY = (
    "SELECT s.created_at, l.product_id FROM"
    ' (SELECT id, created_at FROM "sale" WHERE member_id = ? ORDER BY created_at DESC LIMIT ?) s'
    ' JOIN "sale_line" l ON l.sale_id = s.id'
    " WHERE l.product_id IS NOT NULL"
    ' AND l.qty > COALESCE((SELECT SUM(rl.qty) FROM "return_line" rl WHERE rl.sale_line_id = l.id), 0)'
)
_COUPONS = (
    'SELECT c.code, c.promotion, c.expires_at FROM "issued_coupon" c'
    " WHERE c.member_id = ? AND c.used_sale_id IS NULL AND c.expires_at >= ?"
    ' AND NOT EXISTS (SELECT 1 FROM "coupon_redemption" r WHERE r.code = c.code)'
    " ORDER BY c.expires_at, c.code"
)


@dataclasses.dataclass(frozen=True)
class Suggestion:
    kind: str  # due | companion | coupon
    text: str  # worded for the cashier, in the current language
    score: float  # higher first; comparable across kinds
    product_id: str | None = None  # due, companion: what applying adds
    barcode: str | None = None
    name: str | None = None
    coupon: str | None = None  # coupon: the code applying presents

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Habit:
    """How a member buys one product: on `days` distinct days, every ~`every` days."""

    product_id: uuid.UUID
    days: int
    every: float  # the median gap, in days
    last: dt.date


def habits(member: Member, *, now: dt.datetime, zone: Any = None) -> dict[uuid.UUID, Habit]:
    """Each product in the member's recent history (lines not returned in full): on how
    many days they bought it, the usual gap and the last day.  `every` is 0 below two days."""
    zone = zone or basis.shop_zone()
    days: dict[bytes, set[dt.date]] = {}
    for created_at, product_id in db.obj.execute_sql(_HISTORY, (member.id.bytes, HISTORY_RECEIPTS)):
        days.setdefault(bytes(product_id), set()).add(basis.today(dt.datetime.fromisoformat(str(created_at)), zone))
    found = {}
    for key, seen in days.items():
        ordered = sorted(seen)
        gaps = [(b - a).days for a, b in zip(ordered, ordered[1:])]
        found[uuid.UUID(bytes=key)] = Habit(uuid.UUID(bytes=key), len(ordered),
                                            float(statistics.median(gaps)) if gaps else 0.0, ordered[-1])
    return found


def due_score(days_since: int, every: float) -> float:
    """0.5 just past the usual interval, rising with how overdue, 0.95 at most."""
    return min(0.95, 0.5 + 0.25 * (days_since / every - 1))


def is_due(habit: Habit, today: dt.date) -> bool:
    since = (today - habit.last).days
    return habit.days >= MIN_PURCHASES and habit.every > 0 and habit.every < since <= LAPSED_TIMES * habit.every


def suggest(member: Member, cart_product_ids: Iterable[uuid.UUID | str], *, now: dt.datetime, limit: int = 3,
            rules: Any = None, held_coupons: Iterable[str] = (), zone: Any = None) -> list[Suggestion]:
    """Up to `limit` suggestions for the member (see the module's docstring).  `rules`:
    the programme in force (a coupon whose promotion it no longer has is left out, and
    its promotion is named); `held_coupons`: codes already on the sale; `zone`: the
    shop's (the till knows it; read from the settings when not given)."""
    if _erased(member):
        return []  # the shop promised to forget them: nothing is suggested from their history
    zone = zone or basis.shop_zone()
    today = basis.today(now, zone)
    in_cart = {p if isinstance(p, uuid.UUID) else uuid.UUID(str(p)) for p in cart_product_ids}
    found: list[Suggestion] = []
    known = habits(member, now=now, zone=zone)
    due = [h for h in known.values() if h.product_id not in in_cart and is_due(h, today)]
    seeds = sorted(known.values(), key=lambda h: (-h.days, h.product_id.bytes))[:SEEDS]
    companions = [c for c in baskets.companions([*in_cart, *(h.product_id for h in seeds)], limit=limit * 3)
                  if c.product_id not in in_cart]
    products = _products({h.product_id for h in due} | {c.product_id for c in companions}
                         | {c.because_of for c in companions})
    for habit in due:
        product = products.get(habit.product_id)
        if product is None:
            continue  # archived since
        since = (today - habit.last).days
        every = max(1, round(habit.every))
        text = _("Usually buys {name} every ~{every}; last {ago}").format(
            name=product.name, every=ngettext("{n} day", "{n} days", every).format(n=every),
            ago=ngettext("{n} day ago", "{n} days ago", since).format(n=since))
        found.append(Suggestion("due", text, round(due_score(since, habit.every), 4), str(product.id),
                                product.barcode, product.name))
    offered = {s.product_id for s in found}
    for companion in companions:
        product, cause = products.get(companion.product_id), products.get(companion.because_of)
        if product is None or cause is None or str(product.id) in offered:
            continue
        weight = BOUGHT_BEFORE if companion.product_id in known else NEW_TO_THEM
        text = _("Often bought with {other}: {name}").format(other=cause.name, name=product.name)
        found.append(Suggestion("companion", text, round(float(companion.confidence) * COMPANION_WEIGHT * weight, 4),
                                str(product.id), product.barcode, product.name))
        offered.add(str(product.id))
    found.extend(coupons(member, now=now, rules=rules, held=held_coupons, zone=zone))
    return pick(found, limit)


def coupons(member: Member, *, now: dt.datetime, rules: Any = None, held: Iterable[str] = (),
            zone: Any = None) -> list[Suggestion]:
    """The member's open personal coupons, the soonest to expire first (scored higher)."""
    if _erased(member):
        return []
    zone = zone or basis.shop_zone()
    held = set(held)
    found = []
    for code, promotion, expires_at in db.obj.execute_sql(_COUPONS, (member.id.bytes, str(now))):
        if code in held:
            continue
        promo = rules.promotion(promotion) if rules is not None else None
        if rules is not None and promo is None:
            continue  # its promotion is over: the till would refuse it
        until = basis.today(dt.datetime.fromisoformat(str(expires_at)), zone)
        text = _("Personal coupon {code}: {promotion}, until {date}").format(
            code=code, promotion=promo.name if promo else promotion, date=until.strftime("%d.%m"))
        days_left = (until - basis.today(now, zone)).days
        found.append(Suggestion("coupon", text, round(0.9 + 0.09 / (1 + max(0, days_left)), 4), coupon=code))
    return found


def _erased(member: Member) -> bool:
    """Erased (services.reach.privacy) by now: the member on the sale may be read before."""
    row = db.obj.execute_sql('SELECT erased_at FROM "member" WHERE id = ?', (member.id.bytes,)).fetchone()
    return row is None or row[0] is not None


def pick(found: list[Suggestion], limit: int) -> list[Suggestion]:
    """The best of each kind first (by score), then the rest by score."""
    ranked = sorted(found, key=lambda s: (-s.score, s.kind, s.text))
    firsts: list[Suggestion] = []
    for suggestion in ranked:
        if all(s.kind != suggestion.kind for s in firsts):
            firsts.append(suggestion)
    firsts.sort(key=lambda s: (-s.score, s.kind, s.text))
    rest = [s for s in ranked if s not in firsts]
    return (firsts + rest)[:limit]


def product_ids(barcodes: Iterable[str]) -> list[uuid.UUID]:
    """The products of the codes on a sale (their own barcodes and their other codes; a
    scale's label, a code of no product, is none)."""
    codes = list(set(barcodes))
    if not codes:
        return []
    found = {p.id for p in Product.select(Product.id).where(Product.barcode.in_(codes))}
    found |= {c.product_id for c in ProductCode.select(ProductCode.product).where(ProductCode.code.in_(codes))}
    return sorted(found, key=lambda p: p.bytes)


@dataclasses.dataclass(frozen=True)
class _Product:
    id: uuid.UUID
    barcode: str
    name: str


def _products(ids: set[uuid.UUID]) -> dict[uuid.UUID, _Product]:
    """The active ones of these products (plain SQL: peewee's query building costs more
    than the read on this path)."""
    if not ids:
        return {}
    keys = [p.bytes for p in ids]
    rows = db.obj.execute_sql(f'SELECT id, barcode, name FROM "product" WHERE active AND id IN ({",".join("?" * len(keys))})',
                              keys)
    return {uuid.UUID(bytes=bytes(i)): _Product(uuid.UUID(bytes=bytes(i)), b, n) for i, b, n in rows}
