"""The window in Russian and Romanian: texts come from the one catalogue (services.core.messages),
and Qt's own buttons from Qt's translations."""
import pytest

from services.core import messages


@pytest.fixture
def language(app_styled):
    from tests.ui.conftest import RESOURCES
    from ui.app import install_translator

    def use(lang: str) -> bool:
        return install_translator(app_styled, RESOURCES, lang)

    yield use
    use("en")


@pytest.mark.parametrize("lang, pay, points", [("ru", "Оплата", "143 балла"), ("ro", "Plată", "143 de puncte")])
def test_install_translator_sets_the_catalogue(language, lang, pay, points):
    from ui.formatting import Formatter

    assert language(lang)
    assert messages.language() == lang
    assert messages._("Pay") == pay
    assert Formatter("RUB", "ru_RU").points(143) == points


def test_the_cashier_window_speaks_the_catalogue(qtbot, language, cashier):
    from tests.ui.conftest import RESOURCES
    from ui.cashier import CashierWindow

    assert language("ru")
    window = CashierWindow(cashier, RESOURCES)
    qtbot.addWidget(window)
    assert window.pay_button.caption.text() == "Оплата"
    assert window.input.placeholderText() == messages._("Scan or type barcode, name, SKU — Enter adds")
    assert window.input.placeholderText() != "Scan or type barcode, name, SKU — Enter adds"


def test_one_text_keeps_a_context_of_its_own(language):
    assert language("ru")
    assert messages.pgettext("ProgrammeDialog", "Name") == "Название"
    assert messages.pgettext("MemberFormDialog", "Name") == "Имя"
    assert messages._("not a LoyalTill text") == "not a LoyalTill text"


def test_english_is_the_source(language):
    assert language("ru") and language("en")
    assert messages.language() == "en" and messages._("Pay") == "Pay"


def test_points_group_their_digits(language):
    from ui.formatting import Formatter

    assert language("ru")
    assert Formatter("RUB", "ru_RU").points(1234) == "1 234 балла"
    assert Formatter("RUB", "ru_RU").points(-21) == "−21 балл"
