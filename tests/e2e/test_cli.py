"""The real program on real files: python main.py ..."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, counts, run


def test_sell_return_member_round_trip(shop):
    path, info = shop
    card, (a, b) = info["sample_cards"][0], info["sample_products"][:2]
    before = json.loads(run("member", "--db", str(path), "--card", card, "--json").stdout)
    sold = json.loads(run("sell", "--db", str(path), "--card", card, "--item", f"{a}*2", "--item", b,
                          "--redeem", "max", "--pay", "card", "--json").stdout)
    assert set(sold) == {"sale_id", "receipt_no", "total", "discount", "paid", "points_earned", "points_redeemed",
                         "points_rewarded", "member"}
    assert sold["points_redeemed"] > 0
    assert sold["paid"] == sold["total"] - sold["points_redeemed"] * 100
    assert sold["member"] == {"card": card, "balance": before["balance"] - sold["points_redeemed"] + sold["points_earned"]}
    after = json.loads(run("member", "--db", str(path), "--card", card, "--json").stdout)
    assert after["balance"] == sold["member"]["balance"]
    assert sum(e["delta"] for e in after["ledger"]) == after["balance"]
    kinds = sorted(e["kind"] for e in after["ledger"] if e["sale_id"] == sold["sale_id"])
    assert kinds == (["earn", "redeem"] if sold["points_earned"] else ["redeem"])

    part = json.loads(run("return", "--db", str(path), "--sale", sold["receipt_no"], "--item", a, "--json").stdout)
    rest = json.loads(run("return", "--db", str(path), "--sale", sold["sale_id"], "--json").stdout)
    assert part["refund"] + rest["refund"] == sold["paid"]
    assert part["points_reversed"] + rest["points_reversed"] == sold["points_earned"]
    assert part["points_restored"] + rest["points_restored"] == sold["points_redeemed"]
    assert rest["member"]["balance"] == before["balance"]
    final = json.loads(run("member", "--db", str(path), "--card", card, "--json").stdout)
    assert final["balance"] == before["balance"] == sum(e["delta"] for e in final["ledger"])


def test_anonymous_sale(shop):
    path, info = shop
    sold = json.loads(run("sell", "--db", str(path), "--item", info["sample_products"][0], "--json").stdout)
    assert sold["member"] is None and sold["points_earned"] == 0 and sold["paid"] == sold["total"]
    for redeem in ("max", "0"):  # no card: no points to use, and nothing to refuse (as before the session)
        sold = json.loads(run("sell", "--db", str(path), "--item", info["sample_products"][0], "--redeem", redeem,
                              "--json").stdout)
        assert sold["member"] is None and sold["points_redeemed"] == 0 and sold["paid"] == sold["total"]


@pytest.mark.parametrize("args,message", [
    (["sell", "--card", "2700100000000", "--item", "{p}"], "check digit"),
    (["sell", "--card", "2709990000001", "--item", "{p}"], "not known"),
    (["sell", "--item", "1234567890123"], "No product"),
    (["sell", "--card", "{c}", "--item", "{p}", "--redeem", "999999"], "points"),
    (["sell", "--item", "{p}*0"], "quantity"),
    (["sell", "--item", "{p}", "--redeem", "lots"], "--redeem"),
    (["return", "--sale", "T01-999999"], "No sale"),
    (["member", "--phone", "12"], "phone"),
])
def test_bad_arguments_exit_nonzero_and_change_nothing(shop, args, message):
    path, info = shop
    if "2709990000001" in args:
        from services.members.cards import make_card_number

        args = [make_card_number("27", 999, 1) if a == "2709990000001" else a for a in args]
    args = [a.format(p=info["sample_products"][0], c=info["sample_cards"][0]) for a in args]
    before = counts(path)
    out = run(args[0], "--db", str(path), *args[1:], check=False)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert counts(path) == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database\n", None])
def test_a_wrong_file_is_refused_and_left_as_it_was(tmp_path, content):
    target = tmp_path / "wrong.db"
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    for args in (["sell", "--db", str(target), "--item", "1"], ["member", "--db", str(target), "--card", "1"]):
        out = run(*args, check=False)
        assert out.returncode == 2
        assert len(out.stderr.strip().splitlines()) == 1 and "till database" in out.stderr
    if content is not None:
        assert target.read_bytes() == content


@pytest.mark.parametrize("args", [["sell", "--item", "1", "--pay", "bitcoin"], ["sell", "--item", "4601442725092*"], ["frobnicate"]])
def test_argument_errors_are_one_line(shop, args):
    path, _ = shop
    before = counts(path)
    out = run(args[0], "--db", str(path), *args[1:], check=False)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert counts(path) == before


def test_missing_database_is_a_clear_error(tmp_path):
    out = run("sell", "--db", str(tmp_path / "nope.db"), "--item", "1", check=False)
    assert out.returncode == 2 and "No database" in out.stderr
    assert not (tmp_path / "nope.db").exists()


def test_receipt_pdf_has_the_sale(shop, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path, info = shop
    sold = json.loads(run("sell", "--db", str(path), "--card", info["sample_cards"][1], "--item",
                          info["sample_products"][0], "--json").stdout)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from pathlib import Path; from models import open_database; open_database(sys.argv[2]);"
        "from services.printing.receipts import write_receipt_pdf;"
        "write_receipt_pdf(sys.argv[3], Path(sys.argv[4]), Path(sys.argv[1]) / 'resources')"
    )
    pdf = tmp_path / "r.pdf"
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(path), sold["receipt_no"], str(pdf)], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Продукты у дома" in text and sold["receipt_no"] in text
    assert "Начислено баллов" in text and f"+{sold['points_earned']}" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts


@pytest.mark.slow  # over 3 s (pytest --durations)
def test_bench_prints_figures_beside_baselines(shop):
    path, _ = shop
    out = run("bench", "--db", str(path), "--rounds", "40", "--json")
    report = json.loads(out.stdout)
    names = [r["name"] for r in report["results"]]
    assert names == ["card lookup", "sale completion", "start-up to cashier window", "scan to member shown"]
    assert report["results"][3]["samples"] == 40  # a wedge scan per card, in the real window
    for r in report["results"]:
        assert r["loyaltill"]["p50_ms"] > 0 and r["raw_sqlite3"]["p50_ms"] > 0
        assert r["ratio_p50"] == pytest.approx(r["loyaltill"]["p50_ms"] / r["raw_sqlite3"]["p50_ms"], rel=0.05)
    assert report["member"] == 80 and report["sale"] >= 400
    human = run("bench", "--db", str(path), "--rounds", "20").stdout
    assert "card lookup" in human and "ratio p50" in human and "scan to member shown" in human


def test_rules_export_import_and_simulate(shop, tmp_path):
    path, _ = shop
    out_file = tmp_path / "programme.json"
    exported = json.loads(run("rules", "export", "--db", str(path), "--out", str(out_file), "--json").stdout)
    assert exported["version"] == 1 and exported["file"] == str(out_file)
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["format"] == "loyaltill-rules/1" and doc["rules"]["earn_bp"] == 500
    assert {p["code"] for p in doc["rules"]["promotions"]} >= {"dairy_morning", "veg_3for2"}

    same = json.loads(run("simulate", "--db", str(path), "--rules", str(out_file), "--json").stdout)
    keys = ("sales", "revenue", "discount", "points_issued", "points_redeemed", "liability")
    assert {"period", *keys, "actual"} <= set(same)
    assert {k: same[k] for k in keys} == {k: same["actual"][k] for k in keys}
    assert same["sales"] == 400 and same["discount"] > 0

    doc["rules"]["earn_bp"] = 1000
    doc["rules"]["name"] = "Double"
    richer = tmp_path / "double.json"
    richer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    csv = tmp_path / "cmp.csv"
    first_day = same["period"]["from"]
    sim = run("simulate", "--db", str(path), "--rules", str(richer), "--from", first_day, "--to", same["period"]["to"],
              "--csv", str(csv), "--json")
    result = json.loads(sim.stdout)
    assert result["points_issued"] > result["actual"]["points_issued"]
    assert "replay" in sim.stderr  # the progress bar
    assert csv.read_text().startswith("measure,simulated,actual,difference")

    before = counts(path)
    imported = json.loads(run("rules", "import", "--db", str(path), str(richer), "--json").stdout)
    assert imported == {"version": 2, "name": "Double", "status": "active"}
    assert counts(path)["outbox"] == before["outbox"] + 2  # the new version and its audit entry go to the hub
    back = json.loads(run("rules", "export", "--db", str(path)).stdout)
    assert back["version"] == 2 and back["rules"]["earn_bp"] == 1000

    doc["rules"]["max_discount_bp"] = 12000
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    bad = run("rules", "import", "--db", str(path), str(broken), check=False)
    assert bad.returncode == 2 and "max_discount_bp" in bad.stderr
    assert json.loads(run("rules", "export", "--db", str(path)).stdout)["version"] == 2
    bad = run("simulate", "--db", str(path), "--rules", str(richer), "--from", "yesterday", check=False)
    assert bad.returncode == 2 and "--from" in bad.stderr


def test_a_command_acts_with_the_role_of_its_pin(shop):
    """No default person: a PIN is needed, and a cashier's cannot make a return."""
    from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN

    path, info = shop
    product = info["sample_products"][0]
    before = counts(path)
    nobody = run("sell", "--db", str(path), "--item", product, "--json", check=False, pin=None)
    assert nobody.returncode == 2 and nobody.stdout == ""
    assert nobody.stderr.strip().splitlines() == ["error: This command acts for a person: give their PIN with --pin or "
                                                  "LOYALTILL_PIN."]
    assert counts(path) == before
    sold = json.loads(run("sell", "--db", str(path), "--item", product, "--json", pin=CASHIER_PIN).stdout)
    refused = run("return", "--db", str(path), "--sale", sold["receipt_no"], "--json", check=False, pin=CASHIER_PIN)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "manager" in refused.stderr
    after_sale = counts(path)
    assert after_sale["sale_return"] == before["sale_return"]
    for owner_only in (["rules", "export"], ["audit"], ["period"]):
        out = run(*owner_only, "--db", str(path), "--json", check=False, pin=CASHIER_PIN)
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1, owner_only
    # A manager may; --pin on the line works as the variable does.
    done = run("return", "--db", str(path), "--sale", sold["receipt_no"], "--pin", MANAGER_PIN, "--json", pin=None)
    assert json.loads(done.stdout)["refund"] == sold["paid"]
    wrong = run("member", "--db", str(path), "--card", info["sample_cards"][0], check=False, pin="999999")
    assert wrong.returncode == 2 and wrong.stderr.strip() == "error: Wrong PIN."
    log = json.loads(run("audit", "--db", str(path), "--json").stdout)["entries"]
    assert [e["action"] for e in log][:2] == ["sign_in_failed", "return"]
    assert log[1]["staff"] == "Сергей Петрович" and log[1]["target"] == sold["receipt_no"]
