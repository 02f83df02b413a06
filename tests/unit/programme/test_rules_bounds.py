"""A rules file is checked against bounds, so nothing in it can overflow a date
or a sum later; its format and its effective time's offset are honoured."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from models.schema import RuleSet
from services.core.errors import InputError
from services.programme import rules as rules_service
from services.programme.rules import (
    MAX_PENDING_DAYS, MAX_POINTS, MAX_WINDOW_DAYS, RulesInvalid, check, default_rules, export_document, loads, to_dict,
)


@pytest.mark.parametrize("field,value,code", [
    ("tier_window_days", 10**12, "rule_days_range"),
    ("expiry_days", 10**12, "rule_days_range"),
    ("pending_days", 10**9, "rule_days_range"),
    ("next_visit_days", 10**12, "rule_days_range"),
    ("tier_window_days", MAX_WINDOW_DAYS + 1, "rule_days_range"),
    ("pending_days", MAX_PENDING_DAYS + 1, "rule_days_range"),
    ("welcome_points", MAX_POINTS + 1, "rule_number_range"),
    ("point_value", 2**63 - 1, "rule_number_range"),
])
def test_numbers_past_their_bounds_are_refused_with_a_sentence(field, value, code):
    rules = dataclasses.replace(default_rules(), **{field: value})
    problems = check(rules)
    assert code in [p.code for p in problems]
    found = next(p for p in problems if p.code == code)
    assert found.params["field"] == field and str(found.params["max"]) in found.message


def test_the_bounds_themselves_are_allowed():
    rules = dataclasses.replace(default_rules(), tier_window_days=MAX_WINDOW_DAYS, expiry_days=MAX_WINDOW_DAYS,
                                pending_days=MAX_PENDING_DAYS, welcome_points=MAX_POINTS)
    assert check(rules) == []


def test_publishing_refuses_an_overflowing_window(shop):
    before = RuleSet.select().count()
    with pytest.raises(RulesInvalid) as refused:
        rules_service.publish(dataclasses.replace(default_rules(), tier_window_days=10**12))
    assert refused.value.code == "rule_days_range"
    assert RuleSet.select().count() == before


@pytest.mark.parametrize("text,detail", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"welcome_points": ' + "9" * 5000 + "}", "too many digits"),
])
def test_files_python_cannot_read_are_one_sentence(text, detail):
    with pytest.raises(InputError) as refused:
        loads(text)
    assert refused.value.code == "rules_file_bad" and detail in str(refused.value)


def test_an_unknown_format_is_refused_and_the_known_one_read():
    doc = json.loads(export_document(default_rules()))
    assert loads(json.dumps(doc)) == default_rules()
    for wrong in ("loyaltill-rules/2", "something-else", 7):
        with pytest.raises(InputError) as refused:
            loads(json.dumps(doc | {"format": wrong}))
        assert refused.value.code == "rules_format"
    with pytest.raises(InputError):  # a bare rule set with a stray format key
        loads(json.dumps(to_dict(default_rules()) | {"format": "nope"}))


def test_the_effective_time_keeps_its_offset(shop):
    when = dt.datetime.fromisoformat("2026-12-01T00:00+05:00")
    stored = rules_service.publish(default_rules(), when)
    row = RuleSet.get(RuleSet.version == stored.version)
    assert row.effective_from == dt.datetime(2026, 11, 30, 19, 0)
    naive = rules_service.publish(default_rules(), dt.datetime(2026, 12, 1))
    assert RuleSet.get(RuleSet.version == naive.version).effective_from == dt.datetime(2026, 12, 1)
    with pytest.raises(InputError) as refused:
        rules_service.publish(default_rules(), dt.datetime.fromisoformat("0001-01-01T00:00+05:00"))
    assert refused.value.code == "rules_effective_range"
