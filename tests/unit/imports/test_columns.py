"""services.imports.columns: headers of RU/RO/EN files, 1C and MoySklad -> the till's fields."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from services.core.errors import InputError
from services.imports import columns


def test_a_1c_member_export() -> None:
    headers = ["Код", "ФИО", "Моб. телефон", "E-mail", "Дата рождения", "Номер карты", "Баланс",
               "Согласие на рассылку", "Комментарий", "Дата регистрации"]
    assert columns.guess(headers, "members") == {
        0: "external_ref", 1: "name", 2: "phone", 3: "email", 4: "birthday", 5: "card", 6: "balance",
        7: "consent", 8: "note", 9: "registered"}


def test_surname_first_name_and_patronymic_columns() -> None:
    assert columns.guess(["Фамилия", "Имя", "Отчество", "Телефон", "Карта", "Бонусы"], "members") == {
        0: "last_name", 1: "first_name", 2: "middle_name", 3: "phone", 4: "card", 5: "balance"}


@pytest.mark.parametrize("birthday", ["Data nașterii", "Data naşterii", "DATA NASTERII", "data  nasterii"])
def test_romanian_headers_with_either_diacritic_or_none(birthday: str) -> None:
    """ș (comma below, the right one) and ş (cedilla, what old Windows code pages have)."""
    assert columns.guess(["Nume", "Prenume", "Telefon", birthday, "Card", "Sold"], "members") == {
        0: "last_name", 1: "first_name", 2: "phone", 3: "birthday", 4: "card", 5: "balance"}


def test_a_moysklad_catalogue_with_several_barcode_columns() -> None:
    headers = ["Группа", "Код", "Наименование", "Артикул", "Цена продажи", "Штрихкод EAN13", "Штрихкод EAN8",
               "Штрихкод Code128", "Весовой товар"]
    assert columns.guess(headers, "catalogue") == {
        0: "category", 2: "name", 3: "sku", 4: "price", 5: "barcode", 6: "barcode", 7: "barcode", 8: "weighed"}
    # "Артикул" is surer of the SKU than "Код" (MoySklad's own number), which is left for the owner


def test_a_1c_catalogue_and_a_romanian_one() -> None:
    assert columns.guess(["Наименование", "Штрихкоды", "Розничная цена", "Группа", "Весовой"], "catalogue") == {
        0: "name", 1: "barcode", 2: "price", 3: "category", 4: "weighed"}
    assert columns.guess(["Denumire", "Cod de bare", "Preț", "Categorie", "PLU"], "catalogue") == {
        0: "name", 1: "barcode", 2: "price", 3: "category", 4: "plu"}


def test_history_from_a_sales_report() -> None:
    headers = ["Номер чека", "Дата", "Время", "Товар", "Штрихкод", "Количество", "Сумма", "Клиент", "Код клиента",
               "Номер карты"]
    assert columns.guess(headers, "history") == {
        0: "receipt", 1: "date", 2: "time", 3: "item", 4: "barcode", 5: "qty", 6: "amount", 7: "customer_name",
        8: "customer_ref", 9: "card"}


@pytest.mark.parametrize("header, field", [
    ("  ТЕЛЕФОН ", "phone"), ("Ф.И.О.", "name"), ("Цена, руб.", "price"), ("Цена (руб.)", "price"),
    ("№ карты", "card"), ("Кол-во", None), ("Ёлки-палки", None), ("e_mail", "email"), ("Phone number", "phone"),
])
def test_headers_are_compared_normalised(header: str, field: str | None) -> None:
    kind = "catalogue" if field == "price" else "members"
    assert columns.field_of(header, kind) == field


def test_yo_and_ye_are_one_letter() -> None:
    assert columns.normalise("Счёт") == columns.normalise("СЧЕТ") == "счет"


def test_every_synonym_names_a_field_of_its_kind_and_no_header_means_two_fields() -> None:
    for kind, table in columns.SYNONYMS.items():
        names = set(columns.field_names(kind))
        assert set(table) <= names, kind
        seen: dict[str, str] = {}
        for field, words in table.items():
            for word in words:
                key = columns.normalise(word)
                assert seen.setdefault(key, field) == field, (kind, word, seen[key], field)
    for kind, groups in columns.REQUIRED.items():
        assert {f for group in groups for f in group} <= set(columns.field_names(kind))


def test_what_a_mapping_lacks_and_what_it_gets_wrong() -> None:
    headers = ["ФИО", "Телефон", "Баланс"]
    assert columns.missing({0: "name"}, "members") == [("card", "phone", "email", "external_ref")]
    assert columns.missing({0: "name", 1: "phone"}, "members") == []
    with pytest.raises(InputError) as lacking:
        columns.check({0: "name", 2: "balance"}, headers, "members")
    assert lacking.value.code == "import_required_missing" and "card / phone" in str(lacking.value)
    with pytest.raises(InputError) as twice:
        columns.check({0: "name", 1: "phone", 2: "phone"}, headers, "members")
    assert twice.value.code == "import_field_twice"
    with pytest.raises(InputError) as unknown:
        columns.check({0: "name", 1: "phone", 2: "price"}, headers, "members")
    assert unknown.value.code == "import_field_unknown"
    with pytest.raises(InputError) as beyond:
        columns.check({0: "name", 7: "phone"}, headers, "members")
    assert beyond.value.code == "import_column_unknown"
    columns.check({0: "name", 1: "price", 2: "barcode", 3: "barcode"}, ["a", "b", "c", "d"], "catalogue")


def test_the_owners_choices_on_top_of_the_guess() -> None:
    headers = ["ФИО", "Телефон", "Доп. телефон", "Карта"]
    guessed = columns.guess(headers, "members")
    assert guessed == {0: "name", 1: "phone", 3: "card"}
    chosen = columns.with_choices(guessed, headers, "members", [("Доп. телефон", "phone"), ("4", "-")])
    assert chosen == {0: "name", 2: "phone"}  # the field moved; column 4 left out
    assert columns.with_choices(guessed, headers, "members", [("карта", "")]) == {0: "name", 1: "phone"}
    for column, field, code in [("Почта", "email", "import_column_unknown"), ("9", "email", "import_column_unknown"),
                                ("ФИО", "nickname", "import_field_unknown")]:
        with pytest.raises(InputError) as refused:
            columns.with_choices(guessed, headers, "members", [(column, field)])
        assert refused.value.code == code


def test_a_confirmed_mapping_is_remembered_per_source_and_stays_on_this_till(shop) -> None:
    from models.schema import Setting
    from services.sync.client import LOCAL_KEYS, changed_master_data

    headers = ["ФИО", "Телефон", "Доп. телефон", "Карта"]
    assert columns.remembered("members", headers) is None
    columns.remember("members", headers, {0: "name", 2: "phone"}, now=dt.datetime(2026, 1, 1))
    assert columns.remembered("members", headers) == {0: "name", 2: "phone"}
    assert columns.remembered("members", [" фио", "ТЕЛЕФОН", "Доп телефон", "карта"]) == {0: "name", 2: "phone"}
    assert columns.remembered("members", headers + ["Баланс"]) is None  # another source
    assert columns.remembered("history", headers) is None  # another kind
    assert columns.MAPPINGS_KEY in LOCAL_KEYS
    assert ("setting", columns.MAPPINGS_KEY) not in {(c.kind, c.row_id) for c in changed_master_data()}
    # A stored mapping that no longer fits (a hand-edited setting) is ignored, not trusted.
    stored = json.loads(Setting.get(Setting.key == columns.MAPPINGS_KEY).value)
    (entry,) = stored.values()
    entry["map"] = {"0": "name", "9": "phone"}
    Setting.update(value=json.dumps(stored)).where(Setting.key == columns.MAPPINGS_KEY).execute()
    assert columns.remembered("members", headers) is None


def test_only_the_newest_sources_are_kept(shop) -> None:
    for i in range(columns.KEEP_MAPPINGS + 5):
        columns.remember("members", ["ФИО", f"Телефон {i}"], {0: "name", 1: "phone"},
                         now=dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i))
    assert columns.remembered("members", ["ФИО", "Телефон 0"]) is None
    assert columns.remembered("members", ["ФИО", f"Телефон {columns.KEEP_MAPPINGS + 4}"]) == {0: "name", 1: "phone"}
