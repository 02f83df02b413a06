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

Five wrong PINs for a person lock their sign-in for a growing delay
(30 s, 1 min, 2 min, ... up to 15 min); the count is per person tried (see
"the lockout" below for why, and how parallel attempts and a moved clock are
handled), lives in the database so a restart does not reset it, and each
failure and lock is in the audit log.
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
    "view_figures": "manager",  # the owner's figures, customers' segments and profiles (services.insights)
    "view_reminders": "manager",  # whom to call: occasions, birthdays, overdue visits (services.reach.reminders)
    "run_campaigns": "manager",  # segment exports for sending and campaigns (services.reach)
    "handle_complaints": "manager",  # customers' complaints: read, follow up, move on (services.reach.feedback)
    "shop_settings": "owner",
    "edit_rules": "owner",
    "manage_staff": "owner",
    "read_audit": "owner",
    "enrol_till": "owner",
    "import_data": "owner",  # members, balances, catalogue and history from a file (services.imports)
    "privacy": "owner",  # a member's personal data: export it all, or erase it (services.reach.privacy)
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
# Counted per person tried, in one setting: {"<staff id>": {"failures": n, "last": iso,
# "until": iso | null}}.  Why each part is as it is:
#
# - Per person, not per till: a success proves only that person's PIN, so it clears only
#   their count (a cashier's own PIN must not reset the owner's).  An attempt that names
#   nobody (the command line without --staff, the window's "a manager authorises") tries
#   every candidate, so it counts against each of them; when it finds someone, that person's
#   count is cleared and the others get their attempt back.
# - Counted before the PIN is checked, in one write transaction (BEGIN IMMEDIATE): the lock
#   is checked and the attempt added as a failure, then the costly hash runs outside the
#   lock, then a success takes it back.  Twenty processes started at once therefore
#   serialise on the count: the sixth sees five attempts and is refused before any hash.
#   A crash between the two leaves the attempt counted (the safe side).
# - Wall time, with the clock watched: the lock is stored as a wall time (a restart keeps
#   it) and each person's last attempt with it.  A clock that reads more than CLOCK_SKEW
#   before that last attempt has been moved back (or was moved forward for an attempt and
#   back again): that person's sign-in is locked again for the delay their count has earned,
#   measured from now, without checking the PIN.  A clock moved forward past a lock still
#   opens it for one attempt, but the count only grows (it clears on a success alone), so
#   each jump buys one guess and a longer lock; whoever can set the PC's clock can also copy
#   the file, where the argon2id hash is what stands in the way.  We chose this over the
#   monotonic clock because that one restarts with the PC and, on Windows, cannot tell one
#   boot from the next.
# - Anyone at the till can lock everybody out for up to LOCK_MAX_SECONDS with five wrong
#   PINs naming nobody: accepted (README), the cap keeps it short.
CLOCK_SKEW = dt.timedelta(minutes=1)
_ANY = "*"  # a lock from before per-person counting: it holds for everyone until it ends


@dataclass(frozen=True)
class Guard:
    failures: int  # wrong PINs for this person since their last success (attempts in flight too)
    locked_until: dt.datetime | None
    last: dt.datetime | None = None  # the wall time of their last attempt


def _load() -> dict[str, Guard]:
    row = Setting.get_or_none(Setting.key == GUARD_KEY)
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    if "failures" in value:  # the till-wide form of before
        value = {_ANY: {"failures": value.get("failures", 0), "until": value.get("locked_until")}}
    found: dict[str, Guard] = {}
    for key, item in value.items():
        if not isinstance(item, dict):
            continue
        try:
            until, last = item.get("until"), item.get("last")
            found[str(key)] = Guard(int(item.get("failures", 0)), dt.datetime.fromisoformat(until) if until else None,
                                    dt.datetime.fromisoformat(last) if last else None)
        except (TypeError, ValueError):
            continue
    return found


def _save(guards: dict[str, Guard]) -> None:
    value = {key: {"failures": g.failures, "until": g.locked_until.isoformat() if g.locked_until else None,
                   "last": g.last.isoformat() if g.last else None}
             for key, g in guards.items() if g.failures > 0 or g.locked_until is not None}
    if value:
        Setting.insert(key=GUARD_KEY, value=json.dumps(value, sort_keys=True)).on_conflict_replace().execute()
    else:
        Setting.delete().where(Setting.key == GUARD_KEY).execute()


def guard(person: Staff | None = None) -> Guard:
    """The count for one person (or, with nobody named, the largest on this till)."""
    guards = _load()
    if person is not None:
        return guards.get(str(person.id), Guard(0, None))
    return max(guards.values(), key=lambda g: (g.failures, g.locked_until or dt.datetime.min), default=Guard(0, None))


def lock_seconds(failures: int) -> int:
    """How long sign-in stays locked after this many wrong PINs in a row (0: not locked)."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_FIRST_SECONDS * 2 ** min(failures - LOCK_AFTER, 16), LOCK_MAX_SECONDS)


def _wait(g: Guard, now: dt.datetime) -> int:
    if g.failures and g.last is not None and now < g.last - CLOCK_SKEW:
        return max(lock_seconds(max(g.failures, LOCK_AFTER)), 1)  # the clock was moved back
    if g.locked_until is None or g.locked_until <= now:
        return 0
    return max(1, int((g.locked_until - now).total_seconds() + 0.999))


def seconds_locked(now: dt.datetime, person: Staff | None = None) -> int:
    """Seconds until this person may try a PIN again (0: open now); with nobody named,
    until everyone may (the longest lock on this till)."""
    guards = _load()
    keys = [str(person.id), _ANY] if person is not None else list(guards)
    return max((_wait(guards[k], now) for k in keys if k in guards), default=0)


def _begin(keys: list[str], now: dt.datetime) -> list[int]:
    """Check the lock and count this attempt as a failure for each person tried, in one
    write transaction; refused (nothing counted) while any of them is locked."""
    counts: list[int] = []
    with write_transaction():
        guards = _load()
        waits = {k: _wait(guards[k], now) for k in [*keys, _ANY] if k in guards}
        if any(waits.values()):
            for key, wait in waits.items():  # a clock moved back: the lock runs from now
                g = guards[key]
                if wait and g.last is not None and now < g.last - CLOCK_SKEW:
                    guards[key] = Guard(g.failures, now + dt.timedelta(seconds=wait), now)
                    audit.record("sign_in_locked", None, target=_name(key), now=now, failures=g.failures,
                                 seconds=wait, clock_moved_back=True)
            _save(guards)
            longest = max(waits.values())
        else:
            longest = 0
            counts = _count(guards, keys, now)
    if longest:  # raised once the transaction is committed: a clock found moved back stays noted
        raise InputError("sign_in_locked", seconds=longest, minutes=(longest + 59) // 60)
    return counts


def _count(guards: dict[str, Guard], keys: list[str], now: dt.datetime) -> list[int]:
    """Add this attempt as a failure for each person tried (a success takes it back)."""
    counts = []
    for key in keys:
        g = guards.get(key, Guard(0, None))
        failures = g.failures + 1
        delay = lock_seconds(failures)
        until = now + dt.timedelta(seconds=delay) if delay else g.locked_until
        guards[key] = Guard(failures, until, max(now, g.last) if g.last else now)
        counts.append(failures)
    _save(guards)
    return counts


def _name(key: str) -> str:
    person = Staff.get_or_none(Staff.id == key) if key != _ANY else None
    return person.name if person else ""


def _failed(person: Staff | None, counts: list[int], now: dt.datetime) -> None:
    """The attempt was counted already (`_begin`): the audit log says so, once per attempt."""
    failures = max(counts, default=0)
    target = person.name if person else ""
    with write_transaction():
        audit.record("sign_in_failed", None, target=target, now=now, failures=failures)
        delay = lock_seconds(failures)
        if delay:
            audit.record("sign_in_locked", None, target=target, now=now, failures=failures, seconds=delay)


def _succeeded(person: Staff, pin: str, keys: list[str]) -> None:
    """Clear the person's own count; the others tried on the way get this attempt back."""
    new_hash = hash_pin(pin) if _needs_rehash(person) else None
    with write_transaction():
        guards = _load()
        guards.pop(str(person.id), None)
        for key in keys:
            g = guards.get(key)
            if key != str(person.id) and g is not None:
                failures = max(0, g.failures - 1)
                guards[key] = Guard(failures, g.locked_until if lock_seconds(failures) else None, g.last)
        _save(guards)
        if last_signed_in() != str(person.id):
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
    if person is not None:
        fresh = Staff.get_or_none((Staff.id == person.id) & (Staff.active == True))  # noqa: E712
        candidates = [fresh] if fresh is not None else []
        keys = [str(person.id)]
    else:
        candidates = [p for p in signable_staff() if RANK[p.role] >= RANK[at_least]]
        keys = [str(p.id) for p in candidates]
    counts = _begin(keys, now)  # refused here while locked; the attempt counted before any hash
    found = None
    if pin.isdigit() and len(pin) <= MAX_DIGITS:
        found = next((c for c in candidates if _matches(c, pin)), None)
    if found is None:
        _failed(person, counts, now)
        raise InputError("pin_wrong")
    _succeeded(found, pin, keys)
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
