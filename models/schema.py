"""The till's tables.

Everything that syncs (member, card, sale, line, payment, ledger entry,
return) carries a UUID made where it is born: a time-ordered UUIDv7, stored as
16 bytes, so inserts stay local in the index and nothing is renumbered when a
till comes back online.  Money columns are integers of minor units; points
are integers.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable

import peewee
import uuid_utils.compat
from playhouse.sqlite_ext import AutoIncrementField

from models.db import db


def new_id() -> uuid.UUID:
    return uuid_utils.compat.uuid7()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def uuid_from_bytes(raw: bytes) -> uuid.UUID:
    """uuid.UUID(bytes=raw) for 16 bytes read back from the database, without
    its argument checks: every row on the hot paths carries a few ids, and
    the checks cost more than the rest of reading them.  The result is the
    same object uuid.UUID builds (its `int`, and `is_safe` unknown)."""
    value = _new_object(uuid.UUID)
    _set_attribute(value, "int", int.from_bytes(raw, "big"))
    _set_attribute(value, "is_safe", _SAFETY_UNKNOWN)
    return value


# Looked up once: on the hot path these lookups cost as much as the work.
_new_object, _set_attribute, _SAFETY_UNKNOWN = object.__new__, object.__setattr__, uuid.SafeUUID.unknown


class UUIDKey(peewee.BinaryUUIDField):
    """16-byte UUID that also takes the canonical text form ("0190…-…")."""

    def db_value(self, value: object) -> object:
        if type(value) is uuid.UUID:  # the usual case, straight to peewee's result
            return self._constructor(value.bytes)
        if isinstance(value, str) and len(value) == 36:
            value = uuid.UUID(value)
        return super().db_value(value)

    def python_value(self, value: object) -> object:
        if type(value) is bytes and len(value) == 16:
            return uuid_from_bytes(value)
        return super().python_value(value)


class _ReadsIsoText:
    """Read dates stored as ISO text with fromisoformat (C) before peewee's
    strptime loop: every member lookup reads three of these on the scan's hot path."""

    parse: Callable[[str], object]

    def python_value(self, value: object) -> object:
        if isinstance(value, str):
            try:
                return self.parse(value)
            except ValueError:
                pass
        return super().python_value(value)  # type: ignore[misc]


class Timestamp(_ReadsIsoText, peewee.DateTimeField):
    parse = staticmethod(dt.datetime.fromisoformat)


class Day(_ReadsIsoText, peewee.DateField):
    parse = staticmethod(dt.date.fromisoformat)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class UUIDModel(BaseModel):
    id = UUIDKey(primary_key=True, default=new_id)


class Setting(BaseModel):
    """Shop and till settings as JSON values (shop name, currency, prefixes)."""

    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()


class Store(UUIDModel):
    """One shop of a chain: its own name and address on its tills' receipts."""

    name = peewee.TextField()
    address = peewee.TextField(default="")


class Till(UUIDModel):
    code = peewee.TextField(unique=True)
    name = peewee.TextField(default="")
    number = peewee.IntegerField(unique=True)  # used inside card numbers born here
    receipt_seq = peewee.IntegerField(default=0)
    card_seq = peewee.IntegerField(default=0)
    is_local = peewee.BooleanField(default=False)
    store = peewee.ForeignKeyField(Store, null=True, on_delete="RESTRICT")  # None: the shop's own name and address


class Staff(UUIDModel):
    name = peewee.TextField()
    role = peewee.TextField(constraints=[peewee.Check("role IN ('cashier','manager','owner')")])
    pin_hash = peewee.BlobField()
    pin_salt = peewee.BlobField()
    active = peewee.BooleanField(default=True)
    created_at = Timestamp(default=utcnow)
    # An owner's public signing key and the salt it is derived from the PIN
    # with (services.journal.authority); empty for everyone else.  Schema 5.
    sign_key = peewee.TextField(null=True)
    key_salt = peewee.TextField(null=True)


class Category(UUIDModel):
    name = peewee.TextField(unique=True)
    # Tobacco, alcohol, gift cards: never a discount, never points.
    loyalty_excluded = peewee.BooleanField(default=False)


class Product(UUIDModel):
    barcode = peewee.TextField(unique=True)
    sku = peewee.TextField(index=True)
    name = peewee.TextField()
    name_key = peewee.TextField(index=True)  # casefolded, for search
    category = peewee.ForeignKeyField(Category, backref="products", on_delete="RESTRICT")
    price = peewee.IntegerField(constraints=[peewee.Check("price >= 0")])
    quick_key = peewee.IntegerField(null=True, unique=True)
    active = peewee.BooleanField(default=True)
    # Schema 9: weighed goods are priced per kilogram (`price`), and the shop's
    # scales print their PLU inside the barcode (services.shop.scales).
    weighed = peewee.BooleanField(default=False, constraints=[peewee.SQL("DEFAULT 0")])
    plu = peewee.IntegerField(null=True, unique=True)


class Reward(UUIDModel):
    """Schema 17: a catalogue product given as a gift for `points` (services/programme/rewards.py).
    Retired, not deleted: the sales that gave it name it."""

    product = peewee.ForeignKeyField(Product, on_delete="RESTRICT")
    points = peewee.IntegerField(constraints=[peewee.Check("points > 0")])
    active = peewee.BooleanField(default=True)
    stock = peewee.IntegerField(null=True, constraints=[peewee.Check("stock >= 0")])  # None: no limit
    per_member = peewee.IntegerField(null=True, constraints=[peewee.Check("per_member > 0")])  # None: no limit
    valid_from = Day(null=True)  # the shop's days, both included; None: open
    valid_to = Day(null=True)
    tier = peewee.TextField(default="")  # '': every member; else this tier or a higher one
    created_at = Timestamp(default=utcnow)
    updated_at = Timestamp(default=utcnow)


class RuleSet(UUIDModel):
    """A version of the loyalty programme; every sale records the one it used."""

    version = peewee.IntegerField(unique=True)
    name = peewee.TextField(default="")
    body = peewee.TextField()  # JSON, see services.rules
    status = peewee.TextField(default="active", constraints=[peewee.Check("status IN ('draft','active','retired')")])
    effective_from = Timestamp(default=utcnow, index=True)
    created_at = Timestamp(default=utcnow)


class Member(UUIDModel):
    name = peewee.TextField()
    name_key = peewee.TextField(index=True)
    phone = peewee.TextField(null=True, index=True)  # E.164
    birthday = Day(null=True)
    marketing_consent = peewee.BooleanField(default=False)
    tier = peewee.TextField(default="")
    # A cache of SUM(ledger_entry.delta); tests prove the two never differ.
    balance = peewee.IntegerField(default=0)
    created_at = Timestamp(default=utcnow, index=True)
    updated_at = Timestamp(default=utcnow)
    # Schema 12: what an old system knew of an imported member, and where they came from.
    email = peewee.TextField(null=True)
    note = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    origin = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])  # '' here, 'import' from a file
    external_ref = peewee.TextField(null=True, index=True)  # the old system's id of this customer
    # Schema 19: when the member's personal data was erased at their request (services/reach/privacy.py).
    erased_at = Timestamp(null=True)

    class Meta:
        # Schema 13: the members registered in a period, read from the index alone (members
        # enrolled by cashier: services/insights/figures.py).
        indexes = ((("created_at", "origin", "id"), False),)


class Card(UUIDModel):
    number = peewee.FixedCharField(max_length=13, unique=True)
    member = peewee.ForeignKeyField(Member, null=True, backref="cards", on_delete="RESTRICT")
    status = peewee.TextField(default="active", constraints=[peewee.Check("status IN ('active','blocked','reserved')")])
    created_at = Timestamp(default=utcnow)
    blocked_at = Timestamp(null=True)


class Sale(UUIDModel):
    till = peewee.ForeignKeyField(Till, on_delete="RESTRICT")
    receipt_no = peewee.TextField(unique=True)
    cashier = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    member = peewee.ForeignKeyField(Member, null=True, backref="sales", on_delete="RESTRICT")
    card_number = peewee.TextField(null=True)
    rule_version = peewee.IntegerField()
    created_at = Timestamp(default=utcnow, index=True)
    subtotal = peewee.IntegerField()  # before any discount
    discount = peewee.IntegerField()
    total = peewee.IntegerField()  # subtotal - discount: what the goods cost
    points_redeemed = peewee.IntegerField(default=0)
    points_value = peewee.IntegerField(default=0)  # money paid by points
    paid_money = peewee.IntegerField()  # total - points_value
    points_earned = peewee.IntegerField(default=0)
    balance_after = peewee.IntegerField(null=True)
    # Schema 17: points the gifts of this sale cost (its reward lines), apart from points_redeemed.
    points_rewarded = peewee.IntegerField(default=0, constraints=[peewee.SQL("DEFAULT 0")])
    offline = peewee.BooleanField(default=True)  # no hub confirmed it yet
    # Who gave a manual discount: the owner sees every one of them.
    discount_authorised_by = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    # Schema 12: read from an old system's history; never pushed, earned nothing here.
    imported = peewee.BooleanField(default=False, constraints=[peewee.SQL("DEFAULT 0")])

    class Meta:
        indexes = ((("member", "created_at"), False),)


class SaleLine(UUIDModel):
    sale = peewee.ForeignKeyField(Sale, backref="lines", on_delete="CASCADE")
    position = peewee.IntegerField()
    product = peewee.ForeignKeyField(Product, null=True, on_delete="RESTRICT")
    barcode = peewee.TextField()
    name = peewee.TextField()
    qty = peewee.IntegerField(constraints=[peewee.Check("qty > 0")])
    unit_price = peewee.IntegerField()
    gross = peewee.IntegerField()
    discount = peewee.IntegerField()
    points_value = peewee.IntegerField(default=0)  # share of the bill paid by points
    points_earned = peewee.IntegerField(default=0)
    reasons = peewee.TextField(default="[]")  # JSON: why the discount and the points
    # Schema 9: a weighed line (qty 1, unit_price the line's amount) keeps its weight and price per kg.
    grams = peewee.IntegerField(null=True)
    price_per_kg = peewee.IntegerField(null=True)
    # Schema 17: a gift line (price 0) names its reward and the points it cost, for its whole qty.
    reward = peewee.ForeignKeyField(Reward, null=True, index=False, on_delete="RESTRICT")
    reward_points = peewee.IntegerField(default=0, constraints=[peewee.SQL("DEFAULT 0")])

    class Meta:
        indexes = ((("sale", "position"), True),)


# A reward's gifts, counted for its limits: only the gift lines are in it (schema 17).
SaleLine.add_index(SaleLine.index(SaleLine.reward, name="sale_line_gifts", where=SaleLine.reward.is_null(False)))


class Payment(UUIDModel):
    sale = peewee.ForeignKeyField(Sale, backref="payments", on_delete="CASCADE")
    method = peewee.TextField(constraints=[peewee.Check("method IN ('cash','card')")])
    amount = peewee.IntegerField()  # applied to the bill
    tendered = peewee.IntegerField()  # handed over (cash may exceed amount)
    change = peewee.IntegerField(default=0)


class SaleReturn(UUIDModel):
    sale = peewee.ForeignKeyField(Sale, backref="returns", on_delete="RESTRICT")
    till = peewee.ForeignKeyField(Till, on_delete="RESTRICT")
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    authorised_by = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    created_at = Timestamp(default=utcnow)
    refund = peewee.IntegerField()  # money back (refund_card + refund_cash)
    refund_card = peewee.IntegerField(default=0)
    refund_cash = peewee.IntegerField(default=0)
    value = peewee.IntegerField(default=0)  # the goods' worth after discounts: comes off tier spend
    points_reversed = peewee.IntegerField(default=0)
    points_restored = peewee.IntegerField(default=0)
    # Schema 17: the points of the gifts brought back (kind "reward", positive).
    points_unrewarded = peewee.IntegerField(default=0, constraints=[peewee.SQL("DEFAULT 0")])


class ReturnLine(UUIDModel):
    ret = peewee.ForeignKeyField(SaleReturn, backref="lines", column_name="return_id", on_delete="CASCADE")
    sale_line = peewee.ForeignKeyField(SaleLine, backref="returned", on_delete="RESTRICT")
    qty = peewee.IntegerField(constraints=[peewee.Check("qty > 0")])
    refund = peewee.IntegerField()
    points_reversed = peewee.IntegerField(default=0)
    points_restored = peewee.IntegerField(default=0)


class LedgerEntry(UUIDModel):
    """One movement of points; a member's balance is the sum of these."""

    KINDS = (
        "earn", "redeem", "reverse", "restore", "adjust", "expire", "transfer", "welcome",
        "birthday", "referral", "release",  # release: pending points become spendable
        "import",  # the opening balance an old system's file brought (services.imports)
        "reward",  # a gift taken for points (negative, on its sale) or brought back (positive, on the return)
    )

    member = peewee.ForeignKeyField(Member, backref="ledger", on_delete="RESTRICT")
    kind = peewee.TextField()
    delta = peewee.IntegerField()
    sale = peewee.ForeignKeyField(Sale, null=True, on_delete="RESTRICT")
    ret = peewee.ForeignKeyField(SaleReturn, null=True, column_name="return_id", on_delete="RESTRICT")
    till = peewee.ForeignKeyField(Till, null=True, on_delete="RESTRICT")
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    note = peewee.TextField(default="")
    created_at = Timestamp(default=utcnow)

    class Meta:
        indexes = ((("member", "created_at"), False),)


class Outbox(BaseModel):
    """What this till must tell the hub, in order (sent by the sync issue)."""

    seq = peewee.AutoField()
    op_id = UUIDKey(unique=True, default=new_id)
    kind = peewee.TextField()
    payload = peewee.TextField()
    created_at = Timestamp(default=utcnow)
    sent_at = Timestamp(null=True)


# What the hub has not acknowledged yet (migration 3); declared here so the
# models describe the whole schema the migrations build.
Outbox.add_index(Outbox.index(Outbox.seq, name="outbox_unsent", where=Outbox.sent_at.is_null()))


class ParkedSale(UUIDModel):
    """A cart put aside while the customer fetches something; local only."""

    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    label = peewee.TextField(default="")
    cart = peewee.TextField()  # JSON
    created_at = Timestamp(default=utcnow)


# --- schema 2: the loyalty programme's records that must be queryable ----------------


class SaleLoyalty(BaseModel):
    """What a member's sale was priced with beyond its rule version: the tier,
    the event bonuses, the coupons, and the next-visit coupon it printed."""

    sale = peewee.ForeignKeyField(Sale, primary_key=True, backref="loyalty", on_delete="CASCADE")
    tier = peewee.TextField(default="")
    bonus_points = peewee.IntegerField(default=0)  # welcome / birthday / referral on this bill
    coupons = peewee.TextField(default="[]")  # JSON: codes presented
    next_coupon = peewee.TextField(null=True)


class CouponRedemption(UUIDModel):
    code = peewee.TextField(index=True)  # as the programme or the receipt printed it, upper case
    promotion = peewee.TextField()
    member = peewee.ForeignKeyField(Member, null=True, on_delete="RESTRICT")
    sale = peewee.ForeignKeyField(Sale, null=True, on_delete="CASCADE")  # null: a sale on another till of the chain
    created_at = Timestamp(default=utcnow)

    class Meta:
        indexes = ((("code", "member"), False),)


class IssuedCoupon(UUIDModel):
    """A single-use next-visit coupon printed on a receipt."""

    code = peewee.TextField(unique=True)
    promotion = peewee.TextField()
    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT")
    sale = peewee.ForeignKeyField(Sale, null=True, on_delete="CASCADE")  # null: printed by another till of the chain
    created_at = Timestamp(default=utcnow)
    expires_at = Timestamp()
    used_sale = peewee.ForeignKeyField(Sale, null=True, unique=True, on_delete="RESTRICT")


class PendingPoints(UUIDModel):
    """Points earned but not spendable until `available_at`; a return before
    then takes them back here, never from the balance."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT")
    sale = peewee.ForeignKeyField(Sale, on_delete="CASCADE")
    points = peewee.IntegerField()
    reversed = peewee.IntegerField(default=0)
    available_at = Timestamp(index=True)
    released_at = Timestamp(null=True)
    created_at = Timestamp(default=utcnow)

    class Meta:
        indexes = ((("member", "released_at"), False),)


class EventBonus(UUIDModel):
    """A bonus given once: welcome, birthday (once per `key` year), referral.
    The unique index, not a check in code, makes "once" true."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT")
    kind = peewee.TextField()
    key = peewee.TextField(default="")
    sale = peewee.ForeignKeyField(Sale, null=True, on_delete="RESTRICT")
    points = peewee.IntegerField(default=0)
    created_at = Timestamp(default=utcnow)

    class Meta:
        indexes = ((("member", "kind", "key"), True),)


class Referral(UUIDModel):
    member = peewee.ForeignKeyField(Member, unique=True, on_delete="RESTRICT")
    referrer = peewee.ForeignKeyField(Member, on_delete="RESTRICT")
    created_at = Timestamp(default=utcnow)
    rewarded_sale = peewee.ForeignKeyField(Sale, null=True, on_delete="RESTRICT")


# --- schema 3: sync -------------------------------------------------------------------


class SyncedRow(BaseModel):
    """The last version of a master-data row (member, card, ...) this till
    knows, with a hybrid-logical-clock reading per field: a local edit stamps
    the fields it changed, a pulled row wins field by field where its clock
    is later (services.hlc.merge)."""

    kind = peewee.TextField()
    row_id = peewee.TextField()
    doc = peewee.TextField()  # JSON
    clocks = peewee.TextField()  # JSON: field -> reading

    class Meta:
        primary_key = peewee.CompositeKey("kind", "row_id")


# --- schema 4: the audit log -------------------------------------------------------


class AuditEntry(UUIDModel):
    """One sensitive action (a return, a manual discount, a PIN change, a
    sign-in lockout, a backup...), appended and never edited; synced to the
    hub so the owner reads the whole chain's log.  `staff_name` is kept as it
    was at the time: a renamed or disabled person still reads right."""

    created_at = Timestamp(default=utcnow)
    till = peewee.ForeignKeyField(Till, null=True, on_delete="RESTRICT")
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    staff_name = peewee.TextField(default="")
    action = peewee.TextField()
    target = peewee.TextField(default="")  # what it was done to: a receipt no, a card, a person
    details = peewee.TextField(default="{}")  # JSON

    class Meta:
        indexes = ((("action", "created_at"), False),)


# --- schema 5: the owner's authority ------------------------------------------------


class RowSignature(BaseModel):
    """The owner's signature of a governed row (staff, rule set, setting) as it
    was when the owner changed it, kept until sync pushes it: the hub accepts
    what governs the chain only with a trusted owner's signature."""

    kind = peewee.TextField()
    row_id = peewee.TextField()
    digest = peewee.TextField()  # sha256 of the signed document's canonical bytes
    signer = peewee.TextField()  # the public key, base64
    sig = peewee.TextField()  # base64
    signed_at = peewee.IntegerField()  # ms since the epoch, part of what is signed

    class Meta:
        primary_key = peewee.CompositeKey("kind", "row_id")
# --- schema 9: the shop's own catalogue -----------------------------------------------


class ProductCode(UUIDModel):
    """Every barcode a product is sold under, its main one (`product.barcode`)
    included: the unique index keeps a code to one product."""

    product = peewee.ForeignKeyField(Product, backref="codes", on_delete="CASCADE")
    code = peewee.TextField(unique=True)
    kind = peewee.TextField()  # main / ean13 / ean8 / upca / instore / other


class PriceChange(UUIDModel):
    """A product's price from `effective_from` on; `previous` is what it cost before."""

    product = peewee.ForeignKeyField(Product, backref="price_changes", on_delete="CASCADE")
    previous = peewee.IntegerField()
    price = peewee.IntegerField(constraints=[peewee.Check("price >= 0")])
    effective_from = Timestamp()
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")

    class Meta:
        indexes = ((("product", "effective_from"), False),)


class Visit(BaseModel):
    """Schema 13: a member's day with a receipt (services/insights/summary.py keeps it from the
    sales): how many receipts and their value, net of returns.  Keyed member first, so a
    member's visits lie together and a GROUP BY member reads them in order."""

    member_id = peewee.BlobField()
    day = peewee.TextField()  # the shop's date, YYYY-MM-DD
    receipts = peewee.IntegerField()
    value = peewee.IntegerField()

    class Meta:
        primary_key = peewee.CompositeKey("member_id", "day")
        without_rowid = True


class SaleDay(BaseModel):
    """Schema 13: a day's receipts per till, cashier (x'' for none) and member-or-not, net of
    returns, with the discounts and points paid as sold (services/insights/summary.py)."""

    day = peewee.TextField()
    till_id = peewee.BlobField()
    cashier_id = peewee.BlobField()
    is_member = peewee.IntegerField()
    receipts = peewee.IntegerField()
    revenue = peewee.IntegerField()
    discount = peewee.IntegerField()
    points_value = peewee.IntegerField()

    class Meta:
        primary_key = peewee.CompositeKey("day", "till_id", "cashier_id", "is_member")
        without_rowid = True


class LedgerDay(BaseModel):
    """Schema 13: a day's points per till (x'' for none) and kind of entry: the positive
    deltas' sum and the negative ones' (services/insights/summary.py keeps it from the ledger)."""

    day = peewee.TextField()
    till_id = peewee.BlobField()
    kind = peewee.TextField()
    gained = peewee.IntegerField()
    spent = peewee.IntegerField()

    class Meta:
        primary_key = peewee.CompositeKey("day", "till_id", "kind")
        without_rowid = True


class FirstSale(BaseModel):
    """Schema 13: each member's first sale made here (not imported): when, by whom, at which
    till (services/insights/summary.py keeps it; the figures' members enrolled by cashier)."""

    member_id = peewee.BlobField(primary_key=True)
    created_at = peewee.TextField()
    cashier_id = peewee.BlobField(null=True)
    till_id = peewee.BlobField()

    class Meta:
        without_rowid = True


class SaleChanged(BaseModel):
    """Schema 13: sales changed in place (a corrected imported receipt) since the summary last
    read them; services/insights/summary.py counts them again and empties this."""

    sale_id = peewee.BlobField(primary_key=True)

    class Meta:
        without_rowid = True


class VisitPack(BaseModel):
    """Schema 20: `visit` at one moment packed as columns for the owner's figures
    (services/insights/visitpack.py), a row per range of members: their ids (16 bytes each,
    ascending), each one's number of visits (uint32), the visits' days (int32, days since
    1970-01-01) and values (int64).  The rows of one generation (`gen`) are one pack; the live
    one is marked; `summary` names the build of the summary it was read from."""

    gen = peewee.IntegerField()
    part = peewee.IntegerField()
    live = peewee.IntegerField(default=0)
    summary = peewee.TextField()
    member_ids = peewee.BlobField()
    counts = peewee.BlobField()
    days = peewee.BlobField()
    vals = peewee.BlobField()

    class Meta:
        primary_key = peewee.CompositeKey("gen", "part")
        without_rowid = True


class VisitDirty(BaseModel):
    """Schema 20: members whose visits changed since the pack was read (services/insights/summary.py
    marks them); `seq` only grows (AUTOINCREMENT), a mark made again takes a new one."""

    seq = AutoIncrementField()
    member_id = peewee.BlobField(unique=True)


class Occasion(UUIDModel):
    """Schema 14: a date that matters to a member besides their own birthday (services/reach/occasions.py)."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT")
    kind = peewee.TextField(constraints=[peewee.Check(
        "kind IN ('friend_birthday','relative_birthday','anniversary','name_day','other')")])
    for_whom = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    month = peewee.IntegerField(constraints=[peewee.Check("month BETWEEN 1 AND 12")])
    day = peewee.IntegerField(constraints=[peewee.Check("day BETWEEN 1 AND 31")])
    year = peewee.IntegerField(null=True)
    sale_id = UUIDKey(null=True)  # no foreign key: the sale may be another till's
    note = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    created_at = Timestamp(default=utcnow)
    updated_at = Timestamp(default=utcnow)
    removed_at = Timestamp(null=True)

    class Meta:
        indexes = ((("month", "day"), False),)


class Contact(UUIDModel):
    """Schema 14: the contact log (services/reach/contacts.py): who reached a member, how, and
    for which reminder (source, its id, the date it was for)."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT", index=False)  # (member, at) below
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    at = Timestamp()
    channel = peewee.TextField(constraints=[peewee.Check(
        "channel IN ('call','sms','email','messenger','in_person','other')")])
    outcome = peewee.TextField(constraints=[peewee.Check(
        "outcome IN ('reached','no_answer','declined','bought','other')")])
    note = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    source = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    source_id = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    source_date = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("member", "at"), False), (("source", "source_id", "source_date"), False))
# --- schema 16: consent, campaigns, the message log (issue 14, items 4 and 5) -----------

CHANNELS = ("sms", "email", "call", "messenger")
_CHANNEL_CHECK = "channel IN ('sms','email','call','messenger')"


class Consent(UUIDModel):
    """One grant or withdrawal of a channel, never edited: the latest row per member and
    channel is their consent (services/reach/consent.py)."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT", index=False)
    channel = peewee.TextField(constraints=[peewee.Check(_CHANNEL_CHECK)])
    granted = peewee.BooleanField()
    source = peewee.TextField()  # till, form, import, cli, web, migration, erase
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    created_at = Timestamp()

    class Meta:
        indexes = ((("member", "channel", "created_at"), False),)


class ReachPreference(UUIDModel):
    """A member's preferred channel and most messages in 30 days (None: no limit), as they
    chose it at `created_at`; the latest row holds."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT", index=False)
    preferred_channel = peewee.TextField(null=True, constraints=[peewee.Check(
        "preferred_channel IN ('sms','email','call','messenger')")])
    max_per_30d = peewee.IntegerField(null=True, constraints=[peewee.Check("max_per_30d >= 0")])
    source = peewee.TextField()
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    created_at = Timestamp()

    class Meta:
        indexes = ((("member", "created_at"), False),)


class Campaign(UUIDModel):
    """A greeting or an offer to a list of members (services/reach/campaigns.py)."""

    name = peewee.TextField()
    kind = peewee.TextField()  # birthday, new_year, march_8, martisor, easter, win_back, segment
    segment = peewee.TextField()  # a list of services/reach/segment_export.LISTS
    channel = peewee.TextField()
    template = peewee.TextField()
    promotion = peewee.TextField(null=True)  # a personal coupon for this promotion, or none
    coupon_days = peewee.IntegerField(null=True)
    created_at = Timestamp()
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])


class CampaignMember(UUIDModel):
    campaign = peewee.ForeignKeyField(Campaign, on_delete="RESTRICT", index=False)
    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT", index=False)
    coupon = peewee.ForeignKeyField(IssuedCoupon, null=True, on_delete="RESTRICT", index=False)
    created_at = Timestamp()

    class Meta:
        indexes = ((("campaign", "member"), True),)


class MessageLog(UUIDModel):
    """A message exported for sending: the frequency limit counts these."""

    member = peewee.ForeignKeyField(Member, on_delete="RESTRICT", index=False)
    campaign = peewee.ForeignKeyField(Campaign, null=True, on_delete="RESTRICT")
    label = peewee.TextField()  # "export", or the campaign's name
    channel = peewee.TextField()
    address = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    message = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    created_at = Timestamp()
    staff = peewee.ForeignKeyField(Staff, null=True, on_delete="RESTRICT", index=False)
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("member", "created_at"), False),)


# --- schema 15: feedback (issue 14, item 3) -----------------------------------------------


class Feedback(UUIDModel):
    """Schema 15: what a customer said (services/reach/feedback.py): an NPS answer (0-10, "would
    you recommend us"), a CSAT one (1-5, this visit), either optional, and free text (personal:
    erased with the member's data); a complaint has a status the owner moves on."""

    created_at = Timestamp(default=utcnow)
    updated_at = Timestamp(default=utcnow)
    till = peewee.ForeignKeyField(Till, null=True, index=False, on_delete="RESTRICT")  # where it was given
    sale = peewee.ForeignKeyField(Sale, null=True, index=False, on_delete="RESTRICT")  # one answer per sale
    member = peewee.ForeignKeyField(Member, null=True, index=False, on_delete="RESTRICT")
    cashier = peewee.ForeignKeyField(Staff, null=True, index=False, on_delete="RESTRICT")  # the sale's cashier
    nps = peewee.IntegerField(null=True, constraints=[peewee.Check("nps BETWEEN 0 AND 10")])
    csat = peewee.IntegerField(null=True, constraints=[peewee.Check("csat BETWEEN 1 AND 5")])
    text = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    source = peewee.TextField(constraints=[peewee.Check("source IN ('till','display','cli')")])
    complaint = peewee.BooleanField(default=False, constraints=[peewee.SQL("DEFAULT 0")])
    status = peewee.TextField(default="", constraints=[
        peewee.SQL("DEFAULT ''"), peewee.Check("status IN ('','open','in_progress','resolved')")])

    class Meta:
        indexes = (
            (("sale",), True),
            (("member",), False),
            (("complaint", "status", "created_at"), False),  # the owner's list of complaints
        )


class FeedbackNote(UUIDModel):
    """Schema 15: a follow-up on a complaint: who, when, what, and the status it set ('' none)."""

    feedback = peewee.ForeignKeyField(Feedback, backref="notes", index=False, on_delete="CASCADE")
    created_at = Timestamp(default=utcnow)
    staff = peewee.ForeignKeyField(Staff, null=True, index=False, on_delete="RESTRICT")
    staff_name = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    text = peewee.TextField(default="", constraints=[peewee.SQL("DEFAULT ''")])
    status = peewee.TextField(default="", constraints=[
        peewee.SQL("DEFAULT ''"), peewee.Check("status IN ('','open','in_progress','resolved')")])

    class Meta:
        indexes = ((("feedback", "created_at"), False),)


# The figures' answers of a period, read from the index alone (migration 15).
Feedback.add_index(Feedback.index(Feedback.created_at, Feedback.till, Feedback.cashier, Feedback.nps, Feedback.csat,
                                  name="feedback_created_at"))
# Each cashier's answers of a period, in cashier order (the figures' by cashier: no sort).
Feedback.add_index(Feedback.index(Feedback.cashier, Feedback.created_at, Feedback.nps, Feedback.csat, Feedback.till,
                                  name="feedback_cashier_id_created_at"))


V1_MODELS: list[type[BaseModel]] = [
    Setting, Till, Staff, Category, Product, RuleSet, Member, Card, Sale,
    SaleLine, Payment, SaleReturn, ReturnLine, LedgerEntry, Outbox, ParkedSale,
]
V2_MODELS: list[type[BaseModel]] = [SaleLoyalty, CouponRedemption, IssuedCoupon, PendingPoints, EventBonus, Referral]
SYNC_MODELS: list[type[BaseModel]] = [SyncedRow]  # migration 3
AUDIT_MODELS: list[type[BaseModel]] = [AuditEntry]  # migration 4
AUTHORITY_MODELS: list[type[BaseModel]] = [RowSignature]  # migration 5
CATALOGUE_MODELS: list[type[BaseModel]] = [ProductCode, PriceChange]  # migration 9
STORE_MODELS: list[type[BaseModel]] = [Store]  # migration m0011_stores (and till.store)
SUMMARY_MODELS: list[type[BaseModel]] = [Visit, SaleDay, SaleChanged, LedgerDay, FirstSale]  # migration m0013_summary
OCCASION_MODELS: list[type[BaseModel]] = [Occasion, Contact]  # migration m0014_occasions
FEEDBACK_MODELS: list[type[BaseModel]] = [Feedback, FeedbackNote]  # migration m0015_feedback
REACH_MODELS: list[type[BaseModel]] = [Consent, ReachPreference, Campaign, CampaignMember, MessageLog]  # m0016_consent
REWARD_MODELS: list[type[BaseModel]] = [Reward]  # migration m0017_rewards (and the sale's, line's and return's columns)
PACK_MODELS: list[type[BaseModel]] = [VisitPack, VisitDirty]  # migration m0020_visit_pack
ALL_MODELS: list[type[BaseModel]] = (
    V1_MODELS + V2_MODELS + SYNC_MODELS + AUDIT_MODELS + AUTHORITY_MODELS + CATALOGUE_MODELS + STORE_MODELS + SUMMARY_MODELS
    + OCCASION_MODELS + FEEDBACK_MODELS + REACH_MODELS + REWARD_MODELS + PACK_MODELS
)
