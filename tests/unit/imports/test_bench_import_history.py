"""bench --what import: the history import beside a raw insert of exactly the rows it wrote."""
from __future__ import annotations

from pathlib import Path

from services.devtools.bench_import import format_import_report, run_import_bench

MAIN_PY = Path(__file__).resolve().parents[3] / "main.py"


def test_the_history_bench_imports_its_file_and_replays_the_same_rows_raw(shop, empty_db):
    """The raw baseline writes into a fresh file holding the tables the rows refer to (a sale
    line's reward among them): a table missing there once failed every run of the bench."""
    report = run_import_bench(empty_db, MAIN_PY, receipts=400, every_s=0.001)
    outcome, raw = report["import"]["outcome"], report["raw_executemany"]["rows"]
    assert outcome["errors"] == 0 and outcome["receipts"] == 400 and outcome["members_created"] > 0
    assert raw["sale"] == raw["sale_line"] == 400  # one line a receipt
    assert raw["member"] == outcome["members_created"] and raw["card"] > 0 and raw["outbox"] >= raw["member"]
    assert report["raw_executemany"]["seconds"] > 0 and report["ratio"] > 0
    assert "history import: 400 receipts" in format_import_report(report)
