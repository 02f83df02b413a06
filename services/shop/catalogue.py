"""The shop's products and categories: lookups for the till, and the
manager's and owner's catalogue (add, edit, archive, barcodes, prices).

A product is found by any of its codes (product_code, whose unique index
keeps a code to one product); `product.barcode` is its main one, the code
sale lines record.  Every price change is kept (price_change) with who made
it: a sale line records the price of its day, so receipts, reprints and the
what-if read that; the history is for the owner.  Roles are checked here,
whichever face calls (services.shop.staff.require).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from models.db import fold_text
from models.schema import Card, Category, PriceChange, Product, ProductCode, Staff, utcnow
from services.core.errors import InputError, NotFound
from services.core.messages import words
from services.core.storage import write_transaction
from services.journal import audit
from services.shop import product_codes, scales
from services.shop import staff as auth
from services.shop.settings import get_setting, set_setting, shop_info

MAX_PRICE = 100_000_000  # a million in major units: a typo, not a price
NAME_MAX = 120


def name_key(name: str) -> str:
    """A product's name as search compares it: "Pâine albă" is found by "paine" (models.db.fold_text)."""
    return fold_text(name)


def _name_matches(key: str) -> peewee.Expression:
    """The name or its category contains `key`.  fold() in SQL as well as the stored key: a row
    written before keys lost their accents is found all the same, with nothing re-keyed."""
    return (Product.name_key.contains(key) | peewee.fn.fold(Product.name).contains(key)
            | peewee.fn.fold(Category.name).contains(key))


# --- the till's lookups -----------------------------------------------------------------


def default_category_name() -> str:
    """Where a product added without a category goes (a script's `product add`), in the shop's language."""
    return words(shop_info().language).pgettext("category", "Other goods")


def by_barcode(barcode: str) -> Product:
    """The active product sold under this code (any of its codes)."""
    product = find_code(barcode)
    if product is None:
        raise NotFound("product_unknown", barcode=barcode.strip())
    if not product.active:  # taken off sale: say so, and where it comes back
        raise NotFound("product_archived", barcode=barcode.strip(), name=product.name)
    return product


def find_code(code: str) -> Product | None:
    """The product with this code, archived or not, or None."""
    tries = product_codes.variants(code)
    found = (
        Product.select(Product, Category).join(Category).switch(Product)
        .join(ProductCode, on=(ProductCode.product == Product.id))
        .where(ProductCode.code.in_(tries)).first()
    )
    if found is None:  # a product pulled from the hub before its codes were: its main barcode
        found = Product.select(Product, Category).join(Category).where(Product.barcode.in_(tries)).first()
    return found


def by_plu(plu: int) -> Product:
    product = (
        Product.select(Product, Category).join(Category)
        .where((Product.plu == plu) & (Product.weighed == True) & (Product.active == True))  # noqa: E712
        .first()
    )
    if product is None:
        raise NotFound("plu_unknown", plu=plu)
    return product


def scale_layout() -> scales.ScaleLayout:
    return scales.parse_layout(get_setting("scale_layout") or scales.DEFAULT_LAYOUT)


def search(text: str, limit: int = 30) -> list[Product]:
    text = text.strip()
    if not text:
        return []
    key = name_key(text)
    codes = ProductCode.select(ProductCode.product).where(ProductCode.code == text)
    query = (
        Product.select(Product, Category).join(Category)
        .where(
            (Product.active == True)  # noqa: E712
            & ((Product.barcode == text) | (Product.sku == text) | _name_matches(key) | Product.id.in_(codes))
        )
        .order_by(Product.name_key)
        .limit(limit)
    )
    return list(query)


def quick_keys() -> list[Product]:
    return list(
        Product.select(Product, Category).join(Category)
        .where(Product.quick_key.is_null(False) & (Product.active == True))  # noqa: E712
        .order_by(Product.quick_key)
    )


# --- the catalogue page -----------------------------------------------------------------


def products(text: str = "", archived: bool = False, limit: int = 500) -> list[Product]:
    """The catalogue's list: by name, code or SKU; archived ones on request."""
    query = Product.select(Product, Category).join(Category)
    if not archived:
        query = query.where(Product.active == True)  # noqa: E712
    text = text.strip()
    if text:
        codes = ProductCode.select(ProductCode.product).where(ProductCode.code.contains(text))
        query = query.where(_name_matches(name_key(text)) | (Product.sku == text) | Product.id.in_(codes))
    return list(query.order_by(Product.name_key).limit(limit))


def product(product_id: object) -> Product:
    found = Product.select(Product, Category).join(Category).where(Product.id == product_id).first()
    if found is None:
        raise NotFound("product_gone")
    return found


def codes_of(item: Product) -> list[str]:
    """Its codes, the main one first."""
    rows = [c for c, in ProductCode.select(ProductCode.code).where(ProductCode.product == item.id).tuples()]
    rows.sort(key=lambda c: (c != item.barcode, c))
    return rows or [item.barcode]


def price_history(item: Product) -> list[PriceChange]:
    """Newest first."""
    return list(PriceChange.select().where(PriceChange.product == item.id)
                .order_by(PriceChange.effective_from.desc(), PriceChange.id.desc()))


def price_on(item: Product, when: dt.datetime) -> int:
    """What the product cost at `when` (UTC), from its history."""
    last = (PriceChange.select().where((PriceChange.product == item.id) & (PriceChange.effective_from <= when))
            .order_by(PriceChange.effective_from.desc(), PriceChange.id.desc()).first())
    if last is not None:
        return last.price
    first = (PriceChange.select().where(PriceChange.product == item.id)
             .order_by(PriceChange.effective_from, PriceChange.id).first())
    return first.previous if first is not None else item.price


# --- categories ---------------------------------------------------------------------------


def categories() -> list[Category]:
    return list(Category.select().order_by(Category.name))


def category_named(name: str) -> Category | None:
    return Category.get_or_none(Category.name == " ".join(name.split()))


def add_category(actor: Staff | None, name: str, loyalty_excluded: bool = False) -> Category:
    auth.require(actor, "edit_catalogue")
    name = category_name(name)
    with write_transaction():
        if category_named(name) is not None:
            raise InputError("category_taken", name=name)
        return Category.create(name=name, loyalty_excluded=loyalty_excluded)


def edit_category(actor: Staff | None, category_id: object, name: str, loyalty_excluded: bool) -> Category:
    auth.require(actor, "edit_catalogue")
    name = category_name(name)
    with write_transaction():
        row = Category.get_or_none(Category.id == category_id)
        if row is None:
            raise NotFound("category_unknown", name=name)
        other = category_named(name)
        if other is not None and other.id != row.id:
            raise InputError("category_taken", name=name)
        row.name, row.loyalty_excluded = name, loyalty_excluded
        row.save()
        return row


def _tidy_name(raw: str, empty: str) -> str:
    """A product's or a category's name as it is kept: spaces tidied, not empty
    (`empty` is the error code saying which), not too long."""
    name = " ".join(raw.split())
    if not name:
        raise InputError(empty)
    if len(name) > NAME_MAX:
        raise InputError("name_too_long", max=NAME_MAX)
    return name


# --- products -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductForm:
    """What the product dialog and `main.py product` send.  `barcodes` in
    order, the first the main one; none: an in-store EAN-13 is made.  A
    weighed product's `price` is per kilogram; its PLU, if not given, is the
    next free one."""

    name: str
    price: int
    category: str
    barcodes: tuple[str, ...] = ()
    weighed: bool = False
    plu: int | None = None
    sku: str = ""
    new_category_excluded: bool = False  # a category named here that does not exist yet


def add_product(actor: Staff | None, form: ProductForm, now: dt.datetime | None = None) -> Product:
    who = auth.require(actor, "edit_catalogue")
    now = now or utcnow()
    with write_transaction():
        values, codes = _checked(form, None)
        if not codes:
            codes = [new_instore_code()]
        item = Product.create(barcode=codes[0], **values)
        _put_codes(item, codes)
        PriceChange.create(product=item, previous=item.price, price=item.price, effective_from=now, staff=who.id)
        return product(item.id)


def update_product(actor: Staff | None, product_id: object, form: ProductForm, now: dt.datetime | None = None) -> Product:
    who = auth.require(actor, "edit_catalogue")
    now = now or utcnow()
    with write_transaction():
        item = product(product_id)
        values, codes = _checked(form, item)
        if not codes:
            raise InputError("last_barcode")
        before = item.price
        Product.update(barcode=codes[0], **values).where(Product.id == item.id).execute()
        _put_codes(item, codes)
        if values["price"] != before:
            PriceChange.create(product=item.id, previous=before, price=values["price"], effective_from=now, staff=who.id)
            audit.record("price_changed", who, target=item.name, now=now, barcode=codes[0],
                         previous=before, price=values["price"])
        return product(item.id)


def archive_product(actor: Staff | None, product_id: object, archived: bool = True) -> Product:
    """Archived goods leave the till and the lists; their sales stay as they were."""
    auth.require(actor, "edit_catalogue")
    with write_transaction():
        item = product(product_id)
        Product.update(active=not archived).where(Product.id == item.id).execute()
        return product(item.id)


def new_instore_code() -> str:
    """The next in-store EAN-13 of this till (inside the caller's transaction),
    past any card an import brought in that range: an old system's cards often
    have an in-store prefix, and a product with a card's number would scan as
    the card."""
    from services.shop.settings import local_till

    shop = shop_info()
    till = local_till().number
    prefix = product_codes.instore_prefix(shop.card_prefix, scale_layout().prefix)
    head = f"{prefix}{till:03d}"
    last = (ProductCode.select(peewee.fn.MAX(ProductCode.code))
            .where(ProductCode.code.startswith(head) & (peewee.fn.LENGTH(ProductCode.code) == 13)).scalar())
    serial = int(last[5:12]) + 1 if last else 1
    code = product_codes.instore_code(prefix, till, serial)
    cards = instore_cards(head, code)
    while code in cards:
        serial += 1
        code = product_codes.instore_code(prefix, till, serial)
    return code


def instore_cards(head: str, since: str) -> set[str]:
    """Card numbers in an in-store range (`head`: prefix and till), from `since` on."""
    return {n for n, in Card.select(Card.number).where(
        Card.number.startswith(head) & (Card.number >= since) & (peewee.fn.LENGTH(Card.number) == 13)).tuples()}


def next_plu() -> int:
    top = Product.select(peewee.fn.MAX(Product.plu)).scalar()
    plu = (top or 0) + 1
    if plu > scale_layout().max_plu:
        raise InputError("plu_range", max=scale_layout().max_plu)
    return plu


def set_scale_layout(actor: Staff | None, text: str) -> scales.ScaleLayout:
    who = auth.require(actor, "shop_settings")
    layout = scales.check_layout(text, shop_info().card_prefix)
    with write_transaction():
        before = get_setting("scale_layout")
        set_setting("scale_layout", layout.text)
        audit.record("settings_changed", who, target="scale_layout", previous=before, value=layout.text)
    return layout


def _checked(form: ProductForm, item: Product | None) -> tuple[dict[str, object], list[str]]:
    """The product's columns and its codes, every value checked (inside the transaction)."""
    name = checked_name(form.name)
    check_price(form.price)
    category = category_named(form.category) if form.category.strip() else None
    if category is None:
        if not form.category.strip():
            raise InputError("category_name_empty")
        category = Category.create(name=category_name(form.category), loyalty_excluded=form.new_category_excluded)
    card_prefix = shop_info().card_prefix
    codes: list[str] = []
    for raw in form.barcodes:
        if not raw.strip():
            continue
        code = checked_code(raw, card_prefix)
        if code in codes:
            continue
        owner = find_code(code)
        if owner is not None and (item is None or owner.id != item.id):
            raise InputError("barcode_taken", barcode=code, name=owner.name)
        codes.append(code)
    plu = form.plu
    if form.weighed:
        if plu is None:
            plu = item.plu if item is not None and item.plu else next_plu()
        check_plu(plu, item.id if item else None)
    else:
        plu = None
    values: dict[str, object] = dict(
        name=name, name_key=name_key(name), category=category.id, price=form.price,
        weighed=form.weighed, plu=plu, sku=form.sku.strip() or (item.sku if item else ""),
    )
    return values, codes


# --- the rules every way in shares (the dialog, `main.py product`, an import) ---------------


def checked_name(raw: str) -> str:
    """A product's name as it is kept (checked)."""
    return _tidy_name(raw, "product_name_empty")


def check_price(price: int) -> None:
    if not 0 <= price <= MAX_PRICE:
        raise InputError("price_range", max=MAX_PRICE)


def checked_code(raw: str, card_prefix: str) -> str:
    """A barcode as it will be stored: its check digit right, outside the cards'
    range, and not a member's card (an imported old card may have any shape)."""
    code = product_codes.check_code(raw, card_prefix)
    if is_card_number(code):
        raise InputError("barcode_is_card", barcode=code)
    return code


def is_card_number(code: str) -> bool:
    return Card.select().where(Card.number == code).exists()


def check_plu(plu: int, product_id: object | None) -> None:
    """A weighed product's PLU: in the scales' range, and no other product's."""
    check_plu_range(plu)
    other = Product.get_or_none((Product.plu == plu) & (Product.id != product_id))
    if other is not None:
        raise InputError("plu_taken", plu=plu, name=other.name)


def check_plu_range(plu: int) -> None:
    """A PLU is never 0 or negative, nor more than the scales' barcode holds."""
    layout = scale_layout()
    if not 0 < plu <= layout.max_plu:
        raise InputError("plu_range", max=layout.max_plu)


def category_name(raw: str) -> str:
    """A category's name as it is kept (checked)."""
    return _tidy_name(raw, "category_name_empty")


def _put_codes(item: Product, codes: list[str]) -> None:
    """The product's codes become exactly these (the first is its main one)."""
    ProductCode.delete().where((ProductCode.product == item.id) & ProductCode.code.not_in(codes)).execute()
    have = {c for c, in ProductCode.select(ProductCode.code).where(ProductCode.product == item.id).tuples()}
    for code in codes:
        if code not in have:
            ProductCode.create(product=item.id, code=code, kind=product_codes.kind_of(code))
