"""Applying what a till pushed: each operation once, in the till's order.

Exactly once rests on the database, not on code that checks first:
`applied_op.op_id` is the primary key (a re-sent operation conflicts and is
answered "duplicate"), and the facts keep the UUIDs born on the till as their
primary keys (`INSERT ... ON CONFLICT DO NOTHING`).  A push takes the till's
row `FOR UPDATE`, so two copies of the same batch arriving at once are
applied one after the other, the second finding everything done.

Order: each till's operations are applied in `seq` order with no gaps
(`hub_till.last_seq`).  An operation past a gap is not applied and answered
"gap" with the expected seq, so the till sends again from there; a batch
that arrives before the one it follows changes nothing.

An operation that cannot be applied (unknown kind, a malformed row) goes to
`quarantine` and its seq counts as consumed: it never blocks the rest.  Sales
are facts: the sale handler stores what it is given and refuses nothing.

A new kind is added by registering a handler with `@handler(kind, order)`;
`order` says which kinds go first inside one batch (members before cards
before the ledger that refers to them).
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import peewee
import psycopg2

from models.hub import (
    AppliedOp, Entity, HubReturn, HubTill, Quarantine, hub_db, utcnow,
)
from services.core import hlc
from services.hub import governance, holds

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


@dataclass
class Context:
    till: HubTill
    changes: list[dict[str, Any]] = field(default_factory=list)
    members: set[str] = field(default_factory=set)  # whose ledger moved
    redeemed_sales: set[str] = field(default_factory=set)

    def changed(self, kind: str, entity_id: str, doc: dict[str, Any], clocks: dict[str, str] | None = None) -> None:
        self.changes.append({"kind": kind, "entity_id": entity_id, "origin": self.till.id, "doc": doc, "clocks": clocks})


Handler = Callable[[list[Op], Context], None]
HANDLERS: dict[str, tuple[int, Handler]] = {}


def handler(kind: str, order: int) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = (order, fn)
        return fn
    return register


class Unapplicable(Exception):
    """This operation cannot be applied as it is; it goes to quarantine."""


# What a malformed operation can raise while being applied (psycopg2's own
# errors come from the bulk inserts, which bypass peewee's wrapping).
CANNOT_APPLY = (Unapplicable, peewee.DatabaseError, psycopg2.Error, KeyError, ValueError, TypeError, AttributeError)


# --- bulk SQL on the hot path ----------------------------------------------------

def insert_values(table: str, columns: tuple[str, ...], rows: list[tuple], *, returning: str | None = None,
                  conflict: str = "ON CONFLICT DO NOTHING", casts: dict[str, str] | None = None) -> list[tuple]:
    """Multi-row INSERT through psycopg2's execute_values.  Building the same
    statement through peewee's query objects cost more than the database's
    own work (half a second per 4,000 ops), so the bulk writes of a push are
    written once here; values are plain Python (UUIDs as text, JSON as text)."""
    from psycopg2.extras import execute_values

    if not rows:
        return []
    casts = casts or {}
    template = "(" + ", ".join(f"%s{casts.get(c, '')}" for c in columns) + ")"
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES %s {conflict}'
    if returning:
        sql += f" RETURNING {returning}"
    cursor = hub_db.cursor()
    return execute_values(cursor, sql, rows, template=template, page_size=1000, fetch=bool(returning)) or []


# --- the batch -----------------------------------------------------------------

def apply_batch(till_id: uuid.UUID, ops: list[Op]) -> dict[str, Any]:
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
            now = utcnow()
            inserted = {
                uuid.UUID(r[0]) for r in insert_values(
                    "applied_op", ("op_id", "till_id", "seq", "kind", "status", "applied_at"),
                    [(str(op.op_id), str(till.id), op.seq, op.kind, "applied", now) for op in fresh],
                    returning="op_id::text", casts={"op_id": "::uuid", "till_id": "::uuid"},
                )
            }
            todo = []
            for op in fresh:
                if op.op_id in inserted:
                    todo.append(op)
                else:  # the same op under another seq: already applied once
                    status[op.op_id] = "duplicate"
            ctx = Context(till)
            _apply(todo, ctx, status)
            _after(ctx)
            last = fresh[-1].seq
            HubTill.update(last_seq=last, last_push_at=utcnow()).where(HubTill.id == till.id).execute()
            append_changes(ctx.changes)
        if gap:
            log.warning("till %s: sequence gap, expected %s got %s", till.name, gap["expected"], gap["got"])
    results = [{"op_id": str(op.op_id), "status": status[op.op_id]} for op in ops]
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return {
        "results": results,
        "last_seq": expected - 1,
        "gap": gap,
        "counts": counts,
    }


def apply_snapshot(till_id: uuid.UUID, ops: list[Op]) -> int:
    """Master data and ledger a till already had when it was enrolled.  Not
    tracked as operations: every handler it uses is idempotent by entity id."""
    with hub_db.atomic():
        till = HubTill.get_by_id(till_id)
        ctx = Context(till)
        status: dict[uuid.UUID, str] = {}
        _apply(ops, ctx, status, tracked=False)
        _after(ctx)
        append_changes(ctx.changes)
    return sum(1 for s in status.values() if s == "applied")


def _apply(ops: list[Op], ctx: Context, status: dict[uuid.UUID, str], tracked: bool = True) -> None:
    groups: dict[str, list[Op]] = {}
    for op in ops:
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
                _quarantine(ctx.till, op, f"{type(exc).__name__}: {exc}", tracked)
                status[op.op_id] = "quarantined"


def _quarantine(till: HubTill, op: Op, error: str, tracked: bool = True) -> None:
    log.warning("quarantined %s op %s from till %s: %s", op.kind, op.op_id, till.name, error)
    Quarantine.insert(
        till=till.id, op_id=op.op_id, seq=op.seq, kind=op.kind, payload=op.payload, error=error[:2000]
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
    insert_values(
        "change", ("kind", "entity_id", "origin_id", "doc", "clocks"),
        [(c["kind"], c["entity_id"], str(c["origin"]) if c["origin"] else None, _json_text(c["doc"]),
          json.dumps(c["clocks"]) if c["clocks"] is not None else None) for c in changes],
        conflict="", casts={"origin_id": "::uuid", "doc": "::json", "clocks": "::json"},
    )


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


def _split(payload: dict[str, Any], drop: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    doc = {k: v for k, v in payload.items() if k != "_clock" and k not in drop}
    clocks = payload.get("_clock") or {}
    if not isinstance(clocks, dict):
        raise Unapplicable("_clock must be an object")
    return doc, clocks


def _entity_handler(kind: str, key: str = "id", drop: tuple[str, ...] = ()) -> Handler:
    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            doc, clocks = _split(op.payload, drop)
            if not doc.get(key):
                raise Unapplicable(f"{kind} without {key}")
            merge_entity(ctx, kind, str(doc[key]), doc, clocks)
    return apply


def _governed_handler(kind: str, key: str = "id") -> Handler:
    """Staff, rule sets and settings: applied only with a trusted owner's
    signature (services.hub.governance), every field at the signing time."""
    def apply(ops: list[Op], ctx: Context) -> None:
        for op in ops:
            doc, _ = _split(op.payload, drop=("_authority",))
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
                governance.after_staff(doc, proof, before.doc if before else None)
    return apply


# Staff first: a staff document may introduce the owner key that signed the rest.
for _kind, _order, _key in (("staff", 8, "id"), ("setting", 10, "key"), ("rule_set", 26, "id")):
    handler(_kind, _order)(_governed_handler(_kind, _key))
for _kind, _order, _key in (("category", 20, "id"), ("product", 22, "id")):
    handler(_kind, _order)(_entity_handler(_kind, _key))
# The balance is never taken from a till: it follows from the ledger.
handler("member", 40)(_entity_handler("member", drop=("balance",)))
handler("card", 50)(_entity_handler("card"))


@handler("member_tier", 42)
def apply_member_tier(ops: list[Op], ctx: Context) -> None:
    for op in ops:
        member = str(uuid.UUID(op.payload["member_id"]))
        clock = (op.payload.get("_clock") or {}).get("tier", "")
        merge_entity(ctx, "member", member, {"id": member, "tier": op.payload["tier"]}, {"tier": clock} if clock else {})


# --- facts: sales, returns, ledger entries ------------------------------------------

_SALE_COLUMNS = ("id", "origin_id", "till_id", "receipt_no", "member_id", "created_at", "total", "paid_money",
                 "points_redeemed", "points_earned", "doc")


@handler("sale", 60)
def apply_sales(ops: list[Op], ctx: Context) -> None:
    rows = []
    for op in ops:
        sale = op.payload["sale"]
        rows.append((
            str(uuid.UUID(sale["id"])), str(ctx.till.id), _uuid_or_none(sale.get("till_id")), str(sale["receipt_no"]),
            _uuid_or_none(sale.get("member_id")), sale["created_at"], int(sale["total"]), int(sale["paid_money"]),
            int(sale.get("points_redeemed") or 0), int(sale.get("points_earned") or 0), op.raw or _json_text(op.payload),
        ))
    insert_values("hub_sale", _SALE_COLUMNS, rows, casts={
        "id": "::uuid", "origin_id": "::uuid", "till_id": "::uuid", "member_id": "::uuid", "created_at": "::timestamp",
        "doc": "::json",
    })


def _uuid_or_none(value: Any) -> str | None:
    return str(uuid.UUID(str(value))) if value else None


@handler("return", 70)
def apply_returns(ops: list[Op], ctx: Context) -> None:
    rows = []
    for op in ops:
        ret = op.payload["return"]
        rows.append({
            "id": uuid.UUID(ret["id"]), "origin": ctx.till.id, "sale_id": uuid.UUID(ret["sale_id"]),
            "refund": int(ret["refund"]), "value": int(ret.get("value") or 0), "doc": op.payload,
        })
    HubReturn.insert_many(rows).on_conflict_ignore().execute()


_LEDGER_COLUMNS = ("id", "member_id", "kind", "delta", "sale_id", "return_id", "till_id", "staff_id", "note", "created_at")
_LEDGER_UUIDS = ("id", "member_id", "sale_id", "return_id", "till_id", "staff_id")


@handler("ledger_entry", 80)
def apply_ledger(ops: list[Op], ctx: Context) -> None:
    rows = []
    docs: dict[str, dict[str, Any]] = {}
    raw_docs: dict[str, str] = {}
    for op in ops:
        p = op.payload
        if not isinstance(p.get("kind"), str) or not p["kind"]:
            raise Unapplicable("a ledger entry needs a kind")
        if isinstance(p.get("delta"), bool) or not isinstance(p.get("delta"), int):
            raise Unapplicable("a ledger entry's delta is a whole number of points")
        row = {name: p.get(name) for name in _LEDGER_COLUMNS}
        row["id"] = uuid.UUID(p["id"])
        row["member_id"] = uuid.UUID(p["member_id"])
        row["note"] = row["note"] or ""
        rows.append(row)
        docs[str(row["id"])] = p
        if op.raw is not None and "_clock" not in p:
            raw_docs[str(row["id"])] = op.raw  # the till's own JSON text goes to the change log as it came
    columns = _LEDGER_COLUMNS + ("origin_id", "received_at")
    now = utcnow()
    values = [
        tuple(str(r[c]) if c in _LEDGER_UUIDS and r[c] is not None else r[c] for c in _LEDGER_COLUMNS) + (str(ctx.till.id), now)
        for r in rows
    ]
    casts = {c: "::uuid" for c in _LEDGER_UUIDS + ("origin_id",)}
    casts["created_at"] = "::timestamp"
    for (entry_id,) in insert_values("hub_ledger", columns, values, returning="id::text", casts=casts):
        doc = docs[entry_id]
        ctx.changed("ledger_entry", entry_id, raw_docs.get(entry_id) or {k: v for k, v in doc.items() if k != "_clock"})
        ctx.members.add(str(uuid.UUID(str(doc["member_id"]))))
        if doc.get("kind") == "redeem" and doc.get("sale_id"):
            ctx.redeemed_sales.add(str(doc["sale_id"]))


def parse_ops(raw: list[dict[str, Any]]) -> list[Op]:
    """Ops as JSON gives them; a payload may arrive as text (the outbox's own form)."""
    out = []
    for item in raw:
        payload = item["payload"]
        raw = None
        if isinstance(payload, str):
            raw = payload
            payload = json.loads(payload)
            if not isinstance(payload, dict):
                raise ValueError("a payload is a JSON object")
        out.append(Op(uuid.UUID(str(item["op_id"])), int(item.get("seq") or 0), str(item["kind"]), payload, raw))
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
            entity_id = str(uuid.UUID(str(doc[key])))
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
