"""What one till may do at the hub: facts only in its own name, ledger entries
only as its own sales and returns support them.

The till is its token's (`Context.till`), always.  A till id in a body is
either that till's own (the hub's id, or the till's own id on its receipts
when it joined with a shop of its own: the first one it sends is bound to
its token) or the operation is refused.  A ledger entry is tied to what
makes it true:

- earn and release: a sale of this till with that member; together no more
  than the sale's `points_earned`, nor than its total could earn under any
  published rule set (`Programme.earn_cap`), nor MAX_SALE_POINTS;
- redeem: a sale of this till with that member, exactly `-points_redeemed`, once;
- reverse and restore: a return of this till (of its own sale), within the
  return's own `points_reversed` (plus the bonuses the sale gave, which go
  back when the whole sale does) and `points_restored`;
- reward (gifts for points, services.programme.rewards): on a sale of this
  till with that member, exactly `-points_rewarded`, once; on a return of this
  till, positive and within the return's own `points_unrewarded` (and the
  returns of a sale together within its `points_rewarded`: services.hub.apply);
- welcome, birthday, referral: no more than the largest such bonus of any
  published rule set (drafts give nothing), on a sale of this till when they
  name one (the sale's member's, but a referrer's reward); a welcome once per
  member, a birthday once a year (BIRTHDAY_GAP), a referral once per referred
  member (to them, and to whoever referred them);
- adjust and transfer: a manager's or owner's name and a reason, within
  MAX_ADJUST, and what they add within the till's ADJUST_DAILY_BUDGET;
- expire: only from the chain's expiry till (the `expiry_till` setting), and
  never more than the member's balance;
- import (an opening balance an owner's import brought, or its correction):
  only with a trusted owner's signature over exactly that entry (kind
  "ledger_import", services.hub.governance.signed_by), the member's imported
  entries together within -IMPORT_MEMBER_CAP..IMPORT_MEMBER_CAP, and a
  negative one never more than the member's balance.

During a till's seed (its first sync, before it has pushed anything) its
history arrives without the sales it refers to, which it made before it knew
the hub: then only kinds, bounds, clocks and the till's name are checked
(an import entry's signature too is not asked for: the seed's cap holds).
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from models.hub import Entity, HubTill, hub_db
from services.core.money import BP
from services.hub import checks, governance
from services.hub.checks import Unapplicable


class TillContext(Protocol):
    till: HubTill
    seeding: bool
    till_key: str  # the till's hub id as canonical text: what `origin_id` holds
    own_ids: set[str]  # that, and the till's own id once bound
    preparing: bool  # checking before the till's turn (services.hub.apply.prepare): no reads, no writes


class NotYet(Exception):
    """What only the till's turn can decide (an id the hub must look up or bind)."""


def own_till(ctx: TillContext, value: Any, name: str) -> str | None:
    """`value` as this till's id, or refused: a body never names another till."""
    wanted = checks.an_id(value, name, required=False)
    if wanted is None:
        return None
    if wanted in ctx.own_ids:
        return wanted
    if ctx.preparing:
        raise NotYet(name)
    till = ctx.till
    other = (HubTill.select(HubTill.name)
             .where((HubTill.id == wanted) | (HubTill.local_till_id == wanted)).first())
    if other is not None:
        raise Unapplicable(f"{name} names another till ({other.name})")
    if till.local_till_id is None:
        HubTill.update(local_till_id=wanted).where(HubTill.id == till.id).execute()
        till.local_till_id = uuid.UUID(wanted)
        ctx.own_ids.add(wanted)
        return wanted
    raise Unapplicable(f"{name} {wanted} is not this till")


def no_other_origin(ctx: TillContext, payload: dict[str, Any]) -> None:
    for key in ("origin", "origin_id"):
        if key in payload and payload[key] is not None:
            own_till(ctx, payload[key], "the origin")


# --- the programme the chain has published -----------------------------------------------


def _count(value: Any, high: int) -> int:
    """A rule set's number, as the hub reads it: anything but a sane whole number counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= high:
        return 0
    return value


@dataclass
class Programme:
    """What the chain's published rule sets (never drafts) could give at most:
    the bounds a till's points are checked against.  Read as plain JSON (the
    hub does not load the till's services.programme.rules); the shape is theirs."""

    earn: list[tuple[int, int]] = field(default_factory=list)  # (rate bp × best multiplier bp, point value)
    fixed_points: int = 0  # the most a fixed-points promotion gives per unit bought
    bonuses: dict[str, int] = field(default_factory=dict)  # welcome / birthday / referral -> most points
    tiers: set[str] = field(default_factory=set)

    @classmethod
    def published(cls) -> "Programme":
        out = cls()
        for (doc,) in Entity.select(Entity.doc).where(Entity.kind == "rule_set").tuples():
            if not isinstance(doc, dict) or doc.get("status", "active") == "draft":
                continue
            try:
                body = json.loads(doc.get("body") or "{}")
            except (TypeError, ValueError):
                continue
            if isinstance(body, dict):
                out._add(body)
        return out

    def _add(self, body: dict[str, Any]) -> None:
        rates = [_count(body.get("earn_bp"), BP)]
        for tier in body.get("tiers") or ():
            if isinstance(tier, dict):
                rates.append(_count(tier.get("earn_bp"), BP))
                if isinstance(tier.get("code"), str):
                    self.tiers.add(tier["code"])
        multiplier = BP
        for promo in body.get("promotions") or ():
            if not isinstance(promo, dict):
                continue
            if promo.get("kind") == "multiplier":
                multiplier = max(multiplier, _count(promo.get("bp"), 10 * BP))
            elif promo.get("kind") == "fixed_points":
                self.fixed_points = max(self.fixed_points, _count(promo.get("points"), checks.MAX_POINTS))
        point_value = _count(body.get("point_value", 100), checks.MAX_MONEY)
        if point_value and max(rates):
            self.earn.append((max(rates) * multiplier, point_value))
        for name in ("welcome_points", "birthday_points", "referral_points", "referral_new_points"):
            bonus = "referral" if name.startswith("referral") else name.split("_")[0]
            self.bonuses[bonus] = max(self.bonuses.get(bonus, 0), _count(body.get(name), checks.MAX_POINTS))

    def earn_cap(self, total: int, units: int) -> int:
        """The most points a sale of `total` (minor units) and `units` bought could earn
        under any published rule set (services.programme.pricing's sum, with the best
        rate, the best multiplier and the biggest fixed promotion), and never more
        than MAX_SALE_POINTS."""
        by_rate = max((total * rate // (BP * BP * value) for rate, value in self.earn), default=0)
        return min(checks.MAX_SALE_POINTS, by_rate + self.fixed_points * max(units, 0))


# --- ledger entries -----------------------------------------------------------------------


# A sale's units bought, from the lines the till sent (a weighed line is one unit).
_UNITS_SQL = (
    "SELECT COALESCE(SUM(CASE WHEN json_typeof(l->'qty') = 'number' THEN GREATEST((l->>'qty')::numeric, 0) "
    "ELSE 0 END), 0) FROM json_array_elements(CASE WHEN json_typeof(doc->'lines') = 'array' "
    "THEN doc->'lines' ELSE '[]'::json END) l"
)


class LedgerFacts:
    """What the hub already knows about the sales, returns and members a batch of entries names."""

    def __init__(self, entries: list[dict[str, Any]], written: dict[str, tuple] | None = None) -> None:
        """`written`: the `hub_sale` rows (services.hub.apply's columns) this push wrote
        itself, every one of them: what the hub has of those sales, without reading
        it back (but for units bought, which only PostgreSQL reads from the lines)."""
        sale_ids = {e["sale_id"] for e in entries if e["sale_id"]}
        return_ids = {e["return_id"] for e in entries if e["return_id"]}
        # sale -> (origin, member, points earned, points redeemed, total, units bought)
        self.sales: dict[str, tuple[str, str | None, int, int, int, int]] = {}
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
        self._programme: Programme | None = None
        if sale_ids:
            # Units bought matter only to a fixed-points promotion's cap; reading them
            # parses each sale's JSON, the costliest read of a push, so only then.
            units_sql = f"({_UNITS_SQL})" if self.programme.fixed_points else "0"
            unread = sale_ids
            if written and not self.programme.fixed_points:
                unread = set()
                for sid in sale_ids:
                    row = written.get(sid)
                    if row is None:
                        unread.add(sid)
                    else:  # id, origin, till, receipt, member, time, total, paid, redeemed, earned, doc
                        self.sales[sid] = (row[1], row[4], row[9], row[8], row[6], 0)
            for sid, origin, member, earned, redeemed, total, units in hub_db.execute_sql(
                "SELECT id::text, origin_id::text, member_id::text, points_earned, points_redeemed, total, "
                f"{units_sql} FROM hub_sale WHERE id = ANY(%s::uuid[])", (list(unread),),
            ) if unread else ():
                self.sales[sid] = (origin, member, int(earned), int(redeemed), int(total),
                                   int(min(units, checks.MAX_POINTS)))
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
        self._balances: dict[str, int] = {}
        self.imported: dict[str, int] = {}  # member -> their import entries' sum, this batch's included
        self._trusted: dict[str, bool] = {}
        imports = [e["member_id"] for e in entries if e["kind"] == "import"]
        if imports:
            self.read_imported(imports)
        self._adjusted: int | None = None  # what this till's adjustments and transfers added today
        self._expiry_till: tuple[str | None] | None = None
        self.welcomed: set[str] = set()  # members given a welcome bonus earlier in this batch
        self.birthdays: dict[str, list[dt.datetime]] = {}  # member -> when their birthday bonuses were
        self.referrals: dict[str, set[bool]] = {}  # referred member -> rewarded (themselves?, their referrer?)

    @property
    def programme(self) -> Programme:
        if self._programme is None:
            self._programme = Programme.published()
        return self._programme

    def bonus_cap(self, kind: str) -> int:
        """The largest bonus of this kind any published rule set of the chain gives."""
        return self.programme.bonuses.get(kind, 0)

    def balance(self, member_id: str) -> int:
        """The member's balance at the hub, with the entries accepted so far in this batch."""
        if member_id not in self._balances:
            row = hub_db.execute_sql(
                "SELECT COALESCE(SUM(delta), 0) FROM hub_ledger WHERE member_id = %s", (member_id,)).fetchone()
            self._balances[member_id] = int(row[0])
        return self._balances[member_id]

    def read_imported(self, members: list[str]) -> None:
        """The imported sums and balances of the members a batch imports for, in one read."""
        wanted = sorted(set(members) - set(self.imported))
        found = {member: (int(imported), int(balance)) for member, imported, balance in hub_db.execute_sql(
            "SELECT member_id::text, COALESCE(SUM(delta) FILTER (WHERE kind = 'import'), 0), SUM(delta) "
            "FROM hub_ledger WHERE member_id = ANY(%s::uuid[]) GROUP BY member_id", (wanted,),
        )}
        for member in wanted:
            imported, balance = found.get(member, (0, 0))
            self.imported[member] = imported
            self._balances.setdefault(member, balance)

    def trusted(self, key: str) -> bool:
        """Whether the hub trusts this owner key (read once per batch)."""
        if key not in self._trusted:
            self._trusted[key] = governance.trusted(key)
        return self._trusted[key]

    def adjusted_today(self, ctx: TillContext) -> int:
        if self._adjusted is None:
            day = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)  # type: ignore[attr-defined]
            row = hub_db.execute_sql(
                "SELECT COALESCE(SUM(delta), 0) FROM hub_ledger WHERE origin_id = %s "
                "AND kind IN ('adjust', 'transfer') AND delta > 0 AND received_at >= %s",
                (str(ctx.till.id), day),
            ).fetchone()
            self._adjusted = int(row[0])
        return self._adjusted

    def expiry_till(self) -> str | None:
        """The hub's id of the till that writes the chain's expiry, if the hub knows one.
        The setting names a till's code: a joined till's code is its name at the hub;
        the till that brought the shop may keep a code of its own, which it claimed
        itself (the change it sent names it as the origin)."""
        if self._expiry_till is None:
            found = None
            setting = Entity.get_or_none((Entity.kind == "setting") & (Entity.entity_id == "expiry_till"))
            code = setting.doc.get("value") if setting is not None and isinstance(setting.doc, dict) else None
            if isinstance(code, str) and code:
                named = HubTill.select(HubTill.id).where(HubTill.name == code).first()
                if named is not None:
                    found = str(named.id)
                else:
                    row = hub_db.execute_sql(
                        "SELECT origin_id::text FROM change WHERE kind = 'setting' AND entity_id = 'expiry_till' "
                        "AND doc->>'value' = %s ORDER BY seq DESC LIMIT 1", (code,)).fetchone()
                    found = row[0] if row else None
            self._expiry_till = (found,)
        return self._expiry_till[0]

    def birthdays_of(self, member_id: str) -> list[dt.datetime]:
        if member_id not in self.birthdays:
            self.birthdays[member_id] = [when for (when,) in hub_db.execute_sql(
                "SELECT created_at FROM hub_ledger WHERE member_id = %s AND kind = 'birthday'", (member_id,))]
        return self.birthdays[member_id]

    def referrals_of(self, referred: str) -> set[bool]:
        """For a referred member: whether they (True) and their referrer (False) were rewarded."""
        if referred not in self.referrals:
            self.referrals[referred] = {bool(own) for (own,) in hub_db.execute_sql(
                "SELECT l.member_id = s.member_id FROM hub_ledger l JOIN hub_sale s ON s.id = l.sale_id "
                "WHERE l.kind = 'referral' AND s.member_id = %s", (referred,))}
        return self.referrals[referred]

    def gift_points(self, sale_id: str) -> int:
        """What a sale's gifts cost (`points_rewarded`, schema 17), read when an entry asks."""
        cache: dict[str, int] = self.__dict__.setdefault("_gift_points", {})
        if sale_id not in cache:
            row = hub_db.execute_sql(
                "SELECT COALESCE((doc->'sale'->>'points_rewarded')::bigint, 0) FROM hub_sale WHERE id = %s",
                (sale_id,)).fetchone()
            cache[sale_id] = int(row[0]) if row else 0
        return cache[sale_id]

    def gifts_taken(self, sale_id: str) -> int:
        """How many gift entries (negative, on the sale itself) the sale already has."""
        taken: dict[str, int] = self.__dict__.setdefault("_gifts_taken", {})
        if sale_id not in taken:
            taken[sale_id] = int(hub_db.execute_sql(
                "SELECT COUNT(*) FROM hub_ledger WHERE sale_id = %s AND kind = 'reward' AND return_id IS NULL",
                (sale_id,)).fetchone()[0])
        return taken[sale_id]

    def gifts_back(self, return_id: str) -> tuple[str, str, int] | None:
        """A return's till, sale and the gift points it gives back (`points_unrewarded`)."""
        found: dict[str, tuple[str, str, int] | None] = self.__dict__.setdefault("_gifts_back", {})
        if return_id not in found:
            row = hub_db.execute_sql(
                "SELECT origin_id::text, sale_id::text, "
                "COALESCE((doc->'return'->>'points_unrewarded')::bigint, 0) FROM hub_return WHERE id = %s",
                (return_id,)).fetchone()
            found[return_id] = (row[0], row[1], int(row[2])) if row else None
        return found[return_id]

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
        if entry["kind"] == "reward" and entry["sale_id"] and not entry["return_id"]:
            self.gifts_taken(entry["sale_id"])
            self.__dict__["_gifts_taken"][entry["sale_id"]] += 1
        if entry["member_id"] in self._balances:
            self._balances[entry["member_id"]] += entry["delta"]
        if entry["kind"] == "import" and entry["member_id"] in self.imported:
            self.imported[entry["member_id"]] += entry["delta"]
        if entry["kind"] in ("adjust", "transfer") and entry["delta"] > 0 and self._adjusted is not None:
            self._adjusted += entry["delta"]
        if entry["kind"] == "birthday" and entry["member_id"] in self.birthdays:
            self.birthdays[entry["member_id"]].append(dt.datetime.fromisoformat(entry["created_at"]))
        if entry["kind"] == "referral" and entry["sale_id"] in self.sales:
            referred = self.sales[entry["sale_id"]][1]
            if referred in self.referrals:
                self.referrals[referred].add(entry["member_id"] == referred)


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


def supported(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts, payload: dict[str, Any] | None = None) -> None:
    """Refuse an entry its sale's or return's own record does not support.
    `payload` is the entry as the till pushed it: an import entry's signature
    is over exactly that (without its `_authority`)."""
    kind, delta = e["kind"], e["delta"]
    if kind in ("adjust", "transfer"):
        _adjustment(e)
        if not ctx.seeding and delta > 0 and facts.adjusted_today(ctx) + delta > checks.ADJUST_DAILY_BUDGET:
            raise Unapplicable(
                f"{kind} of {delta} points: this till's adjustments and transfers today would pass "
                f"{checks.ADJUST_DAILY_BUDGET} points ({facts.adjusted_today(ctx)} already); the owner decides")
        return
    if ctx.seeding:
        if kind == "import":  # an opening balance or its correction: either way, never 0
            _sign(e, negative=delta < 0)
        elif kind == "reward":  # a gift taken (on its sale) or brought back (on its return)
            _sign(e, negative=not e["return_id"])
        else:
            _sign(e, negative=kind in ("redeem", "reverse", "expire"))
        _within_seed_cap(e, facts)
        return
    if kind == "import":
        _imported(ctx, e, payload or {}, facts)
        return
    if kind in ("earn", "release"):
        sale = _own_sale(ctx, e, facts)
        _sign(e, negative=False)
        given = facts.moved[(e["sale_id"], "earn")][0] + facts.moved[(e["sale_id"], "release")][0]
        if given + delta > sale[2]:
            raise Unapplicable(f"{kind} of {delta} points: the sale earned {sale[2]}, {given} already given")
        cap = facts.programme.earn_cap(sale[4], sale[5])
        if given + delta > cap:
            raise Unapplicable(f"{kind} of {delta} points: a sale of {sale[4]} can earn at most {cap} "
                               f"under the chain's published rule sets, {given} already given")
    elif kind == "redeem":
        sale = _own_sale(ctx, e, facts)
        if delta != -sale[3]:
            raise Unapplicable(f"redeem of {delta} points: the sale redeemed {sale[3]}")
        if facts.moved[(e["sale_id"], "redeem")][1]:
            raise Unapplicable("the sale's points were already redeemed")
    elif kind in ("reverse", "restore"):
        _returned(ctx, e, facts)
    elif kind == "reward":
        _reward(ctx, e, facts)
    elif kind in checks.BONUS_KINDS:
        _bonus(ctx, e, facts)
    elif kind == "expire":
        _sign(e, negative=True)
        if facts.expiry_till() != str(ctx.till.id):
            raise Unapplicable("an expiry from a till that is not the chain's expiry till (setting expiry_till)")
        balance = facts.balance(e["member_id"])
        if -delta > balance:
            raise Unapplicable(f"expiry of {-delta} points: the member's balance is {balance}")


def _bonus(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts) -> None:
    kind, delta = e["kind"], e["delta"]
    _sign(e, negative=False)
    cap = facts.bonus_cap(kind)
    if delta > cap:
        raise Unapplicable(f"a {kind} bonus of {delta} points: no published rule set gives more than {cap}")
    sale = None
    if e["sale_id"]:
        # A referrer's reward is on the new member's sale; every other bonus is on the member's own.
        sale = _own_sale(ctx, e, facts, any_member=kind == "referral")
    elif kind != "welcome":
        raise Unapplicable(f"a {kind} bonus names no sale")
    if kind == "welcome" and (e["member_id"] in facts.welcomed or _has_welcome(e)):
        raise Unapplicable("the member already had a welcome bonus")
    if kind == "birthday":
        when = dt.datetime.fromisoformat(e["created_at"])
        if any(abs(when - other) < checks.BIRTHDAY_GAP for other in facts.birthdays_of(e["member_id"])):
            raise Unapplicable("the member already had a birthday bonus this year")
    if kind == "referral" and sale is not None:
        referred = sale[1]
        if referred is None:
            raise Unapplicable("a referral bonus on a sale without a member")
        if (e["member_id"] == referred) in facts.referrals_of(referred):
            raise Unapplicable("the referred member's referral was already rewarded")


# What a member's imported entries may come to, together: a member's balance in an
# old system's file is never more (the seed's own cap), nor a correction less.
IMPORT_MEMBER_CAP = 1_000_000
IMPORT_SIGNED_AS = "ledger_import"  # the kind the owner's signature names (services.journal.authority.sign_rows)


def _imported(ctx: TillContext, e: dict[str, Any], payload: dict[str, Any], facts: LedgerFacts) -> None:
    """An opening balance (or its correction) an owner's import brought: it must
    carry a trusted owner's signature over exactly this entry, as the till wrote
    it; a till's token alone can import nothing."""
    delta, member = e["delta"], e["member_id"]
    _sign(e, negative=delta < 0)
    doc = {k: v for k, v in payload.items() if k != "_authority"}
    now_ms = int(ctx.now.replace(tzinfo=dt.timezone.utc).timestamp() * 1000)  # type: ignore[attr-defined]
    try:
        governance.signed_by(IMPORT_SIGNED_AS, e["id"], doc, payload.get("_authority"),
                             what="an imported balance", now_ms=now_ms, is_trusted=facts.trusted)
    except governance.Refused as exc:
        raise Unapplicable(str(exc)) from None
    if member not in facts.imported:  # an entry the batch's first read did not cover
        facts.read_imported([member])
    after = facts.imported[member] + delta
    if not -IMPORT_MEMBER_CAP <= after <= IMPORT_MEMBER_CAP:
        raise Unapplicable(f"an imported balance of {delta} points brings the member's imported points to {after}: "
                           f"imports bring a member between {-IMPORT_MEMBER_CAP} and {IMPORT_MEMBER_CAP}")
    if delta < 0:
        balance = facts.balance(member)
        if -delta > balance:
            raise Unapplicable(f"an import correction of {delta} points: the member's balance is {balance}")


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
              any_member: bool = False) -> tuple[str, str | None, int, int, int, int]:
    if not e["sale_id"]:
        raise Unapplicable(f"a {e['kind']} entry names no sale")
    sale = facts.sales.get(e["sale_id"])
    if sale is None:
        raise Unapplicable(f"a {e['kind']} entry for a sale the hub does not have")
    if sale[0] != ctx.till_key:
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
    if origin != ctx.till_key:
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


def _reward(ctx: TillContext, e: dict[str, Any], facts: LedgerFacts) -> None:
    """A gift for points: taken on its sale (exactly the sale's `points_rewarded`, once), or
    brought back on a return (within the return's `points_unrewarded`)."""
    delta = e["delta"]
    if not e["return_id"]:
        _own_sale(ctx, e, facts)
        rewarded = facts.gift_points(e["sale_id"])
        if delta != -rewarded or not rewarded:
            raise Unapplicable(f"reward of {delta} points: the sale's gifts cost {rewarded}")
        if facts.gifts_taken(e["sale_id"]):
            raise Unapplicable("the sale's gifts were already taken")
        return
    _sign(e, negative=False)
    found = facts.gifts_back(e["return_id"])
    if found is None:
        raise Unapplicable("a reward entry for a return the hub does not have")
    origin, sale_id, back = found
    if origin != ctx.till_key:
        raise Unapplicable("a reward entry for another till's return")
    if e["sale_id"] != sale_id:
        raise Unapplicable("a reward entry whose sale is not its return's")
    sale = facts.sales.get(sale_id)
    if sale is None or sale[1] != e["member_id"]:
        raise Unapplicable("a reward entry for a member who is not the sale's")
    done = facts.moved[(e["return_id"], "reward")][0]
    if done + delta > back:
        raise Unapplicable(f"reward of {delta} points back: the return gives back {back}, {done} already given")


def _has_welcome(e: dict[str, Any]) -> bool:
    return bool(hub_db.execute_sql(
        "SELECT 1 FROM hub_ledger WHERE member_id = %s AND kind = 'welcome' AND id <> %s LIMIT 1",
        (e["member_id"], e["id"]),
    ).fetchone())
