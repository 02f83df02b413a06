"""A member's personal data: the export holds everything, the erasure leaves none
of it anywhere in the till's file and the books exactly as they were."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import uuid

import pytest

from models import db, write_transaction
from models.schema import AuditEntry, Card, LedgerEntry, Member, Outbox, PendingPoints, Sale, SyncedRow
from services.core.errors import InputError, PermissionDenied
from services.core.serialize import row_dict
from services.journal import outbox
from services.members import registry
from services.programme import ledger, loyalty
from services.reach import privacy, privacy_files
from services.sale import returns
from services.sale.checkout import Cart
from tests.unit.shopkit import add_member, add_products, sell_by_card

NOW = dt.datetime(2026, 12, 7, 9, 0)
NAME, PHONE, EMAIL, NOTE, REF = "Ана-Мария Țăranu", "+79161234567", "ana.taranu@example.md", "likes ș and ț", "OLD-77123"
BIRTHDAY = dt.date(1985, 3, 14)


class FakeHolder:
    """A module of issue 14 (occasions, feedback...) as privacy sees it."""

    def __init__(self) -> None:
        self.held: dict[str, dict] = {}
        self.erased: list[tuple[str, dt.datetime]] = []

    def personal_data(self, member_id: uuid.UUID) -> dict:
        return self.held.get(str(member_id), {})

    def erase_personal(self, member_id: uuid.UUID, *, now: dt.datetime) -> None:
        self.erased.append((str(member_id), now))
        self.held[str(member_id)] = {"occasions": [{"who": "", "day": "2026-12-12"}]}


@pytest.fixture
def story(shop):
    """A member with every kind of record: sales (one partly returned), points, a blocked
    card and its replacement, an adjustment, an imported e-mail, note and old id."""
    goods = add_products([("Хлеб", 4590, False), ("Molid", 8990, False)])
    member, card = add_member(NAME, shop["cashier"], PHONE, points=300, manager=shop["manager"])
    other, _ = add_member("Иван Другой", shop["cashier"], "+79160000001")
    with write_transaction():
        Member.update(email=EMAIL, note=NOTE, external_ref=REF, birthday=BIRTHDAY,
                      marketing_consent=True).where(Member.id == member.id).execute()
        outbox.record("member", row_dict(Member.get_by_id(member.id)))
    sales = []
    for items in ((goods[0], 2), (goods[1], 1), (goods[0], 1)):
        cart = Cart(member=registry.reload(member))
        cart.add_barcode(*items)
        sales.append(sell_by_card(cart, shop["cashier"]))
    returns.return_items(sales[1].receipt_no, actor=shop["manager"])
    registry.replace_card(registry.reload(member), actor=shop["manager"])
    with write_transaction():  # points of the last sale not spendable for two weeks yet
        PendingPoints.create(member=member.id, sale=Sale.get(Sale.receipt_no == sales[2].receipt_no).id, points=7,
                             available_at=NOW + dt.timedelta(days=14), created_at=NOW)
    cart = Cart(member=registry.reload(other))
    cart.add_barcode(goods[1], 1)
    sell_by_card(cart, shop["cashier"])
    return {"member": registry.reload(member), "first_card": card, "sales": sales, "other": other}


def _books() -> dict:
    query = db.obj.execute_sql
    return {
        "sales": query("SELECT count(*), sum(subtotal), sum(discount), sum(total), sum(paid_money), "
                       "sum(points_earned), sum(points_redeemed), group_concat(card_number) FROM sale").fetchone(),
        "lines": query("SELECT count(*), sum(gross), sum(discount), sum(qty) FROM sale_line").fetchone(),
        "payments": query("SELECT count(*), sum(amount), sum(tendered) FROM payment").fetchone(),
        "returns": query("SELECT count(*), sum(refund), sum(points_reversed) FROM sale_return").fetchone(),
        "ledger": sorted(query("SELECT hex(id), kind, delta, hex(member_id) FROM ledger_entry").fetchall()),
    }


def _texts_in_file() -> list[tuple[str, str, str]]:
    """Every text (and blob read as text) of every table of the till's file."""
    out = []
    tables = [r[0] for r in db.obj.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    for table in tables:
        cursor = db.obj.execute_sql(f'SELECT * FROM "{table}"')
        names = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            for name, value in zip(names, row):
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "ignore")
                if isinstance(value, str):
                    out.append((table, name, value))
    return out


PERSONAL = (NAME, NAME.casefold(), PHONE, PHONE[2:], EMAIL, NOTE, REF, BIRTHDAY.isoformat())


def _found(strings=PERSONAL) -> list[tuple[str, str, str]]:
    return [(t, c, s) for t, c, v in _texts_in_file() for s in strings if s in v]


def test_the_scan_finds_the_member_before_the_erasure(story):
    """The scan the erasure test relies on sees the member everywhere they are."""
    places = {(t, c) for t, c, _ in _found()}
    assert {("member", "name"), ("member", "phone"), ("member", "email"), ("outbox", "payload"),
            ("synced_row", "doc"), ("audit_entry", "details")} <= places


def test_erase_leaves_no_personal_field_and_the_books_unchanged(story, shop):
    member = story["member"]
    balance = member.balance
    assert balance > 0
    books = _books()
    holder = FakeHolder()
    holder.held[str(member.id)] = {"occasions": [{"who": "sister Oana", "day": "2026-12-12"}]}
    done = privacy.erase(member, actor=shop["owner"], now=NOW, holders=[holder])
    assert _found() == []
    assert holder.erased == [(str(member.id), NOW)]
    after = _books()
    # Sales, lines, payments, returns as they were; every ledger entry kept; one "adjust" brings the balance to 0.
    assert {k: after[k] for k in ("sales", "lines", "payments", "returns")} == \
        {k: books[k] for k in ("sales", "lines", "payments", "returns")}
    added = {row[1]: row[2] for row in set(after["ledger"]) - set(books["ledger"])}
    assert set(books["ledger"]) <= set(after["ledger"])
    # The pending 7 become spendable, then the whole balance is closed by one adjustment.
    assert added == {"release": 7, "adjust": -(balance + 7)}
    assert loyalty.pending_total(member.id) == 0
    fresh = Member.get_by_id(member.id)
    assert fresh.balance == ledger.ledger_balance(member.id) == 0
    assert (fresh.name, fresh.phone, fresh.email, fresh.birthday, fresh.note, fresh.external_ref) == \
        (privacy.erased_name(), None, None, None, "", None)
    assert fresh.marketing_consent is False and fresh.erased_at == NOW
    assert done == {"member_id": str(member.id), "points_zeroed": balance + 7, "cards_blocked": 1, "holders": ["FakeHolder"]}
    # Cards kept as numbers (the sales name them), all blocked.
    cards = list(Card.select().where(Card.member == member.id))
    assert len(cards) == 2 and {c.status for c in cards} == {"blocked"}
    # The sales keep their card numbers: a number alone names nobody.
    assert story["first_card"].number in after["sales"][-1]


def test_erased_member_is_not_found_by_old_phone_or_name_and_not_in_campaigns(story, shop):
    member = story["member"]
    assert [m.id for m in registry.search(PHONE)] == [member.id]
    assert member.id in [m.id for m in registry.search("Ана-Мария")]
    privacy.erase(member, actor=shop["owner"], now=NOW)
    assert registry.search(PHONE) == [] and registry.search("4567") == []
    assert registry.search("Ана-Мария") == [] and registry.search("Țăranu") == []
    assert registry.find_by_phone(PHONE) == []
    # The consent goes with the rest: no campaign reaches them.
    assert not Member.select().where((Member.id == member.id) & (Member.marketing_consent == True)).exists()  # noqa: E712
    with pytest.raises(InputError) as found:
        registry.find_by_card(story["first_card"].number)
    assert found.value.code == "card_of_erased"  # blocked by the erasure, not "reported lost"


def test_erase_is_synced_as_a_member_edit_with_fresh_clocks(story, shop):
    member = story["member"]
    last = Outbox.select().order_by(Outbox.seq.desc()).first().seq
    privacy.erase(member, actor=shop["owner"], now=NOW)
    ops = list(Outbox.select().where(Outbox.seq > last).order_by(Outbox.seq))
    members = [json.loads(o.payload) for o in ops if o.kind == "member"]
    assert len(members) == 1
    doc = members[0]
    assert doc["name"] == privacy.erased_name() and doc["phone"] is None and doc["erased_at"] == NOW.isoformat()
    # Every personal field changed carries a reading later than the old ones: the hub takes them.
    synced = json.loads(SyncedRow.get((SyncedRow.kind == "member") & (SyncedRow.row_id == str(member.id))).clocks)
    for field in ("name", "name_key", "phone", "email", "birthday", "note", "external_ref", "marketing_consent", "erased_at"):
        assert doc["_clock"][field] == synced[field]
    earlier = [json.loads(o.payload) for o in Outbox.select().where((Outbox.seq <= last) & (Outbox.kind == "member"))
               if json.loads(o.payload)["id"] == str(member.id)]
    assert earlier and all(doc["_clock"]["name"] > e["_clock"]["name"] for e in earlier)
    assert {o.kind for o in ops} >= {"member", "card", "ledger_entry", "audit"}


def test_erase_and_export_are_audited_without_personal_data(story, shop):
    member = story["member"]
    card = registry.active_card(member).number
    privacy.export(member, actor=shop["owner"], now=NOW)
    privacy.erase(member, actor=shop["owner"], now=NOW + dt.timedelta(minutes=1))
    rows = {e.action: e for e in AuditEntry.select().where(AuditEntry.action.startswith("personal_data"))}
    assert set(rows) == {"personal_data_exported", "personal_data_erased"}
    for entry in rows.values():
        assert entry.target == card and entry.staff_name == "Owner"
        details = json.loads(entry.details)
        assert details["member_id"] == str(member.id)
        assert not any(s in entry.details + entry.target for s in PERSONAL)
    assert rows["personal_data_erased"].created_at == NOW + dt.timedelta(minutes=1)
    assert json.loads(rows["personal_data_erased"].details)["points_zeroed"] > 0


def test_only_the_owner_and_only_once(story, shop):
    member = story["member"]
    for role in ("manager", "cashier"):
        with pytest.raises(PermissionDenied):
            privacy.erase(member, actor=shop[role], now=NOW)
        with pytest.raises(PermissionDenied):
            privacy.export(member, actor=shop[role], now=NOW)
    assert Member.get_by_id(member.id).name == NAME
    privacy.erase(member, actor=shop["owner"], now=NOW)
    with pytest.raises(InputError) as again:
        privacy.erase(member, actor=shop["owner"], now=NOW)
    assert again.value.code == "member_already_erased"
    with pytest.raises(InputError) as edit:
        registry.update(member, name=NAME, actor=shop["owner"])
    assert edit.value.code == "member_erased"
    assert Member.get_by_id(member.id).name == privacy.erased_name()


def test_export_holds_sales_balance_and_every_holder(story, shop):
    member = story["member"]
    holder = FakeHolder()
    holder.held[str(member.id)] = {"occasions": [{"who": "sister Oana", "day": "2026-12-12"}]}
    data = privacy.export(member, actor=shop["owner"], now=NOW, holders=[holder])
    assert data["member"]["name"] == NAME and data["member"]["phone"] == PHONE and data["member"]["email"] == EMAIL
    assert data["balance"] == {"points": member.balance, "ledger_sum": ledger.ledger_balance(member.id)}
    assert [s["receipt_no"] for s in data["sales"]] == [s.receipt_no for s in story["sales"]]
    assert [s["total"] for s in data["sales"]] == [s.priced.total for s in story["sales"]]
    assert [len(s["lines"]) for s in data["sales"]] == [1, 1, 1]
    assert all(sum(p["amount"] for p in s["payments"]) == s["paid_money"] for s in data["sales"])
    assert [r["sale_id"] for r in data["returns"]] == [data["sales"][1]["id"]]
    assert sum(e["delta"] for e in data["ledger"]) == member.balance
    assert {e["kind"] for e in data["ledger"]} >= {"earn", "adjust", "reverse"}
    assert len(data["cards"]) == 2
    assert data["held_elsewhere"] == {"FakeHolder": {"occasions": [{"who": "sister Oana", "day": "2026-12-12"}]}}
    actions = [e["action"] for e in data["audit"]]
    assert actions.count("return") == 1 and "card_blocked" in actions and "adjust_balance" in actions
    # Nothing of the other member.
    assert "Иван Другой" not in json.dumps(data, ensure_ascii=False)
    json.dumps(data)  # JSON-able as it is


def test_holders_is_a_plain_list_of_modules_the_merge_extends(story, shop):
    """HOLDERS is where the other modules of issue 14 are added: export and erase read it."""
    member = story["member"]
    holder = FakeHolder()
    holder.held[str(member.id)] = {"feedback": ["slow queue"]}
    privacy.HOLDERS.append(holder)
    try:
        assert privacy.export(member, actor=shop["owner"], now=NOW)["held_elsewhere"]["FakeHolder"] == \
            {"feedback": ["slow queue"]}
        privacy.erase(member, actor=shop["owner"], now=NOW)
        assert holder.erased == [(str(member.id), NOW)]
    finally:
        privacy.HOLDERS.remove(holder)
    assert isinstance(privacy.HOLDERS, list)


def test_export_files_json_and_a_readable_pdf(story, shop, tmp_path, resources):
    member = story["member"]
    data = privacy.export(member, actor=shop["owner"], now=NOW)
    json_path, pdf_path = privacy_files.write_export(data, tmp_path / "ana.pdf", resources)
    assert (json_path.name, pdf_path.name) == ("ana.json", "ana.pdf")
    assert json.loads(json_path.read_text(encoding="utf-8")) == data
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (NAME, PHONE, EMAIL, NOTE, story["sales"][0].receipt_no, "Хлеб", "Molid", "Cards", "Sales",
                     "Points ledger", registry.active_card(member).number):
        assert expected in text, expected
    assert f"Points balance: {member.balance}" in text
    with pytest.raises(InputError) as bad:
        privacy_files.write_export(data, tmp_path / "no" / "such" / "folder", resources)
    assert bad.value.code == "privacy_write"


def test_an_erased_members_export_says_so_and_holds_nothing_personal(story, shop):
    member = story["member"]
    privacy.erase(member, actor=shop["owner"], now=NOW)
    data = privacy.export(member, actor=shop["owner"], now=NOW + dt.timedelta(hours=1))
    assert data["member"]["erased_at"] == NOW.isoformat()
    assert not [s for s in PERSONAL if s in json.dumps(data, ensure_ascii=False)]
    assert len(data["sales"]) == 3 and data["balance"]["points"] == 0


def test_the_erasure_is_one_transaction(story, shop):
    """A holder that fails leaves everything as it was: no half-erased member."""
    member = story["member"]
    books = _books()

    class Broken(FakeHolder):
        def erase_personal(self, member_id, *, now):
            raise RuntimeError("disk trouble")

    with pytest.raises(RuntimeError):
        privacy.erase(member, actor=shop["owner"], now=NOW, holders=[Broken()])
    assert _books() == books
    fresh = Member.get_by_id(member.id)
    assert fresh.name == NAME and fresh.erased_at is None
    assert {c.status for c in Card.select().where(Card.member == member.id)} == {"active", "blocked"}
    assert not LedgerEntry.select().where(LedgerEntry.note == "personal data erased").exists()


def test_short_values_are_scrubbed_whole_not_inside_other_texts(shop):
    """A note of one letter must not eat every "a" of the audit's details, nor break its JSON."""
    member, card = add_member("Ян Ли", shop["cashier"], None, points=5, manager=shop["manager"])
    with write_transaction():
        Member.update(note="5", external_ref="a").where(Member.id == member.id).execute()
    registry.replace_card(registry.reload(member), actor=shop["manager"])
    privacy.erase(registry.reload(member), actor=shop["owner"], now=NOW)
    blocked = AuditEntry.get(AuditEntry.action == "card_blocked")
    assert json.loads(blocked.details) == {"member": privacy.erased_name()} and blocked.target == card.number
    adjusted = AuditEntry.get(AuditEntry.action == "adjust_balance")
    assert adjusted.target == privacy.erased_name()
    assert json.loads(adjusted.details) == {"card": card.number, "delta": 5, "note": "opening balance"}



def test_every_module_holding_personal_data_is_a_holder():
    """A module of services/ that keeps something about a member (it defines personal_data and
    erase_personal) is read by the export and anonymised by the erase."""
    import importlib
    import pkgutil

    import services

    holding = set()
    for info in pkgutil.walk_packages(services.__path__, "services."):
        if info.name in ("services.reach.privacy",) or info.name.startswith("services.devtools"):
            continue
        module = importlib.import_module(info.name)
        if callable(getattr(module, "personal_data", None)) and callable(getattr(module, "erase_personal", None)):
            holding.add(info.name)
    assert holding <= {h.__name__ for h in privacy.HOLDERS if hasattr(h, "__name__")}
    assert holding  # the walk found the reach modules


def test_erase_reaches_every_record_of_issue_14_and_leaves_the_books(story, shop, tmp_path):
    """The real holders, not a fake: an occasion for a friend, a contact's note, a complaint with
    its follow-up, consent and a message exported to the member's phone — after the erasure none
    of the member's words or addresses is anywhere in the file, and the books are as they were."""
    from services.reach import consent, contacts, feedback, occasions, segment_export

    member = story["member"]
    friend, remark, call_note, answer = "Оксана Țurcan", "Кассир Ана-Мария была груба", "перезвонить Ане вечером", \
        "извинились перед Ана-Мария"
    occasions.add(member, "friend_birthday", 12, 12, for_whom=friend, note=f"для {NAME}", staff=shop["cashier"], now=NOW)
    contacts.log(member, channel="call", outcome="no_answer", note=call_note, staff=shop["manager"], now=NOW)
    row = feedback.record(source="cli", nps=3, csat=1, text=remark, complaint=True, member=member,
                          actor=shop["cashier"], now=NOW)
    feedback.follow_up(shop["manager"], row.id, text=answer, status="in_progress", now=NOW)
    consent.record(member, {"sms": True, "email": True}, source="till", actor=shop["cashier"], now=NOW)
    done = segment_export.export("all", "sms", tmp_path / "list.csv", actor=shop["manager"], now=NOW)
    assert done["exported"] >= 1
    words = (friend, remark, call_note, answer)
    assert {s for _, _, s in _found(PERSONAL + words)} >= set(words) | {PHONE}  # the scan sees them first
    books = _books()

    privacy.erase(registry.reload(member), actor=shop["owner"], now=NOW + dt.timedelta(minutes=5))

    assert _found(PERSONAL + words) == []
    after = _books()
    assert {k: after[k] for k in ("sales", "lines", "payments", "returns")} == \
        {k: books[k] for k in ("sales", "lines", "payments", "returns")}
    assert set(books["ledger"]) <= set(after["ledger"])
    assert not consent.state(member.id).allows("sms")
    # The scores stay for the figures; the words are gone.
    kept = feedback.find(row.id)
    assert (kept.nps, kept.csat, kept.text) == (3, 1, "")
