"""An old system's card, brought by an import, works at the till as it is:
scanned or typed at the sale, in the find box, as a referrer, on the command line."""
from __future__ import annotations

import datetime as dt

import pytest

from models.schema import utcnow
from services.core.errors import InputError, NotFound
from services.core.storage import Pace
from services.imports import members as member_import
from services.members import registry as members
from services.sale.session import SaleSession
from services.shop import catalogue
from services.shop import staff as auth
from services.shop.settings import shop_info

from tests.unit.shopkit import add_products

EAN8 = "96385074"  # a valid EAN-8
FOREIGN_EAN13 = "4006381333931"  # a valid EAN-13, not the shop's prefix
CODE128 = "0012345"  # Code 128 digits with a leading zero
RECEIPT_SHAPED = "90010000042"  # an old card shaped like this till's receipt barcodes


@pytest.fixture
def old_cards(shop):
    rows = [
        {"name": "Ева", "card": EAN8, "balance": "321"},
        {"name": "Фёдор", "card": FOREIGN_EAN13, "balance": "1 500"},
        {"name": "Глеб", "card": CODE128, "balance": "7"},
        {"name": "Дана", "card": RECEIPT_SHAPED, "balance": "42"},
    ]
    auth.login("111111")  # opening balances are signed with the owner's key
    outcome = member_import.run(list(enumerate(rows, start=2)), actor=shop["owner"], now=utcnow(),
                                pace=Pace(100, rest_s=0, sleep=lambda s: None))
    assert outcome.imported == 4 and not outcome.errors
    return {EAN8: ("Ева", 321), FOREIGN_EAN13: ("Фёдор", 1500), CODE128: ("Глеб", 7), RECEIPT_SHAPED: ("Дана", 42)}


@pytest.fixture
def session(shop):
    return SaleSession(shop["cashier"], shop_info().card_prefix, clock=lambda: utcnow() + dt.timedelta(seconds=1))


def test_each_old_card_scanned_at_the_sale_attaches_its_member_with_the_imported_balance(shop, old_cards, session):
    [milk] = add_products([("Milk", 8990, False)])
    session.scan(milk)
    for number, (name, balance) in old_cards.items():
        session.drop_member()
        outcome = session.scan(number)
        assert outcome.member and outcome.open_return is None
        assert (session.member.name, session.member.balance) == (name, balance)
        assert session.member_summary().balance == balance and session.member_summary().card == number
        assert [line.barcode for line in session.cart.lines] == [milk]  # no product line was added for the card
    session.drop_member()
    typed = session.enter(FOREIGN_EAN13)
    assert typed.member and session.member.name == "Фёдор"


def test_an_unknown_foreign_code_is_still_a_product_and_a_bad_shop_card_still_misread(shop, old_cards, session):
    with pytest.raises(NotFound) as unknown:
        session.scan("4601234567893")
    assert unknown.value.code == "product_unknown"
    prefix = shop_info().card_prefix
    misread = session.scan(prefix + "00000000000")
    assert misread.notice.code == "card_misread"


def test_old_cards_are_found_wherever_a_card_number_is_taken(shop, old_cards):
    assert members.find_by_card(EAN8).name == "Ева"
    assert members.find_member_ref(CODE128).name == "Глеб"
    assert members.find_referrer(FOREIGN_EAN13).name == "Фёдор"
    assert [m.name for m in members.search(RECEIPT_SHAPED)] == ["Дана"]
    assert members.scan_kind(RECEIPT_SHAPED, shop_info().card_prefix).kind == "card"
    with pytest.raises(InputError) as shape:
        members.find_by_card("12345")
    assert shape.value.code == "card_shape"  # unknown and not a shop card: as before
    with pytest.raises(NotFound):
        members.find_member_ref("12345")


def test_a_product_cannot_take_a_known_card_as_its_barcode(shop, old_cards):
    form = catalogue.ProductForm(name="Juice", price=1000, category="Drinks", barcodes=(EAN8,))
    with pytest.raises(InputError) as refused:
        catalogue.add_product(shop["manager"], form)
    assert refused.value.code == "barcode_is_card" and refused.value.params["barcode"] == EAN8
    fine = catalogue.add_product(shop["manager"], catalogue.ProductForm(name="Juice", price=1000, category="Drinks",
                                                                      barcodes=("4601234567893",)))
    assert fine.barcode == "4601234567893"
