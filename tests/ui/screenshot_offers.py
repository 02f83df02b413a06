"""Render the cashier's window with a scanned member's offers (issue 14) to a PNG.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_offers.py [out.png] [--lang ru|ro|en]
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def render(out: Path, language: str = "ru", size: tuple[int, int] = (1366, 768)) -> Path:
    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Card, Member, Product, utcnow
    from services.demo.builder import build_demo
    from services.members.registry import active_card
    from services.reach import baskets
    from services.shop import staff as auth
    from tests.unit.reach.offerkit import issue_coupon, programme_with_campaign, sell
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    install_translator(app, ROOT / "resources", language)
    with tempfile.TemporaryDirectory() as folder:
        models.open_database(Path(folder) / "shot.db")
        build_demo(ROOT / "resources", members=50, products=60, sales=300, seed=1)
        now = utcnow()
        programme_with_campaign(since=now - dt.timedelta(minutes=1))
        cashier = auth.first_of_role("cashier")
        member = Member.select().join(Card).where(Card.status == "active").order_by(Member.balance.desc()).first()
        coffee = Product.select().where(Product.name.contains("Кофе")).first() or Product.select().first()
        cookies = Product.select().where(Product.name.contains("Печенье")).first() or Product.select().offset(1).first()
        for back in (48, 34, 20):
            sell([coffee.barcode], now - dt.timedelta(days=back), cashier, member)
        for n in range(12):
            sell([coffee.barcode, cookies.barcode], now - dt.timedelta(days=60 + n), cashier)
        issue_coupon(member, "AUTUMN77", now + dt.timedelta(days=10), created_at=now - dt.timedelta(days=1))
        baskets.refresh(now=now, force=True)
        window = CashierWindow(cashier, ROOT / "resources")
        window.resize(*size)
        window.show()
        window.on_scan(active_card(member).number)
        deadline = time.monotonic() + 10
        while not window.offers.isVisible() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        bread = Product.select().where(Product.name.contains("Хлеб")).first() or Product.select().offset(2).first()
        window.add_product(bread.barcode)
        window.offers.apply(0)  # the first offer taken with Alt+1: shown done
        for _ in range(20):
            app.processEvents()
        window.grab().save(str(out))
        window.close()
        models.db.close()
    return out


if __name__ == "__main__":
    from tests.ui.screenshot import cli_args

    target, lang = cli_args(Path("/tmp/shots5/offers_panel.png"))
    print(render(target, lang))
