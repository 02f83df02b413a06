"""The catalogue from a file (1C, MoySklad, a cash-register program): products
with their barcodes (several per product), names, prices, categories and
whether they are weighed.

A row finds its product by any of its barcodes, then by SKU (a row with
neither, by its name; a new one gets an in-store code).  The product
rules are services.shop.catalogue's (name, price, barcode and PLU checks):
this module only reads a chunk's rows, looks up what the till has for all
of them at once and writes in bulk.  A changed price is a price change with
its history row (price_change) and audit line, as the catalogue page makes;
an unchanged row is skipped, so the same file twice changes nothing.  As for
members, a later row of the same file never overwrites what an earlier row
gave the same product (a re-import would otherwise flip it back and forth),
and a category's loyalty exclusion is set by the first row naming it.
The catalogue syncs by comparing tables (services.sync.client.UNLOGGED_KINDS),
not through the outbox, so nothing is recorded there.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from models.db import insert_rows
from models.schema import Category, PriceChange, Product, ProductCode, Staff, new_id, utcnow
from services.core.errors import InputError
from services.core.storage import Pace
from services.imports import values
from services.imports.chunks import as_uuid, marks, parts, run_in_chunks, select
from services.imports.outcome import ImportOutcome, RowProblem
from services.journal import audit
from services.shop import catalogue, product_codes
from services.shop import staff as auth
from services.shop.settings import shop_info

CHUNK = 1000
CHUNK_BUDGET_S = 0.25
MOST_PER_CHUNK = 5000
_TEXT_FIELDS = ("name", "category", "sku")


@dataclass
class ProductRow:
    row: int
    codes: list[str] = field(default_factory=list)
    given: dict[str, Any] = field(default_factory=dict)  # name, price, category, excluded, weighed, sku, plu


def run(records: Iterable[tuple[int, dict[str, Any]]], *, actor: Staff, options: dict[str, Any] | None = None,
        dry_run: bool = False, progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None, now: dt.datetime | None = None,
        pace: Pace | None = None) -> ImportOutcome:
    who = auth.require(actor, "import_data")
    job = _Job(who, now or utcnow(), dry_run)
    pace = pace or Pace(CHUNK, budget_s=CHUNK_BUDGET_S, most=MOST_PER_CHUNK)
    outcome = ImportOutcome(dry_run=dry_run)
    return run_in_chunks(records, outcome, pace, check=job.check,
                         write=lambda rows, out: _Chunk(job, rows).write(out),
                         progress=progress, should_stop=should_stop)


@dataclass
class _Planned:
    """A dry run's memory of what its earlier chunks would have written (each is
    rolled back, and writes nothing): a later chunk finds its rows' products here
    as well as in the database, so a duplicate there is judged as the real run
    judges it."""

    codes: dict[str, uuid.UUID] = field(default_factory=dict)  # the codes the earlier chunks added
    keys: dict[str, dict[Any, uuid.UUID]] = field(default_factory=lambda: {"sku": {}, "name_key": {}, "plu": {}})
    products: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)  # as the chunks left them
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)

    stored_plus: dict[int, uuid.UUID] | None = None  # the database's, read once

    def holds(self, product: uuid.UUID | None, column: str, value: Any) -> bool:
        """`product` has `value` in `column` still (as far as the earlier chunks go)."""
        return product is not None and (product not in self.products or self.products[product][column] == value)

    def top_plu(self) -> int:
        """The highest PLU the real run would find taken (catalogue.next_plu's, after the earlier chunks)."""
        if self.stored_plus is None:
            self.stored_plus = {plu: as_uuid(i) for plu, i in select(
                'SELECT plu, id FROM "product" WHERE plu IS NOT NULL', [])}
        return max((plu for source in (self.stored_plus, self.keys["plu"]) for plu, product in source.items()
                    if self.holds(product, "plu", plu)), default=0)


class _Job:
    def __init__(self, who: Staff, now: dt.datetime, dry_run: bool) -> None:
        self.who, self.now, self.dry_run = who, now, dry_run
        self.card_prefix = shop_info().card_prefix
        self.default_category = catalogue.default_category_name()
        # product id -> (the row that first reached it, the fields rows of this file gave it)
        self.reached: dict[uuid.UUID, tuple[int, set[str]]] = {}
        self.categories_set: set[str] = set()  # categories whose exclusion a row of this file gave
        self.planned = _Planned() if dry_run else None

    def check(self, row: int, cells: dict[str, Any], outcome: ImportOutcome) -> ProductRow | None:
        try:
            return self._check(row, cells, outcome)
        except InputError as exc:
            outcome.errors.append(RowProblem(row, str(exc.params.get("field", "barcode")), exc))
            return None

    def _check(self, row: int, cells: dict[str, Any], outcome: ImportOutcome) -> ProductRow:
        found = ProductRow(row)
        warnings = [RowProblem(row, name, InputError("import_formula_text", field=name, value=str(cells[name])[:40]))
                    for name in _TEXT_FIELDS if values.looks_like_formula(cells.get(name))]
        for code in values.barcodes(cells.get("barcode"), "barcode"):
            try:
                checked = product_codes.check_code(code, self.card_prefix)
            except InputError as exc:
                raise InputError(exc.code, field="barcode", **exc.params) from None
            if checked not in found.codes:
                found.codes.append(checked)
        given = found.given
        name = values.name(cells.get("name"), "name")
        if name is not None:
            given["name"] = _as_field("name", catalogue.checked_name, name)
        price = values.money(cells.get("price"), "price")
        if price is not None:
            _as_field("price", catalogue.check_price, price)
            given["price"] = price
        category = values.text(cells.get("category"), "category")
        if category is not None:
            given["category"] = _as_field("category", catalogue.category_name, category)
        for key, value in (("excluded", values.flag(cells.get("excluded"), "excluded")),
                           ("weighed", values.flag(cells.get("weighed"), "weighed")),
                           ("sku", values.text(cells.get("sku"), "sku"))):
            if value is not None:
                given[key] = value
        plu = values.points(cells.get("plu"), "plu")
        if plu is not None:  # never negative, nor past what the scales' barcode holds
            given["plu"] = _as_field("plu", catalogue.check_plu_range, plu)
        outcome.warnings.extend(warnings)
        return found


def _as_field(name: str, check: Callable[[Any], Any], value: Any) -> Any:
    """One of the catalogue's checks, its error naming the row's field."""
    try:
        result = check(value)
    except InputError as exc:
        raise InputError(exc.code, field=name, **exc.params) from None
    return value if result is None else result


class _Chunk:
    """A chunk's lookups (codes, SKUs, cards, categories, PLUs) and its writes."""

    def __init__(self, job: _Job, rows: list[ProductRow]) -> None:
        self.job, self.rows = job, rows
        self.by_code: dict[str, uuid.UUID] = {}
        self.by_sku: dict[str, uuid.UUID] = {}
        self.by_name: dict[str, uuid.UUID] = {}  # for rows with no barcode and no SKU
        self.cards: set[str] = set()
        self.products: dict[uuid.UUID, dict[str, Any]] = {}
        self.categories: dict[str, dict[str, Any]] = {c["name"]: c for c in Category.select().dicts()}
        self.plus: dict[int, uuid.UUID] = {}
        self.plu_moved: set[uuid.UUID] = set()  # products whose PLU this chunk changes
        self.new_products: list[dict[str, Any]] = []
        self.changed: set[uuid.UUID] = set()
        self.new_codes: list[dict[str, Any]] = []
        self.prices: list[dict[str, Any]] = []
        self.new_categories: list[dict[str, Any]] = []
        self.excluded_changed: set[str] = set()
        self._instore: tuple[str, int, int] | None = None  # prefix, till, next serial
        self._instore_cards: set[str] = set()  # cards in that range
        self._look_up()

    def _look_up(self) -> None:
        codes = list({c for r in self.rows for c in r.codes} | {v for c in {x for r in self.rows for x in r.codes}
                                                                  for v in product_codes.variants(c)})
        skus = list({r.given["sku"] for r in self.rows if "sku" in r.given})
        ids: set[uuid.UUID] = set()
        for part in parts(codes):
            for code, product in select(
                    f'SELECT code, product_id FROM "product_code" WHERE code IN ({marks(part)}) '
                    f'UNION ALL SELECT barcode, id FROM "product" WHERE barcode IN ({marks(part)})', part + part):
                self.by_code.setdefault(code, as_uuid(product))
                ids.add(as_uuid(product))
            self.cards |= {n for n, in select(f'SELECT number FROM "card" WHERE number IN ({marks(part)})', part)}
        for part in parts(skus):
            for sku, product in select(
                    f'SELECT sku, id FROM "product" WHERE sku IN ({marks(part)}) ORDER BY active DESC', part):
                self.by_sku.setdefault(sku, as_uuid(product))
                ids.add(as_uuid(product))
        names = list({catalogue.name_key(r.given["name"]) for r in self.rows if _keyless(r) and "name" in r.given})
        for part in parts(names):
            for key, product in select(
                    f'SELECT name_key, id FROM "product" WHERE name_key IN ({marks(part)}) ORDER BY active DESC', part):
                self.by_name.setdefault(key, as_uuid(product))
                ids.add(as_uuid(product))
        planned = self.job.planned
        if planned is not None:
            ids |= self._recall(planned, codes, skus, names)
        for part in parts([i.bytes for i in ids]):
            for row in Product.select().where(Product.id.in_([uuid.UUID(bytes=b) for b in part])).dicts():
                self.products[row["id"]] = row
        plus = list({r.given["plu"] for r in self.rows if "plu" in r.given})
        for part in parts(plus):
            for plu, product in select(f'SELECT plu, id FROM "product" WHERE plu IN ({marks(part)})', part):
                self.plus[plu] = as_uuid(product)
        if planned is not None:
            self.products.update((i, dict(planned.products[i])) for i in ids if i in planned.products)
            self.plus = {plu: i for plu, i in self.plus.items() if planned.holds(i, "plu", plu)}
            self.plus.update((plu, i) for plu, i in planned.keys["plu"].items() if planned.holds(i, "plu", plu))
            self.categories.update((name, dict(c)) for name, c in planned.categories.items())

    def _recall(self, planned: _Planned, codes: list[str], skus: list[str], names: list[str]) -> set[uuid.UUID]:
        """What the dry run's earlier chunks would have written, over what the database
        (which never saw it) says: the products this chunk's rows find, as the real run finds them."""
        ids: set[uuid.UUID] = set()
        for code in codes:
            if code in planned.codes:
                self.by_code.setdefault(code, planned.codes[code])
                ids.add(planned.codes[code])
        for column, wanted, found in (("sku", skus, self.by_sku), ("name_key", names, self.by_name)):
            known = planned.keys[column]
            for value in wanted:  # what still holds the value after the earlier chunks, the oldest first
                holders = [p for p in (found.get(value), known.get(value)) if planned.holds(p, column, value)]
                found.pop(value, None)
                if holders:
                    found[value] = min(holders)  # ids are UUIDv7: in the order they were made, as the rows were
                    ids.add(found[value])
        return ids

    def write(self, outcome: ImportOutcome) -> None:
        for row in self.rows:
            try:
                counted = self._take(row)
            except InputError as exc:
                outcome.errors.append(RowProblem(row.row, str(exc.params.get("field", "")), exc))
                continue
            setattr(outcome, counted, getattr(outcome, counted) + 1)
        self._save()

    def _take(self, row: ProductRow) -> str:
        for code in row.codes:
            if code in self.cards:
                raise InputError("barcode_is_card", field="barcode", barcode=code)
        product_id: uuid.UUID | None = None
        for code in row.codes:
            owner = next((self.by_code[v] for v in product_codes.variants(code) if v in self.by_code), None)
            if owner is None:
                continue
            if product_id is None:
                product_id = owner
            elif owner != product_id:
                raise InputError("import_two_products", field="barcode", barcode=code,
                                 name=self.products[owner]["name"])
        if product_id is None and "sku" in row.given:
            product_id = self.by_sku.get(row.given["sku"])
        if product_id is None and _keyless(row) and "name" in row.given:
            product_id = self.by_name.get(catalogue.name_key(row.given["name"]))
        given = row.given
        if "plu" in given:
            holder = self.plus.get(given["plu"])
            if holder is not None and holder != product_id:
                raise InputError("plu_taken", field="plu", plu=given["plu"], name=self.products.get(
                    holder, {}).get("name", str(given["plu"])))
        category_id = self._category(given) if "category" in given else None
        if product_id is None:
            return self._create(row, category_id)
        return "updated" if self._update(product_id, row, category_id) else "skipped"

    def _category(self, given: dict[str, Any]) -> uuid.UUID:
        name = given["category"]
        found = self.categories.get(name)
        excluded = given.get("excluded")
        if found is None:
            found = {"id": new_id(), "name": name, "loyalty_excluded": bool(excluded)}
            self.categories[name] = found
            self.new_categories.append(found)
        elif excluded is not None and name not in self.job.categories_set and found["loyalty_excluded"] != excluded:
            found["loyalty_excluded"] = excluded
            self.excluded_changed.add(name)
        if excluded is not None:
            self.job.categories_set.add(name)
        return found["id"]

    def _create(self, row: ProductRow, category_id: uuid.UUID | None) -> str:
        job, given = self.job, row.given
        if "name" not in given:
            raise InputError("product_name_empty", field="name")
        if "price" not in given:
            raise InputError("import_price_missing", field="price")
        if category_id is None:
            category_id = self._category({"category": job.default_category})
        codes = row.codes or [self._instore_code()]
        weighed = bool(given.get("weighed", False))
        plu = given.get("plu") if weighed else None
        if weighed:
            plu = plu or self._next_plu()  # a given one checked (_check, _take), the next one free and in range
        product_id = new_id()
        item = {"id": product_id, "barcode": codes[0], "sku": given.get("sku", ""), "name": given["name"],
                "name_key": catalogue.name_key(given["name"]), "category": category_id, "price": given["price"],
                "quick_key": None, "active": True, "weighed": weighed, "plu": plu}
        self.new_products.append(item)
        self.products[product_id] = item
        for code in codes:
            self._add_code(product_id, code)
        if plu is not None:
            self.plus[plu] = product_id
        if "sku" in given:
            self.by_sku.setdefault(given["sku"], product_id)
        if _keyless(row):
            self.by_name.setdefault(item["name_key"], product_id)
        self.prices.append({"id": new_id(), "product": product_id, "previous": given["price"], "price": given["price"],
                            "effective_from": job.now, "staff": job.who.id})
        job.reached[product_id] = (row.row, set(given))
        return "imported"

    def _update(self, product_id: uuid.UUID, row: ProductRow, category_id: uuid.UUID | None) -> bool:
        job = self.job
        first, fields = job.reached.get(product_id, (row.row, set()))
        item = self.products[product_id]
        wanted = {k: v for k, v in row.given.items() if k not in fields and k not in ("excluded", "category")}
        if category_id is not None and "category" not in fields:
            wanted["category"] = category_id
        # The PLU rules of the create path (and the catalogue page's): a weighed product has one
        # (a given one checked in _check and _take); any other has none, whatever the file says.
        if wanted.get("weighed", item["weighed"]):
            if not wanted.get("plu") and not item.get("plu"):
                wanted["plu"] = self._next_plu()
        else:
            wanted.pop("plu", None)
            if item.get("plu") is not None:
                wanted["plu"] = None
        changes = {k: v for k, v in wanted.items() if item.get(k) != v}
        changed = bool(changes)
        if "price" in changes:
            self.prices.append({"id": new_id(), "product": product_id, "previous": item["price"],
                                "price": changes["price"], "effective_from": job.now, "staff": job.who.id})
            if not job.dry_run:
                audit.record("price_changed", job.who, target=changes.get("name", item["name"]), now=job.now,
                             barcode=item["barcode"], previous=item["price"], price=changes["price"])
        if "name" in changes:
            changes["name_key"] = catalogue.name_key(changes["name"])
        before_plu = item.get("plu")
        item.update(changes)
        if changes and product_id not in {p["id"] for p in self.new_products}:
            self.changed.add(product_id)
        if "plu" in changes:
            if self.plus.get(before_plu) == product_id:
                del self.plus[before_plu]  # free for a later row, as it is once written
            self.plu_moved.add(product_id)
            if changes["plu"] is not None:
                self.plus[changes["plu"]] = product_id
        for code in row.codes:
            if not any(v in self.by_code for v in product_codes.variants(code)):
                self._add_code(product_id, code)
                changed = True
        job.reached[product_id] = (first, fields | set(row.given))
        return changed

    def _add_code(self, product_id: uuid.UUID, code: str) -> None:
        self.new_codes.append({"id": new_id(), "product": product_id, "code": code,
                               "kind": product_codes.kind_of(code)})
        self.by_code[code] = product_id

    def _instore_code(self) -> str:
        """catalogue.new_instore_code's next codes, past this chunk's and the cards an import brought."""
        if self._instore is None:
            first = catalogue.new_instore_code()
            self._instore = (first[:2], int(first[2:5]), int(first[5:12]))
            self._instore_cards = catalogue.instore_cards(first[:5], first)
        prefix, till, serial = self._instore
        while True:
            code = product_codes.instore_code(prefix, till, serial)
            serial += 1
            if code not in self.by_code and code not in self._instore_cards:
                break
        self._instore = (prefix, till, serial)
        return code

    def _next_plu(self) -> int:
        planned = self.job.planned
        known = catalogue.next_plu() - 1 if planned is None else planned.top_plu()
        top = max([known, *self.plus])
        plu = top + 1
        if plu > catalogue.scale_layout().max_plu:
            raise InputError("plu_range", field="plu", max=catalogue.scale_layout().max_plu)
        return plu

    def _plan(self, planned: _Planned) -> None:
        """Remember this chunk as if written, for the dry run's later chunks."""
        planned.products.update(self.products)
        planned.codes.update((c["code"], c["product"]) for c in self.new_codes)
        planned.categories.update(self.categories)
        for product_id in self.changed | {p["id"] for p in self.new_products}:
            item = self.products[product_id]
            for column in ("sku", "name_key", "plu"):
                value, holder = item.get(column), planned.keys[column].get(item.get(column))
                if value and (not planned.holds(holder, column, value) or product_id < holder):
                    planned.keys[column][value] = product_id

    def _save(self) -> None:
        if self.job.planned is not None:  # a dry run writes nothing: its later chunks recall this one
            self._plan(self.job.planned)
            return
        if self.new_categories:
            insert_rows(Category, self.new_categories)
        for name in self.excluded_changed:
            found = self.categories[name]
            Category.update(loyalty_excluded=found["loyalty_excluded"]).where(Category.id == found["id"]).execute()
        if self.plu_moved:  # first let go of the PLUs a row of this chunk gives another product
            Product.update(plu=None).where(Product.id.in_(list(self.plu_moved))).execute()
        insert_rows(Product, self.new_products)
        columns = ("name", "name_key", "category", "price", "weighed", "plu", "sku")
        for product_id in self.changed:
            item = self.products[product_id]
            Product.update({getattr(Product, c): item[c] for c in columns}).where(Product.id == product_id).execute()
        insert_rows(ProductCode, self.new_codes)
        insert_rows(PriceChange, self.prices)


def _keyless(row: ProductRow) -> bool:
    return not row.codes and "sku" not in row.given
