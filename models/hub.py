"""The hub's tables, on PostgreSQL (peewee), and their numbered migrations.

The hub keeps what the tills tell it: every operation once (`applied_op`,
keyed by the till-born UUID), the facts (sales, returns, ledger entries, keyed
by their till-born UUIDs), master data as documents merged field by field
(`entity`), and a change log the tills pull from (`change`).  A balance is
never stored: it is the sum of `hub_ledger` for the member.
"""
from __future__ import annotations

import datetime as dt

import peewee
from playhouse.postgres_ext import BinaryJSONField, JSONField, PooledPostgresqlExtDatabase

from models.hub_steps import (
    h0001_initial, h0002_audit, h0003_owner_keys, h0004_trust, h0005_seeded, h0006_push_cost, h0007_figures,
)

hub_db = peewee.DatabaseProxy()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def make_hub_database(dsn: str, max_connections: int = 32) -> PooledPostgresqlExtDatabase:
    """A pooled connection to the hub's database, from a postgresql:// DSN."""
    from urllib.parse import unquote, urlparse

    url = urlparse(dsn)
    if url.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a postgresql:// DSN: {dsn!r}")
    params: dict[str, object] = {}
    if url.hostname:
        params["host"] = unquote(url.hostname)
    if url.port:
        params["port"] = url.port
    if url.username:
        params["user"] = unquote(url.username)
    if url.password:
        params["password"] = unquote(url.password)
    for part in url.query.split("&"):
        if "=" in part:
            key, value = part.split("=", 1)
            params[key] = unquote(value)
    return PooledPostgresqlExtDatabase(
        unquote(url.path.lstrip("/")), max_connections=max_connections, stale_timeout=300,
        register_hstore=False, **params,
    )


class HubModel(peewee.Model):
    class Meta:
        database = hub_db
        legacy_table_names = False


class HubTill(HubModel):
    """An enrolled till; it is known by its token, stored only as a hash."""

    id = peewee.UUIDField(primary_key=True)
    name = peewee.TextField(unique=True)
    number = peewee.IntegerField(unique=True)
    token_hash = peewee.BlobField(unique=True)
    created_at = peewee.DateTimeField(default=utcnow)
    revoked_at = peewee.DateTimeField(null=True)
    last_seq = peewee.BigIntegerField(default=0)  # highest outbox seq applied, contiguous
    last_push_at = peewee.DateTimeField(null=True)
    # The till's own id on its receipts when it joined with a shop of its own
    # (services.hub.rights binds the first one it sends).
    local_till_id = peewee.UUIDField(null=True, unique=True)
    # When its seed (its own history, sent once when it joined) ended (services.hub.apply.apply_snapshot).
    seeded_at = peewee.DateTimeField(null=True)
    # The store it sells in, as the hub's admin names it (hub step 7; services.hub.figures).
    store = peewee.TextField(null=True)


class AppliedOp(HubModel):
    """Each till operation, once: the primary key is the op's UUID."""

    op_id = peewee.UUIDField(primary_key=True)
    # The till whose token pushed it: no foreign key (a trigger per row); a till
    # is never deleted (hub step 6).  The unique (till, seq) below serves look-ups.
    till_id = peewee.UUIDField()
    seq = peewee.BigIntegerField()
    kind = peewee.TextField()
    status = peewee.TextField()  # applied / quarantined
    applied_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("till_id", "seq"), True),)


class Quarantine(HubModel):
    """Operations the hub could not apply, for the owner to look at; never blocking."""

    id = peewee.BigAutoField()
    till = peewee.ForeignKeyField(HubTill, on_delete="RESTRICT")
    op_id = peewee.UUIDField(unique=True)
    seq = peewee.BigIntegerField()
    kind = peewee.TextField()
    payload = BinaryJSONField()
    error = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)


class Entity(HubModel):
    """Master data (members, cards, catalogue, staff, rule sets, settings) as
    documents with a hybrid-logical-clock per field: last writer wins, field by field."""

    kind = peewee.TextField()
    entity_id = peewee.TextField()
    doc = BinaryJSONField()
    clocks = BinaryJSONField()
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        primary_key = peewee.CompositeKey("kind", "entity_id")


class HubSale(HubModel):
    id = peewee.UUIDField(primary_key=True)
    # The enrolled till that sent it; not a foreign key (hub step 6: a till is never deleted).
    origin_id = peewee.UUIDField()
    till_id = peewee.UUIDField(null=True)  # the till's own id, as on its receipts
    receipt_no = peewee.TextField()
    member_id = peewee.UUIDField(null=True, index=True)
    created_at = peewee.DateTimeField(index=True)  # hub step 7: a period's sales by a range scan
    total = peewee.BigIntegerField()
    paid_money = peewee.BigIntegerField()
    points_redeemed = peewee.BigIntegerField()
    points_earned = peewee.BigIntegerField()
    # Lines and payments as the till sent them: json, not jsonb, keeps the
    # till's text as it is and costs the push no parsing.
    doc = JSONField()


class HubReturn(HubModel):
    id = peewee.UUIDField(primary_key=True)
    origin = peewee.ForeignKeyField(HubTill, on_delete="RESTRICT")
    sale_id = peewee.UUIDField(index=True)
    refund = peewee.BigIntegerField()
    value = peewee.BigIntegerField()
    doc = JSONField()


class HubLedger(HubModel):
    """Points movements from every till; the UUID is the one born on the till.
    `kind` is any string: the rules engine may invent new kinds."""

    id = peewee.UUIDField(primary_key=True)
    member_id = peewee.UUIDField(index=True)
    kind = peewee.TextField()
    delta = peewee.BigIntegerField()
    sale_id = peewee.UUIDField(null=True, index=True)
    return_id = peewee.UUIDField(null=True)
    till_id = peewee.UUIDField(null=True)
    staff_id = peewee.UUIDField(null=True)
    note = peewee.TextField(default="")
    created_at = peewee.DateTimeField(index=True)  # hub step 7: a period's points by a range scan
    origin_id = peewee.UUIDField(null=True)  # the till that sent it (hub step 6: no foreign key)
    received_at = peewee.DateTimeField(default=utcnow)


class Change(HubModel):
    """What tills pull, in `seq` order (see services.hub.pull for why the order holds)."""

    seq = peewee.BigAutoField()
    kind = peewee.TextField()
    entity_id = peewee.TextField()
    origin_id = peewee.UUIDField(null=True)  # the till that sent it (hub step 6: no foreign key)
    doc = JSONField()  # read back whole, never queried inside
    clocks = JSONField(null=True)


class Hold(HubModel):
    """Points set aside for a redemption in progress at an online till."""

    id = peewee.UUIDField(primary_key=True)
    member_id = peewee.UUIDField(index=True)
    till = peewee.ForeignKeyField(HubTill, on_delete="RESTRICT")
    points = peewee.BigIntegerField()
    state = peewee.TextField(default="active")  # active / confirmed / released / settled
    sale_id = peewee.UUIDField(null=True, index=True)
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()


class MemberFlag(HubModel):
    """A member whose merged ledger went below zero (tills redeemed the same
    points offline); redemption stays blocked until earnings cover it."""

    member_id = peewee.UUIDField(primary_key=True)
    flagged_at = peewee.DateTimeField(default=utcnow)
    lowest = peewee.BigIntegerField()
    balance = peewee.BigIntegerField()
    cleared_at = peewee.DateTimeField(null=True)


class OwnerKey(HubModel):
    """An owner's public key the hub accepts governed documents signed with (services.hub.governance)."""

    key = peewee.TextField(primary_key=True)
    staff_id = peewee.TextField(null=True, index=True)
    name = peewee.TextField()
    added_by = peewee.TextField()  # "admin", or the key of the owner whose signed staff document introduced it
    added_at = peewee.DateTimeField(default=utcnow)
    dropped_at = peewee.DateTimeField(null=True)
class HubAudit(HubModel):
    """The chain's audit log: every till's entries as pushed, appended and never
    changed (step 2 also puts a trigger on the table refusing UPDATE and DELETE).
    `origin` is the till whose token pushed it, whatever the entry says."""

    id = peewee.UUIDField(primary_key=True)  # born on the till
    origin = peewee.ForeignKeyField(HubTill, on_delete="RESTRICT")
    created_at = peewee.DateTimeField()
    received_at = peewee.DateTimeField(default=utcnow)
    action = peewee.TextField()
    staff_id = peewee.UUIDField(null=True)
    staff_name = peewee.TextField()
    target = peewee.TextField()
    details = BinaryJSONField(index=False)

    class Meta:
        indexes = ((("action", "created_at"), False),)


class HubSchema(HubModel):
    version = peewee.IntegerField()


HUB_MODELS: list[type[HubModel]] = [
    HubTill, AppliedOp, Quarantine, Entity, HubSale, HubReturn, HubLedger, Change, Hold, MemberFlag, OwnerKey, HubAudit,
]


def _h1_initial(database: peewee.Database) -> None:
    for statement in h0001_initial.STATEMENTS:
        database.execute_sql(statement)


# History, as for the till's (models/migrations.py): frozen DDL, a new step for
# each change, the models changed with it; tests/hub/test_hub_schema.py fails
# when the two disagree.
def _h3_owner_keys(database: peewee.Database) -> None:
    for statement in h0003_owner_keys.STATEMENTS:
        database.execute_sql(statement)


def _h4_trust(database: peewee.Database) -> None:
    for statement in h0004_trust.STATEMENTS:
        database.execute_sql(statement)


def _h2_audit(database: peewee.Database) -> None:
    for statement in h0002_audit.STATEMENTS:
        database.execute_sql(statement)


def _h5_seeded(database: peewee.Database) -> None:
    for statement in h0005_seeded.STATEMENTS:
        database.execute_sql(statement)


def _h6_push_cost(database: peewee.Database) -> None:
    for statement in h0006_push_cost.STATEMENTS:
        database.execute_sql(statement)


def _h7_figures(database: peewee.Database) -> None:
    for statement in h0007_figures.STATEMENTS:
        database.execute_sql(statement)


# In the order they were first run on a hub: step 2 landed after 3 and 4.
HUB_MIGRATIONS = [_h1_initial, _h3_owner_keys, _h4_trust, _h2_audit, _h5_seeded, _h6_push_cost, _h7_figures]


def migrate_hub(database: peewee.Database) -> int:
    """Bring the hub schema to the latest version; returns the version found.
    An advisory lock keeps two hub processes starting at once from racing."""
    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(7461001)")
        database.execute_sql(h0001_initial.VERSION_TABLE)
        row = HubSchema.select().first()
        found = row.version if row else 0
        if found > len(HUB_MIGRATIONS):
            raise RuntimeError(f"hub schema {found} is newer than this program ({len(HUB_MIGRATIONS)})")
        for number in range(found, len(HUB_MIGRATIONS)):
            HUB_MIGRATIONS[number](database)
        if row is None:
            HubSchema.create(version=len(HUB_MIGRATIONS))
        else:
            HubSchema.update(version=len(HUB_MIGRATIONS)).execute()
    return found


def open_hub(dsn: str, max_connections: int = 32) -> peewee.Database:
    database = make_hub_database(dsn, max_connections)
    hub_db.initialize(database)
    with database.connection_context():
        migrate_hub(database)
    return database
