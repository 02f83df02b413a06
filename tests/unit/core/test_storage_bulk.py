"""What a long import changes on its connection and in Python while it runs comes back afterwards."""
from __future__ import annotations

import gc

import pytest

from models import db
from services.core.storage import fewer_checkpoints
from services.imports.chunks import fewer_collections


def _autocheckpoint() -> int:
    return db.obj.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]


def test_fewer_checkpoints_while_it_runs_and_the_connections_own_after_even_on_an_error(empty_db):
    before = _autocheckpoint()
    with fewer_checkpoints(12_345):
        assert _autocheckpoint() == 12_345
    assert _autocheckpoint() == before
    with pytest.raises(RuntimeError), fewer_checkpoints(777):
        raise RuntimeError("a chunk failed")
    assert _autocheckpoint() == before


def test_fewer_collections_while_it_runs_and_pythons_thresholds_after():
    before = gc.get_threshold()
    with fewer_collections(before[0] * 10 + 1):
        assert gc.get_threshold() == (before[0] * 10 + 1, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), fewer_collections(before[0] * 10 + 1):
        raise ValueError
    assert gc.get_threshold() == before
