"""Customers' feedback (services.reach.feedback): answers, complaints, follow-ups, asking every
Nth sale, the outbox, personal data and its erasure."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import Feedback, FeedbackNote, Outbox, Sale
from services.core.errors import InputError, PermissionDenied
from services.reach import feedback
from services.sale.checkout import Cart
from tests.unit.shopkit import add_member, add_products, sell_by_card

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def sold(shop):
    """A member's sale rung up by the cashier, and a sale without a card."""
    codes = add_products([("Bread", 5000, False)])
    member, card = add_member("Anna Petrova", shop["cashier"], phone="+37369000001")
    from models.schema import Product

    cart = Cart()
    cart.add(Product.get(Product.barcode == codes[0]))
    cart.member = member
    with_card = sell_by_card(cart, shop["cashier"])
    cart = Cart()
    cart.add(Product.get(Product.barcode == codes[0]))
    without = sell_by_card(cart, shop["manager"])
    return {"member": member, "card": card, "sale": Sale.get_by_id(with_card.sale_id),
            "anonymous": Sale.get_by_id(without.sale_id), **shop}


def _ops(kind: str) -> list[dict]:
    return [json.loads(o.payload) for o in Outbox.select().where(Outbox.kind == kind).order_by(Outbox.seq)]


def test_an_answer_after_a_sale_takes_its_member_and_cashier_and_goes_to_the_outbox(sold):
    row = feedback.record(source="till", nps=9, csat=5, sale=sold["sale"], now=NOW)
    assert row.member_id == sold["member"].id and row.cashier_id == sold["cashier"].id
    assert (row.nps, row.csat, row.complaint, row.status) == (9, 5, False, "")
    sent = _ops("feedback")
    assert len(sent) == 1 and sent[0]["id"] == str(row.id) and sent[0]["nps"] == 9
    assert sent[0]["cashier_id"] == str(sold["cashier"].id)
    assert set(sent[0]["_clock"]) >= {"nps", "csat", "text", "status"}  # merged field by field at the hub


def test_one_answer_per_sale(sold):
    feedback.record(source="display", nps=10, sale=sold["sale"], now=NOW)
    with pytest.raises(InputError) as caught:
        feedback.record(source="till", nps=3, sale=sold["sale"].receipt_no, now=NOW)
    assert caught.value.code == "feedback_sale_answered"
    assert Feedback.select().count() == 1 and feedback.answered(sold["sale"].id)
    assert not feedback.answered(sold["anonymous"].id)


@pytest.mark.parametrize("kwargs, code", [
    ({"nps": 11}, "feedback_nps_range"), ({"nps": -1}, "feedback_nps_range"), ({"nps": True}, "feedback_nps_range"),
    ({"nps": 7, "csat": 0}, "feedback_csat_range"), ({"csat": 6}, "feedback_csat_range"),
    ({}, "feedback_empty"), ({"text": "   "}, "feedback_empty"),
    ({"nps": 5, "text": "x" * 501}, "feedback_text_long"),
    ({"nps": 5, "complaint": True}, "feedback_complaint_text"),
])
def test_bad_answers_are_refused_and_nothing_is_kept(sold, kwargs, code):
    with pytest.raises(InputError) as caught:
        feedback.record(source="cli", **kwargs)
    assert caught.value.code == code
    assert str(caught.value) and "{" not in str(caught.value)  # one English sentence, its names filled
    assert Feedback.select().count() == 0 and not _ops("feedback")


@given(nps=st.one_of(st.none(), st.integers(0, 10)), csat=st.one_of(st.none(), st.integers(1, 5)),
       text=st.sampled_from(["", "Queue was long", "  "]), flagged=st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_complaint_is_flagged_text_or_a_low_csat_with_text(sold, nps, csat, text, flagged):
    words = text.strip()
    if nps is None and csat is None and not words or flagged and not words:
        with pytest.raises(InputError):
            feedback.record(source="cli", nps=nps, csat=csat, text=text, complaint=flagged)
        return
    row = feedback.record(source="cli", nps=nps, csat=csat, text=text, complaint=flagged)
    expected = bool(words) and (flagged or (csat is not None and csat <= 2))
    assert row.complaint == expected
    assert row.status == ("open" if expected else "")


def test_follow_ups_move_a_complaint_on_and_say_who_and_when(sold):
    row = feedback.record(source="till", csat=1, text="Rude at the till", sale=sold["sale"], now=NOW)
    assert row.complaint and row.status == "open"
    with pytest.raises(PermissionDenied):
        feedback.follow_up(sold["cashier"], row.id, text="sorry")
    later = NOW + dt.timedelta(hours=2)
    feedback.follow_up(sold["manager"], row.id, text="Called her, apologised", status="in_progress", now=later)
    feedback.follow_up(sold["owner"], str(row.id), status="resolved", now=later + dt.timedelta(days=1))
    with pytest.raises(InputError) as caught:
        feedback.follow_up(sold["owner"], row.id, text="", status="resolved")
    assert caught.value.code == "feedback_note_empty"
    shown = feedback.complaint(sold["manager"], row.id)
    assert shown["status"] == "resolved" and shown["member_name"] == "Anna Petrova"
    assert shown["receipt_no"] == sold["sale"].receipt_no and shown["cashier_name"] == sold["cashier"].name
    assert [(n["staff_name"], n["text"], n["status"]) for n in shown["notes"]] == [
        (sold["manager"].name, "Called her, apologised", "in_progress"), (sold["owner"].name, "", "resolved")]
    assert shown["notes"][0]["created_at"] == later.isoformat()
    assert [f["status"] for f in _ops("feedback")] == ["open", "in_progress", "resolved"]
    assert len(_ops("feedback_note")) == 2


def test_the_list_filters_by_status_newest_first(sold):
    first = feedback.record(source="cli", csat=2, text="Cold coffee", now=NOW)
    second = feedback.record(source="cli", nps=2, text="Prices", complaint=True, now=NOW + dt.timedelta(minutes=5))
    feedback.record(source="cli", nps=10, text="Lovely", now=NOW + dt.timedelta(minutes=9))  # praise: no complaint
    feedback.follow_up(sold["owner"], first.id, status="resolved", now=NOW + dt.timedelta(hours=1))
    every = feedback.complaints(sold["manager"])
    assert [c["id"] for c in every] == [str(second.id), str(first.id)]
    assert [c["id"] for c in feedback.complaints(sold["manager"], status="open")] == [str(second.id)]
    assert [c["notes"] for c in feedback.complaints(sold["owner"], status="resolved")] == [1]
    with pytest.raises(PermissionDenied):
        feedback.complaints(sold["cashier"])
    with pytest.raises(InputError):
        feedback.complaints(sold["owner"], status="closed")


def test_an_answer_with_words_can_be_marked_a_complaint(sold):
    row = feedback.record(source="till", nps=6, text="Could be cleaner", now=NOW)
    assert not row.complaint
    with pytest.raises(InputError) as caught:
        feedback.follow_up(sold["owner"], row.id, text="noted")
    assert caught.value.code == "feedback_not_complaint"
    assert [r["id"] for r in feedback.remarks(sold["manager"])] == [str(row.id)]
    marked = feedback.mark_complaint(sold["owner"], row.id)
    assert marked.complaint and marked.status == "open"
    assert feedback.remarks(sold["manager"]) == [] and feedback.complaints(sold["manager"])[0]["id"] == str(row.id)
    with pytest.raises(PermissionDenied):
        feedback.mark_complaint(sold["cashier"], row.id)


@pytest.mark.parametrize("enabled, every, receipts, asked", [
    (True, 1, ["T01-000001", "T01-000002"], [True, True]),
    (True, 3, ["T01-000001", "T01-000003", "T01-000006", "T01-000007"], [False, True, True, False]),
    (False, 1, ["T01-000001"], [False]),
])
def test_asking_every_nth_sale_by_the_receipt_number(shop, enabled, every, receipts, asked):
    chosen = feedback.set_asking(shop["owner"], enabled=enabled, every=every)
    assert feedback.asking() == chosen
    assert [feedback.should_ask(r) for r in receipts] == asked


def test_asking_is_the_owners_setting_and_bounded(shop):
    assert feedback.asking() == feedback.Asking(enabled=True, every=1)  # asked by default
    with pytest.raises(PermissionDenied):
        feedback.set_asking(shop["manager"], enabled=False, every=1)
    for bad in (0, 1001, "3", True):
        with pytest.raises(InputError):
            feedback.set_asking(shop["owner"], enabled=True, every=bad)


def test_personal_data_and_erase_keep_the_scores_and_drop_the_words(sold):
    row = feedback.record(source="till", nps=3, csat=2, text="Anna: my phone 069000001, rude staff",
                          sale=sold["sale"], now=NOW)
    feedback.follow_up(sold["owner"], row.id, text="Called Anna on 069000001", status="resolved", now=NOW)
    other = feedback.record(source="cli", nps=9, text="Great", now=NOW)  # nobody's
    held = feedback.personal_data(sold["member"].id)
    assert [f["id"] for f in held["feedback"]] == [str(row.id)]
    assert held["feedback"][0]["text"].startswith("Anna") and held["feedback"][0]["notes"][0]["text"]
    json.dumps(held)  # JSON-able as it is
    before = len(_ops("feedback")), len(_ops("feedback_note"))
    feedback.erase_personal(sold["member"].id, now=NOW + dt.timedelta(days=30))
    kept = Feedback.get_by_id(row.id)
    assert (kept.text, kept.nps, kept.csat, kept.status, kept.sale_id) == ("", 3, 2, "resolved", sold["sale"].id)
    assert [n.text for n in FeedbackNote.select()] == [""]
    assert Feedback.get_by_id(other.id).text == "Great"
    assert "069000001" not in json.dumps(feedback.personal_data(sold["member"].id))
    # the hub hears of it: each erased row again, its text with a newer clock
    assert (len(_ops("feedback")), len(_ops("feedback_note"))) == (before[0] + 1, before[1] + 1)
    erased = _ops("feedback")[-1]
    assert erased["text"] == "" and erased["_clock"]["text"] > _ops("feedback")[0]["_clock"]["text"]
