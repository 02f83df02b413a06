"""Backup -> more sales and a sync -> restore -> sync: nothing quarantined, no
receipt or card number used twice, the hub has every sale (issue 10, item 4)."""
from __future__ import annotations

import pytest

from models.hub import AppliedOp, HubSale, Quarantine, hub_db
from models.schema import Card, Outbox, Sale, Staff, Till
from services.care import backup, restore
from services.members import registry as members
from services.sync import client as sync
from tests.hub.conftest import client, on_till
from tests.hub.tillkit import active_cards, sell, some_barcodes


def _numbers() -> tuple[set[str], set[str]]:
    return {s.receipt_no for s in Sale.select(Sale.receipt_no)}, {c.number for c in Card.select(Card.number)}


def _hub_counts() -> tuple[int, int, set[str]]:
    # The hub on main does not know audit entries yet (another part of this
    # round adds them): that one reason is not the restore's doing.
    with hub_db.connection_context():
        return (Quarantine.select().where(Quarantine.error != "unknown kind 'audit'").count(), AppliedOp.select().count(),
                {s.receipt_no for s in HubSale.select(HubSale.receipt_no)})


def _owner() -> Staff:
    return Staff.select().where(Staff.role == "owner").first()


@pytest.mark.parametrize("replaced", ["readable", "damaged"])
def test_backup_more_sales_restore_then_sync_quarantines_nothing(joined, hub_http, tmp_path, replaced):
    till_file, _, a_token, _ = joined
    saved = tmp_path / "till.loyaltill-backup"
    with on_till(till_file):
        bars = some_barcodes(2)
        cards = active_cards(2)
        sell(cards[0], [(bars[0], 1)])
        backup.backup_now(saved)  # its audit line is written after the copy: unsent in the live file only
        # After the backup: sales, a new member with a new card, all synced.
        for card in cards:
            sell(card, [(bars[1], 2)])
        members.register("Новый Покупатель", actor=_owner())
        assert sync.sync_once(client(hub_http, a_token)).pending == 0
        receipts_used, cards_used = _numbers()
        hub_seq = Till.get(Till.is_local == True).receipt_seq  # noqa: E712
    quarantined, applied_before, _ = _hub_counts()
    assert quarantined == 0 and hub_seq > 0

    if replaced == "damaged":  # the file being replaced cannot be read: the hub's count settles it
        data = bytearray(till_file.read_bytes())
        data[100:4096 * 3] = b"\xff" * (4096 * 3 - 100)
        till_file.write_bytes(data)
        for tail in ("-wal", "-shm"):
            till_file.with_name(till_file.name + tail).unlink(missing_ok=True)
    result = restore.restore(till_file, saved)
    assert result.kept_aside and result.replaced_readable == (replaced == "readable")

    with on_till(till_file):
        assert Sale.select().count() < len(receipts_used)  # the later sales are not in the backup
        sale = sell(cards[1], [(bars[0], 1)])
        _, card = members.register("Ещё Один", actor=_owner())
        if replaced == "readable":  # known at once from the replaced file; otherwise at the sync below
            assert sale.receipt_no not in receipts_used and card.number not in cards_used
        answer = sync.sync_once(client(hub_http, a_token))
        assert answer.pending == 0
        assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0
        later = sell(cards[0], [(bars[1], 1)])
        _, later_card = members.register("Третий", actor=_owner())
        assert sync.sync_once(client(hub_http, a_token)).pending == 0

    quarantined, applied_after, hub_receipts = _hub_counts()
    assert quarantined == 0
    assert applied_after > applied_before
    assert later.receipt_no not in receipts_used and later_card.number not in cards_used
    assert later.receipt_no in hub_receipts and sale.receipt_no in hub_receipts
    if replaced == "readable":
        assert sale.receipt_no in hub_receipts and card.number not in cards_used
