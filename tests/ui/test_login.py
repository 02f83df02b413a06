"""The sign-in screen: a name, then a PIN checked in the background; the lock's countdown;
a new PIN for an owner whose PIN is too short; the demo's PINs only on the demo."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from PySide6.QtCore import Qt

from models.schema import Staff
from services.journal import audit
from services.shop import staff as auth
from tests.ui.conftest import RESOURCES

SHOTS = Path("/tmp/shots/pins")


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 28, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now


def type_pin(qtbot, dialog, pin: str, signal) -> None:
    qtbot.keyClicks(dialog.pad.field, pin)
    with qtbot.waitSignal(signal, timeout=15_000):
        qtbot.keyClick(dialog.pad.field, Qt.Key.Key_Return)


def test_choose_your_name_then_your_pin(qtbot, app_styled, shop_db):
    from ui.login import LoginDialog

    clock = FakeClock()
    dialog = LoginDialog("Shop", clock=clock)
    qtbot.addWidget(dialog)
    names = [p.name for p in dialog.people]
    assert len(names) == 3 and dialog.chosen() is not None
    cashier = auth.first_of_role("cashier")
    dialog.choose(str(cashier.id))
    type_pin(qtbot, dialog, "9999", dialog.refused)
    assert dialog.staff is None and dialog.error.text() == "Wrong PIN."
    assert [e.target for e in audit.entries(action="sign_in_failed")] == [cashier.name]
    type_pin(qtbot, dialog, "3333", dialog.signed_in)
    assert dialog.staff is not None and dialog.staff.id == cashier.id
    # The next time, the one who signed in last is already chosen.
    again = LoginDialog("Shop", clock=clock)
    qtbot.addWidget(again)
    assert again.chosen().id == cashier.id


def test_the_lock_counts_down_and_survives_a_new_screen(qtbot, app_styled, shop_db):
    from ui.login import LoginDialog

    clock = FakeClock()
    dialog = LoginDialog("Shop", clock=clock)
    qtbot.addWidget(dialog)
    dialog.choose(str(auth.first_of_role("cashier").id))
    for _ in range(5):
        type_pin(qtbot, dialog, "0000", dialog.refused)
    assert dialog.error.text() == "Too many wrong PINs: sign-in is locked. Try again in 30 s."
    assert not dialog.pad.isEnabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "login_locked_en.png"))
    clock.now += dt.timedelta(seconds=12)
    dialog.show_lock()  # what the countdown's timer calls each second
    assert dialog.error.text().endswith("18 s.")
    fresh = LoginDialog("Shop", clock=clock)  # a restart does not open it
    qtbot.addWidget(fresh)
    assert not fresh.pad.isEnabled() and fresh.error.text().endswith("18 s.")
    clock.now += dt.timedelta(seconds=18)
    fresh.show_lock()
    assert fresh.pad.isEnabled() and fresh.error.text() == ""
    type_pin(qtbot, fresh, "3333", fresh.signed_in)


def test_an_owner_with_a_short_pin_chooses_a_new_one(qtbot, app_styled, shop_db):
    from ui.login import LoginDialog, NewPinDialog

    owner = auth.first_of_role("owner")
    salt = b"0123456789abcdef"
    Staff.update(pin_hash=hashlib.pbkdf2_hmac("sha256", b"1111", salt, 20_000), pin_salt=salt).where(
        Staff.id == owner.id).execute()
    dialog = LoginDialog("Shop")
    qtbot.addWidget(dialog)
    dialog.choose(str(owner.id))
    qtbot.keyClicks(dialog.pad.field, "1111")
    qtbot.keyClick(dialog.pad.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(dialog, "new_pin_dialog", None) is not None, timeout=15_000)
    new_pin = dialog.new_pin_dialog
    assert isinstance(new_pin, NewPinDialog) and dialog.staff is None
    new_pin.grab().save(str(SHOTS / "new_pin_en.png"))
    new_pin.pin.setText("1234")
    new_pin.pin_again.setText("1234")
    new_pin.save()
    assert new_pin.error.text() == "This PIN must have 6 to 8 digits."
    new_pin.pin.setText("864209")
    new_pin.pin_again.setText("864209")
    with qtbot.waitSignal(dialog.signed_in, timeout=15_000):
        new_pin.save()
    assert dialog.staff.id == owner.id
    assert auth.login("864209", owner).id == owner.id
    assert [e.target for e in audit.entries(action="pin_changed")] == [owner.name]


def test_the_demo_shows_its_pins_and_a_real_shop_does_not(qtbot, app_styled, shop_db):
    from services.demo.builder import demo_pins
    from services.core import messages
    from ui.login import LoginDialog

    pins = demo_pins(RESOURCES)
    assert pins == {"owner": "111111", "manager": "222222", "cashier": "3333"}
    real = LoginDialog("Shop")
    qtbot.addWidget(real)
    assert "111111" not in " ".join(w.text() for w in real.findChildren(type(real.error)))
    messages.set_language("ru")
    try:
        demo = LoginDialog("Продукты у дома", demo_pins=pins)
        qtbot.addWidget(demo)
        texts = " ".join(w.text() for w in demo.findChildren(type(demo.error)))
        assert "111111" in texts and "222222" in texts and "Demo" not in texts
        demo.resize(560, demo.sizeHint().height())
        demo.grab().save(str(SHOTS / "login_demo_ru.png"))
    finally:
        messages.set_language("en")
