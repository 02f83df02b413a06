"""`main.py cards` and `main.py receipt` on a real demo file, read back by zbar and pdfplumber."""
from __future__ import annotations

import json

import pdfplumber
import pytest

from tests.e2e.conftest import counts, run
from tests.unit.printing.test_printing import decode


def test_blank_cards_are_reserved_and_printed_in_order(shop, tmp_path):
    path, _ = shop
    out = tmp_path / "blank.pdf"
    result = json.loads(run("cards", "--db", str(path), "--blank", "13", "--out", str(out), "--json").stdout)
    assert result["pages"] == 2 and len(result["cards"]) == 13
    pages = decode(out)  # zbar reads a page in its own order: compare each sheet's ten
    cards = result["cards"]
    assert [sorted(c.removeprefix("EAN-13:") for c in page) for page in pages] == [sorted(cards[:10]),
                                                                                   sorted(cards[10:])]
    again = json.loads(run("cards", "--db", str(path), "--blank", "2", "--out", str(out), "--json").stdout)
    assert not set(again["cards"]) & set(result["cards"])  # reserved numbers are never handed out twice


def test_member_cards_by_card_number_on_cr80(shop, tmp_path):
    path, info = shop
    chosen = info["sample_cards"][:3]
    out = tmp_path / "members.pdf"
    result = json.loads(run("cards", "--db", str(path), "--members", ",".join(chosen), "--layout", "cr80",
                            "--out", str(out), "--json").stdout)
    assert result == {"pages": 3, "cards": chosen}
    assert [page[0].removeprefix("EAN-13:") for page in decode(out)] == chosen


def test_receipt_at_each_width(shop, tmp_path):
    path, info = shop
    sold = json.loads(run("sell", "--db", str(path), "--card", info["sample_cards"][1], "--item",
                          info["sample_products"][0], "--json").stdout)
    for width, mm in (("58", 58), ("80", 80), ("a4", 210)):
        out = tmp_path / f"r{width}.pdf"
        run("receipt", "--db", str(path), "--sale", sold["receipt_no"], "--width", width, "--out", str(out))
        with pdfplumber.open(out) as doc:
            assert round(doc.pages[0].width / 72 * 25.4) == mm
            assert sold["receipt_no"] in doc.pages[0].extract_text()
    by_id = tmp_path / "by_id.pdf"
    run("receipt", "--db", str(path), "--sale", sold["sale_id"], "--out", str(by_id))
    assert by_id.read_bytes()[:4] == b"%PDF"


def test_bad_arguments_change_nothing(shop, tmp_path):
    path, _ = shop
    before = counts(path)
    for args in (
        ["cards", "--db", str(path), "--blank", "0", "--out", str(tmp_path / "x.pdf")],
        ["cards", "--db", str(path), "--blank", "5", "--out", str(tmp_path / "no" / "x.pdf")],
        ["cards", "--db", str(path), "--members", "nobody", "--out", str(tmp_path / "x.pdf")],
        ["cards", "--db", str(path), "--blank", "5", "--members", "all", "--out", str(tmp_path / "x.pdf")],
        ["receipt", "--db", str(path), "--sale", "T01-999999", "--out", str(tmp_path / "x.pdf")],
        ["receipt", "--db", str(path), "--sale", "T01-000001", "--width", "110", "--out", str(tmp_path / "x.pdf")],
    ):
        out = run(*args, check=False)
        assert out.returncode == 2, args
        assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("error:"), out.stderr
    assert counts(path) == before and not (tmp_path / "x.pdf").exists()


@pytest.mark.slow  # over 3 s (pytest --durations)
def test_printing_bench_prints_ratios(shop):
    path, _ = shop
    report = json.loads(run("bench", "--db", str(path), "--printing", "--rounds", "20", "--json").stdout)
    names = [r["name"] for r in report["results"]]
    assert names == ["receipt PDF (80 mm)", "1000 cards on A4 sheets"]
    for r in report["results"]:
        assert r["ratio_p50"] == round(r["loyaltill"]["p50_ms"] / r["baseline"]["p50_ms"], 2)
        assert r["loyaltill"]["p50_ms"] <= r["loyaltill"]["p99_ms"] and r["samples"] >= 3
    human = run("bench", "--db", str(path), "--printing", "--rounds", "10").stdout
    assert "receipt PDF" in human and "ratio p50" in human
