"""Render the cashier's window mid-sale, with a member, to a PNG for people to look at.

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/ui/screenshot.py [out.png] [--lang ru|ro|en]
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def render(out: Path, language: str = "ru", size: tuple[int, int] = (1366, 768)) -> Path:
    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Member
    from services.shop import staff as auth
    from services.shop import catalogue
    from services.demo.builder import build_demo
    from services.members.registry import active_card
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    install_translator(app, ROOT / "resources", language)
    with tempfile.TemporaryDirectory() as folder:
        models.open_database(Path(folder) / "shot.db")
        build_demo(ROOT / "resources", members=50, products=60, sales=200, seed=1)
        window = CashierWindow(auth.first_of_role("cashier"), ROOT / "resources")
        window.resize(*size)
        window.show()
        member = Member.select().order_by(Member.balance.desc()).first()
        window.handle_code(active_card(member).number)
        for product in catalogue.quick_keys()[:3]:
            window.add_product(product.barcode)
        window.add_product(catalogue.quick_keys()[1].barcode)
        window.set_redeem(min(window.priced.max_redeem, 50))
        window.add_product(catalogue.quick_keys()[5].barcode)
        app.processEvents()
        window.grab().save(str(out))
        window.close()
        models.db.close()
    return out


def cli_args(default: Path) -> tuple[Path, str]:
    """The screenshot scripts' command line: [TARGET] [--lang ru|ro|en]."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("target", nargs="?", type=Path, default=default)
    parser.add_argument("--lang", choices=("ru", "ro", "en"), default="ru")
    args = parser.parse_args()
    return args.target, args.lang


if __name__ == "__main__":
    target, lang = cli_args(ROOT / "out" / "cashier.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    print(render(target, lang))
