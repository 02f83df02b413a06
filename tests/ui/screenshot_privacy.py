"""Render the owner's member dialog with its personal-data buttons, the erase confirmation
(a card number typed) and the dialog after the erasure, to PNGs for people to look at.
    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_privacy.py [/tmp/shots5/] [--lang ru|ro|en]
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


from tests.ui.shotkit import Shots  # noqa: E402


def render(folder: Path, language: str = "en") -> list[Path]:
    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Card, Member, utcnow
    from services.demo.builder import build_demo
    from services.shop import staff as auth
    from ui.app import install_translator
    from ui.member_dialogs import MemberFormDialog

    shots = Shots(folder, language, rounds=20)
    app, out, settle, shot = shots.app, shots.out, shots.settle, shots.shot

    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        build_demo(ROOT / "resources", members=40, products=40, sales=400, seed=1, now=utcnow().replace(microsecond=0))
        install_translator(app, ROOT / "resources", language)
        card = Card.select().where((Card.status == "active") & Card.member.is_null(False)).order_by(Card.number).first()
        member = Member.get_by_id(card.member_id)
        owner = auth.first_of_role("owner")
        dialog = MemberFormDialog(owner, member)
        dialog.resize(720, 560)
        dialog.show()
        shot(dialog, "privacy_member_dialog")
        dialog.privacy.erase_button.click()
        confirm = dialog.privacy.confirm
        confirm.typed.setText(card.number)
        shot(confirm, "privacy_erase_confirm")
        confirm.erase_button.click()
        shot(dialog, "privacy_member_erased")
        for widget in QApplication.topLevelWidgets():
            widget.close()
        settle()
        models.db.close()
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    args = [a for a in args if a != lang]
    for path in render(Path(args[0]) if args else Path("/tmp/shots5"), lang):
        print(path)
