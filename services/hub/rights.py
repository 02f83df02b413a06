"""What one till may do at the hub: facts only in its own name, ledger entries
only as its own sales and returns support them.

The till is its token's (`Context.till`), always.  A till id in a body is
either that till's own (the hub's id, or the till's own id on its receipts
when it joined with a shop of its own: the first one it sends is bound to
its token) or the operation is refused.  A ledger entry is tied to what
makes it true:

- earn and release: a sale of this till with that member; together no more
  than the sale's `points_earned`;
- redeem: a sale of this till with that member, exactly `-points_redeemed`, once;
- reverse and restore: a return of this till (of its own sale), within the
  return's own `points_reversed` (plus the bonuses the sale gave, which go
  back when the whole sale does) and `points_restored`;
- welcome, birthday, referral: no more than the largest such bonus of any
  rule set the chain has, on a sale of this till when they name one, a
  welcome once per member;
- adjust and transfer: a manager's or owner's name and a reason, within MAX_ADJUST;
- expire: no more than the member ever received.

During a till's seed (its first sync, before it has pushed anything) its
history arrives without the sales it refers to, which it made before it knew
the hub: then only kinds, bounds, clocks and the till's name are checked.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any, Protocol

from models.hub import Entity, HubTill, hub_db
from services.hub import checks
from services.hub.checks import Unapplicable


class TillContext(Protocol):
    till: HubTill
    seeding: bool


def own_till(ctx: TillContext, value: Any, name: str) -> str | None:
    """`value` as this till's id, or refused: a body never names another till."""
    wanted = checks.an_id(value, name, required=False)
    if wanted is None:
        return None
    till = ctx.till
    if wanted == str(till.id) or (till.local_till_id is not None and wanted == str(till.local_till_id)):
        return wanted
    other = (HubTill.select(HubTill.name)
             .where((HubTill.id == wanted) | (HubTill.local_till_id == wanted)).first())
    if other is not None:
        raise Unapplicable(f"{name} names another till ({other.name})")
    if till.local_till_id is None:
        HubTill.update(local_till_id=wanted).where(HubTill.id == till.id).execute()
        till.local_till_id = uuid.UUID(wanted)
        return wanted
    raise Unapplicable(f"{name} {wanted} is not this till")


def no_other_origin(ctx: TillContext, payload: dict[str, Any]) -> None:
    for key in ("origin", "origin_id"):
        if key in payload and payload[key] is not None:
            own_till(ctx, payload[key], "the origin")


# --- ledger entries -----------------------------------------------------------------------


class LedgerFacts:
    """What the hub already knows about the sales, returns and members a batch of entries names."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        sale_ids = {e["sale_id"] for e in entries if e["sale_id"]}
        return_ids = {e["return_id"] for e in entries if e["return_id"]}
        self.sales: dict[str, tuple[str, str | None, int, int]] = {}
        self.returns: dict[str, tuple[str, str, int, int]] = {}
        # (sale or return id, kind) -> (sum of deltas, count), running through the batch
        self.moved: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.bonuses: dict[str, dict[str, int]] = defaultdict(dict)  # sale -> member -> points
        if return_ids:
            for rid, origin, sale_id, reversed_, restored in hub_db.execute_sql(
                "SELECT id::text, origin_id::text, sale_id::text, "
                "COALESCE((doc->'return'->>'points_reversed')::bigint, 0), "
                "COALESCE((doc->'return'->>'points_restored')::bigint, 0) FROM hub_return WHERE id = ANY(%s::uuid[])",
                (list(return_ids),),
            ):
                self.returns[rid] = (origin, sale_id, int(reversed_), int(restored))
                sale_ids.add(sale_id)
        if sale_ids:
            for sid, origin, member, earned, redeemed in hub_db.execute_sql(
                "SELECT id::text, origin_id::text, member_id::text, points_earned, points_redeemed "
                "FROM hub_sale WHERE id = ANY(%s::uuid[])", (list(sale_ids),),
            ):
                self.sales[sid] = (origin, member, int(earned), int(redeemed))
            for sid, kind, member, total, count in hub_db.execute_sql(
                "SELECT sale_id::text, kind, member_id::text, SUM(delta), COUNT(*) FROM hub_ledger "
                "WHERE sale_id = ANY(%s::uuid[]) GROUP BY sale_id, kind, member_id", (list(sale_ids),),
            ):
                self.moved[(sid, kind)][0] += int(total)
                self.moved[(sid, kind)][1] += int(count)
                if kind in checks.BONUS_KINDS:
                    self.bonuses[sid][member] = self.bonuses[sid].get(member, 0) + int(total)
        if self.returns:
            # A return's entries always name its sale too: found by the sale's index.
            for rid, kind, total, count in hub_db.execute_sql(
                "SELECT return_id::text, kind, SUM(delta), COUNT(*) FROM hub_ledger "
                "WHERE sale_id = ANY(%s::uuid[]) AND return_id = ANY(%s::uuid[]) GROUP BY return_id, kind",
                (list({r[1] for r in self.returns.values()}), list(self.returns)),
            ):
                self.moved[(rid, kind)] = [int(total), int(count)]
        self._bonus_caps: dict[str, int] | None = None
        self._received: dict[str, int] = {}
        self.welcomed: set[str] = set()  # members given a welcome bonus earlier in this batch

    def bonus_cap(self, kind: str) -> int:
        """The largest bonus of this kind any rule set of the chain gives."""
        if self._bonus_caps is None:
            caps: dict[str, int] = defaultdict(int)
            for (doc,) in Entity.select(Entity.doc).where(Entity.kind == "rule_set").tuples():
                try:
                    body = json.loads(doc.get("body") or "{}") if isinstance(doc, dict) else {}
                except (TypeError, ValueError):
                    continue
                if not isinstance(body, dict):
                    continue
                for name in ("welcome_points", "birthday_points", "referral_points", "referral_new_points"):
                    value = body.get(name)
                    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= checks.MAX_POINTS:
                        bonus = "referral" if name.startswith("referral") else name.split("_")[0]
                        caps[bonus] = max(caps[bonus], value)
            self._bonus_caps = dict(caps)
        return self._bonus_caps.get(kind, 0)

    def received(self, member_id: str) -> int:
        """What a member ever received (positive entries), less what already expired."""
        if member_id not in self._received:
            row = hub_db.execute_sql(
                "SELECT COALESCE(SUM(delta) FILTER (WHERE delta > 0), 0), "
                "COALESCE(SUM(delta) FILTER (WHERE kind = 'expire'), 0) FROM hub_ledger WHERE member_id = %s",
                (member_id,),
            ).fetchone()
            self._received[member_id] = int(row[0]) + int(row[1])
        return self._received[member_id]

    def note(self, entry: dict[str, Any]) -> None:
        """An entry accepted: later entries of the batch count it."""
        for ref in (entry["sale_id"], entry["return_id"]):
            if ref:
                self.moved[(ref, entry["kind"])][0] += entry["delta"]
                self.moved[(ref, entry["kind"])][1] += 1
        if entry["kind"] in checks.BONUS_KINDS and entry["sale_id"]:
            bonus = self.bonuses[entry["sale_id"]]
            bonus[entry["member_id"]] = bonus.get(entry["member_id"], 0) + entry["delta"]
        if entry["kind"] == "welcome":
            self.welcomed.add(entry["member_id"])
        if entry["member_id"] in self._received:
            if entry["delta"] > 0 or entry["kind"] == "expire":
                self._received[entry["member_id"]] += entry["delta"]


def ledger_entry(ctx: TillContext, p: dict[str, Any]) -> dict[str, Any]:
    """A ledger entry's columns, checked for shape and bounds (not yet against the sales)."""
    kind = p.get("kind")
    if kind not in checks.LEDGER_KINDS:
        raise Unapplicable(f"unknown ledger kind {str(kind)[:40]!r}")
    no_other_origin(ctx, p)
    return {
        "id": checks.an_id(p.get("id"), "the entry's id"),
        "member_id": checks.an_id(p.get("member_id"), "the entry's member"),
        "kind": kind,
        "delta": checks.whole(p.get("delta"), "the entry's points", -checks.MAX_POINTS, checks.MAX_POINTS),
        "sale_id": checks.an_id(p.get("sale_id"), "the entry's sale", required=False),
        "return_id": checks.an_id(p.get("return_id"), "the entry's return", required=False),
        "till_id": own_till(ctx, p.get("till_id"), "the entry's till"),
        "staff_id": checks.an_id(p.get("staff_id"), "the entry's staff member", required=False),
        "note": checks.text(p.get("note") or "", "the entry's note", checks.MAX_NOTE),
        "created_at": checks.moment(p.get("created_at"), "the entry's time", ctx.now),  # type: ignore[attr-defined]
    }


def supported(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts) -> None:
    """Refuse an entry its sale's or return's own record does not support."""
    kind, delta = e["kind"], e["delta"]
    if kind in ("adjust", "transfer"):
        _adjustment(e)
        return
    if ctx.seeding:
        _sign(e, negative=kind in ("redeem", "reverse", "expire"))
        _within_seed_cap(e, facts)
        return
    if kind in ("earn", "release"):
        sale = _own_sale(ctx, e, facts)
        _sign(e, negative=False)
        given = facts.moved[(e["sale_id"], "earn")][0] + facts.moved[(e["sale_id"], "release")][0]
        if given + delta > sale[2]:
            raise Unapplicable(f"{kind} of {delta} points: the sale earned {sale[2]}, {given} already given")
    elif kind == "redeem":
        sale = _own_sale(ctx, e, facts)
        if delta != -sale[3]:
            raise Unapplicable(f"redeem of {delta} points: the sale redeemed {sale[3]}")
        if facts.moved[(e["sale_id"], "redeem")][1]:
            raise Unapplicable("the sale's points were already redeemed")
    elif kind in ("reverse", "restore"):
        _returned(ctx, e, facts)
    elif kind in checks.BONUS_KINDS:
        _sign(e, negative=False)
        cap = facts.bonus_cap(kind)
        if delta > cap:
            raise Unapplicable(f"a {kind} bonus of {delta} points: no rule set gives more than {cap}")
        if e["sale_id"]:
            _own_sale(ctx, e, facts, any_member=True)
        elif kind != "welcome":
            raise Unapplicable(f"a {kind} bonus names no sale")
        if kind == "welcome" and (e["member_id"] in facts.welcomed or _has_welcome(e)):
            raise Unapplicable("the member already had a welcome bonus")
    elif kind == "expire":
        _sign(e, negative=True)
        if -delta > facts.received(e["member_id"]):
            raise Unapplicable(f"expiry of {-delta} points: the member never received that many")


# A member's balance a seed may bring, all its entries together: beyond any real
# shop's member (a million points), far below what a forged seed wanted (1e9 a time).
SEED_MEMBER_CAP = 1_000_000


def _within_seed_cap(e: dict[str, Any], facts: LedgerFacts) -> None:
    balances: dict[str, int] = facts.__dict__.setdefault("seed_balances", {})
    member = e["member_id"]
    if member not in balances:
        row = hub_db.execute_sql("SELECT COALESCE(SUM(delta), 0) FROM hub_ledger WHERE member_id = %s",
                                 (member,)).fetchone()
        balances[member] = int(row[0])
    after = balances[member] + e["delta"]
    if after > SEED_MEMBER_CAP:
        raise Unapplicable(f"a seed that brings a member {after} points: a seed brings at most {SEED_MEMBER_CAP}")
    balances[member] = after


def _sign(e: dict[str, Any], *, negative: bool) -> None:
    if (e["delta"] < 0) != negative or e["delta"] == 0:
        raise Unapplicable(f"a {e['kind']} entry of {e['delta']} points")


def _adjustment(e: dict[str, Any]) -> None:
    if abs(e["delta"]) > checks.MAX_ADJUST:
        raise Unapplicable(f"an adjustment of {e['delta']} points is beyond {checks.MAX_ADJUST}")
    if not e["note"].strip():
        raise Unapplicable("an adjustment without a reason")
    if not e["staff_id"]:
        raise Unapplicable("an adjustment without the staff member who authorised it")
    staff = Entity.get_or_none((Entity.kind == "staff") & (Entity.entity_id == e["staff_id"]))
    if staff is None or not isinstance(staff.doc, dict) or staff.doc.get("role") not in ("manager", "owner"):
        raise Unapplicable("an adjustment authorised by no manager or owner the hub knows")


def _own_sale(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts,
              any_member: bool = False) -> tuple[str, str | None, int, int]:
    if not e["sale_id"]:
        raise Unapplicable(f"a {e['kind']} entry names no sale")
    sale = facts.sales.get(e["sale_id"])
    if sale is None:
        raise Unapplicable(f"a {e['kind']} entry for a sale the hub does not have")
    if sale[0] != str(ctx.till.id):
        raise Unapplicable(f"a {e['kind']} entry for another till's sale")
    if not any_member and sale[1] != e["member_id"]:
        raise Unapplicable(f"a {e['kind']} entry for a member who is not the sale's")
    return sale


def _returned(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts) -> None:
    kind, delta = e["kind"], e["delta"]
    _sign(e, negative=kind == "reverse")
    if not e["return_id"]:
        raise Unapplicable(f"a {kind} entry names no return")
    ret = facts.returns.get(e["return_id"])
    if ret is None:
        raise Unapplicable(f"a {kind} entry for a return the hub does not have")
    origin, sale_id, reversed_, restored = ret
    if origin != str(ctx.till.id):
        raise Unapplicable(f"a {kind} entry for another till's return")
    if e["sale_id"] != sale_id:
        raise Unapplicable(f"a {kind} entry whose sale is not its return's")
    sale = facts.sales.get(sale_id)
    bonuses = facts.bonuses.get(sale_id, {})
    members = {sale[1] if sale else None} | set(bonuses)
    if e["member_id"] not in members:
        raise Unapplicable(f"a {kind} entry for a member who is not the sale's")
    done = facts.moved[(e["return_id"], kind)][0]
    if kind == "reverse":
        limit = reversed_ + sum(max(points, 0) for points in bonuses.values())
        if -(done + delta) > limit:
            raise Unapplicable(f"reverse of {-delta} points: the return takes back {limit}, {-done} already taken")
    elif done + delta > restored:
        raise Unapplicable(f"restore of {delta} points: the return gives back {restored}, {done} already given")


def _has_welcome(e: dict[str, Any]) -> bool:
    return bool(hub_db.execute_sql(
        "SELECT 1 FROM hub_ledger WHERE member_id = %s AND kind = 'welcome' AND id <> %s LIMIT 1",
        (e["member_id"], e["id"]),
    ).fetchone())
