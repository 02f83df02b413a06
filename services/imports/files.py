"""An owner's file as a table: CSV however Excel, 1C or an old program wrote it,
or a workbook (XLSX, ODS, XLS) through python-calamine.

A text file is read as a stream (a binary file, io.TextIOWrapper, csv.reader):
a gigabyte of receipts is never in memory.  What varies is found on a sample
(the head, and the tail of a big file): the encoding by a byte-order mark,
strict UTF-8, or charset-normalizer among the code pages these shops use; the
separator by csv.Sniffer, checked against the field counts; the header row as
the first row whose cells name columns (1C puts report titles above it).

Row numbers are those the owner sees: the spreadsheet's row, or the line a
CSV record starts on; blank rows are skipped, never counted.  A text row the
file cannot give whole (a NUL character, bytes that are not the file's
encoding, a quote that never closes) is that row's problem, never the end of
the import: it is left out of `rows()` and named in `Table.problems`, and the
reading goes on below it (a quote that never closes swallowed the rest of the
file: the reading starts again on the next line).  The rejected
rows go back in the same shape (`write_rejects`), safe to open in a
spreadsheet program: no cell of ours is ever run as a formula.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from services.core.errors import InputError
from services.imports import columns, values

SAMPLE_BYTES = 64 * 1024  # the head read to detect encoding, separator and header
TAIL_BYTES = 32 * 1024  # and the tail of a bigger file: a code page that shows only late
HEADER_SEARCH = 30  # the header is among the first rows that are not blank
DELIMITERS = (";", ",", "\t", "|")
# Code pages charset-normalizer chooses among when the bytes are not UTF-8:
# Russian (Windows, DOS for old 1C exports, KOI8), Romanian (Windows, ISO), western; in this
# order of likelihood for these shops (it breaks the detector's ties).
CODE_PAGES = ["cp1251", "cp1250", "cp866", "koi8_r", "iso8859_16", "cp1252"]
ALPHABET_TIE = 0.05  # readings this close in the share of one alphabet's letters are as good as each other
CHAOS_TIE = 0.15  # a few words mixing alphabets ("Иванов John") look chaotic to the detector in any code page
MAX_FIELD = 1_000_000  # characters in one CSV cell; more is not a table
WORKBOOK_KINDS = {"xlsx", "ods", "xls"}
ERROR_HEADER = "error"  # the rejects file's extra column (the window passes its own word)
# Past the sample a bad byte is read as a lone surrogate (errors="surrogateescape": the rejects
# file writes the same bytes back) and a NUL as itself; either makes its row unreadable.
_UNREADABLE = re.compile("[\x00\udc80-\udcff]")
# A line the reader gets after the file's last: alone it is a record of its own; at the end of a
# cell it says a quoted cell was still open when the file ended.
_END = "\ufdd0end of file\ufdd0"


@dataclass
class Table:
    """What was found about a file, and its rows on demand (each call reads it anew)."""

    path: Path
    kind: str  # csv | xlsx | ods | xls
    size: int  # bytes
    headers: list[str]
    header_row: int  # 0-based: the owner's row (line) number minus one
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # workbooks only
    sheets: list[str] = field(default_factory=list)
    # Progress of the current rows() pass: bytes read of `size` (CSV) or rows of `total_rows` (workbooks).
    done: int = 0
    total_rows: int = 0
    strict_width: bool = False  # CSV: a row with values beyond the columns is a broken row
    # The rows of the current pass the file could not give whole: row number -> the reason.
    problems: dict[int, InputError] = field(default_factory=dict)

    @property
    def extent(self) -> int:
        return self.size if self.kind == "csv" else self.total_rows

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.extent) if self.extent else 1.0

    def rows(self, *, every: bool = False) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the owner sees it, cells) for each data row below the header.
        The rows the file could not give whole are left out (with `every`, yielded too:
        the runner refuses them, the rejects file writes them back), their reasons in
        `problems` before each is reached."""
        self.done = 0
        self.problems = {}
        source = self._csv_records() if self.kind == "csv" else self._workbook_rows()
        for number, cells in source:
            if number <= self.header_row + 1 or (_blank_row(cells) and number not in self.problems):
                continue
            if every or number not in self.problems:
                yield number, cells
        self.done = self.extent

    def _csv_records(self) -> Iterator[tuple[int, list[Any]]]:
        skip = 0  # lines read already: a pass starts again below a quote that never closed
        while skip is not None:
            skip = yield from self._csv_pass(skip)

    def _csv_pass(self, skip: int) -> Iterator[tuple[int, list[Any]]]:
        """The records from line skip + 1 on; returns where the next pass starts, or None at the end.
        A row is searched for what makes it unreadable only once a NUL or a byte not of the
        encoding has been met (most files have none: the search would be half the reading)."""
        assert self.encoding and self.delimiter
        escapes = _escapes_so_far()
        ended: list[bool] = []
        with _WatchedBytes(io.FileIO(self.path)) as binary:
            text = io.TextIOWrapper(binary, encoding=self.encoding, errors=_ESCAPE, newline="")
            lines = iter(text)
            if skip:
                bad = next(itertools.islice(lines, skip - 1, None), "")  # the line whose quote never closed
                self.problems[skip] = InputError("import_quote_unclosed")
                yield skip, bad.rstrip("\r\n").split(self.delimiter)
            reader = csv.reader(itertools.chain(lines, _end_of(ended)), delimiter=self.delimiter)
            line = skip + 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return None
                except UnicodeDecodeError:  # not a byte surrogateescape takes (UTF-16 cut in half): the end
                    self.problems[line] = InputError("import_rest_unread", encoding=self.encoding,
                                                     line=max(line, _bad_line(self.path, self.encoding)))
                    yield line, []
                    return None
                except csv.Error:  # a cell over MAX_FIELD: a quote opened on `line` and never closed
                    return line
                if not skip:  # a pass again below a quote: the bar stays where the first one left it
                    self.done = binary.tell()
                if ended and cells and cells[-1].endswith(_END):
                    return line if cells != [_END] else None
                if binary.nul or _escapes[0] != escapes:
                    joined = "\x1f".join(cells)
                    if _UNREADABLE.search(joined) is not None:
                        self.problems[line] = (InputError("import_row_nul") if "\x00" in joined
                                               else InputError("import_row_bytes", encoding=self.encoding))
                yield line, cells
                line = skip + reader.line_num + 1

    def _workbook_rows(self) -> Iterator[tuple[int, list[Any]]]:
        _, sheet = _open_sheet(self.path, self.sheet)
        for index, cells in enumerate(sheet.iter_rows()):
            self.done = index + 1
            yield index + 1, list(cells)


class _WatchedBytes(io.BufferedReader):
    """A file's bytes that say when a NUL has gone by (a block at a time, for the text reader)."""

    nul = False

    def read(self, size: int | None = -1) -> bytes:
        return self._seen(super().read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._seen(super().read1(size))

    def _seen(self, data: bytes) -> bytes:
        if not self.nul and b"\x00" in data:
            self.nul = True
        return data


_ESCAPE = "loyaltill-import-escape"  # surrogateescape, counted
_escapes = [0]


def _escapes_so_far() -> int:
    """How many bad bytes have been read as surrogates (the handler is registered on first use)."""
    try:
        codecs.lookup_error(_ESCAPE)
    except LookupError:
        def counted(exc: UnicodeError) -> tuple[str | bytes, int]:
            _escapes[0] += 1
            return codecs.lookup_error("surrogateescape")(exc)

        codecs.register_error(_ESCAPE, counted)
    return _escapes[0]


def _end_of(ended: list[bool]) -> Iterator[str]:
    """The line after the file's last, noting that the reader has come to it."""
    ended.append(True)
    yield _END


def _bad_line(path: Path, encoding: str) -> int:
    """The line of the first byte `encoding` cannot read (the text reader decodes ahead, in blocks)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 1
    with open(path, "rb") as binary:
        while block := binary.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + block[: max(exc.start, 0)].count(b"\n")
            lines += block.count(b"\n")
    return lines


def _blank_row(cells: Sequence[Any]) -> bool:
    return all(values.blank(cell) for cell in cells)


def _csv_field_limit() -> None:
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)


# -- opening ---------------------------------------------------------------

def open_table(path: Path | str, *, encoding: str | None = None, delimiter: str | None = None,
               sheet: str | None = None, header_row: int | None = None) -> Table:
    """The file's facts, found on a sample; `encoding`, `delimiter`, `sheet` and
    `header_row` (0-based) are the owner's choices when detection got it wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError("import_file_missing", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise InputError("import_file_empty", path=path.name)
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        tail = b""
        if size > SAMPLE_BYTES + TAIL_BYTES:
            handle.seek(size - TAIL_BYTES)
            tail = handle.read(TAIL_BYTES)
    kind = _kind_of(path, head)
    if kind in WORKBOOK_KINDS:
        return _open_workbook(path, kind, size, sheet, header_row)
    return _open_csv(path, size, head, tail, encoding, delimiter, header_row)


def _kind_of(path: Path, head: bytes) -> str:
    """By the bytes, not the name: a workbook saved as .csv is still a workbook."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise InputError("import_file_unreadable", path=path.name) from None
        if "content.xml" in names:
            return "ods"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        raise InputError("import_file_unreadable", path=path.name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return "csv"


# -- workbooks -------------------------------------------------------------

def _open_sheet(path: Path, name: str | None) -> tuple[list[str], Any]:
    """(the workbook's sheet names, the sheet): the one named, or the first with data in it."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's own errors (zip, xml, password): not a workbook it can read
        raise InputError("import_file_unreadable", path=path.name) from None
    names = list(book.sheet_names)
    if name is not None:
        if name not in names:
            raise InputError("import_sheet_missing", path=path.name, sheet=name, sheets=", ".join(names))
        return names, book.get_sheet_by_name(name)
    for sheet_name in names:
        sheet = book.get_sheet_by_name(sheet_name)
        if sheet.height and any(not _blank_row(row) for row in sheet.iter_rows()):
            return names, sheet
    raise InputError("import_file_empty", path=path.name)


def _open_workbook(path: Path, kind: str, size: int, sheet_name: str | None, header_row: int | None) -> Table:
    names, sheet = _open_sheet(path, sheet_name)
    sample: list[tuple[int, list[Any]]] = []
    rows = 0
    search = HEADER_SEARCH + (header_row or 0)
    for index, cells in enumerate(sheet.iter_rows()):
        rows = index + 1
        if len(sample) < search and not _blank_row(cells):
            sample.append((index + 1, list(cells)))
    if not sample:
        raise InputError("import_file_empty", path=path.name)
    number, header_cells = _header(sample, header_row, path)
    width = max(len(trimmed(cells)) for _, cells in sample)
    return Table(path=path, kind=kind, size=size, headers=_headers(header_cells, width), header_row=number - 1,
                 sheet=sheet.name, sheets=names, total_rows=rows)


# -- text files ------------------------------------------------------------

def _open_csv(path: Path, size: int, head: bytes, tail: bytes, encoding: str | None, delimiter: str | None,
              header_row: int | None) -> Table:
    _csv_field_limit()
    encoding = _known_encoding(encoding) if encoding is not None else detect_encoding(head, tail, path)
    if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"  # the owner said UTF-8; its mark is not part of the first header
    text = _decode(head, encoding, path)
    whole = len(head) >= size
    if not whole:  # a record cut by the sample's end is left out
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    if "\x00" in text:
        raise InputError("import_file_unreadable", path=path.name)
    if delimiter is not None:
        if len(delimiter) != 1 or delimiter in "\r\n\"":
            raise InputError("import_delimiter_bad", delimiter=delimiter)
    else:
        delimiter = detect_delimiter(text)
    records = _sample_records(text, delimiter, path)
    if not records:
        raise InputError("import_file_empty", path=path.name)
    number, header_cells = _header(records if header_row is not None else records[:HEADER_SEARCH], header_row, path)
    after = [len(trimmed(cells)) for n, cells in records if n > number]
    width = max([len(trimmed(header_cells))] + ([Counter(after).most_common(1)[0][0]] if after else []))
    return Table(path=path, kind="csv", size=size, headers=_headers(header_cells, width), header_row=number - 1,
                 encoding=encoding, delimiter=delimiter, strict_width=True)


def _known_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        raise InputError("import_encoding_unknown", encoding=name[:40]) from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13: codecs, not encodings of text
        raise InputError("import_encoding_unknown", encoding=name[:40])
    return info.name


def _decode(sample: bytes, encoding: str, path: Path) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=False)  # a character cut at the sample's end waits, unread
    except UnicodeDecodeError as exc:
        line = sample[: exc.start].count(b"\n") + 1
        raise InputError("import_encoding_wrong", path=path.name, encoding=encoding, line=line) from None


def detect_encoding(head: bytes, tail: bytes = b"", path: Path | None = None) -> str:
    """A byte-order mark says it; else bytes that are valid UTF-8 are UTF-8 (no code
    page makes Cyrillic that decodes as UTF-8 by chance); else charset-normalizer."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    sample = head + b"\n" + tail
    if _utf8(head, final=False) and _utf8(tail[_utf8_start(tail):], final=True):
        return "utf-8"
    if b"\x00" in head:  # UTF-16 without its mark, or a binary file
        for guess in ("utf-16-le", "utf-16-be"):
            if _utf16_text(head, guess):
                return guess
        raise InputError("import_file_unreadable", path=(path.name if path else ""))
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample, cp_isolation=CODE_PAGES))
    if not matches:  # a few lines of formulas and symbols are "chaos" in every code page: take them all
        matches = [m for m in from_bytes(sample, cp_isolation=CODE_PAGES, threshold=1.0) if _text_like(str(m))]
    if not matches:
        raise InputError("import_file_unreadable", path=(path.name if path else ""))
    # On a few words several code pages read without chaos ("Пётр" is "Ď¸ňđ" in cp1250), and a
    # file of odd cells (a name of 300 "Я") can look more chaotic in its own code page than in one
    # that turns its letters into box drawing: the readings whose non-ASCII characters are most
    # nearly one alphabet's letters go first, among them the detector's least chaos (within a
    # tie), then CODE_PAGES' order.
    coherent = {id(m): _one_alphabet(str(m)) for m in matches}
    most = max(coherent.values())
    lettered = [m for m in matches if coherent[id(m)] >= most - ALPHABET_TIE]
    least = min(m.chaos for m in lettered)
    tied = [m for m in lettered if m.chaos <= least + CHAOS_TIE]
    best = max(tied, key=lambda m: (coherent[id(m)], -_rank(m.encoding)))
    return codecs.lookup(best.encoding).name


def _text_like(text: str) -> bool:
    """Not a binary file: hardly any control characters besides line breaks and tabs."""
    controls = sum(1 for ch in text if ch < " " and ch not in "\r\n\t")
    return bool(text) and controls <= len(text) // 100


def _rank(encoding: str) -> int:
    name = codecs.lookup(encoding).name
    ranks = [codecs.lookup(page).name for page in CODE_PAGES]
    return ranks.index(name) if name in ranks else len(ranks)


def _one_alphabet(text: str) -> float:
    """The share of the non-ASCII characters that are letters of the most common alphabet."""
    import unicodedata

    scripts: Counter[str] = Counter()
    others = 0
    for ch in text:
        if ch.isascii():
            continue
        if ch.isalpha():
            scripts[unicodedata.name(ch, "?").split(" ")[0]] += 1
        else:
            others += 1
    total = sum(scripts.values()) + others
    return (scripts.most_common(1)[0][1] if scripts else 0) / total if total else 1.0


def _utf8(data: bytes, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_start(data: bytes) -> int:
    """The tail was cut anywhere: skip the continuation bytes of a character begun before it."""
    index = 0
    while index < min(len(data), 3) and 0x80 <= data[index] <= 0xBF:
        index += 1
    return index


def _utf16_text(data: bytes, encoding: str) -> bool:
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(data[: len(data) - len(data) % 2], final=False)
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return bool(text) and printable / len(text) > 0.95


def detect_delimiter(text: str) -> str:
    """csv.Sniffer's answer when the field counts agree with it; else the separator
    that splits the most rows into the same number of cells (title lines aside)."""
    scores = {d: _consistency(text, d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(text[:16384], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    best = max(DELIMITERS, key=lambda d: scores[d])  # DELIMITERS' order breaks ties: ';' first (1C, Excel RU/RO)
    if sniffed in scores and scores[sniffed] >= scores[best]:
        return sniffed
    return best if scores[best] > (0, 0) else ";"


def _consistency(text: str, delimiter: str) -> tuple[int, int]:
    """(rows having the most common count of cells, that count) when the count is
    above one: a separator that splits nothing scores nothing."""
    try:
        counts = Counter(len(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                         if not _blank_row(row))
    except csv.Error:
        return (0, 0)
    if not counts:
        return (0, 0)
    width, rows = max(counts.items(), key=lambda item: (item[1], item[0]))
    return (rows, width) if width > 1 else (0, 0)


def _sample_records(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if not _blank_row(cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError("import_file_broken", path=path.name, line=reader.line_num, detail=str(exc)) from None
    return records


# -- the header ------------------------------------------------------------

def _header(sample: list[tuple[int, list[Any]]], header_row: int | None, path: Path) -> tuple[int, list[Any]]:
    """(its row number, its cells): the row the owner named, or the first of the rows
    naming the most columns; with no header words at all, the first row of two or more
    text cells (a title line has one)."""
    if header_row is not None:
        for number, cells in sample:
            if number >= header_row + 1:
                return number, cells
        raise InputError("import_header_row_missing", row=header_row + 1)
    scored = [(sum(columns.looks_like_header(c) for c in cells), number, cells) for number, cells in sample]
    best = max(score for score, _, _ in scored)
    if best > 0:
        return next((number, cells) for score, number, cells in scored if score == best)
    for number, cells in sample:
        filled = [c for c in cells if not values.blank(c)]
        if len(filled) >= 2 and all(isinstance(c, str) and not _numeric(c) for c in filled):
            return number, cells
    return sample[0]


_NUMBERISH = re.compile(r"[\s\d.,:/+\-()%₽$€]*\d[\s\d.,:/+\-()%₽$€]*")


def _numeric(text: str) -> bool:
    """A number, a date, a phone: a value, not a column's name."""
    return bool(_NUMBERISH.fullmatch(text))


def trimmed(cells: Sequence[Any]) -> list[Any]:
    end = len(cells)
    while end and values.blank(cells[end - 1]):
        end -= 1
    return list(cells[:end])


def _headers(cells: Sequence[Any], width: int) -> list[str]:
    names = [cell_text(c) for c in cells[:width]]
    return names + [""] * (width - len(names))


def cell_text(cell: Any) -> str:
    """A cell as text: what a spreadsheet shows, not Python's repr (4601234567890, not 4.60123456789e+12)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e16 else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ", timespec="seconds") if cell.time() != dt.time() else cell.date().isoformat()
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


# -- the rejected rows, back to the owner ------------------------------------

def safe_cell(text: str) -> str:
    """OWASP's advice against CSV injection: a cell a spreadsheet program would run
    as a formula gets an apostrophe in front (a number or a phone is left as it is)."""
    return "'" + text if values.looks_like_formula(text) else text


def write_rejects(table: Table, rows_with_errors: dict[int, str], out_path: Path | str, *,
                  error_header: str = ERROR_HEADER) -> Path:
    """A second pass over the file: each rejected row as it was, with its reason in an
    extra column.  CSV stays CSV (same separator and encoding, UTF-8 with a BOM when
    that encoding cannot hold the text); a workbook's rows go to an XLSX of text cells.
    A name ending .xlsx, or .csv/.txt, asks for that format whatever the file was (a
    workbook's rows as CSV: UTF-8 with a BOM and ';', as Excel opens it in RU and RO)."""
    out_path = Path(out_path)
    wanted = set(rows_with_errors)

    def rows() -> Iterator[list[str]]:
        if not wanted:
            return
        for number, cells in table.rows(every=True):
            if number in wanted:
                yield _reject_row(table, cells, rows_with_errors[number])

    header = [*table.headers, error_header]
    suffix = out_path.suffix.lower()
    as_text = suffix in (".csv", ".txt") or (table.kind == "csv" and suffix != ".xlsx")
    try:
        if as_text:
            _write_csv(table, header, rows, out_path)
        else:
            _write_xlsx(header, rows(), out_path)
    except OSError as exc:
        raise InputError("import_errors_file", path=str(out_path), reason=exc.strerror or str(exc)) from None
    return out_path


def _reject_row(table: Table, cells: Sequence[Any], reason: str) -> list[str]:
    width = len(table.headers)
    texts = [cell_text(c) for c in cells]
    return texts[:width] + [""] * (width - len(texts)) + [reason] + texts[width:]


def _write_csv(table: Table, header: list[str], rows: Any, out_path: Path) -> None:
    encoding = table.encoding or "utf-8-sig"
    delimiter = table.delimiter or ";"
    try:
        _csv_rows(out_path, encoding, delimiter, header, rows())
    except UnicodeEncodeError:  # the owner's code page cannot hold a character of the rows or the reasons
        _csv_rows(out_path, "utf-8-sig", delimiter, header, rows())


def _csv_rows(out_path: Path, encoding: str, delimiter: str, header: list[str], rows: Iterator[list[str]]) -> None:
    # utf-16 writes its mark, as Excel does; bytes the file's encoding could not read go back as they were
    with open(out_path, "w", encoding=encoding, errors="surrogateescape", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])


def _write_xlsx(header: list[str], rows: Iterator[list[str]], out_path: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()

    def text_cells(texts: list[str]) -> list[Any]:
        cells = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=xlsx_text(text))
            cell.data_type = "s"  # a string, never a formula, whatever it starts with
            cells.append(cell)
        return cells

    sheet.append(text_cells(header))
    for row in rows:
        sheet.append(text_cells(row))
    book.save(out_path)


def xlsx_text(text: str) -> str:
    """XML 1.0 has no place for most control characters: they go (a tab and line breaks stay);
    a byte the text file's encoding could not read is shown as the replacement character."""
    return "".join(ch if not "\ud800" <= ch <= "\udfff" else "\ufffd" for ch in text if ch >= " " or ch in "\t\n\r")
