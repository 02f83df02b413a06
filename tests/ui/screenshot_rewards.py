"""Render gifts for points to PNGs for people to look at: the owner's Gifts tab of
the programme and its form, the cashier's gift list (Ctrl+G), the till with a gift
line, and the receipt that printed it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_rewards.py out/ [--lang ru|ro|en]
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def render(folder: Path, language: str = "ru") -> list[Path]:
    import datetime as dt

    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Card, Category, Member, Product
    from services.demo.builder import build_demo
    from services.members.registry import active_card
    from services.printing.receipts import load_receipt, render_receipt_pdf
    from services.programme import rewards
    from services.sale.checkout import Tender
    from services.sale.session import complete
    from services.shop import staff as auth
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    install_translator(app, ROOT / "resources", language)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        build_demo(ROOT / "resources", members=80, products=80, sales=800, seed=1)
        owner = auth.first_of_role("owner")
        goods = list(Product.select().join(Category).where(~Product.weighed & ~Category.loyalty_excluded)
                     .order_by(Product.price.desc()).limit(12))
        today = dt.date.today()
        rewards.add(goods[3].barcode, 150, actor=owner, per_member=1)
        rewards.add(goods[5].barcode, 300, actor=owner, stock=20)
        rewards.add(goods[1].barcode, 2500, actor=owner, valid_to=today + dt.timedelta(days=30))
        rewards.add(goods[8].barcode, 100, actor=owner, tier="gold")

        window = CashierWindow(owner, ROOT / "resources")
        window.resize(1366, 768)
        window.show()
        window.open_programme()
        dialog = window.dialog
        dialog.show()
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
        app.processEvents()
        out.append(folder / f"rewards_setup_{language}.png")
        dialog.grab().save(str(out[-1]))
        tab = dialog.tabs.widget(dialog.tabs.count() - 1)
        tab.table.selectRow(0)
        form = tab.edit()
        form.resize(520, 420)
        app.processEvents()
        out.append(folder / f"rewards_form_{language}.png")
        form.grab().save(str(out[-1]))
        form.reject()
        dialog.reject()
        app.processEvents()

        member = (Member.select().join(Card).where(Card.status == "active")
                  .order_by(Member.balance.desc()).first())
        window.handle_code(active_card(member).number)
        for product in goods[9:12]:
            window.add_product(product.barcode, 1)
        window.add_product(goods[3].barcode, 1)
        app.processEvents()
        window.take_gift()
        gifts = window.dialog
        gifts.show()
        app.processEvents()
        out.append(folder / f"rewards_till_list_{language}.png")
        gifts.grab().save(str(out[-1]))
        gifts.accept()
        app.processEvents()
        out.append(folder / f"rewards_till_gift_line_{language}.png")
        window.grab().save(str(out[-1]))

        session = window.session
        session.price_for_payment()
        result = complete(session.order([Tender("card", session.to_pay)]))
        pdf = render_receipt_pdf(load_receipt(result.sale_id), ROOT / "resources", "80")
        out.append(folder / f"rewards_receipt_{language}.pdf")
        out[-1].write_bytes(pdf)
        window.close()
        models.db.obj.close()
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    language = "ru"
    if "--lang" in args:
        language = args[args.index("--lang") + 1]
    for path in render(Path(args[0] if args else "out"), language):
        print(path)
