"""Render More… → Campaigns (the list with a campaign's report, the new-campaign form with its
preview) and a member's dialog with its Consent section to PNGs, for people to look at.

A demo shop; an 8 March campaign with a personal coupon, exported, one coupon redeemed at the
till; a New Year greeting without coupons.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_campaigns.py [/tmp/shots5/] [--lang ru|ro|en]
"""
from __future__ import annotations

import dataclasses
import datetime as dt
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
    from models.schema import IssuedCoupon, Member, Product, utcnow
    from services.demo.builder import build_demo
    from services.programme import rules as rules_service
    from services.programme.rules import Promotion
    from services.reach import campaigns
    from services.sale import checkout
    from services.sale.checkout import Cart, Tender
    from services.shop import staff as auth
    from services.shop.settings import shop_info
    from ui import operations
    from ui.app import install_translator
    from ui.campaigns_page import CampaignForm, CampaignsDialog
    from ui.formatting import Formatter
    from ui.member_dialogs import MemberFormDialog
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []

    def shot(widget, name: str) -> None:
        for _ in range(20):
            operations.wait_for_all(30_000)
            app.processEvents()
        out.append(folder / f"{name}_{language}.png")
        widget.grab().save(str(out[-1]))

    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        now = utcnow().replace(microsecond=0)
        build_demo(ROOT / "resources", members=120, products=60, sales=1200, seed=1, now=now)
        install_translator(app, ROOT / "resources", language)
        owner, cashier = auth.first_of_role("owner"), auth.first_of_role("cashier")
        current = rules_service.active_rules(now)
        rules_service.publish(dataclasses.replace(current, promotions=(
            *current.promotions, Promotion("spring10", "Весна −10 %", "discount", bp=1000, coupon=True))),
            effective_from=now - dt.timedelta(days=10))
        info = shop_info()
        fmt = Formatter(info.currency, info.locale, info.time_zone)
        campaigns.set_message_cost(owner, "sms", 350)
        march = campaigns.create("8 Марта", "march_8", "all", "sms",
                                 "{first_name}, с 8 Марта! Ваш подарок — купон {coupon}: −10 % до конца месяца.",
                                 promotion="spring10", coupon_days=14, actor=owner, now=now - dt.timedelta(days=5))
        campaigns.export(march, Path(tmp) / "march.xlsx", actor=owner, now=now - dt.timedelta(days=5))
        product = Product.select().where(Product.weighed == False).order_by(Product.price.desc()).first()  # noqa: E712
        for coupon in IssuedCoupon.select().where(IssuedCoupon.promotion == "spring10").limit(7):
            member = Member.get_by_id(coupon.member_id)
            when = now - dt.timedelta(days=2)
            rules = rules_service.active_rules(when)
            cart = Cart(member=member)
            cart.add(product, 2)
            cart.add_coupon(coupon.code, rules, when)
            checkout.complete_sale(cart, [Tender("card", cart.price(rules, when).to_pay)], cashier=cashier, now=when)
        campaigns.create("Новый год", "new_year", "all", "email", "{first_name}, с Новым годом! У вас {points} баллов.",
                         actor=owner, now=now - dt.timedelta(days=1))
        page = CampaignsDialog(owner, fmt, now=lambda: now)
        page.setMaximumSize(16_777_215, 16_777_215)
        page.resize(1366, 720)
        page.show()
        page.refresh(select=march)
        page.status.setText(page.status.text() or "")
        shot(page, "campaigns")
        form = CampaignForm(owner, fmt, page, now=lambda: now)
        form.kind.setCurrentIndex(form.kind.findData("easter"))
        form.promotion.setCurrentIndex(form.promotion.findData("spring10"))
        form.template.setPlainText("{first_name}, Христос воскресе! Купон {coupon} — −10 % к празднику.")
        form.resize(720, 560)
        form.show()
        shot(form, "campaign_form")
        form.template.setPlainText("{first_name}, у вас {balance} баллов")
        shot(form, "campaign_form_error")
        form.close()
        member = Member.select().where(Member.marketing_consent == True).order_by(Member.name).first()  # noqa: E712
        from services.reach import consent

        consent.record(member, {"call": True}, source="form", actor=cashier, now=now - dt.timedelta(days=3))
        consent.set_preference(member, preferred="sms", max_per_30d=2, source="till", actor=cashier, now=now)
        dialog = MemberFormDialog(owner, member)
        dialog.resize(760, 720)
        dialog.show()
        shot(dialog, "member_consent")
        page.close()
        models.db.obj.close()
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    lang = "ru"
    if "--lang" in args:
        lang = args[args.index("--lang") + 1]
        args = [a for a in args if a not in ("--lang", lang)]
    target = Path(args[0]) if args else Path("/tmp/shots5")
    for path in render(target, lang):
        print(path)
