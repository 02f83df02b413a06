"""Review of issue 13: the figures' commands on input a person can type.  Each test asserts
a plain message and the usage exit code (or what the issue asks), and fails on main as merged."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run

USAGE = 2


@pytest.mark.parametrize("args", [
    ("kpis", "--to", "9999-12-31"),  # utc_span: end + 1 day overflows
    ("kpis", "--from", "0001-01-01", "--to", "0001-01-31"),  # Period.previous() overflows
    ("kpis", "--from", "2026-12-01", "--to", "4000-12-01"),  # a huge range
    ("kpis", "--from", "2999-01-01"),  # --from after today, no --to: Period's ValueError
    ("segments", "--at", "0001-01-05"),  # the 365-day window before year 1
    ("segments", "--at", "9999-12-31"),
    ("churn", "--at", "9999-12-31"),
])
def test_review_a_date_at_the_edge_is_a_sentence_not_a_traceback(shop, args):
    db, _info = shop
    out = run(*args, "--db", str(db), "--json", pin=MANAGER_PIN, staff=None, check=False)
    assert "Traceback" not in out.stderr, out.stderr[-400:]
    assert out.returncode == USAGE and out.stderr.startswith("error:"), (out.returncode, out.stderr[-300:])


def test_review_a_cashiers_member_lookup_does_not_fit_the_shops_model(shop):
    """`member --json` (a cashier, at the till) runs the whole BG/NBD + Gamma-Gamma fit when no
    fit is kept (and weekly after): the lookup writes the till-local 'lifetime_fit'."""
    db, info = shop
    out = run("member", "--db", str(db), "--card", info["sample_cards"][0], "--json", pin=CASHIER_PIN, staff=None)
    assert "p_alive" in json.loads(out.stdout)
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT COUNT(*) FROM setting WHERE key = 'lifetime_fit'").fetchone()[0]
    assert kept == 0  # nothing was fitted inside the lookup


def test_review_a_cashier_does_not_read_the_members_figures(shop):
    """view_figures (the customers' segments and profiles, services/shop/staff.py) needs a
    manager, yet a cashier's `member --json` carries the profile, P(alive) and CLV."""
    db, info = shop
    out = json.loads(run("member", "--db", str(db), "--card", info["sample_cards"][0], "--json",
                         pin=CASHIER_PIN, staff=None).stdout)
    assert out.get("clv") is None and out.get("p_alive") is None and out.get("profile") is None


def test_review_churn_refuses_an_observation_end_after_today(shop):
    """`churn --at 2099-01-01` fits with T running to 2099: 73 years of silence nobody observed,
    P(alive) near nothing, and the result is stored as the fit the members' outlook reads.
    The observation's end cannot be after today."""
    db, _info = shop
    out = run("churn", "--db", str(db), "--at", "2099-01-01", "--json", pin=MANAGER_PIN, staff=None, check=False)
    assert out.returncode == USAGE and out.stderr.startswith("error:"), (out.returncode, out.stdout[:300])


def test_review_a_member_listing_does_not_pass_terminal_escapes_through(shop):
    """Names keep control characters (registry/import only fold whitespace), and
    `segments --segment S` prints each member's name raw: a name holding ESC sequences
    (clear the screen, retitle, hyperlink) runs them in the manager's terminal."""
    db, _info = shop
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE member SET name = name || char(27) || ']0;owned' || char(7) || char(27) || '[2J'")
    counts = json.loads(run("segments", "--db", str(db), "--json", pin=MANAGER_PIN, staff=None).stdout)["segments"]
    biggest = max((s for s in counts if s["name"] != "no_purchases"), key=lambda s: s["members"])["name"]
    out = run("segments", "--db", str(db), "--segment", biggest, "--limit", "5", pin=MANAGER_PIN, staff=None)
    assert "owned" in out.stdout  # the members were listed
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
