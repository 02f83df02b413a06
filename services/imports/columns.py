"""Which column of an owner's file is which field of the till.

Each kind of import has its fields (the names the engines read, see
services/imports/__init__.py) with a label for the window and the groups of
fields it cannot do without.  Headers are recognised in Russian, Romanian and
English and by the column names 1C and MoySklad write, after normalising what
varies between files: case, spaces, punctuation, ё/е, Romanian diacritics
(ș/ş, ț/ţ), units in brackets or after a comma ("Цена, руб.").

The owner's confirmed mapping is remembered per source (kind + the file's
normalised headers) in a setting of this till alone ("import_mappings", one of
services.sync.client.LOCAL_KEYS): a mapping says nothing the chain needs, and
settings that travel are owner-signed at the hub.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from models.schema import Setting
from services.core.error_texts import N_
from services.core.errors import InputError
from services.core.storage import write_transaction

KINDS = ("members", "catalogue", "history")
MAPPINGS_KEY = "import_mappings"  # a till-local setting (services/sync/client.py LOCAL_KEYS)
KEEP_MAPPINGS = 50  # sources remembered; the oldest used is forgotten first
MULTI_FIELDS = {"barcode"}  # several columns may feed it: their cells are joined, one barcode a line


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English, marked for the catalogue: the window shows _(label)


FIELDS: dict[str, tuple[Field, ...]] = {
    "members": (
        Field("name", N_("Full name")),
        Field("last_name", N_("Last name")),
        Field("first_name", N_("First name")),
        Field("middle_name", N_("Middle name")),
        Field("phone", N_("Phone")),
        Field("email", N_("E-mail")),
        Field("birthday", N_("Birthday")),
        Field("card", N_("Card number")),
        Field("balance", N_("Points balance")),
        Field("consent", N_("Consent to messages")),
        Field("tier", N_("Tier")),
        Field("note", N_("Note")),
        Field("external_ref", N_("Old system's customer id")),
        Field("registered", N_("Registered on")),
    ),
    "catalogue": (
        Field("barcode", N_("Barcode")),
        Field("name", N_("Product name")),
        Field("price", N_("Price")),
        Field("category", N_("Category")),
        Field("excluded", N_("Excluded from the programme")),
        Field("weighed", N_("Sold by weight")),
        Field("sku", N_("Article (SKU)")),
        Field("plu", N_("PLU (scales)")),
    ),
    "history": (
        Field("receipt", N_("Receipt number")),
        Field("date", N_("Date")),
        Field("time", N_("Time")),
        Field("amount", N_("Amount")),
        Field("qty", N_("Quantity")),
        Field("item", N_("Item")),
        Field("barcode", N_("Item's barcode")),
        Field("card", N_("Card number")),
        Field("phone", N_("Phone")),
        Field("customer_ref", N_("Old system's customer id")),
        Field("customer_name", N_("Customer's name")),
    ),
}

# What an import cannot do without: each group needs at least one of its fields mapped.
# Members: a name, and something to find the member by again (a second run of the
# same file must update, not duplicate).  Catalogue: a name, a price, and a code the
# till scans or the file is matched by.  History: when, how much, and whose.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "members": (("name", "last_name", "first_name"), ("card", "phone", "email", "external_ref")),
    "catalogue": (("name",), ("price",), ("barcode", "sku", "plu")),
    "history": (("date",), ("amount",), ("card", "phone", "customer_ref")),
}

_CARD = (
    "номер карты", "№ карты", "карта", "карта лояльности", "дисконтная карта", "бонусная карта", "номер дисконтной карты",
    "номер бонусной карты", "код карты", "штрихкод карты", "карта клиента", "карта покупателя",
    "numar card", "nr card", "card", "card client", "card de fidelitate", "numar card fidelitate",
    "card number", "card no", "loyalty card", "card id", "card code",
)
_PHONE = (
    "телефон", "моб телефон", "мобильный телефон", "мобильный", "сотовый", "сотовый телефон", "тел",
    "номер телефона", "телефон клиента", "контактный телефон",
    "telefon", "telefon mobil", "nr telefon", "numar telefon", "numar de telefon", "mobil",
    "phone", "mobile", "phone number", "mobile phone", "cell", "tel", "telephone",
)
_BARCODE = (
    "штрихкод", "штрихкоды", "штрих код", "штрих коды", "шк", "ean", "ean13", "ean 13",
    "штрихкод ean13", "штрихкод ean8", "штрихкод code128", "штрихкод upc", "штрихкод gtin",
    "cod de bare", "coduri de bare", "cod bare", "barcode", "barcodes", "bar code", "gtin", "upc",
)

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "members": {
        "name": ("фио", "ф и о", "клиент", "покупатель", "полное имя", "имя клиента", "наименование", "контрагент",
                 "держатель карты", "владелец карты", "фамилия имя отчество", "фамилия имя",
                 "nume complet", "nume si prenume", "nume prenume", "client", "titular card",
                 "name", "full name", "customer", "customer name", "member", "member name", "cardholder"),
        "last_name": ("фамилия", "nume", "nume de familie", "last name", "lastname", "surname", "family name"),
        "first_name": ("имя", "prenume", "first name", "firstname", "given name"),
        "middle_name": ("отчество", "patronimic", "middle name", "patronymic"),
        "phone": _PHONE,
        "email": ("e mail", "email", "эл почта", "электронная почта", "почта", "адрес электронной почты",
                  "posta electronica", "adresa de email", "adresa email", "mail", "email address"),
        "birthday": ("дата рождения", "день рождения", "др", "data nasterii", "data de nastere", "zi de nastere",
                     "ziua de nastere", "birthday", "birth date", "date of birth", "dob", "birthdate"),
        "card": _CARD,
        "balance": ("баланс", "бонусы", "баллы", "остаток баллов", "остаток бонусов", "бонусный баланс",
                    "баланс баллов", "баланс бонусов", "сумма бонусов", "количество баллов", "бонусов на карте",
                    "sold", "puncte", "bonus", "bonusuri", "sold puncte", "sold bonus",
                    "balance", "points", "bonus points", "points balance"),
        "consent": ("согласие на рассылку", "согласие", "рассылка", "подписка", "согласие на смс",
                    "согласие на рассылки", "согласие на sms", "consimtamant", "acord", "acord marketing",
                    "acord newsletter", "abonat", "consent", "marketing consent", "newsletter", "opt in", "subscribed"),
        "tier": ("уровень", "уровень лояльности", "категория клиента", "nivel", "nivel fidelitate",
                 "tier", "level", "loyalty tier"),
        "note": ("примечание", "комментарий", "заметка", "nota", "comentariu", "observatii", "mentiuni",
                 "note", "notes", "comment", "remarks"),
        "external_ref": ("код", "код клиента", "код контрагента", "код покупателя", "id", "ид", "идентификатор",
                         "внешний код", "cod", "cod client", "id client", "customer id", "client id",
                         "external id", "ref", "customer code"),
        "registered": ("дата регистрации", "дата выдачи карты", "дата выдачи", "дата создания", "дата анкеты",
                       "data inregistrarii", "data inregistrare", "data emiterii", "data emiterii cardului",
                       "registered", "registration date", "created", "joined", "member since", "signup date"),
    },
    "catalogue": {
        "barcode": _BARCODE,
        "name": ("наименование", "название", "товар", "номенклатура", "наименование товара", "полное наименование",
                 "наименование полное", "название товара",
                 "denumire", "denumirea", "produs", "denumire produs", "denumirea produsului", "nume produs",
                 "name", "product", "product name", "item", "item name", "title"),
        "price": ("цена", "цена продажи", "розничная цена", "цена розничная", "розница", "стоимость",
                  "цена реализации", "цена за единицу",
                  "pret", "pret de vanzare", "pret cu amanuntul", "pret vanzare", "pret unitar",
                  "price", "retail price", "sale price", "selling price", "unit price"),
        "category": ("группа", "категория", "группа товаров", "родитель", "группа номенклатуры", "папка",
                     "categorie", "categoria", "grupa", "grupa de produse",
                     "category", "group", "department", "product group"),
        "excluded": ("без бонусов", "исключен", "исключить из программы", "не начислять бонусы",
                     "не участвует в программе", "exclus", "fara bonus", "fara bonusuri", "exclus din program",
                     "excluded", "no loyalty", "no points", "no bonus"),
        "weighed": ("весовой", "весовой товар", "развесной", "развесной товар", "cantarit", "la kg",
                    "produs cantarit", "la greutate", "weighed", "by weight", "sold by weight", "weight item"),
        "sku": ("артикул", "код", "код товара", "внутренний код", "код номенклатуры",
                "cod", "cod articol", "cod produs", "articol", "sku", "article", "item code", "code", "product code"),
        "plu": ("plu", "код plu", "код весов", "код на весах", "cod plu", "plu code"),
    },
    "history": {
        "receipt": ("номер чека", "№ чека", "№ документа", "чек", "номер документа", "документ", "номер", "фискальный номер",
                    "nr bon", "numar bon", "bon", "bon fiscal", "numar document",
                    "receipt", "receipt no", "receipt number", "receipt id", "check", "document", "document no"),
        "date": ("дата", "дата продажи", "дата чека", "дата и время", "период", "дата документа", "дата покупки",
                 "data", "data vanzarii", "data bon", "data si ora", "data achizitiei",
                 "date", "sale date", "datetime", "date time", "purchase date"),
        "time": ("время", "время продажи", "время чека", "ora", "time"),
        "amount": ("сумма", "сумма продажи", "сумма чека", "итого", "сумма со скидкой", "сумма покупки", "выручка",
                   "стоимость", "suma", "total", "valoare", "suma totala", "suma bon", "suma achitata",
                   "amount", "sum", "total amount", "receipt total"),
        "qty": ("количество", "кол во", "кол", "cantitate", "qty", "quantity"),
        "item": ("товар", "номенклатура", "наименование", "наименование товара", "produs", "denumire",
                 "articol", "item", "product", "product name", "item name"),
        "barcode": _BARCODE,
        "card": _CARD,
        "phone": _PHONE,
        "customer_ref": ("код клиента", "код покупателя", "код контрагента", "id клиента", "ид клиента",
                         "cod client", "id client", "customer id", "client id", "customer ref", "customer code"),
        "customer_name": ("клиент", "покупатель", "фио", "контрагент", "фио клиента", "имя клиента",
                          "client", "nume client", "customer", "customer name"),
    },
}

_NOT_WORD = re.compile(r"[^\w]+|_+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise(header: Any) -> str:
    """'  Моб. телефон ', 'ДАТА РОЖДЕНИЯ', 'Data nașterii' -> 'моб телефон', 'дата рождения', 'data nasterii'."""
    if header is None:
        return ""
    if isinstance(header, float) and header.is_integer():
        header = int(header)
    decomposed = unicodedata.normalize("NFKD", str(header)).casefold()
    # ё -> е, й -> и, ș/ş -> s, ț/ţ -> t, ă/â -> a, î -> i: the marks are what files disagree on
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def _candidates(header: Any) -> list[str]:
    """The header itself, then without units: 'Цена (руб.)' and 'Цена, руб.' -> 'цена'."""
    text = "" if header is None else str(header)
    found = [normalise(text), normalise(_BRACKETS.sub(" ", text)), normalise(text.split(",")[0])]
    return [c for i, c in enumerate(found) if c and c not in found[:i]]


def _index(kind: str) -> dict[str, tuple[str, int]]:
    """normalised synonym -> (field, its place in the field's list: the earlier, the surer)."""
    table: dict[str, tuple[str, int]] = {}
    for field, words in SYNONYMS[kind].items():
        for rank, word in enumerate(words):
            table.setdefault(normalise(word), (field, rank))
    return table


_INDEXES = {kind: _index(kind) for kind in KINDS}
_ANY_KIND = frozenset(word for index in _INDEXES.values() for word in index)


def _match(header: Any, kind: str) -> tuple[str, int] | None:
    index = _INDEXES[kind]
    for candidate in _candidates(header):
        if candidate in index:
            return index[candidate]
    return None


def field_of(header: Any, kind: str) -> str | None:
    found = _match(header, kind)
    return found[0] if found else None


def looks_like_header(cell: Any) -> bool:
    """A cell that names a column of any kind of import (used to find the header row)."""
    return isinstance(cell, str) and any(c in _ANY_KIND for c in _candidates(cell))


def field_names(kind: str) -> list[str]:
    return [f.name for f in FIELDS[kind]]


def label(kind: str, field: str) -> str:
    return next((f.label for f in FIELDS[kind] if f.name == field), field)


def guess(headers: Sequence[Any], kind: str) -> dict[int, str]:
    """{column index: field} from the header names.  Two columns naming one field: the
    surer name wins ("Артикул" over "Код" for the SKU), then the first; barcode takes
    every column naming it (MoySklad writes one per kind of code)."""
    best: dict[str, tuple[int, int]] = {}
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        found = _match(header, kind)
        if found is None:
            continue
        field, rank = found
        if field in MULTI_FIELDS:
            mapping[index] = field
        elif field not in best or rank < best[field][0]:
            best[field] = (rank, index)
    mapping.update({index: field for field, (_, index) in best.items()})
    return dict(sorted(mapping.items()))


def missing(mapping: dict[int, str], kind: str) -> list[tuple[str, ...]]:
    """The required groups no column feeds."""
    have = set(mapping.values())
    return [group for group in REQUIRED[kind] if not have & set(group)]


def check(mapping: dict[int, str], headers: Sequence[Any], kind: str) -> None:
    """A mapping the runner can use: known fields, real columns, each field once
    (barcode excepted), every required group fed."""
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")
    known = field_names(kind)
    seen: set[str] = set()
    for index, field in mapping.items():
        if field not in known:
            raise InputError("import_field_unknown", field=field, kind=kind, fields=", ".join(known))
        if not 0 <= index < len(headers):
            raise InputError("import_column_unknown", column=str(index + 1))
        if field in seen and field not in MULTI_FIELDS:
            raise InputError("import_field_twice", field=field)
        seen.add(field)
    lacking = missing(mapping, kind)
    if lacking:
        raise InputError("import_required_missing", fields=" / ".join(lacking[0]))


def column_of(headers: Sequence[Any], column: str) -> int:
    """A column as the owner names it on the command line: its header (compared
    normalised) or its number from 1."""
    wanted = column.strip()
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(headers):
        return int(wanted) - 1
    exact = [i for i, h in enumerate(headers) if str(h).strip() == wanted]
    found = exact or [i for i, h in enumerate(headers) if normalise(h) and normalise(h) == normalise(wanted)]
    if not found:
        raise InputError("import_column_unknown", column=wanted[:60])
    return found[0]


def with_choices(mapping: dict[int, str], headers: Sequence[Any], kind: str,
                 choices: Iterable[tuple[str, str]]) -> dict[int, str]:
    """The guessed (or remembered) mapping with the owner's choices on top:
    COLUMN=field puts that column on that field (and takes the field from any
    other column); COLUMN= (or COLUMN=-) leaves the column out."""
    result = dict(mapping)
    known = field_names(kind)
    for column, field in choices:
        index = column_of(headers, column)
        field = field.strip()
        if field in ("", "-"):
            result.pop(index, None)
            continue
        if field not in known:
            raise InputError("import_field_unknown", field=field[:40], kind=kind, fields=", ".join(known))
        if field not in MULTI_FIELDS:
            result = {i: f for i, f in result.items() if f != field}
        result[index] = field
    return result


# -- remembered per source -------------------------------------------------

def source_key(kind: str, headers: Sequence[Any]) -> str:
    """Kind + the normalised headers: the same export from the same program is the same source."""
    text = "\x1f".join([kind, *(normalise(h) for h in headers)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _stored() -> dict[str, Any]:
    row = Setting.get_or_none(Setting.key == MAPPINGS_KEY)
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def remembered(kind: str, headers: Sequence[Any]) -> dict[int, str] | None:
    """The mapping the owner confirmed last time for this source, if it still fits."""
    entry = _stored().get(source_key(kind, headers))
    if not isinstance(entry, dict) or not isinstance(entry.get("map"), dict):
        return None
    try:
        mapping = {int(index): str(field) for index, field in entry["map"].items()}
        check(mapping, headers, kind)
    except (ValueError, InputError):
        return None  # a mapping from an older LoyalTill, or for fields that are gone: guess again
    return mapping


def remember(kind: str, headers: Sequence[Any], mapping: dict[int, str], now: dt.datetime | None = None) -> None:
    """Keep the owner's mapping for this source; a till-local setting, written unsigned
    (like the sign-in guard): it never travels to the hub."""
    with write_transaction():
        stored = _stored()
        stored[source_key(kind, headers)] = {
            "kind": kind, "at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(),
            "map": {str(index): field for index, field in sorted(mapping.items())},
        }
        if len(stored) > KEEP_MAPPINGS:
            newest = sorted(stored, key=lambda key: str(stored[key].get("at", "")), reverse=True)
            stored = {key: stored[key] for key in newest[:KEEP_MAPPINGS]}
        Setting.insert(key=MAPPINGS_KEY, value=json.dumps(stored, ensure_ascii=False, sort_keys=True)) \
            .on_conflict_replace().execute()
