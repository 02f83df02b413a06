"""PINs: argon2id hashes, lengths by role, old hashes replaced, the sign-in lockout."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from models.schema import Staff
from services.core.errors import InputError
from services.journal import audit
from services.shop import staff as auth

T0 = dt.datetime(2026, 11, 28, 9, 0)


def test_a_pin_is_stored_as_an_argon2id_hash(shop):
    stored = bytes(Staff.get(Staff.role == "cashier").pin_hash)
    assert stored.startswith(b"$argon2id$v=19$m=65536,t=4,p=1$")
    assert b"3333" not in stored


def test_signing_in_names_the_person(shop):
    assert auth.login("3333", shop["cashier"], now=T0).id == shop["cashier"].id
    with pytest.raises(InputError) as wrong:
        auth.login("3333", shop["manager"], now=T0)  # the cashier's PIN is not the manager's
    assert wrong.value.code == "pin_wrong"


def test_without_a_person_each_is_tried(shop):
    assert auth.login("222222", now=T0).role == "manager"


@pytest.mark.parametrize("role, pin, ok", [
    ("cashier", "1234", True), ("cashier", "123", False),
    ("manager", "12345", False), ("manager", "123456", True),
    ("owner", "1234", False), ("owner", "12345678", True), ("owner", "123456789", False),
    ("owner", "12a456", False),
])
def test_pin_length_by_role(shop, role, pin, ok):
    if ok:
        assert auth.add_staff("New", role, pin).role == role
    else:
        with pytest.raises(InputError) as refused:
            auth.add_staff("New", role, pin)
        assert refused.value.code == "pin_shape_role"
        assert Staff.select().where(Staff.name == "New").count() == 0


def test_an_old_pbkdf2_hash_is_verified_once_and_replaced(shop):
    salt = b"0123456789abcdef"
    old = hashlib.pbkdf2_hmac("sha256", b"1111", salt, 20_000)
    owner = shop["owner"]
    Staff.update(pin_hash=old, pin_salt=salt).where(Staff.id == owner.id).execute()
    person = auth.login("1111", Staff.get_by_id(owner.id), now=T0)
    assert auth.pin_too_short(person, "1111")  # the window asks this owner for a new PIN
    stored = bytes(Staff.get_by_id(owner.id).pin_hash)
    assert stored.startswith(b"$argon2id$")
    assert auth.login("1111", Staff.get_by_id(owner.id), now=T0).id == owner.id  # still the same PIN
    auth.change_pin(person, "654321")
    assert not auth.pin_too_short(person, "654321")
    with pytest.raises(InputError):
        auth.login("1111", Staff.get_by_id(owner.id), now=T0)
    assert [e.action for e in audit.entries(action="pin_changed")] == ["pin_changed"]


def wrong(person, now):
    with pytest.raises(InputError) as refused:
        auth.login("0000", person, now=now)
    return refused.value


def test_five_wrong_pins_lock_sign_in_with_a_growing_delay(shop):
    cashier = shop["cashier"]
    for _ in range(4):
        assert wrong(cashier, T0).code == "pin_wrong"
    assert auth.seconds_locked(T0) == 0
    assert wrong(cashier, T0).code == "pin_wrong"  # the fifth: now locked for 30 s
    assert auth.seconds_locked(T0) == 30
    locked = wrong(cashier, T0 + dt.timedelta(seconds=10))
    assert (locked.code, locked.params["seconds"]) == ("sign_in_locked", 20)
    # Even the right PIN waits.
    with pytest.raises(InputError) as still:
        auth.login("3333", cashier, now=T0 + dt.timedelta(seconds=29))
    assert still.value.code == "sign_in_locked"
    t1 = T0 + dt.timedelta(seconds=30)
    assert wrong(cashier, t1).code == "pin_wrong"  # the sixth: 1 minute
    assert auth.seconds_locked(t1) == 60
    t2 = t1 + dt.timedelta(seconds=60)
    wrong(cashier, t2)
    assert auth.seconds_locked(t2) == 120
    assert [auth.lock_seconds(n) for n in (4, 5, 6, 7, 8, 9, 10, 11, 40)] == [0, 30, 60, 120, 240, 480, 900, 900, 900]
    # Each failure and each lock is in the audit log, naming who was tried.
    failed = audit.entries(action="sign_in_failed")
    assert len(failed) == 7 and {e.target for e in failed} == {cashier.name}
    assert [e.details["seconds"] for e in audit.entries(action="sign_in_locked")] == [120, 60, 30]
    # A right PIN once open clears the count.
    t3 = t2 + dt.timedelta(seconds=120)
    assert auth.login("3333", cashier, now=t3).id == cashier.id
    assert auth.guard(cashier).failures == 0
    assert wrong(cashier, t3).code == "pin_wrong" and auth.seconds_locked(t3) == 0


def test_the_lock_outlives_a_restart(shop, empty_db):
    from models import db, open_database

    for _ in range(5):
        wrong(shop["cashier"], T0)
    db.obj.close()
    db.initialize(None)
    open_database(empty_db)
    assert auth.seconds_locked(T0 + dt.timedelta(seconds=5)) == 25


def test_a_lock_from_before_per_person_counts_still_holds(shop):
    from models.schema import Setting

    Setting.insert(key=auth.GUARD_KEY, value='{"failures": 5, "locked_until": "2026-11-28T09:00:30"}'
                   ).on_conflict_replace().execute()
    with pytest.raises(InputError) as locked:
        auth.login("3333", shop["cashier"], now=T0)
    assert locked.value.code == "sign_in_locked"
    assert auth.login("3333", shop["cashier"], now=T0 + dt.timedelta(seconds=30)).id == shop["cashier"].id


def test_the_lock_is_this_tills_own_and_never_synced():
    from services.sync.client import LOCAL_KEYS

    assert auth.GUARD_KEY in LOCAL_KEYS


def test_a_cashiers_own_pin_never_clears_the_owners_count(shop):
    """The adversary's loop: four wrong PINs naming nobody, then the cashier's own
    right one, again and again; it used to reset the count every time."""
    cashier, owner = shop["cashier"], shop["owner"]
    for _ in range(4):
        assert wrong(None, T0).code == "pin_wrong"
    assert auth.login("3333", now=T0).id == cashier.id  # found the cashier: only their count clears
    assert auth.guard(cashier).failures == 0 and auth.guard(owner).failures == 4
    assert wrong(None, T0).code == "pin_wrong"  # the fifth against the owner (and the manager)
    assert auth.seconds_locked(T0, owner) == 30
    assert auth.seconds_locked(T0, cashier) == 0  # the cashier had one wrong PIN since their success
    with pytest.raises(InputError) as locked:
        auth.login("111111", owner, now=T0 + dt.timedelta(seconds=5))
    assert locked.value.code == "sign_in_locked"
    # Naming the owner counts for the owner alone; the cashier's sign-in is untouched by it.
    later = T0 + dt.timedelta(seconds=30)
    assert wrong(owner, later).code == "pin_wrong"
    assert auth.guard(owner).failures == 6 and auth.guard(cashier).failures == 1
    assert auth.login("3333", cashier, now=later).id == cashier.id
    assert auth.guard(owner).failures == 6
    # The owner's own right PIN, once open, clears the owner's count.
    open_again = later + dt.timedelta(seconds=60)
    assert auth.login("111111", owner, now=open_again).id == owner.id
    assert auth.guard(owner).failures == 0


def test_a_pin_naming_nobody_gives_the_others_their_attempt_back(shop):
    """Every command line call without --staff tries each person: a right PIN must not
    count against the ones tried on the way."""
    for _ in range(6):
        assert auth.login("222222", now=T0).role == "manager"
    assert auth._load() == {}


def test_parallel_attempts_serialise_on_the_count(shop):
    """Twenty processes at once were all checked: the count is now taken before the hash,
    in a write transaction, so at most five of these are ever checked."""
    import threading

    from models import db

    cashier = shop["cashier"]
    start = threading.Barrier(8)
    codes: list[str] = []

    def attempt() -> None:
        start.wait()
        try:
            auth.login("0000", cashier, now=T0)
        except InputError as refused:
            codes.append(refused.code)
        finally:
            db.obj.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == ["pin_wrong"] * 5 + ["sign_in_locked"] * 3
    assert auth.guard(cashier).failures == 5


def test_a_clock_moved_back_keeps_the_lock(shop):
    """An attempt made with the clock set ahead, then the clock put back: the count
    has not gone, and the till refuses until the delay it earned has passed from now."""
    cashier = shop["cashier"]
    ahead = T0 + dt.timedelta(days=1)
    for _ in range(3):
        wrong(cashier, ahead)
    back = T0 + dt.timedelta(minutes=5)
    with pytest.raises(InputError) as refused:
        auth.login("3333", cashier, now=back)  # even the right PIN is not checked
    assert (refused.value.code, refused.value.params["seconds"]) == ("sign_in_locked", 30)
    assert auth.seconds_locked(back + dt.timedelta(seconds=10), cashier) == 20
    (entry,) = audit.entries(action="sign_in_locked")
    assert entry.details["clock_moved_back"] is True
    # Once the earned delay has passed from the moment the clock was found moved back, it opens.
    assert auth.login("3333", cashier, now=back + dt.timedelta(seconds=30)).id == cashier.id
    # A small step back (a clock corrected by a few seconds) is no lock.
    wrong(cashier, back + dt.timedelta(seconds=40))
    assert auth.login("3333", cashier, now=back + dt.timedelta(seconds=20)).id == cashier.id
