"""A big members import planned by a helper process (services.imports.helper):
the same file gives the same members, cards, balances, operations and
outcome as the import done in one process, chunk by chunk; a plan made
stale by another writer's commit is planned again; a helper that fails
stops the import with its error, keeping what was committed."""
from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from models import open_database
from models.schema import Card, LedgerEntry, Member, Outbox, RowSignature, Staff, SyncedRow, utcnow
from services.core.storage import Pace
from services.core.errors import InputError
from services.imports import helper
from services.imports import members as engine
from services.imports.outcome import ImportOutcome
from services.journal import authority
from services.shop import staff as auth
from tests.conftest import _close

pytestmark = pytest.mark.skipif(not helper.available(), reason="a helper process needs POSIX pipes")


def fixed_pace(size: int) -> Pace:
    return Pace(size, rest_s=0, sleep=lambda s: None, most=size)


# Rows that reach back across chunks (of 4): a card seen again, a phone with another card,
# an e-mail again, a name alone twice, a balance lowered, and rows refused or warned about.
ROWS = [
    {"name": "Иванов Иван", "phone": "8 916 123-45-67", "card": "12345670", "balance": "150", "email": "a@x.ru"},
    {"name": "Петрова Мария", "phone": "+7 926 000-11-22", "card": "4006381333931", "balance": "1 200"},
    {"name": "Без карты", "external_ref": "C-77", "balance": "0"},
    {"name": "Только имя"},
    {"name": "Сидоров", "phone": "8 903 111-22-33", "card": "20000003", "balance": "40", "tier": "Silver"},
    {"name": "Плохой телефон", "phone": "12", "card": "20000011"},
    {"name": "=HYPERLINK(\"x\")", "card": "20000029", "note": "формула"},
    {"name": "Иванов Иван", "card": "12345670", "birthday": "01.02.1980", "note": "второй раз"},
    {"name": "Петрова Мария", "phone": "+7 926 000-11-22", "card": "20000037", "balance": "900"},
    {"name": "Кузнецов", "email": "A@x.ru", "card": "20000045"},
    {"name": "Только имя", "note": "опять"},
    {"name": "Неизвестный уровень", "card": "20000052", "tier": "Платина"},
    {"name": "Волков", "external_ref": "C-77", "consent": "да"},
    {"name": "Сидоров", "phone": "8 903 111-22-33", "balance": "10"},
    {"name": "Новый", "phone": "8 905 555-66-77", "card": "20000060", "balance": "5"},
] + [{"name": f"Член {i}", "phone": f"8 910 {i:03d}-00-00", "card": f"{30000000 + i * 10}", "balance": str(i)}
     for i in range(1, 14)]


def fresh_shop(template: Path, path: Path) -> Staff:
    _close()
    shutil.copy(template, path)
    open_database(path)
    auth.login("111111")
    return Staff.get(Staff.role == "owner")


def state() -> dict:
    """What the import left, without its ids and times (lists sorted by their text:
    a member with an e-mail or an old id and one without cannot be compared)."""
    names = {m.id: m.name for m in Member.select()}
    return {
        "members": sorted(((m.name, m.phone, m.email, m.birthday, m.tier, m.note, m.external_ref,
                            m.marketing_consent, m.balance, m.origin) for m in Member.select()), key=repr),
        "cards": sorted(((c.number, names.get(c.member_id), c.status) for c in Card.select()), key=repr),
        "entries": sorted((names[e.member_id], e.kind, e.delta, e.note) for e in LedgerEntry.select()),
        "operations": Counter(o.kind for o in Outbox.select()),
        "versions": sorted(((r.kind, json.loads(r.doc).get("name") or json.loads(r.doc).get("number"),
                             tuple(sorted(json.loads(r.clocks)))) for r in SyncedRow.select()), key=repr),
        "signed": RowSignature.select().where(RowSignature.kind == engine.SIGN_KIND).count(),
    }


def told(outcome: ImportOutcome) -> tuple:
    return (outcome.rows, outcome.imported, outcome.updated, outcome.skipped,
            [(p.row, p.field, p.error.code) for p in outcome.errors],
            [(p.row, p.field, p.error.code) for p in outcome.warnings])


def records(rows: list[dict]) -> list[tuple[int, dict]]:
    return [(n, cells) for n, cells in enumerate(rows, start=2)]


@pytest.mark.parametrize("duplicates", ["merge", "skip"])
def test_a_helper_plans_the_same_import_as_one_process(shop_template, tmp_path, duplicates):
    now = utcnow()
    results = []
    for helper_from, name in ((None, "alone.db"), (0, "helped.db")):
        owner = fresh_shop(shop_template, tmp_path / name)
        outcome = engine.run(records(ROWS), actor=owner, now=now, pace=fixed_pace(4), helper_from=helper_from,
                             options={"duplicates": duplicates})
        results.append((told(outcome), state()))
        _close()
    alone, helped = results
    assert helped[0] == alone[0]
    assert helped[1] == alone[1]
    # the file's traps are all there, so the comparison compares something
    assert {code for _, _, code in alone[0][4]} >= {"import_phone_bad", "import_tier_unknown"}
    assert alone[0][1] >= 18 and alone[1]["signed"] >= 15


def test_a_plan_made_stale_by_another_writer_is_planned_again(shop_template, tmp_path, monkeypatch):
    """After chunk 1 is committed, a cashier registers a member with the phone a row of
    chunk 2 carries (its plan was already asked for): that row finds the cashier's
    member, as the import done in one process finds it."""
    now = utcnow()
    rows = [{"name": f"Член {i}", "phone": f"8 910 {i:03d}-00-00", "card": f"{30000000 + i * 10}", "balance": "5"}
            for i in range(12)]
    rows[5] = {"name": "Зарегистрирован на кассе", "phone": "8 999 000-00-01", "card": "40000007", "balance": "7"}
    plans: list[int] = []
    receive = helper._receive

    def counted(ours, process, number):
        plans.append(number)
        return receive(ours, process, number)

    monkeypatch.setattr(helper, "_receive", counted)
    results = []
    for helper_from, name in ((None, "alone.db"), (0, "helped.db")):
        path = tmp_path / name
        owner = fresh_shop(shop_template, path)

        def cashier_registers(done: int, path: Path = path) -> None:
            if done == 3:  # chunk 0 is in; the plans of chunks 1 and 2 were asked for before this
                with sqlite3.connect(path) as other:
                    member = Member.select().first()
                    other.execute(
                        'INSERT INTO "member" (id, name, name_key, phone, marketing_consent, tier, balance, created_at,'
                        ' updated_at, note, origin) SELECT ?, ?, ?, ?, 0, tier, 0, created_at, updated_at, \'\', \'\''
                        ' FROM "member" WHERE id = ?',
                        (bytes(range(16)), "С кассы", "с кассы", "+79990000001", member.id.bytes))

        outcome = engine.run(records(rows), actor=owner, now=now, pace=fixed_pace(3), helper_from=helper_from,
                             progress=cashier_registers)
        results.append((told(outcome), state()))
        _close()
    alone, helped = results
    # the row found the cashier's member by phone (updated, its card given), not a second member
    assert alone[0][1:3] == (11, 1) and len(alone[1]["members"]) == 12
    assert ("40000007", "Зарегистрирован на кассе", "active") in alone[1]["cards"]
    assert helped == alone
    assert plans == [0, 1, 2, 1, 2, 3]  # chunk 1's plan (and 2's, asked for already) dropped and made again


def test_a_failing_helper_stops_the_import_with_one_sentence_and_its_error_in_the_log(shop, caplog):
    auth.login("111111")
    with pytest.raises(InputError) as stopped:
        helper.run(records(ROWS), ImportOutcome(), fixed_pace(4), planner="services.imports.members:NoSuchPlanner",
                   args={}, signer=authority.signer())
    assert stopped.value.code == "import_helper_failed" and "Rows done and kept: 0." in str(stopped.value)
    assert "AttributeError" in caplog.text and "NoSuchPlanner" in caplog.text
    assert Member.select().count() == 0
    outcome = engine.run(records(ROWS), actor=shop["owner"], pace=fixed_pace(4), helper_from=0)
    assert outcome.imported >= 18 and outcome.errors


def test_a_helper_killed_mid_import_keeps_what_was_committed_and_a_second_run_brings_the_rest(
        shop_template, tmp_path, monkeypatch):
    now = utcnow()
    owner = fresh_shop(shop_template, tmp_path / "alone.db")
    engine.run(records(ROWS), actor=owner, now=now, pace=fixed_pace(4), helper_from=None)
    whole = state()
    owner = fresh_shop(shop_template, tmp_path / "killed.db")
    started: list = []
    start = helper._start
    monkeypatch.setattr(helper, "_start", lambda: started.append(start()) or started[-1])

    def kill_the_helper(done: int) -> None:
        if done == 8:
            started[0][0].kill()
            started[0][0].wait()

    with pytest.raises(InputError) as stopped:
        engine.run(records(ROWS), actor=owner, now=now, pace=fixed_pace(4), helper_from=0, progress=kill_the_helper)
    assert stopped.value.code == "import_helper_failed"
    done = stopped.value.params["done"]
    assert done in (8, 12) and LedgerEntry.select().count() > 0  # whole chunks only (of 4 rows)
    engine.run(records(ROWS), actor=owner, now=now, pace=fixed_pace(4), helper_from=None)
    assert state() == whole


def test_the_packaged_program_is_its_own_helper(shop_template, tmp_path, monkeypatch):
    """A frozen build has no `python -m`: the program itself is started with --import-helper."""
    program = tmp_path / "loyaltill"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{helper.ROOT / "main.py"}" "$@"\n')
    program.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    started: list = []
    start = helper._start
    monkeypatch.setattr(helper, "_start", lambda: started.append(start()) or started[-1])
    owner = fresh_shop(shop_template, tmp_path / "shop.db")
    outcome = engine.run(records(ROWS), actor=owner, pace=fixed_pace(4), helper_from=0)
    assert outcome.imported >= 18 and started[0][0].args[:2] == [str(program), helper.ARG]
