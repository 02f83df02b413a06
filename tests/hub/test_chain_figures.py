"""The chain's figures at the hub (services.hub.figures) equal what the tills' own rows say.

Two tills in two stores sell in July 2026 on a clock with summer time (Europe/Chisinau,
UTC+3 in summer): members and others, two receipts of one member on one day, a sale
returned in part and one returned whole, sales on either side of midnight at the
period's ends.  After sync the hub's per-store and total figures are checked against
a plain-Python computation over each till's own sales and returns."""
from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from argparse import Namespace

import pytest

from models.hub import hub_db
from models.schema import LedgerEntry, Member, RuleSet, Sale
from services.core.storage import write_transaction
from services.hub import admin, figures
from services.insights.basis import Period
from services.journal import authority
from services.members import registry as members
from services.programme.rules import active_rules
from services.sale import checkout, returns
from services.sale.checkout import Cart, Tender
from services.shop import owner_settings
from services.shop import staff as auth
from services.shop.settings import set_setting
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub

ZONE = "Europe/Chisinau"
JULY = Period(dt.date(2026, 7, 1), dt.date(2026, 7, 31))
COMPARED = ("receipts", "revenue", "member_receipts", "member_revenue", "card_share_receipts", "card_share_revenue",
            "avg_check_members", "avg_check_others", "receipts_per_member", "repeat_rate", "retention_rate",
            "top20_share", "members_active")


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def sell(card: str | None, when: str, qty: int = 1, item: int = 0) -> str:
    cart = Cart()
    if card:
        cart.member = members.find_by_card(card)
    cart.add_barcode(tillkit.some_barcodes(3)[item], qty)
    rules = active_rules()
    to_pay = cart.price(rules).to_pay
    done = checkout.complete_sale(cart, [Tender("card", to_pay)], cashier=tillkit.owner(), rules=rules, now=utc(when))
    return done.receipt_no


def push(path, token, http) -> None:
    with on_till(path):
        sync.sync_once(client(http, token))


def till_receipts(path, store: str) -> list[tuple[str, str | None, dt.date, int]]:
    """(store, member, the shop's day, value net of returns) of every receipt made at the till."""
    zone = zoneinfo.ZoneInfo(ZONE)
    out = []
    with on_till(path):
        for sale in Sale.select().where(Sale.imported == False):  # noqa: E712
            given_back = [r.value for r in sale.returns]
            value = sale.total - sum(given_back)
            if given_back and value <= 0:
                continue
            day = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
            out.append((store, str(sale.member_id) if sale.member_id else None, day, value))
    return out


def half_up(total: int, count: int) -> int | None:
    return (2 * total + count) // (2 * count) if count else None


def plain_figures(rows, period: Period) -> dict:
    """The figures over receipts as plain Python, straight from the issue's definitions."""
    inside = [r for r in rows if period.start <= r[2] <= period.end]
    members_ = [r for r in inside if r[1]]
    by_member: dict[str, tuple[set, int]] = {}
    for _, member, day, value in members_:
        days, revenue = by_member.get(member, (set(), 0))
        by_member[member] = (days | {day}, revenue + value)
    before = period.previous()
    earlier = {r[1] for r in rows if r[1] and before.start <= r[2] <= before.end}
    active_from = period.end - dt.timedelta(days=89)
    revenues = sorted((v for _, v in by_member.values()), reverse=True)
    n = len(revenues)
    receipts, revenue = len(inside), sum(r[3] for r in inside)
    member_revenue = sum(r[3] for r in members_)

    def rate(a, b):
        return a / b if b else None
    return {
        "receipts": receipts, "revenue": revenue, "member_receipts": len(members_), "member_revenue": member_revenue,
        "card_share_receipts": rate(len(members_), receipts), "card_share_revenue": rate(member_revenue, revenue),
        "avg_check_members": half_up(member_revenue, len(members_)),
        "avg_check_others": half_up(revenue - member_revenue, receipts - len(members_)),
        "receipts_per_member": rate(len(members_), n),
        "repeat_rate": rate(sum(1 for days, _ in by_member.values() if len(days) >= 2), n),
        "retention_rate": rate(len(earlier & set(by_member)), len(earlier)),
        "top20_share": rate(sum(revenues[: n // 5]), sum(revenues)) if n >= 5 else None,
        "members_active": len({r[1] for r in rows if r[1] and active_from <= r[2] <= period.end}),
    }


def same(hub: dict, plain: dict) -> None:
    for key in COMPARED:
        assert hub[key] == pytest.approx(plain[key]), key


@pytest.fixture
def chain(joined, hub_http, pg_dsn):
    """Till A (the demo shop) in the store North, till B in South, both on Chisinau's clock, having sold in June and July 2026."""
    first, second, a_token, b_token = joined
    with on_till(first):
        auth.login("111111")  # the owner signs the chain's time zone
        with write_transaction():
            set_setting("time_zone", ZONE)
            # The demo's programme began with its history (the autumn): this one since January, signed.
            RuleSet.update(effective_from=utc("2026-01-01T00:00:00")).where(RuleSet.status == "active").execute()
            for rule_set in RuleSet.select().where(RuleSet.status == "active"):
                authority.sign_row("rule_set", str(rule_set.id))
        owner_settings.set_till_store(tillkit.owner(), "North", "")
        assert not Sale.select().where(Sale.created_at < utc("2026-08-01")).exists(), "the demo's history is later"
        cards = tillkit.active_cards(6)
        authority.forget()  # the owner signs out
    push(first, a_token, hub_http)
    push(second, b_token, hub_http)
    with on_till(second):
        owner_settings.set_till_store(tillkit.owner(), "South", "")
    for name, store in (("A", "North"), ("B", "South")):
        admin.run(Namespace(dsn=pg_dsn, hub_command="set-store", name=name, store=store))

    with on_till(first):
        sell(cards[0], "2026-06-15T09:00:00")  # June: counts for July's retention
        sell(cards[1], "2026-06-20T09:00:00")  # in June only: not retained
        sell(cards[0], "2026-07-10T06:00:00")  # two receipts of one member on one day: one visit
        sell(cards[0], "2026-07-10T18:00:00", qty=2)
        sell(cards[2], "2026-07-03T12:00:00", qty=3)
        sell(cards[2], "2026-07-20T12:00:00")  # a second visit: repeat
        sell(None, "2026-07-05T10:00:00", qty=2)
        sell(None, "2026-06-30T21:30:00")  # 00:30 on 1 July in summer time: July's
        sell(None, "2026-07-31T20:30:00")  # 23:30 on 31 July: July's
        sell(None, "2026-07-31T21:30:00")  # 00:30 on 1 August: not July's
        partly = sell(cards[3], "2026-07-12T10:00:00", qty=3)
        wholly = sell(cards[4], "2026-07-13T10:00:00", qty=2)
        barcode = tillkit.some_barcodes(3)[0]
        returns.return_items(partly, {barcode: 1}, actor=tillkit.owner(), now=utc("2026-07-14T10:00:00"))
        returns.return_items(wholly, None, actor=tillkit.owner(), now=utc("2026-07-14T11:00:00"))
    with on_till(second):
        sell(cards[0], "2026-07-10T12:00:00", item=1)  # the same member at the other store, the same day
        sell(cards[5], "2026-06-02T08:00:00", item=1)
        sell(cards[5], "2026-07-02T08:00:00", qty=4, item=1)
        sell(cards[1], "2026-07-25T08:00:00", item=2)
        sell(None, "2026-07-26T15:00:00", qty=5, item=2)
    for path, token in ((first, a_token), (second, b_token), (first, a_token)):
        push(path, token, hub_http)
    return first, second


def test_the_hubs_figures_per_store_and_in_total_equal_the_tills_rows(chain):
    first, second = chain
    north, south = till_receipts(first, "North"), till_receipts(second, "South")
    with hub_db.connection_context():
        zone = figures.chain_zone()
        result = figures.chain_figures(JULY, zone)
        only_south = figures.chain_figures(JULY, zone, store="South")
    assert zone == ZONE, "the owner-signed setting reached the hub"
    by_store = {row["store"]: row for row in result["by_store"]}
    assert sorted(by_store) == ["North", "South"]
    same(by_store["North"], plain_figures(north, JULY))
    same(by_store["South"], plain_figures(south, JULY))
    same(result, plain_figures(north + south, JULY))
    same(only_south, plain_figures(south, JULY))
    same(result["previous"], plain_figures(north + south, JULY.previous()))
    assert only_south["by_store"][0]["store"] == "South" and len(only_south["by_store"]) == 1
    # What the rows were built to show, said outright (so a plain computation that
    # drifted with the hub's cannot pass unnoticed).
    assert by_store["North"]["receipts"] == 8  # 9 July receipts (one at 00:30 on 1 July), less the one returned whole
    assert by_store["North"]["repeat_rate"] == pytest.approx(1 / 3)  # cards 0, 2, 3 bought; only 2 on two days
    # June's buyers 0 and 1 at North, 5 at South all came back to the chain; at North only 0 did.
    assert (result["retention_rate"], by_store["North"]["retention_rate"]) == (1.0, 0.5)
    assert result["coverage"] == "imported history: not at the hub"
    assert result["programme_cost"] is None and result["nps"] is None


def test_the_hubs_points_and_new_members_equal_the_ledger_the_tills_share(chain):
    first, _ = chain
    zone = zoneinfo.ZoneInfo(ZONE)

    def day(when: dt.datetime) -> dt.date:
        return when.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()

    with on_till(first):  # after sync the till holds every till's ledger and members
        entries = [(e.kind, e.delta, day(e.created_at)) for e in LedgerEntry.select()]
        joined_in_july = sum(1 for m in Member.select() if JULY.start <= day(m.created_at) <= JULY.end)
    inside = [e for e in entries if JULY.start <= e[2] <= JULY.end]
    issued = sum(d for k, d, _ in inside if k in figures.ISSUED_KINDS and d > 0)
    redeemed = -sum(d for k, d, _ in inside if k in figures.REDEEMED_KINDS and d < 0)
    with hub_db.connection_context():
        result = figures.chain_figures(JULY, ZONE)
    assert issued > 0
    assert (result["points_issued"], result["points_redeemed"]) == (issued, redeemed)
    assert result["points_liability"] == sum(d for _, d, when in entries if when <= JULY.end)
    assert result["members_new"] == joined_in_july
    for row in result["by_store"]:  # a member and a balance belong to no store
        assert (row["members_new"], row["points_liability"]) == (joined_in_july, result["points_liability"])
    assert sum(row["points_issued"] for row in result["by_store"]) == issued


def test_a_tills_token_reads_its_own_store_and_the_chain_needs_the_owners_signature(chain, hub_http, joined):
    from services.core import questions, signing

    first, _, a_token, _ = joined
    with on_till(first):
        own = sync.chain_figures(JULY, client=client(hub_http, a_token))
        with pytest.raises(sync.SyncError) as refused:
            sync.chain_figures(JULY, "South", client=client(hub_http, a_token))
        assert refused.value.params["status"] == 403
        auth.login("111111")  # the owner, signed in here, asks for the whole chain
        whole = sync.chain_figures(JULY, client=client(hub_http, a_token))
        held = authority.signer()
    assert not own["signed_by_owner"] and [row["store"] for row in own["by_store"]] == ["North"]
    assert own["receipts"] == own["by_store"][0]["receipts"] == 8
    assert whole["signed_by_owner"] and [row["store"] for row in whole["by_store"]] == ["North", "South"]
    assert whole["receipts"] == 8 + 4 and whole["members_new"] is not None

    def ask(store, signed_store, at_ms):
        body = signing.signed_bytes(questions.FIGURES, *questions.figures_question(JULY.start, JULY.end, signed_store), at_ms)
        headers = {"Authorization": f"Bearer {a_token}", "X-Owner-Key": held.public,
                   "X-Owner-Sig": signing.sign(held.key, body), "X-Owner-At": str(at_ms)}
        return hub_http.get("/v1/figures", params={"from": "2026-07-01", "to": "2026-07-31", **({"store": store} if store else {})},
                            headers=headers)

    import time
    now_ms = int(time.time() * 1000)
    assert ask("South", "South", now_ms).status_code == 200
    assert ask("South", None, now_ms).status_code == 403, "a signature moved to another question"
    assert ask(None, None, now_ms - 10 * 60 * 1000).status_code == 403, "a signature ten minutes old"
    assert hub_http.get("/v1/figures", params={"from": "2026-07-31", "to": "2026-07-01"},
                        headers={"Authorization": f"Bearer {a_token}"}).status_code == 422


def test_stores_and_figures_from_the_command_line(hub, pg_dsn):
    from tests.hub.test_hub_cli import run

    added = run("hub", "add-till", "--dsn", pg_dsn, "--name", "T1", "--store", " North ", "--json")
    assert added.returncode == 0 and json.loads(added.stdout)["store"] == "North", added.stderr
    moved = run("hub", "set-store", "--dsn", pg_dsn, "--name", "T1", "--store", "South", "--json")
    assert json.loads(moved.stdout)["store"] == "South"
    assert run("hub", "set-store", "--dsn", pg_dsn, "--name", "T9", "--store", "x").returncode == 2
    out = run("hub", "figures", "--dsn", pg_dsn, "--from", "2026-07-01", "--to", "2026-07-31", "--zone", ZONE, "--json")
    answer = json.loads(out.stdout)
    assert (answer["from"], answer["to"], answer["receipts"], answer["by_store"]) == ("2026-07-01", "2026-07-31", 0, [])
    assert answer["coverage"] == "imported history: not at the hub" and answer["previous"]["from"] == "2026-05-31"
    for bad in (("--from", "2026-07-31", "--to", "2026-07-01"), ("--zone", "Mars/Base"), ("--from", "July")):
        refused = run("hub", "figures", "--dsn", pg_dsn, *bad, "--json")
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, bad


def test_each_stores_figures_at_the_hub_equal_the_tills_own_figures(chain):
    """The hub's figures of a store equal figures.compute on that store's till (services.insights.figures)."""
    from services.insights.figures import compute

    first, second = chain
    with hub_db.connection_context():
        result = figures.chain_figures(JULY, ZONE)
    by_store = {row["store"]: row for row in result["by_store"]}
    for path, store in ((first, "North"), (second, "South")):
        with on_till(path):
            own = compute(JULY, store=store)
        for mine, theirs in ((by_store[store], own), (by_store[store]["previous"], own["previous"])):
            for key in (*COMPARED, "points_issued", "points_redeemed", "redemption_rate", "points_liability", "members_new"):
                assert mine[key] == pytest.approx(theirs[key]), (store, key)


@pytest.mark.parametrize(("settings", "zone"), [
    ({}, "UTC"), ({"currency": "MDL"}, "Europe/Chisinau"), ({"currency": "RUB", "time_zone": "Europe/Bucharest"}, "Europe/Bucharest"),
    ({"currency": "RUB", "time_zone": "Mars/Base"}, "Europe/Moscow"), ({"time_zone": ""}, "UTC"),
])
def test_the_chains_clock_is_its_setting_else_its_currencys(hub, settings, zone):
    from models.hub import Entity

    with hub_db.connection_context():
        for key, value in settings.items():
            Entity.create(kind="setting", entity_id=key, doc={"key": key, "value": value}, clocks={})
        assert figures.chain_zone() == zone


def test_the_hub_counts_the_points_the_tills_count():
    """The hub cannot import the till's figures (its models): the kinds are said twice, and kept equal here."""
    from services.insights import figures as till_figures

    assert set(figures.ISSUED_KINDS) == set(till_figures.ISSUING) and figures.REDEEMED_KINDS == ("redeem", "reward")  # as figures._ledger_pass: gifts taken count
    assert figures.ACTIVE_DAYS == till_figures.ACTIVE_DAYS
