"""The demo shop: a realistic Russian grocery with members and months of sales.

It scales to a chain's history (a million members, five million sales) by
pricing every sale with the real pricing function and writing rows in bulk,
a chunk per transaction, with a progress callback.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import uuid_utils

from models import db
from models.db import insert_tuples
from models.schema import (
    Card, Category, EventBonus, LedgerEntry, Member, Payment, Product, Sale, SaleLine, SaleLoyalty, Till, utcnow,
)
from services.shop import staff as auth
from services.programme import rules as rules_service
from services.programme.loyalty import birthday_key
from services.programme.rules import Promotion, Rules
from services.members.cards import ean13_check_digit, make_card_number
from services.sale.checkout import plan_payments, Tender
from services.members.registry import name_key
from services.programme.pricing import CartLine, Customer, price_cart
from services.core.errors import InputError
from services.core.messages import words
from services.journal import authority
from services.shop.settings import configure_shop, get_setting, is_set_up, set_setting, shop_info
from services.core.storage import write_transaction

Progress = Callable[[str, int, int], None]
CHUNK = 20_000
HISTORY_DAYS = 92


@dataclass(frozen=True)
class DemoResult:
    members: int
    products: int
    sales: int
    sample_cards: list[str]
    sample_products: list[str]


def _uid(when: dt.datetime) -> bytes:
    stamp = int(when.replace(tzinfo=dt.timezone.utc).timestamp() * 1_000_000_000)
    return uuid_utils.uuid7(nanoseconds=stamp).bytes


def _ts(when: dt.datetime) -> str:
    return str(when)  # the text peewee's DateTimeField writes


def load_data(resources: Path) -> dict[str, Any]:
    return json.loads((resources / "demo" / "ru.json").read_text(encoding="utf-8"))


def demo_rules() -> Rules:
    """The demo's programme: the standard one plus what shops actually run
    (happy hours, double points at weekends, 3 for 2, fixed points, a
    birthday bonus and a next-visit coupon), so a replay has work to do."""
    base = rules_service.default_rules()
    return dataclasses.replace(
        base,
        name=words("ru").pgettext("programme", "Demo programme"),  # the demo shop is Russian
        timezone="Europe/Moscow",
        tiers=(
            rules_service.Tier("base", "Base", 0),
            rules_service.Tier("silver", "Silver", 1_500_000, earn_bp=700, privileges=("Бесплатная доставка",)),
            rules_service.Tier("gold", "Gold", 5_000_000, earn_bp=1000, discount_bp=300,
                               privileges=("Ранний доступ к распродажам", "Кофе в подарок")),
        ),
        birthday_points=200,
        birthday_days=3,
        next_visit_promotion="next_visit",
        next_visit_min_bill=300_000,
        promotions=(
            Promotion("dairy_morning", "Молочное утром −10 %", "discount", bp=1000, categories=("Молочные продукты",),
                      weekdays=(0, 1, 2, 3, 4), hour_from=8, hour_to=11),
            Promotion("bread_evening", "Вечерний хлеб −20 %", "discount", bp=2000, categories=("Хлеб и выпечка",),
                      hour_from=20, hour_to=22, members_only=False),
            Promotion("sweets_weekend", "Двойные баллы на сладости в выходные", "multiplier", bp=20000,
                      categories=("Сладости",), weekdays=(5, 6)),
            Promotion("veg_3for2", "Овощи и фрукты: 3 по цене 2", "buy_get", buy=2, get=1,
                      categories=("Овощи и фрукты",), priority=50, exclusive=True),
            Promotion("home_points", "+10 баллов за бытовую химию", "fixed_points", points=10,
                      categories=("Бытовая химия",)),
            Promotion("next_visit", "Следующая покупка −5 %", "discount", bp=500, coupon=True, min_bill=50_000),
        ),
    )


def build_demo(
    resources: Path,
    members: int = 500,
    products: int = 200,
    sales: int = 3000,
    seed: int = 1,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    rules: Rules | None = None,
) -> DemoResult:
    """Fill an empty, migrated database with the demo shop.

    The shop's settings, staff and rules go in one transaction marked
    "building"; the mark becomes "complete" at the end, so a build that was
    cut off is recognised instead of half-used.
    """
    if get_setting("demo_state") == "building":
        raise InputError("demo_interrupted")
    if is_set_up() or Sale.select().exists() or Member.select().exists():
        raise InputError("demo_not_empty")
    data = load_data(resources)
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    start = now - dt.timedelta(days=HISTORY_DAYS)
    report = progress or (lambda stage, done, total: None)

    with write_transaction():
        set_setting("demo_state", "building")
        till = configure_shop(data["shop_name"], "RUB", "ru", data["shop_address"])
        staff = [auth.add_staff(s["name"], s["role"], s["pin"]) for s in data["staff"]]
        owner = next(s for s in data["staff"] if s["role"] == "owner")
        authority.unlock(next(p for p in staff if p.role == "owner"), owner["pin"])  # the demo's owner signs its shop
        rules = rules_service.publish(rules or demo_rules(), effective_from=start - dt.timedelta(days=1))
    cashier_ids = [s.id.bytes for s in staff]

    db.obj.execute_sql("PRAGMA synchronous = OFF")  # a generated file: speed over durability
    try:
        catalogue = _make_products(data, products, rng)
        report("products", len(catalogue), len(catalogue))
        people = _make_members(data, members, rng, start, now, report)
        sold = _make_sales(catalogue, people, sales, rng, rules, till, cashier_ids, start, now, report)
    finally:
        db.obj.execute_sql("PRAGMA synchronous = FULL")
    with write_transaction():
        set_setting("demo_state", "complete")
        authority.sign_all()  # the demo's owner made everything the shop has
    authority.forget()
    # Members who can pay with points first, so a demo can show redemption.
    sample_people = sorted(people, key=lambda p: (p.balance < rules.redeem_min_balance, p.card))[:10]
    return DemoResult(
        members=len(people), products=len(catalogue), sales=sold,
        sample_cards=[p.card for p in sample_people],
        sample_products=[p.barcode for p in catalogue if not p.excluded][:10],
    )


@dataclass
class _Item:
    id: bytes
    barcode: str
    name: str
    category: str
    price: int
    excluded: bool


def _make_products(data: dict, count: int, rng: random.Random) -> list[_Item]:
    items: list[_Item] = []
    with db.atomic():
        cats = []
        for spec in data["categories"]:
            cat = Category.create(name=spec["name"], loyalty_excluded=spec.get("excluded", False))
            cats.append((cat, spec))
        rows = []
        serial = 0
        round_no = 0
        while len(items) < count:
            for cat, spec in cats:
                for base in spec["items"]:
                    if len(items) >= count:
                        break
                    if spec.get("fixed") and round_no:
                        continue
                    brands = spec.get("brands") or [""]
                    brand = brands[round_no % len(brands)]
                    name = f"{base} «{brand}»" if brand else base
                    if round_no >= len(brands):
                        name += f" №{round_no // len(brands) + 1}"
                    serial += 1
                    body = f"460{rng.randrange(10**9):09d}"
                    barcode = body + str(ean13_check_digit(body))
                    low, high = spec["price"]
                    price = low if spec.get("fixed") else rng.randrange(low // 100, high // 100) * 100 + 90
                    pid = uuid_utils.uuid7().bytes
                    rows.append((pid, barcode, f"A-{serial:05d}", name, name_key(name), cat.id.bytes, price, 1))
                    items.append(_Item(pid, barcode, name, cat.name, price, spec.get("excluded", False)))
            round_no += 1
            if round_no > 10_000:
                break
        # Barcodes are random; drop the rare collision rather than fail.
        seen: set[str] = set()
        unique_rows, unique_items = [], []
        for row, item in zip(rows, items):
            if item.barcode not in seen:
                seen.add(item.barcode)
                unique_rows.append(row)
                unique_items.append(item)
        insert_tuples(Product, ["id", "barcode", "sku", "name", "name_key", "category", "price", "active"], unique_rows)
        for key, item in enumerate(unique_items[:12], start=1):
            Product.update(quick_key=key).where(Product.id == item.id).execute()
    return unique_items


@dataclass
class _Person:
    id: bytes
    card: str
    created: dt.datetime
    birthday: dt.date | None = None
    balance: int = 0
    tier: str = "base"
    spend: int = 0
    touched: bool = False
    birthdays: set = dataclasses.field(default_factory=set)


def _make_members(data, count, rng, start, now, report) -> list[_Person]:
    people: list[_Person] = []
    prefix = shop_info().card_prefix
    span = (now - start).total_seconds()
    for offset in range(0, count, CHUNK):
        member_rows, card_rows = [], []
        for i in range(offset, min(count, offset + CHUNK)):
            female = rng.random() < 0.6
            first = rng.choice(data["female_first" if female else "male_first"])
            last = rng.choice(data["last"]) + ("а" if female else "")
            name = f"{first} {last}"
            if rng.random() < 0.8:
                created = start - dt.timedelta(days=rng.randrange(1, 700), seconds=rng.randrange(86400))
            else:
                created = start + dt.timedelta(seconds=rng.random() * span)
            created = created.replace(microsecond=0)
            phone = f"+79{(i * 7919 + 12_345_678) % 10**9:09d}"
            birthday = dt.date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
            mid = _uid(created)
            number = make_card_number(prefix, 1, i + 1)
            member_rows.append((mid, name, name_key(name), phone, str(birthday), int(rng.random() < 0.7), "base", 0, _ts(created), _ts(created)))
            card_rows.append((_uid(created), number, mid, "active", _ts(created)))
            people.append(_Person(mid, number, created, birthday))
        with db.atomic():
            insert_tuples(Member, ["id", "name", "name_key", "phone", "birthday", "marketing_consent", "tier", "balance", "created_at", "updated_at"], member_rows)
            insert_tuples(Card, ["id", "number", "member", "status", "created_at"], card_rows)
        report("members", len(people), count)
    with db.atomic():
        Till.update(card_seq=count).where(Till.is_local == True).execute()  # noqa: E712
    people.sort(key=lambda p: p.created)
    return people


def _make_sales(catalogue, people, count, rng, rules, till, cashier_ids, start, now, report) -> int:
    """Sales in time order, each priced by the real pricing function."""
    if count == 0:
        return 0
    weights = [1.0 / (1 + i % 40) for i in range(len(catalogue))]  # a few best sellers
    cum_weights = list(_accumulate(weights))
    created = [p.created for p in people]
    span = (now - start).total_seconds()
    step = span / count
    till_id = till.id.bytes
    seq = 0
    for offset in range(0, count, CHUNK):
        sale_rows, line_rows, pay_rows, ledger_rows, loyalty_rows, event_rows = [], [], [], [], [], []
        for n in range(offset, min(count, offset + CHUNK)):
            when = start + dt.timedelta(seconds=step * n + rng.random() * step * 0.9)
            when = when.replace(microsecond=0)
            hour = 8 + (when.hour % 14)  # the shop is open 8:00-22:00
            when = when.replace(hour=hour)
            if when > now:
                when -= dt.timedelta(days=1)
            known = bisect.bisect_right(created, when)
            person = people[rng.randrange(known)] if known and rng.random() < 0.55 else None
            picks = rng.choices(catalogue, cum_weights=cum_weights, k=rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6)))
            merged: dict[str, list] = {}
            for item in picks:
                merged.setdefault(item.barcode, [item, 0])[1] += rng.choice((1, 1, 1, 2, 3))
            lines = [
                CartLine(f"{n:09d}-{i:02d}", it.barcode, it.name, it.category, it.price, qty, it.excluded)
                for i, (it, qty) in enumerate(merged.values())
            ]
            product_id = {it.barcode: it.id for it, _ in merged.values()}
            customer = None
            if person:
                gift = rules.birthday_points or rules.birthday_discount_bp
                due = birthday_key(person.birthday, when.date(), rules.birthday_days) if gift else None
                due = due if due is not None and due not in person.birthdays else None
                customer = Customer(person.tier, person.balance, person.balance < 0, birthday_due=due is not None)
            priced = price_cart(lines, customer, rules, now=when)
            if person and priced.max_redeem and rng.random() < 0.25:
                redeem = rng.randint(1, priced.max_redeem)
                redeem -= redeem % rules.redeem_step
                if redeem:
                    priced = price_cart(lines, customer, rules, redeem, now=when)
            seq += 1
            sid = _uid(when)
            tender = (
                [Tender("card", priced.to_pay)] if rng.random() < 0.6
                else [Tender("cash", -(-priced.to_pay // 10000) * 10000)]
            )
            for method, amount, tendered, change in plan_payments(priced.to_pay, tender):
                pay_rows.append((_uid(when), sid, method, amount, tendered, change))
            for pos, pl in enumerate(priced.lines):
                line_rows.append((
                    _uid(when), sid, pos, product_id[pl.line.barcode], pl.line.barcode, pl.line.name, pl.line.qty, pl.line.unit_price,
                    pl.gross, pl.discount, pl.points_value, pl.points_earned, json.dumps(pl.reasons, ensure_ascii=False),
                ))
            balance_after = None
            if person:
                if priced.points_redeemed:
                    ledger_rows.append((_uid(when), person.id, "redeem", -priced.points_redeemed, sid, till_id, "", _ts(when)))
                if priced.points_earned:
                    ledger_rows.append((_uid(when), person.id, "earn", priced.points_earned, sid, till_id, "", _ts(when)))
                for bonus in priced.bonuses:  # the demo's only event bonus is the birthday
                    if bonus["points"]:
                        ledger_rows.append((_uid(when), person.id, bonus["code"], bonus["points"], sid, till_id, "", _ts(when)))
                    event_rows.append((_uid(when), person.id, bonus["code"], due, sid, bonus["points"], _ts(when)))
                    person.birthdays.add(due)
                loyalty_rows.append((sid, customer.tier, priced.bonus_points, "[]"))
                person.balance += priced.points_issued - priced.points_redeemed
                person.spend += priced.total
                tier = rules.tier_for_spend(person.spend)
                current = rules.tier(person.tier)
                if tier and (current is None or tier.min_spend > current.min_spend):
                    person.tier = tier.code
                person.touched = True
                balance_after = person.balance
            sale_rows.append((
                sid, till_id, f"{till.code}-{seq:06d}", rng.choice(cashier_ids), person.id if person else None,
                person.card if person else None, rules.version, _ts(when), priced.subtotal, priced.discount,
                priced.total, priced.points_redeemed, priced.points_value, priced.to_pay, priced.points_earned,
                balance_after, 0,
            ))
        with db.atomic():
            insert_tuples(Sale, ["id", "till", "receipt_no", "cashier", "member", "card_number", "rule_version", "created_at", "subtotal", "discount", "total", "points_redeemed", "points_value", "paid_money", "points_earned", "balance_after", "offline"], sale_rows)
            insert_tuples(SaleLine, ["id", "sale", "position", "product", "barcode", "name", "qty", "unit_price", "gross", "discount", "points_value", "points_earned", "reasons"], line_rows)
            insert_tuples(Payment, ["id", "sale", "method", "amount", "tendered", "change"], pay_rows)
            insert_tuples(LedgerEntry, ["id", "member", "kind", "delta", "sale", "till", "note", "created_at"], ledger_rows)
            insert_tuples(SaleLoyalty, ["sale", "tier", "bonus_points", "coupons"], loyalty_rows)
            insert_tuples(EventBonus, ["id", "member", "kind", "key", "sale", "points", "created_at"], event_rows)
        report("sales", min(count, offset + CHUNK), count)
    with db.atomic():
        db.obj.connection().executemany(
            'UPDATE "member" SET balance = ?, tier = ? WHERE id = ?',
            [(p.balance, p.tier, p.id) for p in people if p.touched],
        )
        Till.update(receipt_seq=seq).where(Till.id == till.id).execute()
    return seq


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total
