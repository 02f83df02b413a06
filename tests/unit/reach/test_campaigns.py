"""Campaigns: the template and its placeholders, holidays, personal coupons redeemable at the
till, exported through the consent filter once per member, and the report that counts them."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.schema import CampaignMember, IssuedCoupon, MessageLog, Outbox
from services.core.errors import InputError, PermissionDenied
from services.programme import rules as rules_service
from services.programme.rules import Promotion, default_rules
from services.reach import campaigns, consent
from services.reach.segment_export import Recipient
from services.sale import checkout
from services.sale.checkout import Cart, Tender
from tests.unit.shopkit import add_member, add_products

NOW = dt.datetime(2030, 3, 2, 10, 0)


def _recipient(name="Анна Петрова", points=120):
    import uuid

    from services.reach.segment_export import first_name

    return Recipient(uuid.uuid4(), name, first_name(name), "+7999", "", points, {})


# --- the template -------------------------------------------------------------------------------


def test_the_template_renders_the_member_and_the_coupon():
    text = campaigns.check_template("{first_name}, с праздником! {points} баллов, купон {coupon}", with_coupon=True)
    assert campaigns.render(text, _recipient(), "K7MX3PRA") == "Анна, с праздником! 120 баллов, купон K7MX3PRA"
    assert campaigns.render("Dear {name}", _recipient("Ion Popescu")) == "Dear Ion Popescu"


@pytest.mark.parametrize("template, code, named", [
    ("Hello {firstname}", "reach_template_placeholder", "{firstname}"),
    ("Hello {name.__class__}", "reach_template_placeholder", "{name.__class__}"),
    ("Hello {name!r}", "reach_template_placeholder", "{name!r}"),
    ("Hello {points:>10}", "reach_template_placeholder", "{points:>10}"),
    ("Hello {0}", "reach_template_placeholder", "{0}"),
    ("Hello {name", "reach_template_braces", ""),
    ("Your coupon {coupon}", "reach_template_coupon", "{coupon}"),
    ("   ", "reach_template_empty", ""),
])
def test_unknown_placeholders_are_refused_with_a_clear_message(template, code, named):
    with pytest.raises(InputError) as caught:
        campaigns.check_template(template, with_coupon=False)
    assert caught.value.code == code
    assert named in str(caught.value)
    if code == "reach_template_placeholder":
        assert "{first_name}" in str(caught.value)  # says what may be used


@given(text=st.text(alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=200),
       name=st.text(max_size=40), points=st.integers(0, 10**9))
def test_text_without_placeholders_is_sent_as_written_and_a_name_is_never_expanded(text, name, points):
    """A member's name holding braces ("{coupon}") is put in as it is, not read as a placeholder."""
    if text.strip():
        assert campaigns.render(campaigns.check_template(text, with_coupon=False), _recipient(name, points)) == text.strip()
    assert campaigns.render("{name}|{points}", _recipient(name, points)) == f"{name}|{points}"


def test_orthodox_easter_and_the_holidays():
    known = {2023: (4, 16), 2024: (5, 5), 2025: (4, 20), 2026: (4, 12), 2027: (5, 2), 2030: (4, 28), 2100: (5, 2)}
    for year, (month, day) in known.items():
        assert campaigns.orthodox_easter(year) == dt.date(year, month, day)
        assert campaigns.orthodox_easter(year).weekday() == 6  # a Sunday
    assert campaigns.holiday_date("martisor", 2031) == dt.date(2031, 3, 1)
    assert campaigns.holiday_date("march_8", 2031) == dt.date(2031, 3, 8)
    assert campaigns.next_holiday("new_year", dt.date(2030, 3, 2)) == dt.date(2031, 1, 1)
    assert campaigns.next_holiday("easter", dt.date(2030, 3, 2)) == dt.date(2030, 4, 28)
    assert campaigns.holiday_date("win_back", 2030) is None


# --- a campaign with coupons, through the till ------------------------------------------------


@pytest.fixture
def offer(shop):
    rules_service.publish(dataclasses.replace(default_rules(), promotions=(
        Promotion("spring10", "Spring −10 %", "discount", bp=1000, coupon=True),)),
        effective_from=NOW - dt.timedelta(days=10))
    return add_products([("Tulips", 100000, False)])


def test_campaign_coupons_are_redeemable_at_the_till_and_counted_in_the_report(shop, offer, tmp_path):
    people = []
    for n, name in enumerate(("Anna Petrova", "Boris Orlov", "Vera Noconsent")):
        member, _ = add_member(name, shop["cashier"], f"+7999000010{n}")
        if n < 2:
            consent.record(member, {"sms": True}, source="till", actor=shop["cashier"], now=NOW - dt.timedelta(days=9))
        people.append(member)
    campaign = campaigns.create("8 March", "march_8", "all", "sms", "{first_name}, с 8 Марта! Купон {coupon}: −10 %",
                                promotion="spring10", coupon_days=14, actor=shop["manager"], now=NOW)
    campaigns.set_message_cost(shop["owner"], "sms", 350)
    out = tmp_path / "march8.csv"
    result = campaigns.export(campaign, out, actor=shop["manager"], now=NOW)
    assert (result["exported"], result["skipped_no_consent"], result["coupons"]) == (2, 1, 2)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    coupon_of = {row[0]: row[-1] for row in rows[1:]}
    assert rows[1][-2] == f"Anna, с 8 Марта! Купон {coupon_of['Anna Petrova']}: −10 %"
    issued = IssuedCoupon.get(IssuedCoupon.code == coupon_of["Anna Petrova"])
    assert issued.member_id == people[0].id and issued.expires_at == NOW + dt.timedelta(days=14)
    assert issued.sale_id is None and issued.promotion == "spring10"
    assert Outbox.select().where(Outbox.kind == "issued_coupon").count() == 2  # every till will know the codes
    assert MessageLog.select().where(MessageLog.campaign == campaign.id).count() == 2

    # Anna brings her coupon to the till three days later: −10 % on 1,000.00.
    when = NOW + dt.timedelta(days=3)
    rules = rules_service.active_rules(when)
    cart = Cart(member=people[0])
    cart.add_barcode(offer[0])
    cart.add_coupon(coupon_of["Anna Petrova"].lower(), rules, when)
    sale = checkout.complete_sale(cart, [Tender("card", cart.price(rules, when).to_pay)], cashier=shop["cashier"],
                                  now=when)
    assert sale.priced.discount >= 10000
    with pytest.raises(InputError) as caught:  # Boris's coupon is his, not Anna's
        Cart(member=people[0]).add_coupon(coupon_of["Boris Orlov"], rules, when)
    assert caught.value.code == "coupon_other_member"
    # and a sale of Anna's outside the window does not count
    later = NOW + dt.timedelta(days=20)
    cart = Cart(member=people[0])
    cart.add_barcode(offer[0])
    checkout.complete_sale(cart, [Tender("card", cart.price(rules_service.active_rules(later), later).to_pay)],
                           cashier=shop["cashier"], now=later)

    report = campaigns.report(campaign, now=NOW + dt.timedelta(days=30))
    assert (report["sent"], report["coupons"], report["redeemed"], report["redeemers"]) == (2, 2, 1, 1)
    assert report["revenue"] == sale.priced.total
    assert report["coupon_discount"] == 10000
    assert report["message_cost"] == 700 and report["cost"] == 700 + 10000
    assert report["window"]["to"] == (NOW + dt.timedelta(days=14)).isoformat()


def test_a_member_is_sent_a_campaign_once(shop, offer, tmp_path):
    member, _ = add_member("Anna", shop["cashier"], "+79990000201")
    consent.record(member, {"sms": True}, source="till", actor=shop["cashier"], now=NOW - dt.timedelta(days=9))
    campaign = campaigns.create("Spring", "segment", "all", "sms", "{name}: {coupon}", promotion="spring10",
                                coupon_days=7, actor=shop["owner"], now=NOW)
    assert campaigns.export(campaign, tmp_path / "a.csv", actor=shop["owner"], now=NOW)["exported"] == 1
    second = campaigns.export(campaign, tmp_path / "b.csv", actor=shop["owner"], now=NOW + dt.timedelta(days=1))
    assert (second["exported"], second["skipped_already_sent"], second["coupons"]) == (0, 1, 0)
    assert CampaignMember.select().count() == 1 and IssuedCoupon.select().count() == 1


def test_making_a_campaign_checks_everything_first(shop, offer):
    with pytest.raises(InputError) as caught:
        campaigns.create("X", "segment", "all", "sms", "{first_name}: {coupon}", actor=shop["manager"])
    assert caught.value.code == "reach_template_coupon"
    with pytest.raises(InputError) as caught:
        campaigns.create("X", "segment", "all", "sms", "Hi", promotion="nope", coupon_days=7, actor=shop["manager"])
    assert caught.value.code == "reach_campaign_promotion"
    with pytest.raises(InputError) as caught:
        campaigns.create("X", "segment", "all", "sms", "Hi", promotion="spring10", coupon_days=0, actor=shop["manager"], now=NOW)
    assert caught.value.code == "reach_coupon_days"
    with pytest.raises(InputError):
        campaigns.create("X", "party", "all", "sms", "Hi", actor=shop["manager"])
    with pytest.raises(PermissionDenied):
        campaigns.create("X", "segment", "all", "sms", "Hi", actor=shop["cashier"])
    with pytest.raises(PermissionDenied):
        campaigns.set_message_cost(shop["manager"], "sms", 100)
    assert campaigns.listing() == []


def test_personal_data_names_the_campaigns_and_coupons(shop, offer, tmp_path):
    member, _ = add_member("Anna", shop["cashier"], "+79990000301")
    consent.record(member, {"sms": True}, source="till", actor=shop["cashier"], now=NOW - dt.timedelta(days=9))
    campaign = campaigns.create("Spring", "segment", "all", "sms", "{coupon}", promotion="spring10", coupon_days=7,
                                actor=shop["owner"], now=NOW)
    campaigns.export(campaign, tmp_path / "a.csv", actor=shop["owner"], now=NOW)
    data = campaigns.personal_data(member.id)
    assert data["campaigns"][0]["campaign"] == "Spring" and len(data["campaigns"][0]["coupon"]) == 8
    assert consent.personal_data(member.id)["messages"][0]["message"] == data["campaigns"][0]["coupon"]


def test_the_command_line_offers_the_services_lists_kinds_and_channels():
    import main
    from models.schema import CHANNELS
    from services.reach import segment_export

    assert main.REACH_LISTS == segment_export.LISTS
    assert main.CAMPAIGN_KINDS == campaigns.KINDS
    assert main.REACH_CHANNELS == CHANNELS


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_the_default_templates_translated_keep_only_known_placeholders(lang):
    """The window's default messages (ui/campaigns_page.default_template) are translated texts: each
    translation must still pass the template's check, or a new campaign would be refused."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[3] / "resources" / "translations" / lang / "LC_MESSAGES" / "loyaltill.po"
    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    defaults = [m for m in catalogue if isinstance(m.id, str) and m.id.startswith("{first_name}, ")]
    assert len(defaults) == 7
    for message in defaults:
        assert campaigns.check_template(message.string, with_coupon=False) == message.string.strip()
