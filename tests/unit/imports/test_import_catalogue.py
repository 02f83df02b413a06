"""The catalogue from a file (services.imports.catalogue): the catalogue page's
rules, several barcodes a product, price history, idempotence."""
from __future__ import annotations

import pytest

from models.schema import AuditEntry, Category, PriceChange, Product, ProductCode, utcnow
from services.core.errors import PermissionDenied
from services.core.storage import Pace
from services.imports import catalogue as engine
from services.imports import members as member_import
from services.shop import catalogue


def fast_pace(size: int = engine.CHUNK) -> Pace:
    return Pace(size, rest_s=0, sleep=lambda s: None, most=size)


def run(rows, shop, pace=None, **kw):
    records = [(n, cells) for n, cells in enumerate(rows, start=2)]
    return engine.run(records, actor=shop["owner"], now=kw.pop("now", utcnow()), pace=pace or fast_pace(), **kw)


ROWS = [
    {"barcode": "4601234567893; 96385074", "name": "Молоко 3,2%", "price": "89,90", "category": "Молочное", "sku": "A-1"},
    {"barcode": "4006381333931", "name": "Сигареты", "price": "250", "category": "Табак", "excluded": "да"},
    {"barcode": "", "name": "Яблоки", "price": "129,00", "category": "Фрукты", "weighed": "1", "plu": "17"},
    {"barcode": "", "name": "Пакет", "price": "5"},
]


def test_a_file_makes_products_with_their_barcodes_categories_and_price_history(shop):
    outcome = run(ROWS, shop)
    assert (outcome.rows, outcome.imported, outcome.updated, outcome.skipped, outcome.errors) == (4, 4, 0, 0, [])
    milk = catalogue.by_barcode("96385074")
    assert (milk.name, milk.price, milk.barcode, milk.sku, milk.category.name) == \
        ("Молоко 3,2%", 8990, "4601234567893", "A-1", "Молочное")
    assert catalogue.codes_of(milk) == ["4601234567893", "96385074"]
    assert catalogue.by_barcode("4006381333931").category.loyalty_excluded is True
    apples = catalogue.by_plu(17)
    assert apples.weighed and apples.price == 12900 and len(apples.barcode) == 13  # an in-store code
    bag = Product.get(Product.name == "Пакет")
    assert bag.category.name == catalogue.default_category_name()
    assert PriceChange.select().count() == 4


def test_the_same_file_twice_changes_nothing_and_a_changed_price_updates_with_its_history(shop):
    run(ROWS, shop)
    counts = (Product.select().count(), ProductCode.select().count(), PriceChange.select().count(),
              Category.select().count())
    again = run(ROWS, shop)
    assert (again.imported, again.updated, again.skipped) == (0, 0, 4)
    assert (Product.select().count(), ProductCode.select().count(), PriceChange.select().count(),
            Category.select().count()) == counts
    dearer = run([dict(ROWS[0], barcode="96385074", price="99,90")], shop)  # found by its second barcode
    assert (dearer.updated, dearer.skipped) == (1, 0)
    milk = catalogue.by_barcode("4601234567893")
    assert milk.price == 9990
    assert [(p.previous, p.price) for p in catalogue.price_history(milk)][0] == (8990, 9990)
    assert AuditEntry.select().where(AuditEntry.action == "price_changed").count() == 1
    by_sku = run([{"sku": "A-1", "barcode": "4820000000000", "name": "Молоко 3,2%", "price": "99,90"}], shop)
    assert by_sku.updated == 1 and catalogue.by_barcode("4820000000000").id == milk.id  # its new barcode added


def test_every_trap_names_its_row_and_field(shop):
    member_import.run([(2, {"name": "Card holder", "card": "12345670"})], actor=shop["owner"], now=utcnow())
    run(ROWS[:2], shop)
    rows = [
        {"barcode": "4601234567890", "name": "Wrong digit", "price": "1"},
        {"barcode": "12345670", "name": "A card", "price": "1"},
        {"barcode": "4820000000017", "name": "No price"},
        {"barcode": "4820000000024", "name": "Too dear", "price": "10000000"},
        {"barcode": "4820000000031", "price": "1"},
        {"barcode": "4601234567893, 4006381333931", "name": "Two products", "price": "1"},
        {"barcode": "4820000000048", "name": "Pennies", "price": "1,234"},
        {"barcode": "4820000000055", "name": "=1+1", "price": "3"},
        {"barcode": "4820000000062", "name": "w" * 121, "price": "3"},
    ]
    outcome = run(rows, shop)
    found = {(p.row, p.field, p.error.code) for p in outcome.errors}
    assert found == {
        (2, "barcode", "barcode_check_digit"), (3, "barcode", "barcode_is_card"), (4, "price", "import_price_missing"),
        (5, "price", "price_range"), (6, "name", "product_name_empty"), (7, "barcode", "import_two_products"),
        (8, "price", "import_money_decimals"), (10, "name", "name_too_long"),
    }
    wrong = next(p for p in outcome.errors if p.row == 2)
    assert wrong.error.params["digit"] == 3 and "3" in wrong.message
    assert [(w.row, w.field, w.error.code) for w in outcome.warnings] == [(9, "name", "import_formula_text")]
    assert outcome.imported == 1 and catalogue.by_barcode("4820000000055").name == "=1+1"


def test_a_dry_run_writes_nothing_and_a_stopped_run_completes_the_second_time(shop):
    before = (Product.select().count(), Category.select().count(), PriceChange.select().count())
    dry = run(ROWS, shop, dry_run=True)
    assert (dry.imported, dry.dry_run) == (4, True)
    assert (Product.select().count(), Category.select().count(), PriceChange.select().count()) == before
    stopped = run(ROWS, shop, pace=fast_pace(2), should_stop=lambda: True)
    assert (stopped.rows, stopped.imported) == (2, 2)
    rest = run(ROWS, shop, pace=fast_pace(2))
    assert (rest.imported, rest.skipped) == (2, 2)


def test_only_the_owner_imports_the_catalogue(shop):
    with pytest.raises(PermissionDenied):
        engine.run([], actor=shop["manager"])
