"""More… → Campaigns and the member dialog's Consent section, offscreen."""
from __future__ import annotations

import csv

from models.schema import Campaign, Member, MessageLog
from services.reach import consent
from services.shop import staff as auth
from services.shop.settings import shop_info
from ui import operations
from ui.formatting import Formatter


def _fmt() -> Formatter:
    info = shop_info()
    return Formatter(info.currency, info.locale, info.time_zone)


def test_the_menu_offers_campaigns_to_managers_not_cashiers(window, qtbot):
    window.show_more()
    texts = [a.text() for a in window.more_menu.actions()]
    assert not any("Campaigns" in t for t in texts)  # the fixture's window is a cashier's
    window.staff = auth.first_of_role("manager")
    window.show_more()
    assert any("Campaigns" in t for t in (a.text() for a in window.more_menu.actions()))


def test_a_new_campaign_with_a_preview_then_exported_and_reported(shop_db, app_styled, qtbot, tmp_path, monkeypatch):
    from ui import campaigns_page
    from ui.campaigns_page import CampaignForm, CampaignsDialog

    manager = auth.first_of_role("manager")
    page = CampaignsDialog(manager, _fmt())
    qtbot.addWidget(page)
    assert page.table.rowCount() == 0 and not page.export_button.isEnabled()
    form = CampaignForm(manager, _fmt(), page)
    qtbot.addWidget(form)
    form.kind.setCurrentIndex(form.kind.findData("new_year"))
    assert form.segment.currentData() == "all" and form.name.text().startswith("New Year")
    form.template.setPlainText("{first_name}: {balance}")
    assert "{balance}" in form.error.text() and form.preview.text() == ""
    form.template.setPlainText("{first_name}, happy New Year!")
    assert form.sample.name.split()[0] + ", happy New Year!" in form.preview.text() and form.error.text() == ""
    form.save()
    assert form.result() == form.DialogCode.Accepted and Campaign.select().count() == 1
    page.refresh(select=form.made)
    assert page.table.item(0, 0).text() == form.made.name
    out = tmp_path / "ny.csv"
    monkeypatch.setattr(campaigns_page, "save_path", lambda *a: str(out))
    page.export_campaign()
    operations.wait_for_all(30_000)
    qtbot.waitUntil(lambda: "Saved to" in page.status.text(), timeout=30_000)
    sent = MessageLog.select().where(MessageLog.campaign == form.made.id).count()
    assert sent > 0 and page.figures["sent"].text() == page.fmt.number(sent)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle, delimiter=";"))) == sent + 1


def test_a_cashier_cannot_open_campaigns(shop_db, app_styled):
    import pytest

    from services.core.errors import PermissionDenied
    from ui.campaigns_page import CampaignsDialog

    with pytest.raises(PermissionDenied):
        CampaignsDialog(auth.first_of_role("cashier"), _fmt())


def test_the_member_dialog_saves_consent_per_channel_and_withdraws_all(shop_db, app_styled, qtbot):
    from ui.member_dialogs import MemberFormDialog

    cashier = auth.first_of_role("cashier")
    member = Member.select().where(Member.marketing_consent == True).first()  # noqa: E712
    dialog = MemberFormDialog(cashier, member)
    qtbot.addWidget(dialog)
    box = dialog.consent_box
    assert box.boxes["sms"].isChecked() and box.boxes["email"].isChecked() and not box.boxes["call"].isChecked()
    box.boxes["email"].setChecked(False)
    box.boxes["call"].setChecked(True)
    box.most.setValue(3)
    dialog.save()
    reach = consent.state(member)
    assert reach.allows("sms") and not reach.allows("email") and reach.allows("call") and reach.max_per_30d == 3
    again = MemberFormDialog(cashier, Member.get_by_id(member.id))
    qtbot.addWidget(again)
    again.consent_box.withdraw.click()
    reach = consent.state(member)
    assert not any(reach.allows(c) for c in ("sms", "email", "call", "messenger"))
    assert Member.get_by_id(member.id).marketing_consent is False
    assert not again.consent_box.boxes["sms"].isChecked()
