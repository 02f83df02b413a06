"""The owner's key on the till: derived from the PIN, held only while signed in,
and the signatures kept for sync (services.journal.authority, services.core.signing)."""
from __future__ import annotations

import json

from models.schema import RowSignature, Staff
from services.core import signing
from services.core.storage import write_transaction
from services.journal import authority
from services.shop import staff as auth
from services.shop.settings import set_setting
from services.sync import client as sync

CHEAP = authority.KeyCost(time_cost=1, memory_kib=8, parallelism=1)


def test_the_key_is_derived_from_the_pin_and_salt_and_never_stored(shop):
    owner = shop["owner"]
    assert owner.sign_key and owner.key_salt.startswith("argon2id$t=4$m=65536$p=1$")
    assert signing.public_text(authority.derive("111111", owner.key_salt)) == owner.sign_key
    assert signing.public_text(authority.derive("1112", owner.key_salt)) != owner.sign_key
    assert shop["cashier"].sign_key is None and shop["manager"].key_salt is None
    row = Staff.get_by_id(owner.id)
    stored = " ".join(str(v) for v in row.__data__.values())
    seed = authority.derive("111111", owner.key_salt).private_bytes_raw().hex()
    assert seed not in stored


def test_the_key_costs_at_least_what_the_pin_hash_costs():
    """The public key and salt reach every till: they must be no cheaper a way to try PINs."""
    hasher = auth.PIN_HASHER
    cost = authority.KEY_COST
    assert cost.time_cost >= hasher.time_cost and cost.memory_kib >= hasher.memory_cost
    assert cost.parallelism <= hasher.parallelism  # more lanes would let an attacker spread the work


def test_a_key_made_with_the_older_cheaper_cost_still_derives():
    older = authority.KeyCost(time_cost=3, memory_kib=64 * 1024, parallelism=1)
    fields = authority.key_fields("owner", "111111", older)
    assert fields["key_salt"].startswith("argon2id$t=3$")
    assert signing.public_text(authority.derive("111111", fields["key_salt"])) == fields["sign_key"]


def test_a_salt_asking_for_absurd_work_is_not_derived():
    assert authority.derive("111111", "argon2id$t=1$m=99999999$p=1$AAAAAAAAAAAAAAAAAAAAAA==") is None
    assert authority.derive("111111", "pbkdf2$t=1$m=8$p=1$AAAAAAAAAAAAAAAAAAAAAA==") is None
    assert authority.derive("111111", "nonsense") is None
    assert authority.derive("111111", authority.key_fields("owner", "111111", CHEAP)["key_salt"]) is not None


def test_signing_in_holds_the_owners_key_and_anyone_else_takes_it_away(shop):
    assert authority.unlocked_key() is None
    auth.login("111111")
    assert authority.unlocked_key() == shop["owner"].sign_key
    auth.login("3333")
    assert authority.unlocked_key() is None
    auth.login("111111")
    authority.forget()
    assert authority.unlocked_key() is None


def test_a_change_is_signed_only_while_the_owner_is_signed_in(shop):
    with write_transaction():
        set_setting("shop_address", "Unsigned")
    assert RowSignature.get_or_none(RowSignature.row_id == "shop_address") is None
    auth.login("111111")
    with write_transaction():
        set_setting("shop_address", "Main street 1")
    sig = RowSignature.get(RowSignature.row_id == "shop_address")
    doc = {"key": "shop_address", "value": "Main street 1"}
    assert sig.signer == shop["owner"].sign_key
    assert signing.verify(sig.signer, signing.signed_bytes("setting", "shop_address", doc, sig.signed_at), sig.sig)
    assert not signing.verify(sig.signer, signing.signed_bytes("setting", "shop_address", {**doc, "value": "X"},
                                                               sig.signed_at), sig.sig)


def test_sync_attaches_the_signature_only_while_the_row_is_as_signed(shop):
    auth.login("111111")
    with write_transaction():
        set_setting("shop_address", "Main street 1")
    pushed = {(c.kind, c.row_id): c.payload for c in sync.changed_master_data()}
    proof = pushed[("setting", "shop_address")]["_authority"]
    assert proof["key"] == shop["owner"].sign_key
    # Every field's clock is the signing time, as the hub will keep it.
    assert set(pushed[("setting", "shop_address")]["_clock"].values()) == {signing.reading(proof["at"], proof["key"])}
    assert "_authority" not in pushed[("staff", str(shop["owner"].id))]  # added by the fixture with no owner signed in
    authority.forget()
    with write_transaction():  # changed behind the owner's back (a copied file)
        Staff.update(role="owner").where(Staff.id == shop["cashier"].id).execute()
        from models.schema import Setting
        Setting.update(value=json.dumps("Elsewhere")).where(Setting.key == "shop_address").execute()
    pushed = {(c.kind, c.row_id): c.payload for c in sync.changed_master_data()}
    assert "_authority" not in pushed[("setting", "shop_address")]
    assert "_authority" not in pushed[("staff", str(shop["cashier"].id))]


def test_an_owner_from_before_keys_gets_one_at_sign_in(shop):
    with write_transaction():
        Staff.update(sign_key=None, key_salt=None).where(Staff.id == shop["owner"].id).execute()
    auth.login("111111")
    owner = Staff.get_by_id(shop["owner"].id)
    assert owner.sign_key and authority.unlocked_key() == owner.sign_key
    proof = authority.authority_for(RowSignature.get(RowSignature.row_id == str(owner.id)),
                                    authority.governed_doc("staff", str(owner.id)))
    assert proof is not None and proof["key"] == owner.sign_key


def test_a_new_shop_is_signed_by_its_first_owner(empty_db):
    from services.opening.new_shop import create_shop

    create_shop("Corner shop", "MDL", "ro", "Ion", "123456")
    owner = Staff.get(Staff.role == "owner")
    changes = sync.changed_master_data()
    governed = [c for c in changes if c.kind in authority.GOVERNED]
    assert governed and all(c.payload.get("_authority", {}).get("key") == owner.sign_key for c in governed)
