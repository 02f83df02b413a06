"""Fixtures of the imports' tests."""
from __future__ import annotations

import pytest

from tests.unit.imports.historykit import programme_since_2000 as _since_2000


@pytest.fixture
def programme_since_2000(shop):
    """The test shop with its programme in force from long before any imported date."""
    _since_2000()
    return shop
