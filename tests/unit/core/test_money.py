from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from services.core.money import Money, allocate, parse_amount, percent, round_div


@given(st.integers(-10**12, 10**12), st.integers(1, 10**6))
def test_round_div_is_half_up_away_from_zero(n, d):
    exact = Fraction(n, d)
    got = round_div(n, d)
    assert abs(exact - got) <= Fraction(1, 2)
    if abs(exact - got) == Fraction(1, 2):
        assert abs(got) > abs(exact)  # ties go away from zero
    assert round_div(-n, d) == -got  # sign-aware


def test_round_div_examples():
    assert round_div(5, 2) == 3
    assert round_div(-5, 2) == -3
    assert round_div(4, 3) == 1
    assert percent(1999, 500) == 100  # 5 % of 19.99 = 0.9995 -> 1.00


amounts = st.integers(-10**9, 10**9)
weights = st.lists(st.integers(0, 10**7), min_size=1, max_size=30).filter(lambda w: sum(w) > 0)


@given(amounts, weights)
def test_allocate_sums_exactly_and_is_proportional(total, ws):
    parts = allocate(total, ws)
    assert sum(parts) == total
    for part, w in zip(parts, ws):
        exact = Fraction(total * w, sum(ws))
        assert abs(part - exact) < 1
        if w == 0:
            assert part == 0


@given(amounts, weights, st.randoms())
def test_allocate_does_not_depend_on_order(total, ws, rnd):
    keys = [f"k{i}" for i in range(len(ws))]
    pairs = list(zip(keys, ws))
    rnd.shuffle(pairs)
    shuffled = dict(zip([k for k, _ in pairs], allocate(total, [w for _, w in pairs], [k for k, _ in pairs])))
    assert shuffled == dict(zip(keys, allocate(total, ws, keys)))


def test_allocate_refuses_nonsense():
    with pytest.raises(ValueError):
        allocate(5, [0, 0])
    with pytest.raises(ValueError):
        allocate(5, [])


@pytest.mark.parametrize("text,minor", [("12,50", 1250), ("12.5", 1250), ("1 234,00", 123400), ("0", 0), ("7", 700)])
def test_parse_amount(text, minor):
    assert parse_amount(text) == minor


@pytest.mark.parametrize("text", ["abc", "1,234", "", "1.2.3", "inf", "-Infinity", "NaN", "sNaN", "1e30", "1e3", "99999999999"])
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_money_formats_by_locale_and_refuses_mixing():
    assert Money(123456, "RUB").format("ru_RU").replace("\xa0", " ").replace("\u202f", " ") == "1 234,56 ₽"
    assert Money(5000, "MDL").format("ro_RO").replace("\xa0", " ") == "50,00 MDL"
    assert Money(5000, "RON").format("ro_RO").replace("\xa0", " ") == "50,00 RON"
    assert Money(150, "EUR").format("en_GB") == "€1.50"
    with pytest.raises(ValueError):
        Money(1, "RUB") + Money(1, "EUR")
