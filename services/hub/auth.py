"""Enrolling tills and knowing them by their bearer token.

Tokens are 32 random bytes (URL-safe base64 behind a fixed ``lt_`` prefix:
base64 may begin with "-", and a token that looks like an option cannot be
given to ``sync --token`` on the command line), so a plain SHA-256 of the token is a safe thing
to store (no salt or slow hash is needed for high-entropy secrets); the hash
is looked up by an index and compared again in constant time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

import peewee

from models.hub import HubTill, hub_db, utcnow


TOKEN_PREFIX = "lt_"


class TillNotFound(Exception):
    pass


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def add_till(name: str, store: str | None = None) -> tuple[HubTill, str]:
    """Enrol a till, in `store` if named; the token is shown once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValueError("a till needs a name")
    store = store_name(store)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with hub_db.atomic():
        hub_db.execute_sql("LOCK TABLE hub_till IN SHARE ROW EXCLUSIVE MODE")
        number = (HubTill.select(peewee.fn.COALESCE(peewee.fn.MAX(HubTill.number), 0)).scalar() or 0) + 1
        till = HubTill.create(id=uuid.uuid4(), name=name, number=number, token_hash=token_hash(token), store=store)
    return till, token


STORE_NAME_MAX = 200


def store_name(store: str | None) -> str | None:
    """A store's name as the hub keeps it: trimmed; None (no store) for empty."""
    store = (store or "").strip()
    if len(store) > STORE_NAME_MAX:
        raise ValueError(f"a store's name is at most {STORE_NAME_MAX} characters")
    return store or None


def set_store(name_or_id: str, store: str | None) -> HubTill:
    """Say which store a till sells in (None: no store); its figures count there from now on, past sales included."""
    till = find_till(name_or_id)
    HubTill.update(store=store_name(store)).where(HubTill.id == till.id).execute()
    return HubTill.get_by_id(till.id)


def find_till(name_or_id: str) -> HubTill:
    query = HubTill.name == name_or_id
    try:
        query = query | (HubTill.id == uuid.UUID(name_or_id))
    except ValueError:
        pass
    till = HubTill.get_or_none(query)
    if till is None:
        raise TillNotFound(name_or_id)
    return till


def revoke_till(name_or_id: str) -> HubTill:
    till = find_till(name_or_id)
    if till.revoked_at is None:
        HubTill.update(revoked_at=utcnow()).where(HubTill.id == till.id).execute()
    return HubTill.get_by_id(till.id)


def till_for_token(token: str | None) -> HubTill | None:
    """The enrolled, unrevoked till holding this token, or None."""
    if not token:
        return None
    wanted = token_hash(token)
    till = HubTill.get_or_none(HubTill.token_hash == wanted)
    if till is None or not hmac.compare_digest(bytes(till.token_hash), wanted) or till.revoked_at is not None:
        return None
    return till
