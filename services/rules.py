"""The loyalty programme as data: a versioned rule set.

A rule set is plain JSON so an owner can export it, read it and copy it to
another shop.  Pricing (services.pricing) is a pure function of a cart, a
member and one of these; every sale stores the version it used.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from services.storage import write_transaction
from models.schema import RuleSet, utcnow
from services.errors import InputError
from services.money import BP


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    min_spend: int = 0  # minor units over the tier window
    earn_bp: int | None = None  # None: the programme's rate
    discount_bp: int | None = None


@dataclass(frozen=True)
class Rules:
    version: int = 0
    name: str = ""
    discount_bp: int = 0  # discount programme: % off for members
    earn_bp: int = 0  # bonus programme: points for % of money paid
    point_value: int = 100  # minor units one point pays (100 = 1 rouble)
    redeem_enabled: bool = True
    redeem_cap_bp: int = 3000  # at most this share of the bill in points
    redeem_min_balance: int = 0  # a member needs at least this to redeem
    redeem_step: int = 1  # redeem in multiples of this
    max_discount_bp: int = 5000  # all discounts together stop here
    tier_window_days: int = 365
    tiers: tuple[Tier, ...] = ()
    excluded_categories: tuple[str, ...] = ()

    def tier(self, code: str) -> Tier | None:
        for tier in self.tiers:
            if tier.code == code:
                return tier
        return None

    def tier_for_spend(self, spend: int) -> Tier | None:
        """The highest tier whose threshold the spend reaches."""
        found = None
        for tier in sorted(self.tiers, key=lambda t: t.min_spend):
            if spend >= tier.min_spend:
                found = tier
        return found

    def next_tier(self, spend: int) -> Tier | None:
        for tier in sorted(self.tiers, key=lambda t: t.min_spend):
            if spend < tier.min_spend:
                return tier
        return None


def validate(rules: Rules) -> list[str]:
    """Problems an owner must fix, each a sentence; empty when the rules are sound."""
    problems = []
    for name in ("discount_bp", "earn_bp", "redeem_cap_bp", "max_discount_bp"):
        value = getattr(rules, name)
        if not 0 <= value <= BP:
            problems.append(f"{name} must be between 0 and 10000 basis points (0–100 %), not {value}.")
    if rules.point_value <= 0:
        problems.append("A point must be worth at least one minor unit.")
    if rules.redeem_step <= 0:
        problems.append("The redemption step must be at least one point.")
    if rules.redeem_min_balance < 0:
        problems.append("The minimum balance for redeeming cannot be negative.")
    seen: set[int] = set()
    for tier in rules.tiers:
        if tier.min_spend in seen:
            problems.append(f"Two tiers start at the same spend ({tier.min_spend}).")
        seen.add(tier.min_spend)
        for name in ("earn_bp", "discount_bp"):
            value = getattr(tier, name)
            if value is not None and not 0 <= value <= BP:
                problems.append(f"Tier {tier.code}: {name} must be 0–10000, not {value}.")
    codes = [t.code for t in rules.tiers]
    if len(codes) != len(set(codes)):
        problems.append("Tier codes must be unique.")
    return problems


def to_dict(rules: Rules) -> dict[str, Any]:
    body = dataclasses.asdict(rules)
    body.pop("version")
    return body


def from_dict(body: dict[str, Any], version: int = 0) -> Rules:
    known = {f.name for f in dataclasses.fields(Rules)} - {"version"}
    unknown = set(body) - known
    if unknown:
        raise InputError(f"Unknown rule settings: {', '.join(sorted(unknown))}.")
    values = dict(body)
    try:
        values["tiers"] = tuple(Tier(**t) for t in body.get("tiers", ()))
    except TypeError as exc:
        raise InputError(f"A tier is not described right: {exc}.") from None
    values["excluded_categories"] = tuple(body.get("excluded_categories", ()))
    return Rules(version=version, **values)


def default_rules() -> Rules:
    """What a new shop starts with: 5 % points, three tiers, 30 % cap."""
    return Rules(
        name="Standard",
        discount_bp=0,
        earn_bp=500,
        point_value=100,
        redeem_cap_bp=3000,
        redeem_min_balance=100,
        redeem_step=1,
        tiers=(
            Tier("base", "Base", 0),
            Tier("silver", "Silver", 1_500_000, earn_bp=700),
            Tier("gold", "Gold", 5_000_000, earn_bp=1000, discount_bp=300),
        ),
    )


def active_rules(at: dt.datetime | None = None) -> Rules:
    """The rule set in force at `at` (now by default)."""
    at = at or utcnow()
    row = (
        RuleSet.select()
        .where((RuleSet.status == "active") & (RuleSet.effective_from <= at))
        .order_by(RuleSet.effective_from.desc(), RuleSet.version.desc())
        .first()
    )
    if row is None:
        raise InputError("No loyalty programme is set up yet: open the owner's settings first.")
    return from_dict(json.loads(row.body), row.version)


def publish(rules: Rules, effective_from: dt.datetime | None = None) -> Rules:
    """Store rules as the next version, in force from `effective_from`."""
    problems = validate(rules)
    if problems:
        raise InputError(" ".join(problems))
    with write_transaction():
        last = RuleSet.select(RuleSet.version).order_by(RuleSet.version.desc()).first()
        version = (last.version if last else 0) + 1
        RuleSet.create(
            version=version,
            name=rules.name,
            body=json.dumps(to_dict(rules), ensure_ascii=False, sort_keys=True),
            effective_from=effective_from or utcnow(),
        )
    return dataclasses.replace(rules, version=version)
