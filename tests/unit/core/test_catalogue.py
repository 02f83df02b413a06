"""The committed catalogue: .mo files compiled from the current .po, and every text in the
code (as `pybabel extract` finds it) translated into Russian and Romanian."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
LOCALES = ROOT / "resources" / "translations"
# The keywords resources/translations/update.sh gives pybabel.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


def catalogue(lang: str):
    with (LOCALES / lang / "LC_MESSAGES" / "loyaltill.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def as_pairs(cat) -> dict:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
            m.string if isinstance(m.string, str) else tuple(m.string) for m in cat if m.id}


def extracted() -> set:
    found = set()
    for folder in ("ui", "services"):
        for _file, _line, msgid, _comments, context in extract_from_dir(
                ROOT / folder, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True):
            found.add((context, msgid if isinstance(msgid, str) else tuple(msgid)))
    return found


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_mo_is_compiled_from_the_po(lang):
    with (LOCALES / lang / "LC_MESSAGES" / "loyaltill.mo").open("rb") as handle:
        compiled = as_pairs(read_mo(handle))
    source = {key: text for key, text in as_pairs(catalogue(lang)).items() if text and any(text)}
    assert len(source) > 500
    assert compiled == source, "run resources/translations/update.sh and commit the .mo"


@pytest.mark.parametrize("lang, forms", [("ru", 3), ("ro", 3)])
def test_plural_forms_header(lang, forms):
    cat = catalogue(lang)
    assert cat.num_plurals == forms
    assert "n % 10 == 1" in cat.plural_expr if lang == "ru" else "n % 100" in cat.plural_expr


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_every_text_in_the_code_is_translated(lang):
    texts = extracted()
    assert len(texts) > 500 and ("receipt", "TOTAL") in texts and (None, ("{n} point", "{n} points")) in texts
    translations = as_pairs(catalogue(lang))
    missing = sorted(str(key) for key in texts
                     if not (text := translations.get(key)) or not all(text if isinstance(text, tuple) else [text]))
    assert missing == []


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_the_compiler_finds_nothing_wrong_in_a_translation(lang):
    # pybabel compile reports these and compiles anyway: a text that looks like a Python
    # %-format ("20% of") has its translation checked as one, and a mismatch is an error.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue(lang).check()]
    assert problems == []
