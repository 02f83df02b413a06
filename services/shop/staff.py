"""Staff, PINs and roles.

Roles are enforced here, not by hiding buttons: a cashier may sell; a return,
a manual discount or a balance adjustment needs a manager's or the owner's
PIN (the actor's own, or one given to authorise it).
"""
from __future__ import annotations

import hashlib
import hmac
import os

from services.core.storage import write_transaction
from models.schema import Staff
from services.core.errors import InputError, PermissionDenied
from services.journal import authority

ROLES = ("cashier", "manager", "owner")
RANK = {"cashier": 0, "manager": 1, "owner": 2}

# What each action needs at least.
ACTIONS = {
    "sell": "cashier",
    "register_member": "cashier",
    "park": "cashier",
    "print_cards": "cashier",
    "return": "manager",
    "manual_discount": "manager",
    "adjust_balance": "manager",
    "block_card": "manager",
    "reserve_cards": "manager",
    "printer_settings": "manager",
    "shop_settings": "owner",
    "edit_rules": "owner",
    "manage_staff": "owner",
    "start_training": "manager",  # from the window; anyone may choose training at the sign-in
}

_ITERATIONS = 20_000


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _ITERATIONS)


def _check_pin_shape(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise InputError("pin_shape")


def add_staff(name: str, role: str, pin: str) -> Staff:
    if role not in ROLES:
        raise InputError("bad_role")
    _check_pin_shape(pin)
    with write_transaction():
        for other in Staff.select().where(Staff.active == True):  # noqa: E712
            if hmac.compare_digest(_hash(pin, other.pin_salt), other.pin_hash):
                raise InputError("pin_taken")
        salt = os.urandom(16)
        person = Staff.create(name=name.strip(), role=role, pin_hash=_hash(pin, salt), pin_salt=salt,
                              **authority.key_fields(role, pin))
        authority.sign_row("staff", str(person.id))  # the owner's authority, for the hub (no-op without it)
        return person


def login(pin: str) -> Staff:
    """The active staff member with this PIN."""
    if not pin.isdigit():
        raise InputError("pin_wrong")
    for person in Staff.select().where(Staff.active == True):  # noqa: E712
        if hmac.compare_digest(_hash(pin, person.pin_salt), person.pin_hash):
            authority.unlock(person, pin)
            return person
    raise InputError("pin_wrong")


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
    clash = Staff.select().where((Staff.name == name) & (Staff.active == True))  # noqa: E712
    if keep is not None:
        clash = clash.where(Staff.id != keep.id)
    if clash.exists():
        raise InputError("staff_name_taken", name=name)
    return name


def _pin_in_use(pin: str, keep: Staff | None = None) -> bool:
    others = Staff.select().where(Staff.active == True)  # noqa: E712
    if keep is not None:
        others = others.where(Staff.id != keep.id)
    return any(hmac.compare_digest(_hash(pin, other.pin_salt), other.pin_hash) for other in others)


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
    from services.journal import audit

    require(actor, "manage_staff")
    if role not in ROLES:
        raise InputError("bad_role")
    with write_transaction():
        name = _check_name(name)
        person = add_staff(name, role, pin)
        audit.record("staff_added", actor, target=person.name, role=role)
    return person


def rename(actor: Staff | None, person: Staff, name: str) -> Staff:
    from services.journal import audit

    require(actor, "manage_staff")
    with write_transaction():
        person = _fresh(person)
        new = _check_name(name, keep=person)
        if new != person.name:
            old = person.name
            person.name = new
            person.save()
            audit.record("staff_changed", actor, target=new, name_before=old)
    return person


def change_role(actor: Staff | None, person: Staff, role: str) -> Staff:
    from services.journal import audit

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
        person.save()
        audit.record("role_changed", actor, target=person.name, role_before=before, role=role)
    return person


def disable(actor: Staff | None, person: Staff) -> Staff:
    """The person can no longer sign in; their sales keep their name."""
    from services.journal import audit

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
    return person


def enable(actor: Staff | None, person: Staff) -> Staff:
    """Back at the till with the PIN they had (reset it if someone took it meanwhile)."""
    from services.journal import audit

    require(actor, "manage_staff")
    with write_transaction():
        person = _fresh(person)
        if person.active:
            return person
        _check_name(person.name, keep=person)
        person.active = True
        person.save()
        audit.record("staff_changed", actor, target=person.name, active=True)
    return person


def reset_pin(actor: Staff | None, person: Staff, pin: str) -> Staff:
    """A new PIN the owner gives the person (a forgotten one is never shown: it is not stored)."""
    from services.journal import audit

    require(actor, "manage_staff")
    _check_pin_shape(pin)
    with write_transaction():
        person = _fresh(person)
        if _pin_in_use(pin, keep=person):
            raise InputError("pin_taken")
        salt = os.urandom(16)
        person.pin_hash, person.pin_salt = _hash(pin, salt), salt
        person.save()
        audit.record("pin_changed", actor, target=person.name)
    return person
