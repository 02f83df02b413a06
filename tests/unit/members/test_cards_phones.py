import pytest

from services.members.cards import classify_scan, ean13_check_digit, is_valid_ean13, make_card_number
from services.core.errors import InputError
from services.members.phones import normalize_phone


def test_check_digit_known_values():
    assert ean13_check_digit("400638133393") == 1  # a published EAN-13: 4006381333931
    assert ean13_check_digit("460123456789") == 3
    assert is_valid_ean13("4006381333931")
    assert not is_valid_ean13("4006381333932")


def test_card_numbers_are_valid_and_unique_per_till():
    a = make_card_number("27", 1, 1)
    b = make_card_number("27", 2, 1)
    assert a != b and is_valid_ean13(a) and is_valid_ean13(b)
    assert a.startswith("27001") and b.startswith("27002")


def test_every_single_digit_error_is_caught():
    number = make_card_number("27", 1, 12345)
    for pos in range(13):
        for digit in "0123456789":
            if digit != number[pos]:
                assert not is_valid_ean13(number[:pos] + digit + number[pos + 1:])


def test_classify_scan():
    card = make_card_number("27", 1, 5)
    assert classify_scan(card, "27").kind == "card"
    assert classify_scan(card[:-1] + str((int(card[-1]) + 1) % 10), "27").kind == "bad_card"
    assert classify_scan("4006381333931", "27").kind == "product"


def test_bad_prefix_refused():
    with pytest.raises(InputError):
        make_card_number("46", 1, 1)


@pytest.mark.parametrize("text,region,e164", [
    ("+7 999 123-45-67", "RU", "+79991234567"),
    ("89991234567", "RU", "+79991234567"),
    ("8 (999) 123 45 67", "RU", "+79991234567"),
    ("0722 12 345", "MD", "+37372212345"),
    ("069 123 456", "MD", "+37369123456"),
    ("0722 123 456", "RO", "+40722123456"),
    ("+373 69 123 456", "RU", "+37369123456"),
])
def test_phone_formats(text, region, e164):
    assert normalize_phone(text, region) == e164


@pytest.mark.parametrize("text", ["", "12", "hello"])
def test_bad_phones(text):
    with pytest.raises(InputError):
        normalize_phone(text, "RU")


def test_check_digit_is_the_weighted_sum_for_any_digits():
    """The byte-sum shortcut for ASCII and the int() path for other scripts agree with GS1's rule."""
    import random

    rng = random.Random(3)
    arabic = "٠١٢٣٤٥٦٧٨٩"
    for _ in range(2000):
        digits = [rng.randrange(10) for _ in range(12)]
        expected = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
        assert ean13_check_digit("".join(map(str, digits))) == expected
        assert ean13_check_digit("".join(arabic[d] for d in digits)) == expected
