"""Rewards for points: catalogue products the shop gives as gifts for points.

The owner sets them up in the programme (a product, its price in points, and
optionally a stock limit, a limit per member, the days it runs and a tier it
asks for); at the till the cashier takes one for the scanned member and it
goes on the sale as a line at price 0, "gift for 500 points".  The points are
spent with the sale, in its transaction, as one ledger entry of kind
"reward" (services.sale.checkout); a return of the gift gives them back with a
positive "reward" entry (services.sale.returns).  A kind of its own, not
"redeem": a redeem entry is the points that paid the bill (the sale's
`points_redeemed`, worth `points_value` of money), which the hub checks to
the point; a gift's points buy no money off the bill, so they are kept apart
(`sale.points_rewarded`) and checked apart.

The limits are counted on this till's sales, net of returns: a chain shares
the points (the hub's holds, the offline caps), not the gifts' stock.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from models import db
from models.schema import Member, Product, Reward, Staff, utcnow
from services.core.errors import InputError, NotFound
from services.core.periods import day_in
from services.core.storage import write_transaction
from services.journal import audit
from services.programme.pricing import CartLine
from services.programme.rules import Rules
from services.shop import catalogue
from services.shop import staff as auth
from services.shop.settings import shop_info

MAX_POINTS = 10_000_000  # a gift's price in points, as the hub bounds a sale's points
MAX_LIMIT = 1_000_000


@dataclass(frozen=True)
class RewardView:
    """A reward as the owner's list and the till show it."""

    id: str
    barcode: str
    name: str
    points: int
    active: bool
    stock: int | None
    per_member: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    tier: str
    given: int  # gifts given here, net of returns

    @property
    def left(self) -> int | None:
        return None if self.stock is None else max(self.stock - self.given, 0)

    def as_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        out["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        out["left"] = self.left
        return out


@dataclass(frozen=True)
class Offer:
    """A reward as one member may take it now: `refusal` is the InputError that taking
    it would raise (None: it can be taken)."""

    reward: RewardView
    taken: int  # by this member, net of returns (this sale's not counted)
    refusal: InputError | None

    @property
    def available(self) -> bool:
        return self.refusal is None


# --- the owner's list ---------------------------------------------------------------


def _view(reward: Reward, product: Product, given: int) -> RewardView:
    return RewardView(
        id=str(reward.id), barcode=product.barcode, name=product.name, points=reward.points,
        active=bool(reward.active), stock=reward.stock, per_member=reward.per_member,
        valid_from=reward.valid_from, valid_to=reward.valid_to, tier=reward.tier, given=given,
    )


def listing(include_retired: bool = False) -> list[RewardView]:
    """The shop's rewards, by points then name; retired ones at the end when asked for."""
    query = Reward.select(Reward, Product).join(Product)
    if not include_retired:
        query = query.where(Reward.active == True)  # noqa: E712
    rows = list(query)
    given = _given({r.id for r in rows})
    out = [_view(r, r.product, given.get(r.id, 0)) for r in rows]
    return sorted(out, key=lambda v: (not v.active, v.points, v.name.casefold()))


def get(ref: str) -> Reward:
    """A reward by its id, or the active reward of a product by any of its barcodes."""
    ref = ref.strip()
    try:
        found = Reward.get_or_none(Reward.id == uuid.UUID(ref))
    except ValueError:
        found = None
    if found is None:
        product = catalogue.find_code(ref)
        if product is not None:
            found = (Reward.select().where((Reward.product == product.id) & (Reward.active == True))  # noqa: E712
                     .order_by(Reward.created_at.desc()).first())
    if found is None:
        raise NotFound("reward_unknown", ref=ref)
    return found


def product_for(text: str) -> Product:
    """The product an owner means: by any of its barcodes, else the one product whose name
    or SKU matches what they typed."""
    text = text.strip()
    if not text:
        raise InputError("reward_product_unclear", text=text)
    product = catalogue.find_code(text)
    if product is not None:
        return product
    found = catalogue.search(text)
    if len(found) != 1:
        raise InputError("reward_product_unclear", text=text)
    return found[0]


def _check_terms(points: int, stock: int | None, per_member: int | None,
                 valid_from: dt.date | None, valid_to: dt.date | None, tier: str, rules: Rules | None) -> None:
    if not 1 <= points <= MAX_POINTS:
        raise InputError("reward_points", max=MAX_POINTS)
    if stock is not None and not 0 <= stock <= MAX_LIMIT:
        raise InputError("reward_limit", max=MAX_LIMIT)
    if per_member is not None and not 1 <= per_member <= MAX_LIMIT:
        raise InputError("reward_limit", max=MAX_LIMIT)
    if valid_from and valid_to and valid_to < valid_from:
        raise InputError("reward_dates")
    if tier and rules is not None and rules.tier(tier) is None:
        raise InputError("reward_tier_unknown", tier=tier)


def add(barcode: str, points: int, *, actor: Staff | None, stock: int | None = None, per_member: int | None = None,
        valid_from: dt.date | None = None, valid_to: dt.date | None = None, tier: str = "",
        rules: Rules | None = None, now: dt.datetime | None = None) -> Reward:
    """Offer a catalogue product as a gift for `points` (the owner's: part of the programme)."""
    auth.require(actor, "edit_rules")
    _check_terms(points, stock, per_member, valid_from, valid_to, tier, rules)
    now = now or utcnow()
    with write_transaction():
        product = catalogue.by_barcode(barcode)
        if product.weighed:
            raise InputError("reward_weighed", name=product.name)
        if product.category.loyalty_excluded:  # tobacco, alcohol, gift cards: never a discount, never a gift
            raise InputError("reward_excluded", name=product.name, category=product.category.name)
        if Reward.select().where((Reward.product == product.id) & (Reward.active == True)).exists():  # noqa: E712
            raise InputError("reward_twice", name=product.name)
        reward = Reward.create(product=product, points=points, stock=stock, per_member=per_member,
                               valid_from=valid_from, valid_to=valid_to, tier=tier, created_at=now, updated_at=now)
        audit.record("reward_added", actor, target=product.name, now=now, points=points, stock=stock,
                     per_member=per_member, tier=tier)
    return reward


_UNSET: Any = object()


def edit(reward_id: str, *, actor: Staff | None, points: int = _UNSET, stock: int | None = _UNSET,
         per_member: int | None = _UNSET, valid_from: dt.date | None = _UNSET, valid_to: dt.date | None = _UNSET,
         tier: str = _UNSET, active: bool = _UNSET, rules: Rules | None = None,
         now: dt.datetime | None = None) -> Reward:
    """Change a reward's terms (only those given); `active=False` retires it, True offers it again."""
    auth.require(actor, "edit_rules")
    now = now or utcnow()
    with write_transaction():
        reward = get(reward_id)
        changes = {name: value for name, value in (
            ("points", points), ("stock", stock), ("per_member", per_member), ("valid_from", valid_from),
            ("valid_to", valid_to), ("tier", tier), ("active", active)) if value is not _UNSET}
        for name, value in changes.items():
            setattr(reward, name, value)
        _check_terms(reward.points, reward.stock, reward.per_member, reward.valid_from, reward.valid_to,
                     reward.tier, rules if "tier" in changes else None)
        if changes.get("active") and Reward.select().where(
                (Reward.product == reward.product_id) & (Reward.active == True) & (Reward.id != reward.id)).exists():  # noqa: E712
            raise InputError("reward_twice", name=reward.product.name)
        reward.updated_at = now
        reward.save()
        audit.record("reward_changed", actor, target=reward.product.name, now=now,
                     **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changes.items()})
    return reward


def retire(reward_id: str, *, actor: Staff | None, now: dt.datetime | None = None) -> Reward:
    return edit(reward_id, actor=actor, active=False, now=now)


# --- what has been given ------------------------------------------------------------------

# Gifts given, net of returns: the partial index sale_line_gifts holds the lines.
_GIVEN_SQL = (
    'SELECT l.reward_id, SUM(l.qty) - COALESCE(SUM((SELECT SUM(r.qty) FROM "return_line" r '
    'WHERE r.sale_line_id = l.id)), 0) FROM "sale_line" l {join} WHERE l.reward_id IN ({marks}) {member} '
    'GROUP BY l.reward_id'
)


def _given(reward_ids: Iterable[object], member_id: object = None) -> dict[uuid.UUID, int]:
    ids = [Reward.id.db_value(r) for r in reward_ids]
    if not ids:
        return {}
    join = 'JOIN "sale" s ON s.id = l.sale_id' if member_id is not None else ""
    where = "AND s.member_id = ?" if member_id is not None else ""
    params = ids + ([Member.id.db_value(member_id)] if member_id is not None else [])
    rows = db.obj.execute_sql(_GIVEN_SQL.format(join=join, marks=", ".join("?" * len(ids)), member=where), params)
    return {Reward.id.python_value(rid): int(n) for rid, n in rows}


# --- at the till ------------------------------------------------------------------------------


def _shop_day(now: dt.datetime) -> dt.date:
    return day_in(now, shop_info().zone)


def _tier_reached(member: Member, wanted: str, rules: Rules) -> bool:
    if not wanted:
        return True
    need, have = rules.tier(wanted), rules.tier(member.tier)
    if need is None or have is None:
        return False
    return have.min_spend >= need.min_spend


def refusal(reward: RewardView, member: Member | None, *, qty: int, taken: int, balance: int,
            rules: Rules, today: dt.date) -> InputError | None:
    """Why `member` may not have `qty` of this gift on a sale, or None.  `taken`: what they
    had before (net of returns); `balance`: their points left for it (after the sale's other gifts)."""
    name = reward.name
    if member is None:
        return InputError("reward_no_member")
    if not reward.active:
        return InputError("reward_retired", name=name)
    if reward.valid_from and today < reward.valid_from:
        return InputError("reward_not_yet", name=name, day=reward.valid_from.isoformat())
    if reward.valid_to and today > reward.valid_to:
        return InputError("reward_ended", name=name, day=reward.valid_to.isoformat())
    if not _tier_reached(member, reward.tier, rules):
        tier = rules.tier(reward.tier)
        return InputError("reward_tier", name=name, tier=tier.name if tier else reward.tier)
    if reward.stock is not None and reward.given + qty > reward.stock:
        return InputError("reward_out", name=name, stock=reward.stock)
    if reward.per_member is not None and taken + qty > reward.per_member:
        return InputError("reward_member_limit", name=name, limit=reward.per_member, taken=taken)
    if reward.points * qty > balance:
        return InputError("reward_short", name=name, points=reward.points * qty, balance=max(balance, 0))
    return None


def offers(member: Member, rules: Rules, now: dt.datetime | None = None,
           in_cart: dict[str, int] | None = None, points_in_cart: int = 0) -> list[Offer]:
    """Every active reward as this member may take one more now: what the till's list shows.
    `in_cart`: reward id -> gifts already on the sale; `points_in_cart`: the points they cost."""
    now = now or utcnow()
    in_cart = in_cart or {}
    views = listing()
    taken = _given([v.id for v in views], member.id)
    today = _shop_day(now)
    out = []
    for view in views:
        had = taken.get(uuid.UUID(view.id), 0)
        on_sale = in_cart.get(view.id, 0)
        counted = dataclasses.replace(view, given=view.given + on_sale)
        why = refusal(counted, member, qty=1, taken=had + on_sale, balance=member.balance - points_in_cart,
                      rules=rules, today=today)
        out.append(Offer(reward=view, taken=had, refusal=why))
    return sorted(out, key=lambda o: (not o.available, o.reward.points, o.reward.name.casefold()))


def gift_line(reward: Reward | RewardView, key: str, qty: int = 1) -> CartLine:
    """The sale's line for `qty` of a gift: price 0, never a discount or points."""
    if isinstance(reward, Reward):
        product = reward.product
        reward = _view(reward, product, 0)
    product = catalogue.find_code(reward.barcode)
    category = product.category.name if product is not None else ""
    return CartLine(key=key, barcode=reward.barcode, name=reward.name, category=category, unit_price=0, qty=qty,
                    excluded=True, reward_id=reward.id, reward_points=reward.points * qty)


def view_of(reward_id: str) -> RewardView:
    reward = get(reward_id)
    return _view(reward, reward.product, _given([reward.id]).get(reward.id, 0))


def check_take(member: Member | None, reward_id: str, *, qty: int, other_points: int, rules: Rules,
               now: dt.datetime | None = None) -> RewardView:
    """Raise the refusal if `member` may not have `qty` of this gift on the sale (the sale's
    other gifts cost `other_points`); the reward as it is now otherwise."""
    view = view_of(reward_id)
    taken = _given([view.id], member.id).get(uuid.UUID(view.id), 0) if member is not None else 0
    balance = (member.balance if member is not None else 0) - other_points
    why = refusal(view, member, qty=qty, taken=taken, balance=balance, rules=rules, today=_shop_day(now or utcnow()))
    if why is not None:
        raise why
    return view


def check_gifts(member: Member | None, lines: Iterable[CartLine], rules: Rules, now: dt.datetime) -> int:
    """Inside the sale's transaction: every gift line still allowed (the reward offered,
    its limits, the member's points as they are now, all gifts together); the gifts'
    points at today's price of each reward, which must be what the lines say."""
    wanted: dict[str, int] = {}
    points = 0
    for line in lines:
        if line.reward_id:
            wanted[line.reward_id] = wanted.get(line.reward_id, 0) + line.qty
            points += line.reward_points
    if not wanted:
        return 0
    spent = 0
    for reward_id, qty in wanted.items():
        view = check_take(member, reward_id, qty=qty, other_points=spent, rules=rules, now=now)
        spent += view.points * qty
    if spent != points:
        raise InputError("reward_repriced")
    return spent


# --- personal data (services/reach/privacy.py collects these) ---------------------------------

_MEMBER_GIFTS_SQL = (
    'SELECT s.receipt_no, s.created_at, l.name, l.qty, l.reward_points FROM "sale_line" l '
    'JOIN "sale" s ON s.id = l.sale_id WHERE l.reward_id IS NOT NULL AND s.member_id = ? ORDER BY s.created_at'
)


def personal_data(member_id: object) -> dict[str, Any]:
    """The gifts a member took for points (their sales hold the rest)."""
    rows = db.obj.execute_sql(_MEMBER_GIFTS_SQL, (Member.id.db_value(member_id),)).fetchall()
    return {"gifts": [{"receipt": r, "at": str(at), "name": n, "qty": q, "points": p} for r, at, n, q, p in rows]}


def erase_personal(member_id: object, *, now: dt.datetime) -> None:
    """Nothing personal is held here: a gift is a line of a sale, kept for the books."""
