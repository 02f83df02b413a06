"""For random carts and rules: the ledger sums to the balance, and a sale then
its full return leaves every balance (and the money) as it was."""
from __future__ import annotations

import dataclasses
import shutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db, open_database
from models.schema import Member
from services.sale import checkout
from services.programme import ledger
from services.members import registry as members
from services.sale import returns
from services.programme import rules as rules_service
from services.sale.checkout import Cart, Tender

from tests.unit.shopkit import add_member, add_products

PRICES = [1, 99, 4590, 8990, 12345, 99999]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A shop with products and three members, built once per module."""
    from services.shop import staff as auth
    from services.shop.settings import configure_shop

    path = tmp_path_factory.mktemp("ledger") / "t.db"
    open_database(path)
    configure_shop("Property shop", "RUB")
    manager = auth.add_staff("M", "manager", "222222")
    rules_service.publish(rules_service.default_rules())
    add_products([(f"p{i}", price, i == 5) for i, price in enumerate(PRICES)])
    for name, points in (("A", 0), ("B", 150), ("C", 5000)):
        add_member(name, manager, points=points, manager=manager)
    db.obj.close()
    return path


rules_st = st.builds(
    dict,
    discount_bp=st.integers(0, 2000),
    earn_bp=st.integers(0, 2000),
    point_value=st.sampled_from([1, 100]),
    redeem_cap_bp=st.integers(0, 10000),
    redeem_min_balance=st.integers(0, 200),
    redeem_step=st.sampled_from([1, 10]),
)
sale_st = st.tuples(
    st.integers(0, 3),  # member index; 3 = no member
    st.lists(st.tuples(st.integers(0, len(PRICES) - 1), st.integers(1, 5)), min_size=1, max_size=6),
    st.floats(0, 1),  # share of the allowed points to redeem
    st.sampled_from(["cash", "card", "mixed"]),
    st.sampled_from([0, 0, 500, 2500]),  # a manager's manual discount, basis points
)


@pytest.mark.slow  # over 3 s (pytest --durations)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules_st, st.lists(sale_st, min_size=1, max_size=6), st.data())
def test_ledger_equals_balance_and_full_returns_undo(template, tmp_path, rules_kw, sales, data):
    path = tmp_path / f"run{abs(hash(repr((rules_kw, sales)))) % 10**9}.db"
    shutil.copy(template, path)
    open_database(path)
    try:
        rules = rules_service.publish(dataclasses.replace(rules_service.default_rules(), **rules_kw))
        from models.schema import Product, Staff

        manager = Staff.get(Staff.role == "manager")
        barcodes = [p.barcode for p in Product.select().order_by(Product.sku)]
        people = list(Member.select().order_by(Member.name))
        before = {m.id: m.balance for m in people}
        done = []
        for n, (who, items, share, method, manual) in enumerate(sales):
            cart = Cart(member=Member.get_by_id(people[who].id) if who < 3 else None)
            for index, qty in items:
                cart.add_barcode(barcodes[index], qty)
            cart.set_manual_discount(manual, manager)
            allowed = cart.price(rules).max_redeem
            cart.redeem = int(allowed * share) // rules.redeem_step * rules.redeem_step
            priced = cart.price(rules)
            if method == "mixed":
                tenders = [Tender("card", priced.to_pay // 2), Tender("cash", priced.to_pay)]
            else:
                tenders = [Tender(method, priced.to_pay if method == "card" else priced.to_pay + 5000)]
            result = checkout.complete_sale(cart, tenders, cashier=manager, rules=rules)
            assert sum(pl.net for pl in result.priced.lines) == result.priced.total
            done.append(result)
            # The screen still holds the member as scanned before this sale; editing
            # them must not write that stale balance back.
            members.update(people[n % 3], name=f"{people[n % 3].name}.", actor=manager)
            assert ledger.mismatched_balances() == []
        refunded = 0
        for result in reversed(done):
            parts = []
            if data.draw(st.booleans(), label="split the return"):
                first_line = result.priced.lines[0].line
                if first_line.qty > 1:
                    parts.append(returns.return_items(result.receipt_no, {first_line.barcode: 1}, actor=manager))
            parts.append(returns.return_items(result.receipt_no, None, actor=manager))
            for part in parts:
                assert part.refund_card + part.refund_cash == part.refund
            assert sum(p.refund for p in parts) == result.paid
            assert sum(p.points_reversed for p in parts) == result.priced.points_earned
            assert sum(p.points_restored for p in parts) == result.priced.points_redeemed
            refunded += sum(p.refund for p in parts)
            assert ledger.mismatched_balances() == []
        assert refunded == sum(r.paid for r in done), "every kopeck paid comes back"
        after = {m.id: m.balance for m in Member.select()}
        assert after == before
        assert {m.tier for m in Member.select()} == {"base"}, "returned spend keeps no tier"
        for m in Member.select():
            assert m.balance == ledger.ledger_balance(m.id)
    finally:
        db.obj.close()


# --- points life: expiry and pending points ----------------------------------------------------

life_st = st.lists(
    st.tuples(
        st.integers(0, 20),  # days later
        st.integers(0, 2),  # member
        st.lists(st.tuples(st.integers(0, len(PRICES) - 2), st.integers(1, 4)), min_size=1, max_size=3),
        st.floats(0, 1),  # share of allowed points to spend
        st.sampled_from(["keep", "keep", "return one", "return all"]),
    ),
    min_size=1, max_size=8,
)


@pytest.mark.slow  # over 3 s (pytest --durations)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([0, 3, 10]), st.sampled_from([0, 7, 25]), life_st)
def test_expiry_and_pending_keep_the_ledger_equal_to_the_balance(template, tmp_path, pending, expiry, steps):
    import datetime as dt

    import peewee

    from models.schema import LedgerEntry, PendingPoints, Sale, Staff
    from services.programme import loyalty

    if expiry and pending >= expiry:
        pending = 0
    path = tmp_path / f"life{abs(hash(repr((pending, expiry, steps)))) % 10**9}.db"
    shutil.copy(template, path)
    open_database(path)
    try:
        start = dt.datetime(2031, 1, 1, 12)
        rules = rules_service.publish(
            dataclasses.replace(rules_service.default_rules(), pending_days=pending, expiry_days=expiry, earn_bp=1000),
            effective_from=start - dt.timedelta(days=1),
        )
        from models.schema import Product

        manager = Staff.get(Staff.role == "manager")
        barcodes = [p.barcode for p in Product.select().order_by(Product.sku)]
        people = list(Member.select().order_by(Member.name))
        now = start
        for days, who, items, share, what in steps:
            now += dt.timedelta(days=days)
            cart = Cart(member=Member.get_by_id(people[who].id))
            for index, qty in items:
                cart.add_barcode(barcodes[index], qty)
            allowed = cart.price(rules, now).max_redeem
            cart.redeem = int(allowed * share)
            to_pay = cart.price(rules, now).to_pay
            try:
                result = checkout.complete_sale(cart, [Tender("card", to_pay)], cashier=manager, rules=rules, now=now)
            except Exception as exc:  # points expired or released at the sale: price again, as the till does
                from services.core.errors import InputError

                assert isinstance(exc, InputError)
                cart.redeem = 0
                result = checkout.complete_sale(cart, [Tender("card", cart.price(rules, now).to_pay)],
                                                cashier=manager, rules=rules, now=now)
            if what == "return one":
                first = result.priced.lines[0].line
                returns.return_items(result.receipt_no, {first.barcode: 1}, actor=manager, now=now)
            elif what == "return all":
                returns.return_items(result.receipt_no, None, actor=manager, now=now)
            assert ledger.mismatched_balances() == []
            assert loyalty.pending_total(people[who].id) >= 0
            if pending:
                assert LedgerEntry.select().where(LedgerEntry.kind == "earn").count() == 0
        # Every point a sale earned is either still pending or went to the ledger (as earned
        # or released), less what returns took back from the pending store.
        earned = Sale.select(peewee.fn.COALESCE(peewee.fn.SUM(Sale.points_earned), 0)).scalar()
        in_ledger = LedgerEntry.select(peewee.fn.COALESCE(peewee.fn.SUM(LedgerEntry.delta), 0)).where(
            LedgerEntry.kind.in_(("earn", "release"))).scalar()
        rows = list(PendingPoints.select())
        unreleased = sum(r.points - r.reversed for r in rows if r.released_at is None)
        taken_back = sum(r.reversed for r in rows)
        assert earned == in_ledger + unreleased + taken_back
        for m in Member.select():
            assert m.balance == ledger.ledger_balance(m.id)
            if expiry:
                entries = [(e.created_at, e.delta) for e in LedgerEntry.select().where(LedgerEntry.member == m.id)]
                assert loyalty.expiring(entries, now, expiry) >= 0
    finally:
        db.obj.close()
