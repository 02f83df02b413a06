"""The owner's shop settings, the till's store, the period job's schedule and the shop's clock."""
from __future__ import annotations

import datetime as dt

import pytest

from models.schema import Setting
from services.core.errors import InputError, PermissionDenied
from services.core.money import format_money
from services.journal import audit
from services.members import registry as members
from services.printing.receipts import load_receipt, receipt_rows
from services.programme import period
from services.sale.checkout import Cart
from services.shop import owner_settings
from services.shop.settings import local_time, shop_info
from tests.unit.shopkit import add_member, add_products, sell_by_card


def test_the_owner_changes_settings_and_the_log_says_what_they_were(shop):
    changed = owner_settings.change_settings(shop["owner"], {
        "shop_name": "  Лавка у дома ", "receipt_footer": "Обмен в течение 14 дней", "language": "en",
        "time_zone": "Asia/Vladivostok", "scan_prefix": "~",
    })
    assert changed["shop_name"] == ("Test shop", "Лавка у дома")
    info = shop_info()
    assert (info.name, info.receipt_footer, info.language, info.time_zone, info.scan_prefix) == (
        "Лавка у дома", "Обмен в течение 14 дней", "en", "Asia/Vladivostok", "~")
    (entry,) = audit.entries(action="settings_changed")
    assert entry.staff_name == "Owner"
    assert entry.details["changes"]["language"] == ["ru", "en"]
    assert entry.details["changes"]["time_zone"] == ["Europe/Moscow", "Asia/Vladivostok"]
    # Nothing changed: nothing logged.
    assert owner_settings.change_settings(shop["owner"], {"shop_name": "Лавка у дома"}) == {}
    assert len(audit.entries(action="settings_changed")) == 1


def test_only_the_owner_changes_settings_and_a_bad_value_changes_nothing(shop):
    with pytest.raises(PermissionDenied):
        owner_settings.change_settings(shop["manager"], {"shop_name": "Mine"})
    for bad in ({"time_zone": "Mars/Olympus"}, {"card_prefix": "31"}, {"scan_prefix": "12"}, {"shop_name": " "},
                {"receipt_header": "x" * 301}):
        with pytest.raises(InputError):
            owner_settings.change_settings(shop["owner"], {"shop_address": "New street 1", **bad})
    assert shop_info().address == ""
    assert audit.entries(action="settings_changed") == []


def test_currency_and_card_prefix_are_kept_once_sales_and_cards_exist(shop):
    owner_settings.change_settings(shop["owner"], {"currency": "MDL", "card_prefix": "25"})
    assert (shop_info().currency, shop_info().region, shop_info().card_prefix) == ("MDL", "MD", "25")
    member, card = add_member("Ion", shop["cashier"], "+37369123456")
    with pytest.raises(InputError) as caught:
        owner_settings.change_settings(shop["owner"], {"card_prefix": "26"})
    assert caught.value.code == "card_prefix_in_use"
    cart = Cart()
    cart.add_barcode(add_products([("Pâine", 1000, False)])[0])
    sell_by_card(cart, shop["cashier"])
    with pytest.raises(InputError) as caught:
        owner_settings.change_settings(shop["owner"], {"currency": "RON"})
    assert caught.value.code == "currency_after_sales"
    assert shop_info().currency == "MDL"


def test_a_chain_till_prints_its_store_and_the_owner_s_header_and_footer(shop):
    owner_settings.change_settings(shop["owner"], {"shop_address": "Head office, 1 Main St",
                                                   "receipt_header": "INN 7700000000",
                                                   "receipt_footer": "Returns within 14 days\nwww.shop.example"})
    owner_settings.set_till_store(shop["owner"], "Store 2 — Arbat", "Arbat 10, Moscow")
    cart = Cart()
    cart.add_barcode(add_products([("Хлеб", 5000, False)])[0])
    receipt = load_receipt(sell_by_card(cart, shop["cashier"]).receipt_no)
    lefts = [row.left for row in receipt_rows(receipt)]
    assert lefts[:4] == ["Test shop", "Store 2 — Arbat", "Arbat 10, Moscow", "INN 7700000000"]
    assert "Head office, 1 Main St" not in lefts
    assert lefts.index("www.shop.example") > lefts.index("Спасибо за покупку!")
    assert owner_settings.till_store() == owner_settings.StoreInfo("Store 2 — Arbat", "Arbat 10, Moscow")
    assert [e.target for e in audit.entries(action="settings_changed")] == ["store", "shop"]


def test_times_shown_and_printed_are_the_shop_s_not_the_pc_s(shop):
    owner_settings.change_settings(shop["owner"], {"time_zone": "Asia/Vladivostok"})  # UTC+10, no DST
    noon_utc = dt.datetime(2026, 3, 1, 12, 0)
    assert local_time(noon_utc).strftime("%H:%M") == "22:00"
    cart = Cart()
    cart.add_barcode(add_products([("Хлеб", 5000, False)])[0])
    result = sell_by_card(cart, shop["cashier"])
    receipt = load_receipt(result.receipt_no)
    assert receipt.created_at.utcoffset() == dt.timedelta(hours=10)


def test_the_period_job_remembers_its_last_run_and_is_due_once_a_shop_day(shop):
    owner_settings.change_settings(shop["owner"], {"time_zone": "Asia/Vladivostok"})
    monday_9_local = dt.datetime(2030, 3, 1, 23, 0)  # 09:00 on 2 March in Vladivostok
    assert period.is_due(monday_9_local)
    done = period.run(monday_9_local)
    assert period.last_run() == done and done.at == monday_9_local
    assert not period.is_due(dt.datetime(2030, 3, 2, 13, 59))  # 23:59 the same local day
    assert period.is_due(dt.datetime(2030, 3, 2, 14, 0))  # local midnight: a new day


def test_amounts_in_an_english_shop_carry_a_sign_not_a_code():
    assert format_money(123456, "RUB", "en_GB") == "₽1,234.56"
    assert format_money(0, "MDL", "en_GB") == "MDL\u00a00.00"
    assert format_money(5000, "RUB", "ru_RU") == "50,00\u00a0₽"


def test_a_phone_is_found_by_its_last_four_digits(shop):
    anna, _ = add_member("Анна", shop["cashier"], "+79991234567")
    add_member("Борис", shop["cashier"], "+79997654321")
    assert [m.id for m in members.search("4567")] == [anna.id]
    assert members.search("0000") == []
    assert Setting.get_or_none(Setting.key == "period_last_run") is None
