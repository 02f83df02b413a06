"""Consent per channel: the old flag's meaning, one-action withdrawal, history, the migration's
data part, the sync (a withdrawal pulled from another shop holds here), personal data."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import peewee
import pytest

from models.schema import Consent, Member, MessageLog, Outbox, ReachPreference
from services.core.errors import InputError, PermissionDenied
from services.reach import consent
from tests.unit.shopkit import add_member

NOW = dt.datetime(2030, 3, 2, 10, 0)


def test_the_old_flag_stands_for_sms_and_email_until_a_channel_is_recorded(shop):
    from services.members import registry

    member, _ = registry.register("Anna Petrova", "+79990000001", None, True, actor=shop["cashier"])
    reach = consent.state(member)
    assert reach.allows("sms") and reach.allows("email")
    assert not reach.allows("call") and not reach.allows("messenger")
    assert reach.channels["sms"].source == "flag" and reach.channels["sms"].at is None
    plain, _ = add_member("Boris", shop["cashier"], "+79990000002")
    assert not any(consent.state(plain).allows(c) for c in ("sms", "email", "call", "messenger"))


def test_withdrawal_is_one_action_keeps_history_and_clears_the_flag(shop):
    member, _ = add_member("Vera", shop["cashier"], "+79990000003")
    assert consent.record(member, {"sms": True, "call": True}, source="till", actor=shop["cashier"], now=NOW) == 2
    assert Member.get_by_id(member.id).marketing_consent is True  # sms granted: the flag follows
    assert consent.record(member, {"sms": True}, source="till", actor=shop["cashier"], now=NOW) == 0  # already so
    later = NOW + dt.timedelta(days=3)
    written = consent.withdraw_all(member, source="cli", actor=shop["manager"], now=later)
    assert written == 2  # sms and call were granted; e-mail and messenger never were
    reach = consent.state(member)
    assert not any(reach.allows(c) for c in ("sms", "email", "call", "messenger"))
    assert reach.channels["sms"].at == later and reach.channels["sms"].staff_name == "Manager"
    assert Member.get_by_id(member.id).marketing_consent is False
    history = consent.history(member)
    assert {(h["channel"], h["granted"], h["staff"]) for h in history[:2]} == {("sms", False, "Manager"),
                                                                              ("call", False, "Manager")}
    assert len(history) == 4
    kinds = [row.kind for row in Outbox.select().order_by(Outbox.seq)]
    assert kinds.count("consent") == 4


def test_a_flag_granted_member_withdrawing_sms_keeps_email_and_the_flag(shop):
    from services.members import registry

    member, _ = registry.register("Gleb", "+79990000004", None, True, actor=shop["cashier"])
    consent.record(member, {"sms": False}, source="form", actor=shop["cashier"], now=NOW)
    reach = consent.state(member)
    assert not reach.allows("sms") and reach.allows("email")
    assert Member.get_by_id(member.id).marketing_consent is True


def test_bad_channel_source_frequency_and_role_are_refused(shop, empty_db):
    member, _ = add_member("Dina", shop["cashier"])
    with pytest.raises(InputError) as caught:
        consent.record(member, {"fax": True}, source="till", actor=shop["cashier"])
    assert caught.value.code == "reach_channel" and "fax" in str(caught.value)
    with pytest.raises(InputError):
        consent.record(member, {"sms": True}, source="pigeon", actor=shop["cashier"])
    with pytest.raises(InputError) as caught:
        consent.set_preference(member, preferred="sms", max_per_30d=-1, source="till", actor=shop["cashier"])
    assert caught.value.code == "reach_frequency_bad"
    with pytest.raises(PermissionDenied):
        consent.record(member, {"sms": True}, source="till", actor=None)
    assert Consent.select().count() == 0


def test_preference_rows_only_on_change_and_latest_holds(shop):
    member, _ = add_member("Egor", shop["cashier"])
    assert consent.set_preference(member, preferred="email", max_per_30d=2, source="till", actor=shop["cashier"], now=NOW)
    assert not consent.set_preference(member, preferred="email", max_per_30d=2, source="till", actor=shop["cashier"])
    assert consent.set_preference(member, preferred=None, max_per_30d=None, source="till", actor=shop["cashier"],
                                  now=NOW + dt.timedelta(hours=1))
    reach = consent.state(member)
    assert (reach.preferred, reach.max_per_30d) == (None, None)
    assert ReachPreference.select().count() == 2


def test_a_withdrawal_pulled_from_another_shop_holds_here(shop):
    """Shop B withdrew SMS after shop A's grant: the row pulled from the hub is added to the
    history here and, being the latest, decides."""
    from services.core.serialize import as_columns
    from services.sync.client import apply_pulled

    member, _ = add_member("Zoya", shop["cashier"], "+79990000005")
    consent.record(member, {"sms": True}, source="till", actor=shop["cashier"], now=NOW)
    theirs = dict(id=uuid.uuid4(), member=member.id, channel="sms", granted=False, source="till", staff=uuid.uuid4(),
                  staff_name="Cashier in shop B", created_at=NOW + dt.timedelta(hours=2))
    doc = json.loads(json.dumps(as_columns(Consent, theirs)))
    apply_pulled([{"kind": "consent", "id": doc["id"], "doc": doc, "clocks": {}}], 1)
    apply_pulled([{"kind": "consent", "id": doc["id"], "doc": doc, "clocks": {}}], 2)  # a replay changes nothing
    reach = consent.state(member)
    assert not reach.allows("sms")
    assert reach.channels["sms"].staff_name == "Cashier in shop B"
    assert Consent.select().where(Consent.member == member.id).count() == 2


def test_the_flags_grants_written_down_lose_to_a_withdrawal_made_elsewhere_earlier(shop):
    """Shop B writes the flag's grants down (its first recorded channel) after a sale there moved
    `updated_at`; shop A's withdrawal, made before that sale, arrives later: it still holds, and
    a row at the very moment of registration outranks the flag's too."""
    from services.core.serialize import as_columns
    from services.members import registry
    from services.sync.client import apply_pulled

    member, _ = registry.register("Raisa", "+79990000009", None, True, actor=shop["cashier"], now=NOW)
    Member.update(updated_at=NOW + dt.timedelta(days=1, hours=2)).where(Member.id == member.id).execute()  # a sale
    consent.record(member, {"call": True}, source="till", actor=shop["cashier"], now=NOW + dt.timedelta(days=2))
    flags = Consent.select().where(Consent.source == "flag")
    assert sorted((c.channel, c.created_at) for c in flags) == [("email", NOW), ("sms", NOW)]

    def pulled(channel: str, at: dt.datetime) -> None:
        theirs = dict(id=uuid.uuid4(), member=member.id, channel=channel, granted=False, source="till",
                      staff=uuid.uuid4(), staff_name="Cashier in shop A", created_at=at)
        doc = json.loads(json.dumps(as_columns(Consent, theirs)))
        apply_pulled([{"kind": "consent", "id": doc["id"], "doc": doc, "clocks": {}}], 1)

    pulled("sms", NOW + dt.timedelta(days=1, hours=1))
    pulled("email", NOW)  # at the same instant as the flag's row: the real one wins
    reach = consent.state(member)
    assert not reach.allows("sms") and not reach.allows("email") and reach.allows("call")


def test_the_migration_turns_the_flag_into_sms_and_email_consent(tmp_path):
    from models.migrations import MIGRATIONS, migrate

    path = tmp_path / "old.db"
    database = peewee.SqliteDatabase(str(path))
    database.connect()
    before_consent = [step.__name__ for step in MIGRATIONS].index("_m16_consent")
    migrate(database, path, MIGRATIONS[:before_consent])
    for n, flag in enumerate((1, 0, 1)):
        database.execute_sql(
            'INSERT INTO "member" (id, name, name_key, phone, birthday, marketing_consent, tier, balance, created_at,'
            " updated_at) VALUES (?, ?, ?, NULL, NULL, ?, '', 0, ?, ?)",
            [uuid.UUID(int=n + 1).bytes, f"M{n}", f"m{n}", flag, "2029-01-01 10:00:00", "2029-02-0%d 10:00:00" % (n + 1)])
    migrate(database, path)
    rows = database.execute_sql("SELECT member_id, channel, granted, source, created_at FROM consent ORDER BY member_id,"
                                " channel").fetchall()
    ids = database.execute_sql("SELECT id FROM consent").fetchall()
    database.close()
    assert [(bytes(m), c, g, s) for m, c, g, s, _ in rows] == [
        (uuid.UUID(int=1).bytes, "email", 1, "migration"), (uuid.UUID(int=1).bytes, "sms", 1, "migration"),
        (uuid.UUID(int=3).bytes, "email", 1, "migration"), (uuid.UUID(int=3).bytes, "sms", 1, "migration")]
    assert rows[0][4] == "2029-01-01 10:00:00"  # dated when the member registered: any real row outranks it
    assert all(bytes(i)[:6] == bytes(6) for (i,) in ids)  # zero-time ids: they lose ties too


def test_personal_data_and_erase(shop):
    member, _ = add_member("Irina", shop["cashier"], "+79990000006")
    consent.record(member, {"sms": True, "email": True}, source="till", actor=shop["cashier"], now=NOW)
    MessageLog.create(member=member.id, label="export", channel="sms", address="+79990000006",
                      message="Irina, hello", created_at=NOW)
    data = consent.personal_data(member.id)
    json.dumps(data)
    assert data["consent"]["channels"]["sms"]["granted"] is True
    assert data["messages"][0]["address"] == "+79990000006"
    consent.erase_personal(member.id, now=NOW + dt.timedelta(days=1))
    after = consent.personal_data(member.id)
    assert not any(c["granted"] for c in after["consent"]["channels"].values())
    assert after["messages"][0]["address"] == "" and after["messages"][0]["message"] == ""
    assert after["messages"][0]["at"] == data["messages"][0]["at"]  # the date stays: the counts need it


def test_saving_unchanged_consent_writes_nothing(shop):
    """The member dialog saves every channel each time: a flag member whose boxes were left as they
    were gets no row, and the flag keeps speaking for them."""
    from services.members import registry

    member, _ = registry.register("Lev", "+79990000007", None, True, actor=shop["cashier"])
    same = {"sms": True, "email": True, "call": False, "messenger": False}
    assert consent.record(member, same, source="till", actor=shop["cashier"], now=NOW) == 0
    assert Consent.select().count() == 0 and consent.state(member).channels["sms"].source == "flag"
    assert consent.record(member, {**same, "email": False}, source="till", actor=shop["cashier"], now=NOW) == 1
    sources = sorted((c.channel, c.granted, c.source) for c in Consent.select())
    assert sources == [("email", False, "till"), ("email", True, "flag"), ("sms", True, "flag")]
