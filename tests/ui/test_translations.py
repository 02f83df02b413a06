"""The window in Russian and Romanian: texts come from the one catalogue (services.core.messages),
including ui/cashier.py's self.tr() through the bridge translator, and Qt's own buttons."""
import pytest
from PySide6.QtCore import QCoreApplication

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
def test_install_translator_sets_the_catalogue_and_bridges_qt(language, lang, pay, points):
    from ui.formatting import Formatter

    assert language(lang)
    assert messages.language() == lang
    assert QCoreApplication.translate("CashierWindow", "Pay") == pay  # self.tr() in cashier.py
    assert messages._("Pay") == pay
    assert Formatter("RUB", "ru_RU").points(143) == points


def test_the_bridge_keeps_a_context_of_its_own(language):
    assert language("ru")
    assert QCoreApplication.translate("ProgrammeDialog", "Name") == "Название"
    assert QCoreApplication.translate("MemberFormDialog", "Name") == "Имя"
    assert QCoreApplication.translate("Anything", "not a LoyalTill text") == "not a LoyalTill text"


def test_english_is_the_source(language):
    assert language("ru") and language("en")
    assert messages.language() == "en" and QCoreApplication.translate("CashierWindow", "Pay") == "Pay"


def test_points_group_their_digits(language):
    from ui.formatting import Formatter

    assert language("ru")
    assert Formatter("RUB", "ru_RU").points(1234) == "1 234 балла"
    assert Formatter("RUB", "ru_RU").points(-21) == "−21 балл"
