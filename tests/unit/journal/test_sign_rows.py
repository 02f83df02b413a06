"""sign_rows builds the signed bytes from the document serialised once: they
must be exactly signing.signed_bytes, or the hub would refuse every one."""
from __future__ import annotations

import uuid

from hypothesis import given, strategies as st

from services.core import signing
from services.journal import authority

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=20))
docs = st.dictionaries(st.text(min_size=1, max_size=12), scalars, max_size=8)
ids = st.one_of(st.uuids().map(str), st.text(max_size=20))


@given(st.sampled_from(["ledger_import", "staff", "ключ"]), ids, docs, st.integers(0, 2**45))
def test_the_signed_bytes_are_signings_own(kind, row_id, doc, at):
    assert authority._signed_bytes(kind, row_id, signing.canonical(doc), at) == \
        signing.signed_bytes(kind, row_id, doc, at)


def test_a_plain_uuid_is_quoted_as_json_quotes_it():
    row_id = str(uuid.uuid4())
    assert authority._signed_bytes("k", row_id, b"{}", 1) == signing.signed_bytes("k", row_id, {}, 1)


@given(st.lists(st.binary(max_size=300), max_size=5), st.binary(min_size=32, max_size=32))
def test_sign_many_gives_each_datas_own_signature(datas, seed):
    """libsodium's signatures are cryptography's, byte for byte (Ed25519 is deterministic),
    and each verifies against the key's public half."""
    key = signing.private_from_seed(seed)
    many = signing.sign_many(key, datas)
    assert many == [signing.sign(key, data) for data in datas]
    public = signing.public_text(key)
    assert all(signing.verify(public, data, sig) for data, sig in zip(datas, many))
    if datas:
        assert not signing.verify(public, datas[0] + b"!", many[0])
