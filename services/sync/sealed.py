"""The till's hub token at rest: sealed with a key that is not in the database.

Whoever copies the till's file (a backup on a USB stick, a file sent for
support) must not get a token that lets them push to the hub as this till.
So the token is stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a
key kept in a file of its own in the user's config folder (mode 0600), or
where LOYALTILL_KEY_FILE says (tests; a till whose config folder is not kept).
A till whose key file is gone cannot read its token: it must be enrolled
again, and says so.
"""
from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from services.core.errors import InputError

PREFIX = "sealed1:"  # a stored value that starts so is sealed; anything else is a token from before


def key_path() -> Path:
    if os.environ.get("LOYALTILL_KEY_FILE"):
        return Path(os.environ["LOYALTILL_KEY_FILE"])
    import platformdirs

    return Path(platformdirs.user_config_dir("LoyalTill", appauthor=False)) / "till.key"


def _key(create: bool) -> bytes:
    path = key_path()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        if not create:
            raise InputError("till_key_missing", path=str(path)) from None
    except OSError:
        raise InputError("till_key_missing", path=str(path)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # Created with 0600 from the start (no moment when others could read it); O_EXCL: a
    # second till process creating it at the same moment keeps the first one's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(key + b"\n")
        out.flush()
        os.fsync(out.fileno())
    return key


def seal(secret: str) -> str:
    """The text to store for `secret` (the key file is made on first use)."""
    return PREFIX + Fernet(_key(create=True)).encrypt(secret.encode("utf-8")).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str) -> str:
    """The secret back; InputError "till_key_missing" if the key is gone or is not the one
    that sealed it (the file was copied to another machine)."""
    if not is_sealed(stored):
        return stored
    try:
        return Fernet(_key(create=False)).decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise InputError("till_key_missing", path=str(key_path())) from None
