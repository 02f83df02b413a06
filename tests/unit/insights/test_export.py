"""The figures and member lists written to XLSX, CSV and PDF read back as written; a cell that
would run as a formula never does."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from hypothesis import given, settings, strategies as st

from services.core.errors import InputError
from services.insights import export, wording

RESOURCES = Path(__file__).resolve().parents[3] / "resources"


def figures_dict(**over):
    """A dict shaped as figures.compute returns it (the contract in issue 13)."""
    base = {
        "from": "2026-11-01", "to": "2026-11-30", "store": None, "currency": "RUB",
        "members_new": 12, "members_active": 140, "receipts": 1000, "revenue": 123_456_78,
        "member_receipts": 600, "member_revenue": 90_000_00, "card_share_receipts": 0.6,
        "card_share_revenue": 0.729, "avg_check_members": 15_000, "avg_check_others": 8_364,
        "receipts_per_member": 4.2857, "repeat_rate": 0.55, "retention_rate": None, "top20_share": 0.61,
        "points_issued": 45_000, "points_redeemed": 12_000, "redemption_rate": 0.2667, "points_liability": 80_000,
        "programme_cost": 21_000_00, "roi": 1.5, "nps": None, "csat": None,
        "previous": {"from": "2026-10-02", "to": "2026-10-31", "receipts": 800, "revenue": 100_000_00,
                     "members_new": 0, "card_share_receipts": 0.5},
        "by_cashier": [{"cashier": "=HYPERLINK(\"x\")", "receipts": 700, "card_share_receipts": 0.5,
                        "members_enrolled": 9, "avg_check": 12_345}],
        "trend": {"unit": "week", "rows": [{"start": "2026-11-02", "receipts": 250, "revenue": 30_000_00,
                                            "member_receipts": 150, "member_revenue": 22_000_00}]},
        "programme": {"formula": "(margin on members' extra revenue − cost) / cost"},
        "definitions": {"receipts": "A receipt is a sale net of its returns.",
                        "revenue": "+SUM(A1) the value of the receipts."},
    }
    base.update(over)
    return base


def test_figures_xlsx_reads_back_as_numbers_and_text(shop, tmp_path):
    path = export.write_figures(figures_dict(), tmp_path / "f.xlsx", currency="RUB", locale="ru_RU")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name[wording.figure_name("receipts")][1:3] == (1000, 800)
    assert by_name[wording.figure_name("revenue")][1] == pytest.approx(123_456.78)
    assert by_name[wording.figure_name("card_share_receipts")][1] == pytest.approx(0.6)
    assert by_name[wording.figure_name("revenue")][4] == "+SUM(A1) the value of the receipts."
    assert sheet.cell(row=4, column=5).data_type == "s"  # a definition starting with + is text
    cashiers = list(book.worksheets[1].iter_rows(values_only=True))
    assert cashiers[1][:3] == ("=HYPERLINK(\"x\")", 700, 0.5)
    assert book.worksheets[1].cell(row=2, column=1).data_type == "s"
    assert [c.value for c in book.worksheets[2][2]][:2] == ["2026-11-02", 250]


def test_figures_csv_is_formula_safe(shop, tmp_path):
    path = export.write_figures(figures_dict(), tmp_path / "f.csv", currency="RUB", locale="ru_RU")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["Period", "2026-11-01 — 2026-11-30"]
    revenue = next(r for r in rows if r and r[5:6] == ["revenue"])
    assert revenue[6] == "12345678" and revenue[4] == "'+SUM(A1) the value of the receipts."
    assert any(r and r[0] == "'=HYPERLINK(\"x\")" for r in rows)
    receipts = next(r for r in rows if r and r[5:6] == ["receipts"])
    assert receipts[1:4] == ["1 000", "800", "'+25,0 %"]  # a leading + is a formula to Excel


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12),
                min_size=1, max_size=6))
def test_member_list_cells_never_run_as_formulas(tmp_path_factory, names):
    folder = tmp_path_factory.mktemp("list")
    rows = [{"name": n, "revenue": i * 101} for i, n in enumerate(names)]
    columns = [("name", "Name", "text"), ("revenue", "Revenue", "money")]
    out = export.write_table(rows, columns, folder / "m.csv", currency="RUB", locale="ru_RU")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        back = list(csv.reader(handle, delimiter=";"))[1:]
    for row, name in zip(back, names):
        # A leading tab starts a formula too (services.imports.values.FORMULA_START, as OWASP says): a tab
        # before no digit at all is one; before a number, or a sign, either way is right.
        formula = name[:1] in ("=", "+", "-", "@", "\t") and not name.strip("+-0123456789 .,()").strip() == ""
        formula = formula or (name[:1] == "\t" and not any(c.isdecimal() for c in name))
        assert row[0] == ("'" + name if formula else name) or (name[:1] in "+-\t" and row[0] in (name, "'" + name))
    book = openpyxl.load_workbook(export.write_table(rows, columns, folder / "m.xlsx", currency="RUB", locale="ru_RU"))
    cells = [r[0] for r in book.worksheets[0].iter_rows(min_row=2)]
    assert all(c.data_type == "s" or c.value is None for c in cells)
    assert [r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == \
        [pytest.approx(i * 1.01) for i in range(len(names))]


def test_pdf_report_reads_back(shop, tmp_path):
    path = export.write_pdf(figures_dict(), tmp_path / "r.pdf", RESOURCES, shop_name="Лавка", currency="RUB",
                            locale="ru_RU")
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Лавка" in text and "2026-11-01" in text and "2026-10-31" in text
    assert "A receipt is a sale net of its returns." in text
    assert "1 000" in text and "+25,0 %" in text
    assert "=HYPERLINK" in text and "By cashier" in text
    assert "(margin on members' extra revenue − cost) / cost" in text


def test_a_folder_that_cannot_be_written_is_a_sentence(shop, tmp_path):
    with pytest.raises(InputError) as caught:
        export.write_figures(figures_dict(), tmp_path / "missing" / "f.xlsx", currency="RUB", locale="ru_RU")
    assert caught.value.code == "report_write"
    assert not list(tmp_path.glob("**/*.part"))


def test_change_is_in_points_for_shares_and_percent_otherwise():
    assert wording.change("repeat_rate", 0.55, 0.5, "en_GB") == ("+5.0 pp", 1)
    assert wording.change("receipts", 900, 1000, "en_GB") == ("−10.0 %", -1)
    assert wording.change("programme_cost", 1100, 1000, "en_GB") == ("+10.0 %", -1)
    assert wording.change("receipts", 5, 0, "en_GB")[0] == "new"
    assert wording.change("retention_rate", None, 0.5, "en_GB")[0] == "—"
