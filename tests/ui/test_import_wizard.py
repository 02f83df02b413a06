"""The owner's import wizard (issue 12, item 1): a new shop's owner brings a cp1251
members file through every page; the bad rows show in the preview and the
summary and come back as a file; the till sells while an import runs; only the
owner finds it."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import models
from models import db
from models.schema import Card, LedgerEntry, Member, Product, Sale
from services.core.errors import PermissionDenied
from services.imports import files, runner
from services.opening import new_shop
from services.shop import staff as auth
from tests.ui.helpers import fake_scanner
from tests.ui.screenshot_import import MEMBERS_CP1251, members_file
from tests.unit.shopkit import add_products
from ui.import_wizard import BAD, ImportWizard

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
MENU_ENTRY = "Import members, catalogue or history (owner)…"
WAIT_MS = 20_000


def _close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


@pytest.fixture
def new_shop_window(qtbot, app_styled, tmp_path):
    """A brand-new Russian-rouble shop (English on screen), its owner signed in, two products."""
    models.open_database(tmp_path / "new.db")
    new_shop.create_shop("Продукты у дома", "RUB", "en", "Мария", "123456")
    add_products([("Хлеб", 4500, False), ("Молоко", 8900, False)])
    from ui.cashier import CashierWindow

    win = CashierWindow(auth.first_of_role("owner"), RESOURCES, scanner=fake_scanner())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)
    _close()


def _more_actions(window) -> dict[str, object]:
    window.show_more()
    actions = {a.text(): a for a in window.more_menu.actions()}
    window.more_menu.close()
    return actions


def _open_from_menu(window) -> ImportWizard:
    _more_actions(window)[MENU_ENTRY].trigger()
    wizard = window.import_wizard
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    return wizard


def _read(qtbot, wizard: ImportWizard, path: Path, kind: str = "members") -> None:
    wizard.set_kind(kind)
    wizard.choose_file(path)
    assert wizard.next.isEnabled()
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.next.click()
    assert wizard.page() == "file"


def test_an_owner_imports_a_cp1251_members_file_through_every_page(qtbot, new_shop_window, tmp_path):
    window = new_shop_window
    wizard = _open_from_menu(window)
    assert not wizard.isModal()  # the sale screen under it stays usable
    assert wizard.page() == "what" and not wizard.next.isEnabled()  # no file yet
    path = members_file(tmp_path)

    # 2. the file as read, in plain words; a change reads it again
    _read(qtbot, wizard, path)
    assert wizard.reading.text() == "Cyrillic (Windows-1251), separated by semicolons, headers on row 3."
    assert wizard.raw_table.horizontalHeaderItem(0).text() == "ФИО"
    assert wizard.raw_table.item(0, 0).text() == "Иванова Мария Петровна"  # the letters read right
    assert not wizard.sheet_box.isVisibleTo(wizard) and wizard.encoding_box.isVisibleTo(wizard)
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.header_box.setValue(1)  # the owner says the headers are on row 1 (1C's title line)
    assert wizard.reading.text().endswith("headers on row 1.")
    assert wizard.raw_table.horizontalHeaderItem(0).text() == "Выгрузка клиентов из программы лояльности"
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.header_box.setValue(3)
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):  # Western code page: the letters go wrong
        wizard.encoding_box.setCurrentIndex(wizard.encoding_box.findData("cp1252"))
        wizard.encoding_box.activated.emit(wizard.encoding_box.currentIndex())
    assert wizard.raw_table.item(0, 0).text() != "Иванова Мария Петровна"
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.encoding_box.setCurrentIndex(wizard.encoding_box.findData("cp1251"))
        wizard.encoding_box.activated.emit(wizard.encoding_box.currentIndex())
    assert wizard.raw_table.item(0, 0).text() == "Иванова Мария Петровна"

    # 3. columns -> fields, guessed; what is missing is named and Next waits for it
    wizard.next.click()
    assert wizard.page() == "columns"
    headers = wizard.inspection.headers
    assert {headers[i]: f for i, f in wizard.mapping.items()} == {
        "ФИО": "name", "Телефон": "phone", "Номер карты": "card", "Баланс": "balance", "Дата рождения": "birthday",
        "Примечание": "note"}
    name_column = headers.index("ФИО")
    wizard.map_column(name_column, "")
    assert wizard.missing_note.isVisibleTo(wizard) and "Full name" in wizard.missing_note.text()
    assert not wizard.next.isEnabled()
    wizard.map_column(name_column, "name")
    assert wizard.next.isEnabled() and not wizard.missing_note.isVisibleTo(wizard)
    assert wizard.merge.isVisibleTo(wizard) and not wizard.grant.isVisibleTo(wizard)  # the members' option only

    # 4. the preview: each row's verdict, the bad cells marked
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    shown = {v.row: v for v in wizard.preview.rows}
    assert {row: (v.verdict, v.effect) for row, v in shown.items()} == {
        4: ("ok", "imported"), 5: ("ok", "imported"), 6: ("error", ""), 7: ("error", ""), 8: ("error", ""),
        9: ("warning", "imported"), 11: ("ok", "imported")}
    table = wizard.preview_table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert table.item(rows["4"], 1).text() == "New"
    assert table.item(rows["6"], 1).text() == "Refused"
    birthday = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index("Дата рождения")
    assert table.item(rows["6"], birthday).background().color() == BAD  # the date that does not exist
    assert table.item(rows["4"], birthday).background().color() != BAD
    assert "Дата рождения" in table.item(rows["6"], birthday).toolTip()  # named as the owner's file names it
    problems = [wizard.preview_problems.item(i).text() for i in range(wizard.preview_problems.count())]
    assert any(p.startswith("Row 8: Телефон:") for p in problems)
    assert Member.select().count() == 0  # nothing written yet

    # 5. the dry run counts the whole file
    with qtbot.waitSignal(wizard.counted, timeout=WAIT_MS):
        wizard.next.click()
    counted = wizard.dry_outcome
    assert (counted.rows, counted.imported, counted.updated) == (7, 4, 0)
    assert {p.row for p in counted.errors} == {6, 7, 8}
    assert wizard.next.text() == "Import" and wizard.count_rejects.isVisibleTo(wizard)
    assert Member.select().count() == 0

    # 6, 7. the import on a worker, then the summary
    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT_MS):
        wizard.next.click()
        assert wizard.page() == "import" and wizard.running == "import"
    assert wizard.page() == "summary"
    outcome = wizard.outcome
    assert (outcome.rows, outcome.imported, outcome.updated, len({p.row for p in outcome.errors})) == (7, 4, 0, 3)
    assert wizard.summary_counts.values["imported"].text() == "4"
    assert wizard.summary_counts.values["errors"].text() == "3"
    listed = [wizard.summary_errors.item(i).text() for i in range(wizard.summary_errors.count())]
    assert any(text.startswith("Row 7 (refused): Баланс:") for text in listed)
    card = Card.get(Card.number == "2000000000015")  # the old card works as it is, with its balance
    assert card.member.name == "Иванова Мария Петровна" and card.member.balance == 1250
    assert LedgerEntry.select().where(LedgerEntry.kind == "import").count() == 4  # an opening balance each
    assert wizard.open_after.text() == "Find a member"

    # the rejected rows as a file in the file's own shape, with the reason
    out = tmp_path / "back.csv"
    with qtbot.waitSignal(wizard.rejects_saved, timeout=WAIT_MS):
        wizard.save_rejects(out)
    assert str(out) in wizard.message.text()
    back = files.open_table(out)
    assert back.encoding == "cp1251" and back.delimiter == ";"
    assert back.headers == ["ФИО", "Телефон", "Номер карты", "Баланс", "Дата рождения", "Примечание", "error"]
    assert [cells[0] for _row, cells in back.rows()] == ["Сидорова Анна", "Кузнецов Олег", "Смирнова Елена"]
    assert all(cells[-1] for _row, cells in back.rows())

    wizard.next.click()  # Done
    qtbot.waitUntil(lambda: window.import_wizard is None)


def test_the_same_file_twice_imports_nothing_new_and_the_mapping_is_remembered(qtbot, new_shop_window, tmp_path):
    window = new_shop_window
    path = members_file(tmp_path)
    owner = auth.first_of_role("owner")
    found = runner.inspect(path, "members")
    mapping = {i: f for i, f in found.mapping.items() if f != "note"}  # the owner left the note out
    runner.run_import(path, "members", actor=owner, mapping=mapping)
    before = Member.select().count()
    wizard = _open_from_menu(window)
    _read(qtbot, wizard, path)
    wizard.next.click()
    assert wizard.inspection.remembered and "note" not in wizard.mapping.values()
    assert "last time" in wizard.mapping_note.text()
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    assert {v.effect for v in wizard.preview.rows if not v.errors} == {"skipped"}
    assert "0 new" in wizard.preview_sum.text()
    assert Member.select().count() == before


def test_the_till_sells_while_an_import_runs(qtbot, new_shop_window, tmp_path, monkeypatch):
    """The wizard is not modal and the import is on a worker: a sale is made and written
    while the import waits in the middle of the file; then the import ends."""
    window = new_shop_window
    members = runner.engine("members")
    reading = threading.Event()
    release = threading.Event()

    def slow_engine(records, **kwargs):
        def held():
            for index, record in enumerate(records):
                if index == 2:
                    reading.set()
                    release.wait(WAIT_MS / 1000)  # the owner's import, mid-file
                yield record
        return members(held(), **kwargs)

    monkeypatch.setitem(runner.ENGINES, "members", slow_engine)
    wizard = _open_from_menu(window)
    _read(qtbot, wizard, members_file(tmp_path))
    wizard.next.click()
    release.set()  # the preview and the dry run go through
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.counted, timeout=WAIT_MS):
        wizard.next.click()
    release.clear()
    reading.clear()
    wizard.next.click()  # Import
    qtbot.waitUntil(reading.is_set, timeout=WAIT_MS)
    assert wizard.running == "import" and wizard.page() == "import"

    window.activateWindow()
    assert QApplication.activeModalWidget() is None
    barcode = Product.select().order_by(Product.barcode).first().barcode  # a product the till has
    window._act(window.handle_code, barcode)  # as a scan does
    assert window.cart.lines
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=WAIT_MS):
        window.dialog.accept()
    assert Sale.select().where(Sale.imported == False).count() == 1  # noqa: E712
    assert wizard.running == "import"  # still importing

    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT_MS):
        release.set()
    assert wizard.outcome.imported == 4


def test_stop_keeps_what_was_imported_and_a_second_run_brings_the_rest(qtbot, new_shop_window, tmp_path, monkeypatch):
    """Stop between chunks: the chunks written stay; the same file again completes it."""
    from services.core.storage import Pace
    from services.imports import members

    window = new_shop_window

    def small_chunks(records, **kwargs):  # two rows a chunk, no rests: several chunks in a small file
        return members.run(records, pace=Pace(2, budget_s=60, rest_s=0, most=2), **kwargs)

    monkeypatch.setitem(runner.ENGINES, "members", small_chunks)
    wizard = _open_from_menu(window)
    _read(qtbot, wizard, members_file(tmp_path))
    wizard.next.click()
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.counted, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT_MS):
        wizard.next.click()  # Import…
        wizard.import_stop.click()  # …and Stop at once: the first chunk is finished, no more
        assert not wizard.import_stop.isEnabled() and "Stopping" in wizard.import_note.text()
    assert "Stopped before the end" in wizard.summary_note.text()
    first = wizard.outcome
    assert first.rows == 2 and first.imported == 2 and Member.select().count() == 2

    wizard.next.click()
    qtbot.waitUntil(lambda: window.import_wizard is None)
    outcome = runner.run_import(members_file(tmp_path), "members", actor=auth.first_of_role("owner"))
    assert (outcome.imported, outcome.skipped) == (2, 2) and Member.select().count() == 4


@pytest.mark.parametrize("role", ["cashier", "manager"])
def test_only_the_owner_finds_the_import(qtbot, app_styled, shop_db, role):
    from ui.cashier import CashierWindow

    person = auth.first_of_role(role)
    window = CashierWindow(person, RESOURCES, scanner=fake_scanner())
    qtbot.addWidget(window)
    window.show()
    assert not [text for text in _more_actions(window) if "Import" in text]
    window._act(window.open_import)  # even asked for directly
    assert window.import_wizard is None and window.message.kind() == "error"
    with pytest.raises(PermissionDenied):
        ImportWizard(person)
    owner_window = CashierWindow(auth.first_of_role("owner"), RESOURCES, scanner=fake_scanner())
    qtbot.addWidget(owner_window)
    assert MENU_ENTRY in _more_actions(owner_window)


def test_locking_the_till_puts_the_owners_wizard_away(qtbot, new_shop_window):
    window = new_shop_window
    wizard = _open_from_menu(window)
    with qtbot.waitSignal(wizard.finished, timeout=WAIT_MS):
        window.lock()
    qtbot.waitUntil(lambda: window.import_wizard is None)


def test_the_first_day_checklist_opens_the_wizard(qtbot, new_shop_window):
    from ui.first_day import FirstDayDialog

    window = new_shop_window
    window.open_first_day()
    checklist = window.dialog
    assert isinstance(checklist, FirstDayDialog)
    assert checklist.rows["members"][0].text() == ""  # no members yet: a step to do
    checklist.extras["products"].click()  # the catalogue's import
    qtbot.waitUntil(lambda: window.import_wizard is not None)
    assert window.import_wizard.kind == "catalogue"
    window.import_wizard.reject()  # the checklist comes back when it closes
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog))
    window.dialog.rows["members"][2].click()
    qtbot.waitUntil(lambda: window.import_wizard is not None)
    assert window.import_wizard.kind == "members"


def test_a_file_the_wizard_cannot_read_is_said_and_it_stays_on_the_first_page(qtbot, new_shop_window, tmp_path):
    wizard = _open_from_menu(new_shop_window)
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    wizard.choose_file(path)
    with qtbot.waitSignal(wizard.step_failed, timeout=WAIT_MS) as failed:
        wizard.next.click()
    assert "empty" in failed.args[0] and wizard.message.kind() == "error"
    assert wizard.page() == "what" and wizard.next.isEnabled()
    assert MEMBERS_CP1251  # the shared sample is the one the screenshots show


def test_a_workbook_offers_its_sheets_and_each_kind_its_options(qtbot, new_shop_window, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Остатки"
    first.append(["Номенклатура", "Штрихкод", "Количество"])
    first.append(["Хлеб", "4600000000016", 3])
    prices = book.create_sheet("Цены")
    prices.append(["Прайс-лист на 01.03.2026"])
    prices.append([])
    prices.append(["Наименование", "Штрихкод", "Цена"])
    prices.append(["Молоко", "4600000000023", 89.9])
    path = tmp_path / "товары.xlsx"
    book.save(path)

    wizard = _open_from_menu(new_shop_window)
    _read(qtbot, wizard, path, kind="catalogue")
    assert wizard.sheet_box.isVisibleTo(wizard) and not wizard.encoding_box.isVisibleTo(wizard)
    assert [wizard.sheet_box.itemText(i) for i in range(wizard.sheet_box.count())] == ["Остатки", "Цены"]
    assert wizard.reading.text() == "An Excel workbook (XLSX), sheet “Остатки”, headers on row 1."
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.sheet_box.setCurrentIndex(1)
        wizard.sheet_box.activated.emit(1)
    assert wizard.reading.text() == "An Excel workbook (XLSX), sheet “Цены”, headers on row 3."  # below the title
    wizard.next.click()
    assert {wizard.inspection.headers[i]: f for i, f in wizard.mapping.items()} == {
        "Наименование": "name", "Штрихкод": "barcode", "Цена": "price"}
    assert not wizard.options_box.isVisibleTo(wizard)  # the catalogue has no options

    wizard.back.click()
    wizard.back.click()
    assert wizard.page() == "what"
    wizard.set_kind("history")
    assert wizard.inspection is None  # another kind: the file is read again for it
    with qtbot.waitSignal(wizard.file_read, timeout=WAIT_MS):
        wizard.next.click()
    wizard.next.click()
    assert wizard.grant.isVisibleTo(wizard) and not wizard.grant.isChecked()  # off unless the owner asks
    assert not wizard.merge.isVisibleTo(wizard)
    assert wizard.missing_note.isVisibleTo(wizard) and not wizard.next.isEnabled()  # no date, no amount
    assert wizard.options() == {}
    wizard.grant.setChecked(True)
    assert wizard.options() == {"grant_points": True}


def test_an_import_refused_half_way_goes_back_to_the_counts_to_run_again(qtbot, new_shop_window, tmp_path):
    """The file changed after the dry run (a line the code page cannot read): the import
    says so and the owner is back where Import can be pressed again, not stranded."""
    wizard = _open_from_menu(new_shop_window)
    path = members_file(tmp_path)
    _read(qtbot, wizard, path)
    wizard.next.click()
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.counted, timeout=WAIT_MS):
        wizard.next.click()
    path.write_bytes(MEMBERS_CP1251.encode("cp1251") + b"\x98\x98;1;2;3;4;5\r\n")  # 0x98: no letter in cp1251
    with qtbot.waitSignal(wizard.step_failed, timeout=WAIT_MS) as failed:
        wizard.next.click()
    assert "cp1251" in failed.args[0] and wizard.message.kind() == "error"
    assert wizard.page() == "count" and wizard.next.isEnabled() and wizard.back.isEnabled()


def test_a_catalogue_imported_in_the_window_sells_at_once_and_opens_the_catalogue(qtbot, new_shop_window, tmp_path):
    from ui.catalogue_dialogs import CatalogueDialog

    window = new_shop_window
    path = tmp_path / "moysklad.csv"
    path.write_bytes("\ufeffНаименование,Штрихкод,Цена продажи\r\nСметана 20%,4601234567893,\"1 234,50\"\r\n"
                     .encode("utf-8"))
    wizard = _open_from_menu(window)
    _read(qtbot, wizard, path, kind="catalogue")
    assert wizard.reading.text().startswith("Unicode (UTF-8 with a byte-order mark), separated by commas")
    wizard.next.click()
    with qtbot.waitSignal(wizard.previewed, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.counted, timeout=WAIT_MS):
        wizard.next.click()
    with qtbot.waitSignal(wizard.import_finished, timeout=WAIT_MS):
        wizard.next.click()
    assert wizard.outcome.imported == 1 and not wizard.summary_rejects.isVisibleTo(wizard)
    assert Product.get(Product.barcode == "4601234567893").price == 123450
    window._act(window.handle_code, "4601234567893")  # the till sells it at once
    assert window.cart.lines
    assert wizard.open_after.text() == "Open the catalogue"
    wizard.open_after.click()
    qtbot.waitUntil(lambda: isinstance(window.dialog, CatalogueDialog))
    assert window.import_wizard is None
