"""The owner's authority over what governs the chain: staff, rule sets, settings.

A copied till file or token must not be able to make PIN 9999 an owner on
every till, or raise the offline caps.  So the hub accepts a governed row
only with the signature of a trusted owner key (services.hub.governance),
and that key lives with the owner, not in any file:

- An owner's Ed25519 key is derived from their PIN: seed =
  argon2id(PIN, the owner's `key_salt`).  The public half and the salt (with
  the derivation's parameters) are columns of the owner's staff row, so they
  sync; the private half is never stored.  It is in this process's memory
  while the owner is signed in (`unlock`, called by staff.login) and gone at
  sign-out (`forget`) or when someone else signs in.
- Governed rows are not in the outbox: sync compares them at each sync, when
  no owner need be signed in.  So the service that changes one signs the
  row's document at once (`sign_row`) and `row_signature` keeps the
  signature; sync attaches it (`authority_for`) while the row still matches.
  A row changed without an owner signed in has no signature: the hub
  quarantines it, saying it needs the owner's signature.

KEY_COST is what makes the public key no shortcut to the PIN: the pull gives
every till every owner's public key and salt, so trying PINs against it must
cost at least what trying them against the PIN hash costs, so it has the PIN
hash's own parameters (argon2id, 64 MiB, 4 passes: services/shop/staff.py
PIN_HASHER; it had 3 passes, a quarter cheaper than the hash it stood beside).
Measured on the 2-core build machine: 0.33 s per derivation with 3 passes,
~0.4 s with 4, so trying every 6-digit PIN takes 10^6 x 0.4 s = 4.6 days on one
core, 2.3 days on both.  A salt names its own cost, so keys made with 3 passes
still derive (and an owner gets the new cost at their next PIN change).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models import db
from models.schema import RowSignature, RuleSet, Setting, Staff
from services.core import signing
from services.core.serialize import row_dict
from services.core.storage import write_transaction

GOVERNED = ("setting", "staff", "rule_set")


@dataclass(frozen=True)
class KeyCost:
    time_cost: int  # passes
    memory_kib: int
    parallelism: int


# Where the measurement above comes from: see the module's docstring.
KEY_COST = KeyCost(time_cost=4, memory_kib=64 * 1024, parallelism=1)
# What a salt read from a row may ask for (a row names its own parameters; an
# absurd one must not make sign-in take an hour or all the memory).
_LIMITS = KeyCost(time_cost=16, memory_kib=1024 * 1024, parallelism=8)


@dataclass(frozen=True)
class _Held:
    staff_id: uuid.UUID
    key: Ed25519PrivateKey
    public: str


_held: _Held | None = None


# --- the key ---------------------------------------------------------------------

def _salt_text(salt: bytes, cost: KeyCost) -> str:
    return f"argon2id$t={cost.time_cost}$m={cost.memory_kib}$p={cost.parallelism}${base64.b64encode(salt).decode('ascii')}"


def _parse_salt(text: str) -> tuple[bytes, KeyCost] | None:
    try:
        name, t, m, p, salt = text.split("$")
        cost = KeyCost(int(t.removeprefix("t=")), int(m.removeprefix("m=")), int(p.removeprefix("p=")))
        raw = base64.b64decode(salt, validate=True)
    except (ValueError, AttributeError):
        return None
    if name != "argon2id" or len(raw) < 8 or not (
        1 <= cost.time_cost <= _LIMITS.time_cost and 8 <= cost.memory_kib <= _LIMITS.memory_kib
        and 1 <= cost.parallelism <= _LIMITS.parallelism
    ):
        return None
    return raw, cost


def derive(pin: str, key_salt: str) -> Ed25519PrivateKey | None:
    """The owner's key from their PIN and salt (None for a malformed salt)."""
    parsed = _parse_salt(key_salt)
    if parsed is None:
        return None
    salt, cost = parsed
    seed = hash_secret_raw(pin.encode(), salt, cost.time_cost, cost.memory_kib, cost.parallelism, 32, Type.ID)
    return signing.private_from_seed(seed)


def key_fields(role: str, pin: str, cost: KeyCost = KEY_COST) -> dict[str, Any]:
    """The staff row's key columns for someone given this role and PIN: an
    owner gets a fresh salt and the public key it derives; anyone else none."""
    if role != "owner":
        return {"sign_key": None, "key_salt": None}
    salt = _salt_text(os.urandom(16), cost)
    key = derive(pin, salt)
    assert key is not None
    return {"sign_key": signing.public_text(key), "key_salt": salt}


def unlock(person: Staff, pin: str) -> bool:
    """After a successful sign-in: hold an owner's key in memory.  Anyone
    else signing in takes the last owner's key out of memory."""
    global _held
    forget()
    if person.role != "owner" or not person.active:
        return False
    if not person.sign_key or not person.key_salt:
        return _first_key(person, pin)
    key = derive(pin, person.key_salt)
    if key is None or signing.public_text(key) != person.sign_key:
        return False
    _held = _Held(person.id, key, person.sign_key)
    return True


def _first_key(person: Staff, pin: str) -> bool:
    """An owner from before owners had keys (schema 5) gets one at their first
    sign-in; the hub's admin then trusts it (`main.py owner-key`, `hub trust-owner`)."""
    global _held
    fields = key_fields("owner", pin)
    key = derive(pin, fields["key_salt"])
    assert key is not None
    with write_transaction():
        Staff.update(fields).where(Staff.id == person.id).execute()
        person.sign_key, person.key_salt = fields["sign_key"], fields["key_salt"]
        _held = _Held(person.id, key, fields["sign_key"])
        sign_row("staff", str(person.id))
    return True


def forget() -> None:
    """Sign-out: the owner's key leaves memory."""
    global _held
    _held = None


def unlocked_key() -> str | None:
    """The public key held now, if an owner is signed in on this till."""
    return _held.public if _held else None


# --- signing rows ------------------------------------------------------------------

def governed_doc(kind: str, row_id: str) -> dict[str, Any] | None:
    """A governed row as sync pushes it (services.sync.client.changed_master_data)."""
    if kind == "setting":
        row = Setting.get_or_none(Setting.key == row_id)
        return {"key": row.key, "value": json.loads(row.value)} if row else None
    model = {"staff": Staff, "rule_set": RuleSet}[kind]
    row = model.get_or_none(model.id == uuid.UUID(row_id))
    return row_dict(row) if row else None


def sign_row(kind: str, row_id: str, doc: dict[str, Any] | None = None, *,
             now_ms: int | None = None) -> dict[str, Any] | None:
    """Sign a governed row the signed-in owner just changed (inside the
    change's transaction) and keep the signature until it is pushed.  With no
    owner signed in nothing is signed: the row will not pass the hub."""
    if _held is None:
        return None
    doc = governed_doc(kind, row_id) if doc is None else doc
    if doc is None:
        return None
    at = int(time.time() * 1000) if now_ms is None else now_ms
    sig = signing.sign(_held.key, signing.signed_bytes(kind, row_id, doc, at))
    RowSignature.insert(
        kind=kind, row_id=row_id, digest=signing.digest(doc), signer=_held.public, sig=sig, signed_at=at,
    ).on_conflict_replace().execute()
    return {"key": _held.public, "sig": sig, "at": at}


def signer() -> _Held | None:
    """The key held now, for a long job (an import) to sign with to its end:
    a lock or a sign-out in the middle forgets the key for the till, not for
    the work the owner already started."""
    return _held


def sign_rows(kind: str, rows: list[tuple[str, dict[str, Any]]], *, now_ms: int | None = None,
              held: _Held | None = None) -> int:
    """Sign many documents the signed-in owner makes at once (an import's
    opening balances, kind "ledger_import"), kept until they are pushed; inside
    the caller's transaction.  `held` is the key the job took when it started
    (signer()); else the key held now.  With neither nothing is signed and 0
    is returned: the hub will not take those rows."""
    held = held or _held
    if held is None or not rows:
        return 0
    at = int(time.time() * 1000) if now_ms is None else now_ms
    key, public = held.key, held.public
    bodies = [signing.canonical_flat(doc) for _, doc in rows]  # serialised once: the digest's and the signed bytes
    sigs = signing.sign_many(key, [_signed_bytes(kind, row_id, body, at) for (row_id, _), body in zip(rows, bodies)])
    made = [(kind, row_id, hashlib.sha256(body).hexdigest(), public, sig, at)
            for (row_id, _), body, sig in zip(rows, bodies, sigs)]
    db.obj.cursor().executemany(
        'INSERT OR REPLACE INTO "row_signature" (kind, row_id, digest, signer, sig, signed_at) VALUES (?, ?, ?, ?, ?, ?)',
        made,
    )
    return len(made)


def _signed_bytes(kind: str, row_id: str, canonical_doc: bytes, at_ms: int) -> bytes:
    """signing.signed_bytes(kind, row_id, doc, at_ms) from the document already made
    canonical: the same bytes (sorted keys: at, doc, id, kind), one serialisation fewer."""
    quoted_id = f'"{row_id}"'.encode("ascii") if _PLAIN_ID.fullmatch(row_id) else signing.canonical(row_id)
    return b"".join((b'{"at":', str(int(at_ms)).encode("ascii"), b',"doc":', canonical_doc, b',"id":',
                     quoted_id, b',"kind":', signing.canonical(kind), b"}"))


_PLAIN_ID = re.compile(r"[0-9a-f-]{1,64}")  # a UUID's text: JSON quotes it as it is


def sign_all(*, now_ms: int | None = None) -> int:
    """Sign every governed row as it is: only when a shop is opened (its first
    owner made everything there is).  Returns how many rows were signed."""
    if _held is None:
        return 0
    count = 0
    for key in [r.key for r in Setting.select(Setting.key)]:
        count += sign_row("setting", key, now_ms=now_ms) is not None
    for kind, model in (("staff", Staff), ("rule_set", RuleSet)):
        for row in model.select():
            count += sign_row(kind, str(row.id), row_dict(row), now_ms=now_ms) is not None
    return count


def signatures() -> dict[tuple[str, str], RowSignature]:
    """The governed rows' kept signatures (not an import's, which may be many)."""
    return {(r.kind, r.row_id): r for r in RowSignature.select().where(RowSignature.kind.in_(GOVERNED))}


def waiting(kind: str) -> bool:
    """Whether any signature of this kind is kept, waiting to be pushed (one index look-up)."""
    return RowSignature.select().where(RowSignature.kind == kind).exists()


def kept(kind: str, row_ids: list[str]) -> dict[str, RowSignature]:
    """The kept signatures of these rows, by row id."""
    out: dict[str, RowSignature] = {}
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start:start + 500]
        out.update((r.row_id, r) for r in RowSignature.select().where(
            (RowSignature.kind == kind) & RowSignature.row_id.in_(chunk)))
    return out


def pushed(kind: str, row_ids: list[str]) -> None:
    """The hub has answered for these rows' documents: their signatures are no
    longer kept (inside the caller's transaction).  Only for documents pushed
    once, as an import's ledger entries; a governed row's signature stays, it
    goes with the row again whenever sync compares it."""
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start:start + 500]
        RowSignature.delete().where((RowSignature.kind == kind) & RowSignature.row_id.in_(chunk)).execute()


def authority_for(signature: RowSignature | None, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The `_authority` a pushed document carries: the kept signature, if it
    was made for exactly this document."""
    if signature is None or signature.digest != signing.digest(doc):
        return None
    return {"key": signature.signer, "sig": signature.sig, "at": signature.signed_at}
