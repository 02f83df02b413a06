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
    "edit_catalogue": "manager",
    "shop_settings": "owner",
    "edit_rules": "owner",
    "manage_staff": "owner",
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
        return Staff.create(name=name.strip(), role=role, pin_hash=_hash(pin, salt), pin_salt=salt)


def login(pin: str) -> Staff:
    """The active staff member with this PIN."""
    if not pin.isdigit():
        raise InputError("pin_wrong")
    for person in Staff.select().where(Staff.active == True):  # noqa: E712
        if hmac.compare_digest(_hash(pin, person.pin_salt), person.pin_hash):
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
