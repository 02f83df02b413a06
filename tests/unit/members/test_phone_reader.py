"""The import's phone reader gives exactly what normalize_phone gives, faster."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from services.core.errors import InputError
from services.members.phones import PhoneReader, normalize_phone

READERS = {region: PhoneReader(region) for region in ("RU", "MD", "RO")}

prefixes = st.sampled_from(["+7", "8", "7", "", "+373", "0", "+40", "+380", "+1", "00", "+44", "810"])
bodies = st.text("0123456789", min_size=5, max_size=12)
separators = st.sampled_from(["", " ", "-", "(", ") ", "."])


def _read(read, text):
    try:
        return read(text)
    except InputError as exc:
        return exc.code


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(sorted(READERS)), prefixes, separators, bodies, separators)
def test_the_reader_agrees_with_normalize_phone(region, prefix, sep1, body, sep2):
    text = prefix + sep1 + body[:3] + sep2 + body[3:]
    assert _read(READERS[region], text) == _read(lambda t: normalize_phone(t, region), text)


@pytest.mark.parametrize("text,expected", [
    ("8 (916) 123-45-67", "+79161234567"), ("+7 926 000-11-22", "+79260001122"), ("89161234568", "+79161234568"),
    ("8 916 123 45 69", "+79161234569"), ("+7 (916) 123-45-70", "+79161234570"),
])
def test_numbers_of_a_learned_shape_read_right(text, expected):
    reader = PhoneReader("RU")
    reader("8 (916) 000-00-00"), reader("+7 916 000-00-01"), reader("89160000002")  # shapes learned
    assert reader(text) == expected
