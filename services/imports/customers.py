"""Who a row of an import is: the checks the members and the history engines
share, so a card or a phone means the same thing in both files.

- A card number the till does not know as a card but as a product's barcode
  (or one of its extra codes) is refused: once it were a card, scanning the
  product would attach that member instead of selling it.
- A row whose keys (card, phone, the old system's id, e-mail) name two
  different members is refused: which one it is, only the owner can say.
"""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar

from services.core.errors import InputError
from services.imports.chunks import marks, parts, select

Who = TypeVar("Who")

_PRODUCT_CODES = ('SELECT pc.code, p.name FROM "product_code" pc JOIN "product" p ON p.id = pc.product_id '
                  'WHERE pc.code IN ({marks}) UNION ALL SELECT barcode, name FROM "product" WHERE barcode IN ({marks})')


def product_names(codes: Iterable[str]) -> dict[str, str]:
    """Those of `codes` that scan as a product -> the product's name (IN (...), in parts)."""
    found: dict[str, str] = {}
    for part in parts(sorted(set(codes))):
        for code, name in select(_PRODUCT_CODES.format(marks=marks(part)), part + part):
            found.setdefault(code, name)
    return found


def not_a_product(card: str, products: dict[str, str], field: str = "card") -> None:
    """Refuse a new card that is a product's code (`products` from product_names)."""
    if card in products:
        raise InputError("import_card_is_product", field=field, card=card, name=products[card])


def one_member(keys: Iterable[tuple[str, object, Who | None]],
               name_of: Callable[[Who], str]) -> tuple[Who | None, str]:
    """The member a row's keys find, and the field that found it first, from
    (field, the row's value, the member that value names or None); keys naming
    two members refuse the row, saying both names."""
    found: Who | None = None
    by = ""
    for field, value, member in keys:
        if value is None or member is None:
            continue
        if found is None:
            found, by = member, field
        elif member != found:
            raise InputError("import_other_member", field=field, value=str(value), name=name_of(member),
                             other=name_of(found))
    return found, by
