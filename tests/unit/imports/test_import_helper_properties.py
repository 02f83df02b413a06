"""Properties of the members import's three ways of running
(services.imports.members.run): for any small file and any starting shop,

- the import planned by a helper process, each plan made before the chunk
  before it is written (RunsAhead: the pending chunk is recalled, never read),
  leaves the same outcome and the same database as the import done in one
  process, chunk by chunk;
- a dry run tells the same counts, errors and warnings as the real run.

The files are drawn from small pools of names, phones, e-mails, cards, old
ids and balances, so rows reach the same members across chunks: a phone seen
again two chunks later, a card that moves a phone, a name alone, a row twice.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.schema import Card, LedgerEntry, Member, utcnow
from services.imports import helper, ledger_notes
from services.imports import members as engine
from services.members.registry import name_key
from tests.conftest import _close
from tests.unit.imports.test_import_helper import fixed_pace, fresh_shop, records, state, told
from tests.unit.imports.test_import_helper_review import RunsAhead

pytestmark = pytest.mark.skipif(not helper.available(), reason="a helper process needs POSIX pipes")

NAMES = ["Анна", "АННА", "Борис", "Вера Павловна", "Глеб"]
# (as a file writes it, as the till keeps it)
PHONES = [("8 916 000-00-01", "+79160000001"), ("+7 916 000-00-02", "+79160000002"),
          ("8 (916) 000 00 03", "+79160000003")]
EMAILS = ["a@x.ru", "B@x.ru", "b@x.ru", "c@x.ru"]  # the second and third are one address
CARDS = ["11110001", "22220002", "33330003", "44440004", "55550005"]  # an old system's: any digits
REFS = ["C-1", "C-2", "C-3"]
BALANCES = ["0", "10", "50", "120"]
NOTES = ["из файла", "снова"]
# A registration date moves the member's created_at, by which every lookup takes the oldest holder.
REGISTERED = ["01.06.2019", "15.03.2020", "01.06.2022"]

SETTINGS = settings(max_examples=30, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def maybe(values: list, chance_of_none: int = 1) -> st.SearchStrategy:
    """One of `values` or nothing (chance_of_none in len(values) + chance_of_none)."""
    return st.one_of(*([st.none()] * chance_of_none), st.sampled_from(values))


@st.composite
def existing_members(draw) -> list[dict]:
    """The shop's members before the import: some share a phone, some have an
    e-mail, a card or an old id, some were imported before with a name alone
    (origin "import"), some with an opening balance."""
    members = []
    for i in range(draw(st.integers(0, 4))):
        keyless = draw(st.booleans()) and draw(st.booleans())
        member = {
            "name": draw(st.sampled_from(NAMES)),
            "created_at": dt.datetime(2020, 1, 1) + dt.timedelta(days=i),  # the lookups' ORDER BY is not a tie
            "origin": "import" if keyless else draw(st.sampled_from(["", "import"])),
            "phone": None if keyless else draw(maybe([p for _, p in PHONES])),
            "email": None if keyless else draw(maybe([e.lower() for e in EMAILS], 2)),
            "external_ref": None if keyless else draw(maybe(REFS, 3)),
            "card": None if keyless else draw(maybe(CARDS)),
            "card_status": draw(st.sampled_from(["active", "active", "active", "blocked"])),
            "balance": draw(st.sampled_from([0, 0, 10, 50, 120])),
        }
        members.append(member)
    blank = draw(maybe(CARDS, 3))  # a reserved blank of the shop's, which a row's card may take
    return {"members": members, "blank": blank}


@st.composite
def file_rows(draw) -> list[dict]:
    rows = []
    for _ in range(draw(st.integers(2, 12))):
        row: dict = {}
        if draw(st.integers(0, 9)):  # now and then a row with no name
            row["name"] = draw(st.sampled_from(NAMES))
        phone = draw(st.one_of(st.none(), st.none(), st.sampled_from([p for p, _ in PHONES]), st.just("12")))
        for key, value in (("phone", phone), ("email", draw(maybe(EMAILS, 3))), ("card", draw(maybe(CARDS, 2))),
                           ("external_ref", draw(maybe(REFS, 4))), ("balance", draw(maybe(BALANCES, 2))),
                           ("note", draw(maybe(NOTES, 2))), ("registered", draw(maybe(REGISTERED, 6)))):
            if value is not None:
                row[key] = value
        rows.append(row)
    return rows


def open_shop(template: Path, path: Path, shop: dict):
    """A copy of the shop with `shop`'s members in it; its owner."""
    owner = fresh_shop(template, path)
    for m in shop["members"]:
        member = Member.create(name=m["name"], name_key=name_key(m["name"]), phone=m["phone"], email=m["email"],
                               external_ref=m["external_ref"], origin=m["origin"], balance=m["balance"],
                               created_at=m["created_at"], updated_at=m["created_at"])
        if m["balance"]:
            LedgerEntry.create(member=member, kind="import", delta=m["balance"], note=ledger_notes.OPENING,
                               created_at=m["created_at"])
        if m["card"] and not Card.select().where(Card.number == m["card"]).exists():
            Card.create(number=m["card"], member=member, status=m["card_status"])
    if shop["blank"] and not Card.select().where(Card.number == shop["blank"]).exists():
        Card.create(number=shop["blank"], member=None, status="reserved")
    return owner


def three_runs(template: Path, folder: Path, shop: dict, rows: list[dict], size: int, duplicates: str) -> dict:
    """The file imported in one process, with a helper that runs ahead, and as a dry run,
    each on its own copy of the shop: (told, state) of each (state before, for the dry run)."""
    now = utcnow()
    chunks = -(-len(rows) // size)
    found = {}
    for way in ("alone", "helped", "dry"):
        owner = open_shop(template, folder / f"{way}.db", shop)
        before = state()
        with pytest.MonkeyPatch.context() as patch:
            if way == "helped":
                RunsAhead(patch, chunks)
            outcome = engine.run(records(rows), actor=owner, now=now, pace=fixed_pace(size),
                                 helper_from=0 if way == "helped" else None, dry_run=way == "dry",
                                 options={"duplicates": duplicates})
            found[way] = (told(outcome), state(), before)
        _close()
    return found


@SETTINGS
@given(shop=existing_members(), rows=file_rows(), size=st.integers(1, 3),
       duplicates=st.sampled_from(engine.DUPLICATES))
def test_a_helper_run_and_a_dry_run_agree_with_the_import_done_in_one_process(
        shop_template, tmp_path_factory, shop, rows, size, duplicates):
    folder = tmp_path_factory.mktemp("example")
    try:
        found = three_runs(shop_template, folder, shop, rows, size, duplicates)
    finally:
        _close()
        shutil.rmtree(folder, ignore_errors=True)
    alone, helped, dry = found["alone"], found["helped"], found["dry"]
    assert helped[0] == alone[0], "the helper's outcome differs"
    assert helped[1] == alone[1], "the helper's database differs"
    assert dry[0] == alone[0], "the dry run's outcome differs"
    assert dry[1] == dry[2], "the dry run wrote"
