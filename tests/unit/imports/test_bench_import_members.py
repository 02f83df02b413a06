"""bench_members compares the import with a raw insert of exactly the rows it wrote."""
from __future__ import annotations

from services.devtools.bench_import_members import bench_members, format_members_report, member_records


def test_the_bench_imports_its_file_and_replays_the_same_rows_raw(tmp_path):
    report = bench_members(300, workdir=tmp_path)
    assert (report["rows"], report["imported"], report["errors"]) == (300, 300, 0)
    written = report["rows_written"]
    assert written["member"] == written["card"] == 300 and written["ledger_entry"] == written["row_signature"] == 240
    assert written["outbox"] == 300 + 300 + 240 and report["raw_has_the_same_rows"]
    assert report["ours_s"] > 0 and report["raw_s"] > 0 and report["ratio"] > 0 and report["met"] in (True, False)
    assert "import members: 300 rows" in format_members_report(report)


def test_the_generated_file_has_every_card_shape_and_unique_keys():
    records = member_records(3000)
    cards = [cells["card"] for _, cells in records]
    assert len(set(cards)) == 3000 and {len(c) for c in cards} == {8, 13, 10}
    assert len({cells["phone"] for _, cells in records}) == 3000
