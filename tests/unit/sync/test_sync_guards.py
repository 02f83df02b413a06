"""What the till takes from a hub: a hub address only once it answered, and
never a rule set its own checks refuse."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest

from models.schema import RuleSet, Setting, utcnow
from services.programme import rules as rules_service
from services.programme.rules import default_rules, to_dict
from services.sync import client as sync
from services.sync.client import SyncError
from tests.unit.sync.fakehub import URL, FakeHub


@pytest.mark.parametrize("fault,code", [("down", "sync_unreachable"), ("timeout", "sync_unreachable"),
                                        (None, "sync_unauthorised")])
def test_a_hub_that_does_not_answer_is_not_remembered(shop, fault, code):
    hub = FakeHub()
    if fault:
        hub.fail("whoami", fault)
    with pytest.raises(SyncError) as refused:
        sync.join(URL, hub.token if fault else "mistyped-token", http=hub.http())
    assert refused.value.code == code
    assert sync.configured() is None
    assert Setting.get_or_none(Setting.key == "sync_hub_url") is None


@pytest.mark.parametrize("url,token,code", [
    (URL, "²", "sync_token_shape"), (URL, "tok en", "sync_token_shape"), (URL, "", "sync_token_shape"),
    ("10.0.0.5:8765", "token", "sync_url_bad"), ("http://", "token", "sync_url_bad"),
])
def test_a_mistyped_hub_or_token_is_a_sentence_and_not_remembered(shop, url, token, code):
    hub = FakeHub()
    with pytest.raises(SyncError) as refused:
        sync.join(url, token, http=hub.http())
    assert refused.value.code == code and not hub.received
    assert sync.configured() is None


def test_a_hub_that_answers_is_remembered(shop):
    hub = FakeHub()
    client = sync.join(URL + "/ ", f" {hub.token}\n", http=hub.http())
    client.close()
    assert sync.configured() == (URL, hub.token)


def test_a_configured_till_keeps_its_hub_when_a_new_address_fails(shop):
    good = FakeHub()
    sync.join(URL, good.token, http=good.http()).close()
    bad = FakeHub(down=True)
    with pytest.raises(SyncError):
        sync.join("http://10.0.0.99:8765", good.token, http=bad.http())
    assert sync.configured() == (URL, good.token)


def _rule_set_change(hub: FakeHub, version: int, **changes) -> str:
    row_id = str(uuid.uuid4())
    body = to_dict(dataclasses.replace(default_rules(), name=f"v{version}", **changes))
    hub.publish("rule_set", row_id, {
        "id": row_id, "version": version, "name": f"v{version}", "status": "active",
        "body": json.dumps(body, sort_keys=True), "effective_from": utcnow().isoformat(),
        "created_at": utcnow().isoformat(),
    })
    return row_id


@pytest.mark.parametrize("bad", [{"tier_window_days": 10**12}, {"expiry_days": 10**12}, {"pending_days": 10**9},
                                 {"welcome_points": 2**63 - 1}])
def test_a_pulled_rule_set_the_till_would_refuse_is_skipped_and_the_previous_stays(shop, bad):
    hub = FakeHub()
    before = rules_service.active_rules()
    bad_id = _rule_set_change(hub, 50, **bad)
    sync.pull_all(hub.client())
    assert RuleSet.get_or_none(RuleSet.id == uuid.UUID(bad_id)) is None
    now = utcnow() + dt.timedelta(minutes=1)
    assert rules_service.active_rules(now).version == before.version
    good_id = _rule_set_change(hub, 51, earn_bp=700)  # a sound one after it is taken
    sync.pull_all(hub.client())
    assert RuleSet.get_or_none(RuleSet.id == uuid.UUID(good_id)) is not None
    assert rules_service.active_rules(now).earn_bp == 700
