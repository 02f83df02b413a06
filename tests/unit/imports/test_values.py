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


@given(digits=st.text("0123456789", min_size=1, max_size=24), gaps=st.lists(st.sampled_from([" ", "-", "\u00a0"]),
                                                                          max_size=4))
def test_a_card_of_digits_alone_reads_as_the_same_card_with_gaps(digits: str, gaps: list[str]) -> None:
    """The quick path (digits alone, nothing to drop) agrees with the one that drops spaces and dashes."""
    spaced = digits
    for i, gap in enumerate(gaps):
        at = (i * 3 + 1) % (len(spaced) + 1)
        spaced = spaced[:at] + gap + spaced[at:]

    def read(text: str) -> str:
        try:
            return values.card_number(text) or ""
        except InputError as exc:
            return exc.code

    assert read(spaced) == read(digits)
    assert read(digits) in (digits, "import_card_length")


@given(number=st.integers(0, 10**10), zeros=st.integers(0, 3))
def test_a_balance_of_digits_alone_reads_as_the_full_reading_does(number: int, zeros: int) -> None:
    """points' quick path (digits alone) agrees with the full one (a space in front: not its shape)."""
    written = "0" * zeros + str(number)

    def read(text: str) -> int | str | None:
        try:
            return values.points(text, "balance")
        except InputError as exc:
            return exc.code

    assert read(written) == read(" " + written) == (number if number <= values.MAX_POINTS else "import_number_range")
