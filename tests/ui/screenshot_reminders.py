"""Render the Reminders page, the contact form, and the till with a member's nearest occasion
(and the Ctrl+O dialog) to PNGs, for people to look at.

The demo shop gets a year of older history (tests/ui/screenshot_reports.py's), a kept lifetime
fit (so members whose P(alive) fell are listed), three bouquets sold a year ago with the
occasions they were for, and one contact already logged.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_reminders.py [/tmp/shots5/] [--lang ru|ro|en]
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FLOWERS = (("Букет роз «Нежность»", 125000), ("Тюльпаны, 15 шт.", 60000), ("Открытка ручной работы", 15000))


def _flowers() -> list[str]:
    from models.schema import Category, Product
    from services.core.storage import write_transaction
    from services.members.cards import ean13_check_digit

    barcodes = []
    with write_transaction():
        category, _ = Category.get_or_create(name="Цветы")
        for i, (name, price) in enumerate(FLOWERS):
            body = f"29900000{i:04d}"
            barcode = body + str(ean13_check_digit(body))
            Product.create(barcode=barcode, sku=f"FL{i}", name=name, name_key=name.casefold(), category=category,
                           price=price)
            barcodes.append(barcode)
    return barcodes


def _bouquets(now: dt.datetime, today: dt.date) -> None:
    """Bouquets sold a year ago for occasions that come again in the next days; one contacted."""
    from models.schema import Card, Member
    from services.programme.rules import active_rules
    from services.reach import contacts, occasions
    from services.sale import checkout
    from services.sale.checkout import Cart, Tender
    from services.shop import staff as auth

    roses, tulips, card = _flowers()
    cashier, manager = auth.first_of_role("cashier"), auth.first_of_role("manager")
    people = list(Member.select().join(Card).where((Card.status == "active") & Member.phone.is_null(False))
                  .order_by(Member.name).limit(4))
    plan = [(people[0], "friend_birthday", "Марина", 3, [roses, card]),
            (people[1], "relative_birthday", "мама", 6, [tulips]),
            (people[2], "anniversary", "свадьба", 11, [roses, roses]),
            (people[3], "name_day", "Татьяна", 13, [tulips, card])]
    for member, kind, whom, ahead, goods in plan:
        day = today + dt.timedelta(days=ahead)
        bought_at = dt.datetime.combine(day.replace(year=day.year - 1) - dt.timedelta(days=1), dt.time(9, 30))
        cart = Cart(member=member)
        for barcode in goods:
            cart.add_barcode(barcode)
        rules = active_rules(bought_at)
        sale = checkout.complete_sale(cart, [Tender("card", cart.price(rules, bought_at).to_pay)], cashier=cashier,
                                      rules=rules, now=bought_at)
        occasions.add(member, kind, day.month, day.day, for_whom=whom, sale_id=sale.sale_id, staff=cashier,
                      now=bought_at)
    contacts.log(people[3], channel="call", outcome="no_answer", staff=manager, now=now - dt.timedelta(days=1),
                 note="перезвонить вечером")


from tests.ui.shotkit import Shots  # noqa: E402


def render(folder: Path, language: str = "ru") -> list[Path]:
    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Member, RuleSet, utcnow
    from services.core.storage import write_transaction
    from services.demo.builder import build_demo
    from services.imports import history
    from services.insights import lifetime
    from services.shop import staff as auth
    from services.shop.settings import shop_info
    from tests.ui.helpers import fake_scanner
    from tests.ui.screenshot_reports import older_history
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.formatting import Formatter
    from ui.reminders_page import RemindersDialog

    shots = Shots(folder, language, rounds=40)
    app, out, settle, shot = shots.app, shots.out, shots.settle, shots.shot

    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        now = utcnow().replace(microsecond=0)
        build_demo(ROOT / "resources", members=150, products=80, sales=2500, seed=1, now=now)
        with write_transaction():
            RuleSet.update(effective_from=dt.datetime(2000, 1, 1)).execute()
        owner = auth.first_of_role("owner")
        history.run(older_history(now), actor=owner, now=now)
        install_translator(app, ROOT / "resources", language)
        info = shop_info()
        fmt = Formatter(info.currency, info.locale, info.time_zone)
        today = fmt.shop_now(now).date()
        _bouquets(now, today)
        lifetime.fit_and_store(now=now)

        page = RemindersDialog(auth.first_of_role("manager"), fmt)
        page.setMaximumSize(16_777_215, 16_777_215)
        page.resize(1366, 768)
        page.show()
        settle()
        row = next((i for i, r in enumerate(page.rows) if r.kind == "occasion"), 0)
        page.table.selectRow(row)
        shot(page, "reminders")
        contact = page.contact(row)
        if contact is not None:
            contact.resize(520, contact.sizeHint().height())
            shot(contact, "reminders_contacted")
            contact.reject()
        page.close()

        scanner = fake_scanner(prefix=info.scan_prefix, suffix=info.scan_suffix)
        window = CashierWindow(auth.first_of_role("cashier"), ROOT / "resources", scanner=scanner)
        window.setMaximumSize(16_777_215, 16_777_215)
        window.resize(1366, 768)
        window.show()
        first = page.rows[row] if page.rows else None
        member = Member.get_by_id(first.member_id) if first is not None else Member.select().first()
        window._act(window.attach_member, member)
        window._act(window.add_product, _first_flower())
        shot(window, "till_occasion_line")
        window._act(window.record_occasion)
        dialog = window.dialog
        if dialog is not None:
            dialog.for_whom.setText("Ирина")
            shot(dialog, "till_occasion_dialog")
            dialog.reject()
        for widget in QApplication.topLevelWidgets():
            widget.close()
        settle()
        models.db.close()
    return out


def _first_flower() -> str:
    from models.schema import Product

    return Product.get(Product.name == FLOWERS[1][0]).barcode


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "ru"
    args = [a for a in args if a != lang]
    target = Path(args[0]) if args else Path("/tmp/shots5")
    for path in render(target, lang):
        print(path)
