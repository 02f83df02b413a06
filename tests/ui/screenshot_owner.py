"""Render the owner's screens (programme editor, its preview, what-if) and the
cashier with a promotion on the bill, to PNGs for people to look at.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_owner.py out/ [--lang ru|ro|en]
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
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        build_demo(ROOT / "resources", members=80, products=80, sales=1500, seed=1)
        window = CashierWindow(auth.first_of_role("owner"), ROOT / "resources")
        window.resize(1366, 768)
        window.show()
        member = Member.select().where(Member.tier != "base").first() or Member.select().first()
        window.handle_code(active_card(member).number)
        for product in catalogue.quick_keys()[:6]:
            window.add_product(product.barcode, 3)
        app.processEvents()
        out.append(folder / f"cashier_owner_{language}.png")
        window.grab().save(str(out[-1]))

        window.open_programme()
        dialog = window.dialog
        dialog.show()
        for index, name in ((0, "programme"), (2, "promotions"), (4, "preview")):
            dialog.tabs.setCurrentIndex(index)
            app.processEvents()
            out.append(folder / f"owner_{name}_{language}.png")
            dialog.grab().save(str(out[-1]))
        item = dialog.edit_promotion() if dialog.promo_table.selectRow(0) is None else None
        item.resize(560, 760)
        app.processEvents()
        out.append(folder / f"owner_promotion_{language}.png")
        item.grab().save(str(out[-1]))
        item.reject()
        dialog.form.editor("earn_bp").setText("7")
        dialog.open_whatif()
        what = dialog.whatif
        from services.programme import whatif

        what.result = whatif.simulate(dialog.collect())
        what.show_result(what.result)
        what.show()
        app.processEvents()
        out.append(folder / f"owner_whatif_{language}.png")
        what.grab().save(str(out[-1]))
        for widget in QApplication.topLevelWidgets():
            widget.close()
        models.db.close()
    return out


if __name__ == "__main__":
    from tests.ui.screenshot import cli_args

    target, lang = cli_args(ROOT / "out")
    target.mkdir(parents=True, exist_ok=True)
    for path in render(target, lang):
        print(path)
