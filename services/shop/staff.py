"""Staff, PINs and roles.

Roles are enforced here, not by hiding buttons: a cashier may sell; a return,
a manual discount or a balance adjustment needs a manager's or the owner's
PIN (the actor's own, or one given to authorise it).

PINs are short, and every till holds every person's PIN hash (it must sign
people in with no network), so a copied till file is an offline guessing
game: the hash itself has to be costly.  It is argon2id with 64 MiB of memory
and 4 passes (`PIN_HASHER`).  Measured on the 2-core build machine: nearly
idle, 0.29-0.34 s per hash with 3 passes and 0.48-0.60 s with 6, so ~0.4 s
with 4; trying all 10^6 six-digit PINs of a manager or owner on both cores
takes 10^6 x 0.4 s / 2 ~ 2.3 days (7.7 to 14 days measured while the machine
was shared), and the four-digit PINs of cashiers (who may only sell) ~ 35
minutes.  Hence manager and owner
PINs have at least 6 digits.

Because each check costs that much, `login` is told who is signing in (the
window asks for the name first); only the command line, without `--staff`,
tries each person in turn.  PINs need not be unique any more: a uniqueness
check would cost a hash per person and would tell the one choosing a PIN
that somebody else has it.

Five wrong PINs in a row lock sign-in on this till for a growing delay
(30 s, 1 min, 2 min, ... up to 15 min); the count lives in the database so a
restart does not reset it, and each failure and lock is in the audit log.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from models.schema import Setting, Staff, utcnow
from services.core.errors import InputError, PermissionDenied
from services.core.storage import write_transaction
from services.journal import audit, authority

ROLES = ("cashier", "manager", "owner")
RANK = {"cashier": 0, "manager": 1, "owner": 2}
# The fewest digits a PIN of each role may have (at most 8 for all).
MIN_DIGITS = {"cashier": 4, "manager": 6, "owner": 6}
MAX_DIGITS = 8

# What each action needs at least.
ACTIONS = {
    "sell": "cashier",
    "register_member": "cashier",
    "park": "cashier",
    "print_cards": "cashier",
    "view_members": "cashier",
    "reprint_receipt": "cashier",
    "sync": "cashier",
    "return": "manager",
    "manual_discount": "manager",
    "adjust_balance": "manager",
    "block_card": "manager",
    "reserve_cards": "manager",
    "printer_settings": "manager",
    "edit_catalogue": "manager",
    "start_training": "manager",  # from the window; anyone may choose training at the sign-in
    "close_period": "manager",
    "shop_settings": "owner",
    "edit_rules": "owner",
    "manage_staff": "owner",
    "read_audit": "owner",
    "enrol_till": "owner",
}

# argon2id, RFC 9106's "second recommended" shape scaled to a till: see the module's docstring.
PIN_HASHER = argon2.PasswordHasher(time_cost=4, memory_cost=65536, parallelism=1, hash_len=32, salt_len=16,
                                   type=argon2.Type.ID)

# The hash PINs had before argon2 (verified once, then replaced at the next sign-in).
_LEGACY_ITERATIONS = 20_000

# Sign-in lockout: after LOCK_AFTER wrong PINs in a row, each further one locks for twice as long.
LOCK_AFTER = 5
LOCK_FIRST_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
GUARD_KEY = "sign_in_guard"  # a till-local setting (services/sync/client.py LOCAL_KEYS)
LAST_KEY = "last_sign_in"  # who signed in last on this till: preselected on the sign-in screen (local too)


def hash_pin(pin: str) -> bytes:
    """The argon2id encoded hash (parameters and salt inside), as stored in `pin_hash`."""
    return PIN_HASHER.hash(pin).encode("ascii")


def _matches(person: Staff, pin: str) -> bool:
    """The one costly comparison: argon2id, or a PBKDF2 hash from before."""
    stored = bytes(person.pin_hash)
    if stored.startswith(b"$argon2"):
        try:
            return PIN_HASHER.verify(stored.decode("ascii"), pin)
        except (VerificationError, InvalidHashError):
            return False
    legacy = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes(person.pin_salt or b""), _LEGACY_ITERATIONS)
    return hmac.compare_digest(legacy, stored)


def _needs_rehash(person: Staff) -> bool:
    stored = bytes(person.pin_hash)
    return not stored.startswith(b"$argon2") or PIN_HASHER.check_needs_rehash(stored.decode("ascii"))


def check_pin_shape(pin: str, role: str) -> None:
    if not pin.isdigit() or len(pin) > MAX_DIGITS:
        raise InputError("pin_shape_role", digits=MIN_DIGITS.get(role, 4))
    if len(pin) < MIN_DIGITS.get(role, 4):
        raise InputError("pin_shape_role", digits=MIN_DIGITS[role])


def pin_too_short(person: Staff, pin: str) -> bool:
    """A manager or owner still signing in with a PIN shorter than their role's minimum
    (set before the minimum existed): the window asks them for a new one."""
    return len(pin) < MIN_DIGITS[person.role]


def add_staff(name: str, role: str, pin: str) -> Staff:
    if role not in ROLES:
        raise InputError("bad_role")
    check_pin_shape(pin, role)
    pin_hash = hash_pin(pin)  # outside the write lock: it takes a good part of a second
    keys = authority.key_fields(role, pin)  # an owner's signing key, from the PIN (as costly)
    with write_transaction():
        person = Staff.create(name=name.strip(), role=role, pin_hash=pin_hash, pin_salt=b"", **keys)
        authority.sign_row("staff", str(person.id))  # the owner's authority, for the hub (no-op without it)
        return person


def change_pin(person: Staff, new_pin: str, *, by: Staff | None = None) -> None:
    """A new PIN for `person` (their own choice at sign-in, or the owner's).  An
    owner's signing key follows from the PIN, so it changes too; the change is
    signed with the key held now (the hub trusts the new key from that)."""
    check_pin_shape(new_pin, person.role)
    pin_hash = hash_pin(new_pin)
    keys = authority.key_fields(person.role, new_pin)
    with write_transaction():
        Staff.update(pin_hash=pin_hash, pin_salt=b"", **keys).where(Staff.id == person.id).execute()
        audit.record("pin_changed", by or person, target=person.name)
        authority.sign_row("staff", str(person.id))
    person.pin_hash, person.pin_salt = pin_hash, b""
    for name, value in keys.items():
        setattr(person, name, value)
    if by is None or by.id == person.id:  # their own new PIN: hold the key it gives from now on
        authority.unlock(person, new_pin)


# --- the lockout -------------------------------------------------------------------------

@dataclass(frozen=True)
class Guard:
    failures: int  # wrong PINs in a row on this till
    locked_until: dt.datetime | None


def guard() -> Guard:
    row = Setting.get_or_none(Setting.key == GUARD_KEY)
    if row is None:
        return Guard(0, None)
    value = json.loads(row.value)
    until = value.get("locked_until")
    return Guard(int(value.get("failures", 0)), dt.datetime.fromisoformat(until) if until else None)


def _save_guard(value: Guard) -> None:
    text = json.dumps({"failures": value.failures,
                       "locked_until": value.locked_until.isoformat() if value.locked_until else None})
    Setting.insert(key=GUARD_KEY, value=text).on_conflict_replace().execute()


def lock_seconds(failures: int) -> int:
    """How long sign-in stays locked after this many wrong PINs in a row (0: not locked)."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST_SECONDS * 2 ** min(failures - LOCK_AFTER, 16), LOCK_MAX_SECONDS)


def seconds_locked(now: dt.datetime) -> int:
    """Seconds until sign-in opens again (0: open now)."""
    until = guard().locked_until
    if until is None or until <= now:
        return 0
    return max(1, int((until - now).total_seconds() + 0.999))


def _refuse_if_locked(now: dt.datetime) -> None:
    wait = seconds_locked(now)
    if wait:
        raise InputError("sign_in_locked", seconds=wait, minutes=(wait + 59) // 60)


def _failed(person: Staff | None, now: dt.datetime) -> None:
    with write_transaction():
        failures = guard().failures + 1
        delay = lock_seconds(failures)
        until = now + dt.timedelta(seconds=delay) if delay else None
        _save_guard(Guard(failures, until))
        audit.record("sign_in_failed", None, target=person.name if person else "", now=now, failures=failures)
        if delay:
            audit.record("sign_in_locked", None, target=person.name if person else "", now=now,
                         failures=failures, seconds=delay)


def _succeeded(person: Staff, pin: str) -> None:
    new_hash = hash_pin(pin) if _needs_rehash(person) else None
    if new_hash is None and guard().failures == 0 and last_signed_in() == str(person.id):
        return  # the usual sign-in writes nothing
    with write_transaction():
        _save_guard(Guard(0, None))
        Setting.insert(key=LAST_KEY, value=json.dumps(str(person.id))).on_conflict_replace().execute()
        if new_hash is not None:  # an old PBKDF2 hash (or weaker argon2 parameters): replaced once
            Staff.update(pin_hash=new_hash, pin_salt=b"").where(Staff.id == person.id).execute()
            person.pin_hash, person.pin_salt = new_hash, b""


# --- signing in ------------------------------------------------------------------------

def last_signed_in() -> str | None:
    """The id of whoever signed in last on this till."""
    row = Setting.get_or_none(Setting.key == LAST_KEY)
    return json.loads(row.value) if row else None


def signable_staff() -> list[Staff]:
    """Who can sign in at this till, for the sign-in screen's name buttons."""
    order = {role: rank for role, rank in RANK.items()}
    people = list(Staff.select().where(Staff.active == True))  # noqa: E712
    return sorted(people, key=lambda p: (order[p.role], p.name.casefold()))


def login(pin: str, person: Staff | None = None, *, now: dt.datetime | None = None,
          at_least: str = "cashier") -> Staff:
    """The active staff member with this PIN: THE place a PIN is checked for a person.

    `person` is who is signing in (the window's name buttons, `--staff`); without it
    each active person is tried, the lowest role first, so two people sharing a PIN
    give the lesser role (`at_least`: only those of that role or above, as when a
    manager's PIN authorises a return).  Refused while sign-in is locked; a wrong
    PIN counts towards the lock and is written to the audit log."""
    now = now or utcnow()
    _refuse_if_locked(now)
    if person is not None:
        fresh = Staff.get_or_none((Staff.id == person.id) & (Staff.active == True))  # noqa: E712
        candidates = [fresh] if fresh is not None else []
    else:
        candidates = [p for p in signable_staff() if RANK[p.role] >= RANK[at_least]]
    found = None
    if pin.isdigit() and len(pin) <= MAX_DIGITS:
        found = next((c for c in candidates if _matches(c, pin)), None)
    if found is None:
        _failed(person, now)
        raise InputError("pin_wrong")
    _succeeded(found, pin)
    authority.unlock(found, pin)  # an owner's signing key lives in memory while they are signed in
    return found


def may(person: Staff | None, action: str) -> bool:
    if person is None:
        return False
    return RANK[person.role] >= RANK[ACTIONS[action]]


def require(actor: Staff | None, action: str, authoriser: Staff | None = None) -> Staff:
    """Return who authorised the action, or raise PermissionDenied."""
    if may(actor, action):
        return actor  # type: ignore[return-value]
    if may(authoriser, action):
        return authoriser  # type: ignore[return-value]
    needed = ACTIONS[action]
    raise PermissionDenied("needs_role", role=needed, action=action)


def first_of_role(role: str) -> Staff | None:
    """An active person with this role (the start-up probe signs in as a cashier)."""
    return Staff.select().where((Staff.role == role) & (Staff.active == True)).first()  # noqa: E712


# --- managing the staff (the owner) ---------------------------------------------------
# Every change is written with its audit line in one transaction.  The shop must
# always keep an active owner: the last one can be neither disabled nor demoted.
# (The audit log lives in services.journal, below this package.)

def everyone() -> list[Staff]:
    """All staff, the disabled too, active first, then by name (the staff page)."""
    return list(Staff.select().order_by(Staff.active.desc(), Staff.name))


def find_by_name(name: str) -> Staff:
    """One person by name (the command line names people); active before disabled."""
    person = (Staff.select().where(Staff.name == name.strip())
              .order_by(Staff.active.desc()).first())
    if person is None:
        raise InputError("staff_unknown", name=name.strip())
    return person


def _check_name(name: str, keep: Staff | None = None) -> str:
    name = name.strip()
    if not name:
        raise InputError("staff_name_empty")
    if len(name) > 60:
        raise InputError("staff_name_long")
    # "Ana Rusu", "ana rusu" and "ANA  RUSU" are one person on the sign-in screen.
    key = " ".join(name.casefold().split())
    others = Staff.select(Staff.id, Staff.name).where(Staff.active == True)  # noqa: E712
    if keep is not None:
        others = others.where(Staff.id != keep.id)
    for other in others:
        if " ".join(other.name.casefold().split()) == key:
            raise InputError("staff_name_taken", name=other.name)
    return name


def _other_active_owners(person: Staff) -> int:
    return (Staff.select().where((Staff.role == "owner") & (Staff.active == True) & (Staff.id != person.id))  # noqa: E712
            .count())


def _fresh(person: Staff) -> Staff:
    """The row as it is now (a page may hold an old copy)."""
    found = Staff.get_or_none(Staff.id == person.id)
    if found is None:
        raise InputError("staff_unknown", name=person.name)
    return found


def hire(actor: Staff | None, name: str, role: str, pin: str) -> Staff:
    """A new person at the till, added by the owner."""
    require(actor, "manage_staff")
    if role not in ROLES:
        raise InputError("bad_role")
    _check_name(name)
    check_pin_shape(pin, role)
    pin_hash = hash_pin(pin)  # the costly hashes before the write lock, never under it
    keys = authority.key_fields(role, pin)
    with write_transaction():
        name = _check_name(name)
        person = Staff.create(name=name, role=role, pin_hash=pin_hash, pin_salt=b"", **keys)
        audit.record("staff_added", actor, target=person.name, role=role)
        authority.sign_row("staff", str(person.id))
    return person


def rename(actor: Staff | None, person: Staff, name: str) -> Staff:
    require(actor, "manage_staff")
    with write_transaction():
        person = _fresh(person)
        new = _check_name(name, keep=person)
        if new != person.name:
            old = person.name
            person.name = new
            person.save()
            audit.record("staff_changed", actor, target=new, name_before=old)
            authority.sign_row("staff", str(person.id))
    return person


def change_role(actor: Staff | None, person: Staff, role: str) -> Staff:
    require(actor, "manage_staff")
    if role not in ROLES:
        raise InputError("bad_role")
    with write_transaction():
        person = _fresh(person)
        if person.role == role:
            return person
        if person.role == "owner" and person.active and not _other_active_owners(person):
            raise InputError("last_owner", name=person.name)
        before = person.role
        person.role = role
        if role != "owner":  # no longer signs for the chain (a new owner gets a key at their first sign-in)
            person.sign_key = person.key_salt = None
        person.save()
        audit.record("role_changed", actor, target=person.name, role_before=before, role=role)
        authority.sign_row("staff", str(person.id))
    return person


def disable(actor: Staff | None, person: Staff) -> Staff:
    """The person can no longer sign in; their sales keep their name."""
    require(actor, "manage_staff")
    with write_transaction():
        person = _fresh(person)
        if not person.active:
            return person
        if actor is not None and person.id == actor.id:
            raise InputError("staff_disable_self")
        if person.role == "owner" and not _other_active_owners(person):
            raise InputError("last_owner", name=person.name)
        person.active = False
        person.save()
        audit.record("staff_disabled", actor, target=person.name, role=person.role)
        authority.sign_row("staff", str(person.id))
    return person


def enable(actor: Staff | None, person: Staff) -> Staff:
    """Back at the till with the PIN they had."""
    require(actor, "manage_staff")
    with write_transaction():
        person = _fresh(person)
        if person.active:
            return person
        _check_name(person.name, keep=person)
        person.active = True
        person.save()
        audit.record("staff_changed", actor, target=person.name, active=True)
        authority.sign_row("staff", str(person.id))
    return person


def reset_pin(actor: Staff | None, person: Staff, pin: str) -> Staff:
    """A new PIN the owner gives the person (a forgotten one is never shown: it is not stored)."""
    require(actor, "manage_staff")
    person = _fresh(person)
    change_pin(person, pin, by=actor)
    return person
