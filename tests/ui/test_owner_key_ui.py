"""The owner finds their signing key in the window (More… → Owner's signing key…), for the hub's admin."""
from __future__ import annotations

from models.schema import Staff
from tests.ui.test_owner_screens import _more_items, owner_window  # noqa: F401  (a fixture)
from ui.owner_key_dialog import OwnerKeyDialog


def test_the_owner_sees_their_key_and_a_cashier_does_not(window, owner_window):  # noqa: F811
    assert "Owner's signing key…" not in _more_items(window)
    window._act(window.open_owner_key)  # even if reached another way: refused, in words
    assert window.message.kind() == "error" and window.dialog is None
    owner_window.show_more()
    entry = next(a for a in owner_window.more_menu.actions() if a.text() == "Owner's signing key…")
    entry.trigger()
    owner_window.more_menu.close()
    dialog = owner_window.dialog
    assert isinstance(dialog, OwnerKeyDialog)
    key = Staff.get(Staff.role == "owner").sign_key
    assert key and dialog.key.text() == key and key in dialog.how.text()
    assert dialog.copy.isEnabled()
