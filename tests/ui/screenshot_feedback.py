"""Render feedback's screens to PNGs, for people to look at: the customer's display following a
sale, then asking "would you recommend us" and "how was your visit"; the cashier's strip
asking when there is no second screen; the owner's Feedback & complaints.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_feedback.py [/tmp/shots5/] [--lang ru|ro|en]
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


from tests.ui.shotkit import Shots  # noqa: E402


def render(folder: Path, language: str = "en") -> list[Path]:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtTest import QTest

    import models
    from models.schema import Card, Member, Product, Sale, utcnow
    from services.demo.builder import build_demo
    from services.members.registry import active_card
    from services.reach import feedback
    from services.shop import staff as auth
    from services.shop.settings import shop_info
    from tests.ui.helpers import fake_scanner, scan
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.feedback_page import FeedbackDialog
    from ui.formatting import Formatter

    shots = Shots(folder, language, rounds=20)
    app, out, settle, shot = shots.app, shots.out, shots.settle, shots.shot

    class Bot:  # what tests.ui.helpers.scan needs of pytest-qt's qtbot
        keyClick = staticmethod(QTest.keyClick)

    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        build_demo(ROOT / "resources", members=60, products=40, sales=300, seed=4, now=utcnow())
        install_translator(app, ROOT / "resources", language)
        info = shop_info()
        cashier = auth.first_of_role("cashier")
        window = CashierWindow(cashier, ROOT / "resources", scanner=fake_scanner(prefix=info.scan_prefix,
                                                                                 suffix=info.scan_suffix))
        window.resize(1366, 768)
        window.show()
        window.input.setFocus()
        asker = window.feedback_asker
        asker.use_display(QRect(1366, 0, 1280, 800))
        member = Member.select().join(Card).where(Card.status == "active").order_by(Member.balance.desc()).first()
        goods = list(Product.select().where(Product.weighed == False).order_by(Product.name).limit(5))  # noqa: E712

        def sell(with_card: bool) -> None:
            if with_card:
                scan(Bot, window.input, active_card(member).number, scanner=window.scanner)
            for product in goods:
                scan(Bot, window.input, product.barcode, scanner=window.scanner)
            settle()

        def pay() -> None:
            window.pay_button.click()
            settle()
            dialog = window.dialog
            dialog.cash.setText(str(-(-dialog.to_pay // 100_000) * 1000))
            QTest.keyClick(dialog.cash, Qt.Key.Key_Return)
            settle()

        from services.programme import rewards

        rewards.add(goods[0].barcode, 150, actor=auth.first_of_role("owner"))  # a gift for points on the sale
        sell(with_card=True)
        window._act(window.take_gift)  # Ctrl+G
        settle()
        QTest.keyClick(window.dialog.table, Qt.Key.Key_Return)
        settle()
        window.set_redeem(min(window.session.max_redeem, 100))
        shot(asker.display, "customer_display_sale")
        pay()
        shot(asker.display, "customer_display_nps")
        shot(window, "cashier_while_customer_answers")
        asker.display.nps_row.buttons[9].click()
        shot(asker.display, "customer_display_csat")
        asker.display.csat_row.buttons[4].click()
        shot(asker.display, "customer_display_thanks")
        asker.use_display(None)
        sell(with_card=False)
        pay()
        shot(window, "cashier_feedback_strip")
        window.close()

        sales = list(Sale.select().where(Sale.member.is_null(False)).order_by(Sale.created_at.desc()).limit(6))
        now = utcnow() - dt.timedelta(days=2)
        words = ["Кассир нагрубил, когда я спросила про баллы.", "Работала одна касса, ждал 15 минут.",
                 "Цена молока на полке не совпала с чеком.", "Хлеб был чёрствый."]
        for n, text in enumerate(words):
            feedback.record(source=("display", "till", "cli", "display")[n], nps=(2, 5, 6, 4)[n],
                            csat=(1, 2, None, 2)[n], text=text, complaint=True, sale=sales[n + 1],
                            now=now + dt.timedelta(hours=3 * n))
        owner = auth.first_of_role("owner")
        first = feedback.complaints(owner)[-1]
        feedback.follow_up(owner, first["id"], text="Позвонили, извинились, начислили 200 баллов.",
                           status="in_progress", now=now + dt.timedelta(days=1))
        fmt = Formatter(info.currency, info.locale, info.time_zone)
        dialog = FeedbackDialog(owner, fmt, None)
        dialog.resize(1280, 720)
        dialog.show()
        dialog.table.selectRow(len(dialog.table.rows) - 1)
        shot(dialog, "feedback_complaints")
        dialog.close()
        settle()
        models.db.obj.close()
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    args = [a for a in args if a != lang]
    target = Path(args[0]) if args else Path("/tmp/shots5")
    for path in render(target, lang):
        print(path)
