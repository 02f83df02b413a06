"""What the offers' tests share: a programme in force since 2000 with a campaign's coupon
promotion, products, sales at given moments, and personal coupons."""
from __future__ import annotations

import dataclasses
import datetime as dt

from models import write_transaction
from models.schema import IssuedCoupon, Member, RuleSet, new_id
from services.programme import rules as rules_service
from services.programme.rules import Promotion, default_rules
from services.sale import checkout
from services.sale.checkout import Cart, SaleResult, Tender

NOW = dt.datetime(2026, 12, 1, 9, 0)  # naive UTC: noon in Moscow, the test shop's zone; the same date
CAMPAIGN = Promotion("autumn", "Autumn −10 %", "discount", bp=1000, coupon=True)


def programme_with_campaign(since: dt.datetime = dt.datetime(2000, 1, 1)) -> None:
    """The standard programme with the campaign's promotion, in force from `since` (the
    programmes before it: from 2000, so a sale of any date has one)."""
    with write_transaction():
        RuleSet.update(effective_from=dt.datetime(2000, 1, 1)).execute()
    rules_service.publish(dataclasses.replace(default_rules(), promotions=(CAMPAIGN,)), effective_from=since)


def sell(barcodes: list[str], when: dt.datetime, cashier, member: Member | None = None) -> SaleResult:
    cart = Cart(member=member)
    for code in barcodes:
        cart.add_barcode(code)
    rules = rules_service.active_rules(when)
    return checkout.complete_sale(cart, [Tender("card", cart.price(rules, when).to_pay)], cashier=cashier, now=when)


def issue_coupon(member: Member, code: str, expires_at: dt.datetime, promotion: str = CAMPAIGN.code,
                 created_at: dt.datetime = NOW - dt.timedelta(days=3)) -> None:
    with write_transaction():
        IssuedCoupon.create(id=new_id(), code=code, promotion=promotion, member=member.id, sale=None,
                            created_at=created_at, expires_at=expires_at)


def days_ago(n: int, hour: int = 9) -> dt.datetime:
    return (NOW - dt.timedelta(days=n)).replace(hour=hour)
