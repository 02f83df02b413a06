"""Owner signatures on what governs the chain: canonical bytes, Ed25519, keys as text.

The ground floor shared by the till (which signs) and the hub (which
verifies).  A signed document is the canonical JSON of
{"kind", "id", "doc", "at"}: sorted keys, no spaces, UTF-8, so the till and
the hub produce the same bytes from the same values whatever order the
fields were written in.  `at` (ms since the epoch, when the owner signed)
is inside the signature: a copied signature cannot be replayed as newer.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Iterable

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from services.core import hlc


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


_FLAT = frozenset((str, int, bool, type(None)))


def canonical_flat(doc: dict[str, Any]) -> bytes:
    """canonical(doc), byte for byte, made by orjson, for a flat document of
    text, whole numbers, true/false and null (a ledger entry: an import signs
    hundreds of thousands).  Anything else (a float, a nested value, an int
    beyond 64 bits) goes through canonical itself."""
    for value in doc.values():
        if type(value) not in _FLAT:
            return canonical(doc)
    try:
        return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return canonical(doc)


def signed_bytes(kind: str, row_id: str, doc: dict[str, Any], at_ms: int) -> bytes:
    return canonical({"kind": kind, "id": row_id, "doc": doc, "at": at_ms})


def digest(doc: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(doc)).hexdigest()


def private_from_seed(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def sign_many(key: Ed25519PrivateKey, datas: Iterable[bytes]) -> list[str]:
    """[sign(key, data) for data in datas], by libsodium (PyNaCl) when it is
    there: 27 µs a signature against `cryptography`'s 38 on the build machine,
    a second saved on an import's 100,000 opening balances.  Ed25519 is
    deterministic (RFC 8032): both give the same signature, byte for byte."""
    try:
        from nacl.bindings import crypto_sign, crypto_sign_seed_keypair
    except ImportError:  # pragma: no cover - PyNaCl is a dependency; the till still signs without it
        return [sign(key, data) for data in datas]
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    _, secret = crypto_sign_seed_keypair(seed)
    encode = base64.b64encode
    # crypto_sign gives the signature followed by the message: its first 64 bytes are the signature.
    return [encode(crypto_sign(data, secret)[:64]).decode("ascii") for data in datas]


def verify(public: str, data: bytes, signature: str) -> bool:
    """True only for a well-formed key and signature that match `data`."""
    try:
        raw = base64.b64decode(public, validate=True)
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def fingerprint(public: str) -> str:
    """A short name for a key (log lines, clock readings)."""
    return hashlib.sha256(public.encode("ascii", "replace")).hexdigest()[:12]


def reading(at_ms: int, public: str) -> str:
    """The clock reading every field of a signed document carries, on the till
    and at the hub alike: the owner's signing time, so a later signature wins
    and a till's clock (however far in the future) plays no part."""
    return hlc.encode(at_ms, 0, "k" + fingerprint(public)[:11])
