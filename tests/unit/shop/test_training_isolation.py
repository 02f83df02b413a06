"""Training mode: a cashier's practice sale, card, points and return reach no
ledger, outbox, figure or hub of the real shop."""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from models import db
from models.schema import Member, Outbox, Sale, Setting
from services.core.messages import words
from services.members import registry as members
from services.printing.receipts import load_receipt, receipt_rows
from services.programme import whatif
from services.programme.rules import active_rules
from services.sale import returns
from services.sale.checkout import Tender
from services.sale.session import SaleSession, complete
from services.shop import catalogue, training
from services.shop import staff as auth
from services.shop.settings import shop_info
from services.sync import client as sync
from services.sync.client import SyncError
from tests.unit.sync.fakehub import URL, FakeHub

TABLES = ("sale", "sale_line", "payment", "ledger_entry", "outbox", "member", "card", "sale_return", "audit_entry",
          "parked_sale")


def real_state(path: Path) -> dict[str, object]:
    """The real file as another program would read it: counts, balances, unsent ops."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        state: dict[str, object] = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        state["unsent"] = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        state["balances"] = conn.execute("SELECT SUM(balance), SUM(ABS(balance)) FROM member").fetchone()
        state["ledger"] = conn.execute("SELECT SUM(delta) FROM ledger_entry").fetchone()[0]
        state["receipt_seq"] = conn.execute("SELECT receipt_seq FROM till WHERE is_local").fetchone()[0]
    return state


def figures() -> dict[str, object]:
    """The owner's figures: what the what-if reports as actual for the whole history."""
    return whatif.simulate(active_rules()).actual.as_json()


def practice_sale(cashier) -> tuple[object, Member]:
    """Register a member, put them and two products on a sale, pay part with points."""
    member, card = members.register("Practice Customer", "+79990001122", actor=cashier)
    members.adjust_balance(member, 500, "practice points", actor=auth.first_of_role("owner"))
    session = SaleSession(cashier, shop_info().card_prefix)
    session.scan(card.number)
    for product in catalogue.quick_keys()[:2]:
        session.add_product(product.barcode, 2)
    session.set_redeem(session.max_redeem)
    assert session.cart.redeem > 0
    result = complete(session.order([Tender("card", session.to_pay)]))
    return result, member


def test_a_training_sale_reaches_no_ledger_outbox_report_or_sync_of_the_real_file(demo_db):
    hub = FakeHub()
    sync.configure(URL, hub.token)  # the real till is in a chain
    real = Path(db.obj.database)
    before, numbers = real_state(real), figures()
    cashier = auth.login("3333")

    assert training.start() == real
    copy = training.copy_path(real)
    assert Path(db.obj.database) == copy and copy.exists()
    assert training.is_training() and training.real_file() == real.resolve()
    assert Outbox.select().count() == 0 and sync.configured() is None
    assert not Setting.select().where(Setting.key == "sync_token").exists()

    result, member = practice_sale(cashier)
    assert Sale.get_by_id(result.sale_id).points_redeemed > 0 and Sale.select().count() == before["sale"] + 1
    assert Outbox.select().count() > 0  # the copy queues as a till does...
    with pytest.raises(SyncError) as refused:  # ...but nothing in it ever reaches the hub
        sync.sync_once(hub.client())
    assert refused.value.code == "training_no_sync" and hub.routes() == []
    done = returns.return_items(result.receipt_no, actor=cashier, authoriser=auth.login("222222"))
    assert done.refund > 0
    rows = [row.left for row in receipt_rows(load_receipt(result.receipt_no))]
    mark = words(shop_info().language).pgettext("receipt", "*** TRAINING — NOT A RECEIPT ***")
    assert rows[0] == rows[-1] == mark == "*** ОБУЧЕНИЕ — НЕ ЧЕК ***"  # the demo shop is Russian
    assert figures() != numbers  # the practice is in the copy's own figures

    assert real_state(real) == before  # read from disk while training: untouched

    assert training.leave() == real
    assert Path(db.obj.database) == real and not training.is_training()
    assert not copy.exists()
    assert real_state(real) == before and figures() == numbers
    assert Member.get_or_none(Member.id == member.id) is None
    assert sync.configured() == (URL, hub.token)


def test_a_real_receipt_is_not_marked(demo_db):
    sale = Sale.select().order_by(Sale.created_at.desc()).first()
    rows = [row.left for row in receipt_rows(load_receipt(sale.receipt_no))]
    assert not any("TRAINING" in text or "ОБУЧЕНИЕ" in text for text in rows)


def test_training_twice_is_refused_and_the_copy_starts_afresh(demo_db):
    training.start()
    with pytest.raises(Exception) as nested:
        training.start()
    assert getattr(nested.value, "code", "") == "training_nested"
    practice_sale(auth.login("3333"))
    practised = Sale.select().count()
    training.leave()
    training.start()
    assert Sale.select().count() == practised - 1  # a fresh copy of the real shop, not the old practice
    training.leave()


def test_cards_printed_in_training_are_stamped(demo_db, resources):
    from services.printing.cardsheet import card_style, next_blank_faces, render_cards_pdf

    def text() -> str:
        import io

        import pdfplumber

        data, _pages = render_cards_pdf(next_blank_faces(2), resources, card_style())
        with pdfplumber.open(io.BytesIO(data)) as doc:
            return doc.pages[0].extract_text() or ""

    assert "ОБУЧЕНИЕ" not in text()
    training.start()
    assert text().count("ОБУЧЕНИЕ") == 2
    training.leave()


def test_training_receipts_have_their_own_series_and_no_barcode(demo_db):
    from services.core.errors import NotFound
    from services.programme import loyalty
    from services.shop.settings import local_till, set_setting

    set_setting("expiry_till", local_till().code)  # this till writes expiry: its copy does too
    real_code = local_till().code
    last = Sale.select().order_by(Sale.created_at.desc()).first()
    training.start()
    assert loyalty.expires_here()
    result, _ = practice_sale(auth.login("3333"))
    assert result.receipt_no.startswith(f"TR-{real_code}-")
    receipt = load_receipt(result.receipt_no)
    assert receipt.barcode is None and not any(row.kind == "barcode" for row in receipt_rows(receipt))
    training.leave()
    assert local_till().code == real_code and load_receipt(last.receipt_no).barcode  # a real one keeps its code
    with pytest.raises(NotFound) as unknown:  # a real till never finds a practice receipt
        returns.find_sale(result.receipt_no)
    assert unknown.value.code == "sale_training" and result.receipt_no in str(unknown.value)
