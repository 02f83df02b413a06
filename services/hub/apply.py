"""Applying what a till pushed: each operation once, in the till's order.

Exactly once rests on the database, not on code that checks first:
`applied_op.op_id` is the primary key (a re-sent operation conflicts and is
answered "duplicate"), and the facts keep the UUIDs born on the till as their
primary keys (`INSERT ... ON CONFLICT DO NOTHING`).  A push takes the till's
row `FOR UPDATE`, so two copies of the same batch arriving at once are
applied one after the other, the second finding everything done.

Why a row per operation and not a row per batch (its seq range and its op ids
in an array): the seq range alone would make a re-sent seq a duplicate, but
not a re-sent op under a new seq (a restored till renumbers what it never
saw acknowledged) nor one another till sends, and PostgreSQL has no unique
index over an array's elements.  A GIN index over the batches' arrays, with
the look-up each push then needs, measured about five times slower than the row
per op, which is a narrow heap tuple and a B-tree entry appended in time order
(op ids are UUIDv7) now that it carries no foreign key (hub step 6).

Cost: every table a push writes gets one statement per batch (`insert_values`,
arrays unnested by the server), the checks read what they need once per
batch (services.hub.rights.LedgerFacts), and the change log is appended in
one statement at the end.

Order: each till's operations are applied in `seq` order with no gaps
(`hub_till.last_seq`).  An operation past a gap is not applied and answered
"gap" with the expected seq, so the till sends again from there; a batch
that arrives before the one it follows changes nothing.

An operation that cannot be applied (unknown kind, a malformed row, or one
this till may not do: services.hub.rights) goes to `quarantine` with its
reason and its seq counts as consumed: it never blocks the rest.  Only
`Unapplicable` (the data is wrong, said explicitly by services.hub.checks)
and PostgreSQL's data exceptions quarantine; a KeyError or TypeError is a bug
in a handler and fails the push as one (logged, 500), never hiding as bad data.

A new kind is added by registering a handler with `@handler(kind, order)`;
`order` says which kinds go first inside one batch (members before cards
before the ledger that refers to them).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import peewee
import psycopg2
from pydantic_core import from_json

from models.hub import (
    AppliedOp, Entity, HubReturn, HubTill, Quarantine, hub_db, utcnow,
)
from services.core import hlc
from services.hub import checks, erasure, governance, holds, rights
from services.hub.bulk import copy_lines, copy_rows, insert_values
from services.hub.checks import Unapplicable

log = logging.getLogger("loyaltill.hub.apply")

# Serialises the last step of every push (appending to the change log), so the
# change log's sequence order is its commit order: see services.hub.pull.
CHANGE_LOG_LOCK = 7461002


@dataclass
class Op:
    op_id: uuid.UUID
    seq: int
    kind: str
    payload: dict[str, Any]
    raw: str | None = None  # the payload's JSON text as the till sent it
    refused: str | None = None  # why the payload itself is unusable (not JSON, not an object)
    key: str = ""  # op_id as text
    # What `prepare` made of it before the till's turn, for a time and a till: its row and
    # that row as a line of COPY's text (or None), and its `applied_op` row's line.
    prepared: tuple[dt.datetime, str, Any, str | None] | None = None
    applied: tuple[dt.datetime, str, str] | None = None

    def __post_init__(self) -> None:
        self.key = self.key or str(self.op_id)


@dataclass
class Context:
    till: HubTill
    now: dt.datetime = field(default_factory=utcnow)  # the hub's clock: nothing a till writes is later
    seeding: bool = False  # the till's first history, sent before anything it pushed (services.hub.rights)
    changes: list[dict[str, Any]] = field(default_factory=list)
    members: set[str] = field(default_factory=set)  # whose ledger moved
    redeemed_sales: set[str] = field(default_factory=set)
    # The sales this push wrote, as written (services.hub.rights.LedgerFacts reads them from here)
    sales_written: dict[str, tuple] = field(default_factory=dict)
    tiers: set[str] | None = None  # the tier codes of the published rule sets, once read
    # Its ids as text, made once per push rather than once per row (services.hub.rights)
    till_key: str = ""
    now_text: str = ""  # `now` as the rows hold it
    own_ids: set[str] = field(default_factory=set)
    preparing: bool = False  # before the till's turn: nothing is read or written (services.hub.rights.own_till)

    def __post_init__(self) -> None:
        self.now_text = self.now.isoformat()
        self.till_key = str(self.till.id) if self.till.id is not None else ""  # "": the owner, through the hub
        self.own_ids = {self.till_key}
        if self.till.local_till_id is not None:
            self.own_ids.add(str(self.till.local_till_id))

    def changed(self, kind: str, entity_id: str, doc: dict[str, Any], clocks: dict[str, str] | None = None) -> None:
        self.changes.append({"kind": kind, "entity_id": entity_id, "origin": self.till_key or None, "doc": doc, "clocks": clocks})


Handler = Callable[[list[Op], Context], None]
HANDLERS: dict[str, tuple[int, Handler]] = {}
Preparer = Callable[[Op, Context], Any]
PREPARERS: dict[str, Preparer] = {}


def handler(kind: str, order: int) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = (order, fn)
        return fn
    return register


def preparer(kind: str) -> Callable[[Preparer], Preparer]:
    """A kind's checks that need nothing from the database, and the row they make:
    run by `prepare` before the till's turn, again by the handler for any op
    they were not run for (or refused: the handler then says why, in order)."""
    def register(fn: Preparer) -> Preparer:
        PREPARERS[kind] = fn
        return fn
    return register


def prepare(till: HubTill, ops: list[Op], now: dt.datetime) -> None:
    """Each op's row, checked, made before the till's turn: while the till's last
    push is being applied (services.hub.app, push), not under its row lock.
    Only what holds whatever happens meanwhile is done: checks of the op alone
    against `now` (the push is then applied at that same time) and this till's
    ids as the hub knew them when the push came in (they only grow: a till's
    own id, once bound, stays).  Anything else, a refusal included, is left
    to the handler, which does it under the lock as it always did."""
    ctx = Context(till, now=now, preparing=True)
    made: dict[str, list[tuple[Op, Any]]] = {}
    for op in ops:
        op.prepared = op.applied = None
        fn = PREPARERS.get(op.kind)
        if fn is None or op.refused:
            continue
        try:
            made.setdefault(op.kind, []).append((op, fn(op, ctx)))
        except (Unapplicable, rights.NotYet):
            continue
    for kind, pairs in made.items():
        lines = copy_lines([COPIED[kind](row, ctx) for _, row in pairs]) if kind in COPIED else None
        for i, (op, row) in enumerate(pairs):
            op.prepared = (now, ctx.till_key, row, lines[i] if lines is not None else None)
    applied_at = now.isoformat()
    lines = copy_lines([(op.key, ctx.till_key, op.seq, op.kind, "applied", applied_at) for op in ops]) if ops else None
    for i, op in enumerate(ops if lines is not None else ()):
        op.applied = (now, ctx.till_key, lines[i])


def _ready(ready: tuple | None, ctx: Context) -> bool:
    return ready is not None and ready[0] == ctx.now and ready[1] == ctx.till_key and not ctx.preparing


def prepared(op: Op, ctx: Context, fn: Preparer) -> Any:
    """The op's row as `prepare` made it for this till at this time, or made now."""
    return op.prepared[2] if _ready(op.prepared, ctx) else fn(op, ctx)  # type: ignore[index]


def prepared_lines(ops: list[Op], ctx: Context) -> list[str] | None:
    """The ops' rows as lines of COPY's text, if `prepare` made them all for this till at this time."""
    lines = [op.prepared[3] if _ready(op.prepared, ctx) else None for op in ops]  # type: ignore[index]
    return None if None in lines else lines  # type: ignore[return-value]


# What bad data raises while being applied: a reason said explicitly, or one of
# PostgreSQL's data exceptions (class 22; psycopg2's own come from the bulk
# inserts, which bypass peewee's wrapping).  Anything else is a bug.
CANNOT_APPLY = (Unapplicable, peewee.DataError, psycopg2.DataError)


# --- the batch -----------------------------------------------------------------

def apply_batch(till_id: uuid.UUID, ops: list[Op], now: dt.datetime | None = None) -> dict[str, Any]:
    """Apply a push; returns each op's status (applied / duplicate / quarantined / gap)."""
    with hub_db.atomic():
        till = HubTill.select().where(HubTill.id == till_id).for_update().get()
        status: dict[uuid.UUID, str] = {}
        expected = till.last_seq + 1
        fresh: list[Op] = []
        fresh_ids: set[uuid.UUID] = set()
        earlier: list[Op] = []
        gap = None
        for op in sorted(ops, key=lambda o: o.seq):
            if op.seq == expected and op.op_id not in fresh_ids:
                fresh.append(op)
                fresh_ids.add(op.op_id)
                expected += 1
            elif op.seq < expected:
                earlier.append(op)
            else:
                status[op.op_id] = "gap"
                gap = gap or {"expected": expected, "got": op.seq}
        if earlier:
            known = {
                row.op_id for row in AppliedOp.select(AppliedOp.op_id)
                .where(AppliedOp.op_id.in_([op.op_id for op in earlier]))
            }
            for op in earlier:
                if op.op_id in known or op.op_id in fresh_ids:
                    status[op.op_id] = "duplicate"
                else:  # a seq this till already used, for another op: its database was reset?
                    _quarantine(till, op, f"seq {op.seq} was already used by another operation")
                    status[op.op_id] = "quarantined"
        if fresh:
            now = now or utcnow()
            till_key, applied_at = str(till.id), now.isoformat()
            keys = [op.key for op in fresh]
            ctx = Context(till, now=now)
            lines = [op.applied[2] if _ready(op.applied, ctx) else None for op in fresh]  # type: ignore[index]
            inserted = _record_applied(
                [(key, till_key, op.seq, op.kind, "applied", applied_at) for key, op in zip(keys, fresh)],
                None if None in lines else lines)  # type: ignore[arg-type]
            todo = []
            for key, op in zip(keys, fresh):
                if key in inserted:
                    todo.append(op)
                else:  # the same op under another seq: already applied once
                    status[op.op_id] = "duplicate"
            _apply(todo, ctx, status)
            _after(ctx)
            last = fresh[-1].seq
            HubTill.update(last_seq=last, last_push_at=utcnow()).where(HubTill.id == till.id).execute()
            append_changes(ctx.changes)
        if gap:
            log.warning("till %s: sequence gap, expected %s got %s", till.name, gap["expected"], gap["got"])
    results = [{"op_id": op.key, "status": status[op.op_id]} for op in ops]
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return {
        "results": results,
        "last_seq": expected - 1,
        "gap": gap,
        "counts": counts,
    }


_APPLIED_COLUMNS = ("op_id", "till_id", "seq", "kind", "status", "applied_at")


def _record_applied(rows: list[tuple], lines: list[str] | None = None) -> set[str]:
    """An `applied_op` row per fresh operation; returns the op ids written.  The
    seqs are fresh (checked under the till's lock), so only an op id already
    there (the same op under another seq, or another till's) can refuse the
    quick COPY; then each row is inserted unless its op id is there."""
    if copy_rows("applied_op", _APPLIED_COLUMNS, rows, lines):
        return {row[0] for row in rows}
    return {r[0] for r in insert_values("applied_op", _APPLIED_COLUMNS, rows, returning="op_id::text", casts={
        "op_id": "::uuid", "till_id": "::uuid", "applied_at": "::timestamp"})}


def apply_snapshot(till_id: uuid.UUID, ops: list[Op], now: dt.datetime | None = None,
                   seed: str | None = None) -> int:
    """Master data and ledger a till already had when it was enrolled.  Not
    tracked as operations: every handler it uses is idempotent by entity id.
    The till's seed (`seed` "more", then "last") is taken once: until its last
    part, and before the till's first push, its ledger history is taken
    without the sales it names, within a cap per member (services.hub.rights:
    the seed).  Any other snapshot's ledger entries are checked as a push's."""
    with hub_db.atomic():
        till = HubTill.select().where(HubTill.id == till_id).for_update().get()
        seeding = (seed is not None and till.seeded_at is None and till.last_seq == 0
                   and till.last_push_at is None)
        ctx = Context(till, now=now or utcnow(), seeding=seeding)
        status: dict[uuid.UUID, str] = {}
        _apply(ops, ctx, status, tracked=False)
        _after(ctx)
        append_changes(ctx.changes)
        if seed == "last" and till.seeded_at is None:
            HubTill.update(seeded_at=utcnow()).where(HubTill.id == till.id).execute()
    return sum(1 for s in status.values() if s == "applied")


def _apply(ops: list[Op], ctx: Context, status: dict[uuid.UUID, str], tracked: bool = True) -> None:
    groups: dict[str, list[Op]] = {}
    for op in ops:
        if op.refused:
            _quarantine(ctx.till, op, op.refused, tracked)
            status[op.op_id] = "quarantined"
            continue
        if op.kind not in HANDLERS:
            _quarantine(ctx.till, op, f"unknown kind {op.kind!r}", tracked)
            status[op.op_id] = "quarantined"
            continue
        groups.setdefault(op.kind, []).append(op)
    for kind in sorted(groups, key=lambda k: HANDLERS[k][0]):
        fn = HANDLERS[kind][1]
        group = groups[kind]
        try:
            with hub_db.atomic():  # a savepoint: a failure undoes only this group
                fn(group, ctx)
            for op in group:
                status[op.op_id] = "applied"
            continue
        except CANNOT_APPLY as exc:
            log.info("batch of %s failed (%s); applying one by one", kind, exc)
        for op in group:  # one by one: only the bad ones go to quarantine
            mark = len(ctx.changes)
            try:
                with hub_db.atomic():
                    fn([op], ctx)
                status[op.op_id] = "applied"
            except CANNOT_APPLY as exc:
                del ctx.changes[mark:]
                _quarantine(ctx.till, op, str(exc) if isinstance(exc, Unapplicable) else f"{type(exc).__name__}: {exc}",
                            tracked)
                status[op.op_id] = "quarantined"


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _quarantine(till: HubTill, op: Op, error: str, tracked: bool = True) -> None:
    log.warning("quarantined %s op %s from till %s: %s", op.kind, op.op_id, till.name, error)
    payload = {"text": (op.raw or "")[:2000]} if op.refused else op.payload
    # Kept for the owner to read: PostgreSQL's jsonb takes no NUL character, which bad data may hold.
    # Nor a lone surrogate, which PostgreSQL's driver cannot even send (a pair's halves go too: it is only kept to read).
    try:
        kept = json.dumps(payload)
    except (RecursionError, ValueError):
        kept = json.dumps({"text": "(nested too deep to keep)"})
    payload = json.loads(_ESCAPED_SURROGATE.sub(r"\\ufffd", kept.replace("\\u0000", "\\ufffd")))
    Quarantine.insert(
        till=till.id, op_id=op.op_id, seq=op.seq, kind=op.kind[:100], payload=payload,
        error=error[:2000].encode("utf-8", "replace").decode("utf-8").replace("\x00", "?"),
    ).on_conflict_ignore().execute()
    if tracked:
        AppliedOp.update(status="quarantined").where(AppliedOp.op_id == op.op_id).execute()


def _after(ctx: Context) -> None:
    if ctx.members:
        holds.update_flags(ctx.members)
    if ctx.redeemed_sales:
        holds.settle_for_sales(ctx.redeemed_sales)


def append_changes(changes: list[dict[str, Any]]) -> None:
    if not changes:
        return
    hub_db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHANGE_LOG_LOCK,))
    columns = ("kind", "entity_id", "origin_id", "doc", "clocks")
    rows = [(c["kind"], c["entity_id"], c["origin"], _json_text(c["doc"]),
             json.dumps(c["clocks"]) if c["clocks"] is not None else None) for c in changes]
    if not copy_rows("change", columns, rows):
        insert_values("change", columns, rows, conflict="", casts={"origin_id": "::uuid", "doc": "::json", "clocks": "::json"})


def _json_text(doc: Any) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)


# --- master data: documents merged field by field ---------------------------------

def merge_entity(ctx: Context, kind: str, entity_id: str, doc: dict[str, Any], clocks: dict[str, str]) -> None:
    inserted = (
        Entity.insert(kind=kind, entity_id=entity_id, doc=doc, clocks=clocks)
        .on_conflict_ignore().returning(Entity.kind).tuples().execute()
    )
    if list(inserted):
        ctx.changed(kind, entity_id, doc, clocks)
        return
    row = Entity.select().where((Entity.kind == kind) & (Entity.entity_id == entity_id)).for_update().get()
    merged, merged_clocks, changed = hlc.merge(row.doc, row.clocks, doc, clocks)
    if changed:
        Entity.update(doc=merged, clocks=merged_clocks, updated_at=utcnow()).where(
            (Entity.kind == kind) & (Entity.entity_id == entity_id)
        ).execute()
        ctx.changed(kind, entity_id, merged, merged_clocks)


def _split(payload: dict[str, Any], now: dt.datetime, drop: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    doc = {k: v for k, v in payload.items() if k != "_clock" and k not in drop}
    clocks = checks.clock_readings(payload.get("_clock"), now)
    return doc, clocks


# Documents whose every field is plain and bounded (services.hub.checks.flat_document).
FLAT_DOCUMENTS = {"member", "card", "consent", "reach_preference"}


def _entity_handler(kind: str, key: str = "id", drop: tuple[str, ...] = ()) -> Handler:
    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            doc, clocks = _split(op.payload, ctx.now, drop)
            if not doc.get(key):
                raise Unapplicable(f"{kind} without {key}")
            entity_id = checks.text(doc[key], f"the {kind}'s {key}") if isinstance(doc[key], str) else doc[key]
            if kind in FLAT_DOCUMENTS:
                checks.flat_document(doc, kind)
                entity_id = checks.an_id(doc[key], f"the {kind}'s {key}")
            elif kind in checks.CATALOGUE:
                checks.catalogue_document(doc, kind)
                entity_id = checks.an_id(doc[key], f"the {kind}'s {key}")
            merge_entity(ctx, kind, str(entity_id), doc, clocks)
    return apply


def _governed_handler(kind: str, key: str = "id") -> Handler:
    """Staff, rule sets and settings: applied only with a trusted owner's
    signature (services.hub.governance), every field at the signing time."""
    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            # The till's own field clocks are not read: every field takes the signing time.
            doc = {k: v for k, v in op.payload.items() if k not in ("_clock", "_authority")}
            if not doc.get(key):
                raise Unapplicable(f"{kind} without {key}")
            entity_id = str(doc[key])
            proof = op.payload.get("_authority")
            try:
                clocks = governance.accept(kind, entity_id, doc, proof)
            except governance.Refused as exc:
                raise Unapplicable(str(exc)) from None
            before = Entity.get_or_none((Entity.kind == kind) & (Entity.entity_id == entity_id)) if kind == "staff" else None
            merge_entity(ctx, kind, entity_id, doc, clocks)
            if kind == "staff":
                governance.after_staff(entity_id, proof, before.doc if before else None)
    return apply


# Staff first: a staff document may introduce the owner key that signed the rest.
for _kind, _order, _key in (("staff", 8, "id"), ("setting", 10, "key"), ("rule_set", 26, "id")):
    handler(_kind, _order)(_governed_handler(_kind, _key))
for _kind, _order, _key in (
    ("category", 20, "id"), ("product", 22, "id"), ("product_code", 27, "id"), ("price_change", 28, "id"),
):
    handler(_kind, _order)(_entity_handler(_kind, _key))
# The balance is never taken from a till: it follows from the ledger.
handler("member", 40)(erasure.erasing(_entity_handler("member", drop=("balance",))))  # no old copy of an erased member
handler("card", 50)(_entity_handler("card"))
handler("occasion", 52)(_entity_handler("occasion"))  # services/reach/occasions.py
handler("contact", 53)(_entity_handler("contact"))  # services/reach/contacts.py
# A member's consent per channel and their preferred channel and frequency (services.reach.consent): rows that
# are never edited, shared with every till so a withdrawal in one shop holds in all.
handler("consent", 54)(_entity_handler("consent"))
handler("reach_preference", 55)(_entity_handler("reach_preference"))


def _feedback_handler(kind: str) -> Handler:
    """A customer's answer or a follow-up on a complaint (services.reach.feedback): checked,
    then merged field by field like a member (a status moved on two tills, an erased text)."""
    merge = _entity_handler(kind)

    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            checks.feedback_document({k: v for k, v in op.payload.items() if k != "_clock"}, kind)
        merge(ops, ctx)
    return apply


handler("feedback", 72)(_feedback_handler("feedback"))
handler("feedback_note", 73)(_feedback_handler("feedback_note"))


@handler("member_tier", 42)
def apply_member_tier(ops: list[Op], ctx: Context) -> None:
    for op in ops:
        member = checks.an_id(op.payload.get("member_id"), "the member")
        tier = checks.text(op.payload.get("tier"), "the tier", required=False) or ""
        if tier and tier not in _published_tiers(ctx):
            raise Unapplicable(f"tier {tier[:40]!r} is in no published rule set")
        clocks = checks.clock_readings(op.payload.get("_clock"), ctx.now)
        clock = clocks.get("tier", "")
        merge_entity(ctx, "member", str(member), {"id": member, "tier": tier}, {"tier": clock} if clock else {})


def _published_tiers(ctx: Context) -> set[str]:
    if ctx.tiers is None:
        ctx.tiers = rights.Programme.published().tiers
    return ctx.tiers


# --- facts: sales, returns, ledger entries ------------------------------------------

_SALE_COLUMNS = ("id", "origin_id", "till_id", "receipt_no", "member_id", "created_at", "total", "paid_money",
                 "points_redeemed", "points_earned", "doc")


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unapplicable(f"{name} is missing")
    return value


def _rows(value: Any, name: str) -> None:
    if value is None:
        return
    if not isinstance(value, list) or len(value) > checks.MAX_LINES or not all(isinstance(v, dict) for v in value):
        raise Unapplicable(f"{name} must be a list of at most {checks.MAX_LINES} rows")


@preparer("sale")
def sale_row(op: Op, ctx: Context) -> tuple:
    """A sale's `hub_sale` row, every field checked."""
    rights.no_other_origin(ctx, op.payload)
    sale = _object(op.payload.get("sale"), "the sale")
    _rows(op.payload.get("lines"), "the sale's lines")
    _rows(op.payload.get("payments"), "the sale's payments")
    member = checks.an_id(sale.get("member_id"), "the sale's member", required=False)
    total = checks.whole(sale.get("total"), "the sale's total", 0, checks.MAX_MONEY)
    redeemed = checks.whole(sale.get("points_redeemed") or 0, "the sale's redeemed points", 0, checks.MAX_POINTS)
    earned = checks.whole(sale.get("points_earned") or 0, "the sale's earned points", 0, checks.MAX_POINTS)
    # Read back from the sale's document by the reward entries' checks (services.hub.rights): a number, bounded.
    rewarded = checks.whole(sale.get("points_rewarded") or 0, "the sale's gift points", 0, checks.MAX_POINTS)
    if (redeemed or earned or rewarded) and member is None:
        raise Unapplicable("points on a sale without a member")
    if sale.get("imported"):
        # An old system's sale stays on the till that imported it (never in its outbox):
        # one that arrives marked imported is a till's sale dressed up as history.
        raise Unapplicable("a sale marked imported: an old system's sales are never pushed")
    return (
        checks.an_id(sale.get("id"), "the sale's id"), ctx.till_key,
        rights.own_till(ctx, sale.get("till_id"), "the sale's till"),
        checks.text(sale.get("receipt_no"), "the receipt number", required=True),
        member, checks.moment(sale.get("created_at"), "the sale's time", ctx.now), total,
        checks.whole(sale.get("paid_money"), "the money paid", 0, checks.MAX_MONEY),
        redeemed, earned, op.raw or _json_text(op.payload),
    )


@handler("sale", 60)
def apply_sales(ops: list[Op], ctx: Context) -> None:
    rows = [prepared(op, ctx, sale_row) for op in ops]
    if copy_rows("hub_sale", _SALE_COLUMNS, rows, prepared_lines(ops, ctx)):
        ctx.sales_written.update((row[0], row) for row in rows)
    else:  # a sale already there: written the careful way (and what the hub has is read back)
        insert_values("hub_sale", _SALE_COLUMNS, rows, casts={
            "id": "::uuid", "origin_id": "::uuid", "till_id": "::uuid", "member_id": "::uuid",
            "created_at": "::timestamp", "doc": "::json",
        })


# What the other returns of a sale gave back: refund, value, points reversed, points restored,
# gifts' points given back.
_RETURNED_SQL = (
    "SELECT COALESCE(SUM(refund), 0), COALESCE(SUM(value), 0), "
    "COALESCE(SUM((doc->'return'->>'points_reversed')::bigint), 0), "
    "COALESCE(SUM((doc->'return'->>'points_restored')::bigint), 0), "
    "COALESCE(SUM((doc->'return'->>'points_unrewarded')::bigint), 0) FROM hub_return WHERE sale_id = %s AND id <> %s"
)


@handler("return", 70)
def apply_returns(ops: list[Op], ctx: Context) -> None:
    rows = []
    returned: dict[str, list[int]] = {}  # sale -> what its returns gave back, this batch's included
    seen: set[str] = set()
    for op in ops:
        rights.no_other_origin(ctx, op.payload)
        ret = _object(op.payload.get("return"), "the return")
        _rows(op.payload.get("lines"), "the return's lines")
        sale_id = checks.an_id(ret.get("sale_id"), "the returned sale")
        rights.own_till(ctx, ret.get("till_id"), "the return's till")
        checks.moment(ret.get("created_at"), "the return's time", ctx.now)
        refund = checks.whole(ret.get("refund"), "the refund", 0, checks.MAX_MONEY)
        value = checks.whole(ret.get("value") or 0, "the returned value", 0, checks.MAX_MONEY)
        reversed_ = checks.whole(ret.get("points_reversed") or 0, "the points reversed", 0, checks.MAX_POINTS)
        restored = checks.whole(ret.get("points_restored") or 0, "the points restored", 0, checks.MAX_POINTS)
        unrewarded = checks.whole(ret.get("points_unrewarded") or 0, "the gifts' points back", 0, checks.MAX_POINTS)
        return_id = checks.an_id(ret.get("id"), "the return's id")
        sale = hub_db.execute_sql(
            "SELECT origin_id::text, paid_money, total, points_earned, points_redeemed, "
            "COALESCE((doc->'sale'->>'points_rewarded')::bigint, 0) FROM hub_sale WHERE id = %s",
            (sale_id,),
        ).fetchone()
        if sale is None:
            raise Unapplicable("a return of a sale the hub does not have")
        if sale[0] != ctx.till_key:
            raise Unapplicable("a return of another till's sale")
        # Every return of the sale together, this one included: a sale is given back once at most.
        if sale_id not in returned:
            returned[sale_id] = [int(v) for v in hub_db.execute_sql(_RETURNED_SQL, (sale_id, return_id)).fetchone()]
        if return_id in seen:
            continue  # the same return twice in one push
        before = returned[sale_id]
        after = [before[0] + refund, before[1] + value, before[2] + reversed_, before[3] + restored,
                 before[4] + unrewarded]
        if (after[0] > sale[1] or after[1] > sale[2] or after[2] > sale[3] or after[3] > sale[4]
                or after[4] > sale[5]):
            raise Unapplicable(
                f"the sale's returns would give back more than it had: refund {after[0]} of {sale[1]} paid, "
                f"value {after[1]} of {sale[2]}, points reversed {after[2]} of {sale[3]} earned, "
                f"restored {after[3]} of {sale[4]} redeemed, gifts' points {after[4]} of {sale[5]}")
        returned[sale_id] = after
        seen.add(return_id)
        rows.append({
            "id": uuid.UUID(return_id), "origin": ctx.till.id,
            "sale_id": uuid.UUID(sale_id), "refund": refund, "value": value, "doc": op.payload,
        })
    HubReturn.insert_many(rows).on_conflict_ignore().execute()


_NOT_STORED = ("_clock", "_authority")  # what travels beside an entry, never part of it
_LEDGER_COLUMNS = ("id", "member_id", "kind", "delta", "sale_id", "return_id", "till_id", "staff_id", "note", "created_at")
_LEDGER_UUIDS = ("id", "member_id", "sale_id", "return_id", "till_id", "staff_id")


@preparer("ledger_entry")
def ledger_row(op: Op, ctx: Context) -> dict[str, Any]:
    return rights.ledger_entry(ctx, op.payload)


def _ledger_values(e: dict[str, Any], ctx: Context) -> tuple:
    """An entry's `hub_ledger` row: its columns, the till's, and when it was received."""
    return tuple(e[c] for c in _LEDGER_COLUMNS) + (ctx.till_key, ctx.now_text)


# How a kind's prepared row goes to COPY (the sale's row is its `hub_sale` row as it is).
COPIED: dict[str, Callable[[Any, Context], tuple]] = {"sale": lambda row, ctx: row, "ledger_entry": _ledger_values}


@handler("ledger_entry", 80)
def apply_ledger(ops: list[Op], ctx: Context) -> None:
    """Each entry checked for shape, then against what the hub knows of its sale or
    return (services.hub.rights); entries already at the hub are left as they are."""
    entries = [(op, prepared(op, ctx, ledger_row)) for op in ops]
    ids = [e["id"] for _, e in entries]
    known = {row[0] for row in hub_db.execute_sql(
        "SELECT id::text FROM hub_ledger WHERE id = ANY(%s::uuid[])", (ids,))} if ids else set()
    fresh = [(op, e) for op, e in entries if e["id"] not in known]
    facts = rights.LedgerFacts([e for _, e in fresh], ctx.sales_written)
    seen: set[str] = set()
    rows = []
    taken: list[Op] = []
    docs: dict[str, dict[str, Any]] = {}
    raw_docs: dict[str, str] = {}
    for op, e in fresh:
        if e["id"] in seen:
            continue  # the same entry twice in one push
        rights.supported(ctx, e, facts, op.payload)
        facts.note(e)
        seen.add(e["id"])
        rows.append(e)
        taken.append(op)
        docs[e["id"]] = op.payload
        if op.raw is not None and "_clock" not in op.payload and "_authority" not in op.payload:
            raw_docs[e["id"]] = op.raw  # the till's own JSON text goes to the change log as it came
    columns = _LEDGER_COLUMNS + ("origin_id", "received_at")
    lines = prepared_lines(taken, ctx)
    values = [_ledger_values(r, ctx) for r in rows] if lines is None else []  # made again only if needed
    checked = {r["id"]: r for r in rows}
    if not rows or copy_rows("hub_ledger", columns, values, lines):
        written = list(checked)
    else:  # an entry that arrived meanwhile (another push of the same entry): written the careful way
        casts = {c: "::uuid" for c in _LEDGER_UUIDS + ("origin_id",)}
        casts["created_at"] = casts["received_at"] = "::timestamp"
        values = values or [_ledger_values(r, ctx) for r in rows]
        written = [r[0] for r in insert_values("hub_ledger", columns, values, returning="id::text", casts=casts)]
    for entry_id in written:
        e = checked[entry_id]
        # An import's signature (`_authority`) was checked, it is not kept: other tills get the entry alone.
        ctx.changed("ledger_entry", entry_id,
                    raw_docs.get(entry_id) or {k: v for k, v in docs[entry_id].items() if k not in _NOT_STORED})
        ctx.members.add(e["member_id"])
        if e["kind"] in ("redeem", "reward") and e["sale_id"] and e["delta"] < 0:
            ctx.redeemed_sales.add(e["sale_id"])


# A lone surrogate, as a character or as a JSON escape (a pair's escapes match too: checked in full then).
_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89a-fA-F]")


def _no_surrogate(text: str) -> bool:
    """`not _SURROGATE.search(text)`, at a tenth of its cost on a till's payload (the
    regex alone was an eighth of the hub's time on a push): a JSON escape needs a
    backslash-u, and a surrogate character is exactly what strict UTF-8 refuses."""
    if "\\u" in text:
        return not _SURROGATE.search(text)
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encodable(text: str | None, payload: dict[str, Any]) -> bool:
    """False when the payload holds text UTF-8 cannot carry: PostgreSQL's driver
    would refuse it with an error no handler expects, failing the whole push."""
    if text is not None and _no_surrogate(text):
        return True
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError):
        return False
    return True


def _text_of(payload: Any) -> str:
    try:
        return json.dumps(payload)[:2000]
    except (RecursionError, ValueError):
        return ""


def _loads(text: str) -> Any:
    """json.loads(text), at less than half its cost: pydantic-core's reader gives
    what json gives for everything it takes (whole numbers of any size, NaN,
    a double's overflow as infinity); what it refuses (a lone surrogate, more
    than 200 levels, a number it cannot hold, bad JSON) is read by json itself,
    which then decides as it always did.  Half of the hub's reading of a push
    was this call."""
    try:
        return from_json(text)
    except (ValueError, TypeError):  # TypeError: a surrogate character, which UTF-8 cannot carry to it
        return json.loads(text)


def parse_ops(raw: list[dict[str, Any]]) -> list[Op]:
    """Ops as JSON gives them; a payload may arrive as text (the outbox's own form).
    A payload that is not a JSON object is kept, refused: it goes to quarantine
    and its seq is consumed, so it blocks nothing."""
    out = []
    for item in raw:
        payload = item["payload"]
        text = payload if isinstance(payload, str) else None
        refused = None
        if text is not None:
            try:
                payload = _loads(text)
            except ValueError:
                payload, refused = {}, "the payload is not JSON"
            except RecursionError:
                payload, refused, text = {}, "the payload is nested too deep", text[:2000]
        if not isinstance(payload, dict):
            payload, refused = {}, "the payload is not a JSON object"
            text = text if text is not None else _text_of(item["payload"])
        elif not refused and not _encodable(text, payload):
            payload, refused, text = {}, "the payload holds text that is not valid UTF-8 (a lone surrogate)", ""
        kind = str(item["kind"])
        if "\x00" in kind or not checks.valid_unicode(kind):  # PostgreSQL's text holds neither
            kind = kind.encode("utf-8", "backslashreplace").decode("ascii", "replace").replace("\x00", "\\x00")
            refused = refused or "the kind is not valid text"
        op_id = item["op_id"]
        out.append(Op(op_id if isinstance(op_id, uuid.UUID) else uuid.UUID(str(op_id)), int(item.get("seq") or 0),
                      kind, payload, text, refused))
    return out


# --- the programme's records (issue 4): coupons, bonuses, referrals, pending points --------
#
# Records of the loyalty programme that a chain must share: a next-visit coupon
# printed at one till is good at another, a coupon's uses and a birthday or
# welcome bonus count across the chain, a referral is paid wherever the new
# member first buys.  They are kept as documents (`entity`), keyed by their
# till-born id, and only ever grow: a field once set (a coupon used, a
# referral rewarded, pending points released) is never unset, and a count
# (points reversed) only rises, so any order of arrival ends in the same state.
# Pending points and a sale's loyalty row matter only to the till that made
# the sale (returns happen there): the hub keeps them, the others do not pull them.

SHARED_RECORDS = {"issued_coupon", "coupon_redemption", "event_bonus", "referral"}
_RISING = {"reversed"}


def grow(doc: dict[str, Any], incoming: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Merge a record that only grows: set fields stay set, counts only rise."""
    out, changed = dict(doc), False
    for key, value in incoming.items():
        if key in _RISING:
            if isinstance(value, int) and value > int(out.get(key) or 0):
                out[key], changed = value, True
        elif out.get(key) is None and value is not None:
            out[key], changed = value, True
    return out, changed


def _record_handler(kind: str, key: str) -> Handler:
    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            doc = {k: v for k, v in op.payload.items() if k != "_clock"}
            if not doc.get(key):
                raise Unapplicable(f"{kind} without {key}")
            checks.flat_document(doc, kind)
            entity_id = str(checks.an_id(doc[key], f"the {kind}'s {key}"))
            inserted = list(
                Entity.insert(kind=kind, entity_id=entity_id, doc=doc, clocks={})
                .on_conflict_ignore().returning(Entity.kind).tuples().execute()
            )
            if not inserted:
                row = Entity.select().where((Entity.kind == kind) & (Entity.entity_id == entity_id)).for_update().get()
                doc, changed = grow(row.doc, doc)
                if not changed:
                    continue
                Entity.update(doc=doc, updated_at=utcnow()).where(
                    (Entity.kind == kind) & (Entity.entity_id == entity_id)).execute()
            if kind in SHARED_RECORDS:
                ctx.changed(kind, entity_id, doc)
    return apply


for _kind, _order, _key in (
    ("referral", 45, "id"), ("sale_loyalty", 65, "sale_id"), ("issued_coupon", 66, "id"),
    ("coupon_redemption", 67, "id"), ("pending_points", 68, "id"), ("event_bonus", 85, "id"),
):
    handler(_kind, _order)(_record_handler(_kind, _key))


# --- the audit log -----------------------------------------------------------------------

_AUDIT_COLUMNS = ("id", "origin_id", "created_at", "received_at", "action", "staff_id", "staff_name", "target", "details")
_AUDIT_ACTION = re.compile(r"[a-z][a-z_]{0,39}")
AUDIT_TEXT_MAX = 400  # a name, a receipt number, a card: never longer
AUDIT_DETAILS_MAX = 4000  # the details as JSON text


def _audit_row(op: Op, ctx: Context) -> tuple:
    """One entry checked like every fact (services.hub.checks): shape, sizes, no future clock."""
    entry = op.payload
    action = checks.text(entry.get("action"), "the audit entry's action", 40, required=True)
    if not _AUDIT_ACTION.fullmatch(action or ""):
        raise Unapplicable("audit entry with a malformed action")
    texts = [checks.text(entry.get(name), f"the audit entry's {name}", AUDIT_TEXT_MAX) or ""
             for name in ("staff_name", "target")]
    details = entry.get("details") or "{}"
    try:
        parsed = json.loads(details) if isinstance(details, str) else details
    except ValueError:
        raise Unapplicable("audit entry with malformed details") from None
    if not isinstance(parsed, dict) or len(_json_text(parsed)) > AUDIT_DETAILS_MAX:
        raise Unapplicable("audit entry with malformed details")
    created = checks.moment(entry.get("created_at"), "the audit entry's time", ctx.now)
    return (checks.an_id(entry.get("id"), "the audit entry's id"), ctx.till_key, created, ctx.now.isoformat(),
            action, checks.an_id(entry.get("staff_id"), "the audit entry's staff", required=False),
            texts[0], texts[1], _json_text(parsed))


@handler("audit", 90)
def apply_audit(ops: list[Op], ctx: Context) -> None:
    """Append each entry once (its till-born id); the till is the token's, not the entry's."""
    insert_values("hub_audit", _AUDIT_COLUMNS, [_audit_row(op, ctx) for op in ops], casts={
        "id": "::uuid", "origin_id": "::uuid", "created_at": "::timestamp", "received_at": "::timestamp",
        "staff_id": "::uuid", "details": "::jsonb",
    })
