"""services.imports.runner and `main.py import`, on a small fake engine: the engines
(members, catalogue, history) are tested on their own; here what the runner does
around them — mapping, refusing rows it cannot map, rejects, memory, audit."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

from services.core.errors import InputError, PermissionDenied
from services.imports import columns, files, runner, values
from services.imports.outcome import ImportOutcome, RowProblem
from tests.conftest import PINS
from tests.unit.imports import owners_files as owners

NOW = dt.datetime(2026, 3, 1, 10, 0)


class FakeEngine:
    """An engine to the contract: counts rows, refuses a row without a name or with a
    name starting "bad", warns of a formula, writes nothing on a dry run, works in
    chunks of two with progress and a stop between them."""

    def __init__(self) -> None:
        self.written: list[tuple[int, dict[str, Any]]] = []
        self.calls: list[dict[str, Any]] = []

    def __call__(self, records: Iterable[tuple[int, dict[str, Any]]], *, actor: Any, options: dict[str, Any] | None = None,
                 dry_run: bool = False, progress: Callable[[int], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, now: dt.datetime | None = None) -> ImportOutcome:
        self.calls.append({"options": options, "dry_run": dry_run, "now": now})
        outcome = ImportOutcome(dry_run=dry_run)
        chunk: list[tuple[int, dict[str, Any]]] = []
        for number, record in records:
            outcome.rows += 1
            name = record.get("name")
            if values.blank(name) or str(name).startswith("bad"):
                outcome.errors.append(RowProblem(number, "name", InputError("import_number_bad", field="name",
                                                                            value=str(name))))
                continue
            for field, cell in record.items():
                if values.looks_like_formula(cell):
                    outcome.warnings.append(RowProblem(number, field, InputError("import_too_long", field=field,
                                                                                 limit=1, length=1)))
            chunk.append((number, record))
            if len(chunk) == 2:
                self._flush(chunk, outcome, dry_run, progress)
                if should_stop is not None and should_stop():
                    return outcome
        self._flush(chunk, outcome, dry_run, progress)
        return outcome

    def _flush(self, chunk: list, outcome: ImportOutcome, dry_run: bool, progress: Callable[[int], None] | None) -> None:
        outcome.imported += len(chunk)
        if not dry_run:
            self.written.extend(chunk)
        chunk.clear()
        if progress is not None:
            progress(outcome.rows)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine()
    for kind in columns.KINDS:
        monkeypatch.setitem(runner.ENGINES, kind, fake)
    return fake


def test_inspect_a_1c_file(tmp_path: Path, shop, engine: FakeEngine) -> None:
    found = runner.inspect(owners.one_c_members(tmp_path / "карты.csv"), "members")
    assert found.mapping == {0: "name", 1: "phone", 2: "card", 3: "balance", 4: "birthday", 5: "note"}
    assert not found.remembered and found.unmapped == [] and found.missing == []
    assert [n for n, _ in found.sample] == owners.ONE_C_ROWS
    facts = found.as_json()
    assert (facts["encoding"], facts["delimiter"], facts["header_row"]) == ("cp1251", ";", 4)
    assert facts["mapping"]["1"] == "name" and facts["sample"][0]["row"] == 5
    history = runner.inspect(tmp_path / "карты.csv", "history", rows=1)
    assert history.missing == [("date",), ("amount",)] and len(history.sample) == 1  # phone and card: a customer key


def test_run_hands_the_engine_mapped_fields_by_the_owners_row_numbers(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = owners.one_c_members(tmp_path / "карты.csv")
    outcome = runner.run_import(path, "members", actor=shop["owner"], mapping={0: "name", 2: "card", 5: "note"}, now=NOW)
    assert [n for n, _ in engine.written] == owners.ONE_C_ROWS
    assert engine.written[1][1] == {"name": "Петрова Алёна Сергеевна", "card": "4601234567893",
                                    "note": "первая строка\r\nвторая строка"}
    assert (outcome.rows, outcome.imported, len(outcome.errors)) == (3, 3, 0)
    assert [(w.row, w.field) for w in outcome.warnings] == [(10, "note")]  # '=1+1': the engine's call
    assert engine.calls[0]["now"] == NOW and engine.calls[0]["dry_run"] is False


def test_a_row_with_values_beyond_the_columns_is_refused_by_the_runner(tmp_path: Path, shop, engine: FakeEngine) -> None:
    """A price written 45,90 without quotes in a comma file: every cell after it moves."""
    path = tmp_path / "t.csv"
    path.write_text("Name,Card,Price\r\nAnn,12345,4590\r\nBob,23456,45,90\r\nCy,34567,100,\r\nbad,1,2\r\n", encoding="utf-8")
    errors = tmp_path / "rejected.csv"
    outcome = runner.run_import(path, "members", actor=shop["owner"], mapping={0: "name", 1: "card"}, errors_out=errors)
    assert [n for n, _ in engine.written] == [2, 4]  # a trailing empty value is no value
    assert outcome.rows == 4 and outcome.imported == 2
    assert [(p.row, p.field, p.error.code) for p in outcome.errors] == [
        (3, "", "import_row_cells"), (5, "name", "import_number_bad")]
    assert outcome.errors[0].error.params == {"cells": 4, "columns": 3}
    back = files.open_table(errors)
    assert back.headers[:4] == ["Name", "Card", "Price", "error"]
    rows = [cells for _, cells in back.rows()]
    assert rows[0][:3] == ["Bob", "23456", "45"] and rows[0][4] == "90" and "4 values" in rows[0][3]
    assert rows[1][:3] == ["bad", "1", "2"] and rows[1][3] == "Name: “bad” is not a number."  # the file's own header


def test_a_workbook_keeps_values_beyond_its_header(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = owners.xlsx_members(tmp_path / "c.xlsx", rows=[["ФИО", "Телефон"], ["Ann", "+79991234567", "extra"]])
    outcome = runner.run_import(path, "members", actor=shop["owner"])
    assert outcome.errors == [] and engine.written == [(2, {"name": "Ann", "phone": "+79991234567"})]


def test_several_barcode_columns_make_one_cell(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = owners.xlsx_members(tmp_path / "goods.xlsx", rows=[
        ["Наименование", "Цена продажи", "Штрихкод EAN13", "Штрихкод EAN8"],
        ["Хлеб", 45.9, 4601234567893, 12345670],
        ["Соль", 20, None, "40000018"],
    ])
    runner.run_import(path, "catalogue", actor=shop["owner"])
    assert [r["barcode"] for _, r in engine.written] == ["4601234567893\n12345670", "40000018"]


def test_only_the_owner_imports(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = owners.one_c_members(tmp_path / "карты.csv")
    for role in ("manager", "cashier"):
        with pytest.raises(PermissionDenied):
            runner.run_import(path, "members", actor=shop[role])
    assert engine.calls == []


def test_a_mapping_missing_what_the_import_needs_is_refused_before_reading(tmp_path: Path, shop, engine) -> None:
    path = owners.one_c_members(tmp_path / "карты.csv")
    with pytest.raises(InputError) as refused:
        runner.run_import(path, "members", actor=shop["owner"], mapping={1: "phone"})
    assert refused.value.code == "import_required_missing" and engine.calls == []


def test_a_real_run_remembers_the_mapping_and_leaves_one_audit_entry(tmp_path: Path, shop, engine) -> None:
    from services.journal import audit

    path = owners.one_c_members(tmp_path / "карты.csv")
    mine = {0: "name", 2: "card"}
    runner.run_import(path, "members", actor=shop["owner"], mapping=mine, dry_run=True, now=NOW)
    assert runner.inspect(path, "members").remembered is False and audit.entries(action="import") == []
    assert engine.written == []
    runner.run_import(path, "members", actor=shop["owner"], mapping=mine, now=NOW)
    again = runner.inspect(path, "members")
    assert again.remembered and again.mapping == mine and again.unmapped == [1, 3, 4, 5]
    (entry,) = audit.entries(action="import")
    assert (entry.staff_name, entry.target, entry.created_at) == (shop["owner"].name, "карты.csv", NOW)
    assert entry.details == {"kind": "members", "rows": 3, "imported": 3, "updated": 0, "skipped": 0, "errors": 0,
                             "warnings": 0, "stopped": False}  # '=1+1' is in a column left out


def test_progress_and_a_stop(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = tmp_path / "many.csv"
    path.write_text("ФИО;Телефон\r\n" + "".join(f"Имя {i};+7999000{i:04d}\r\n" for i in range(2000)), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    outcome = runner.run_import(path, "members", actor=shop["owner"], progress=lambda d, t: seen.append((d, t)),
                                should_stop=lambda: len(engine.written) >= 10)
    size = path.stat().st_size
    assert len(engine.written) == 10 and outcome.rows == 10
    assert all(total == size for _, total in seen) and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    from services.journal import audit

    assert audit.entries(action="import")[0].details["stopped"] is True


def test_preview_gives_each_row_its_verdict_and_writes_nothing(tmp_path: Path, shop, engine: FakeEngine) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ФИО;Телефон\r\nАнна;1\r\nbad;2\r\n=1+1;3\r\n;4\r\n", encoding="utf-8")
    found = runner.inspect(path, "members")
    shown = runner.preview(found, found.mapping, shop["owner"], n=3)
    assert [(r.row, r.verdict) for r in shown.rows] == [(2, "ok"), (3, "error"), (4, "warning")]
    assert shown.outcome.dry_run and shown.outcome.rows == 3 and engine.written == []
    with pytest.raises(PermissionDenied):
        runner.preview(found, found.mapping, shop["cashier"])


def test_preview_says_what_each_row_would_do_as_the_whole_file_would(tmp_path: Path, shop, monkeypatch) -> None:
    """New, an update, unchanged: judged with the rows above it (a phone twice: the second is a duplicate)."""
    def counting(records, *, actor, options=None, dry_run=False, progress=None, should_stop=None, now=None):
        outcome = ImportOutcome(dry_run=dry_run)
        phones: set[str] = set()
        for number, record in records:
            outcome.rows += 1
            if str(record["name"]).startswith("bad"):
                outcome.errors.append(RowProblem(number, "name", InputError("import_number_bad", field="name",
                                                                            value="bad")))
            elif record["phone"] in phones:
                outcome.skipped += 1
            elif record["name"] == "Старый":
                outcome.updated += 1
            else:
                outcome.imported += 1
            phones.add(record["phone"])
        return outcome

    monkeypatch.setitem(runner.ENGINES, "members", counting)
    path = tmp_path / "t.csv"
    path.write_text("ФИО;Телефон\r\nАнна;1\r\nСтарый;2\r\nbad;3\r\nАнна;1\r\n", encoding="utf-8")
    found = runner.inspect(path, "members")
    shown = runner.preview(found, found.mapping, shop["owner"])
    assert [(r.row, r.verdict, r.effect) for r in shown.rows] == [
        (2, "ok", "imported"), (3, "ok", "updated"), (4, "error", ""), (5, "ok", "skipped")]
    assert (shown.outcome.rows, shown.outcome.imported, shown.outcome.updated, shown.outcome.skipped) == (4, 1, 1, 1)


def test_the_rejects_of_a_run_are_saved_afterwards_in_the_files_shape(tmp_path: Path, shop, engine) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("ФИО;Телефон\r\nАнна;1\r\nbad;2\r\n".encode("cp1251"))
    found = runner.inspect(path, "members")
    outcome = runner.run_import(path, "members", actor=shop["owner"], mapping=found.mapping, dry_run=True)
    out = runner.save_rejects(path, "members", outcome, found.mapping, tmp_path / "back.csv", error_header="ошибка")
    back = files.open_table(out)
    assert back.headers == ["ФИО", "Телефон", "ошибка"] and back.encoding == "cp1251"
    assert [cells for _, cells in back.rows()] == [["bad", "2", "ФИО: “bad” is not a number."]]


# -- main.py import ---------------------------------------------------------------------

def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    import main

    code = main.main(args)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and "--json" in args else out), err


def test_the_command_line(tmp_path: Path, shop, engine: FakeEngine, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LOYALTILL_PIN", PINS["owner"])
    monkeypatch.setenv("LOYALTILL_STAFF", "Owner")
    path = owners.one_c_members(tmp_path / "карты.csv")
    rejected = tmp_path / "rejected.csv"
    code, result, _ = _cli(["import", "members", "--db", str(shop_db(shop)), str(path), "--map", "Примечание=",
                            "--map", "2=external_ref", "--errors", str(rejected), "--duplicates", "skip",
                            "--dry-run", "--json"], capsys)
    assert code == 0
    assert {k: result[k] for k in ("rows", "imported", "updated", "skipped", "dry_run")} == {
        "rows": 3, "imported": 3, "updated": 0, "skipped": 0, "dry_run": True}
    assert result["errors"] == [] and result["errors_file"] == str(rejected)
    assert result["mapping"] == {"ФИО": "name", "Телефон": "external_ref", "Номер карты": "card", "Баланс": "balance",
                                 "Дата рождения": "birthday"}
    assert engine.calls[-1]["options"] == {"duplicates": "skip"} and engine.written == []
    assert files.open_table(rejected).headers[-1] == "error"


@pytest.mark.parametrize("extra, says", [
    (["--map", "Почта=email"], "no column"),
    (["--map", "ФИО"], "COLUMN=field"),
    (["--grant-points"], "--grant-points is for history"),
    (["--encoding", "klingon"], "not an encoding"),
    (["--sheet", "Лист1"], "sheet"),
])
def test_the_command_line_refuses_in_one_line(tmp_path: Path, shop, engine, capsys, monkeypatch, extra, says) -> None:
    monkeypatch.setenv("LOYALTILL_PIN", PINS["owner"])
    path = owners.one_c_members(tmp_path / "карты.csv") if "--sheet" not in extra else owners.xlsx_members(tmp_path / "c.xlsx")
    code, _, err = _cli(["import", "members", "--db", str(shop_db(shop)), str(path), *extra, "--json"], capsys)
    assert code == 2 and says in err and err.count("\n") == 1
    assert engine.calls == []


def test_the_command_line_needs_the_owner(tmp_path: Path, shop, engine, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LOYALTILL_PIN", PINS["manager"])
    path = owners.one_c_members(tmp_path / "карты.csv")
    code, _, err = _cli(["import", "members", "--db", str(shop_db(shop)), str(path), "--json"], capsys)
    assert code == 2 and "owner" in err.lower() and engine.calls == []


def shop_db(shop: dict) -> Path:
    from models import db

    return Path(db.obj.database)


def test_the_rejects_speak_the_shops_language_and_name_the_files_column(tmp_path: Path, shop, engine) -> None:
    from services.core import messages

    path = tmp_path / "t.csv"
    path.write_bytes("ФИО;Телефон\r\nbad;1\r\n".encode("cp1251"))
    messages.set_language("ru")
    try:
        runner.run_import(path, "members", actor=shop["owner"], errors_out=tmp_path / "bad.csv")
    finally:
        messages.set_language("en")
    back = files.open_table(tmp_path / "bad.csv")
    assert back.encoding == "cp1251"
    assert [cells for _, cells in back.rows()] == [["bad", "1", "ФИО: «bad» — не число."]]


NASTY = ["²", "٣" * 12 + "7", "9" * 10_000, "-1", "", "0", "1e3", " 5", "x", "2026-13-45", "base64", "rot13", "\x00"]


@pytest.mark.slow  # a PIN check (argon2id) per value
@pytest.mark.parametrize("option", ["--header-row", "--encoding", "--delimiter", "--sheet", "--map"])
def test_nasty_values_of_every_option_are_one_line(tmp_path: Path, shop, engine, capsys, monkeypatch, option) -> None:
    monkeypatch.setenv("LOYALTILL_PIN", PINS["owner"])
    monkeypatch.setenv("LOYALTILL_STAFF", "Owner")
    path = tmp_path / "t.csv"
    path.write_text("ФИО;Телефон\r\nАнна;+79991234567\r\n", encoding="utf-8")
    for value in NASTY:
        try:
            code, _, err = _cli(["import", "members", "--db", str(shop_db(shop)), str(path), option, value, "--json"], capsys)
        except SystemExit as exc:  # argparse's own one-line refusal
            code, err = exc.code, capsys.readouterr().err
        assert code in (0, 2), (option, value[:20], err)
        assert code == 0 or err.count("\n") == 1, (option, value[:20], err)


def test_rows_the_file_cannot_give_whole_are_refused_and_the_import_ends_with_its_summary(
        tmp_path: Path, shop, engine: FakeEngine) -> None:
    """A NUL, a byte of another code page and a quote that never closes, all past the sample:
    the import goes on below each, ends with its counts, its audit entry and the rejects file."""
    from services.journal import audit

    path = tmp_path / "m.csv"
    good = [f"Имя {i};+7999{i:07d}".encode() for i in range(12000)]  # 300 KB: the faults are past the head
    faulty = {4000: b"Bad\x00name;+79990004000", 6000: "Жук;+79990006000".encode("cp1251"),
              8000: b'"Quote;+79990008000'}
    lines = [b"Name;Phone"] + [faulty.get(i, line) for i, line in enumerate(good)]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    errors = tmp_path / "rejected.csv"
    seen: list[tuple[int, int]] = []
    outcome = runner.run_import(path, "members", actor=shop["owner"], mapping={0: "name", 1: "phone"}, now=NOW,
                                errors_out=errors, progress=lambda d, t: seen.append((d, t)))
    assert [(p.row, p.error.code) for p in outcome.errors] == [
        (4002, "import_row_nul"), (6002, "import_row_bytes"), (8002, "import_quote_unclosed")]
    assert outcome.rows == 12000 and outcome.imported == 11997 == len(engine.written)
    assert engine.written[-1] == (12001, {"name": "Имя 11999", "phone": "+79990011999"})
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (path.stat().st_size,) * 2
    (entry,) = audit.entries(action="import")
    assert (entry.details["rows"], entry.details["imported"], entry.details["errors"]) == (12000, 11997, 3)
    back = errors.read_bytes().split(b"\r\n")
    assert back[1].startswith(b"Bad\x00name;+79990004000;") and back[2].startswith("Жук;".encode("cp1251"))
    assert back[3].startswith(b'"""Quote";+79990008000;A quote opens')  # the line as it was, split at ';'
