"""The one catalogue: plural forms, and every error a service raises worded in ru and ro."""
import ast
import re
import string
from pathlib import Path

import pytest

from services.core import messages
from services.core.error_texts import FIELD_LABELS, TEXTS, render
from services.core.errors import InputError
from services.core.storage import _ENVIRONMENT

ROOT = Path(__file__).resolve().parents[3]
ERRORS = {"InputError", "NotFound", "PermissionDenied", "RedeemRefused", "StorageError", "PrinterError", "SyncError"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    messages.set_language("en")


@pytest.mark.parametrize("n, text", [
    (1, "1 балл"), (2, "2 балла"), (5, "5 баллов"), (11, "11 баллов"), (21, "21 балл"),
    (12, "12 баллов"), (22, "22 балла"), (111, "111 баллов"), (0, "0 баллов"), (-3, "-3 балла"),
])
def test_russian_points(n, text):
    assert messages.points_text(n, lang="ru") == text


@pytest.mark.parametrize("n, text", [
    # 101 ends in 01: Romanian (and the catalogue's Plural-Forms) puts no "de" there, as for 2–19.
    (1, "1 punct"), (2, "2 puncte"), (19, "19 puncte"), (20, "20 de puncte"), (101, "101 puncte"),
    (120, "120 de puncte"),
])
def test_romanian_points(n, text):
    assert messages.points_text(n, lang="ro") == text


def test_english_points_and_the_callers_digits():
    assert messages.points_text(1, lang="en") == "1 point"
    assert messages.points_text(5, lang="en") == "5 points"
    assert messages.points_text(1234, "1\u202f234", lang="ru") == "1\u202f234 балла"


def test_the_current_language_and_unknown_ones():
    messages.set_language("ru")
    assert messages.language() == "ru"
    assert messages._("Pay") == "Оплата" and messages.ngettext("{n} point", "{n} points", 3) == "{n} балла"
    assert messages.pgettext("receipt", "TOTAL") == "ИТОГО"
    messages.set_language("de")
    assert messages.language() == "en" and messages._("Pay") == "Pay"


def test_tiers_and_roles():
    assert messages.tier_text("Gold", lang="ru") == "Золотой"
    assert messages.tier_text("Platinum", lang="ro") == "Platină"
    assert messages.tier_text("Regulars", lang="ru") == "Regulars"  # the owner's own name
    assert messages.role_text("owner", lang="ru") == "владелец"
    messages.set_language("ro")
    assert messages.role_text("cashier") == "casier" and messages.tier_text("Base") == "De bază"


def test_error_text_keeps_the_old_behaviours():
    ru = lambda exc: messages.error_text(exc, "ru")  # noqa: E731
    assert "100" in ru(InputError("redeem_min_balance", least=100, balance=15))
    owner = ru(InputError("needs_role", role="owner"))
    assert owner == messages.error_text(InputError("needs_owner"), "ru") != ru(InputError("needs_role", role="manager"))
    assert ru(InputError("rule_negative", field="welcome_points")).startswith(
        messages.words("ru")._(FIELD_LABELS["welcome_points"]))
    # a template whose value is missing falls back to the English sentence rather than failing
    assert messages.error_text(InputError("card_unknown"), "ru") == "Card {card} is not known to this shop."
    assert str(InputError("not_a_code")) == "not_a_code"  # a code the catalogue lacks shows as itself
    with pytest.raises(TypeError):
        InputError("a sentence of its own", "not_a_code")  # one text per code, in the catalogue: no second copy


def test_input_error_prints_the_english_template():
    exc = InputError("card_unknown", card="2700")
    assert str(exc) == "Card 2700 is not known to this shop." and exc.code == "card_unknown"
    assert "2700" in messages.error_text(exc, "ru") and messages.error_text(exc, "ru") != str(exc)


# --- every code the services raise ------------------------------------------------------------


def raised() -> dict[str, set[str]]:
    """code -> the param names some raise passes (AST scan of services/ and ui/)."""
    found: dict[str, set[str]] = {}
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "main.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name in ERRORS and node.args:
                code = node.args[-1] if len(node.args) <= 2 else None
            elif name == "bad" and node.args:
                code = node.args[0]
            else:
                continue
            keys = {k.arg for k in node.keywords if k.arg}
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.setdefault(code.value, set()).update(keys)
            elif isinstance(code, ast.JoinedStr):  # rules' f"{what}_dates_order"
                tail = "".join(v.value for v in code.values if isinstance(v, ast.Constant))
                for what in ("promo", "coupon"):
                    found.setdefault(what + tail, set()).update(keys)
    for code in _ENVIRONMENT.values():
        found.setdefault(code, set())
    return found


def fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_raised_code_has_one_english_sentence():
    codes = raised()
    assert len(codes) > 100 and "card_check_digit" in codes and "storage_full" in codes and "promo_expired" in codes
    assert set(codes) - set(TEXTS) == set()
    short = {code: fields(TEXTS[code]) - params for code, params in codes.items() if fields(TEXTS[code]) - params}
    assert short == {}  # a raise that lacks a value its sentence names


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_every_error_sentence_is_translated_with_the_same_names(lang):
    words = messages.words(lang)
    assert words.loaded
    untranslated, wrong_names = [], []
    for code, template in TEXTS.items():
        text = words._(template)
        if not text.strip() or text == template:
            untranslated.append(code)
        elif fields(text) != fields(template):
            wrong_names.append(code)
    assert untranslated == [] and wrong_names == []
    for field, label in FIELD_LABELS.items():
        assert words._(label) != label, field


def test_render_falls_back_to_english_when_a_translation_is_broken():
    broken = lambda text: "{nonsense}" if text == TEXTS["qty_range"] else text  # noqa: E731
    assert render("qty_range", {"max": 99}, broken) == "Quantity must be 1 to 99."
    assert render("no_such_code", {}) is None
    assert re.search(r"\d", render("qty_range", {"max": 99}) or "")


def test_the_command_line_names_the_setting_the_screen_labels_it():
    exc = InputError("rule_negative", field="welcome_points")
    assert str(exc) == "welcome_points cannot be negative."  # as the rules file spells it
    assert messages.error_text(exc, "en") == "Welcome bonus cannot be negative."
