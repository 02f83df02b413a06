"""`main.py product`: the catalogue from a script, with the role of --pin."""
from __future__ import annotations

import json

from tests.e2e.conftest import run


def test_add_sell_change_price_and_archive(shop):
    path, _ = shop
    db = str(path)
    added = json.loads(run("product", "add", "--db", db, "--name", "Хлеб Бородинский", "--price", "6490",
                           "--category", "Хлеб", "--pin", "222222", "--json").stdout)
    code = added["barcode"]
    assert code.startswith("20") and len(code) == 13 and added["price"] == 6490 and added["category"] == "Хлеб"
    sold = json.loads(run("sell", "--db", db, "--item", f"{code}*2", "--json").stdout)
    assert sold["total"] == 12980
    changed = json.loads(run("product", "update", "--db", db, "--barcode", code, "--price", "6990",
                             "--add-barcode", "96385074", "--json").stdout)
    assert changed["price"] == 6990 and changed["barcodes"] == [code, "96385074"]
    assert json.loads(run("sell", "--db", db, "--item", "96385074", "--json").stdout)["total"] == 6990
    archived = json.loads(run("product", "archive", "--db", db, "--barcode", code, "--json").stdout)
    assert archived["active"] is False
    gone = run("sell", "--db", db, "--item", code, "--json", check=False)
    assert gone.returncode == 2 and "archived" in gone.stderr and "Хлеб Бородинский" in gone.stderr


def test_a_cashier_may_not_and_bad_input_is_one_line(shop):
    path, _ = shop
    db = str(path)
    for args, message in (
        (("--pin", "3333"), "manager"),
        (("--barcode", "4601234567890"), "should be 3"),
        (("--price", "-5"), "price is between"),
    ):
        base = {"--name": "Кефир", "--price": "5990", "--category": "Молочное"}
        flags = [x for k, v in base.items() if k not in args for x in (k, v)]
        out = run("product", "add", "--db", db, *flags, *args, "--json", check=False)
        assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1
        assert out.stdout == ""


def test_a_weighed_product_gets_the_next_plu(shop):
    path, _ = shop
    out = json.loads(run("product", "add", "--db", str(path), "--name", "Яблоки", "--price", "18990",
                         "--category", "Фрукты", "--weighed", "--json").stdout)
    assert out["weighed"] is True and out["plu"] >= 1


def test_a_product_added_without_a_category_goes_to_other_goods_and_a_bad_check_digit_says_so(shop):
    path, _ = shop
    db = str(path)
    added = json.loads(run("product", "add", "--db", db, "--name", "Спички", "--price", "500", "--json").stdout)
    assert added["category"] == "Прочие товары"  # the shop's language (a Russian demo)
    wrong = run("product", "add", "--db", db, "--name", "Соль", "--price", "3990", "--barcode", "4600000000021",
                "--json", check=False)
    assert wrong.returncode == 2 and "wrong check digit" in wrong.stderr and "should be 2" in wrong.stderr
