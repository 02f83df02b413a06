"""serialize.compact and signing.canonical_flat: orjson's speed, json's values.

compact is what a bulk write (an import) stores in the outbox and the clock
rows; canonical_flat is what an import's owner signs.  The hub reads the one
as JSON and checks the other byte for byte against signing.canonical, so both
must agree with json on every value they can meet."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from hypothesis import given, strategies as st

from services.core import signing
from services.core.serialize import compact, dumps, plain

# Text of every kind (control characters, quotes, backslashes, Cyrillic, emoji), but no lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
# Whole numbers beyond 64 bits too: orjson refuses them, compact hands them to json.
WHOLE = st.integers(min_value=-(2**70), max_value=2**70)
SCALAR = st.one_of(st.none(), st.booleans(), WHOLE, TEXT)
OBJECTS = st.one_of(
    st.uuids(), st.datetimes(), st.dates(),
    st.datetimes(timezones=st.just(dt.timezone.utc)), st.binary(max_size=8),
)
VALUE = st.recursive(st.one_of(SCALAR, OBJECTS),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                     max_leaves=12)


def _json_compact(value):
    return json.dumps(value, ensure_ascii=False, default=plain, sort_keys=True, separators=(",", ":"))


@given(VALUE)
def test_compact_is_dumps_without_the_spaces(value):
    assert compact(value) == _json_compact(value)
    assert json.loads(compact(value)) == json.loads(dumps(value))


@given(st.dictionaries(TEXT, SCALAR, max_size=12))
def test_a_flat_document_is_made_canonical_byte_for_byte(doc):
    assert signing.canonical_flat(doc) == signing.canonical(doc)


@given(st.dictionaries(TEXT, st.one_of(SCALAR, st.floats(allow_nan=False, allow_infinity=False),
                                       st.lists(SCALAR, max_size=3)), max_size=6))
def test_anything_else_goes_through_canonical_itself(doc):
    assert signing.canonical_flat(doc) == signing.canonical(doc)


def test_a_float_that_json_refuses_is_refused_the_same():
    for doc in ({"x": float("nan")}, {"x": float("inf")}):
        for make in (signing.canonical, signing.canonical_flat):
            try:
                make(doc)
            except ValueError:
                continue
            raise AssertionError(f"{make.__name__} took {doc}")


def test_ids_and_times_as_objects_are_written_as_plain_writes_them():
    member = uuid.UUID("0190a0b0-c0d0-7e00-8000-000000000001")
    at = dt.datetime(2026, 12, 7, 3, 0, 0, 5)
    assert compact({"id": member, "at": at, "day": at.date(), "raw": b"\x01"}) == \
        '{"at":"2026-12-07T03:00:00.000005","day":"2026-12-07","id":"0190a0b0-c0d0-7e00-8000-000000000001","raw":"01"}'
