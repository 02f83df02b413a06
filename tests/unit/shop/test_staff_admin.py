"""Staff management by the owner: every change audited, roles enforced, the
shop never left without an active owner."""
from __future__ import annotations

import pytest

from models.schema import Staff
from services.core.errors import InputError, PermissionDenied
from services.journal import audit
from services.shop import staff as auth


def test_the_owner_hires_and_the_new_person_signs_in(shop):
    person = auth.hire(shop["owner"], "  Ana Popescu ", "cashier", "4821")
    assert (person.name, person.role, person.active) == ("Ana Popescu", "cashier", True)
    assert auth.login("4821").id == person.id
    (entry,) = audit.entries(action="staff_added")
    assert (entry.staff_name, entry.target, entry.details) == ("Owner", "Ana Popescu", {"role": "cashier"})


@pytest.mark.parametrize("who", ["manager", "cashier"])
def test_only_the_owner_manages_staff(shop, who):
    actor = shop[who]
    with pytest.raises(PermissionDenied):
        auth.hire(actor, "Ion", "cashier", "5555")
    with pytest.raises(PermissionDenied):
        auth.disable(actor, shop["cashier"])
    with pytest.raises(PermissionDenied):
        auth.change_role(actor, shop["cashier"], "owner")
    with pytest.raises(PermissionDenied):
        auth.reset_pin(actor, shop["cashier"], "5555")
    assert Staff.select().count() == 3 and audit.entries() == []


def test_disabled_staff_cannot_sign_in_and_enabled_again_can(shop):
    cashier = shop["cashier"]
    auth.disable(shop["owner"], cashier)
    with pytest.raises(InputError):
        auth.login("3333")
    auth.enable(shop["owner"], cashier)
    assert auth.login("3333").id == cashier.id
    # newest first: enabled, the refused PIN (a disabled person cannot sign in), disabled
    assert [e.action for e in audit.entries()] == ["staff_changed", "sign_in_failed", "staff_disabled"]
    assert audit.entries(action="staff_changed")[0].details == {"active": True}


def test_the_last_owner_is_never_disabled_or_demoted(shop):
    owner, manager = shop["owner"], shop["manager"]
    with pytest.raises(InputError) as demoted:
        auth.change_role(owner, owner, "manager")
    assert demoted.value.code == "last_owner"
    with pytest.raises(InputError) as disabled:
        auth.disable(owner, owner)
    assert disabled.value.code == "staff_disable_self"
    # A second owner makes the first one free to step down, but not to disable themselves.
    auth.change_role(owner, manager, "owner")
    auth.change_role(owner, owner, "manager")
    assert Staff.get_by_id(owner.id).role == "manager"
    second = Staff.get_by_id(manager.id)
    with pytest.raises(InputError) as last:
        auth.change_role(second, second, "cashier")
    assert last.value.code == "last_owner"
    assert audit.entries(action="role_changed")[0].details == {"role": "manager", "role_before": "owner"}


def test_another_owner_cannot_disable_the_last_active_owner(shop):
    owner = shop["owner"]
    auth.change_role(owner, shop["manager"], "owner")
    auth.disable(owner, Staff.get_by_id(shop["manager"].id))  # one owner left: owner
    with pytest.raises(InputError) as last:
        auth.disable(Staff.get_by_id(shop["manager"].id), owner)  # a disabled owner's stale page
    assert last.value.code in ("last_owner", "staff_disable_self")
    assert Staff.get_by_id(owner.id).active


def test_reset_pin_replaces_the_old_one(shop):
    """PINs need not be unique (checking would cost a hash per person and tell
    the owner someone else's PIN): the person signs in by name with the new one."""
    owner, cashier = shop["owner"], shop["cashier"]
    with pytest.raises(InputError) as short:
        auth.reset_pin(owner, shop["manager"], "7070")  # a manager's PIN has at least 6 digits
    assert short.value.code == "pin_shape_role"
    auth.reset_pin(owner, cashier, "7070")
    assert auth.login("7070").id == cashier.id
    with pytest.raises(InputError):
        auth.login("3333")
    (entry,) = audit.entries(action="pin_changed")
    assert entry.target == "Cashier" and "7070" not in str(entry.details)


def test_rename_is_audited_and_names_stay_unique(shop):
    owner = shop["owner"]
    with pytest.raises(InputError) as clash:
        auth.rename(owner, shop["cashier"], "Manager")
    assert clash.value.code == "staff_name_taken"
    with pytest.raises(InputError):
        auth.rename(owner, shop["cashier"], "   ")
    auth.rename(owner, shop["cashier"], "Maria")
    assert auth.find_by_name("Maria").id == shop["cashier"].id
    assert audit.entries(action="staff_changed")[0].details == {"name_before": "Cashier"}
    with pytest.raises(InputError) as unknown:
        auth.find_by_name("Cashier")
    assert unknown.value.code == "staff_unknown"


def test_a_refused_change_writes_nothing(shop):
    owner = shop["owner"]
    with pytest.raises(InputError):
        auth.hire(owner, "Ion", "cashier", "12")  # PIN too short
    with pytest.raises(InputError):
        auth.hire(owner, "Ion", "boss", "5555")
    assert Staff.select().count() == 3 and audit.entries() == []


@pytest.mark.parametrize("clash", ["ana rusu", "ANA RUSU", "  Ana   Rusu "])
def test_a_name_differing_only_in_case_or_spaces_is_taken(shop, clash):
    owner = shop["owner"]
    auth.hire(owner, "Ana Rusu", "cashier", "4821")
    with pytest.raises(InputError) as refused:
        auth.hire(owner, clash, "cashier", "4822")
    assert refused.value.code == "staff_name_taken" and refused.value.params["name"] == "Ana Rusu"
    with pytest.raises(InputError):
        auth.rename(owner, shop["cashier"], clash)
    assert Staff.select().where(Staff.name.contains("usu")).count() == 1
    auth.rename(owner, auth.find_by_name("Ana Rusu"), "ana rusu")  # a person may fix their own name's case
    assert auth.find_by_name("ana rusu").role == "cashier"
