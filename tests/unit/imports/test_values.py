"""services.imports.values: the cell readers' corners not seen through an engine."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.core.errors import InputError
from services.imports import values


def _excel_serial(day: dt.date) -> int:
    """The number Excel shows for a date, its 29.02.1900 included (day 60)."""
    serial = (day - dt.date(1899, 12, 30)).days
    return serial if day >= dt.date(1900, 3, 1) else serial - 1


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
       st.integers(min_value=0, max_value=86_399))
def test_a_workbooks_serial_date_is_the_day_excel_shows(day: dt.date, second: int) -> None:
    serial = _excel_serial(day) + second / 86_400
    found = values.moment(serial, "date")
    assert found is not None and found.date() == day
    assert abs((found - dt.datetime.combine(day, dt.time())).total_seconds() - second) < 0.01


@pytest.mark.parametrize("serial, shown", [(1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)),
                                           (61, dt.date(1900, 3, 1)), (45000, dt.date(2023, 3, 15))])
def test_serials_around_excels_29_february_1900(serial: int, shown: dt.date) -> None:
    assert values.moment(serial, "date") == dt.datetime.combine(shown, dt.time())
    assert values.moment(float(serial), "date") == dt.datetime.combine(shown, dt.time())


@pytest.mark.parametrize("serial", [60, 60.5, 0, 0.5, -1, 2_958_466])
def test_serials_that_are_no_day(serial: float) -> None:
    with pytest.raises(InputError) as refused:
        values.moment(serial, "date")
    assert refused.value.code == "import_date_bad"


def test_a_serial_reads_as_the_workbook_shows_it(tmp_path: Path) -> None:
    """calamine turns a cell formatted as a date into the date Excel shows: a serial in
    an unformatted cell of the same number is read as the same day."""
    import openpyxl
    import python_calamine

    book = openpyxl.Workbook()
    sheet = book.active
    serials = [*range(1, 60), *range(61, 120)]
    for row, serial in enumerate(serials, start=1):
        sheet.cell(row, 1, serial).number_format = "dd.mm.yyyy"
        sheet.cell(row, 2, serial)
    book.save(tmp_path / "d.xlsx")
    rows = list(python_calamine.CalamineWorkbook.from_path(str(tmp_path / "d.xlsx")).get_sheet_by_index(0).iter_rows())
    assert [values.moment(date_cell, "d") for date_cell, _ in rows] == [values.moment(n, "d") for _, n in rows]
