"""Sales history from an old system: its receipts become imported sales.

One row per receipt, or one per receipt line (rows sharing a `receipt` id, one
under another, are one receipt: its amount the sum of its lines', its date
and customer the first line's).  The customer is found by card, else phone,
else the old system's id (`customer_ref` -> Member.external_ref), with the
members engine's checks (services.imports.customers): a new card that is a
product's barcode, or keys naming two members, refuse the receipt.  A key the
till does not know becomes a member (origin 'import', a card only when the
file gives one) so their history counts; a row with no key is a receipt of
someone who was not a member (a name alone is kept so, with a warning: it
cannot say which member).

An imported sale counts in the owner's figures, tiers and the what-if, earns
nothing here (unless the owner asks for the one-off grant below) and is never
pushed to the hub as a new sale: nothing of it goes to the outbox.  What it
is on the till:

- `receipt_no` "IMP-", the day (YYYYMMDD), "-" and a hash of the old receipt's id and day (receipt
  numbers restart each day or shift on many registers), or, for a row with no
  id, of the customer key, the date-time as written and how many rows of that
  customer and time came before it in the file (not the amount): a second run
  finds every receipt and skips it, or, when the old system corrected its
  amount since, updates the sale (its totals and lines; counted as updated).
- `created_at`: the date-time as written, on the shop's clock (its time
  zone), stored in UTC like every sale; one written with its offset (ISO
  10:00+03:00, or Z) is that moment already; a date with no time is placed at
  12:00, so the receipt falls on its own day whatever the zone (a visit is a
  day).
- `rule_version` 0: no programme of this till priced it (`by_version(0)` says
  so rather than handing back a programme that did not apply).
- cashier none, no payments (the old system took the money), discount 0 but
  for a line whose amount does not divide by its quantity (3 for 10.00: 3.34
  each, 0.02 off, so the lines still sum to the amount).
- Always at least one line (the what-if replays lines): a row without item
  details is one line of the whole amount; a line with a fractional quantity
  is a weighed line (qty 1, its grams and price per kg).

Writing is in chunks, each one short write transaction (storage.Pace), so a
sale at the till waits for one chunk at most; receipts are whole in a chunk,
so an import stopped (or killed) between chunks leaves whole receipts and a
second run completes it.  Afterwards the tiers of the members concerned
follow today's rules, and with {"grant_points": True} each member gets,
once, the points today's rules would have given on their imported receipts
(one 'import' ledger entry, note ledger_notes.GRANT, signed with the owner's
key held when the import started; none held, the import is refused), never
beyond the hub's cap on a member's imported points (the opening balance
counts): a grant cut short says so for that member.  Both steps cover every
member of the file, so a re-run after a stop completes them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable, Iterator

import uuid_utils

from models import db
from models.db import insert_rows, insert_tuples
from models.schema import Card, LedgerEntry, Member, Sale, SaleLine, Staff, new_id, utcnow
from services.core.error_texts import N_
from services.core.errors import InputError
from services.core.messages import words
from services.core.serialize import as_columns
from services.core.storage import Pace, fewer_checkpoints
from services.imports import customers, ledger_notes, values
from services.imports.chunks import fewer_collections
from services.imports.members import IMPORT_MEMBER_CAP
from services.imports.outcome import ImportOutcome, RowProblem
from services.insights import summary
from services.journal import authority, outbox
from services.members.cards import check_old_card
from services.members.registry import name_key
from services.programme.pricing import CartLine, Customer, price_cart
from services.programme.rules import Rules, active_rules
from services.programme.tiers import SPEND_SQL, settle_tier, window_start
from services.shop import staff as auth
from services.shop.settings import local_till, shop_info

FIELDS = ("receipt", "date", "time", "amount", "qty", "item", "barcode", "card", "phone", "customer_ref",
          "customer_name")
CHUNK = 2000  # receipts in the first chunk; Pace sizes the next ones to about BUDGET_S each
BUDGET_S = 0.3  # the upper end: each commit waits for the disk (synchronous FULL), so fewer is faster
POST_CHUNK = 5000  # members in the first transaction of the tiers and the grant
LOOKUP = 500  # ids per IN (...) (SQLite allows 32766 parameters; short statements plan faster)
GRANT_NOTE = ledger_notes.GRANT
GRANT_KIND = "ledger_import"  # what authority signs: the ledger payload the outbox carries
NOON = dt.time(12, 0)
_UNREAD = object()  # not in a cache yet (None is a value: an empty cell)
_FORMULA_FIRST = frozenset(values.FORMULA_START)  # each is one character
_TEXT_CELLS = ("receipt", "item", "customer_name", "customer_ref")  # kept as text even when they look like a formula
_CLOCK = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d))?")
# Who a new member is when the file names nobody: the key they were found by.
PLACEHOLDER = N_("Customer {key}")

Progress = Callable[[int], None]


@dataclasses.dataclass
class HistoryOutcome(ImportOutcome):
    receipts: int = 0  # receipts written (in a dry run: that would be)
    members_created: int = 0
    tier_changes: int = 0
    points_granted: int = 0
    stopped: bool = False  # should_stop() ended it between chunks: run again to complete it

    def as_json(self) -> dict[str, Any]:
        return super().as_json() | {
            "receipts": self.receipts, "members_created": self.members_created,
            "tier_changes": self.tier_changes, "points_granted": self.points_granted, "stopped": self.stopped,
        }


@dataclasses.dataclass
class _Line:
    row: int
    amount: int
    qty: Decimal | None
    item: str | None
    barcode: str | None


@dataclasses.dataclass
class _Key:
    card: str | None = None
    phone: str | None = None
    ref: str | None = None
    name: str | None = None

    def __bool__(self) -> bool:
        return bool(self.card or self.phone or self.ref)


@dataclasses.dataclass
class _Receipt:
    receipt_id: str | None
    local: dt.datetime  # as written, on the shop's clock
    key: _Key
    lines: list[_Line]
    rows: list[int]
    utc: dt.datetime | None = None  # written with its offset (or Z): the moment itself, in UTC
    problems: list[RowProblem] = dataclasses.field(default_factory=list)
    warnings: list[RowProblem] = dataclasses.field(default_factory=list)
    number: str = ""
    amount: int = 0
    # Made before the chunk's transaction (Writer.checked), so the write lock is held for the writing alone:
    sale_id: bytes = b""
    at: str = ""  # created_at as stored (UTC, ISO with a space)
    sale_lines: list[tuple] | None = None  # its sale_line rows, when no line has a barcode to look up
    subtotal: int = 0
    discount: int = 0


@dataclasses.dataclass
class _Context:
    zone: Any
    region: str
    today: dt.date  # the shop's today: later dates are refused
    moments: dict[Any, dt.datetime]  # cells already read: dates repeat all through a history
    phones: dict[str, str | None]  # and so do customers' phones (reading one costs about 0.3 ms)
    clocks: dict[str, dt.time | None] = dataclasses.field(default_factory=dict)  # and times of day


# --- one row of the file -----------------------------------------------------------------


def _time_of_day(raw: Any) -> dt.time | None:
    if values.blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, dt.time):
        return raw.replace(microsecond=0, tzinfo=None)
    if isinstance(raw, dt.timedelta) and dt.timedelta(0) <= raw < dt.timedelta(days=1):
        return (dt.datetime.min + raw).time().replace(microsecond=0)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 <= raw < 1:  # a workbook's fraction of a day
        return (dt.datetime.min + dt.timedelta(seconds=round(raw * 86400))).time()
    text = str(raw).strip()
    plain = _CLOCK.fullmatch(text)
    if plain is not None:  # the usual "14:35" or "14:35:20", without strptime's cost
        hour, minute, second = int(plain[1]), int(plain[2]), int(plain[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return dt.time(hour, minute, second)
        raise InputError("import_date_bad", field="time", value=text[:40])
    for shape in ("%H:%M:%S", "%H:%M", "%H.%M"):
        try:
            return dt.datetime.strptime(text, shape).time()
        except ValueError:
            continue
    raise InputError("import_date_bad", field="time", value=text[:40])


def _clock(raw: Any, ctx: _Context) -> dt.time | None:
    """_time_of_day, remembered for text already read (a day has 1,440 minutes; a history repeats them)."""
    if not isinstance(raw, str):
        return _time_of_day(raw)
    found = ctx.clocks.get(raw, _UNREAD)
    if found is _UNREAD:
        found = _time_of_day(raw)  # a bad time raises, and is read again next time
        if len(ctx.clocks) > 100_000:
            ctx.clocks.clear()
        ctx.clocks[raw] = found
    return found  # type: ignore[return-value]


def _moment(raw: Any, ctx: _Context) -> dt.datetime | None:
    key = raw if isinstance(raw, str) else None
    if key is not None:
        found = ctx.moments.get(key)
        if found is not None:
            return found
    found = values.moment(raw, "date", keep_zone=True)
    if key is not None and found is not None:
        if len(ctx.moments) > 200_000:
            ctx.moments.clear()
        ctx.moments[key] = found
    return found


def _phone(raw: Any, ctx: _Context) -> str | None:
    if not isinstance(raw, str):
        return values.phone(raw, "phone", ctx.region)
    found = ctx.phones.get(raw, "")
    if found == "":
        found = values.phone(raw, "phone", ctx.region)
        if len(ctx.phones) > 200_000:
            ctx.phones.clear()
        ctx.phones[raw] = found
    return found


def _read(cells: dict[str, Any], ctx: _Context) -> tuple[str | None, dt.datetime | None, dt.datetime | None, _Key,
                                                          _Line, list[InputError]]:
    """One row's cells -> its parts: the receipt's id, its time on the shop's
    clock, the same in UTC when the file wrote it with an offset, the customer,
    the line; raises InputError for the first bad cell.  The warnings returned
    are formula-looking text kept as text."""
    get = cells.get
    row_warnings = []
    for f in _TEXT_CELLS:  # the first character looked at before the whole check: most cells are plain
        value = get(f)
        if value and isinstance(value, str) and value[0] in _FORMULA_FIRST and values.looks_like_formula(value):
            row_warnings.append(InputError("import_formula_text", field=f, value=value[:40]))
    raw = get("receipt")
    receipt_id = None if raw is None else values.text(raw, "receipt")
    raw = get("date")
    when = _moment(raw, ctx)
    utc = None
    if when is not None:
        if when.tzinfo is not None:  # 10:00+03:00 or 07:00Z: a moment, already in UTC, not the shop's clock
            utc = when.replace(tzinfo=None)
            when = when.astimezone(ctx.zone).replace(tzinfo=None)
        clock = _clock(get("time"), ctx)
        if clock is not None:  # the time column says the shop's clock time of that (local) day
            when, utc = dt.datetime.combine(when, clock), None
        elif not (when.hour or when.minute or when.second or when.microsecond) and not (
                isinstance(raw, str) and ":" in raw):
            when = dt.datetime.combine(when, NOON)  # a date alone (a workbook's date cell too)
        if not values.EARLIEST <= when.date() <= ctx.today:
            raise InputError("import_date_range", field="date", value=when.date().isoformat())
    amount = values.money(get("amount"), "amount")
    if amount is None:
        raise InputError("import_cell_empty", field="amount")
    raw = get("qty")
    qty = None if raw is None else values.quantity(raw, "qty")
    raw = get("item")
    item = None if raw is None else values.text(raw, "item")
    raw = get("barcode")
    line = _Line(0, amount, qty, item, None if raw is None else values.barcode(raw, "barcode"))
    raw = get("card")
    card = None if raw is None else values.card_number(raw, "card")
    phone = _phone(get("phone"), ctx)
    raw = get("customer_ref")
    ref = None if raw is None else values.text(raw, "customer_ref")
    raw = get("customer_name")
    key = _Key(card, phone, ref, None if raw is None else values.name(raw, "customer_name"))
    return receipt_id, when, utc, key, line, row_warnings


def _problem(row: int, error: InputError) -> RowProblem:
    return RowProblem(row, str(error.params.get("field", "")), error)


def _receipts(records: Iterable[tuple[int, dict[str, Any]]], ctx: _Context, outcome: HistoryOutcome) -> Iterator[_Receipt]:
    """Rows -> receipts, whole: a receipt's lines are together, so one is done
    when a row of another begins.  A receipt with a refused line is refused
    whole (its other rows say so), so the rejects file brings it back entire."""
    current: _Receipt | None = None
    for row, cells in records:
        for value in cells.values():
            if value is not None and (not isinstance(value, str) or value.strip()):
                break
        else:
            continue  # a blank row: not counted
        outcome.rows += 1
        try:
            receipt_id, when, utc, key, line, warned = _read(cells, ctx)
            error = None
        except InputError as exc:
            receipt_id = _loose_id(cells.get("receipt"))
            error, when, utc, key, line, warned = exc, None, None, _Key(), None, []
        # The next line of the same receipt: its id again, on the same day (or no date: the first line's).
        line_of_current = (current is not None and receipt_id is not None and receipt_id == current.receipt_id
                           and (when is None or when.date() == current.local.date()))
        if not line_of_current:
            if current is not None:
                yield current
            if error is None and when is None:
                error = InputError("import_cell_empty", field="date")
            current = _Receipt(receipt_id, when or dt.datetime.min, key, [], [], utc=utc)
            if key.name and not key:  # kept as a sale of no member: a name alone finds nobody for sure
                current.warnings.append(_problem(row, InputError("import_name_alone", field="customer_name",
                                                                 value=key.name[:40])))
        current.rows.append(row)
        if warned:
            current.warnings += [_problem(row, w) for w in warned]
        if error is not None:
            current.problems.append(_problem(row, error))
        else:
            line.row = row  # type: ignore[union-attr]
            current.lines.append(line)  # type: ignore[arg-type]
    if current is not None:
        yield current


def _loose_id(raw: Any) -> str | None:
    try:
        return values.text(raw, "receipt")
    except InputError:
        return None


# --- receipts -> rows of the till --------------------------------------------------------------


def _row_id() -> bytes:
    """A UUIDv7 as the 16 bytes stored (new_id's, without building a uuid.UUID per row)."""
    return uuid_utils.uuid7().bytes


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _number(receipt: _Receipt, seen_rows: dict[int, int]) -> int:
    if receipt.receipt_id is not None:
        return _digest(f"r\x1f{receipt.receipt_id}\x1f{receipt.local.date().isoformat()}")
    k = receipt.key
    # Not the amount: the old system may correct it, and the corrected file finds the receipt (an update).
    row = _digest(f"c\x1f{k.card or ''}\x1f{k.phone or ''}\x1f{k.ref or ''}\x1f{receipt.local.isoformat()}")
    occurrence = seen_rows.get(row, 0)
    seen_rows[row] = occurrence + 1
    return _digest(f"{row}\x1f{occurrence}")


def _sale_lines(receipt: _Receipt, sale_id: bytes, products: dict[str, bytes]) -> tuple[list[tuple], int, int]:
    """The receipt's lines as sale_line rows, with its subtotal and discount."""
    if len(receipt.lines) == 1 and receipt.lines[0].qty is None:  # one line of the whole amount: most of a history
        line = receipt.lines[0]
        code = line.barcode
        return [(_row_id(), sale_id, 0, products.get(code) if code else None, code or "", line.item or "", 1,
                 line.amount, line.amount, 0, 0, 0, "[]", None, None)], line.amount, line.amount - receipt.amount
    rows, subtotal = [], 0
    for position, line in enumerate(receipt.lines):
        qty, grams, per_kg = 1, None, None
        unit = gross = line.amount
        if line.qty is not None and line.qty == line.qty.to_integral_value():
            qty = int(line.qty)
            unit = -(-line.amount // qty)
            gross = unit * qty
        elif line.qty is not None:  # weighed: 0,742 kg
            grams = int((line.qty * 1000).to_integral_value(ROUND_HALF_UP)) or 1
            per_kg = int((line.amount / line.qty).to_integral_value(ROUND_HALF_UP))
        product = products.get(line.barcode) if line.barcode else None
        rows.append((_row_id(), sale_id, position, product, line.barcode or "", line.item or "", qty, unit,
                     gross, gross - line.amount, 0, 0, "[]", grams, per_kg))
        subtotal += gross
    return rows, subtotal, subtotal - receipt.amount


_SALE_FIELDS = ["id", "till", "receipt_no", "member", "card_number", "rule_version", "created_at", "subtotal",
                "discount", "total", "points_redeemed", "points_value", "paid_money", "points_earned", "offline",
                "imported"]
_LINE_FIELDS = ["id", "sale", "position", "product", "barcode", "name", "qty", "unit_price", "gross", "discount",
                "points_value", "points_earned", "reasons", "grams", "price_per_kg"]


_MEMBER_FIELDS = ["id", "name", "name_key", "phone", "birthday", "marketing_consent", "tier", "balance", "created_at",
                  "updated_at", "email", "note", "origin", "external_ref"]
_CARD_FIELDS = ["id", "number", "member", "status", "created_at", "blocked_at"]


def _lookup(sql: str, keys: list[Any]) -> list[tuple]:
    out: list[tuple] = []
    for start in range(0, len(keys), LOOKUP):
        part = keys[start:start + LOOKUP]
        out += db.obj.execute_sql(sql.format(marks=", ".join("?" * len(part))), part).fetchall()
    return out


class _Writer:
    """One run's state across chunks: the members it made (a dry run keeps
    them only here), the receipts it saw, and the members its file concerns."""

    def __init__(self, actor: Staff, rules: Rules | None, now: dt.datetime, dry_run: bool, ctx: _Context,
                 outcome: HistoryOutcome) -> None:
        self.actor, self.rules, self.now, self.dry_run, self.ctx, self.outcome = actor, rules, now, dry_run, ctx, outcome
        till = local_till()
        self.till, self.till_number, self.card_prefix = till.id.bytes, till.number, shop_info().card_prefix
        entry = rules.tier_for_spend(0) if rules else None
        self.entry_tier = entry.code if entry else ""
        self.made: dict[tuple[str, str], bytes] = {}  # ("card"|"phone"|"ref", value) -> a member made this run
        self.seen: dict[int, int] = {}  # receipt number -> its first row, for a receipt whose lines are apart
        self.seen_rows: dict[int, int] = {}  # identical id-less rows so far
        self.touched: dict[bytes, int] = {}  # members whose receipts are in the file -> the first row of theirs
        self.names: dict[bytes, str] = {}  # members made this run (a dry run has them only here)
        self.offsets: dict[tuple[int, int, int, int], dt.timedelta] = {}
        self.days: dict[dt.date, str] = {}  # a day -> its receipts' numbers' start ("IMP-YYYYMMDD-")
        self.placeholder = words(shop_info().language)._(PLACEHOLDER)

    def checked(self, receipts: list[_Receipt]) -> list[_Receipt]:
        """Receipts numbered, those refused reported; the rest to write."""
        good = []
        seen, seen_rows, days = self.seen, self.seen_rows, self.days
        for receipt in receipts:
            if not receipt.problems:
                lines = receipt.lines
                receipt.amount = lines[0].amount if len(lines) == 1 else sum(line.amount for line in lines)
                digest = _number(receipt, seen_rows)
                first = seen.get(digest)
                if first is not None:
                    receipt.problems.append(RowProblem(receipt.rows[0], "receipt", InputError(
                        "import_receipt_apart", receipt=receipt.receipt_id or "", row=first)))
                else:
                    seen[digest] = receipt.rows[0]
                    # The day first: a history written in date order then lands in one part of the
                    # unique index, so a chunk's commit writes few of its pages, not one per receipt.
                    day = receipt.local.date()
                    prefix = days.get(day)
                    if prefix is None:
                        prefix = days[day] = f"IMP-{day:%Y%m%d}-"
                    receipt.number = f"{prefix}{digest:016X}"
                    self._prepare(receipt)
            if receipt.problems:
                self._refuse(receipt)
            else:
                good.append(receipt)
        return good

    def _prepare(self, receipt: _Receipt) -> None:
        """What the receipt's sale will be that needs nothing of the till: its id, its time
        and, with no barcode to look up, its lines."""
        receipt.sale_id = sale_id = _row_id()
        receipt.at = self._since(receipt).isoformat(" ")
        if not any(line.barcode for line in receipt.lines):
            receipt.sale_lines, receipt.subtotal, receipt.discount = _sale_lines(receipt, sale_id, {})

    def _refuse(self, receipt: _Receipt) -> None:
        bad = {p.row for p in receipt.problems}
        self.outcome.errors += receipt.problems
        first = receipt.problems[0]
        for row in receipt.rows:
            if row not in bad:
                self.outcome.errors.append(RowProblem(row, first.field, InputError(
                    "import_receipt_refused", receipt=receipt.receipt_id or "", row=first.row)))

    def write(self, receipts: list[_Receipt]) -> None:
        """One chunk, inside its transaction (or read only, in a dry run)."""
        numbers = [r.number for r in receipts]
        there: dict[str, tuple[bytes, bytes | None, int]] = {}
        if numbers and db.obj.execute_sql(  # none of these days imported yet (a first run): one index probe
                'SELECT 1 FROM "sale" WHERE receipt_no BETWEEN ? AND ? LIMIT 1',
                (min(numbers), max(numbers))).fetchone() is not None:
            there = {number: (sale, member, total) for number, sale, member, total in _lookup(
                'SELECT receipt_no, id, member_id, total FROM "sale" WHERE receipt_no IN ({marks})', numbers)}
        fresh, corrected = [], []
        for receipt in receipts:
            known = there.get(receipt.number)
            if known is None:
                fresh.append(receipt)
                continue
            sale_id, member, total = known
            if member is not None:
                self.touched.setdefault(member, receipt.rows[0])
            if total == receipt.amount:
                self.outcome.skipped += len(receipt.rows)
            else:
                corrected.append((receipt, sale_id))
        if not fresh and not corrected:
            return
        codes = sorted({line.barcode for r in [*(r for r in fresh if r.sale_lines is None), *(c for c, _ in corrected)]
                        for line in r.lines if line.barcode})  # receipts with lines made already have none
        products = dict(_lookup('SELECT barcode, id FROM "product" WHERE barcode IN ({marks})', codes))
        products.update(_lookup('SELECT code, product_id FROM "product_code" WHERE code IN ({marks})', codes))
        self._correct(corrected, products)
        if not fresh:
            return
        owners = self._customers(fresh)
        sales, lines = [], []
        till, touched, warnings = self.till, self.touched, self.outcome.warnings
        imported = written = 0
        for receipt in fresh:
            member = owners.get(id(receipt))
            if isinstance(member, InputError):
                receipt.problems.append(RowProblem(receipt.rows[0], str(member.params.get("field", "card")), member))
                self._refuse(receipt)
                continue
            sale_id = receipt.sale_id
            if receipt.sale_lines is not None:
                lines += receipt.sale_lines
                subtotal, discount = receipt.subtotal, receipt.discount
            else:
                rows, subtotal, discount = _sale_lines(receipt, sale_id, products)
                lines += rows
            amount = receipt.amount
            sales.append((sale_id, till, receipt.number, member, receipt.key.card, 0, receipt.at, subtotal, discount,
                          amount, 0, 0, amount, 0, 0, 1))
            if member is not None and member not in touched:
                touched[member] = receipt.rows[0]
            imported += len(receipt.rows)
            written += 1
            if receipt.warnings:
                warnings += receipt.warnings
        self.outcome.imported += imported
        self.outcome.receipts += written
        if not self.dry_run:
            insert_tuples(Sale, _SALE_FIELDS, sales)
            insert_tuples(SaleLine, _LINE_FIELDS, lines)

    def _correct(self, corrected: list[tuple[_Receipt, bytes]], products: dict[str, bytes]) -> None:
        """Receipts the till has imported with another amount: the old system corrected
        them, so the sale takes the file's amount and lines (its customer and time stay)."""
        sales, lines = [], []
        for receipt, sale_id in corrected:
            rows, subtotal, discount = _sale_lines(receipt, sale_id, products)
            sales.append((subtotal, discount, receipt.amount, receipt.amount, sale_id))
            lines += rows
            self.outcome.updated += len(receipt.rows)
            self.outcome.warnings += receipt.warnings
        if sales and not self.dry_run:
            cursor = db.obj.cursor()
            cursor.executemany('UPDATE "sale" SET subtotal = ?, discount = ?, total = ?, paid_money = ? WHERE id = ?',
                               sales)
            cursor.executemany('DELETE FROM "sale_line" WHERE sale_id = ?', [(sale[-1],) for sale in sales])
            summary.mark_changed([sale[-1] for sale in sales])  # the owner's figures count them again
            insert_tuples(SaleLine, _LINE_FIELDS, lines)

    def _customers(self, receipts: list[_Receipt]) -> dict[int, bytes | InputError | None]:
        """Each receipt's member (id bytes), made when the till does not know the key;
        an InputError for a card the till holds but gave nobody, a new card that is a
        product's barcode, or keys naming two members (the members engine's checks:
        services.imports.customers)."""
        keys = [r.key for r in receipts if r.key]
        cards = {number: (member, status) for number, member, status in _lookup(
            'SELECT number, member_id, status FROM "card" WHERE number IN ({marks})', sorted({k.card for k in keys if k.card}))}
        phones: dict[str, bytes] = {}
        for phone, member in _lookup('SELECT phone, id FROM "member" WHERE phone IN ({marks}) ORDER BY created_at',
                                     sorted({k.phone for k in keys if k.phone})):
            phones.setdefault(phone, member)
        refs: dict[str, bytes] = {}
        for ref, member in _lookup('SELECT external_ref, id FROM "member" WHERE external_ref IN ({marks}) '
                                   'ORDER BY created_at', sorted({k.ref for k in keys if k.ref})):
            refs.setdefault(ref, member)
        products = customers.product_names(k.card for k in keys if k.card and k.card not in cards)
        out: dict[int, bytes | InputError | None] = {}
        new_members: list[dict[str, Any]] = []
        new_cards: list[dict[str, Any]] = []
        for receipt in receipts:
            k = receipt.key
            if k.card is not None and k.phone is None and k.ref is None:  # a card alone, of a member: most receipts
                known = cards.get(k.card)
                if known is not None and known[0] is not None:
                    out[id(receipt)] = known[0]
                    continue
            if not k:
                out[id(receipt)] = None
                continue
            if k.card and k.card in cards and cards[k.card][0] is None:
                out[id(receipt)] = InputError("card_unassigned", card=k.card)
                continue
            try:
                if k.card and k.card not in cards and ("card", k.card) not in self.made:
                    customers.not_a_product(k.card, products)
                    check_old_card(k.card, self.card_prefix, self.till_number)  # no till issues it later
                found, _ = customers.one_member((
                    ("card", k.card, cards[k.card][0] if k.card in cards else self.made.get(("card", k.card or ""))),
                    ("phone", k.phone, phones.get(k.phone or "") or self.made.get(("phone", k.phone or ""))),
                    ("customer_ref", k.ref, refs.get(k.ref or "") or self.made.get(("ref", k.ref or ""))),
                ), self._name)
            except InputError as exc:
                out[id(receipt)] = exc
                continue
            if found is None:
                found = self._new_member(receipt, new_members, new_cards)
            elif k.card and k.card not in cards and ("card", k.card) not in self.made:
                # Known by phone or old id, with a card the till has not seen: it is theirs from now on,
                # so their next receipt with that card alone finds them too.
                self._new_card(k.card, found, receipt, new_cards)
            out[id(receipt)] = found
        self.outcome.members_created += len(new_members)
        if not self.dry_run:
            if new_members:
                insert_tuples(Member, _MEMBER_FIELDS, [
                    (m["id"].bytes, m["name"], m["name_key"], m["phone"], None, 0, m["tier"], 0, str(m["created_at"]),
                     str(m["updated_at"]), None, "", "import", m["external_ref"]) for m in new_members])
                outbox.record_many("member", [as_columns(Member, m) for m in new_members], new=True)
            if new_cards:
                insert_tuples(Card, _CARD_FIELDS, [(c["id"].bytes, c["number"], c["member"].bytes, "active",
                                                    str(c["created_at"]), None) for c in new_cards])
                outbox.record_many("card", [as_columns(Card, c) for c in new_cards], new=True)
        return out

    def _name(self, member: bytes) -> str:
        """A member's name, for a row that names two."""
        found = self.names.get(member)
        if found is None:
            row = db.obj.execute_sql('SELECT name FROM "member" WHERE id = ?', (member,)).fetchone()
            found = row[0] if row else ""
        return found

    def _since(self, receipt: _Receipt) -> dt.datetime:
        """The receipt's time in UTC, as sales are stored: the file's own when it
        gave an offset; else the shop's clock, its zone's offset looked up once
        per hour of the file (it changes only on the hour)."""
        if receipt.utc is not None:
            return receipt.utc
        local = receipt.local
        hour = (local.year, local.month, local.day, local.hour)
        offset = self.offsets.get(hour)
        if offset is None:
            offset = self.offsets[hour] = local.replace(tzinfo=self.ctx.zone).utcoffset() or dt.timedelta(0)
        return local - offset

    def _new_card(self, number: str, member: bytes, receipt: _Receipt, cards: list[dict[str, Any]]) -> None:
        cards.append(dict(id=new_id(), number=number, member=Member.id.python_value(member), status="active",
                          created_at=self._since(receipt), blocked_at=None))
        self.made[("card", number)] = member

    def _new_member(self, receipt: _Receipt, members: list[dict[str, Any]], cards: list[dict[str, Any]]) -> bytes:
        k = receipt.key
        member_id = new_id()
        name = k.name or self.placeholder.format(key=k.card or k.phone or k.ref)
        members.append(dict(id=member_id, name=name, name_key=name_key(name), phone=k.phone, birthday=None,
                            marketing_consent=False, tier=self.entry_tier, balance=0, created_at=self._since(receipt),
                            updated_at=self.now, email=None, note="", origin="import", external_ref=k.ref))
        self.names[member_id.bytes] = name
        if k.card:
            self._new_card(k.card, member_id.bytes, receipt, cards)
        for kind, value in (("phone", k.phone), ("ref", k.ref)):
            if value:
                self.made[(kind, value)] = member_id.bytes
        return member_id.bytes


# --- after the receipts: tiers and the grant ------------------------------------------------------


_TIERS_SQL = 'SELECT m.id, m.tier, ' + SPEND_SQL.format(member="m.id") + ' FROM "member" m WHERE m.id IN ({marks})'


def _slices(members: list[bytes], pace: Pace) -> Iterator[list[bytes]]:
    """The members a pace's size at a time (the size follows how long the last slice took)."""
    start = 0
    while start < len(members):
        part = members[start:start + pace.size]
        yield part
        start += len(part)


def _pieces(members: list[bytes]) -> Iterator[tuple[str, list[bytes]]]:
    """(the ? marks, the ids) LOOKUP at a time, for IN (...)."""
    for start in range(0, len(members), LOOKUP):
        part = members[start:start + LOOKUP]
        yield ", ".join("?" * len(part)), part


def _settle_tiers(members: list[bytes], rules: Rules, now: dt.datetime, pace: Pace) -> int:
    """Today's tier for each member of the file, by the programme's own rule
    (up at once; down is the period's business)."""
    moved = 0
    since = window_start(rules, now)
    for members_slice in _slices(members, pace):
        with pace.chunk():
            for marks, part in _pieces(members_slice):
                for member_id, tier, spend in db.obj.execute_sql(_TIERS_SQL.format(marks=marks),
                                                                 (since, since, *part)).fetchall():
                    earned = rules.tier_for_spend(int(spend))
                    if earned is None or earned.code == tier:  # stays (settle_tier would leave it)
                        continue
                    member = Member(id=Member.id.python_value(member_id), tier=tier)
                    settle_tier(member, rules, int(spend), may_fall=False)
                    moved += member.tier != tier
    return moved


def grant_points(total: int, tier: str, rules: Rules, cache: dict[tuple[int, str], int]) -> int:
    """What today's rules give a member of `tier` on a receipt of `total` (the
    programme's own earning: services.programme.pricing on one line of that amount)."""
    found = cache.get((total, tier))
    if found is None:
        line = CartLine("0", "", "", "", total, 1)
        found = cache[(total, tier)] = price_cart([line], Customer(tier=tier), rules).points_earned
    return found


_IMPORTED_SQL = 'SELECT member_id, total FROM "sale" WHERE imported = 1 AND member_id IN ({marks})'
# Per member: what earlier grants gave, and what all imported entries (opening balances too) came to.
_GRANTED_SQL = ('SELECT member_id, SUM(CASE WHEN note = ? THEN delta ELSE 0 END), SUM(delta) FROM "ledger_entry" '
                'WHERE kind = \'import\' AND member_id IN ({marks}) GROUP BY member_id')


def _grant(members: dict[bytes, int], rules: Rules, actor: Staff, now: dt.datetime, pace: Pace,
           signer: Any, warnings: list[RowProblem]) -> int:
    """One 'import' ledger entry per member: what today's rules give on all their
    imported receipts, less what earlier grants gave (so a second run gives nothing),
    signed with the key the import started with (`signer`).  A member's imported
    entries stay within the hub's IMPORT_MEMBER_CAP, opening balance and grants
    together: beyond it the grant is cut, with a warning at the member's first row
    (`members`: member -> that row)."""
    granted_total = 0
    cache: dict[tuple[int, str], int] = {}
    till = local_till().id
    for members_slice in _slices(sorted(members), pace):
        with pace.chunk():
            due: dict[bytes, int] = {}
            room: dict[bytes, int] = {}  # what the cap leaves for this member's grant
            tiers: dict[bytes, str] = {}
            names: dict[bytes, str] = {}
            for marks, part in _pieces(members_slice):
                for member_id, tier, name in db.obj.execute_sql(
                        f'SELECT id, tier, name FROM "member" WHERE id IN ({marks})', part).fetchall():
                    tiers[member_id], names[member_id] = tier, name
                for member_id, total in db.obj.execute_sql(_IMPORTED_SQL.format(marks=marks), part).fetchall():
                    points = grant_points(int(total), tiers.get(member_id, ""), rules, cache)
                    due[member_id] = due.get(member_id, 0) + points
                for member_id, given, imported in db.obj.execute_sql(_GRANTED_SQL.format(marks=marks),
                                                                     (GRANT_NOTE, *part)):
                    due[member_id] = due.get(member_id, 0) - int(given)
                    room[member_id] = IMPORT_MEMBER_CAP - int(imported)
            entries = []
            for member_id, points in due.items():
                if points <= 0:
                    continue
                given = min(points, room.get(member_id, IMPORT_MEMBER_CAP))
                if given < points:
                    warnings.append(RowProblem(members.get(member_id, 0), "", InputError(
                        "import_grant_capped", name=names.get(member_id, ""), points=points, given=max(given, 0),
                        cap=IMPORT_MEMBER_CAP)))
                if given > 0:
                    entries.append(dict(id=new_id(), member=Member.id.python_value(member_id), kind="import",
                                        delta=given, sale=None, ret=None, till=till, staff=actor.id, note=GRANT_NOTE,
                                        created_at=now))
            if not entries:
                continue
            insert_rows(LedgerEntry, entries)
            stamp = LedgerEntry.created_at.db_value(now)
            db.obj.cursor().executemany('UPDATE "member" SET balance = balance + ?, updated_at = ? WHERE id = ?',
                                        [(e["delta"], stamp, e["member"].bytes) for e in entries])
            docs = [as_columns(LedgerEntry, e) for e in entries]
            outbox.record_many("ledger_entry", docs)
            authority.sign_rows(GRANT_KIND, [(doc["id"], doc) for doc in docs], held=signer)
            granted_total += sum(e["delta"] for e in entries)
    return granted_total


# --- the engine ----------------------------------------------------------------------------------


def run(records: Iterable[tuple[int, dict[str, Any]]], *, actor: Staff, options: dict[str, Any] | None = None,
        dry_run: bool = False, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
        now: dt.datetime | None = None, pace: Pace | None = None) -> HistoryOutcome:
    """Import a sales history (see the module's docstring); `pace` for tests and the bench."""
    auth.require(actor, "import_data")
    options = options or {}
    now = now or utcnow()
    shop = shop_info()
    ctx = _Context(shop.zone, shop.region,
                   now.replace(tzinfo=dt.timezone.utc).astimezone(shop.zone).date(), {}, {})
    try:
        rules: Rules | None = active_rules(now)
    except InputError:
        rules = None
    signer = None
    if options.get("grant_points"):
        if rules is None:
            raise InputError("no_rules")
        # The owner's key as the import starts: a lock or sign-out half-way still signs this import's grant.
        signer = authority.signer()
        if signer is None:  # the hub would refuse the grant unsigned
            raise InputError("import_grant_owner_key")
    outcome = HistoryOutcome(dry_run=dry_run)
    writer = _Writer(actor, rules, now, dry_run, ctx, outcome)
    pace = pace or Pace(CHUNK, budget_s=BUDGET_S, rest_first=True)
    with fewer_checkpoints(), fewer_collections():
        return _run(records, writer, pace, rules, signer, options, progress, should_stop)


def _run(records: Iterable[tuple[int, dict[str, Any]]], writer: _Writer, pace: Pace, rules: Rules | None,
         signer: Any, options: dict[str, Any], progress: Progress | None,
         should_stop: Callable[[], bool] | None) -> HistoryOutcome:
    """run()'s chunks, then the tiers and the grant."""
    outcome, dry_run, now, ctx = writer.outcome, writer.dry_run, writer.now, writer.ctx
    batch: list[_Receipt] = []

    done = [0]  # rows of the receipts handled (the reader is one row ahead of them)

    def flush() -> None:
        good = writer.checked(batch)
        if dry_run:
            writer.write(good)
        else:
            with pace.chunk():
                writer.write(good)
        done[0] += sum(len(receipt.rows) for receipt in batch)
        batch.clear()
        if progress is not None:
            progress(done[0])

    for receipt in _receipts(records, ctx, outcome):
        batch.append(receipt)
        if len(batch) >= pace.size:
            flush()
            if should_stop is not None and should_stop():
                outcome.stopped = True
                return outcome
    if batch:
        flush()
    if dry_run or rules is None or not writer.touched:
        return outcome
    post = Pace(POST_CHUNK, budget_s=BUDGET_S, clock=pace.clock, sleep=pace.sleep, rest_first=True)
    outcome.tier_changes = _settle_tiers(sorted(writer.touched), rules, now, post)
    if options.get("grant_points"):
        outcome.points_granted = _grant(writer.touched, rules, writer.actor, now, post, signer, outcome.warnings)
    return outcome

