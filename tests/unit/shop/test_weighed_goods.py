"""Weighed goods from the shop's scales: the label read, the line priced exactly.

The rule: a weighed line's amount = round half-up (price per kg × grams / 1000)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from services.core.errors import InputError
from services.printing.receipts import load_receipt, receipt_rows
from services.programme.pricing import CartLine, Customer, price_cart
from services.programme.rules import active_rules
from services.sale.checkout import Cart, weighed_line
from services.shop import catalogue, scales
from services.shop.catalogue import ProductForm
from tests.unit.shopkit import sell_by_card

WEIGHT = scales.parse_layout("22 PPPPP WWWWW C")
PRICE = scales.parse_layout("23PPPPPMMMMMC")


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def exact(price_per_kg: int, grams: int) -> int:
    return half_up(Decimal(price_per_kg) * grams / 1000)


@given(price=st.integers(0, 10_000_000), grams=st.integers(1, 99_999))
def test_the_amount_is_half_up_of_price_times_weight(price, grams):
    assert scales.weighed_amount(price, grams) == exact(price, grams)


def test_the_stated_example():
    assert scales.weighed_amount(18990, 742) == 14091  # 140.9058 -> 140.91
    assert scales.weighed_amount(1000, 5) == 5  # exactly 5.0
    assert scales.weighed_amount(10, 50) == 1  # 0.5 -> 1, half up


def test_a_label_is_read_by_the_layout():
    code = scales.make_label(WEIGHT, 123, 742)
    assert code[:12] == "220012300742"
    assert scales.read_label(code, WEIGHT) == scales.ScaleLabel(123, 742, None)
    assert scales.read_label(scales.make_label(PRICE, 7, 14091), PRICE) == scales.ScaleLabel(7, None, 14091)
    assert scales.read_label("4601234567893", WEIGHT) is None
    misread = code[:12] + str((int(code[12]) + 1) % 10)
    with pytest.raises(InputError) as caught:
        scales.read_label(misread, WEIGHT)
    assert caught.value.code == "scale_misread"


@pytest.mark.parametrize("text", ["22PPPPWWWWWC", "12PPPPPWWWWWC", "22PPPPPWWWWW1", "22PPPPPXXXXXC"])
def test_a_bad_layout_says_how_to_write_one(text):
    with pytest.raises(InputError) as caught:
        scales.parse_layout(text)
    assert caught.value.code == "scale_layout"


def test_the_scales_may_not_use_the_card_prefix(shop):
    with pytest.raises(InputError) as caught:
        catalogue.set_scale_layout(shop["owner"], "27 PPPPP WWWWW C")
    assert caught.value.code == "scale_prefix_card"
    assert catalogue.set_scale_layout(shop["owner"], "23 PPPPP MMMMM C").embeds == "price"
    assert catalogue.scale_layout().prefix == "23"


@pytest.fixture
def apples(shop):
    return catalogue.add_product(shop["manager"], ProductForm(
        name="Яблоки Гала", price=18990, category="Фрукты", weighed=True, plu=123))


def test_scanning_a_scale_label_adds_the_weighed_product(shop, apples):
    cart = Cart()
    cart.add_barcode(scales.make_label(WEIGHT, 123, 742))
    cart.add_barcode(scales.make_label(WEIGHT, 123, 1500))  # a second bag: its own line
    assert [(l.name, l.grams, l.per_kg, l.unit_price, l.qty) for l in cart.lines] == [
        ("Яблоки Гала", 742, 18990, 14091, 1), ("Яблоки Гала", 1500, 18990, 28485, 1)]
    with pytest.raises(InputError) as caught:
        cart.set_qty(cart.lines[0].key, 3)
    assert caught.value.code == "weighed_qty"
    with pytest.raises(InputError) as caught:
        cart.add_barcode(apples.barcode)  # its own in-store code carries no weight
    assert caught.value.code == "weighed_needs_scale"
    with pytest.raises(InputError) as caught:
        cart.add_barcode(scales.make_label(WEIGHT, 999, 500))
    assert caught.value.code == "plu_unknown"


def test_a_price_label_carries_the_amount(shop, apples):
    catalogue.set_scale_layout(shop["owner"], "23 PPPPP MMMMM C")
    cart = Cart()
    cart.add_barcode(scales.make_label(PRICE, 123, 14091))
    assert (cart.lines[0].unit_price, cart.lines[0].grams) == (14091, 742)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grams=st.integers(1, 99_999), price=st.integers(1, 1_000_000), bp=st.integers(0, 10_000),
       excluded=st.booleans())
def test_discounts_and_points_are_on_the_weighed_amount(shop, grams, price, bp, excluded):
    """Pricing sees the weighed amount as the line's gross: the discount and
    the points are those of a piece costing exactly that amount."""
    category = SimpleNamespace(name="Сыр", loyalty_excluded=excluded)
    cheese = SimpleNamespace(name="Сыр весовой", price=price, barcode="2000010000014", plu=5, category=category)
    weighed = weighed_line(cheese, scales.ScaleLabel(5, grams, None))
    amount = exact(price, grams)
    piece = CartLine("p", "2000010000014", "Сыр весовой", "Сыр", amount, 1, excluded)
    rules, member = active_rules(), Customer(tier="", balance=0)
    got = price_cart([weighed], member, rules, manual_discount_bp=bp)
    want = price_cart([piece], member, rules, manual_discount_bp=bp)
    assert got.lines[0].gross == amount == got.subtotal
    assert (got.discount, got.points_earned, got.total) == (want.discount, want.points_earned, want.total)
    alone = price_cart([weighed], None, rules, manual_discount_bp=bp)  # no member: the manual discount alone
    cap = amount * rules.max_discount_bp // 10_000  # the programme's ceiling on any line's discount
    assert alone.discount == (0 if excluded else min(cap, half_up(Decimal(amount) * bp / 10_000)))


def test_a_weighed_sale_is_printed_with_its_weight(shop, apples):
    cart = Cart()
    cart.add_barcode(scales.make_label(WEIGHT, 123, 742))
    sale = sell_by_card(cart, shop["cashier"])
    receipt = load_receipt(sale.receipt_no)
    assert (receipt.lines[0].grams, receipt.lines[0].price_per_kg, receipt.lines[0].gross) == (742, 18990, 14091)
    texts = [row.left for row in receipt_rows(receipt)]
    assert any(t.strip().startswith("0,742 кг × 189,90") for t in texts), texts


def test_the_sale_session_routes_a_scale_label_and_parks_it(shop, apples):
    """Both faces drive the session: a label scanned or typed adds the weight;
    `3*label` is refused; a parked weighed line comes back with its weight at
    today's price per kg."""
    from services.sale.session import SaleSession
    from services.shop.settings import shop_info

    session = SaleSession(shop["cashier"], shop_info().card_prefix)
    label = scales.make_label(WEIGHT, 123, 742)
    outcome = session.scan(label)
    assert outcome.cart and outcome.notice.code == "added"
    assert session.to_pay == 14091
    session.enter(scales.make_label(WEIGHT, 123, 258))
    assert [l.grams for l in session.cart.lines] == [742, 258] and session.to_pay == 14091 + 4899
    with pytest.raises(InputError) as caught:
        session.enter(f"3*{label}")
    assert caught.value.code == "weighed_qty"
    session.park()
    catalogue.update_product(shop["manager"], apples.id, ProductForm(
        name="Яблоки Гала", price=20000, category="Фрукты", weighed=True, plu=123,
        barcodes=tuple(catalogue.codes_of(apples))))
    parked = session.parked()
    assert parked[0].amount == 14091 + 4899  # as it was parked
    session.recall(parked[0].id)
    assert [(l.grams, l.per_kg, l.unit_price) for l in session.cart.lines] == [(742, 20000, 14840), (258, 20000, 5160)]
