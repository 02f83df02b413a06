"""The shop's products: by barcode, by name or SKU, and the quick keys."""
from __future__ import annotations

from models.schema import Category, Product
from services.core.errors import NotFound


def by_barcode(barcode: str) -> Product:
    product = (
        Product.select(Product, Category).join(Category)
        .where((Product.barcode == barcode.strip()) & (Product.active == True))  # noqa: E712
        .first()
    )
    if product is None:
        raise NotFound("product_unknown", barcode=barcode.strip())
    return product


def search(text: str, limit: int = 30) -> list[Product]:
    text = text.strip()
    if not text:
        return []
    key = " ".join(text.casefold().split())
    query = (
        Product.select(Product, Category).join(Category)
        .where(
            (Product.active == True)  # noqa: E712
            & ((Product.barcode == text) | (Product.sku == text) | Product.name_key.contains(key))
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
