"""Selling, returning, parking; the ledger and the outbox move with every write."""
import json

import peewee
import pytest

from models import db
from models.schema import LedgerEntry, Member, Outbox, Sale, SaleLine, Till
from services.sale import checkout
from services.programme import ledger
from services.sale import returns
from services.sale.checkout import Cart, Tender
from services.core.errors import InputError, PermissionDenied, RedeemRefused
from services.programme.rules import active_rules

from tests.unit.shopkit import add_member, add_products, sell_by_card


@pytest.fixture
def goods(shop):
    return add_products([("Milk", 8990, False), ("Bread", 4590, False), ("Cigarettes", 21900, True)])


def test_sale_with_redemption_writes_everything_once(shop, goods):
    member, card = add_member("Ivan Petrov", shop["cashier"], "+79991234567", points=500, manager=shop["manager"])
    outbox_before = Outbox.select().count()
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 2)
    cart.add_barcode(goods[1])
    cart.add_barcode(goods[0])  # the same product again adds to its line
    cart.add_barcode(goods[2])
    assert [l.qty for l in cart.lines] == [3, 1, 1]
    cart.redeem = 90  # the cap is 30 % of 315.60 = 94 points
    priced = cart.price(active_rules())
    result = checkout.complete_sale(cart, [Tender("cash", 50000)], cashier=shop["cashier"])
    assert result.priced.total == 3 * 8990 + 4590 + 21900
    assert result.priced.points_value == 9000
    assert result.paid == result.priced.total - 9000
    assert result.change == 50000 - result.paid
    # 5 % of money paid for non-excluded goods: (269.70 + 45.90 - 90.00) = 225.60 -> 11 points
    assert result.priced.points_earned == 11 == priced.points_earned
    assert result.balance == 500 - 90 + 11
    assert Member.get_by_id(member.id).balance == ledger.ledger_balance(member.id) == 421
    sale = Sale.get(Sale.receipt_no == result.receipt_no)
    assert result.receipt_no == "T01-000001"
    assert sale.balance_after == 421 and sale.card_number == card.number
    assert sum(l.gross - l.discount for l in sale.lines) == sale.total
    kinds = [o.kind for o in Outbox.select().where(Outbox.seq > 0).order_by(Outbox.seq)][outbox_before:]
    assert kinds == ["sale", "ledger_entry", "ledger_entry", "sale_loyalty"]
    payload = json.loads(Outbox.select().where(Outbox.kind == "sale").get().payload)
    assert payload["sale"]["receipt_no"] == "T01-000001" and len(payload["lines"]) == 3


def test_receipt_numbers_follow_the_till_sequence(shop, goods):
    numbers = []
    for _ in range(3):
        cart = Cart()
        cart.add_barcode(goods[1])
        numbers.append(checkout.complete_sale(cart, [Tender("card", 4590)], cashier=shop["cashier"]).receipt_no)
    assert numbers == ["T01-000001", "T01-000002", "T01-000003"]
    assert Till.get().receipt_seq == 3


def test_a_failed_sale_changes_nothing(shop, goods):
    member, _ = add_member("Anna", shop["cashier"], points=50, manager=shop["manager"])
    counts = lambda: (Sale.select().count(), SaleLine.select().count(), LedgerEntry.select().count(), Outbox.select().count())  # noqa: E731
    before = counts()
    cart = Cart(member=member)
    cart.add_barcode(goods[0])
    with pytest.raises(InputError, match="more is needed"):
        checkout.complete_sale(cart, [Tender("cash", 100)], cashier=shop["cashier"])
    cart.redeem = 60
    with pytest.raises(RedeemRefused):
        checkout.complete_sale(cart, [Tender("cash", 10**6)], cashier=shop["cashier"])
    assert counts() == before
    assert Till.get().receipt_seq == 0


def test_balance_is_rechecked_at_completion(shop, goods):
    """Points spent elsewhere between scan and payment cannot be spent twice."""
    member, _ = add_member("Olga", shop["cashier"], points=200, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 5)
    cart.redeem = 130
    other = Cart(member=Member.get_by_id(member.id))
    other.add_barcode(goods[0], 5)
    other.redeem = 130
    sell_by_card(other, shop["cashier"])
    with pytest.raises(RedeemRefused):
        checkout.complete_sale(cart, [Tender("card", 10**6)], cashier=shop["cashier"])
    assert ledger.ledger_balance(member.id) == Member.get_by_id(member.id).balance >= 0


def test_roles_are_enforced_in_services(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    result = checkout.complete_sale(cart, [Tender("card", 8990)], cashier=shop["cashier"])
    with pytest.raises(PermissionDenied):
        returns.return_items(result.receipt_no, actor=shop["cashier"])
    with pytest.raises(PermissionDenied):
        cart.set_manual_discount(1000, shop["cashier"])
    with pytest.raises(PermissionDenied):
        returns.return_items(result.receipt_no, actor=shop["cashier"], authoriser=shop["cashier"])
    done = returns.return_items(result.receipt_no, actor=shop["cashier"], authoriser=shop["manager"])
    assert done.refund == 8990
    cart.set_manual_discount(1000, shop["cashier"], authoriser=shop["manager"])
    assert cart.price(active_rules()).discount == 899


def test_partial_returns_add_up_to_the_whole(shop, goods):
    member, _ = add_member("Pavel", shop["cashier"], points=1000, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 3)
    cart.add_barcode(goods[1], 2)
    cart.redeem = 77
    sale = sell_by_card(cart, shop["cashier"])
    parts = [
        returns.return_items(sale.receipt_no, {goods[0]: 1}, actor=shop["manager"]),
        returns.return_items(sale.receipt_no, {goods[1]: 1, goods[0]: 1}, actor=shop["manager"]),
        returns.return_items(sale.receipt_no, None, actor=shop["manager"]),
    ]
    assert sum(p.refund for p in parts) == sale.paid
    assert sum(p.points_reversed for p in parts) == sale.priced.points_earned
    assert sum(p.points_restored for p in parts) == 77
    assert Member.get_by_id(member.id).balance == 1000 == ledger.ledger_balance(member.id)
    with pytest.raises(InputError, match="already returned"):
        returns.return_items(sale.receipt_no, None, actor=shop["manager"])
    with pytest.raises(InputError, match="not on this receipt"):
        returns.return_items(sale.receipt_no, {"123": 1}, actor=shop["manager"])


def test_return_after_points_were_spent_goes_negative(shop, goods):
    member, _ = add_member("Nina", shop["cashier"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 40)  # 3596.00 -> 179 points
    first = checkout.complete_sale(cart, [Tender("card", 359600)], cashier=shop["cashier"])
    assert first.priced.points_earned == 179
    spend = Cart(member=Member.get_by_id(member.id))
    spend.add_barcode(goods[0], 10)
    spend.redeem = 150
    sell_by_card(spend, shop["cashier"])
    back = returns.return_items(first.receipt_no, None, actor=shop["manager"])
    assert back.points_reversed == 179
    assert back.balance < 0
    assert Member.get_by_id(member.id).balance == ledger.ledger_balance(member.id) == back.balance
    blocked = Cart(member=Member.get_by_id(member.id))
    blocked.add_barcode(goods[0])
    assert blocked.price(active_rules()).max_redeem == 0


def test_park_and_recall(shop, goods):
    member, _ = add_member("Kira", shop["cashier"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 2)
    parked = checkout.park(cart, shop["cashier"], "blue coat")
    assert [(p.label, p.items, p.amount) for p in checkout.parked()] == [("blue coat", 2, 2 * 8990)]
    from models.schema import Product

    Product.update(price=9490).where(Product.barcode == goods[0]).execute()  # repriced meanwhile
    back = checkout.recall(parked.id)
    assert [(l.barcode, l.qty, l.unit_price) for l in back.lines] == [(goods[0], 2, 9490)]
    assert back.member.id == member.id
    assert checkout.parked() == []
    with pytest.raises(InputError):
        checkout.recall(parked.id)


def test_uuids_are_unique_in_the_database(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    result = checkout.complete_sale(cart, [Tender("card", 8990)], cashier=shop["cashier"])
    sale = Sale.get_by_id(result.sale_id)
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            Sale.insert(**{**sale.__data__, "receipt_no": "OTHER"}).execute()


def test_till_pragmas(shop):
    pragma = lambda name: db.obj.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2
    assert pragma("foreign_keys") == 1


def test_return_preview_matches_the_return_and_writes_nothing(shop, goods):
    member, _ = add_member("Vera", shop["cashier"], points=400, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 3)
    cart.redeem = 50
    sale = sell_by_card(cart, shop["cashier"])
    before = (Outbox.select().count(), LedgerEntry.select().count())
    plan = returns.plan_return(sale.receipt_no, {goods[0]: 2})
    assert (Outbox.select().count(), LedgerEntry.select().count()) == before
    done = returns.return_items(sale.receipt_no, {goods[0]: 2}, actor=shop["manager"])
    assert (plan.refund, plan.points_reversed, plan.points_restored) == (
        done.refund, done.points_reversed, done.points_restored)
    assert done.refund_method == "card"
    assert [(l.barcode, left) for l, left in returns.sale_lines(Sale.get_by_id(sale.sale_id))] == [(goods[0], 2)]


def test_new_shop_is_all_or_nothing(empty_db):
    from models.schema import RuleSet, Setting, Staff
    from services.opening.new_shop import create_shop
    from services.shop.settings import is_set_up

    with pytest.raises(InputError, match="PIN"):
        create_shop("Лавка", "MDL", "ro", "Ion", "4321")  # an owner needs 6 digits
    assert not is_set_up() and Staff.select().count() == 0 and RuleSet.select().count() == 0
    assert Setting.select().count() == 0 and Till.select().count() == 0
    till = create_shop("Lavka", "MDL", "ro", "Ion", "654321")
    assert is_set_up() and till.code == "T01"
    assert Staff.get().role == "owner" and RuleSet.select().count() == 1


def test_member_moves_up_a_tier_at_once(shop, goods):
    member, _ = add_member("Gleb", shop["cashier"])
    assert member.tier == "base"
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 100)  # 8990.00: still base (silver from 15000.00)
    checkout.complete_sale(cart, [Tender("card", 899000)], cashier=shop["cashier"])
    assert Member.get_by_id(member.id).tier == "base"
    cart = Cart(member=Member.get_by_id(member.id))
    cart.add_barcode(goods[0], 70)  # 6293.00 more: 15283.00 over the window
    result = checkout.complete_sale(cart, [Tender("card", 629300)], cashier=shop["cashier"])
    assert Member.get_by_id(member.id).tier == "silver"
    assert result.priced.points_earned == 314  # this sale still earned at the base rate
    assert Outbox.select().where(Outbox.kind == "member_tier").count() == 1


def test_a_file_that_cannot_be_written_is_told_plainly_and_keeps_nothing(shop, goods, empty_db):
    from services.core.storage import StorageError

    member, _ = add_member("Dina", shop["cashier"], points=300, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 3)
    cart.redeem = 20
    before = (Sale.select().count(), LedgerEntry.select().count(), Outbox.select().count(), Till.get().receipt_seq)
    writable = db.obj
    read_only = peewee.SqliteDatabase(f"file:{empty_db}?mode=ro", uri=True, pragmas={"foreign_keys": 1})
    db.initialize(read_only)  # the till's file, as a read-only drive would give it
    try:
        with pytest.raises(StorageError, match="read-only") as caught:
            checkout.complete_sale(cart, [Tender("cash", 10**6)], cashier=shop["cashier"])
        assert caught.value.code == "storage_readonly"
    finally:
        read_only.close()
        db.initialize(writable)
    assert (Sale.select().count(), LedgerEntry.select().count(), Outbox.select().count(), Till.get().receipt_seq) == before
    assert Member.get_by_id(member.id).balance == 300
    result = sell_by_card(cart, shop["cashier"])
    assert result.receipt_no == "T01-000001" and result.balance == 300 - 20 + result.priced.points_earned


@pytest.mark.parametrize("words,code", [
    ("database or disk is full", "storage_full"),
    ("disk I/O error", "storage_io"),
    ("database is locked", "storage_locked"),
])
def test_disk_failures_become_plain_sentences(words, code):
    from services.core.storage import StorageError, storage_error

    error = storage_error(peewee.OperationalError(words))
    assert isinstance(error, StorageError) and error.code == code and "Nothing was saved" in str(error)


def test_other_database_errors_stay_bugs(shop):
    from services.core.storage import StorageError, write_transaction

    with pytest.raises(peewee.OperationalError) as caught:
        with write_transaction():
            db.obj.execute_sql("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, StorageError)


def test_outbox_payloads_name_columns_like_the_tables(shop, goods):
    member, _ = add_member("Yana", shop["cashier"], points=200, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 2)
    cart.redeem = 10
    result = sell_by_card(cart, shop["cashier"])
    sale = json.loads(Outbox.select().where(Outbox.kind == "sale").get().payload)
    assert sale["sale"]["id"] == result.sale_id and sale["sale"]["member_id"] == str(member.id)
    assert {"till_id", "cashier_id", "receipt_no", "total", "rule_version"} <= set(sale["sale"])
    assert all(line["sale_id"] == result.sale_id for line in sale["lines"])
    assert all(pay["sale_id"] == result.sale_id for pay in sale["payments"])
    entries = [json.loads(o.payload) for o in Outbox.select().where(Outbox.kind == "ledger_entry").order_by(Outbox.seq)]
    assert [(e["kind"], e["delta"]) for e in entries] == [("adjust", 200), ("redeem", -10), ("earn", result.priced.points_earned)]
    assert entries[1]["sale_id"] == result.sale_id and entries[1]["member_id"] == str(member.id)
    assert set(entries[1]) == {c.column_name for c in LedgerEntry._meta.sorted_fields}


def test_a_returned_purchase_does_not_keep_its_tier(shop, goods):
    member, _ = add_member("Lev", shop["cashier"])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 600)  # 53 940.00: gold starts at 50 000.00
    sale = checkout.complete_sale(cart, [Tender("card", 600 * 8990)], cashier=shop["cashier"])
    assert Member.get_by_id(member.id).tier == "gold"
    returns.return_items(sale.receipt_no, {goods[0]: 100}, actor=shop["manager"])
    assert Member.get_by_id(member.id).tier == "silver"  # 44 950.00 net: below gold, above silver
    from services.programme.tiers import spend_in_window

    assert spend_in_window(member.id, active_rules()) == 500 * 8990
    returns.return_items(sale.receipt_no, None, actor=shop["manager"])
    assert Member.get_by_id(member.id).tier == "base"
    assert spend_in_window(member.id, active_rules()) == 0


def test_a_partial_return_never_gives_back_more_than_the_goods_cost(shop):
    """Two lines of 10.00, one point spent: returning one line must not give
    back 9.50 in money and a whole point (10.50 for a 10.00 item)."""
    ten = add_products([("Ten", 1000, False), ("Also ten", 1000, False)])
    member, _ = add_member("Ada", shop["cashier"], points=150, manager=shop["manager"])
    cart = Cart(member=member)
    cart.add_barcode(ten[0])
    cart.add_barcode(ten[1])
    cart.redeem = 1
    sale = checkout.complete_sale(cart, [Tender("card", 1900)], cashier=shop["cashier"])
    first = returns.return_items(sale.receipt_no, {ten[0]: 1}, actor=shop["manager"])
    assert first.refund + first.points_restored * 100 <= 1000
    second = returns.return_items(sale.receipt_no, None, actor=shop["manager"])
    assert first.refund + second.refund == 1900
    assert first.points_restored + second.points_restored == 1


def test_a_mixed_payment_is_refunded_in_its_shares(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0], 10)  # 899.00
    sale = checkout.complete_sale(cart, [Tender("card", 80000), Tender("cash", 10000)], cashier=shop["cashier"])
    assert sale.change == 100
    parts = [
        returns.return_items(sale.receipt_no, {goods[0]: 3}, actor=shop["manager"]),
        returns.return_items(sale.receipt_no, {goods[0]: 3}, actor=shop["manager"]),
        returns.return_items(sale.receipt_no, None, actor=shop["manager"]),
    ]
    assert [p.refund_method for p in parts] == ["mixed"] * 3
    assert sum(p.refund_card for p in parts) == 80000
    assert sum(p.refund_cash for p in parts) == 89900 - 80000
    for p in parts:
        assert p.refund_card + p.refund_cash == p.refund
        assert abs(p.refund_card * 89900 - p.refund * 80000) < 89900  # within a kopeck of the share


def test_a_manual_discount_records_who_authorised_it(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    cart.set_manual_discount(1000, shop["cashier"], authoriser=shop["manager"])
    result = checkout.complete_sale(cart, [Tender("card", 8990 - 899)], cashier=shop["cashier"])
    sale = Sale.get_by_id(result.sale_id)
    assert sale.discount == 899 and sale.discount_authorised_by_id == shop["manager"].id
    plain = Cart()
    plain.add_barcode(goods[0])
    other = checkout.complete_sale(plain, [Tender("card", 8990)], cashier=shop["cashier"])
    assert Sale.get_by_id(other.sale_id).discount_authorised_by_id is None
