"""The loyalty programme as data: a versioned rule set.

A rule set is plain JSON so an owner can export it, read it and copy it to
another shop.  Pricing (services.pricing) is a pure function of a cart, a
member and one of these; every sale stores the version it used.

Every mechanic the field uses is a value here, not code: a member discount,
tiers over a trailing window, promotions (discount, points multiplier, fixed
points, buy X get Y) limited by category, product, tier, dates, weekdays,
hours, a minimum bill or quantity and optionally a coupon; event bonuses
(welcome, birthday, referral); points life (expiry, pending) and the
redemption limits.  A body written before a key existed loads with the
key's default, so old rule sets still explain old sales.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from services.core.storage import write_transaction
from models.schema import RuleSet, utcnow
from services.core.error_texts import render
from services.core.errors import InputError
from services.core.money import BP
from services.shop import staff as auth
from services.journal import audit, authority, outbox
from services.core.serialize import row_dict

PROMOTION_KINDS = ("discount", "multiplier", "fixed_points", "buy_get")
WELCOME_ON = ("registration", "first_purchase")
FORMATS = ("loyaltill-rules/1",)  # what export_document writes and loads reads

# Bounds, so a rule set can never make dates or sums overflow on every sale of
# every till (a window of 10^12 days is an OverflowError in each date sum).
MAX_WINDOW_DAYS = 3650  # tier window, points expiry, next-visit coupon life: ten years
MAX_PENDING_DAYS = 365  # points wait at most a year before they can be spent
MAX_POINTS = 1_000_000_000  # any number of points a rule gives or asks for
MAX_AMOUNT = 10**12  # any amount of money in minor units (ten billion roubles)
MAX_COUNT = 1_000_000  # units, uses, priorities


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    min_spend: int = 0  # minor units over the tier window
    earn_bp: int | None = None  # None: the programme's rate
    discount_bp: int | None = None
    privileges: tuple[str, ...] = ()  # shown to the cashier: "early access", "free delivery"


@dataclass(frozen=True)
class Promotion:
    """One promotion; which lines it touches and when, and what it gives.

    kind: discount (bp off the line), multiplier (points × bp/10000, so 20000
    is double points), fixed_points (points per unit bought), buy_get (of
    every buy+get units of one line, `get` are free).
    """

    code: str
    name: str
    kind: str = "discount"
    bp: int = 0
    points: int = 0
    buy: int = 0
    get: int = 0
    categories: tuple[str, ...] = ()  # empty: every category
    products: tuple[str, ...] = ()  # barcodes; empty: every product
    tiers: tuple[str, ...] = ()  # empty: every member (and, if not members_only, everyone)
    members_only: bool = True
    starts: str = ""  # ISO date, inclusive; empty: open
    ends: str = ""  # ISO date, inclusive; empty: open
    weekdays: tuple[int, ...] = ()  # 0 = Monday; empty: every day
    hour_from: int = 0  # shop's local hours [from, to)
    hour_to: int = 24
    min_bill: int = 0  # the cart's subtotal must reach this
    min_qty: int = 0  # units of the promotion's items in the cart
    coupon: bool = False  # only with a coupon that names this promotion
    priority: int = 100  # lower first; among exclusive promotions the first wins
    exclusive: bool = False  # a line that gets this gets no other discount


@dataclass(frozen=True)
class Coupon:
    """A code the cashier types or scans that unlocks a promotion."""

    code: str
    promotion: str
    max_uses: int = 0  # over all members; 0: unlimited
    per_member: int = 1  # 0: unlimited
    starts: str = ""
    ends: str = ""


@dataclass(frozen=True)
class Rules:
    version: int = 0
    name: str = ""
    discount_bp: int = 0  # discount programme: % off for members
    earn_bp: int = 0  # bonus programme: points for % of money paid
    point_value: int = 100  # minor units one point pays (100 = 1 rouble; 1 = cashback in kopecks)
    redeem_enabled: bool = True
    redeem_cap_bp: int = 3000  # at most this share of the bill in points
    redeem_min_balance: int = 0  # a member needs at least this to redeem
    redeem_step: int = 1  # redeem in multiples of this
    max_discount_bp: int = 5000  # all discounts together stop here
    member_discount_priority: int = 100
    tier_window_days: int = 365
    tiers: tuple[Tier, ...] = ()
    excluded_categories: tuple[str, ...] = ()
    excluded_products: tuple[str, ...] = ()  # barcodes: already on sale, gift cards
    promotions: tuple[Promotion, ...] = ()
    coupons: tuple[Coupon, ...] = ()
    next_visit_promotion: str = ""  # a coupon for this promotion is printed on the receipt
    next_visit_min_bill: int = 0
    next_visit_days: int = 30
    welcome_points: int = 0
    welcome_on: str = "registration"
    birthday_days: int = 3  # the window either side of the birthday
    birthday_points: int = 0  # once a year, on a purchase in the window
    birthday_discount_bp: int = 0
    referral_points: int = 0  # to the referrer, after the new member's first purchase
    referral_new_points: int = 0  # to the new member, with that purchase
    expiry_days: int = 0  # points expire this long after they were earned; 0: never
    pending_days: int = 0  # earned points become spendable after this; 0: at once
    timezone: str = ""  # IANA name for hours and weekdays; empty: UTC

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

    def promotion(self, code: str) -> Promotion | None:
        for promo in self.promotions:
            if promo.code == code:
                return promo
        return None

    def coupon(self, code: str) -> Coupon | None:
        for coupon in self.coupons:
            if coupon.code.casefold() == code.strip().casefold():
                return coupon
        return None


# --- validation ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something an owner must fix: a code the UI translates, and its values."""

    code: str
    params: dict[str, Any]

    @property
    def message(self) -> str:
        """The problem in English (services.core.messages.error_text words it for the owner)."""
        return render(self.code, self.params) or self.code


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def check(rules: Rules, today: dt.date | None = None) -> list[Problem]:
    """Every problem of a rule set, each with a code; `today` also flags expired dates."""
    out: list[Problem] = []

    def bad(code: str, **params: Any) -> None:
        out.append(Problem(code, params))

    for name in ("discount_bp", "earn_bp", "redeem_cap_bp", "max_discount_bp", "birthday_discount_bp"):
        value = getattr(rules, name)
        if not 0 <= value <= BP:
            bad("rule_percent_range", field=name, value=f"{value / 100:g}")
    if rules.point_value <= 0:
        bad("rule_point_value")
    if rules.redeem_step <= 0:
        bad("rule_redeem_step")
    for name in ("redeem_min_balance", "welcome_points", "birthday_points", "referral_points",
                 "referral_new_points", "expiry_days", "pending_days", "next_visit_min_bill"):
        if getattr(rules, name) < 0:
            bad("rule_negative", field=name)
    if rules.tier_window_days <= 0:
        bad("rule_window")
    for name, most in (("tier_window_days", MAX_WINDOW_DAYS), ("expiry_days", MAX_WINDOW_DAYS),
                       ("next_visit_days", MAX_WINDOW_DAYS), ("pending_days", MAX_PENDING_DAYS)):
        if getattr(rules, name) > most:
            bad("rule_days_range", field=name, max=most)
    for name in ("redeem_min_balance", "redeem_step", "welcome_points", "birthday_points", "referral_points",
                 "referral_new_points"):
        if getattr(rules, name) > MAX_POINTS:
            bad("rule_number_range", field=name, max=MAX_POINTS)
    for name in ("point_value", "next_visit_min_bill"):
        if getattr(rules, name) > MAX_AMOUNT:
            bad("rule_number_range", field=name, max=MAX_AMOUNT)
    if abs(rules.member_discount_priority) > MAX_COUNT:
        bad("rule_number_range", field="member_discount_priority", max=MAX_COUNT)
    if not 0 <= rules.birthday_days <= 31:
        bad("rule_birthday_days")
    if rules.welcome_on not in WELCOME_ON:
        bad("rule_welcome_on")
    if rules.expiry_days and rules.pending_days >= rules.expiry_days:
        bad("rule_pending_expiry")
    timed = [p.code for p in rules.promotions if p.weekdays or p.hour_from != 0 or p.hour_to != 24]
    if timed and not rules.timezone:
        bad("rule_timezone_needed", promotion=timed[0])
    if rules.timezone:
        try:
            import zoneinfo

            zoneinfo.ZoneInfo(rules.timezone)
        except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
            bad("rule_timezone", zone=rules.timezone)

    seen: dict[int, str] = {}
    codes: set[str] = set()
    for tier in rules.tiers:
        if not tier.code.strip():
            bad("tier_code_empty")
        if tier.code in codes:
            bad("tier_code_taken", tier=tier.code)
        codes.add(tier.code)
        if tier.min_spend < 0:
            bad("tier_spend_negative", tier=tier.name)
        elif tier.min_spend > MAX_AMOUNT:
            bad("rule_number_range", field=tier.name, max=MAX_AMOUNT)
        if tier.min_spend in seen:
            bad("tier_overlap", tier=tier.name, other=seen[tier.min_spend])
        seen[tier.min_spend] = tier.name
        for name in ("earn_bp", "discount_bp"):
            value = getattr(tier, name)
            if value is not None and not 0 <= value <= BP:
                bad("tier_percent_range", tier=tier.name, field=name)

    promo_codes: set[str] = set()
    for promo in rules.promotions:
        _check_promotion(promo, rules, promo_codes, today, bad)
        promo_codes.add(promo.code)
    coupon_codes: set[str] = set()
    for coupon in rules.coupons:
        key = coupon.code.strip().casefold()
        if not key:
            bad("coupon_code_empty")
        elif key in coupon_codes:
            bad("coupon_code_taken", coupon=coupon.code)
        coupon_codes.add(key)
        if coupon.promotion not in promo_codes:
            bad("coupon_promotion_unknown", coupon=coupon.code, promotion=coupon.promotion)
        if coupon.max_uses < 0 or coupon.per_member < 0:
            bad("coupon_limit_negative", coupon=coupon.code)
        if coupon.max_uses > MAX_COUNT or coupon.per_member > MAX_COUNT:
            bad("rule_number_range", field=coupon.code, max=MAX_COUNT)
        _check_dates(coupon.starts, coupon.ends, coupon.code, "coupon", today, bad)
    if rules.next_visit_promotion and rules.next_visit_promotion not in promo_codes:
        bad("next_visit_unknown", promotion=rules.next_visit_promotion)
    if rules.next_visit_promotion and rules.next_visit_days <= 0:
        bad("next_visit_days")
    return out


def _check_dates(starts: str, ends: str, name: str, what: str, today: dt.date | None, bad: Any) -> None:
    first, last = _date(starts), _date(ends)
    if starts and first is None or ends and last is None:
        bad(f"{what}_date_bad", name=name)
        return
    if first and last and last < first:
        bad(f"{what}_dates_order", name=name)
    if today and last and last < today:
        bad(f"{what}_expired", name=name, ends=ends)


def _check_promotion(promo: Promotion, rules: Rules, taken: set[str], today: dt.date | None, bad: Any) -> None:
    name = promo.name or promo.code
    if not promo.code.strip():
        bad("promo_code_empty")
    if promo.code in taken:
        bad("promo_code_taken", name=promo.code)
    if promo.kind not in PROMOTION_KINDS:
        bad("promo_kind", name=name, kind=promo.kind)
    if promo.kind == "discount" and not 0 < promo.bp <= BP:
        bad("promo_percent_range", name=name)
    if promo.kind == "multiplier" and not BP < promo.bp <= 10 * BP:
        bad("promo_multiplier_range", name=name)
    if promo.kind == "fixed_points" and promo.points <= 0:
        bad("promo_points", name=name)
    if promo.kind == "buy_get" and (promo.buy <= 0 or promo.get <= 0):
        bad("promo_buy_get", name=name)
    if not (0 <= promo.hour_from < promo.hour_to <= 24):
        bad("promo_hours", name=name)
    if any(not 0 <= d <= 6 for d in promo.weekdays):
        bad("promo_weekdays", name=name)
    if promo.min_bill < 0 or promo.min_qty < 0:
        bad("promo_minimum_negative", name=name)
    if promo.points > MAX_POINTS or promo.min_bill > MAX_AMOUNT or abs(promo.bp) > 10 * BP or max(
            promo.buy, promo.get, promo.min_qty, abs(promo.priority)) > MAX_COUNT:
        bad("promo_number_range", name=name)
    unknown = [t for t in promo.tiers if rules.tier(t) is None]
    if unknown:
        bad("promo_tier_unknown", name=name, tier=", ".join(unknown))
    _check_dates(promo.starts, promo.ends, name, "promo", today, bad)


def validate(rules: Rules, today: dt.date | None = None) -> list[str]:
    """Problems an owner must fix, each a sentence; empty when the rules are sound."""
    return [p.message for p in check(rules, today)]


class RulesInvalid(InputError):
    """A rule set that cannot be published; every problem is in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.code, **first.params)
        self.problems = problems

    def __str__(self) -> str:
        return " ".join(p.message for p in self.problems)


# --- JSON ----------------------------------------------------------------------------


def to_dict(rules: Rules) -> dict[str, Any]:
    body = dataclasses.asdict(rules)
    body.pop("version")
    return body


_SCALARS: dict[str, Any] = {"int": int, "str": str, "bool": bool}


def _of_type(value: Any, annotation: str) -> bool:
    """A JSON value against a field's annotation: money and points stay whole numbers
    (a float or true/false where a number belongs is refused, not priced)."""
    optional = annotation.endswith(" | None")
    annotation = annotation.removesuffix(" | None")
    if value is None:
        return optional
    if annotation in _SCALARS:
        kind = _SCALARS[annotation]
        return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        inner = annotation[6:-6]
        return isinstance(value, tuple) and (inner not in _SCALARS or all(_of_type(v, inner) for v in value))
    return True


def _build(cls: type, body: Any, what: str) -> Any:
    """A dataclass from a dict, lists made tuples; unknown keys are a readable error."""
    if not isinstance(body, dict):
        raise InputError("rules_file_bad", detail=what)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(body) - set(fields)
    if unknown:
        raise InputError("rules_unknown_key", keys=", ".join(sorted(unknown)))
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in body.items()}
    for name, value in values.items():
        if not _of_type(value, str(fields[name].type)):
            raise InputError("rules_value_type", key=name, value=repr(value)[:40])
    try:
        return cls(**values)
    except TypeError as exc:
        raise InputError("rules_file_bad", detail=str(exc)) from None


def from_dict(body: dict[str, Any], version: int = 0) -> Rules:
    if not isinstance(body, dict):
        raise InputError("rules_file_bad", detail="not an object")
    values = dict(body)
    values.pop("version", None)
    values["tiers"] = [_build(Tier, t, "tier") for t in body.get("tiers", ())]
    values["promotions"] = [_build(Promotion, p, "promotion") for p in body.get("promotions", ())]
    values["coupons"] = [_build(Coupon, c, "coupon") for c in body.get("coupons", ())]
    rules = _build(Rules, values, "rule")
    return dataclasses.replace(rules, version=version)


def dumps(rules: Rules) -> str:
    return json.dumps(to_dict(rules), ensure_ascii=False, sort_keys=True, indent=2)


def loads(text: str) -> Rules:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("rules_file_bad", detail=str(exc)) from None
    except RecursionError:  # lists or objects nested thousands deep
        raise InputError("rules_file_bad", detail="nested too deeply") from None
    except ValueError:  # an integer of thousands of digits (Python refuses to read it)
        raise InputError("rules_file_bad", detail="a number with too many digits") from None
    if isinstance(body, dict) and "format" in body:
        if body["format"] not in FORMATS:
            raise InputError("rules_format", format=repr(body["format"])[:40], known=", ".join(FORMATS))
        if "rules" in body:
            body = body["rules"]  # the export's envelope
    return from_dict(body)


def effective_utc(when: dt.datetime) -> dt.datetime:
    """The moment rules take effect as stored (UTC, naive): a time with an offset
    (2026-12-01T00:00+05:00) is that moment, not midnight UTC."""
    if when.tzinfo is None:
        return when
    try:
        return when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise InputError("rules_effective_range") from None


def sound_body(body: str) -> bool:
    """Whether a stored or pulled rule set's JSON is one this till can price with;
    a rule set that is not is refused, never applied to sales."""
    try:
        return not check(from_dict(json.loads(body)))
    except (InputError, ValueError, TypeError, RecursionError):
        return False


def export_document(rules: Rules) -> str:
    """A readable file to copy a programme to another shop."""
    doc = {"format": "loyaltill-rules/1", "version": rules.version, "name": rules.name, "rules": to_dict(rules)}
    return json.dumps(doc, ensure_ascii=False, sort_keys=False, indent=2)


# --- the stored versions ---------------------------------------------------------------


# A starting programme's figures per currency, worth about the same everywhere
# (1 ₽ ≈ 0.20 MDL ≈ 0.05 RON ≈ 0.01 €): a point pays about a rouble, so the
# smallest purchase still earns one; Silver at 15,000 ₽ ≈ 3,000 lei (MDL) ≈
# 750 lei (RON) ≈ 150 €, Gold at 50,000 ₽ ≈ 10,000 MDL ≈ 2,500 RON ≈ 500 €.
# In minor units: (what a point pays, Silver's spend, Gold's spend).
STARTING_FIGURES: dict[str, tuple[int, int, int]] = {
    "RUB": (100, 1_500_000, 5_000_000),
    "MDL": (20, 300_000, 1_000_000),
    "RON": (5, 75_000, 250_000),
    "EUR": (1, 15_000, 50_000),
}


def default_rules(currency: str = "RUB") -> Rules:
    """What a new shop starts with: 5 % points, three tiers, 30 % cap, in its currency's figures.

    Paying with points starts at 100 points (about 100 ₽ whatever the currency)."""
    point_value, silver, gold = STARTING_FIGURES.get(currency, STARTING_FIGURES["RUB"])
    return Rules(
        name="Standard",
        discount_bp=0,
        earn_bp=500,
        point_value=point_value,
        redeem_cap_bp=3000,
        redeem_min_balance=100,
        redeem_step=1,
        tiers=(
            Tier("base", "Base", 0),
            Tier("silver", "Silver", silver, earn_bp=700),
            Tier("gold", "Gold", gold, earn_bp=1000, discount_bp=300),
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
        raise InputError("no_rules")
    return from_dict(json.loads(row.body), row.version)


def by_version(version: int) -> Rules:
    if not 0 < version < 2**63:  # SQLite keeps no larger integer: nothing to look up
        raise InputError("rules_version_unknown", version=version)
    row = RuleSet.get_or_none(RuleSet.version == version)
    if row is None:
        raise InputError("rules_version_unknown", version=version)
    return from_dict(json.loads(row.body), row.version)


def all_versions() -> dict[int, Rules]:
    return {row.version: from_dict(json.loads(row.body), row.version) for row in RuleSet.select()}


@dataclass(frozen=True)
class Version:
    version: int
    name: str
    status: str
    effective_from: dt.datetime


def draft_rules() -> Rules | None:
    """The latest draft, if the owner kept one."""
    row = RuleSet.select().where(RuleSet.status == "draft").order_by(RuleSet.version.desc()).first()
    return from_dict(json.loads(row.body), row.version) if row else None


def versions() -> list[Version]:
    return [
        Version(r.version, r.name, r.status, r.effective_from)
        for r in RuleSet.select().order_by(RuleSet.version.desc())
    ]


def parse_percent(text: str, field: str = "") -> int:
    """'5' / '2,5' / '2.5 %' -> basis points; InputError if it is not a percentage."""
    from decimal import Decimal, InvalidOperation

    cleaned = text.strip().replace("%", "").replace(",", ".").replace(" ", "")
    try:
        value = Decimal(cleaned).scaleb(2)
    except InvalidOperation:
        raise InputError("percent_bad", text=text, field=field) from None
    if value != value.to_integral_value() or not value.is_finite():
        raise InputError("percent_bad", text=text, field=field)
    return int(value)


def publish(
    rules: Rules, effective_from: dt.datetime | None = None, *, status: str = "active", actor: Any = None,
) -> Rules:
    """Store rules as the next version, in force from `effective_from` (a draft
    is stored the same way and never applies until published).  With an
    `actor` (the owner's screens), only the owner may."""
    if actor is not None:
        auth.require(actor, "edit_rules")
    problems = check(rules)
    if problems:
        raise RulesInvalid(problems)
    with write_transaction():
        last = RuleSet.select(RuleSet.version).order_by(RuleSet.version.desc()).first()
        version = (last.version if last else 0) + 1
        row = RuleSet.create(
            version=version,
            name=rules.name,
            body=json.dumps(to_dict(rules), ensure_ascii=False, sort_keys=True),
            status=status,
            effective_from=effective_utc(effective_from) if effective_from else utcnow(),
        )
        doc = row_dict(RuleSet.get_by_id(row.id))  # as sync reads it back, so the signature matches both ways
        signature = authority.sign_row("rule_set", str(row.id), doc)  # the owner's authority, for the hub
        outbox.record("rule_set", {**doc, "_authority": signature} if signature else doc)
        if status == "active" and actor is not None:  # a person's act (opening a shop publishes a first one)
            audit.record("rules_published", actor, target=f"v{version}", name=rules.name,
                         effective_from=row.effective_from)
    return dataclasses.replace(rules, version=version)
