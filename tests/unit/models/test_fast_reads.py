"""The hand-written hot paths read rows exactly as peewee's own queries do."""
import datetime as dt
import pickle
import uuid

from models import db
from models.db import fetch_model
from models.schema import Card, Member, new_id, utcnow, uuid_from_bytes


def test_uuid_from_bytes_is_the_uuid_the_module_builds():
    for _ in range(50):
        raw = new_id().bytes
        fast, slow = uuid_from_bytes(raw), uuid.UUID(bytes=raw)
        assert (fast, hash(fast), str(fast), repr(fast)) == (slow, hash(slow), str(slow), repr(slow))
        assert fast.is_safe == slow.is_safe and fast.version == slow.version == 7
        assert pickle.loads(pickle.dumps(fast)) == slow


def test_fetch_model_builds_the_member_peewee_builds(shop):
    now = utcnow()
    member = Member.create(name="Ann Lee", name_key="ann lee", phone=None, birthday=dt.date(1990, 2, 28),
                           marketing_consent=True, tier="silver", balance=-5, created_at=now, updated_at=now)
    Card.create(number="2700100000011", member=member, status="blocked", created_at=now)
    sql = ('SELECT m.*, c.status AS card_status FROM "card" c JOIN "member" m ON m.id = c.member_id '
           'WHERE c.number = ?')
    found = fetch_model(Member, sql, ("2700100000011",), extra=("card_status",))
    assert found is not None
    fast, extra = found
    slow = Member.get_by_id(member.id)
    assert fast.__data__ == slow.__data__ and extra == {"card_status": "blocked"}
    assert [type(v) for v in fast.__data__.values()] == [type(v) for v in slow.__data__.values()]
    assert fast.marketing_consent is True and fast.birthday == dt.date(1990, 2, 28) and fast.phone is None
    assert not fast.is_dirty()
    assert fetch_model(Member, sql, ("2700100000028",)) is None


def test_fetch_model_converts_a_value_sqlite_did_not_store_natively(shop):
    """A TEXT column holding a blob comes back as peewee would give it (decoded), not as bytes."""
    now = utcnow()
    member = Member.create(name="Bo", name_key="bo", created_at=now, updated_at=now)
    db.obj.execute_sql('UPDATE "member" SET tier = CAST(? AS BLOB) WHERE id = ?', ("gold", member.id.bytes))
    assert db.obj.execute_sql('SELECT typeof(tier) FROM "member" WHERE id = ?', (member.id.bytes,)).fetchone() == ("blob",)
    fast, _ = fetch_model(Member, 'SELECT * FROM "member" WHERE id = ?', (member.id.bytes,))
    assert fast.tier == "gold" == Member.get_by_id(member.id).tier
