"""Found in review of the members import's helper process (services.imports.helper):
cases where a helper-run import differed from the one-process import (a phone
two members share, e-mails read before a cashier gave one), or let the owner's
PIN reach the helper.  Each failed before its fix (2f7e2dc on review21)."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from models.schema import Card, Member, utcnow
from services.imports import helper
from services.imports import members as engine
from services.journal import authority
from services.members.registry import name_key
from tests.conftest import _close
from tests.unit.imports.test_import_helper import fixed_pace, fresh_shop, records, state, told

pytestmark = pytest.mark.skipif(not helper.available(), reason="a helper process needs POSIX pipes")


class RunsAhead:
    """Makes the helper's normal concurrency deterministic: each chunk's write
    transaction (in the importing process) waits until the helper has sent the
    next chunk's plan, so that plan is always made on a snapshot without the
    chunk being written (it recalls it, as the design intends)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, chunks: int) -> None:
        self.chunks, self.calls, self.pipes = chunks, 0, None
        start, sign_rows = helper._start, authority.sign_rows

        def started():
            process, pipes = start()
            self.pipes = pipes
            return process, pipes

        def waiting(*args, **kwargs):
            if self.pipes is not None:  # the helper's run: called once a chunk, inside its write transaction
                if self.calls < self.chunks - 1:
                    assert self.pipes._in.poll(10), "the helper sent no plan of the next chunk"
                self.calls += 1
            return sign_rows(*args, **kwargs)

        monkeypatch.setattr(helper, "_start", started)
        monkeypatch.setattr(authority, "sign_rows", waiting)


def both_runs(template: Path, tmp_path: Path, rows: list[dict], size: int, *, before=None, progress=None,
              monkeypatch=None, **options) -> tuple[tuple, tuple]:
    """The import of `rows` done in one process, then with a helper, on two copies of the shop."""
    now = utcnow()
    results = []
    for helper_from, name in ((None, "alone.db"), (0, "helped.db")):
        path = tmp_path / name
        owner = fresh_shop(template, path)
        if before is not None:
            before()
        if helper_from is not None and monkeypatch is not None:
            RunsAhead(monkeypatch, -(-len(rows) // size))
        outcome = engine.run(records(rows), actor=owner, now=now, pace=fixed_pace(size), helper_from=helper_from,
                             progress=(lambda done, path=path: progress(done, path)) if progress else None,
                             options=options or None)
        results.append((told(outcome), state()))
        _close()
    return results[0], results[1]


def test_a_phone_two_members_share_finds_the_second_once_a_pending_chunk_moved_the_first(
        shop_template, tmp_path, monkeypatch):
    """Two members the till had share a phone (a family; registered on two tills).  Chunk 0
    gives the first one (found by its card) a new phone; chunk 1 has a row with the shared
    phone.  Done in one process, chunk 1 reads the file and finds the second member.  The
    helper plans chunk 1 while chunk 0 is being written: its snapshot finds the first member
    by that phone, _recall sees that chunk 0 moved her and drops the match, and the row finds
    no-one: a new member (a duplicate of the second) is made instead of updating her."""
    shared = "+79161112233"

    def two_members_one_phone() -> None:
        first = Member.create(name="Первая", name_key=name_key("Первая"), phone=shared,
                              created_at=dt.datetime(2020, 1, 1), updated_at=dt.datetime(2020, 1, 1))
        Member.create(name="Вторая", name_key=name_key("Вторая"), phone=shared,
                      created_at=dt.datetime(2021, 1, 1), updated_at=dt.datetime(2021, 1, 1))
        Card.create(number="50000001", member=first, status="active")

    rows = [
        {"name": "Первая", "card": "50000001", "phone": "8 916 999-99-99"},
        {"name": "Заполнитель А", "card": "50000019"},
        {"name": "Вторая", "phone": "8 916 111-22-33", "note": "та же семья"},
        {"name": "Заполнитель Б", "card": "50000027"},
    ]
    alone, helped = both_runs(shop_template, tmp_path, rows, 2, before=two_members_one_phone,
                              monkeypatch=monkeypatch)
    # one process: the row of chunk 1 updates the second member (her note), nobody new but the fillers
    assert alone[0][1:3] == (2, 2)
    assert len(alone[1]["members"]) == 4
    assert helped == alone


def test_an_email_registered_at_the_till_between_chunks_is_found_as_the_one_process_import_finds_it(
        shop_template, tmp_path):
    """The one-process import reads the till's e-mails when the first chunk with an e-mail
    needs them; the helper reads them for its very first plan and never again, not even
    when another writer's commit makes it plan the chunk again.  A member a cashier gives
    an e-mail after chunk 0 (before any e-mail was needed) is found by the one-process
    import and merged; with the helper the row makes a second member with her e-mail."""

    def a_member_of_the_shop() -> None:
        Member.create(name="Ольга", name_key=name_key("Ольга"), phone="+79160000001",
                      created_at=dt.datetime(2020, 1, 1), updated_at=dt.datetime(2020, 1, 1))

    def cashier_gives_an_email(done: int, path: Path) -> None:
        if done == 2:  # chunk 0 is in (no e-mails in it); chunk 1's plan was asked for already
            with sqlite3.connect(path) as other:
                other.execute('UPDATE "member" SET email = ? WHERE name = ?', ("olga@x.ru", "Ольга"))

    rows = [
        {"name": "Заполнитель", "card": "60000000"},
        {"name": "Ещё один", "card": "60000018"},
        {"name": "Ольга Петровна", "email": "olga@x.ru", "note": "из старой базы"},
        {"name": "Последний", "card": "60000026"},
    ]
    alone, helped = both_runs(shop_template, tmp_path, rows, 2, before=a_member_of_the_shop,
                              progress=cashier_gives_an_email)
    # one process: the e-mail finds Ольга (her name and note updated), no fourth member
    assert alone[0][1:3] == (3, 1) and len(alone[1]["members"]) == 4
    assert ("Ольга Петровна", "+79160000001", "olga@x.ru") in [m[:3] for m in alone[1]["members"]]
    assert helped == alone


def test_the_owners_pin_in_the_environment_does_not_reach_the_helper(shop_template, tmp_path, monkeypatch):
    """`loyaltill import members ...` takes the owner's PIN from LOYALTILL_PIN (main.acting_staff).
    The helper is started with the whole environment (helper._start: env = dict(os.environ)),
    and it reads the till's file, which holds the owner's key salt: PIN + salt is the owner's
    key (authority: seed = argon2id(PIN, key_salt)).  The key must not reach the helper."""
    monkeypatch.setenv("LOYALTILL_PIN", "111111")
    seen: list[bytes] = []
    start = helper._start

    def started():
        process, pipes = start()
        seen.append(Path(f"/proc/{process.pid}/environ").read_bytes())
        return process, pipes

    monkeypatch.setattr(helper, "_start", started)
    owner = fresh_shop(shop_template, tmp_path / "shop.db")
    rows = [{"name": f"Член {i}", "card": f"{70000000 + i * 10}", "balance": "5"} for i in range(4)]
    outcome = engine.run(records(rows), actor=owner, pace=fixed_pace(2), helper_from=0)
    assert outcome.imported == 4 and seen
    assert b"111111" not in seen[0]
