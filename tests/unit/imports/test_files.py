"""services.imports.files: owners' files as 1C, Excel and LibreOffice write them."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.errors import InputError
from services.imports import files
from tests.unit.imports import owners_files as owners


def test_1c_report_in_cp1251_with_semicolons_title_lines_and_traps(tmp_path: Path) -> None:
    table = files.open_table(owners.one_c_members(tmp_path / "карты.csv"))
    assert (table.kind, table.encoding, table.delimiter) == ("csv", "cp1251", ";")
    assert table.header_row == 3  # below "Отчет ..." and "Период: ..." and a blank line: line 4
    assert table.headers == ["ФИО", "Телефон", "Номер карты", "Баланс", "Дата рождения", "Примечание"]
    rows = list(table.rows())
    assert [number for number, _ in rows] == owners.ONE_C_ROWS
    first, second, third = (cells for _, cells in rows)
    assert first[3] == "1 234,50" and first[5] == "Любит чай; без сахара"  # a decimal comma, a quoted ';'
    assert second[5] == "первая строка\r\nвторая строка"  # a quoted line break, kept as written
    assert second[4] == "31.02.1990"  # a date that does not exist reaches the engine as written
    assert third[1] == '=HYPERLINK("http://x")' and third[5] == "=1+1"  # formulas are only text here
    assert table.fraction == 1.0


def test_a_cp1251_file_with_a_cell_of_one_letter_repeated_is_still_cp1251(tmp_path: Path) -> None:
    """300 "Я" in a row look more chaotic to the detector in cp1251 than in cp866,
    where they are box drawing: the reading of one alphabet's letters wins."""
    path = tmp_path / "members.csv"
    rows = ["ФИО;Телефон;Баланс", "Иванов Иван;89161234567;10", "Я" * 300 + ";89160001111;5", "Пётр;;1"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    table = files.open_table(path)
    assert table.encoding == "cp1251" and table.headers == ["ФИО", "Телефон", "Баланс"]


def test_excel_utf8_csv_with_bom_and_commas(tmp_path: Path) -> None:
    table = files.open_table(owners.excel_utf8_catalogue(tmp_path / "товары.csv"))
    assert (table.encoding, table.delimiter, table.header_row) == ("utf-8-sig", ",", 0)
    assert table.headers[0] == "Наименование"  # no byte-order mark glued to the first header
    rows = list(table.rows())
    assert [n for n, _ in rows] == [2, 4, 5]  # row 3 (",,,,") is blank
    assert rows[0][1] == ['Хлеб "Бородинский", 400 г', "4601234567893", "45,90", "Хлебобулочные", "нет"]
    assert rows[2][1][2] == "=A1*2"


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    table = files.open_table(owners.excel_unicode_text(tmp_path / "clienti.txt"))
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.headers == ["Nume", "Prenume", "Telefon", "Data nașterii", "Card", "Sold"]
    assert [(n, cells[1]) for n, cells in table.rows()] == [(2, "Ștefan"), (4, "Ion")]


def test_xlsx_rows_are_the_spreadsheets_and_dates_are_dates(tmp_path: Path) -> None:
    table = files.open_table(owners.xlsx_members(tmp_path / "clients.xlsx"))
    assert (table.kind, table.sheet, table.sheets) == ("xlsx", "Клиенты", ["Клиенты", "Пусто"])
    assert table.header_row == 2 and table.headers[1] == "Моб. телефон"
    rows = dict(table.rows())
    assert list(rows) == [4, 6, 7]  # row 5 is blank, rows 1-3 are the title and the header
    assert rows[4][3] == dt.date(1980, 5, 17) and rows[4][4] == 2700000000017 and rows[4][5] == 120.5
    assert rows[6][4] == "0001234"  # a card typed as text keeps its zeros
    assert rows[7][0] == "=cmd|' /C calc'!A0"  # a text cell, never evaluated
    assert table.fraction == 1.0


def test_ods_catalogue(tmp_path: Path) -> None:
    table = files.open_table(owners.ods_catalogue(tmp_path / "produse.ods"))
    assert (table.kind, table.header_row, table.headers) == ("ods", 0, ["Denumire", "Cod de bare", "Preț", "Categorie"])
    rows = dict(table.rows())
    assert list(rows) == [2, 4]
    assert rows[2] == ["Pâine albă", "4841234567892", 7.5, "Panificație"]
    assert rows[4][1] == 4840000000018


def test_a_named_sheet_and_one_that_does_not_exist(tmp_path: Path) -> None:
    path = owners.xlsx_members(tmp_path / "c.xlsx")
    with pytest.raises(InputError) as missing:
        files.open_table(path, sheet="Лист1")
    assert missing.value.code == "import_sheet_missing" and "Клиенты, Пусто" in str(missing.value)
    with pytest.raises(InputError) as empty:
        files.open_table(path, sheet="Пусто")
    assert empty.value.code == "import_file_empty"


def test_the_kind_is_read_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    path = owners.xlsx_members(tmp_path / "clients.xlsx")
    renamed = path.rename(tmp_path / "clients.csv")
    assert files.open_table(renamed).kind == "xlsx"


@pytest.mark.parametrize("make, code", [
    (lambda p: None, "import_file_missing"),
    (lambda p: p.write_bytes(b""), "import_file_empty"),
    (lambda p: p.write_bytes(b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 64), "import_file_unreadable"),
    (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "import_file_unreadable"),
    (lambda p: p.write_bytes(b"\r\n\r\n;;;\r\n"), "import_file_empty"),
])
def test_files_that_are_not_tables(tmp_path: Path, make, code: str) -> None:
    path = tmp_path / "file.csv"
    make(path)
    with pytest.raises(InputError) as refused:
        files.open_table(path)
    assert refused.value.code == code


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(InputError) as refused:
        files.open_table(path)
    assert refused.value.code == "import_file_unreadable"


def test_an_encoding_the_owner_gives(tmp_path: Path) -> None:
    path = owners.one_c_members(tmp_path / "карты.csv")
    assert files.open_table(path, encoding="windows-1251").headers[0] == "ФИО"
    with pytest.raises(InputError) as wrong:
        files.open_table(path, encoding="utf-8")
    assert wrong.value.code == "import_encoding_wrong" and wrong.value.params["line"] == 1
    with pytest.raises(InputError) as unknown:
        files.open_table(path, encoding="klingon")
    assert unknown.value.code == "import_encoding_unknown"
    bom = owners.excel_utf8_catalogue(tmp_path / "t.csv")
    assert files.open_table(bom, encoding="utf-8").headers[0] == "Наименование"  # its mark is not a header


def test_a_delimiter_the_owner_gives(tmp_path: Path) -> None:
    path = owners.excel_utf8_catalogue(tmp_path / "t.csv")
    table = files.open_table(path, delimiter=";")
    assert table.delimiter == ";" and table.headers == ["Наименование,Штрихкод,Цена продажи,Группа,Весовой"]
    with pytest.raises(InputError) as bad:
        files.open_table(path, delimiter=";;")
    assert bad.value.code == "import_delimiter_bad"


def test_a_header_row_the_owner_gives(tmp_path: Path) -> None:
    path = owners.one_c_members(tmp_path / "карты.csv")
    table = files.open_table(path, header_row=4)  # line 5: the first member taken as the header
    assert table.headers[0] == "Иванов Иван Иванович"
    assert [n for n, _ in table.rows()] == [7, 10]
    with pytest.raises(InputError) as missing:
        files.open_table(path, header_row=500)
    assert missing.value.code == "import_header_row_missing"


def test_a_header_of_unknown_words_below_a_title_and_a_dated_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("Report 2024\r\n01.01.2024;31.12.2024\r\nFoo;Bar baz;Qux\r\n1;2,5;x\r\n".encode("utf-8"))
    table = files.open_table(path)
    assert (table.header_row, table.headers) == (2, ["Foo", "Bar baz", "Qux"])
    assert list(table.rows()) == [(4, ["1", "2,5", "x"])]


def test_decimal_commas_do_not_make_the_comma_the_separator(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_bytes("Штрихкод;Цена\r\n4601;45,90\r\n4602;1 045,00\r\n4603;7,5\r\n".encode("cp1251"))
    table = files.open_table(path)
    assert table.delimiter == ";" and list(table.rows())[1] == (3, ["4602", "1 045,00"])


def test_a_few_lines_of_formulas_in_cp1251(tmp_path: Path) -> None:
    """The detector finds every code page chaotic on these; the letters still decide."""
    path = tmp_path / "f.csv"
    path.write_bytes(";=1+1 =1+1\r\nИванов;=1+1 =1+1\r\n".encode("cp1251"))
    table = files.open_table(path, header_row=0)
    assert table.encoding == "cp1251" and list(table.rows()) == [(2, ["Иванов", "=1+1 =1+1"])]


def test_a_code_page_that_shows_only_late_in_a_big_file_is_named_with_its_line(tmp_path: Path) -> None:
    """The head and the tail are ASCII: UTF-8 it is; a cp1251 byte in the middle then
    refuses its row with the line, never a silent replacement character, and the
    reading goes on below it (the rows before it may be written already)."""
    path = tmp_path / "big.csv"
    body = "".join(f"Name {i};{i}\r\n" for i in range(9000))
    middle = "Иванов;1\r\n".encode("cp1251")
    path.write_bytes(b"Name;Phone\r\n" + body.encode() + middle + body.encode())
    table = files.open_table(path)
    assert table.encoding == "utf-8"
    numbers = [n for n, _ in table.rows()]
    assert len(numbers) == 18000 and 9002 not in numbers and numbers[-1] == 18002
    assert {n: e.code for n, e in table.problems.items()} == {9002: "import_row_bytes"}
    rejects = files.write_rejects(table, {9002: "bad"}, tmp_path / "rej.csv")
    assert rejects.read_bytes().splitlines()[1] == "Иванов;1;bad".encode("cp1251")  # its bytes, as they were


def test_a_text_file_is_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Дата;Сумма;Номер карты\r\n")
        for i in range(100_000):
            handle.write(f"01.02.2024;{i},50;27000000{i:05d}\r\n")
    table = files.open_table(path)
    rows = table.rows()
    assert next(rows) == (2, ["01.02.2024", "0,50", "2700000000000"])
    assert 0 < table.done < table.size // 10  # a little of the file read, not all of it
    last = None
    for last in rows:
        pass
    assert last == (100_001, ["01.02.2024", "99999,50", "2700000099999"])
    assert table.done == table.size and table.fraction == 1.0


# -- the rejected rows ---------------------------------------------------------------

def test_rejects_of_a_1c_file_keep_its_shape_and_disarm_formulas(tmp_path: Path) -> None:
    table = files.open_table(owners.one_c_members(tmp_path / "карты.csv"))
    out = files.write_rejects(table, {7: "Дата рождения: нет такой даты", 10: "Телефон: не номер"}, tmp_path / "bad.csv")
    raw = out.read_bytes()
    raw.decode("cp1251")  # the owner's own code page, as the file came
    assert raw.count(b"\r\n") >= 3
    back = files.open_table(out)
    assert (back.encoding, back.delimiter) == ("cp1251", ";")
    assert back.headers == [*table.headers, "error"]
    rows = [cells for _, cells in back.rows()]
    assert rows[0] == ["Петрова Алёна Сергеевна", "8 999 765-43-21", "4601234567893", "10", "31.02.1990",
                       "первая строка\r\nвторая строка", "Дата рождения: нет такой даты"]
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][5] == "'=1+1"  # OWASP: a quote in front
    assert rows[1][6] == "Телефон: не номер" and len(rows) == 2


def test_rejects_fall_back_to_utf8_when_the_code_page_cannot_hold_the_reason(tmp_path: Path) -> None:
    table = files.open_table(owners.one_c_members(tmp_path / "карты.csv"))
    out = files.write_rejects(table, {5: "Card: „x” ș"}, tmp_path / "bad.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    back = files.open_table(out)
    assert [cells[-1] for _, cells in back.rows()] == ["Card: „x” ș"]


def test_rejects_of_utf16_stay_utf16_with_tabs(tmp_path: Path) -> None:
    table = files.open_table(owners.excel_unicode_text(tmp_path / "c.txt"))
    out = files.write_rejects(table, {4: "-1"}, tmp_path / "bad.txt")
    assert out.read_bytes().startswith(b"\xff\xfe")
    back = files.open_table(out)
    assert back.delimiter == "\t" and [c for _, c in back.rows()][0][-1] == "-1"  # a number is not a formula


def test_rejects_of_a_workbook_are_an_xlsx_of_text_cells(tmp_path: Path) -> None:
    import openpyxl

    table = files.open_table(owners.xlsx_members(tmp_path / "c.xlsx"))
    out = files.write_rejects(table, {4: "=bad", 7: "Phone: not a number"}, tmp_path / "bad.xlsx")
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    book = openpyxl.load_workbook(out)
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0] == [*table.headers, "error"]
    assert rows[1] == ["Иванов Иван", "+79991234567", "ivan@example.ru", "1980-05-17", "2700000000017", "120.5", "=bad"]
    assert rows[2][0] == "=cmd|' /C calc'!A0"
    assert all(c.data_type == "s" for row in book.active.iter_rows() for c in row if c.value is not None)
    back = files.open_table(out)
    assert back.headers[-1] == "error" and [n for n, _ in back.rows()] == [2, 3]


def test_the_rejects_files_name_asks_for_its_format(tmp_path: Path) -> None:
    book = files.open_table(owners.xlsx_members(tmp_path / "c.xlsx"))
    as_csv = files.write_rejects(book, {7: "x"}, tmp_path / "bad.csv")
    assert as_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    back = files.open_table(as_csv)
    assert (back.delimiter, back.headers[-1]) == (";", "error")
    assert [cells for _, cells in back.rows()] == [["'=cmd|' /C calc'!A0", "+7 999 000-00-00", "", "", "2700000000024",
                                                     "1 234,50", "x"]]
    text = files.open_table(owners.one_c_members(tmp_path / "k.csv"))
    as_xlsx = files.write_rejects(text, {5: "x"}, tmp_path / "bad.xlsx")
    assert files.open_table(as_xlsx).kind == "xlsx"


def test_no_rejects_is_a_file_with_the_header_alone(tmp_path: Path) -> None:
    table = files.open_table(owners.excel_utf8_catalogue(tmp_path / "t.csv"))
    out = files.write_rejects(table, {}, tmp_path / "none.csv")
    assert out.read_bytes() == "\ufeffНаименование,Штрихкод,Цена продажи,Группа,Весовой,error\r\n".encode("utf-8")


def test_a_rejects_file_that_cannot_be_written(tmp_path: Path) -> None:
    table = files.open_table(owners.excel_utf8_catalogue(tmp_path / "t.csv"))
    with pytest.raises(InputError) as refused:
        files.write_rejects(table, {2: "x"}, tmp_path / "no such folder" / "bad.csv")
    assert refused.value.code == "import_errors_file"


# -- any table reads back as written ---------------------------------------------------

WORDS_RU = ["Иванов", "Пётр", "молоко", "хлеб", "ёлка", "Щука", "съел", "подъезд", "улица", "Москва", "чай"]
WORDS_RO = ["Ștefan", "Țurcanu", "pâine", "lapte", "brânză", "Iași", "măr", "Chișinău"]
WORDS_LATIN = ["John", "milk", "ABC", "12", "45,90", "1 234,50", "+7 999", "=1+1", "@home", "x"]


def cells(words: list[str], inside: str) -> st.SearchStrategy[str]:
    """Text as people type it: words, spaces, and inside them the characters given."""
    piece = st.one_of(st.sampled_from(words), st.sampled_from(list(inside)))
    return st.lists(piece, max_size=6).map(" ".join)


def tables(words: list[str], inside: str) -> st.SearchStrategy[list[list[str]]]:
    return st.integers(min_value=2, max_value=5).flatmap(lambda width: st.lists(
        st.lists(cells(words, inside), min_size=width, max_size=width).filter(lambda row: any(c.strip() for c in row)),
        min_size=1, max_size=8))


def _write(path: Path, rows: list[list[str]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), delimiter=st.sampled_from([";", ",", "\t", "|"]), encoding=st.sampled_from(["cp1251", "utf-8-sig"]))
def test_any_table_of_text_reads_back_as_written(tmp_path: Path, data: st.DataObject, delimiter: str, encoding: str) -> None:
    """The separator is found (cells may hold it, quotes and line breaks, but not another
    candidate: a file split as well by two separators has no one reading), and the encoding.
    The same cells, up to blank cells at a row's end (a header's are not columns)."""
    words = WORDS_RU + [w for w in WORDS_LATIN if not set(w) & {";", ",", "\t", "|"} - {delimiter}]
    if encoding != "cp1251":
        words += WORDS_RO
    rows = data.draw(tables(words, delimiter + '"\n'))
    path = tmp_path / "t.csv"
    _write(path, rows, delimiter, encoding)
    table = files.open_table(path, header_row=0)
    assert table.delimiter == delimiter
    back = [table.headers] + [cells for _, cells in table.rows()]
    assert [files.trimmed(row) for row in back] == [files.trimmed(row) for row in rows]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), delimiter=st.sampled_from([";", ",", "\t", "|"]), encoding=st.sampled_from(["cp1251", "utf-8-sig"]))
def test_any_cells_read_back_when_the_separator_is_given(tmp_path: Path, data: st.DataObject, delimiter: str,
                                                          encoding: str) -> None:
    words = WORDS_RU + WORDS_LATIN + (WORDS_RO if encoding != "cp1251" else [])
    rows = data.draw(tables(words, ';,\t|"\n\r'))
    path = tmp_path / "t.csv"
    _write(path, rows, delimiter, encoding)
    table = files.open_table(path, header_row=0, delimiter=delimiter)
    back = [table.headers] + [cells for _, cells in table.rows()]
    assert [files.trimmed(row) for row in back] == [files.trimmed(row) for row in rows]


_PLAIN_CELL = st.text(alphabet="abcxyz АБВЖЯабвжя0123456789+-.", min_size=1, max_size=12).map(str.strip).filter(bool)
_FAULTS = {  # a fault in one row past the sample -> the reason that row gets
    "nul": (lambda cells: [cells[0] + "\x00x", *cells[1:]], "utf-8", "import_row_nul"),
    "byte": (lambda cells: ["Ж" + cells[0], *cells[1:]], "cp1251", "import_row_bytes"),
    "quote": (lambda cells: ['"' + cells[0], *cells[1:]], "utf-8", "import_quote_unclosed"),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_PLAIN_CELL, min_size=3, max_size=3), min_size=1, max_size=30),
       at=st.integers(min_value=0, max_value=29), fault=st.sampled_from(sorted(_FAULTS)))
def test_one_unreadable_row_past_the_sample_is_that_rows_problem_only(tmp_path: Path, rows, at: int,
                                                                      fault: str) -> None:
    """A NUL, a byte of another code page, a quote that never closes, anywhere past the
    sample: every other row is read exactly as written, the faulty one is named with its line."""
    spoil, encoding, code = _FAULTS[fault]
    at = min(at, len(rows) - 1)
    padding = [[f"pad{i}", f"+7916{i:07d}", str(40000000 + i)] for i in range(3000)]  # 28 bytes a line
    body = padding + rows + padding[:1500]  # the head (64 KB) and the tail (32 KB) are clean
    lines = [";".join(cells) for cells in body]
    faulty = len(padding) + at
    lines[faulty] = ";".join(spoil(body[faulty]))
    data = b"".join((line.encode(encoding) if i == faulty else line.encode("utf-8")) + b"\r\n"
                    for i, line in enumerate(["Name;Phone;Card", *lines], start=-1))
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    table = files.open_table(path)
    assert table.encoding == "utf-8"
    read = list(table.rows())
    expected = [(i + 2, cells) for i, cells in enumerate(body) if i != faulty]
    assert read == expected
    assert {n: e.code for n, e in table.problems.items()} == {faulty + 2: code}


def test_bytes_no_reading_can_keep_end_the_rows_there_saying_so(tmp_path: Path) -> None:
    """A lone surrogate in a UTF-16 file: nothing below it can be read; the rows above are
    the file's, and the first row not read names the line to fix."""
    from services.core.messages import error_text

    body = "Name;Phone\r\n" + "".join(f"Имя {i};+7999{i:07d}\r\n" for i in range(5000))
    data = codecs.BOM_UTF16_LE + body.encode("utf-16-le")
    cut = len(data) // 2 & ~1
    path = tmp_path / "u16.csv"
    path.write_bytes(data[:cut] + b"\x00\xdc" + data[cut:])
    table = files.open_table(path)
    rows = list(table.rows())
    assert table.encoding == "utf-16" and rows == [(n, [f"Имя {n - 2}", f"+7999{n - 2:07d}"]) for n in range(2, len(rows) + 2)]
    [(first_unread, problem)] = table.problems.items()
    assert first_unread == len(rows) + 2 and problem.code == "import_rest_unread"
    assert problem.params["line"] >= first_unread and "utf-16" in error_text(problem)
