"""The cashier's guide: one A4 page, read back from the PDF in each language,
with the programme's own figures in it."""
from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from services.printing.guide import build_guide, percent, render_guide_pdf, write_guide_pdf
from services.programme.rules import active_rules, publish

# A phrase from each part of the page, as the shop's language says it.
EXPECTED = {
    "en": ["Cashier’s guide", "Offer the card", "Explain the points", "What to say at the till",
           "Do you have our loyalty card?", "5% of every purchase", "One point pays", "up to 30% of a bill"],
    "ru": ["Памятка кассира", "Предложите карту", "Объясните баллы", "Что говорить на кассе",
           "У вас есть наша карта", "5 % от каждой покупки", "Один балл — это 1,00 ₽", "до 30 % чека"],
    "ro": ["Ghidul casierului", "Oferiți cardul", "Explicați punctele", "Ce spuneți la casă",
           "Aveți cardul nostru", "5 % din fiecare cumpărătură", "Un punct valorează 1,00", "până la 30 % din bon"],
}


def pdf_text(data: bytes) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return len(doc.pages), " ".join((page.extract_text() or "") for page in doc.pages)


@pytest.mark.parametrize("language", ["ru", "ro", "en"])
def test_the_guide_reads_back_in_each_language(shop, resources, tmp_path, language):
    path = write_guide_pdf(tmp_path / f"guide-{language}.pdf", resources, language)
    pages, text = pdf_text(path.read_bytes())
    text = " ".join(text.split())
    assert pages == 1
    for phrase in EXPECTED[language]:
        assert phrase.replace("\u00a0", " ") in text.replace("\u00a0", " "), (language, phrase)
    others = [p for lang, phrases in EXPECTED.items() if lang != language for p in phrases[:2]]
    assert not any(p in text for p in others)


def test_the_guide_follows_the_programme_in_force(shop):
    rules = dataclasses.replace(active_rules(), earn_bp=0, discount_bp=350, welcome_points=200, tiers=())
    guide = build_guide(rules, "en", "Corner shop", "MDL")
    lines = [line for section in guide.sections for line in section.lines]
    assert any("3.5% cheaper" in line for line in lines)
    assert not any("back in points" in line for line in lines)
    assert any("200 points as a welcome gift" in line for line in lines)
    assert not any("level" in line for line in lines)
    assert guide.subtitle.startswith("Corner shop")


def test_a_published_programme_changes_the_page(shop, resources):
    publish(dataclasses.replace(active_rules(), earn_bp=1000, name="Ten back"))
    _, text = pdf_text(render_guide_pdf(build_guide(active_rules(), "en", "Shop", "RUB"), resources))
    assert "10% of every purchase" in " ".join(text.split()) and "Ten back" in text


@pytest.mark.parametrize("bp, language, text", [(500, "ru", "5\u00a0%"), (250, "ro", "2,5\u00a0%"),
                                                (1234, "en", "12.34%"), (10000, "en", "100%")])
def test_percent(bp, language, text):
    assert percent(bp, language) == text


@pytest.mark.parametrize("language", ["ru", "ro", "en"])
def test_the_fullest_programme_still_fits_one_page(shop, resources, language):
    rules = dataclasses.replace(active_rules(), discount_bp=300, earn_bp=500, welcome_points=100)
    pages, text = pdf_text(render_guide_pdf(build_guide(rules, language, "Продукты у дома", "RUB"), resources))
    assert pages == 1 and ("100" in text)


def _lines(guide) -> list[str]:
    return [line for section in guide.sections for line in section.lines]


def test_a_till_alone_is_never_told_it_is_offline_and_one_in_a_chain_is(shop):
    alone, chained = (_lines(build_guide(active_rules(), "en", "Shop", "MDL", in_chain=flag)) for flag in (False, True))
    assert not any("offline" in line for line in alone)
    assert any("offline" in line for line in chained)


def test_shop_guide_reads_the_hub_and_the_excluded_goods_from_the_shop(shop):
    from services.shop import catalogue
    from services.shop.settings import set_setting
    from services.printing.guide import shop_guide

    lines = _lines(shop_guide("en"))
    assert any("5% of every purchase" in line for line in lines) and not any("offline" in line for line in lines)
    catalogue.add_category(shop["owner"], "Tobacco", loyalty_excluded=True)
    set_setting("sync_hub_url", "https://hub.example")
    lines = _lines(shop_guide("en"))
    assert any("5% back in points on most goods" in line for line in lines)
    assert not any("every purchase" in line for line in lines)
    assert any("offline" in line for line in lines)


def test_the_guide_says_when_points_start_to_pay_and_advises_the_cashier_without_quoting(shop):
    rules = dataclasses.replace(active_rules(), redeem_min_balance=100, discount_bp=300, excluded_products=("1",))
    for language, words in (("en", "100 points"), ("ru", "100 баллов"), ("ro", "100 de puncte")):
        guide = build_guide(rules, language, "Shop", "RUB")
        assert any(words in line for line in _lines(guide)), language
        refusal = guide.sections[2].lines[-1]  # what to say at the till: last, when the card is refused
        assert "“" not in refusal and "«" not in refusal and "„" not in refusal, refusal
    assert any("most goods in today’s purchase are already 3% cheaper" in line
               for line in _lines(build_guide(rules, "en", "Shop", "RUB")))
