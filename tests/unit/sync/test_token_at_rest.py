"""The hub token is not readable from a copy of the till's file."""
from __future__ import annotations

import json
import os
import stat

import pytest

from models import db
from models.schema import Setting
from services.sync import client as sync
from services.sync import sealed
from services.sync.client import SyncError

TOKEN = "tok_4b1f9c0e7d2a8f6e5c3b1a09"


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "config" / "till.key"
    monkeypatch.setenv("LOYALTILL_KEY_FILE", str(path))
    return path


def test_the_token_is_sealed_in_the_file(shop, empty_db, key_file):
    sync.configure("http://hub:8765", TOKEN + "\n")
    assert sync.configured() == ("http://hub:8765", TOKEN)
    db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in empty_db.parent.glob(empty_db.name + "*"))
    assert TOKEN.encode() not in raw
    assert json.loads(Setting.get(Setting.key == "sync_token").value).startswith(sealed.PREFIX)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert TOKEN.encode() not in key_file.read_bytes()


def test_without_its_key_the_till_must_be_enrolled_again(shop, key_file):
    sync.configure("http://hub:8765", TOKEN)
    key_file.unlink()
    with pytest.raises(SyncError) as missing:
        sync.configured()
    assert missing.value.code == "till_key_missing" and "enrolled again" in str(missing.value)
    assert sync.state().connected  # the status bar still says a hub is set up
    sync.configure("http://hub:8765", "new-token")  # enrolling again makes a new key
    assert sync.configured() == ("http://hub:8765", "new-token")


def test_another_machines_key_cannot_open_it(shop, key_file, tmp_path, monkeypatch):
    sync.configure("http://hub:8765", TOKEN)
    monkeypatch.setenv("LOYALTILL_KEY_FILE", str(tmp_path / "other.key"))
    sealed.seal("something")  # that machine's own key
    with pytest.raises(SyncError):
        sync.configured()


def test_a_token_stored_in_clear_before_is_sealed_when_read(shop, key_file):
    from services.core.storage import write_transaction

    with write_transaction():
        Setting.insert(key="sync_hub_url", value=json.dumps("http://hub:8765")).on_conflict_replace().execute()
        Setting.insert(key="sync_token", value=json.dumps(TOKEN)).on_conflict_replace().execute()
    assert sync.configured() == ("http://hub:8765", TOKEN)
    assert sealed.is_sealed(json.loads(Setting.get(Setting.key == "sync_token").value))
