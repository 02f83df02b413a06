"""LoyalTill: the cashier window, and the command line for scripts and tests.

Start-up is one straight sequence: arguments -> database -> services ->
window.  The command-line paths never import Qt.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence

# Beside main.py, or inside the PyInstaller bundle (packaging/).
RESOURCES = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent)) / "resources"
COMMANDS = ("demo", "sell", "return", "member", "cards", "receipt", "bench", "rules", "simulate", "period", "hub", "sync", "bench-sync",
            "backup", "restore", "check", "owner-key", "staff", "product", "audit", "import", "kpis",
            "segments", "churn", "reminders", "segment", "campaign", "consent", "privacy", "rewards",
            "feedback")

log = logging.getLogger("loyaltill")


class CliError(Exception):
    """A bad argument: one line on stderr, exit 2, nothing changed."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one clear line (the usage is in --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see '{self.prog} --help')\n")


def default_db() -> Path:
    import os

    if os.environ.get("LOYALTILL_DB"):
        return Path(os.environ["LOYALTILL_DB"])
    import platformdirs

    return Path(platformdirs.user_data_dir("LoyalTill", appauthor=False)) / "till.db"


def window_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="main.py", description="LoyalTill cashier window. Subcommands: " + ", ".join(COMMANDS) + "."
    )
    parser.add_argument("--db", type=Path, help="till database file (default: your user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the demo shop (built on first run)")
    return parser


def command_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="main.py")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    demo = sub.add_parser("demo", help="build the demo shop into an empty database")
    demo.add_argument("--db", type=Path, required=True)
    demo.add_argument("--members", type=int, default=500)
    demo.add_argument("--products", type=int, default=200)
    demo.add_argument("--sales", type=int, default=3000)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--json", action="store_true")

    sell = sub.add_parser("sell", help="ring up a sale")
    sell.add_argument("--db", type=Path, required=True)
    sell.add_argument("--card")
    sell.add_argument("--item", action="append", default=[], metavar="BARCODE[*QTY]")
    sell.add_argument("--reward", action="append", default=[], metavar="BARCODE|ID",
                      help="a gift for the member's points (repeat for more)")
    sell.add_argument("--redeem", metavar="POINTS|max")
    sell.add_argument("--pay", choices=("cash", "card"), default="cash")
    sell.add_argument("--json", action="store_true")

    ret = sub.add_parser("return", help="return a sale or some of its items")
    ret.add_argument("--db", type=Path, required=True)
    ret.add_argument("--sale", required=True, metavar="SALE_ID|RECEIPT_NO")
    ret.add_argument("--item", action="append", metavar="BARCODE[*QTY]")
    ret.add_argument("--json", action="store_true")

    member = sub.add_parser("member", help="show a member and their ledger")
    member.add_argument("--db", type=Path, required=True)
    who = member.add_mutually_exclusive_group(required=True)
    who.add_argument("--card")
    who.add_argument("--phone")
    member.add_argument("--json", action="store_true")

    cards = sub.add_parser("cards", help="print membership cards: blank pre-numbered ones or members' own")
    cards.add_argument("--db", type=Path, required=True)
    which = cards.add_mutually_exclusive_group(required=True)
    which.add_argument("--blank", type=int, metavar="N", help="reserve N new card numbers and print them")
    which.add_argument("--members", metavar="all|ID,ID...", help="members' cards: all, or ids / card numbers")
    cards.add_argument("--layout", choices=("a4", "cr80"), default="a4")
    cards.add_argument("--out", type=Path, required=True)
    cards.add_argument("--json", action="store_true")

    receipt = sub.add_parser("receipt", help="a sale's receipt as PDF")
    receipt.add_argument("--db", type=Path, required=True)
    receipt.add_argument("--sale", required=True, metavar="SALE_ID|RECEIPT_NO")
    receipt.add_argument("--width", choices=("58", "80", "a4"), default="80")
    receipt.add_argument("--out", type=Path, required=True)
    receipt.add_argument("--json", action="store_true")

    bench = sub.add_parser("bench", help="time lookups, sales and start-up on a database")
    bench.add_argument("--db", type=Path, required=True)
    bench.add_argument("--rounds", type=int, default=2000)
    bench.add_argument("--printing", action="store_true", help="time receipt PDFs and 1,000 cards instead")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--what", choices=("till", "pricing", "whatif", "all", "period", "import", "kpis", "churn", "offers"), default="till",
                       help="till: lookups, sales, start-up; pricing: a 100-line cart; whatif: a replay of every sale; "
                            "period: a sale's wait for the write lock while 'period' runs (changes the file); "
                            "import: a sales history imported beside a raw executemany (changes the file); "
                            "churn: the lifetime fit over --members simulated members (default 1,000,000) in a file of its own; "
                            "offers: a member's personal offers at scan beside the card lookup alone (--rounds members)")
    bench.add_argument("--receipts", type=int, default=100_000, help="--what import: receipts in the history file")
    bench.add_argument("--members", type=int, help="--what import: N customers imported first by the members import (default: receipts / 5 customers the history makes); --what kpis: members (default 200,000)")
    bench.add_argument("--sales", type=int, default=1_000_000, help="--what kpis: sales over two years")
    bench.add_argument("--keep", type=Path, metavar="FILE", help="--what kpis: build the bench's file here and keep it (reused when it holds as many sales and members)")

    rules = sub.add_parser("rules", help="export or import the loyalty programme as JSON")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=OneLineParser)
    export = rules_sub.add_parser("export", help="write the programme in force (or --version N) as JSON")
    export.add_argument("--db", type=Path, required=True)
    export.add_argument("--out", type=Path, help="file to write (default: stdout)")
    export.add_argument("--version", type=int, help="a stored version instead of the one in force")
    export.add_argument("--json", action="store_true")
    imp = rules_sub.add_parser("import", help="store a programme from a JSON file as the next version")
    imp.add_argument("--db", type=Path, required=True)
    imp.add_argument("file", type=Path)
    imp.add_argument("--draft", action="store_true", help="store as a draft (not in force)")
    imp.add_argument("--effective", metavar="YYYY-MM-DD[THH:MM]", help="in force from this time: UTC, or with its offset (2026-12-01T00:00+05:00); default: now")
    imp.add_argument("--json", action="store_true")

    staff = sub.add_parser("staff", help="the shop's staff: add, disable, list (the owner's PIN for changes)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, parser_class=OneLineParser)
    hire = staff_sub.add_parser("add", help="add a person who signs in at the till")
    hire.add_argument("--name", required=True)
    hire.add_argument("--role", required=True, choices=("cashier", "manager", "owner"))
    hire.add_argument("--new-pin", required=True, help="the new person's PIN (digits)")
    fire = staff_sub.add_parser("disable", help="a person who may no longer sign in")
    fire.add_argument("--name", required=True)
    staff_sub.add_parser("list", help="everyone, with role and whether they are active")
    for each in staff_sub.choices.values():
        each.add_argument("--db", type=Path, required=True)
        each.add_argument("--json", action="store_true")
    product = sub.add_parser("product", help="add, change or archive a product of the catalogue")
    product_sub = product.add_subparsers(dest="product_command", required=True, parser_class=OneLineParser)
    padd = product_sub.add_parser("add", help="add a product (no --barcode: an in-store EAN-13 is made)")
    pupdate = product_sub.add_parser("update", help="change the product with this barcode")
    parchive = product_sub.add_parser("archive", help="take the product with this barcode off the till")
    for cmd in (padd, pupdate, parchive):
        cmd.add_argument("--db", type=Path, required=True)
        cmd.add_argument("--barcode", action="append", default=[], required=cmd is not padd,
                         help="its barcode (add: repeat for several; the first is the main one)")
        cmd.add_argument("--json", action="store_true")
    for cmd in (padd, pupdate):
        cmd.add_argument("--name", required=cmd is padd)
        cmd.add_argument("--price", type=int, required=cmd is padd, metavar="MINOR",
                         help="in minor units; per kilogram for weighed goods")
        cmd.add_argument("--category", help="its name (made if new; add without it: 'Other goods' in the shop's language)")
        cmd.add_argument("--weighed", action=argparse.BooleanOptionalAction, default=None,
                         help="sold by weight from the scales (price per kg)")
        cmd.add_argument("--plu", type=int, help="the scales' PLU (default: the next free one)")
        cmd.add_argument("--sku", default="")
    pupdate.add_argument("--add-barcode", action="append", default=[], metavar="B", help="another barcode")
    parchive.add_argument("--restore", action="store_true", help="put an archived product back on sale")

    period = sub.add_parser("period", help="end of a period: release pending points, expire old ones, review tiers")
    period.add_argument("--db", type=Path, required=True)
    period.add_argument("--json", action="store_true")

    sim = sub.add_parser("simulate", help="replay the sales of a period under a rule set and compare")
    sim.add_argument("--db", type=Path, required=True)
    sim.add_argument("--rules", type=Path, required=True, metavar="FILE.json")
    sim.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    sim.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    sim.add_argument("--csv", type=Path, help="also write the comparison as CSV")
    sim.add_argument("--json", action="store_true")

    hub = sub.add_parser("hub", help="the chain's hub (PostgreSQL): serve it, enrol and revoke tills")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True, parser_class=OneLineParser)
    serve = hub_sub.add_parser("serve", help="run the hub's HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    add = hub_sub.add_parser("add-till", help="enrol a till; prints its token once")
    add.add_argument("--name", required=True)
    add.add_argument("--store", help="the store it sells in (its figures count there)")
    set_store = hub_sub.add_parser("set-store", help="say which store a till sells in (empty: none)")
    set_store.add_argument("--name", required=True, metavar="NAME|TILL_ID")
    set_store.add_argument("--store", required=True)
    hub_figures = hub_sub.add_parser("figures", help="the chain's figures, per store and in total")
    hub_figures.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    hub_figures.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    hub_figures.add_argument("--store", help="one store's figures only")
    hub_figures.add_argument("--zone", help="the shop's time zone (default: the chain's setting)")
    revoke = hub_sub.add_parser("revoke-till", help="revoke a till's token")
    revoke.add_argument("--name", required=True, metavar="NAME|TILL_ID")
    hub_sub.add_parser("overdrafts", help="members taken below zero by offline redemptions")
    hub_sub.add_parser("quarantine", help="operations the hub could not apply")
    caps = hub_sub.add_parser("set-caps", help="offline redemption caps the tills follow")
    caps.add_argument("--per-sale", type=int, required=True, metavar="POINTS")
    caps.add_argument("--daily", type=int, required=True, metavar="POINTS")
    trust = hub_sub.add_parser("trust-owner", help="trust an owner's signing key (from 'main.py owner-key')")
    trust.add_argument("--key", required=True)
    trust.add_argument("--name", default="", help="whose key it is, for the list")
    owner_keys = hub_sub.add_parser("owner-keys", help="the owner keys the hub trusts, and those it dropped")
    for p in (serve, add, revoke, hub_sub.choices["overdrafts"], hub_sub.choices["quarantine"], caps, trust, owner_keys,
              set_store, hub_figures):
        p.add_argument("--dsn", required=True, help="postgresql://user@host/dbname")
        p.add_argument("--json", action="store_true")

    owner_key = sub.add_parser("owner-key", help="print the owner's signing key, for 'hub trust-owner' on the hub")
    owner_key.add_argument("--db", type=Path, required=True)
    owner_key.add_argument("--json", action="store_true")

    sync = sub.add_parser("sync", help="push this till's outbox to the hub and pull what changed")
    sync.add_argument("--db", type=Path, required=True)
    sync.add_argument("--hub", help="hub URL, e.g. http://10.0.0.5:8765 (remembered)")
    sync.add_argument("--token", help="this till's token from 'hub add-till' (remembered)")
    sync.add_argument("--json", action="store_true")

    backup = sub.add_parser("backup", help="copy the till's file to a backup, checked after writing")
    backup.add_argument("--db", type=Path, required=True)
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.add_argument("--json", action="store_true")

    restore = sub.add_parser("restore", help="put a backup in place of the till's file (the current one is kept aside)")
    restore.add_argument("--db", type=Path, required=True)
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="check the till's file: integrity, foreign keys, balances, outbox")
    check.add_argument("--db", type=Path, required=True)
    check.add_argument("--quick", action="store_true", help="only what is checked as the till starts")
    check.add_argument("--json", action="store_true")

    bench_sync = sub.add_parser("bench-sync", help="time pushing queued operations to a hub")
    bench_sync.add_argument("--dsn", required=True)
    bench_sync.add_argument("--ops", type=int, default=100_000)
    bench_sync.add_argument("--tills", type=int, default=20)
    bench_sync.add_argument("--ops-per-till", type=int, default=5_000)
    bench_sync.add_argument("--json", action="store_true")

    audit = sub.add_parser("audit", help="the audit log, newest first (owner)")
    audit.add_argument("--db", type=Path, required=True)
    audit.add_argument("--action", help="only this action, e.g. return, sign_in_failed")
    audit.add_argument("--staff-name", help="only what this person did")
    audit.add_argument("--since", metavar="YYYY-MM-DD")
    audit.add_argument("--until", metavar="YYYY-MM-DD", help="up to the end of this day")
    audit.add_argument("--limit", type=int, default=500)
    audit.add_argument("--json", action="store_true")

    bring = sub.add_parser("import", help="bring members, the catalogue or sales history from a CSV, XLSX or ODS file (owner)")
    bring.add_argument("kind", choices=("members", "catalogue", "history"))
    bring.add_argument("--db", type=Path, required=True)
    bring.add_argument("file", type=Path, metavar="FILE")
    bring.add_argument("--map", action="append", default=[], metavar="COLUMN=field",
                       help="put a column (its header, or its number from 1) on a field; COLUMN= leaves it out")
    bring.add_argument("--encoding", help="the text file's encoding when the detected one is wrong (utf-8, cp1251...)")
    bring.add_argument("--delimiter", help="the text file's separator when the detected one is wrong (';', ',', 'tab')")
    bring.add_argument("--sheet", help="the workbook's sheet (default: the first with data)")
    bring.add_argument("--header-row", type=int, metavar="N", help="the row with the column names (from 1; default: found)")
    bring.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    bring.add_argument("--errors", type=Path, metavar="OUT.csv", help="write the rejected rows here, with their reasons")
    bring.add_argument("--duplicates", choices=("merge", "skip"), help="members: a phone or card twice (default: merge)")
    bring.add_argument("--grant-points", action="store_true", help="history: a one-off grant of points by today's rules")
    bring.add_argument("--json", action="store_true")

    kpis = sub.add_parser("kpis", help="the owner's figures for a period beside the one before (owner, manager)")
    kpis.add_argument("--db", type=Path, required=True)
    kpis.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="the first day (default: 30 days to --to)")
    kpis.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="the last day (default: today, on the shop's clock)")
    kpis.add_argument("--store", metavar="ID|NAME", help="one store of the chain (default: the whole till's data)")
    kpis.add_argument("--json", action="store_true")

    seg = sub.add_parser("segments", help="customers in RFM segments: counts and revenue per segment (owner, manager)")
    seg.add_argument("--db", type=Path, required=True)
    seg.add_argument("--at", metavar="YYYY-MM-DD", help="the day the scores are taken at (default: today)")
    seg.add_argument("--segment", choices=SEGMENT_NAMES, help="also list this segment's members, most revenue first")
    seg.add_argument("--limit", metavar="N", help="at most N members of --segment (default: all)")
    seg.add_argument("--pareto", action="store_true", help="also the 20/80 curve over the same 365 days")
    seg.add_argument("--json", action="store_true")

    churn = sub.add_parser("churn", help="lifetime value and who is slipping away: BG/NBD and Gamma-Gamma fitted on the visits (owner, manager)")
    churn.add_argument("--db", type=Path, required=True)
    churn.add_argument("--at", metavar="YYYY-MM-DD", help="the observation's last day (default: today on the shop's clock)")
    churn.add_argument("--json", action="store_true")

    rem = sub.add_parser("reminders", help="whom to contact in the next N days: occasions, birthdays, overdue visits, P(alive) fallen (owner, manager)")
    rem.add_argument("--db", type=Path, required=True)
    rem.add_argument("--days", metavar="N", help="how many days ahead (default 14)")
    rem.add_argument("--source", action="append", choices=("occasion", "birthday", "overdue", "lapsing"),
                     help="only these sources (repeatable; default all)")
    rem.add_argument("--contacted", action="store_true", help="also those already contacted for that date")
    rem.add_argument("--pin", help="the PIN of the person acting (or LOYALTILL_PIN); their role decides what they may do")
    rem.add_argument("--staff", metavar="NAME", help="who is acting, or LOYALTILL_STAFF")
    rem.add_argument("--json", action="store_true")
    reach_parsers = _reach_parsers(sub)  # segment export, campaign ... (services.reach)
    privacy = sub.add_parser("privacy", help="a member's personal data: export it all (JSON + PDF) or erase it (owner)")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True, parser_class=OneLineParser)
    pexport = privacy_sub.add_parser("export", help="everything held about the member of --card, as FILE.json and FILE.pdf")
    perase = privacy_sub.add_parser("erase", help="anonymise the member of --card for good; sales and the ledger stay")
    for p in (pexport, perase):
        p.add_argument("--db", type=Path, required=True)
        p.add_argument("--card", required=True, metavar="NUMBER", help="one of the member's cards (a blocked one too)")
        p.add_argument("--json", action="store_true")
    pexport.add_argument("--out", type=Path, metavar="FILE", help="FILE.json and FILE.pdf (default: personal-data-CARD in this folder)")
    rewards = sub.add_parser("rewards", help="gifts for points: list them, or add one (owner)")
    rewards_sub = rewards.add_subparsers(dest="rewards_command", required=True, parser_class=OneLineParser)
    rewards_sub.add_parser("list", help="the gifts offered, with what is left")
    radd = rewards_sub.add_parser("add", help="offer a product of the catalogue as a gift for points")
    radd.add_argument("--barcode", required=True)
    radd.add_argument("--points", required=True)
    radd.add_argument("--stock", help="how many may be given in all (default: no limit)")
    radd.add_argument("--per-member", help="how many one member may have (default: no limit)")
    radd.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    radd.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    radd.add_argument("--tier", default="", help="only members of this tier (its code) or a higher one")
    for each in rewards_sub.choices.values():
        each.add_argument("--db", type=Path, required=True)
        each.add_argument("--json", action="store_true")

    fb = sub.add_parser("feedback", help="keep a customer's answer: NPS 0-10, CSAT 1-5, their words (a complaint: --complaint)")
    fb.add_argument("--db", type=Path, required=True)
    fb.add_argument("--card", metavar="NUMBER", help="the member's card (default: nobody's)")
    fb.add_argument("--sale", metavar="SALE_ID|RECEIPT_NO", help="the sale answered about (its member and cashier)")
    fb.add_argument("--nps", metavar="0-10", required=True, help="would they recommend us to a friend? 0-10")
    fb.add_argument("--csat", metavar="1-5", help="how was the visit? 1-5")
    fb.add_argument("--text", metavar="T", help="the customer's words (a CSAT of 1-2 with words is a complaint)")
    fb.add_argument("--complaint", action="store_true", help="the words are a complaint")
    fb.add_argument("--json", action="store_true")

    # Every command that acts for a person takes that person's PIN (demo, bench and the hub's own do not).
    # `check` only reads and reports (a damaged file too), like the quick check at start: no PIN.
    for p in (sell, ret, member, cards, receipt, export, imp, period, sim, sync, audit, backup, restore, owner_key, bring, kpis, seg, churn, fb,
              *staff_sub.choices.values(), *product_sub.choices.values(), *reach_parsers, pexport, perase,
              *rewards_sub.choices.values()):
        p.add_argument("--pin", help="the PIN of the person acting (or LOYALTILL_PIN); their role decides what they may do")
        p.add_argument("--staff", metavar="NAME", help="who is acting, or LOYALTILL_STAFF (saves trying each person's PIN in turn)")
    return parser


def _reach_parsers(sub: Any) -> list[argparse.ArgumentParser]:
    """`segment export` and `campaign (list|create|export|report)`: the parsers that take a PIN."""
    segment = sub.add_parser("segment", help="a list of members for an SMS or e-mail service, with their consent (owner, manager)")
    segment_sub = segment.add_subparsers(dest="segment_command", required=True, parser_class=OneLineParser)
    seg_export = segment_sub.add_parser("export", help="write the members who consent on the channel to CSV or XLSX, logged")
    seg_export.add_argument("--segment", required=True, choices=REACH_LISTS)
    seg_export.add_argument("--channel", required=True, choices=REACH_CHANNELS)
    seg_export.add_argument("--out", type=Path, required=True, metavar="FILE.csv|FILE.xlsx")
    seg_export.add_argument("--at", metavar="YYYY-MM-DD", help="the day the segments are taken at (default: today)")
    campaign = sub.add_parser("campaign", help="greetings and offers: make one, export it for sending, its report (owner, manager)")
    campaign_sub = campaign.add_subparsers(dest="campaign_command", required=True, parser_class=OneLineParser)
    listed = campaign_sub.add_parser("list", help="the campaigns, newest first")
    create = campaign_sub.add_parser("create", help="a new campaign (the template is checked now)")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True, choices=CAMPAIGN_KINDS)
    create.add_argument("--segment", choices=REACH_LISTS, help="the list (default: the kind's own)")
    create.add_argument("--channel", default="sms", choices=REACH_CHANNELS)
    create.add_argument("--template", required=True, help="the message: {name} {first_name} {points} {coupon}")
    create.add_argument("--promotion", help="a personal coupon per member for this promotion of the programme")
    create.add_argument("--coupon-days", metavar="N", help="how long the coupon lasts (with --promotion; default 14)")
    send = campaign_sub.add_parser("export", help="the campaign's messages for sending, to CSV or XLSX")
    send.add_argument("--campaign", required=True, metavar="ID")
    send.add_argument("--out", type=Path, required=True, metavar="FILE.csv|FILE.xlsx")
    report = campaign_sub.add_parser("report", help="sent, redeemed, the redeemers' revenue, the cost")
    report.add_argument("--campaign", required=True, metavar="ID")
    agree = sub.add_parser("consent", help="a member's consent per channel: show, grant, withdraw, preferred channel, frequency")
    agree.add_argument("--card", required=True, help="the member's card (or their id)")
    agree.add_argument("--grant", metavar="CHANNEL,...", help="sms, email, call, messenger")
    agree.add_argument("--withdraw", metavar="CHANNEL,...|all", help="withdraw these channels, or all of them")
    agree.add_argument("--prefer", metavar="CHANNEL|none", help="the preferred channel")
    agree.add_argument("--max", dest="most", metavar="N|none", help="the most messages in 30 days (none: no limit)")
    agree.add_argument("--source", default="cli", help="where the member said it (till, form, import, cli, web)")
    parsers = [seg_export, listed, create, send, report, agree]
    for p in parsers:
        p.add_argument("--db", type=Path, required=True)
        p.add_argument("--json", action="store_true")
    return parsers


def cmd_segment(args: argparse.Namespace) -> dict[str, Any]:
    """A list's consenting members to a file for sending (services.reach.segment_export)."""
    from services.reach import segment_export

    at = figures_day(args.at, "--at") if args.at else None
    _check_out(args.out)
    open_db(args.db)
    actor = acting_staff(args, "run_campaigns")
    return segment_export.export(args.segment, args.channel, args.out, actor=actor, at=at)


def _check_out(path: Path) -> None:
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError(f"--out {path}: give a file name ending in .csv or .xlsx")
    if path.is_dir() or not path.parent.is_dir():
        raise CliError(f"--out {path}: the folder {path.parent} does not exist, or it is a folder")


def _channels(text: str | None, flag: str, *, everything: bool = False) -> list[str]:
    if not text:
        return []
    if everything and text.strip() == "all":
        return list(REACH_CHANNELS)
    names = [n.strip() for n in text.split(",") if n.strip()]
    wrong = [n for n in names if n not in REACH_CHANNELS]
    if wrong or not names:
        raise CliError(f"{flag} {text}: give channels among {', '.join(REACH_CHANNELS)}" + (" (or all)" if everything else ""))
    return names


def cmd_consent(args: argparse.Namespace) -> dict[str, Any]:
    """Show a member's consent, or change it (services.reach.consent); a cashier may."""
    from services.members.registry import find_member_ref
    from services.reach import consent

    grant, withdraw = _channels(args.grant, "--grant"), _channels(args.withdraw, "--withdraw", everything=True)
    if set(grant) & set(withdraw):
        raise CliError("a channel is both in --grant and --withdraw")
    prefer = None if args.prefer in (None, "none") else _channels(args.prefer, "--prefer")
    if prefer is not None and len(prefer) != 1:
        raise CliError("--prefer: one channel, or none")
    most = None if args.most in (None, "none") else whole_number(args.most, "--max", 1000)
    open_db(args.db)
    actor = acting_staff(args, "register_member")
    member = find_member_ref(args.card)
    written = consent.record(member, {**{c: True for c in grant}, **{c: False for c in withdraw}}, source=args.source,
                             actor=actor) if grant or withdraw else 0
    if args.prefer is not None or args.most is not None:
        before = consent.state(member)
        consent.set_preference(member, preferred=prefer[0] if prefer else (None if args.prefer else before.preferred),
                               max_per_30d=most if args.most is not None else before.max_per_30d, source=args.source,
                               actor=actor)
    return {"member": str(member.id), "written": written, **consent.state(member).as_json(),
            "history": consent.history(member)}


def cmd_campaign(args: argparse.Namespace) -> dict[str, Any]:
    from services.reach import campaigns

    if args.campaign_command == "export":
        _check_out(args.out)
    days = None
    if args.campaign_command == "create" and args.promotion:
        days = whole_number(args.coupon_days, "--coupon-days", 366, 1) if args.coupon_days else 14
    open_db(args.db)
    actor = acting_staff(args, "run_campaigns")
    if args.campaign_command == "list":
        return {"campaigns": [{"id": str(c.id), "name": c.name, "kind": c.kind, "segment": c.segment,
                               "channel": c.channel, "created_at": c.created_at.isoformat()} for c in campaigns.listing()]}
    if args.campaign_command == "create":
        made = campaigns.create(args.name, args.kind, args.segment or campaigns.DEFAULT_LIST[args.kind], args.channel,
                                args.template, promotion=args.promotion, coupon_days=days, actor=actor)
        return {"id": str(made.id), "name": made.name, "segment": made.segment, "channel": made.channel,
                "preview": campaigns.preview(made.template, with_coupon=made.promotion is not None)}
    try:
        found = campaigns.find(args.campaign)
    except ValueError:
        raise CliError(f"--campaign {args.campaign}: give a campaign's id (see 'campaign list')") from None
    if args.campaign_command == "export":
        return campaigns.export(found, args.out, actor=actor)
    return campaigns.report(found)


def whole_number(text: str, flag: str, most: int, least: int = 0) -> int:
    """A count typed on the command line: digits 0-9 only (int() would take "٣" but not
    "²", and spend seconds on, then refuse, ten thousand digits), within bounds."""
    shown = text if len(text) <= 24 else text[:20] + "…"
    if not (text.isascii() and text.isdigit()):
        raise CliError(f"{flag} {shown!r}: give a whole number with the digits 0-9")
    if len(text.lstrip("0")) > len(str(most)) or not least <= int(text) <= most:
        raise CliError(f"{flag} {shown!r}: give a whole number from {least} to {most}")
    return int(text)


def parse_item(text: str) -> tuple[str, int]:
    from services.sale.checkout import MAX_QTY

    barcode, star, qty = text.partition("*")
    barcode = barcode.strip()
    if not barcode:
        raise CliError(f"--item {text[:40]!r}: give a barcode, e.g. 4601234567890*2")
    if not star:
        return barcode, 1
    if not (qty.isascii() and qty.isdigit()) or len(qty.lstrip("0")) > len(str(MAX_QTY)) or not 1 <= int(qty) <= MAX_QTY:
        raise CliError(f"--item {text[:40]!r}: the quantity after * must be a whole number from 1 to {MAX_QTY}")
    return barcode, int(qty)


def open_db(path: Path, must_exist: bool = True) -> None:
    """Open the till's file; for anything but `demo`, only a LoyalTill database
    that exists (it is checked before migrating, so a wrong file is not changed)."""
    import sqlite3

    from models import open_database
    from services.care.check import read_only_uri

    if must_exist and not path.is_dir():  # a folder: open_database refuses it
        if not path.exists():
            raise CliError(f"No database at {path}: build one with 'main.py demo --db {path}'.")
        try:
            with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sale'").fetchone()[0]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            from services.care import check
            from services.core.errors import InputError

            if check.is_damage(exc) and "not a database" not in str(exc):
                check.mark_damaged(path, str(exc))
                raise InputError("file_damaged", path=str(path)) from None
            raise CliError(f"{path} is not a till database ({exc}).") from None
        if version == 0 or not tables:
            raise CliError(f"{path} is not a till database: build one with 'main.py demo --db {path}'.")
    if path.is_file():
        from services.care.check import refuse_unsafe_file

        refuse_unsafe_file(path)
    open_database(path)


def acting_staff(args: argparse.Namespace, action: str) -> Any:
    """The person the PIN belongs to (--pin or LOYALTILL_PIN, --staff NAME to say who),
    refused unless their role may do `action`.  There is no default person."""
    import os

    from services.core.errors import InputError
    from services.shop import staff as auth

    pin = args.pin or os.environ.get("LOYALTILL_PIN", "")
    if not pin:
        raise InputError("pin_needed")
    name = args.staff or os.environ.get("LOYALTILL_STAFF")
    person = auth.login(pin.strip(), auth.find_by_name(name) if name else None)
    if auth.pin_too_short(person, pin.strip()):
        raise InputError("pin_too_short", name=person.name, digits=auth.MIN_DIGITS[person.role])
    auth.require(person, action)
    return person


def member_json(card: str | None, balance: int | None) -> dict[str, Any] | None:
    return None if card is None and balance is None else {"card": card, "balance": balance}


SEGMENT_NAMES = ("champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
                 "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost", "no_purchases")  # = segments.SEGMENTS
REACH_LISTS = (*SEGMENT_NAMES, "all", "birthdays_this_month", "slipping")  # = services.reach.segment_export.LISTS
CAMPAIGN_KINDS = ("birthday", "new_year", "march_8", "martisor", "easter", "win_back", "segment")  # = campaigns.KINDS
REACH_CHANNELS = ("sms", "email", "call", "messenger")


def iso_day(text: str, flag: str) -> Any:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise CliError(f"{flag} {text[:24]!r}: give a date as YYYY-MM-DD")
    return day


DEMO_LIMITS = {"members": 5_000_000, "products": 100_000, "sales": 50_000_000}


def cmd_demo(args: argparse.Namespace) -> dict[str, Any]:
    from services.demo.builder import build_demo

    for name in ("members", "products", "sales"):
        if getattr(args, name) < 0:
            raise CliError(f"--{name} cannot be negative")
    if args.products < 1:
        raise CliError("--products must be at least 1")
    for name, most in DEMO_LIMITS.items():  # beyond these the build would run for days or fill the disk
        if getattr(args, name) > most:
            raise CliError(f"--{name} can be at most {most:,}")
    if not 0 <= args.seed < 2**32:
        raise CliError("--seed must be 0 to 4294967295")
    open_db(args.db, must_exist=False)
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bars.setdefault(stage, progress_bar(stage, " rows"))(done, total)

    result = build_demo(
        RESOURCES, members=args.members, products=args.products, sales=args.sales,
        seed=args.seed, progress=progress,
    )
    return {
        "members": result.members, "products": result.products, "sales": result.sales,
        "sample_cards": result.sample_cards, "sample_products": result.sample_products, "pins": result.pins,
    }


MAX_REDEEM = 10**12  # more points than any balance can hold: refused by the sale with its own sentence


def cmd_sell(args: argparse.Namespace) -> dict[str, Any]:
    """The same sale session the window drives, fed from the arguments."""
    from models.schema import utcnow
    from services.members import registry as members
    from services.sale.checkout import Tender
    from services.sale.session import SaleSession, complete
    from services.shop.settings import shop_info

    items = [parse_item(text) for text in args.item]
    if not items and not args.reward:
        raise CliError("give at least one --item or --reward")
    if args.redeem and args.redeem != "max" and not (args.redeem.isascii() and args.redeem.isdigit()):
        raise CliError(f"--redeem {args.redeem[:20]!r}: give a number of points or 'max'")
    redeem = whole_number(args.redeem, "--redeem", MAX_REDEEM) if args.redeem and args.redeem != "max" else None
    open_db(args.db)
    cashier = acting_staff(args, "sell")
    now = utcnow()  # one moment for pricing and writing: happy hours agree
    session = SaleSession(cashier, shop_info().card_prefix, clock=lambda: now)
    if args.card:
        session.attach_member(members.find_by_card(args.card))
    for barcode, qty in items:
        session.add_product(barcode, qty)
    for ref in args.reward:  # after the card: a gift is the member's points
        session.take_reward(ref)
    if args.redeem:
        session.set_redeem(session.max_redeem if redeem is None else redeem)
    # In a chain, points are held at the hub first (or the offline caps apply).
    session.price_for_payment()
    result = complete(session.order([Tender(args.pay, session.to_pay)], at=now))
    p = result.priced
    return {
        "sale_id": result.sale_id, "receipt_no": result.receipt_no, "total": p.total,
        "discount": p.discount, "paid": result.paid, "points_earned": p.points_earned,
        "points_redeemed": p.points_redeemed, "points_rewarded": p.points_rewarded,
        "member": member_json(result.card, result.balance) if session.member else None,
    }


def cmd_return(args: argparse.Namespace) -> dict[str, Any]:
    from services.sale.returns import return_items

    items = None
    if args.item:
        items = {}
        for text in args.item:
            barcode, qty = parse_item(text)
            items[barcode] = items.get(barcode, 0) + qty
    open_db(args.db)
    actor = acting_staff(args, "return")
    result = return_items(args.sale, items, actor=actor)
    return {
        "return_id": result.return_id, "refund": result.refund,
        "points_reversed": result.points_reversed, "points_restored": result.points_restored,
        "points_unrewarded": result.points_unrewarded,
        "member": member_json(result.card, result.balance) if result.balance is not None else None,
    }


def cmd_member(args: argparse.Namespace) -> dict[str, Any]:
    from models.schema import LedgerEntry, utcnow
    from services.members import registry as members
    from services.core.errors import NotFound
    from services.insights import customers, lifetime
    from services.programme.rules import active_rules
    from services.reach import baskets, offers
    from services.shop import staff as auth

    open_db(args.db)
    person = acting_staff(args, "view_members")
    if args.card is not None:
        member = members.find_by_card(args.card)
    else:
        found = members.find_by_phone(args.phone)
        if not found:
            raise NotFound("member_phone_unknown", phone=args.phone)
        member = found[0]
    info = members.summary(member, active_rules())
    ledger = [
        {"id": str(e.id), "delta": e.delta, "kind": e.kind, "sale_id": str(e.sale_id) if e.sale_id else None}
        for e in LedgerEntry.select().where(LedgerEntry.member == member).order_by(LedgerEntry.created_at, LedgerEntry.id)
    ]
    result = {
        "id": info.id, "name": info.name, "phone": info.phone, "card": info.card,
        "tier": info.tier_code, "balance": info.balance, "ledger": ledger,
        # The customer's figures are the owner's and the manager's (view_figures): null for a cashier.
        "profile": None, "p_alive": None, "expected_visits_90d": None, "clv": None, "fit_at": None,
    }
    baskets.refresh_if_cheap()  # goods bought together: a small shop's counted here, a big one's by the till
    result["offers"] = [o.as_json() for o in offers.suggest(member, [], now=utcnow(), rules=active_rules())]
    if auth.may(person, "view_figures"):
        lifetime.refresh_if_cheap()  # a small shop's stale or missing fit made here; a big one's waits for `churn`
        result["profile"] = customers.profile(member)
        result.update(lifetime.outlook(member))  # p_alive, expected_visits_90d, clv from the kept fit, fit_at its day
    return result


def cmd_segments(args: argparse.Namespace) -> dict[str, Any]:
    """Customers in RFM segments (services.insights.segments), for the owner and managers."""
    import datetime as dt

    from services.insights import segments

    at = figures_day(args.at, "--at")
    limit = whole_number(args.limit, "--limit", 10_000_000, 1) if args.limit is not None else None
    if limit is not None and not args.segment:
        raise CliError("--limit is for --segment")
    open_db(args.db)
    acting_staff(args, "view_figures")
    result = segments.segments(at)
    if args.segment:
        result["members_of"] = {"segment": args.segment,
                                "members": segments.segment_members(args.segment, at, limit=limit)}
    if args.pareto:
        result["pareto"] = segments.pareto_curve(segments.window(dt.date.fromisoformat(result["at"])))
    return result


def cmd_cards(args: argparse.Namespace) -> dict[str, Any]:
    from services.printing import cardsheet
    from services.printing.receipts import write_pdf
    from services.programme.rules import active_rules

    if args.blank is not None and not 1 <= args.blank <= cardsheet.MAX_BATCH:
        raise CliError(f"--blank must be 1 to {cardsheet.MAX_BATCH}")
    refs = [] if args.members in (None, "all") else [ref for ref in args.members.split(",") if ref.strip()]
    if args.members is not None and args.members != "all" and not refs:
        raise CliError("--members: give 'all' or a comma-separated list of member ids or card numbers")
    check_writable(args.out)
    open_db(args.db)
    actor = acting_staff(args, "reserve_cards" if args.blank is not None else "print_cards")
    style = cardsheet.card_style()
    pages = 0

    def draw(faces: list[cardsheet.CardFace]) -> None:
        nonlocal pages
        data, pages = cardsheet.render_cards_pdf(faces, RESOURCES, style, args.layout,
                                                 progress=progress_bar("cards", " cards"))
        write_pdf(data, args.out)

    result: dict[str, Any] = {}
    if args.blank is not None:
        faces = cardsheet.reserve_blank(args.blank, actor=actor, deliver=draw)  # reserved first, then drawn
    else:
        members = cardsheet.select_members(ids=refs, all_members=not refs)
        faces = cardsheet.member_faces(members, active_rules())
        if not faces:
            raise CliError("none of these members has an active card to print")
        draw(faces)
        printed = {face.member_id for face in faces}
        skipped = [str(member.id) for member in members if str(member.id) not in printed]
        if skipped:
            result["skipped"] = skipped  # members with no active card (blocked, none issued)
    return {"pages": pages, "cards": [face.number for face in faces], **result}


def cmd_receipt(args: argparse.Namespace) -> dict[str, Any]:
    from services.printing.receipts import write_receipt_pdf

    check_writable(args.out)
    open_db(args.db)
    acting_staff(args, "reprint_receipt")
    write_receipt_pdf(args.sale, args.out, RESOURCES, args.width)
    return {"out": str(args.out)}


def check_writable(path: Path) -> None:
    """Refuse an output path we cannot write before anything is reserved or drawn."""
    if path.is_dir():
        raise CliError(f"--out {path} is a folder: give a file name ending in .pdf")
    if not path.parent.is_dir():
        raise CliError(f"--out {path}: the folder {path.parent} does not exist")


def cmd_bench(args: argparse.Namespace) -> dict[str, Any]:
    from services.devtools.bench import run_bench, run_pricing_bench, run_whatif_bench

    if not 10 <= args.rounds <= 1_000_000:
        raise CliError("--rounds must be 10 to 1,000,000")
    open_db(args.db)
    refuse_unless_demo(args.db)
    if args.printing:
        from services.devtools.bench_printing import run_print_bench

        return run_print_bench(RESOURCES, rounds=min(args.rounds, 500))
    if args.what == "period":
        from services.devtools.bench_period import run_period_bench

        return {"period_bench": run_period_bench(args.db, Path(__file__).resolve())}
    if args.what == "kpis":
        from services.devtools.bench_kpis import run_kpis_bench

        members = 200_000 if args.members is None else args.members
        if not 1 <= args.sales <= 20_000_000 or not 1 <= members <= 5_000_000:
            raise CliError("--sales must be 1 to 20,000,000 and --members 1 to 5,000,000")
        return {"kpis_bench": run_kpis_bench(args.db, args.sales, members, keep=args.keep)}
    if args.what == "offers":  # a member's offers beside the card lookup alone (--rounds members)
        from services.devtools.bench_offers import run_offers_bench

        return {"offers_bench": run_offers_bench(rounds=args.rounds)}
    if args.what == "import":
        from services.devtools.bench_import import run_import_bench

        if not 1 <= args.receipts <= 10_000_000 or args.members is not None and not 1 <= args.members <= 10_000_000:
            raise CliError("--receipts and --members must be 1 to 10,000,000")
        return {"import_bench": run_import_bench(args.db, Path(__file__).resolve(), args.receipts, args.members)}
    if args.what == "churn":
        from services.devtools.bench_churn import run_churn_bench

        if args.members is not None and not 1_000 <= args.members <= 10_000_000:
            raise CliError("--members must be 1,000 to 10,000,000")
        return {"churn_bench": run_churn_bench(RESOURCES, args.members or 1_000_000)}
    out: dict[str, Any] = {}
    if args.what in ("till", "all"):
        out.update(run_bench(args.db, rounds=args.rounds, main_py=Path(__file__).resolve()))
    if args.what in ("pricing", "all"):
        out["pricing"] = run_pricing_bench(rounds=min(args.rounds, 500))
    if args.what in ("whatif", "all"):
        out["whatif"] = run_whatif_bench(progress=progress_bar("replay"))
    return out


def refuse_unless_demo(path: Path) -> None:
    """The bench sells, writes ledger entries and queues operations for the hub in the
    file it measures: only a finished demo (main.py demo, which the bench's own
    tooling builds too) is fair game, never a shop's real till."""
    from services.shop.settings import get_setting

    if get_setting("demo_state") != "complete":
        raise CliError(f"{path} is not a demo shop: the bench adds sales to the file it measures, so it runs only "
                       f"on one built by 'main.py demo --db FILE'.")


def progress_bar(desc: str, unit: str = " sales") -> Any:
    """A tqdm bar on stderr fed by a (done, total) callback, for every long job of the
    command line (demo, cards, what-if); it closes itself when done reaches total."""
    bar: list[Any] = []

    def report(done: int, total: int) -> None:
        from tqdm import tqdm

        if not bar:
            bar.append(tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=True))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return report


def parse_day(text: str | None, flag: str) -> Any:
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag} {text!r}: give a date as YYYY-MM-DD") from None


def figures_day(text: str | None, flag: str) -> Any:
    """A day for the figures' commands (kpis, segments, churn): YYYY-MM-DD within the days the
    figures take (services.insights.basis.FIRST_DAY to LAST_DAY), or None when not given."""
    from services.insights import basis

    from services.core.errors import InputError

    if text is None:
        return None
    try:
        return basis.check_day(iso_day(text, flag))
    except InputError as exc:
        raise CliError(f"{flag} {text}: {exc}") from None


def read_rules_file(path: Path) -> Any:
    from services.programme.rules import loads

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    return loads(text)


def cmd_rules(args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    from services.programme import rules as rules_service

    if args.rules_command == "export":
        open_db(args.db)
        acting_staff(args, "edit_rules")
        rules = rules_service.by_version(args.version) if args.version else rules_service.active_rules()
        text = rules_service.export_document(rules)
        if args.out is None:
            print(text)
            return {"_printed": True}
        try:
            args.out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror}") from None
        return {"version": rules.version, "name": rules.name, "file": str(args.out)}
    rules = read_rules_file(args.file)
    effective = None
    if args.effective:
        try:
            effective = dt.datetime.fromisoformat(args.effective)
        except ValueError:
            raise CliError(f"--effective {args.effective!r}: give YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    open_db(args.db)
    person = acting_staff(args, "edit_rules")
    stored = rules_service.publish(rules, effective, status="draft" if args.draft else "active", actor=person)
    return {"version": stored.version, "name": stored.name, "status": "draft" if args.draft else "active"}


def product_json(item: Any) -> dict[str, Any]:
    from services.shop import catalogue

    return {
        "id": str(item.id), "barcode": item.barcode, "barcodes": catalogue.codes_of(item), "name": item.name,
        "price": item.price, "category": item.category.name, "weighed": bool(item.weighed), "plu": item.plu,
        "active": bool(item.active),
    }


def cmd_product(args: argparse.Namespace) -> dict[str, Any]:
    """The catalogue's own service, with the role of --pin (a manager at least)."""
    from services.shop import catalogue
    from services.shop.catalogue import ProductForm

    open_db(args.db)
    actor = acting_staff(args, "edit_catalogue")
    if args.product_command == "add":
        form = ProductForm(name=args.name, price=args.price, category=args.category or catalogue.default_category_name(),
                           barcodes=tuple(args.barcode),
                           weighed=bool(args.weighed), plu=args.plu, sku=args.sku)
        return product_json(catalogue.add_product(actor, form))
    item = catalogue.find_code(args.barcode[0])
    if item is None:
        raise CliError(f"no product with barcode {args.barcode[0]}")
    if args.product_command == "archive":
        return product_json(catalogue.archive_product(actor, item.id, archived=not args.restore))
    form = ProductForm(
        name=args.name if args.name is not None else item.name,
        price=args.price if args.price is not None else item.price,
        category=args.category if args.category is not None else item.category.name,
        barcodes=tuple(catalogue.codes_of(item) + args.add_barcode),
        weighed=bool(item.weighed) if args.weighed is None else args.weighed,
        plu=args.plu if args.plu is not None else item.plu, sku=args.sku,
    )
    return product_json(catalogue.update_product(actor, item.id, form))


def cmd_rewards(args: argparse.Namespace) -> dict[str, Any]:
    """The programme's gifts for points: anyone at the till may list them; adding one is the owner's."""
    from services.programme import rewards
    from services.programme.rules import active_rules

    def limit(text: str | None, flag: str) -> int | None:
        return None if text is None else whole_number(text, flag, rewards.MAX_LIMIT)

    if args.rewards_command == "add":
        points = whole_number(args.points, "--points", rewards.MAX_POINTS, 1)
        stock, per_member = limit(args.stock, "--stock"), limit(args.per_member, "--per-member")
        start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
        open_db(args.db)
        actor = acting_staff(args, "edit_rules")
        reward = rewards.add(args.barcode, points, actor=actor, stock=stock, per_member=per_member,
                             valid_from=start, valid_to=end, tier=args.tier, rules=active_rules())
        return rewards.view_of(str(reward.id)).as_json()
    open_db(args.db)
    acting_staff(args, "sell")
    return {"rewards": [view.as_json() for view in rewards.listing()]}


def cmd_simulate(args: argparse.Namespace) -> dict[str, Any]:
    from services.programme import whatif
    from services.programme.rules import check

    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    rules = read_rules_file(args.rules)
    problems = check(rules)
    if problems:
        raise CliError(f"{args.rules}: " + " ".join(p.message for p in problems))
    open_db(args.db)
    acting_staff(args, "edit_rules")
    result = whatif.simulate(rules, start, end, progress=progress_bar("replay"))
    if args.csv:
        try:
            args.csv.write_text(whatif.to_csv(result), encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.csv}: {exc.strerror}") from None
    return result.as_json()


def cmd_staff(args: argparse.Namespace) -> dict[str, Any]:
    from services.shop import staff as auth

    open_db(args.db)
    actor = acting_staff(args, "sell" if args.staff_command == "list" else "manage_staff")  # anyone may see who works here

    def person(row: Any) -> dict[str, Any]:
        return {"name": row.name, "role": row.role, "active": bool(row.active)}

    if args.staff_command == "add":
        return person(auth.hire(actor, args.name, args.role, args.new_pin))
    if args.staff_command == "disable":
        return person(auth.disable(actor, auth.find_by_name(args.name)))
    return {"staff": [person(row) for row in auth.everyone()]}


def cmd_period(args: argparse.Namespace) -> dict[str, Any]:
    from models.schema import utcnow
    from services.programme import period

    open_db(args.db)
    acting_staff(args, "close_period")
    done = period.run(utcnow())  # remembered: the owner's settings page shows the last run
    return {"released": done.released, "expired": done.expired, "tier_changes": done.tier_changes}


MAX_CAP_POINTS = 1_000_000_000  # an offline cap past this is no cap, and past 2^63 no number PostgreSQL keeps


def cmd_hub(args: argparse.Namespace) -> dict[str, Any]:
    from services.hub import admin

    if args.hub_command == "serve":
        import peewee

        from services.hub.app import serve

        if not 0 < args.port < 65536:
            raise CliError("--port must be 1 to 65535")
        try:
            serve(args.dsn, args.host, args.port)
        except (peewee.OperationalError, ValueError) as exc:
            raise CliError(f"cannot open the hub database: {str(exc).strip().splitlines()[0]}") from None
        return {}
    if args.hub_command == "set-caps" and max(args.per_sale, args.daily) > MAX_CAP_POINTS:
        raise CliError(f"--per-sale and --daily can be at most {MAX_CAP_POINTS:,} points")
    try:
        return admin.run(args)
    except admin.AdminError as exc:
        raise CliError(str(exc)) from None


def cmd_sync(args: argparse.Namespace) -> dict[str, Any]:
    from services.sync import client as sync

    if bool(args.hub) != bool(args.token) and not args.db.exists():
        raise CliError("a new till needs both --hub and --token")
    open_db(args.db, must_exist=False)
    from models.schema import Staff

    if Staff.select().exists():  # a new, empty till joins with its token alone
        acting_staff(args, "enrol_till" if args.hub or args.token else "sync")
    if args.hub and args.token:  # (re-)enrolling: works even when the old token's key is gone
        client = sync.join(args.hub, args.token)  # remembered only once the hub has answered
    elif args.hub or args.token:
        found = sync.configured() or ("", "")
        client = sync.join(args.hub or found[0], args.token or found[1])
    else:
        client = sync.client_from_settings()
    try:
        result = sync.sync_with_retries(client)
    finally:
        client.close()
    if result.pending:
        raise SyncIncomplete(f"{result.pending} operations are still waiting for the hub")
    return {"pushed": result.pushed, "pulled": result.pulled, "pending": result.pending}


def cmd_owner_key(args: argparse.Namespace) -> dict[str, Any]:
    from services.journal import authority

    open_db(args.db)
    person = acting_staff(args, "manage_staff")
    key = authority.unlocked_key()
    if person.role != "owner" or key is None:
        raise CliError("only the shop's owner has a signing key: give an owner's PIN")
    return {"key": key, "name": person.name, "staff_id": str(person.id)}


class SyncIncomplete(Exception):
    pass


def cmd_backup(args: argparse.Namespace) -> dict[str, Any]:
    from services.care import backup

    open_db(args.db)
    person = acting_staff(args, "shop_settings")  # the whole file, members' personal data with it: the owner's
    return backup.backup_now(args.out, staff=person).as_json()


def cmd_restore(args: argparse.Namespace) -> dict[str, Any]:
    from services.care import restore

    from services.care import check

    if args.db.is_dir():
        raise CliError(f"--db {args.db} is a folder: give the till's file")
    person = None
    if args.db.is_file() and check.start_check(args.db).ok:
        # The owner's, asked of the file being replaced.  A damaged or missing file cannot
        # be asked; whoever can damage it could as well copy a backup over it by hand.
        from models import open_database

        open_database(args.db)
        person = acting_staff(args, "shop_settings")
    return restore.restore(args.db, args.file, staff=person).as_json()


def cmd_check(args: argparse.Namespace) -> dict[str, Any]:
    """Reads only: a damaged file is reported, not refused."""
    from services.care import check

    if not args.db.is_file():
        raise CliError(f"No database at {args.db}.")
    report = check.quick(args.db) if args.quick else check.full(args.db)
    if not report.ok:
        check.mark_damaged(args.db, "; ".join(report.integrity[:3])) if report.integrity != ["ok"] else None
        raise CheckFailed(report.as_json())
    return report.as_json()


class CheckFailed(Exception):
    """`check` found something wrong: the report is printed, the exit status says so."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("check failed")
        self.report = report


def cmd_bench_sync(args: argparse.Namespace) -> dict[str, Any]:
    from services.devtools.bench_sync import run_bench_sync

    if args.ops < 1 or args.tills < 1 or args.ops_per_till < 1:
        raise CliError("--ops, --tills and --ops-per-till must be at least 1")
    if args.ops > 10_000_000 or args.tills > 1000 or args.ops_per_till > 1_000_000:
        raise CliError("--ops can be at most 10,000,000, --tills 1,000 and --ops-per-till 1,000,000")
    import peewee

    unreachable: tuple[type[Exception], ...] = (peewee.OperationalError,)
    with contextlib.suppress(ImportError):
        import psycopg2

        unreachable += (psycopg2.OperationalError,)
    try:
        return run_bench_sync(args.dsn, ops=args.ops, tills=args.tills, ops_per_till=args.ops_per_till,
                              main_py=Path(__file__).resolve())
    except unreachable as exc:
        raise CliError(f"cannot open the hub database: {str(exc).strip().splitlines()[0]}") from None


def cmd_audit(args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    from services.journal import audit

    since, until = parse_day(args.since, "--since"), parse_day(args.until, "--until")
    if args.action and args.action not in audit.ACTIONS:
        raise CliError(f"--action {args.action!r}: one of " + ", ".join(audit.ACTIONS))
    if not 1 <= args.limit <= 100_000:
        raise CliError("--limit must be 1 to 100000")
    open_db(args.db)
    acting_staff(args, "read_audit")
    found = audit.entries(
        action=args.action, staff_name=args.staff_name,
        since=dt.datetime.combine(since, dt.time()) if since else None,
        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) if until else None, limit=args.limit)
    return {"entries": [
        {"at": e.created_at.isoformat(), "action": e.action, "staff": e.staff_name, "target": e.target,
         "till": e.till_name, "details": e.details}
        for e in found
    ]}


def cmd_churn(args: argparse.Namespace) -> dict[str, Any]:
    """Fit the visits and spend models up to --at, keep the fit for the members' outlook, print it."""
    from services.insights import lifetime

    from models.schema import utcnow
    from services.core.errors import InputError
    from services.insights import basis

    at = figures_day(args.at, "--at")
    open_db(args.db)
    acting_staff(args, "view_figures")
    today = basis.today(utcnow())
    if at is not None and at > today:  # nobody has watched the days to come
        raise InputError("figures_day_future", day=at.isoformat(), today=today.isoformat())
    found = lifetime.fit_and_store(at)  # kept for the members' outlook only when it is today's
    return found.as_json() | {"kept": found.at == today}


def cmd_import(args: argparse.Namespace) -> dict[str, Any]:
    """The owner's import: the same flow as the window's wizard (services.imports.runner)."""
    from services.imports import columns, runner

    choices = []
    for pair in args.map:
        column, eq, field = pair.partition("=")
        if not eq or not column.strip():
            raise CliError(f"--map {pair[:60]!r}: write COLUMN=field, e.g. --map 'Номер карты=card' or --map 3=phone")
        choices.append((column, field))
    delimiter = {"tab": "\t", "\\t": "\t"}.get(args.delimiter, args.delimiter) if args.delimiter else None
    if args.header_row is not None and not 1 <= args.header_row <= 1_000_000:
        raise CliError("--header-row must be 1 to 1000000")
    if args.duplicates and args.kind != "members":
        raise CliError("--duplicates is for members")
    if args.grant_points and args.kind != "history":
        raise CliError("--grant-points is for history")
    options = {k: v for k, v in (("duplicates", args.duplicates), ("grant_points", args.grant_points)) if v}
    open_db(args.db)
    actor = acting_staff(args, "import_data")
    header_row = args.header_row - 1 if args.header_row else None
    found = runner.inspect(args.file, args.kind, encoding=args.encoding, delimiter=delimiter, sheet=args.sheet,
                           header_row=header_row, rows=0)
    mapping = columns.with_choices(found.mapping, found.headers, args.kind, choices)
    bar = progress_bar(args.file.name, "B" if found.table.kind == "csv" else " rows") if not args.json else None
    outcome = runner.run_import(
        args.file, args.kind, actor=actor, mapping=mapping, encoding=args.encoding, delimiter=delimiter,
        sheet=args.sheet, header_row=header_row, dry_run=args.dry_run, errors_out=args.errors,
        options=options or None, progress=bar)
    result = outcome.as_json()
    result["mapping"] = {found.headers[i] or str(i + 1): f for i, f in sorted(mapping.items())}
    if args.errors:
        result["errors_file"] = str(args.errors)
    return result


def cmd_kpis(args: argparse.Namespace) -> dict[str, Any]:
    """The owner's figures (services.insights.figures), as the Reports page shows them."""
    from models.schema import utcnow
    from services.insights import basis, figures

    start, end = figures_day(args.start, "--from"), figures_day(args.end, "--to")
    if start and end and end < start:
        raise CliError("--to is before --from")
    open_db(args.db)
    acting_staff(args, "view_figures")
    if end is None:
        end = basis.today(utcnow())
        if start and start > end:
            raise CliError(f"--from {start.isoformat()} is after today ({end.isoformat()}), the default --to: give --to too")
    period = basis.Period(start, end) if start else basis.Period.ending(end, 30)
    store = figures.find_store(args.store) if args.store else None
    return figures.compute(period, store=store)


def cmd_reminders(args: argparse.Namespace) -> dict[str, Any]:
    """Whom to contact (services.reach.reminders), as the Reminders page lists them."""
    from services.reach import reminders

    days = whole_number(args.days, "--days", reminders.MAX_DAYS) if args.days is not None else reminders.DEFAULT_DAYS
    open_db(args.db)
    acting_staff(args, "view_reminders")
    return reminders.due(days, sources=args.source, contacted=args.contacted).as_json()


def cmd_privacy(args: argparse.Namespace) -> dict[str, Any]:
    """A member's personal data (services.reach.privacy): the owner's, both ways."""
    from services.core import messages
    from services.reach import privacy, privacy_files
    from services.shop.settings import shop_info

    open_db(args.db)
    person = acting_staff(args, "privacy")
    member = privacy.member_by_card(args.card)
    # The erased name and the export's PDF are in the shop's language, as in the window.
    messages.set_language(shop_info().language)
    if args.privacy_command == "erase":
        return privacy.erase(member, actor=person)
    data = privacy.export(member, actor=person)
    json_path, pdf_path = privacy_files.write_export(data, args.out or Path(f"personal-data-{args.card.strip()}"), RESOURCES)
    return {"member_id": data["member"]["id"], "json": str(json_path), "pdf": str(pdf_path),
            "sales": len(data["sales"]), "balance": data["balance"]["points"]}


def cmd_feedback(args: argparse.Namespace) -> dict[str, Any]:
    """A customer's answer (services.reach.feedback), typed for them: the till's own question is asked after payment."""
    from services.members import registry as members
    from services.reach import feedback

    nps = whole_number(args.nps, "--nps", 10)
    csat = whole_number(args.csat, "--csat", 5, 1) if args.csat is not None else None
    open_db(args.db)
    person = acting_staff(args, "sell")
    member = members.find_by_card(args.card) if args.card else None
    row = feedback.record(source="cli", nps=nps, csat=csat, text=args.text or "", complaint=args.complaint,
                          sale=args.sale, member=member, actor=person)
    return feedback.as_json(row)


HANDLERS = {
    "demo": cmd_demo, "sell": cmd_sell, "return": cmd_return, "member": cmd_member,
    "cards": cmd_cards, "receipt": cmd_receipt, "bench": cmd_bench,
    "rules": cmd_rules, "product": cmd_product, "simulate": cmd_simulate, "period": cmd_period,
    "hub": cmd_hub, "sync": cmd_sync, "bench-sync": cmd_bench_sync,
    "backup": cmd_backup, "restore": cmd_restore, "check": cmd_check, "owner-key": cmd_owner_key,
    "staff": cmd_staff, "audit": cmd_audit, "import": cmd_import, "kpis": cmd_kpis, "segments": cmd_segments,
    "churn": cmd_churn, "reminders": cmd_reminders, "segment": cmd_segment, "campaign": cmd_campaign, "consent": cmd_consent,
    "privacy": cmd_privacy, "rewards": cmd_rewards, "feedback": cmd_feedback,
}


# What a terminal would act on rather than show: C0 and C1 controls (ESC starts a sequence that
# can clear the screen or retitle the window; a newline would fake a line), DEL, and the
# bidirectional overrides and isolates that reorder what follows.
_UNSHOWN = {c: "\ufffd" for c in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def terminal_safe(value: Any) -> Any:
    """`value` with every text in it (names, notes, files' cells) shown, not obeyed: each
    control character replaced by U+FFFD. For the human output only; the JSON stays exact."""
    if isinstance(value, str):
        return value.translate(_UNSHOWN)
    if isinstance(value, dict):
        return {terminal_safe(k): terminal_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [terminal_safe(v) for v in value]
    return value


def print_human(command: str, result: dict[str, Any]) -> None:
    """The result for a person at a terminal (its texts made terminal_safe first)."""
    result = terminal_safe(result)
    if command == "bench" and "period_bench" in result:
        from services.devtools.bench_period import format_period_report

        print(format_period_report(result["period_bench"]))
        return
    if command == "bench" and "kpis_bench" in result:
        from services.devtools.bench_kpis import format_kpis_report

        print(format_kpis_report(result["kpis_bench"]))
        return
    if command == "bench" and "offers_bench" in result:
        from services.devtools.bench_offers import format_offers_report

        print(format_offers_report(result["offers_bench"]))
        return
    if command == "bench" and "churn_bench" in result:
        from services.devtools.bench_churn import format_churn_report

        print(format_churn_report(result["churn_bench"]))
        return
    if command == "bench" and "import_bench" in result:
        from services.devtools.bench_import import format_import_report

        print(format_import_report(result["import_bench"]))
        return
    if command == "bench":
        from services.devtools.bench import format_report
        from services.devtools.bench_printing import format_print_report

        ours = "database" in result or "pricing" in result or "whatif" in result
        print(format_report(result) if ours else format_print_report(result))
        return
    if command == "import":
        print(", ".join(f"{key}: {result[key]}" for key in ("rows", "imported", "updated", "skipped")))
        for kind in ("errors", "warnings"):
            for problem in result[kind]:
                print(f"  {kind[:-1]}: row {problem['row']}: {problem['message']}")
        if result.get("errors_file"):
            print(f"rejected rows: {result['errors_file']}")
        return
    if command == "segments":
        print(f"segments at {result['at']} (visits from {result['window']['from']}): "
              f"{result['buying']} of {result['members']} members bought, revenue {result['revenue']}")
        for seg in result["segments"]:
            share = "-" if seg["revenue_share"] is None else f"{seg['revenue_share']:.1%}"
            print(f"  {seg['name']:20} {seg['members']:>9} {seg['revenue']:>14} {share:>7}")
        if "pareto" in result:
            top = result["pareto"]["top20_share"]
            print(f"top 20 % of buyers: {'-' if top is None else f'{top:.1%}'} of their revenue")
        for row in result.get("members_of", {}).get("members", []):
            print(f"  {row['card'] or '-':14} {row['name'][:30]:30} R{row['r'] or '-'} F{row['f'] or '-'} "
                  f"M{row['m'] or '-'} last {row['last_visit'] or '-'} visits {row['frequency']} sum {row['monetary']}")
        return
    if command == "reminders":
        print(f"{result['from']} .. {result['to']}: {len(result['reminders'])} reminders")
        for r in result["reminders"]:
            print(f"  {r['date']} {r['kind']:9} {r['card'] or '-':14} {r['name'][:30]:30} {r['phone'] or '-':14} "
                  f"{r['suggested_offer']}")
        for note in result["notes"]:
            print(f"note: {note['text']}")
        return
    if command == "bench-sync":
        from services.devtools.bench_sync import format_report as format_sync_report

        print(format_sync_report(result))
        return
    for key, value in result.items():
        if key == "ledger":
            print("ledger:")
            for entry in value:
                print(f"  {entry['kind']:8} {entry['delta']:+d}  sale {entry['sale_id'] or '-'}")
        else:
            print(f"{key}: {value}")


def run_command(argv: Sequence[str]) -> int:
    args = command_parser().parse_args(argv)
    from models import DatabaseTooNew, DatabaseUnusable
    from services.core.errors import InputError
    from services.core.exitcodes import ExitCode

    try:
        result = HANDLERS[args.command](args)
    except (CliError, InputError, DatabaseTooNew, DatabaseUnusable) as exc:
        print(f"error: {terminal_safe(str(exc))}", file=sys.stderr)
        return ExitCode.USAGE
    except SyncIncomplete as exc:
        print(f"error: {terminal_safe(str(exc))}", file=sys.stderr)
        return ExitCode.NOT_DONE
    except CheckFailed as exc:
        result = exc.report
        print(json.dumps(result, ensure_ascii=False) if args.json else
              "\n".join(f"{k}: {v}" for k, v in terminal_safe(result).items()))
        return ExitCode.NOT_DONE
    except Exception as exc:
        damaged = damaged_file_error(args, exc)
        if damaged is None:
            raise
        print(f"error: {damaged}", file=sys.stderr)
        return ExitCode.USAGE
    if result.get("_printed"):
        return ExitCode.OK
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_human(args.command, result)
    return ExitCode.OK


def damaged_file_error(args: argparse.Namespace, exc: BaseException) -> Exception | None:
    """A read that met damaged bytes (UnicodeDecodeError, "malformed") is one
    sentence, and the file is marked so no later command writes into it."""
    from services.care import check
    from services.core.errors import InputError

    path = getattr(args, "db", None)
    if not isinstance(path, Path) or not check.is_damage(exc):
        return None
    check.mark_damaged(path, f"{type(exc).__name__}: {exc}")
    return InputError("file_damaged", path=str(path))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--import-helper":  # a frozen program started as a big import's helper
        from services.imports import helper

        return helper.main(argv[1:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if argv and argv[0] in COMMANDS:
        return run_command(argv)
    args = window_parser().parse_args(argv)
    # Importing the window builds some 40,000 objects that live as long as the
    # program (modules, classes, functions, Qt types); the cyclic collector would
    # walk them again and again while they are made, ~50 ms of start-up.  So it is
    # off while they are imported, and they are frozen: later collections skip them.
    gc.disable()
    from ui.app import run_window
    gc.freeze()
    gc.enable()

    path = args.db or default_db()
    if args.demo and args.db is None:
        path = path.with_name("demo.db")  # never mix the demo into the shop's own till
    log_to_file(path.parent / "loyaltill.log")
    return run_window(path, RESOURCES, demo=args.demo)


def log_to_file(path: Path) -> None:
    """The till's log beside its database: bugs with their tracebacks, for support."""
    from logging.handlers import RotatingFileHandler

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
