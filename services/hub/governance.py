"""What governs the chain is accepted only with the owner's authority.

A till's token says which till is speaking, not that the shop's owner
agreed.  Staff (who may sign in, with which role and PIN), rule sets and the
shop's settings reach every till, so the hub applies a document of these
kinds only when it carries `_authority` {key, sig, at}: an Ed25519 signature
(services.core.signing) by an owner key the hub trusts, over exactly that
document and the time it was signed.  Anything else is refused with its
reason (apply.py quarantines it; the till's other operations go on).

The same signature governs the chain's points where no sale supports them:
an opening balance an owner's import brought (ledger kind "import", signed
as "ledger_import" over exactly that entry: `signed_by`, called by
services.hub.rights).

Trusted keys (`owner_key`): registered by whoever runs the hub
(`main.py hub trust-owner --key KEY`: access to the hub's machine and
database is the owner's own credential; the till prints the key with
`main.py owner-key`), or introduced by a staff document a trusted owner
signed that makes someone an active owner with that key.  A signed document
that disables or demotes an owner, or gives them a new key (a new PIN),
drops their old key.  Trust follows the document the hub keeps after the
merge, never the incoming one, and a dropped key is trusted again only by
`hub trust-owner`: replaying an old signed promotion (any till may send any
document it once pulled) brings back neither the role nor the key.  A staff
document signed before the one the hub has is refused outright.

Clocks: every field of an accepted document takes the signing time as its
reading (signing.reading), never the till's clock, and a signing time in the
future beyond SKEW_MS is refused, so a copied signature cannot be replayed
as newer and a far-future clock wins nothing.  The offline caps are the
hub's alone (`hub set-caps`, which always wins); `expiry_till` (which till
expires points for the chain) is claimed once by the first till, unsigned.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from peewee import SQL

from models.hub import Entity, OwnerKey, utcnow
from services.core import hlc, signing

GOVERNED = ("setting", "staff", "rule_set")
SKEW_MS = 5 * 60 * 1000
HUB_ONLY_SETTINGS = frozenset({"offline_redeem_cap_sale", "offline_redeem_cap_daily"})
FIRST_CLAIM_SETTINGS = frozenset({"expiry_till"})
NEEDS_OWNER = "needs the owner's signature"


class Refused(Exception):
    """A governed document the hub will not apply; the text is the reason."""


def trust(key: str, *, name: str = "", staff_id: str | None = None, by: str = "admin") -> OwnerKey:
    """Trust an owner key (again, if it was dropped)."""
    key = key.strip()
    if len(_raw(key)) != 32:
        raise ValueError("not an owner key (base64 of 32 bytes, as 'main.py owner-key' prints it)")
    if staff_id is None:
        staff_id = _staff_with_key(key)
    (OwnerKey.insert(key=key, staff_id=staff_id, name=name, added_by=by, added_at=utcnow(), dropped_at=None)
     .on_conflict(conflict_target=[OwnerKey.key],
                  update={OwnerKey.dropped_at: None, OwnerKey.added_by: by, OwnerKey.staff_id: staff_id})
     .execute())
    return OwnerKey.get_by_id(key)


def _raw(key: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return b""


def _staff_with_key(key: str) -> str | None:
    row = Entity.select(Entity.entity_id).where(SQL("kind = 'staff' AND doc->>'sign_key' = %s", (key,))).first()
    return row.entity_id if row else None


def trusted(key: str) -> bool:
    return OwnerKey.select().where((OwnerKey.key == key) & OwnerKey.dropped_at.is_null()).exists()


def trusted_keys() -> list[dict[str, Any]]:
    return [
        {"key": k.key, "name": k.name, "staff_id": k.staff_id, "added_by": k.added_by,
         "added_at": k.added_at.isoformat(), "dropped_at": k.dropped_at.isoformat() if k.dropped_at else None}
        for k in OwnerKey.select().order_by(OwnerKey.added_at)
    ]


def accept(kind: str, entity_id: str, doc: dict[str, Any], proof: Any, *,
           now_ms: int | None = None) -> dict[str, str]:
    """The clock readings to merge `doc` with, or Refused with the reason."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if kind == "setting" and entity_id in HUB_ONLY_SETTINGS:
        raise Refused("the offline caps are set on the hub ('hub set-caps'), not by a till")
    if kind == "setting" and entity_id in FIRST_CLAIM_SETTINGS and proof is None:
        if Entity.select().where((Entity.kind == kind) & (Entity.entity_id == entity_id)).exists():
            raise Refused(f"{entity_id} is already set for the chain; changing it {NEEDS_OWNER}")
        reading = hlc.tick(None, "hub", now_ms)
        return {name: reading for name in doc}
    key, at = signed_by(kind, entity_id, doc, proof, what=f"a {kind} change", now_ms=now_ms)
    if kind == "staff":
        stored = _signed_at(kind, entity_id)
        if stored is not None and at < stored:
            raise Refused(f"a {kind} document signed before the one the hub has (a replay of an old signature?)")
    reading = signing.reading(at, key)
    return {name: reading for name in doc}


def signed_by(kind: str, entity_id: str, doc: dict[str, Any], proof: Any, *, what: str, now_ms: int,
              is_trusted: Callable[[str], bool] = trusted) -> tuple[str, int]:
    """The trusted owner key that signed exactly `doc` (as `kind`, `entity_id`)
    and when, or Refused saying what is wrong: no signature, a malformed one,
    a key the hub does not trust, a signature over another document, or a
    signing time the hub has not reached.  `what` names the document in the
    reason ("a staff change", "an imported balance")."""
    if not isinstance(proof, dict):
        raise Refused(f"{what} {NEEDS_OWNER}")
    key, sig, at = proof.get("key"), proof.get("sig"), proof.get("at")
    if not isinstance(key, str) or not isinstance(sig, str) or isinstance(at, bool) or not isinstance(at, int):
        raise Refused(f"{what} {NEEDS_OWNER} (the signature is malformed)")
    if not is_trusted(key):
        raise Refused(f"{what} {NEEDS_OWNER}: key {signing.fingerprint(key)} is not a trusted owner key")
    if not signing.verify(key, signing.signed_bytes(kind, entity_id, doc, at), sig):
        raise Refused(f"{what} {NEEDS_OWNER}: the signature does not match this document")
    if at > now_ms + SKEW_MS or at < 0:
        raise Refused(f"{what} signed at a time the hub has not reached")
    return key, at


def _signed_at(kind: str, entity_id: str) -> int | None:
    """When the document the hub keeps was signed: its latest field reading."""
    row = Entity.get_or_none((Entity.kind == kind) & (Entity.entity_id == entity_id))
    latest = None
    for reading in ((row.clocks or {}).values() if row else ()):
        try:
            ms = hlc.decode(str(reading))[0]
        except ValueError:
            continue
        latest = ms if latest is None else max(latest, ms)
    return latest


def after_staff(staff_id: str, proof: dict[str, Any], before: dict[str, Any] | None) -> None:
    """Keys follow the staff document the hub keeps once merged: an active
    owner's key is trusted (introduced by the signer) unless it was ever
    dropped; a key the person no longer holds as an active owner is dropped."""
    row = Entity.get_or_none((Entity.kind == "staff") & (Entity.entity_id == staff_id))
    doc = row.doc if row is not None and isinstance(row.doc, dict) else {}
    new_key = doc.get("sign_key") if doc.get("role") == "owner" and doc.get("active") else None
    old = {k.key for k in OwnerKey.select().where((OwnerKey.staff_id == staff_id) & OwnerKey.dropped_at.is_null())}
    if before and before.get("sign_key"):
        old.add(before["sign_key"])
    stale = old - {new_key}
    if stale:
        OwnerKey.update(dropped_at=utcnow()).where(OwnerKey.key.in_(list(stale)) & OwnerKey.dropped_at.is_null()).execute()
    if isinstance(new_key, str) and new_key and not OwnerKey.select().where(OwnerKey.key == new_key).exists():
        trust(new_key, name=str(doc.get("name") or ""), staff_id=staff_id, by=proof["key"])


def caps_reading(key: str) -> str:
    """A reading later than any the caps ever had: `hub set-caps` always wins."""
    row = Entity.get_or_none((Entity.kind == "setting") & (Entity.entity_id == key))
    last = max((row.clocks or {}).values(), default=None) if row else None
    return hlc.tick(last, "hub")
