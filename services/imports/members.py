"""Members from an old system's file: their details, their old cards (kept as
they are, so they work at the till on day one) and their balances.

A row finds its member by card, then phone, then the old system's id, then
e-mail (a row with none of these, by name among imported members with none
either), so importing the same file again finds everyone it made.

- What a row gives overwrites the member's value (a changed phone updates);
  an empty cell leaves it.
- The opening balance is one ledger entry of kind "import" (note
  ledger_notes.OPENING), signed by the owner; a later file with another
  balance adds an entry for the difference between it and what opening
  balance entries already gave (a history import's grant, kind "import" too,
  is not an opening balance and is never taken back), so the balance is
  always the ledger's sum and the same file twice changes nothing.
- Duplicates (the same member reached again by a later row of the file, or
  an existing member found by phone carrying another card): "merge" takes
  the later row's card and the fields no earlier row of this file gave,
  "skip" leaves the row out.  Either is reported as a warning naming the row
  or member it duplicates.  A later row never overwrites what an earlier row
  of the same file gave: otherwise importing the file again would have the
  earlier row change it back, and the later one change it once more.

Rows are read and checked outside the write lock; each chunk is then looked
up (IN (...), not per row) and written in one short transaction, the bulk
writes with executemany, so a sale at the till waits one chunk at most.
"""
from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from models import db
from models.db import Statements
from models.schema import Card, LedgerEntry, Member, Staff, new_id, utcnow
from services.core.errors import InputError
from services.core.serialize import as_columns, plain
from services.core.storage import Pace
from services.imports import customers, helper, ledger_notes, values
from services.imports.chunks import as_uuid, insert_plain, marks, parts, run_in_chunks, select
from services.imports.outcome import ImportOutcome, RowProblem
from services.imports.helper import ChunkPlan
from services.journal import authority, fieldclock, outbox
from services.members import cards
from services.members.registry import name_key
from services.programme.rules import Rules, active_rules
from services.shop import staff as auth
from services.shop.settings import local_till, shop_info

CHUNK = 2000  # rows per transaction to start with; the pace adapts it to about CHUNK_BUDGET_S
CHUNK_BUDGET_S = 0.5  # a sale waits half a second at most (its busy timeout is 5 s)
MOST_PER_CHUNK = 20000
# A file this long is planned by a helper process (both cores): smaller ones are done before it would start.
HELPER_FROM = 10_000
DUPLICATES = ("merge", "skip")
SIGN_KIND = "ledger_import"
# What a member's imported entries may come to together: the hub takes no more
# (services.hub.rights.IMPORT_MEMBER_CAP; the till does not import the hub's code).
IMPORT_MEMBER_CAP = 1_000_000

# The member's columns a file may set, in the order the update statement writes them.
_COLUMNS = ("name", "name_key", "phone", "email", "birthday", "marketing_consent", "tier", "note",
            "external_ref", "created_at")
# A row's fields -> the member column each sets (name also sets name_key).
_FIELD_COLUMN = {"name": "name", "phone": "phone", "email": "email", "birthday": "birthday",
                 "consent": "marketing_consent", "tier": "tier", "note": "note",
                 "external_ref": "external_ref", "registered": "created_at"}
_TEXT_FIELDS = ("name", "last_name", "first_name", "middle_name", "note", "external_ref", "tier")
_FORMULA_FIRST = frozenset(values.FORMULA_START)  # each is one character


@dataclass
class MemberRow:
    """One row of the file, checked: the fields it gives (empty cells are absent)."""

    row: int
    given: dict[str, Any] = field(default_factory=dict)  # field -> value, in the till's terms
    card: str | None = None
    balance: int | None = None

    def identity(self) -> str:
        """What names this row in a warning: its card, phone, id or e-mail."""
        for value in (self.card, self.given.get("phone"), self.given.get("external_ref"), self.given.get("email")):
            if value:
                return str(value)
        return str(self.given.get("name", ""))


def run(records: Iterable[tuple[int, dict[str, Any]]], *, actor: Staff, options: dict[str, Any] | None = None,
        dry_run: bool = False, progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None, now: dt.datetime | None = None,
        pace: Pace | None = None, helper_from: int | None = HELPER_FROM) -> ImportOutcome:
    """Import members; see the module's docstring.  `pace` paces the chunks
    (a bench or a test passes one without rests).  A file of `helper_from` rows
    or more is planned by a helper process while this one writes
    (services.imports.helper); None: never."""
    who = auth.require(actor, "import_data")
    duplicates = (options or {}).get("duplicates", "merge")
    if duplicates not in DUPLICATES:
        raise InputError("import_option_bad", option="duplicates", value=str(duplicates), allowed=", ".join(DUPLICATES))
    now = now or utcnow()
    pace = pace or Pace(CHUNK, budget_s=CHUNK_BUDGET_S, most=MOST_PER_CHUNK)
    outcome = ImportOutcome(dry_run=dry_run)
    stream = iter(records)
    head = list(itertools.islice(stream, helper_from)) if helper_from and not dry_run else []
    records = itertools.chain(head, stream)
    if helper_from is not None and not dry_run and len(head) >= helper_from and helper.available():
        signer = authority.signer()
        return helper.run(records, outcome, pace, planner=f"{__name__}:Planner",
                          args={"who": who.id, "now": now, "duplicates": duplicates, "signs": signer is not None},
                          signer=signer, progress=progress, should_stop=should_stop)
    job = _Job(who, now, duplicates, dry_run)
    return run_in_chunks(records, outcome, pace, check=job.check, write=job.write,
                         progress=progress, should_stop=should_stop)


@dataclass
class _Planned:
    """A dry run's memory of what its earlier chunks would have written (each is
    rolled back, and writes nothing): a later chunk finds its rows' members here
    as well as in the database, so a duplicate there is judged as the real run
    judges it."""

    cards: dict[str, tuple[uuid.UUID | None, str]] = field(default_factory=dict)
    # column (phone, external_ref, name_key) -> value -> the members the chunks made or changed with it
    keys: dict[str, dict[str, list[uuid.UUID]]] = field(
        default_factory=lambda: {"phone": {}, "external_ref": {}, "name_key": {}})
    members: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)  # as the chunks left them
    imported: dict[uuid.UUID, int] = field(default_factory=dict)
    carded: set[uuid.UUID] = field(default_factory=set)  # members the chunks gave a card
    emails: list[tuple[str, uuid.UUID]] = field(default_factory=list)  # the e-mails the chunks gave, in order


class _Job:
    """One import's settings and what it has done so far (which members this
    file reached, with which fields), across its chunks."""

    def __init__(self, who: Staff, now: dt.datetime, duplicates: str, dry_run: bool, *,
                 signs: bool | None = None) -> None:
        self.who, self.now, self.duplicates, self.dry_run = who, now, duplicates, dry_run
        # The owner's key as the import starts: the till locked half-way still signs this import's balances.
        # A helper process (signs given) has no key: it plans the entries, the importing process signs them.
        self.helper = signs is not None
        self.signer = None if self.helper else authority.signer()
        self.signs = signs if signs is not None else self.signer is not None
        shop = shop_info()
        self.region, self.card_prefix = shop.region, shop.card_prefix
        self.rules: Rules = active_rules(now)
        self.tiers = {t.code.casefold(): t.code for t in self.rules.tiers}
        self.tiers.update({t.name.casefold(): t.code for t in self.rules.tiers})
        entry = self.rules.tier_for_spend(0)
        self.entry_tier = entry.code if entry else ""
        till = local_till()
        self.till_id, self.till_number = till.id, till.number
        self.today = now.date()
        # member id -> (the row that first reached it, the fields rows of this file gave it)
        self.reached: dict[uuid.UUID, tuple[int, set[str]]] = _Undoable() if self.helper else {}
        self._emails: dict[str, uuid.UUID] | None = None
        # A dry run's earlier chunks, which a chunk recalls (a helper's: its chunks not yet committed).
        self.planned = _Planned() if dry_run else None
        self.recall: list[_Planned] = [self.planned] if self.planned is not None else []
        self.next_planned: _Planned | None = None  # a helper's plan of the chunk it planned last
        self._days: dict[tuple[str, str], Any] = {}

    def emails(self) -> dict[str, uuid.UUID]:
        """Every member's e-mail, read once, when a chunk first needs them (the column
        has no index: an IN (...) per chunk would read the whole table each time),
        then kept up to date with what this import writes.  Read with earlier chunks
        recalled (not in the file), it is as if read after they were written."""
        if self._emails is None:
            known: dict[str, uuid.UUID] = {}
            if not self.recall:
                for email, member in select('SELECT email, id FROM "member" WHERE email IS NOT NULL '
                                            'ORDER BY created_at', []):
                    known.setdefault(email, as_uuid(member))
            else:
                known = self._emails_recalled()
            self._emails = _Undoable(known) if self.helper else known
        return self._emails

    def _emails_recalled(self) -> dict[str, uuid.UUID]:
        """The e-mails as the lookup would find them were the recalled chunks in the file:
        of the members with each then (the file's, the chunks' new and changed), the oldest."""
        holders: dict[str, list[tuple[uuid.UUID, Any]]] = {}
        for email, member, created in select('SELECT email, id, created_at FROM "member" '
                                             'WHERE email IS NOT NULL ORDER BY created_at', []):
            member_id = as_uuid(member)
            now = self.latest(member_id)
            if now is None:
                holders.setdefault(email, []).append((member_id, created))
            elif now["email"] == email:  # an earlier chunk may have moved her registration date
                holders.setdefault(email, []).append((member_id, now["created_at"]))
        for planned in self.recall:
            for email, member_id in planned.emails:
                now = self.latest(member_id)
                if now is not None and now["email"] == email:
                    holders.setdefault(email, []).append((member_id, now["created_at"]))
        created_at = Member.created_at

        def when(held: tuple[uuid.UUID, Any]) -> dt.datetime:
            value = held[1]
            return value if isinstance(value, dt.datetime) else created_at.python_value(value)

        return {email: found[0][0] if len(found) == 1 else min(found, key=when)[0]
                for email, found in holders.items()}

    def latest(self, member_id: uuid.UUID) -> dict[str, Any] | None:
        """The member as the recalled chunks left them (None: as the file has them)."""
        for planned in reversed(self.recall):
            found = planned.members.get(member_id)
            if found is not None:
                return found
        return None

    # --- one row, before the write lock ---------------------------------------------

    def day(self, raw: Any, name: str) -> dt.date | None:
        """values.day, remembered for text already read (birthdays repeat all through a big file)."""
        if not isinstance(raw, str):
            return values.day(raw, name, today=self.today)
        key = (raw, name)
        found = self._days.get(key, self)
        if found is self:
            found = values.day(raw, name, today=self.today)  # a bad date raises, and is read again next time
            if len(self._days) > 100_000:
                self._days.clear()
            self._days[key] = found
        return found  # type: ignore[return-value]

    def check(self, row: int, cells: dict[str, Any], outcome: ImportOutcome) -> MemberRow | None:
        try:
            return self._check(row, cells, outcome)
        except InputError as exc:
            outcome.errors.append(RowProblem(row, str(exc.params.get("field", "")), exc))
            return None

    def _check(self, row: int, cells: dict[str, Any], outcome: ImportOutcome) -> MemberRow:
        found = MemberRow(row)
        warnings = []
        for name in _TEXT_FIELDS:
            cell = cells.get(name)  # the first character looked at before the whole check: most cells are plain
            if cell and isinstance(cell, str) and cell[0] in _FORMULA_FIRST and values.looks_like_formula(cell):
                warnings.append(RowProblem(row, name, InputError("import_formula_text", field=name,
                                                                 value=str(cells[name])[:40])))
        given = found.given
        name = values.name(cells.get("name"), "name")
        if name is None:
            parts = [values.name(cells.get(part), part) for part in ("last_name", "first_name", "middle_name")]
            joined = " ".join(p for p in parts if p)
            if len(joined) > values.MAX_NAME:
                raise InputError("import_too_long", field="name", limit=values.MAX_NAME, length=len(joined))
            name = joined or None
        if name is not None:
            given["name"] = name
        for key, value in (
            ("phone", values.phone(cells.get("phone"), "phone", self.region)),
            ("email", values.email(cells.get("email"), "email")),
            ("birthday", self.day(cells.get("birthday"), "birthday")),
            ("consent", values.flag(cells.get("consent"), "consent")),
            ("note", values.note(cells.get("note"), "note")),
            ("external_ref", values.text(cells.get("external_ref"), "external_ref")),
        ):
            if value is not None:
                given[key] = value
        tier = values.text(cells.get("tier"), "tier")
        if tier is not None:
            code = self.tiers.get(tier.casefold())
            if code is None:
                raise InputError("import_tier_unknown", field="tier", value=tier,
                                 tiers=", ".join(t.name for t in self.rules.tiers) or "—")
            given["tier"] = code
        registered = self.day(cells.get("registered"), "registered")
        if registered is not None:
            given["registered"] = dt.datetime(registered.year, registered.month, registered.day)
        found.card = values.card_number(cells.get("card"), "card")
        balance = values.points(cells.get("balance"), "balance")
        if balance is not None and balance < 0:  # the hub takes no negative opening balance (services.hub.rights)
            raise InputError("import_negative", field="balance", value=str(cells.get("balance"))[:40])
        if balance is not None and balance > IMPORT_MEMBER_CAP:
            raise InputError("import_balance_cap", field="balance", value=balance, cap=IMPORT_MEMBER_CAP)
        found.balance = balance
        outcome.warnings.extend(warnings)
        return found

    # --- a chunk, inside its transaction ------------------------------------------------

    def write(self, rows: list[MemberRow], outcome: ImportOutcome, sink: Statements | None = None) -> _Chunk:
        chunk = _Chunk(self, rows)
        for row in rows:
            try:
                chunk.take(row, outcome)
            except InputError as exc:
                outcome.errors.append(RowProblem(row.row, str(exc.params.get("field", "")), exc))
        chunk.save(sink)
        return chunk


class Planner:
    """The chunks of a big members import planned in a helper process
    (services.imports.helper) while the importing process writes: each chunk
    checked, then planned on one snapshot of the till's file, with the chunks
    before it that were not committed when its plan was asked for recalled as
    a dry run recalls its earlier chunks (_Planned, and the versions of the
    rows they stamped).  The importing process signs the planned entries and
    runs the writes."""

    def __init__(self, args: dict[str, Any]) -> None:
        who = Staff.get_by_id(args["who"])
        self.job = _Job(who, args["now"], args["duplicates"], False, signs=args["signs"])
        self.checked: dict[int, tuple[list[MemberRow], ImportOutcome]] = {}
        self.recalled: dict[int, tuple[_Planned | None, dict[tuple[str, str], tuple[str, str]]]] = {}
        self.logs: dict[int, list[tuple[_Undoable, dict[Any, Any]]]] = {}  # what each plan changed, to undo it
        self.emails_read: int | None = None  # the plan that read the till's e-mails (job.emails)
        self.clock: str | None = None  # the till's clock as the last plan left it

    def rows(self, number: int, batch: list[tuple[int, dict[str, Any]]]) -> None:
        """Check chunk `number`'s rows (sent a chunk ahead: checked while the helper would wait)."""
        found = ImportOutcome()
        self.checked[number] = ([r for row, cells in batch if (r := self.job.check(row, cells, found)) is not None],
                                found)

    def plan(self, number: int, pending: list[int]) -> ChunkPlan:
        """Chunk `number`, its rows checked; `pending`: the chunks before it that were
        not committed when the plan was asked for, recalled in their order."""
        job = self.job
        rows, found = self.checked[number]
        outcome = ImportOutcome(errors=list(found.errors), warnings=list(found.warnings))
        job.recall = [self.recalled[i][0] for i in pending if self.recalled[i][0] is not None]
        versions: dict[tuple[str, str], tuple[str, str]] = {}
        for i in pending:
            versions.update(self.recalled[i][1])
        self.logs[number] = [(undoable, undoable.begin()) for undoable in (job.reached, job._emails)
                             if isinstance(undoable, _Undoable)]
        job.next_planned = None
        with db.obj.atomic():  # one snapshot for the chunk
            sink = fieldclock.Planned.on_snapshot(self.clock, versions)
            chunk = job.write(rows, outcome, sink)
            sink.close()
        if self.emails_read is None and job._emails is not None:
            self.emails_read = number  # undoing this plan undoes the reading (a later plan reads them again)
        self.clock = sink.last
        self.recalled[number] = (job.next_planned, sink.versions)
        return ChunkPlan(Statements(sink.kept), outcome, chunk.to_sign, SIGN_KIND)

    def undo(self, number: int) -> None:
        """Forget the plans of chunk `number` and after (another writer committed
        before it was written): what they changed is undone, newest first."""
        for later in sorted((n for n in self.logs if n >= number), reverse=True):
            for undoable, log in self.logs.pop(later):
                undoable.undo(log)
            self.recalled.pop(later, None)
        if self.emails_read is not None and self.emails_read >= number:
            self.job._emails, self.emails_read = None, None

    def done(self, number: int) -> None:
        """Chunk `number` is committed: later plans read it from the file."""
        self.checked.pop(number, None)
        self.recalled.pop(number, None)
        self.logs.pop(number, None)


_ABSENT = object()


class _Undoable(dict):
    """A dict whose changes can be undone, a plan at a time: a helper's plan that
    another writer's commit made stale is planned again from what the chunks
    before left (the members this file reached, the e-mails it gave)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._log: dict[Any, Any] | None = None

    def __setitem__(self, key: Any, value: Any) -> None:
        if self._log is not None and key not in self._log:
            self._log[key] = dict.get(self, key, _ABSENT)
        dict.__setitem__(self, key, value)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def begin(self) -> dict[Any, Any]:
        """A new log: the values changed from now on, as they were."""
        self._log = {}
        return self._log

    def undo(self, log: dict[Any, Any]) -> None:
        for key, value in log.items():
            if value is _ABSENT:
                dict.pop(self, key, None)
            else:
                dict.__setitem__(self, key, value)
        log.clear()


class _Chunk:
    """A chunk's lookups (what the till already has for its cards, phones,
    ids, e-mails) and the writes its rows make, saved together."""

    def __init__(self, job: _Job, rows: list[MemberRow]) -> None:
        self.job = job
        self.by_card: dict[str, tuple[uuid.UUID | None, str]] = {}  # number -> (member, status)
        self.by_phone: dict[str, uuid.UUID] = {}
        self.by_ref: dict[str, uuid.UUID] = {}
        self.by_email: dict[str, uuid.UUID] = {}
        self.by_name: dict[str, uuid.UUID] = {}  # imported members with nothing else to find them by
        self.products: dict[str, str] = {}  # a product's code -> its name
        self.members: dict[uuid.UUID, dict[str, Any]] = {}  # as they are now (read, or made in this chunk)
        self.imported: dict[uuid.UUID, int] = {}  # what opening balance entries gave each member so far
        self.new_members: dict[uuid.UUID, dict[str, Any]] = {}
        self.changed: set[uuid.UUID] = set()
        self.new_cards: list[dict[str, Any]] = []
        self.taken_cards: list[dict[str, Any]] = []  # reserved blanks of this shop given to a member
        self.entries: list[dict[str, Any]] = []
        self.moved: dict[uuid.UUID, int] = {}  # points this chunk's entries move, by member
        self.to_sign: list[tuple[str, dict[str, Any]]] = []  # a helper's entries, for the importing process to sign
        self._look_up(rows)

    def _look_up(self, rows: list[MemberRow]) -> None:
        cards = list({r.card for r in rows if r.card})
        phones = list({r.given["phone"] for r in rows if "phone" in r.given})
        refs = list({r.given["external_ref"] for r in rows if "external_ref" in r.given})
        emails = list({r.given["email"] for r in rows if "email" in r.given})
        keyless = list({name_key(r.given["name"]) for r in rows if "name" in r.given and _keyless(r)})
        ids: set[uuid.UUID] = set()
        recall = self.job.recall  # earlier chunks not in the file (a dry run's, a helper's pending ones)
        # column -> value -> every member the file has with it, oldest first (for the recall only)
        every: dict[str, dict[str, list[uuid.UUID]]] = {"phone": {}, "external_ref": {}, "name_key": {}}
        for part in parts(cards):
            for number, member, status in select(
                    f'SELECT number, member_id, status FROM "card" WHERE number IN ({marks(part)})', part):
                member_id = as_uuid(member)
                self.by_card[number] = (member_id, status)
                if member_id is not None:
                    ids.add(member_id)
        self.products = customers.product_names(cards)
        known_emails = self.job.emails() if emails else {}
        for email in emails:
            if email in known_emails:
                self.by_email[email] = known_emails[email]
                ids.add(known_emails[email])
        for column, wanted, found in (("phone", phones, self.by_phone), ("external_ref", refs, self.by_ref)):
            for part in parts(wanted):
                for value, member in select(
                        f'SELECT {column}, id FROM "member" WHERE {column} IN ({marks(part)}) ORDER BY created_at',
                        part):
                    member_id = as_uuid(member)
                    found.setdefault(value, member_id)
                    ids.add(member_id)
                    if recall:
                        every[column].setdefault(value, []).append(member_id)
        for part in parts(keyless):
            for key, member in select(
                    f'SELECT name_key, id FROM "member" m WHERE name_key IN ({marks(part)}) AND origin = \'import\' '
                    'AND phone IS NULL AND email IS NULL AND external_ref IS NULL '
                    'AND NOT EXISTS (SELECT 1 FROM "card" c WHERE c.member_id = m.id) ORDER BY created_at', part):
                member_id = as_uuid(member)
                self.by_name.setdefault(key, member_id)
                ids.add(member_id)
                if recall:
                    every["name_key"].setdefault(key, []).append(member_id)
        if recall:
            ids |= self._recall(cards, {"phone": phones, "external_ref": refs, "name_key": keyless}, every)
        wanted_ids = [i.bytes for i in ids]
        columns = ", ".join(_ALL)
        for part in parts(wanted_ids):
            for row in select(f'SELECT {columns} FROM "member" WHERE id IN ({marks(part)})', part):
                member = _member_values(row)
                self.members[member["id"]] = member
            # Opening balances only ('' before their note was written), never a history grant.
            for member, total in select(
                    f'SELECT member_id, SUM(delta) FROM "ledger_entry" WHERE kind = \'import\' '
                    f'AND note IN (?, \'\') AND member_id IN ({marks(part)}) GROUP BY member_id',
                    [ledger_notes.OPENING, *part]):
                self.imported[as_uuid(member)] = total
        for planned in recall:
            self.members.update((i, dict(planned.members[i])) for i in ids if i in planned.members)
            self.imported.update((i, planned.imported[i]) for i in ids if i in planned.imported)
        if recall:
            self._found_now(every)

    # --- one row --------------------------------------------------------------------------

    def take(self, row: MemberRow, outcome: ImportOutcome) -> None:
        """Check the row against the till and plan its writes; a refused row plans nothing."""
        job = self.job
        if row.balance and not job.signs and not job.dry_run:
            raise InputError("import_owner_key", field="balance")  # the hub would refuse it unsigned
        member_id, matched_by = self._find(row)
        card_status = self.by_card.get(row.card) if row.card else None
        if row.card and card_status is None:
            customers.not_a_product(row.card, self.products)
            cards.check_old_card(row.card, job.card_prefix, job.till_number)
        if matched_by == "card":
            self._same_person(member_id, row)
        reached = job.reached.get(member_id) if member_id is not None else None
        new_card = bool(row.card) and (card_status is None or card_status[0] is None)
        if member_id is not None and reached is None and new_card and matched_by != "card":
            # a member the till has, found by phone (id, e-mail) with another card
            name = self.members[member_id]["name"]
            if self._duplicate(row, matched_by, outcome, ("import_duplicate_member", {"name": name}),
                               ("import_duplicate_member_merged", {"name": name, "card": row.card})):
                return
        if reached is not None:
            first, _ = reached
            if self._duplicate(row, matched_by, outcome, ("import_duplicate_skipped", {"first": first}),
                               ("import_duplicate_merged", {"first": first})):
                return
        if member_id is None:
            if "name" not in row.given:
                raise InputError("import_name_missing", field="name")
            self._create(row, new_card)
            outcome.imported += 1
            return
        if row.balance is not None and "balance" not in job.reached.get(member_id, (0, set()))[1]:
            self._check_correction(member_id, row.balance)
        if self._update(member_id, row, new_card):
            outcome.updated += 1
        else:
            outcome.skipped += 1

    def _duplicate(self, row: MemberRow, by: str, outcome: ImportOutcome,
                   skipped: tuple[str, dict[str, Any]], merged: tuple[str, dict[str, Any]]) -> bool:
        """A row about someone already reached: skipped or merged as the owner chose,
        with a warning saying which; True when skipped (the row plans nothing)."""
        skip = self.job.duplicates == "skip"
        code, values = skipped if skip else merged
        outcome.warnings.append(RowProblem(row.row, by, InputError(code, field=by, value=row.identity(), **values)))
        if skip:
            outcome.skipped += 1
        return skip

    def _find(self, row: MemberRow) -> tuple[uuid.UUID | None, str]:
        """The member this row is, and by which field; a row whose fields name two members is refused."""
        given = row.given
        found, by = customers.one_member((
            ("card", row.card, (self.by_card.get(row.card) or (None, ""))[0] if row.card else None),
            ("phone", given.get("phone"), self.by_phone.get(given.get("phone", ""))),
            ("external_ref", given.get("external_ref"), self.by_ref.get(given.get("external_ref", ""))),
            ("email", given.get("email"), self.by_email.get(given.get("email", ""))),
        ), lambda member: self.members[member]["name"])
        if found is None and _keyless(row) and "name" in given:
            found = self.by_name.get(name_key(given["name"]))
            by = "name"
        return found, by

    def _same_person(self, member_id: uuid.UUID, row: MemberRow) -> None:
        """A row found by its card alone that names someone else (another name, and a phone
        or e-mail other than the member's): refused, not merged, so the rejects file keeps
        that person for the owner to give another card and import again."""
        member, given = self.members[member_id], row.given
        if "name" not in given or name_key(given["name"]) == member["name_key"]:
            return
        contacts = [(given[key], member[key]) for key in ("phone", "email") if key in given and member.get(key)]
        if contacts and all(mine != theirs for mine, theirs in contacts):
            raise InputError("import_card_other_person", field="card", card=row.card, name=member["name"],
                             other=given["name"])

    def _create(self, row: MemberRow, new_card: bool) -> None:
        job = self.job
        given = row.given
        member_id = new_id()
        member = {
            "id": member_id, "name": given["name"], "name_key": name_key(given["name"]),
            "phone": given.get("phone"), "birthday": given.get("birthday"),
            "marketing_consent": bool(given.get("consent", False)), "tier": given.get("tier", job.entry_tier),
            "balance": 0, "created_at": given.get("registered", job.now), "updated_at": job.now,
            "email": given.get("email"), "note": given.get("note", ""), "origin": "import",
            "external_ref": given.get("external_ref"), "erased_at": None,
        }
        self.new_members[member_id] = member
        self.members[member_id] = member
        self._remember(member_id, row)
        if row.card and new_card:
            self._attach(member_id, row.card)
        if row.balance is not None:
            self._balance(member_id, row.balance)
        job.reached[member_id] = (row.row, set(given) | ({"balance"} if row.balance is not None else set()))

    def _update(self, member_id: uuid.UUID, row: MemberRow, new_card: bool) -> bool:
        """Apply what the row gives that no earlier row of this file gave; True if anything changed."""
        job = self.job
        first, fields = job.reached.get(member_id, (row.row, set()))
        member = self.members[member_id]
        changes: dict[str, Any] = {}
        for key, value in row.given.items():
            if key in fields:
                continue
            column = _FIELD_COLUMN[key]
            if member.get(column) != value:
                changes[column] = value
        if "name" in changes:
            changes["name_key"] = name_key(changes["name"])
        changed = bool(changes)
        if changes:
            member.update(changes)
            member["updated_at"] = job.now
            if member_id not in self.new_members:
                self.changed.add(member_id)
        self._remember(member_id, row)
        if row.card and new_card:
            self._attach(member_id, row.card)
            changed = True
        if row.balance is not None and "balance" not in fields:
            changed = self._balance(member_id, row.balance) or changed
        job.reached[member_id] = (first, fields | set(row.given) | ({"balance"} if row.balance is not None else set()))
        return changed

    def _remember(self, member_id: uuid.UUID, row: MemberRow) -> None:
        """Later rows of this chunk find the member by what this row gave."""
        member = self.members[member_id]
        for value, found in ((member.get("phone"), self.by_phone), (member.get("external_ref"), self.by_ref),
                             (member.get("email"), self.by_email)):
            if value:
                found.setdefault(value, member_id)
        if _keyless(row) and "name" in row.given:
            self.by_name.setdefault(name_key(row.given["name"]), member_id)

    def _attach(self, member_id: uuid.UUID, number: str) -> None:
        known = self.by_card.get(number)
        if known is not None:  # a blank of this shop's, reserved for printing: given to the member
            self.taken_cards.append({"number": number, "member": member_id})
        else:
            self.new_cards.append({"id": new_id(), "number": number, "member": member_id, "status": "active",
                                   "created_at": self.job.now, "blocked_at": None})
        self.by_card[number] = (member_id, "active")

    def _check_correction(self, member_id: uuid.UUID, target: int) -> None:
        """A lower balance than imported before takes points back: never more than
        the member has now (points spent at the till since stay spent), as the hub rules."""
        delta = target - self.imported.get(member_id, 0)
        have = self.members[member_id]["balance"] + self.moved.get(member_id, 0)
        if delta < 0 and -delta > have:
            raise InputError("import_balance_spent", field="balance", value=target, delta=-delta,
                             name=self.members[member_id]["name"], balance=have)

    def _balance(self, member_id: uuid.UUID, target: int) -> bool:
        delta = target - self.imported.get(member_id, 0)
        if delta == 0:
            return False
        self.imported[member_id] = target
        self.moved[member_id] = self.moved.get(member_id, 0) + delta
        self.entries.append({
            "id": new_id(), "member": member_id, "kind": "import", "delta": delta, "sale": None, "ret": None,
            "till": self.job.till_id, "staff": self.job.who.id, "note": ledger_notes.OPENING,
            "created_at": self.job.now,
        })
        return True

    # --- earlier chunks not in the file (a dry run's, a helper's pending ones) ----------------

    def _recall(self, cards: list[str], keys: dict[str, list[str]],
                every: dict[str, dict[str, list[uuid.UUID]]]) -> set[uuid.UUID]:
        """What the earlier chunks not in the file (a dry run's, a helper's pending ones)
        wrote, over what the file says: this chunk's cards as they left them, and to
        `every` the members they made or changed with this chunk's phones, ids and names
        (which of them a row finds is decided once all are read: _found_now)."""
        ids: set[uuid.UUID] = set()
        for planned in self.job.recall:  # oldest first: the latest says
            for number in cards:
                if number in planned.cards:
                    self.by_card[number] = planned.cards[number]
                    if planned.cards[number][0] is not None:
                        ids.add(planned.cards[number][0])
            for column, known in planned.keys.items():
                for value in keys[column]:
                    made = known.get(value)
                    if made:
                        every[column].setdefault(value, []).extend(made)
                        ids.update(made)
        return ids

    def _found_now(self, every: dict[str, dict[str, list[uuid.UUID]]]) -> None:
        """Who each phone, id and name finds as if the recalled chunks were in the file:
        of the members with it then, the oldest (the lookup's ORDER BY created_at)."""
        carded = set().union(*(planned.carded for planned in self.job.recall))
        for column, found in (("phone", self.by_phone), ("external_ref", self.by_ref), ("name_key", self.by_name)):
            for value, candidates in every[column].items():
                holders = [m for m in dict.fromkeys(candidates) if self._holds(m, column, value, carded)]
                if holders:
                    found[value] = min(holders, key=lambda m: self.members[m]["created_at"])
                else:
                    found.pop(value, None)

    def _holds(self, member_id: uuid.UUID, column: str, value: str, carded: set[uuid.UUID]) -> bool:
        member = self.members.get(member_id)
        if member is None or member[column] != value:
            return False
        if column != "name_key":
            return True
        return (member["origin"] == "import" and member_id not in carded  # as the lookup by name asks
                and not (member["phone"] or member["email"] or member["external_ref"]))

    def _note_emails(self) -> None:
        """The later chunks find this chunk's e-mails (job.emails, read once)."""
        if self.job._emails is not None:
            for member_id in list(self.new_members) + list(self.changed):
                email = self.members[member_id].get("email")
                if email:
                    self.job._emails.setdefault(email, member_id)

    def _plan(self, planned: _Planned) -> None:
        """Remember this chunk as if written, for the dry run's later chunks (its
        e-mails as the real run does, in job.emails)."""
        self._note_emails()
        planned.cards.update(self.by_card)
        planned.members.update(self.members)
        planned.imported.update(self.imported)
        planned.carded.update(c["member"] for c in itertools.chain(self.new_cards, self.taken_cards))
        for member_id in list(self.new_members) + list(self.changed):
            member = self.members[member_id]
            for column in ("phone", "external_ref", "name_key"):
                value = member.get(column)
                if value:
                    planned.keys[column].setdefault(value, []).append(member_id)
            if member.get("email"):
                planned.emails.append((member["email"], member_id))

    # --- the chunk's writes -------------------------------------------------------------

    def save(self, sink: Statements | None = None) -> None:
        """The chunk's writes, now, or kept in `sink` (a helper's plan, run by the importing process)."""
        job = self.job
        moves: dict[uuid.UUID, int] = {}
        for entry in self.entries:
            moves[entry["member"]] = moves.get(entry["member"], 0) + entry["delta"]
        for member_id, member in self.new_members.items():
            member["balance"] = moves.pop(member_id, 0)
        for member_id, delta in moves.items():
            self.members[member_id]["balance"] += delta
            self.members[member_id]["updated_at"] = job.now
        if job.dry_run:  # a dry run writes nothing: its later chunks recall this one
            self._plan(job.planned)  # type: ignore[arg-type]
            return
        if job.helper:  # the helper's next chunk is planned before this one is written: it recalls this one
            job.next_planned = _Planned()
            self._plan(job.next_planned)
        else:
            self._note_emails()
        insert_plain(Member, list(self.new_members.values()), sink=sink)
        cursor = sink or db.obj.cursor()
        if self.changed:
            sets = ", ".join(f"{c} = ?" for c in _COLUMNS)
            cursor.executemany(
                f'UPDATE "member" SET {sets}, updated_at = ? WHERE id = ?',
                [tuple(_db_value(c, self.members[i][c]) for c in _COLUMNS)
                 + (Member.updated_at.db_value(job.now), i.bytes) for i in self.changed],
            )
        if moves:
            cursor.executemany('UPDATE "member" SET balance = balance + ?, updated_at = ? WHERE id = ?',
                               [(delta, Member.updated_at.db_value(job.now), i.bytes) for i, delta in moves.items()])
        insert_plain(Card, self.new_cards, sink=sink)
        if self.taken_cards:
            cursor.executemany('UPDATE "card" SET member_id = ?, status = \'active\' WHERE number = ?',
                               [(c["member"].bytes, c["number"]) for c in self.taken_cards])
        insert_plain(LedgerEntry, self.entries, sink=sink)
        # A balance alone moves by its ledger entry, as services.programme.ledger.post does: no member op for it.
        # A new member's or card's payload carries its ids and times as objects: outbox.record_many
        # writes them as serialize.plain does, and such new rows have no earlier version to compare.
        # Rows born in this chunk have no known version to compare with (new=True: none is looked for).
        if self.new_members:
            outbox.record_many("member", list(self.new_members.values()), new=True, sink=sink)
        changed = [_member_payload(self.members[i]) for i in self.changed if i not in self.new_members]
        if changed:
            outbox.record_many("member", changed, sink=sink)
        cards = [{"id": c["id"], "number": c["number"], "member_id": c["member"], "status": c["status"],
                  "created_at": c["created_at"], "blocked_at": c["blocked_at"]} for c in self.new_cards]
        if cards:
            outbox.record_many("card", cards, new=True, sink=sink)
        if self.taken_cards:
            given = {c["number"]: c["member"] for c in self.taken_cards}
            # as the update above leaves them (a helper's update is not written yet)
            taken = [as_columns(Card, {**r, "member": given[r["number"]], "status": "active"})
                     for r in Card.select().where(Card.number.in_(list(given))).dicts()]
            outbox.record_many("card", taken, sink=sink)
        if self.entries:
            docs = _ledger_docs(self.entries)
            outbox.record_many("ledger_entry", docs, sink=sink)
            if job.helper:
                self.to_sign = [(d["id"], d) for d in docs]
            else:
                authority.sign_rows(SIGN_KIND, [(d["id"], d) for d in docs], held=job.signer)


# --- small helpers ---------------------------------------------------------------------------


def _keyless(row: MemberRow) -> bool:
    return not (row.card or {"phone", "external_ref", "email"} & row.given.keys())


_FIELDS = Member._meta.fields
_ALL = tuple(f.column_name for f in Member._meta.sorted_fields)  # Member has no foreign keys: names are columns


def _member_values(row: tuple) -> dict[str, Any]:
    return {c: (_FIELDS[c].python_value(v) if v is not None else None) for c, v in zip(_ALL, row)}


def _db_value(column: str, value: Any) -> Any:
    return _FIELDS[column].db_value(value) if value is not None else None


def _ledger_docs(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """as_columns(LedgerEntry, entry) for a chunk's entries (the signed documents): the values
    a chunk's entries share (its till, staff, time) converted once, not once an entry."""
    shared: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        found = shared.get(value)
        if found is None:
            found = shared[value] = plain(value)
        return found

    return [{"id": str(e["id"]), "member_id": str(e["member"]), "kind": e["kind"], "delta": e["delta"],
             "sale_id": once(e["sale"]), "return_id": once(e["ret"]), "till_id": once(e["till"]),
             "staff_id": once(e["staff"]), "note": e["note"], "created_at": once(e["created_at"])}
            for e in entries]


# serialize.plain for the types a member's columns hold, looked up by type (a call fewer a value).
_PLAIN: dict[type, Callable[[Any], Any]] = {uuid.UUID: str, dt.datetime: dt.datetime.isoformat,
                                            dt.date: dt.date.isoformat}


def _member_payload(member: dict[str, Any]) -> dict[str, Any]:
    """The member as services.core.serialize.row_dict gives it (the outbox's form)."""
    out = {}
    for name in _ALL:
        value = member.get(name)
        convert = _PLAIN.get(type(value))
        out[name] = value if convert is None else convert(value)
    return out
