"""Files written the way owners' programs write them: 1C's cp1251 report with its
title lines, Excel's UTF-8 CSV (with a BOM) and its "Unicode text" (UTF-16, tabs),
an XLSX from openpyxl and an ODS from odfpy.  Each carries the traps of issue 12:
blank rows, quoted fields holding the separator and line breaks, decimal commas,
a cell starting with "=".
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# 1C: "Выгрузка дисконтных карт" — two title lines, a blank line, then the table.
ONE_C_MEMBERS = (
    "Отчет \"Дисконтные карты\"\r\n"
    "Период: 01.01.2024 - 31.12.2024;;;;;\r\n"
    "\r\n"
    "ФИО;Телефон;Номер карты;Баланс;Дата рождения;Примечание\r\n"
    "Иванов Иван Иванович;+7 (999) 123-45-67;2700000000017;1 234,50;17.05.1980;\"Любит чай; без сахара\"\r\n"
    ";;;;;\r\n"
    "Петрова Алёна Сергеевна;8 999 765-43-21;4601234567893;10;31.02.1990;\"первая строка\r\nвторая строка\"\r\n"
    "\r\n"
    "Сидоров Пётр;=HYPERLINK(\"http://x\");2700000000024;0;;=1+1\r\n"
)
# The owner's row numbers (lines) of ONE_C_MEMBERS' data rows: blank lines skipped, a record
# with a line break inside counts from the line it starts on.
ONE_C_ROWS = [5, 7, 10]


def one_c_members(path: Path) -> Path:
    path.write_bytes(ONE_C_MEMBERS.encode("cp1251"))
    return path


def excel_utf8_catalogue(path: Path) -> Path:
    """Excel's "CSV UTF-8 (comma delimited)": a BOM, commas, CRLF; a decimal comma only in quotes."""
    text = (
        "Наименование,Штрихкод,Цена продажи,Группа,Весовой\r\n"
        "\"Хлеб \"\"Бородинский\"\", 400 г\",4601234567893,\"45,90\",Хлебобулочные,нет\r\n"
        ",,,,\r\n"
        "Яблоки Гала,2000001000014,\"189,00\",Фрукты,да\r\n"
        "Формула,4600000000010,=A1*2,Прочее,нет\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def excel_unicode_text(path: Path) -> Path:
    """Excel's "Unicode text": UTF-16 little-endian with its mark, tabs, CRLF; Romanian headers."""
    text = (
        "Nume\tPrenume\tTelefon\tData nașterii\tCard\tSold\r\n"
        "Popescu\tȘtefan\t069 123 456\t1985-03-04\t1234567890128\t\"1 200,50\"\r\n"
        "\t\t\t\t\t\r\n"
        "Țurcanu\tIon\t+373 69 000 111\t04.03.1985\t9876543210982\t0\r\n"
    )
    path.write_bytes(text.encode("utf-16"))
    return path


XLSX_ROWS: list[list[Any]] = [
    ["Список клиентов на 01.12.2024"],  # row 1: a title
    [],  # row 2: blank
    ["ФИО", "Моб. телефон", "E-mail", "Дата рождения", "Номер карты", "Бонусы"],  # row 3
    ["Иванов Иван", "+79991234567", "ivan@example.ru", dt.date(1980, 5, 17), 2700000000017, 120.5],  # row 4
    [],  # row 5: blank
    ["Кузнецова Анна", "89997654321", None, dt.datetime(1991, 1, 2, 0, 0), "0001234", 0],  # row 6
    ["=cmd|' /C calc'!A0", "+7 999 000-00-00", None, None, 2700000000024, "1 234,50"],  # row 7
]


def xlsx_members(path: Path, rows: list[list[Any]] = XLSX_ROWS, title: str = "Клиенты") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text (Excel: a leading apostrophe), not a formula
    book.create_sheet("Пусто")
    book.save(path)
    return path


ODS_ROWS: list[list[Any]] = [
    ["Denumire", "Cod de bare", "Preț", "Categorie"],  # row 1
    ["Pâine albă", "4841234567892", 7.5, "Panificație"],  # row 2
    [],  # row 3: blank
    ["Lapte 2,5%", 4840000000018, 15, "Lactate"],  # row 4
]


def ods_catalogue(path: Path, rows: list[list[Any]] = ODS_ROWS) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Produse")
    for row in rows:
        tr = TableRow()
        for value in row or [None]:
            if value is None:
                tr.addElement(TableCell())
            elif isinstance(value, (int, float)):
                tr.addElement(TableCell(valuetype="float", value=value))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
