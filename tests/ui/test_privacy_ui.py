"""The owner's personal-data buttons in the member dialog: export to a folder, erase after
typing the member's card number; neither for a manager or a cashier."""
from __future__ import annotations

import json

from models.schema import Card, Member
from services.reach import privacy
from services.shop import staff as auth
from ui.member_dialogs import MemberFormDialog


def _member_with_card() -> tuple[Member, str]:
    card = Card.select().where((Card.status == "active") & Card.member.is_null(False)).order_by(Card.number).first()
    return Member.get_by_id(card.member_id), card.number


def test_only_the_owner_sees_the_buttons(qtbot, app_styled, shop_db):
    member, _ = _member_with_card()
    for role in ("cashier", "manager"):
        dialog = MemberFormDialog(auth.first_of_role(role), member)
        qtbot.addWidget(dialog)
        assert not hasattr(dialog, "privacy")
    owner = MemberFormDialog(auth.first_of_role("owner"), member)
    qtbot.addWidget(owner)
    assert owner.privacy.export_button.text() == "Export personal data…"
    assert owner.privacy.erase_button.text() == "Erase personal data…" and owner.privacy.erase_button.isEnabled()


def test_export_writes_json_and_pdf_to_the_chosen_folder(qtbot, app_styled, shop_db, tmp_path):
    member, number = _member_with_card()
    dialog = MemberFormDialog(auth.first_of_role("owner"), member)
    qtbot.addWidget(dialog)
    dialog.privacy.choose_folder = lambda _owner: str(tmp_path)
    with qtbot.waitSignal(dialog.privacy.said, timeout=20_000) as said:
        dialog.privacy.export_button.click()
    assert str(tmp_path / f"personal-data-{number}.json") in said.args[0]
    data = json.loads((tmp_path / f"personal-data-{number}.json").read_text(encoding="utf-8"))
    assert data["member"]["name"] == member.name
    assert (tmp_path / f"personal-data-{number}.pdf").read_bytes().startswith(b"%PDF")
    assert dialog.error.text() == said.args[0]


def test_erase_asks_for_the_card_number_then_erases(qtbot, app_styled, shop_db):
    member, number = _member_with_card()
    dialog = MemberFormDialog(auth.first_of_role("owner"), member)
    qtbot.addWidget(dialog)
    dialog.privacy.erase_button.click()
    confirm = dialog.privacy.confirm
    assert confirm.isVisible() and not confirm.erase_button.isEnabled()
    confirm.typed.setText(number[:-1] + str((int(number[-1]) + 1) % 10))  # one digit wrong
    assert not confirm.erase_button.isEnabled()
    assert Member.get_by_id(member.id).erased_at is None
    confirm.take_scan(number)  # scanning the card types it
    assert confirm.erase_button.isEnabled()
    with qtbot.waitSignal(dialog.privacy.erased, timeout=20_000):
        confirm.erase_button.click()
    fresh = Member.get_by_id(member.id)
    assert fresh.name == privacy.erased_name() and fresh.phone is None and fresh.erased_at is not None
    assert dialog.name.text() == privacy.erased_name() and not dialog.name.isEnabled()
    assert not dialog.save_button.isEnabled() and not dialog.privacy.erase_button.isEnabled()
    assert "erased" in dialog.error.text()
    again = MemberFormDialog(auth.first_of_role("owner"), fresh)  # opened later: shown, not editable
    qtbot.addWidget(again)
    assert not again.save_button.isEnabled() and not again.privacy.erase_button.isEnabled()
    assert again.privacy.export_button.isEnabled()


def test_cancel_leaves_the_member_as_they_were(qtbot, app_styled, shop_db):
    member, number = _member_with_card()
    dialog = MemberFormDialog(auth.first_of_role("owner"), member)
    qtbot.addWidget(dialog)
    dialog.privacy.erase_button.click()
    dialog.privacy.confirm.typed.setText(number)
    dialog.privacy.confirm.reject()
    assert Member.get_by_id(member.id).name == member.name and dialog.save_button.isEnabled()
