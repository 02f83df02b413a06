"""An old card an import brought, scanned in the cashier window: on the sale,
and into the find-member box, it finds its member."""
from __future__ import annotations

from models.schema import Staff, utcnow
from services.imports import members as member_import
from services.shop import staff as auth
from ui.formatting import Formatter
from ui.member_dialogs import FindMemberDialog


def import_old_card() -> None:
    owner = Staff.get(Staff.role == "owner")
    auth.login("111111", owner)  # the owner's key signs the opening balance
    outcome = member_import.run([(2, {"name": "Старая Карта", "card": "96385074", "balance": "777"})],
                                actor=owner, now=utcnow())
    assert outcome.imported == 1


def test_an_old_card_scanned_on_the_sale_attaches_its_member(qtbot, window):
    import_old_card()
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        window.on_scan("96385074")
    assert window.session.member.name == "Старая Карта" and window.session.member.balance == 777


def test_an_old_card_scanned_into_the_find_box_finds_its_member(qtbot, app_styled, shop_db):
    import_old_card()
    dialog = FindMemberDialog(Formatter("RUB", "ru_RU"))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.member_found, timeout=5_000) as found:
        dialog.take_scan("96385074")
    assert found.args[0].name == "Старая Карта"
