import datetime as dt

import pytest

from models.schema import Card
from services.members import registry as members
from services.members.cards import make_card_number
from services.core.errors import InputError, NotFound, PermissionDenied


def test_register_issue_find_and_search(shop):
    member, card = members.register("  Иван   Петров ", "8 (999) 123-45-67", dt.date(1990, 5, 1), True, actor=shop["cashier"])
    assert member.name == "Иван Петров" and member.phone == "+79991234567"
    assert card.number == make_card_number("27", 1, 1) and card.status == "active"
    assert members.find_by_card(card.number).id == member.id
    assert [m.id for m in members.search("+7 999 123-45-67")] == [member.id]
    assert [m.id for m in members.search("89991234567")] == [member.id]
    assert [m.id for m in members.search("петров")] == [member.id]
    assert [m.id for m in members.search("ИВАН")] == [member.id]
    assert members.search("Сидоров") == []
    assert member.tier == "base"
    with pytest.raises(InputError, match="already exists"):
        members.register("Other", "+79991234567", actor=shop["cashier"])


def test_card_messages(shop):
    member, card = members.register("Anna", actor=shop["cashier"])
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    with pytest.raises(InputError, match="check digit"):
        members.find_by_card(wrong)
    with pytest.raises(NotFound, match="not known"):
        members.find_by_card(make_card_number("27", 1, 999))
    with pytest.raises(InputError, match="13 digits"):
        members.find_by_card("12345")


def test_preprinted_card_is_attached(shop):
    number = make_card_number("27", 9, 42)
    Card.create(number=number, status="reserved")
    with pytest.raises(NotFound, match="not been given"):
        members.find_by_card(number)
    member, card = members.register("Olga", card_number=number, actor=shop["cashier"])
    assert card.number == number and card.status == "active"
    assert members.find_by_card(number).id == member.id
    with pytest.raises(InputError, match="already belongs"):
        members.register("Other", card_number=number, actor=shop["cashier"])
    with pytest.raises(InputError, match="not one of this shop"):
        members.register("Other", card_number="4006381333931", actor=shop["cashier"])


def test_lost_card_blocked_balance_moves_with_member(shop):
    member, old = members.register("Pavel", actor=shop["cashier"])
    members.adjust_balance(member, 300, "welcome", actor=shop["manager"])
    with pytest.raises(PermissionDenied):
        members.replace_card(member, actor=shop["cashier"])
    new = members.replace_card(member, actor=shop["cashier"], authoriser=shop["manager"])
    assert new.number != old.number
    with pytest.raises(InputError, match="blocked"):
        members.find_by_card(old.number)
    found = members.find_by_card(new.number)
    assert found.id == member.id and found.balance == 300


def test_adjustment_needs_manager_and_reason(shop):
    member, _ = members.register("Kira", actor=shop["cashier"])
    with pytest.raises(PermissionDenied):
        members.adjust_balance(member, 10, "gift", actor=shop["cashier"])
    with pytest.raises(InputError):
        members.adjust_balance(member, 10, " ", actor=shop["manager"])
    assert members.adjust_balance(member, 10, "gift", actor=shop["cashier"], authoriser=shop["manager"]) == 10


def test_birthday_soon():
    today = dt.date(2026, 11, 23)
    assert members.birthday_soon(dt.date(1980, 11, 25), today)
    assert members.birthday_soon(dt.date(1980, 11, 20), today)
    assert not members.birthday_soon(dt.date(1980, 12, 5), today)
    assert members.birthday_soon(dt.date(1980, 1, 1), dt.date(2026, 12, 30))
    assert members.birthday_soon(dt.date(1992, 2, 29), dt.date(2027, 3, 1))


def test_summary_shows_next_tier(shop):
    from services.programme.rules import active_rules

    member, card = members.register("Lena", birthday=dt.date(1990, 1, 1), actor=shop["cashier"])
    info = members.summary(member, active_rules())
    assert info.tier_name == "Base" and info.next_tier_name == "Silver"
    assert info.to_next_tier == 1_500_000 and info.card == card.number


def test_editing_never_touches_balance_or_tier(shop):
    from services.programme import ledger

    member, _ = members.register("Roma", "+79990001122", actor=shop["cashier"])
    stale = members.find_by_card(members.active_card(member).number)  # held by the screen
    members.adjust_balance(member, 500, "welcome", actor=shop["manager"])
    from models.schema import Member

    Member.update(tier="gold").where(Member.id == member.id).execute()  # a sale moved them up
    edited = members.update(stale, name="Roman Ivanov", phone="8 999 000-11-33", actor=shop["cashier"])
    assert (edited.name, edited.phone, edited.balance, edited.tier) == ("Roman Ivanov", "+79990001133", 500, "gold")
    assert ledger.mismatched_balances() == []
    other, _ = members.register("Sofia", "+79990004455", actor=shop["cashier"])
    with pytest.raises(InputError, match="belongs to another"):
        members.update(other, name="Changed", phone="+79990001133", actor=shop["cashier"])
    assert other.name == "Sofia" and Member.get_by_id(other.id).name == "Sofia"
