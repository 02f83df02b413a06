"""Render each page of the owner's import wizard to PNGs for people to look at:
a new Russian shop's owner brings a cp1251 members file (with a few bad rows)
through every step.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_import.py out/ [--lang ru|ro|en]
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MEMBERS_CP1251 = (
    "Выгрузка клиентов из программы лояльности;;;;;\r\n"
    "Дата выгрузки: 01.03.2026;;;;;\r\n"
    "ФИО;Телефон;Номер карты;Баланс;Дата рождения;Примечание\r\n"
    "Иванова Мария Петровна;+7 (916) 123-45-67;2000000000015;1 250;12.05.1985;постоянная\r\n"
    "Петров Сергей;8 916 222 33 44;2000000000022;300;01.01.1990;\r\n"
    "Сидорова Анна;89163334455;46012345;0;31.02.1988;дата не существует\r\n"
    "Кузнецов Олег;+7 916 444 55 66;2000000000039;12,5;;\r\n"
    "Смирнова Елена;телефон;2000000000046;100;15.07.1979;\r\n"
    "Морозов Иван;+7 916 555 66 77;2000000000053;50;03.03.1993;=HYPERLINK(\"x\")\r\n"
    ";;;;;\r\n"
    "Волкова Ольга;+7 916 666 77 88;2000000000060;700;22.11.1970;\r\n"
)


def members_file(folder: Path) -> Path:
    path = folder / "клиенты.csv"
    path.write_bytes(MEMBERS_CP1251.encode("cp1251"))
    return path


def wait_for(app, signal, timeout_ms: int = 30_000) -> object:
    """Turn the event loop until `signal` is emitted (a script's qtbot.waitSignal)."""
    from PySide6.QtCore import QEventLoop, QTimer

    got: list[object] = []
    loop = QEventLoop()

    def landed(*args: object) -> None:
        got.append(args[0] if args else None)
        loop.quit()

    signal.connect(landed)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(landed)
    if not got:
        raise TimeoutError("the wizard's work did not come back")
    return got[0]


def render(folder: Path, language: str = "ru") -> list[Path]:
    from PySide6.QtWidgets import QApplication

    import models
    from services.core import messages
    from services.opening import new_shop
    from services.shop import staff as auth
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        new_shop.create_shop("Продукты у дома", "RUB", language, "Мария", "123456", address="Москва, ул. Ленина 1")
        messages.set_language(language)
        install_translator(app, ROOT / "resources", language)
        window = CashierWindow(auth.first_of_role("owner"), ROOT / "resources")
        window.resize(1366, 768)
        window.show()
        window.open_import("members")
        wizard = window.import_wizard
        wizard.setMaximumSize(16777215, 16777215)  # the offscreen screen is 800 x 800: fit_to_screen's cap goes
        wizard.resize(1100, 700)  # as on a 1366 x 768 till
        app.processEvents()

        def shot(name: str) -> None:
            app.processEvents()
            out.append(folder / f"import_{name}_{language}.png")
            wizard.grab().save(str(out[-1]))

        wizard.choose_file(members_file(Path(tmp)))
        shot("1_what")
        wizard.go_next()
        wait_for(app, wizard.file_read)
        shot("2_file")
        wizard.go_next()
        shot("3_columns")
        wizard.go_next()
        wait_for(app, wizard.previewed)
        shot("4_preview")
        wizard.go_next()
        wait_for(app, wizard.counted)
        shot("5_count")
        wizard.go_next()
        wait_for(app, wizard.import_finished)
        shot("7_summary")
        wizard.save_rejects(Path(tmp) / "rejected.csv")
        wait_for(app, wizard.rejects_saved)
        shot("7_summary_saved")
        window.show_more()
        app.processEvents()
        out.append(folder / f"import_menu_{language}.png")
        window.more_menu.grab().save(str(out[-1]))
        window.more_menu.close()
        wizard.accept()
        window.open_first_day()
        checklist = window.dialog
        checklist.resize(checklist.width(), checklist.layout().totalHeightForWidth(checklist.width()))
        app.processEvents()
        out.append(folder / f"import_first_day_{language}.png")
        window.dialog.grab().save(str(out[-1]))
        for widget in QApplication.topLevelWidgets():
            widget.close()
        models.db.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "out")
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "ru"
    for written in render(target, lang):
        print(written)
