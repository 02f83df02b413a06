"""The till's side of sync: push the outbox to the hub, pull what the others did.

Push sends unacknowledged outbox rows in `seq` order, in batches; a row is
marked acknowledged (`Outbox.sent_at`) only when the hub has answered for it
(applied, duplicate or quarantined), and is never deleted.  A lost answer
just means the batch is sent again: the hub applies each op once.

Pull reads the hub's change feed from this till's cursor and applies each
page in one till transaction together with the new cursor, so a crash
between pages repeats at most a page (every apply is idempotent).  Balances
are never taken from the hub: pulled ledger entries are inserted by their
UUID and `member.balance` is recomputed from the merged ledger.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

import peewee

from models import db
from models.schema import (
    Card, Category, Consent, Contact, CouponRedemption, EventBonus, IssuedCoupon, LedgerEntry, Member, Occasion, Outbox,
    PriceChange, Product, ProductCode, ReachPreference, Referral, RuleSet,
    Sale, SaleReturn, Setting, Staff, SyncedRow, Till, utcnow, uuid_from_bytes,
)
from services.journal import authority, continuity, fieldclock
from services.programme import rules as rules_service
from services.core import hlc, signing
from services.reach import privacy
from services.sync import sealed
from services.core.errors import InputError
from services.core.serialize import dumps, row_dict
from services.shop.settings import local_till
from services.shop import training
from services.core.storage import write_transaction

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("loyaltill.sync")

BATCH = 500
PAGE = 1000
# A request's body stays under this, well below the hub's limit (services.hub.door.MAX_BODY, 2 MB):
# a batch of big sales is cut short and the rest goes in the next request.
PUSH_BYTES = 1_500_000
SNAPSHOT_OPS = 2000

# Settings that belong to this till alone and never travel.
# Settings of this till only: never sent, never overwritten by another till's.
LOCAL_KEYS = {
    "sync_hub_url", "sync_token", "sync_cursor", "sync_last_ok", "sync_seeded", "sync_hlc", "sync_last_error",
    "printer",  # the receipt printer plugged into this till (services/printers.py)
    "scan_prefix", "scan_suffix",  # how this till's scanner is set up
    "demo_state",  # whether this file's demo build finished
    "sign_in_guard",  # wrong PINs in a row and the sign-in lock on this till (services/shop/staff.py)
    "last_sign_in",  # who signed in last here: the sign-in screen preselects them
    "backup_second_folder", "backup_last", "restored_from_backup",  # services/care: this till's backups
    "backup_last_automatic",  # services/care/backup: whether this till's daily backup is due
    "period_last_run",  # services/programme/period: when this till's own points run last ran
    "first_day",  # services/opening/first_day: this till's new-shop checklist (a joined till shows none)
    "import_mappings",  # services/imports/columns: the owner's column mappings, per source file, on this till
    "lifetime_fit",  # services/insights/lifetime: the last BG/NBD fit on this till's data, kept to save refitting
    "insights_summary",  # services/insights/summary: how far this till's summary of its sales has read them
    "reach_baskets", "reach_baskets_rules",  # services/reach/baskets: goods bought together in this till's sales
}
# Chain-wide, from the settings page and the cards: shop_name, shop_address, receipt_header, receipt_footer,
# language, currency, time_zone, card_prefix, card_logo (scan_prefix/suffix above are this till's scanner).


class SyncError(InputError):
    """The hub could not be reached or refused us: the cashier keeps selling."""


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int
    pending: int


# --- settings ---------------------------------------------------------------------

def _get(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row else default


def _set(key: str, value: Any) -> None:
    Setting.insert(key=key, value=json.dumps(value, ensure_ascii=False)).on_conflict_replace().execute()


def configure(hub_url: str, token: str) -> None:
    sealed_token = sealed.seal(token.strip())  # a token pasted from a message often brings a newline
    with write_transaction():
        _set("sync_hub_url", hub_url.strip().rstrip("/"))
        _set("sync_token", sealed_token)  # never in clear in the file (services/sync/sealed.py)


def configured() -> tuple[str, str] | None:
    """The hub and this till's token; SyncError "till_key_missing" when the token was
    sealed with a key this machine does not have.  A token stored in clear by an
    older LoyalTill is sealed now."""
    url, stored = _get("sync_hub_url"), _get("sync_token")
    if not (url and stored):
        return None
    if not sealed.is_sealed(stored):
        configure(url, stored)
        return url, stored
    try:
        return url, sealed.unseal(stored)
    except InputError as exc:
        raise SyncError(exc.code, **exc.params) from None


def pending() -> int:
    return Outbox.select().where(Outbox.sent_at.is_null()).count()


def last_ok() -> dt.datetime | None:
    value = _get("sync_last_ok")
    return dt.datetime.fromisoformat(value) if value else None


# --- talking to the hub ---------------------------------------------------------------

class HubClient:
    """HTTP to the hub.  `http` may be any httpx.Client (tests pass FastAPI's TestClient)."""

    def __init__(self, base_url: str, token: str, http: httpx.Client | None = None, timeout: float = 10.0) -> None:
        # httpx (with the click, rich and email modules it pulls in) is imported
        # here, when the till first talks to a hub, not while the window starts.
        import httpx

        self.http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, json_body: bool = False, headers_extra: dict[str, str] | None = None,
             **kwargs: Any) -> Any:
        import httpx  # already loaded by __init__: a dictionary look-up

        headers = {**self.headers, "Content-Type": "application/json"} if json_body else self.headers
        if headers_extra:
            headers = {**headers, **headers_extra}
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except (httpx.TransportError, OSError) as exc:
            raise SyncError("sync_unreachable", detail=type(exc).__name__) from exc
        if response.status_code == 401:
            raise SyncError("sync_unauthorised")
        if response.status_code == 409:
            return response.json() | {"refused": True}
        if response.status_code >= 400:
            raise SyncError("sync_hub_error", status=response.status_code)
        return response.json()

    def whoami(self) -> dict[str, Any]:
        return self.call("GET", "/v1/whoami")

    def push(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        return self.call("POST", "/v1/push", content=_ops_json(ops), json_body=True)

    def push_body(self, body: bytes, handed_over: threading.Event) -> dict[str, Any]:
        """A push already written as JSON (`_ops_json`); `handed_over` is set once the
        whole body has gone to the connection (or the request has ended), so the
        next push can follow it in order (push_all)."""
        def stream() -> Iterator[bytes]:
            yield body
            handed_over.set()
        try:
            return self.call("POST", "/v1/push", content=stream(), json_body=True,
                             headers_extra={"Content-Length": str(len(body))})
        finally:
            handed_over.set()

    def snapshot(self, ops: list[dict[str, Any]], seed: str | None = None) -> dict[str, Any]:
        """`seed` "more"/"last": a part of this till's own history, sent once when it joins."""
        params = {"seed": seed} if seed else None
        return self.call("POST", "/v1/snapshot", content=_ops_json(ops), json_body=True, params=params)

    def pull(self, after: int, limit: int = PAGE) -> dict[str, Any]:
        return self.call("GET", "/v1/pull", params={"after": after, "limit": limit})

    def hold(self, hold_id: uuid.UUID, member_id: uuid.UUID, points: int) -> dict[str, Any]:
        return self.call("POST", "/v1/holds", json={"hold_id": str(hold_id), "member_id": str(member_id), "points": points})

    def confirm(self, hold_id: uuid.UUID, sale_id: str) -> dict[str, Any]:
        return self.call("POST", f"/v1/holds/{hold_id}/confirm", json={"sale_id": sale_id})

    def release(self, hold_id: uuid.UUID) -> dict[str, Any]:
        return self.call("POST", f"/v1/holds/{hold_id}/release")

    def figures(self, start: dt.date, end: dt.date, store: str | None = None,
                proof: dict[str, Any] | None = None) -> dict[str, Any]:
        params = {"from": start.isoformat(), "to": end.isoformat(), **({"store": store} if store else {})}
        headers = {"X-Owner-Key": proof["key"], "X-Owner-Sig": proof["sig"], "X-Owner-At": str(proof["at"])} if proof else None
        return self.call("GET", "/v1/figures", params=params, headers_extra=headers)


def chain_figures(period: Any, store: str | None = None, *, client: HubClient | None = None,
                  now_ms: int | None = None, timeout: float = 10.0) -> dict[str, Any]:
    """The chain's figures as the hub computes them (services.hub.figures): per store and
    in total when the owner is signed in here (the question goes signed with their key),
    else this till's own store only.  Raises SyncError (offline, not joined, refused) as
    every call to the hub does; the window shows the figures only when this returns.
    `period`: a services.core.periods.Period (its start and end days); `timeout`: seconds
    for the hub to connect and answer when no `client` is given (a window asks with less)."""
    start, end = period.start, period.end
    proof = None
    held = authority.signer()
    if held is not None:
        from services.core import questions

        at = int(time.time() * 1000) if now_ms is None else now_ms
        body = signing.signed_bytes(questions.FIGURES, *questions.figures_question(start, end, store), at)
        proof = {"key": held.public, "sig": signing.sign(held.key, body), "at": at}
    own = client is None
    client = client or client_from_settings(timeout=timeout)
    try:
        return client.figures(start, end, store, proof)
    finally:
        if own:
            client.close()


def _op_json(o: dict[str, Any]) -> str:
    # The payload travels as the outbox's own JSON text: no decode and re-encode per op.
    return '{"op_id":"%s","seq":%d,"kind":%s,"payload":%s}' % (
        o["op_id"], o["seq"], json.dumps(o["kind"]), json.dumps(o["payload"]))


def _ops_json(ops: list[dict[str, Any]]) -> bytes:
    return _body([_op_json(o) for o in ops])


def _body(parts: list[str]) -> bytes:
    return ('{"ops":[' + ",".join(parts) + "]}").encode("utf-8")


def join(hub_url: str, token: str, http: httpx.Client | None = None, timeout: float = 10.0) -> HubClient:
    """A hub and token the person typed: remembered only once that hub has answered
    with that token.  A mistyped or unreachable address would otherwise make the
    till count as in a chain (offline caps on every redemption) without one."""
    import httpx

    hub_url, token = hub_url.strip().rstrip("/"), token.strip()
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise SyncError("sync_token_shape")  # it goes in an HTTP header: ASCII only
    try:
        url = httpx.URL(hub_url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise SyncError("sync_url_bad") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise SyncError("sync_url_bad")
    client = HubClient(hub_url, token, http, timeout=timeout)
    try:
        client.whoami()
    except BaseException:
        client.close()
        raise
    configure(hub_url, token)
    return client


def client_from_settings(http: httpx.Client | None = None, timeout: float = 10.0) -> HubClient:
    found = configured()
    if found is None:
        raise SyncError("sync_not_configured")
    return HubClient(found[0], found[1], http, timeout=timeout)


# --- one sync -------------------------------------------------------------------------

def sync_once(client: HubClient, *, batch: int = BATCH, page: int = PAGE,
              on_batch: Callable[[], None] | None = None) -> SyncResult:
    """Push everything waiting, then pull everything new.  Raises SyncError when
    the hub cannot be reached or refuses the token; what was done is kept."""
    if training.is_training():  # a practice copy of the shop: nothing it holds may reach the chain
        raise SyncError("training_no_sync")
    me = client.whoami()
    if "last_seq" in me and continuity.restored_marker() is not None:  # the first sync after a restore
        with write_transaction():
            continuity.settle_after_restore(int(me.get("last_seq") or 0))
    joined = _joined(me)
    if not joined and not _get("expiry_till"):
        with write_transaction():  # the till that brings the shop writes the chain's expiry (loyalty.expires_here)
            _set("expiry_till", local_till().code)
    master = changed_master_data()
    if master:
        _send_snapshot(client, [(c.kind, c.payload) for c in master])
        remember_sent(master)
    if not joined:
        _seed(client)
    pushed = push_all(client, batch=batch, on_batch=on_batch)
    pulled = pull_all(client, page=page)
    with write_transaction():
        _set("sync_last_ok", utcnow().isoformat())
    return SyncResult(pushed=pushed, pulled=pulled, pending=pending())


def _joined(me: dict[str, Any]) -> bool:
    """True once this till's own data has reached the hub (or there was none).
    An empty database becomes the till the hub enrolled."""
    if _get("sync_seeded"):
        return True
    if Till.get_or_none(Till.is_local == True) is None:  # noqa: E712
        with write_transaction():
            Till.create(id=uuid.UUID(me["till_id"]), code=me["name"], name=me["name"], number=me["number"], is_local=True)
            _set("sync_seeded", True)
        return True
    return False


def _seed(client: HubClient) -> None:
    """The first sync of a till that already has a shop: its members, cards and
    ledger go to the hub once (idempotently: the hub keys them by id)."""
    ops: list[tuple[str, dict[str, Any]]] = []
    with write_transaction():
        for model, kind in ((Member, "member"), (Card, "card")):
            for row in model.select():
                ops.append((kind, fieldclock.stamp_payload(kind, row_dict(row))))
        ops.extend(("ledger_entry", row_dict(row)) for row in LedgerEntry.select().order_by(LedgerEntry.created_at))
    _send_snapshot(client, ops, seed=True)
    with write_transaction():
        _set("sync_seeded", True)


# Master data written by services that do not use the outbox, in the order the hub needs them.
UNLOGGED_KINDS: tuple[tuple[str, type[peewee.Model]], ...] = (
    ("category", Category), ("product", Product), ("staff", Staff), ("rule_set", RuleSet),
    ("product_code", ProductCode), ("price_change", PriceChange),  # schema 9: a product's other codes, its prices
)


@dataclass
class MasterChange:
    kind: str
    row_id: str
    payload: dict[str, Any]  # the row with its `_clock` readings
    merged: dict[str, Any]  # what SyncedRow keeps once the hub has it
    merged_clocks: dict[str, str]


def changed_master_data() -> list[MasterChange]:
    """Shop settings, catalogue, staff and rule sets that differ from the version
    this till last exchanged with the hub (SyncedRow), stamped field by field.
    These tables are small (hundreds to thousands of rows), so comparing them
    at each sync is cheaper than an outbox call in every service that edits them.
    Nothing is remembered here: only `remember_sent` after the hub answered."""
    out: list[MasterChange] = []
    with write_transaction():
        rows: list[tuple[str, str, dict[str, Any]]] = [
            ("setting", row.key, {"key": row.key, "value": json.loads(row.value)})
            for row in Setting.select() if row.key not in LOCAL_KEYS
        ]
        for kind, model in UNLOGGED_KINDS:
            rows.extend((kind, str(row.id), row_dict(row)) for row in model.select())
        known: dict[tuple[str, str], str] = {
            (k, r): d for k, r, d in SyncedRow.select(SyncedRow.kind, SyncedRow.row_id, SyncedRow.doc)
            .where(SyncedRow.kind.in_(["setting"] + [k for k, _ in UNLOGGED_KINDS])).tuples()
        }
        signed = authority.signatures()
        for kind, row_id, doc in rows:
            before = known.get((kind, row_id))
            if before is not None and {**json.loads(before), **doc} == json.loads(before):
                continue
            if kind in authority.GOVERNED:
                out.append(_governed_change(kind, row_id, doc, signed.get((kind, row_id))))
                continue
            clocks, merged, merged_clocks = fieldclock.readings(kind, row_id, doc)
            out.append(MasterChange(kind, row_id, {**doc, "_clock": clocks}, merged, merged_clocks))
    return out


def _governed_change(kind: str, row_id: str, doc: dict[str, Any], signature: Any) -> MasterChange:
    """A staff row, rule set or setting goes with the owner's signature made
    when it was changed (services.journal.authority), and every field with the
    signing time as its clock reading, as the hub will keep it.  Without a
    signature it goes as it is: the hub quarantines it, saying why."""
    proof = authority.authority_for(signature, doc)
    if proof is None:
        clocks, merged, merged_clocks = fieldclock.readings(kind, row_id, doc)
        return MasterChange(kind, row_id, {**doc, "_clock": clocks}, merged, merged_clocks)
    old_doc, old_clocks = fieldclock.known(kind, row_id)
    reading = signing.reading(proof["at"], proof["key"])
    clocks = {name: reading for name in doc}
    payload = {**doc, "_clock": clocks, "_authority": proof}
    return MasterChange(kind, row_id, payload, {**old_doc, **doc}, {**old_clocks, **clocks})


def remember_sent(changes: list[MasterChange]) -> None:
    with write_transaction():
        for change in changes:
            fieldclock.remember(change.kind, change.row_id, change.merged, change.merged_clocks)


def _send_snapshot(client: HubClient, ops: list[tuple[str, dict[str, Any]]], seed: bool = False) -> None:
    """In parts of at most 2,000 that fit the hub's body limit; a seed's parts say which is the last (the hub takes a seed once)."""
    wire = [
        {"op_id": str(uuid.uuid4()), "seq": 0, "kind": kind, "payload": json.dumps(payload, ensure_ascii=False)}
        for kind, payload in ops
    ]
    parts: list[list[dict[str, Any]]] = []
    start = 0
    while start < len(wire):  # pieces that fit the hub's body limit
        part = wire[start:start + fitting(wire[start:start + SNAPSHOT_OPS])]
        parts.append(part)
        start += len(part)
    if seed and not parts:  # an empty till still says its seed is done
        parts = [[]]
    for index, part in enumerate(parts):
        # A seed's pieces say whether more follow: the hub takes one seed per enrolment.
        client.snapshot(part, seed=("last" if index == len(parts) - 1 else "more") if seed else None)


def fitting(ops: list[dict[str, Any]], limit: int = PUSH_BYTES) -> int:
    """How many of `ops`, from the first, go in one request of at most `limit`
    bytes (at least one: an op alone over the limit is the hub's to refuse)."""
    size = len(b'{"ops":[]}')
    for count, o in enumerate(ops):
        size += 64 + len(o["kind"]) + len(json.dumps(o["payload"]))  # as _ops_json writes it (ASCII)
        if size > limit and count:
            return count
    return len(ops)


# An opening balance an owner's import brought (ledger kind "import") is pushed with the
# owner's signature of exactly that entry (services.journal.authority.sign_rows): the hub
# takes no balance on a till's word.  The outbox writes payloads with
# services.core.serialize.dumps (sorted keys, ", " and ": "), a bulk write (an import) with
# serialize.compact (no spaces), so an import entry holds one of these texts; only a ledger
# payload that does is read, and only while signatures wait to go (one index look-up per
# batch says whether any do).
IMPORT_SIGNED_AS = "ledger_import"
_IMPORT_KIND = ('"kind": "import"', '"kind":"import"')


# Pushes a till has at the hub at once: the next batch travels, and the hub reads
# it, while the hub applies the one before (services.hub.door lets a till have two).
PUSHES_AHEAD = 2


@dataclass
class _Push:
    first_seq: int
    seq_of: dict[str, int]  # op id -> seq, for the ops this push carries
    answer: Future[dict[str, Any]]
    signed: dict[int, str]  # seq -> import entry sent with the owner's signature (with_import_authority)


def _next_push(client: HubClient, pool: ThreadPoolExecutor, after: int, batch: int) -> _Push | None:
    """The next unsent ops after seq `after`, as many as fit one request, on their way.
    Returns once the body has gone to the connection, so pushes reach the hub in seq order."""
    # Read raw, not through the model: a push of 1,000 operations otherwise
    # spends more on building rows than on sending them.
    rows = db.obj.execute_sql(
        'SELECT seq, op_id, kind, payload FROM "outbox" WHERE sent_at IS NULL AND seq > ? ORDER BY seq LIMIT ?',
        (after, batch),
    ).fetchall()
    if not rows:
        return None
    ops = [{"op_id": str(uuid_from_bytes(op_id)), "seq": seq, "kind": kind, "payload": payload}
           for seq, op_id, kind, payload in rows]
    # Asked after the rows are read: an import commits its entries and their signatures
    # together, so one running meanwhile has its signatures seen here.  None waiting
    # (every till that imports nothing): no payload is read.
    signed = with_import_authority(ops) if authority.waiting(IMPORT_SIGNED_AS) else {}
    parts, seq_of = [], {}
    size = len(b'{"ops":[]}')
    for op in ops:
        part = _op_json(op)
        size += len(part) + 1  # ASCII: json.dumps escapes the rest
        if size > PUSH_BYTES and parts:
            break  # an op alone over the limit goes alone: the hub's to refuse
        parts.append(part)
        seq_of[op["op_id"]] = op["seq"]
    handed_over = threading.Event()
    answer = pool.submit(client.push_body, _body(parts), handed_over)
    handed_over.wait()
    return _Push(rows[0][0], seq_of, answer, signed)


def push_all(client: HubClient, *, batch: int = BATCH, on_batch: Callable[[], None] | None = None,
             ahead: int = PUSHES_AHEAD) -> int:
    """Send every unsent op in seq order, `ahead` requests at the hub at once;
    mark sent what the hub answered for.  An answer that says the hub lacks
    earlier ops ("gap"), or a failed request, ends the round: the answers
    still coming are taken in, and the next round starts again from the first
    unsent op (or the failure is raised)."""
    pushed = 0
    stalls = 0
    with ThreadPoolExecutor(max_workers=max(1, ahead), thread_name_prefix="loyaltill-push") as pool:
        while True:
            flight: deque[_Push] = deque()
            after, first, acked_in_round, failure, ended = 0, 0, 0, None, False
            while True:
                while not ended and len(flight) < max(1, ahead):
                    push = _next_push(client, pool, after, batch)
                    if push is None:
                        ended = True
                        break
                    flight.append(push)
                    first = first or push.first_seq
                    after = max(push.seq_of.values())
                if not flight:
                    break
                push = flight.popleft()
                try:
                    answer = push.answer.result()
                except SyncError as exc:
                    failure, ended = failure or exc, True
                    continue
                acked = _acknowledge(push, answer, first)
                acked_in_round += acked
                pushed += acked
                if on_batch:
                    on_batch()
                if answer.get("gap"):
                    ended = True
            if failure is not None:
                raise failure
            if after == 0:  # nothing was waiting
                return pushed
            stalls = 0 if acked_in_round else stalls + 1
            if stalls >= 3:
                raise SyncError("sync_hub_error", status=0)


def _acknowledge(push: _Push, answer: dict[str, Any], round_first: int) -> int:
    """Mark sent what the hub answered for (applied, duplicate or quarantined: not "gap")."""
    acked = [push.seq_of[r["op_id"]] for r in answer["results"] if r["status"] != "gap" and r["op_id"] in push.seq_of]
    with write_transaction():
        now = Outbox.sent_at.db_value(utcnow())
        for start in range(0, len(acked), 500):
            chunk = acked[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            db.obj.execute_sql(f'UPDATE "outbox" SET sent_at = ? WHERE seq IN ({marks})', [now] + chunk)
        if push.signed:
            authority.pushed(IMPORT_SIGNED_AS, [push.signed[seq] for seq in acked if seq in push.signed])
        gap = answer.get("gap")
        if gap and gap["expected"] < round_first:
            # The hub lacks ops this till thought were through (its answer was
            # lost the other way): send them again from where the hub is.
            Outbox.update(sent_at=None).where(Outbox.seq >= gap["expected"]).execute()
    return len(acked)


def with_import_authority(ops: list[dict[str, Any]]) -> dict[int, str]:
    """Give each import entry among `ops` the owner's kept signature as
    `_authority` {key, sig, at}, if it was made for exactly that entry; returns
    the entries signed, by seq.  One without (no owner was signed in, or the
    entry changed since) goes as it is: the hub quarantines it, saying why."""
    found = []
    for o in ops:
        if o["kind"] == "ledger_entry" and any(form in o["payload"] for form in _IMPORT_KIND):
            doc = json.loads(o["payload"])
            if doc.get("kind") == "import" and isinstance(doc.get("id"), str):
                found.append((o, doc))
    if not found:
        return {}
    kept = authority.kept(IMPORT_SIGNED_AS, [doc["id"] for _, doc in found])
    signed: dict[int, str] = {}
    for o, doc in found:
        proof = authority.authority_for(kept.get(doc["id"]), doc)
        if proof is not None:
            o["payload"] = dumps({**doc, "_authority": proof})
            signed[o["seq"]] = doc["id"]
    return signed


def pull_all(client: HubClient, *, page: int = PAGE) -> int:
    pulled = 0
    while True:
        cursor = int(_get("sync_cursor", 0))
        answer = client.pull(cursor, page)
        changes = answer["changes"]
        if changes:
            apply_pulled(changes, answer["cursor"])
            pulled += len(changes)
        if not answer["more"]:
            return pulled


# --- applying what was pulled --------------------------------------------------------

_MODELS: dict[str, type[peewee.Model]] = {
    "category": Category, "product": Product, "staff": Staff, "rule_set": RuleSet, "member": Member, "card": Card,
    "product_code": ProductCode, "price_change": PriceChange,
    # What the shop knows of a member beside the member (services/reach), edited in place with field clocks.
    "occasion": Occasion, "contact": Contact,
}
# Of these, the rows that point at a member (a placeholder until the member's own change) and at
# staff another shop may have that this till has not pulled yet (kept empty then).
_OF_A_MEMBER = ("occasion", "contact")
# Their personal fields (as services.reach.occasions/contacts erase them): kept empty here when the
# member was erased on this till already - an older copy pulled later brings no text back.
_ERASED_FIELDS: dict[str, dict[str, Any]] = {"occasion": {"for_whom": "", "note": "", "year": None},
                                             "contact": {"note": ""}}


def apply_pulled(changes: list[dict[str, Any]], cursor: int) -> None:
    with write_transaction():
        touched: set[bytes] = set()
        entries = []
        for change in changes:
            kind = change["kind"]
            if kind == "ledger_entry":
                entries.append(change["doc"])
            elif kind == "setting":
                _apply_setting(change["id"], change["doc"], change.get("clocks") or {})
            elif kind in _MODELS:
                _apply_row(kind, change["id"], change["doc"], change.get("clocks") or {})
            elif kind in _RECORDS:
                _apply_record(kind, change["doc"])
            else:
                log.info("pulled a %s change this till does not know; skipped", kind)
        if entries:
            touched |= _insert_entries(entries)
        if touched:
            _recompute_balances(touched)
        _set("sync_cursor", cursor)


def _field_values(model: type[peewee.Model], doc: dict[str, Any]) -> dict[str, Any]:
    """A row as row_dict wrote it (column names, text forms) -> field values."""
    out: dict[str, Any] = {}
    for name, f in model._meta.fields.items():
        key = f.column_name if isinstance(f, peewee.ForeignKeyField) else name
        if key not in doc:
            continue
        value = doc[key]
        if value is not None:
            if isinstance(f, (peewee.BinaryUUIDField, peewee.ForeignKeyField)) and isinstance(value, str):
                value = uuid.UUID(value)
            elif isinstance(f, peewee.BlobField) and isinstance(value, str):
                value = bytes.fromhex(value)
            elif isinstance(f, peewee.DateTimeField) and isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(f, peewee.DateField) and isinstance(value, str):
                value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def _apply_row(kind: str, row_id: str, doc: dict[str, Any], clocks: dict[str, str]) -> None:
    model = _MODELS[kind]
    local_doc, local_clocks = fieldclock.known(kind, row_id)
    merged, merged_clocks, changed = hlc.merge(local_doc, local_clocks, doc, clocks)
    if kind == "member" and doc.get("erased_at"):  # erased at the hub: no later edit made here survives it
        merged.update({k: doc[k] for k in privacy.PERSONAL_FIELDS if k in doc})
    if kind in _OF_A_MEMBER and _erased_here(merged.get("member_id")):
        merged.update(_ERASED_FIELDS[kind])
    if kind == "rule_set" and "body" in merged and not rules_service.sound_body(merged["body"]):
        # One the till's own check would refuse (a window of 10^12 days...) would break
        # every sale: it is skipped, and the rule sets already here stay in force.
        log.warning("pulled rule set %s (version %s) fails the programme's checks; skipped", row_id,
                    merged.get("version"))
        return
    for reading in clocks.values():
        fieldclock.observe(reading)
    fieldclock.remember(kind, row_id, merged, merged_clocks)
    values = _field_values(model, {k: v for k, v in merged.items() if k != "balance"})
    values["id"] = uuid.UUID(row_id)
    if kind == "member":
        values.setdefault("name", "")
        values.setdefault("name_key", "")
        values.pop("balance", None)
    if kind == "card" and values.get("member"):
        _ensure_member(values["member"])
    if kind in _OF_A_MEMBER:
        if values.get("member"):
            _ensure_member(values["member"])
        if values.get("staff") and not Staff.select().where(Staff.id == values["staff"]).exists():
            values["staff"] = None
    if kind == "member" and values.get("erased_at") is not None:  # erased at another till: no copy left here
        privacy.erase_pulled(values["id"], now=values["erased_at"])
    try:
        with db.atomic():
            exists = model.select().where(model.id == values["id"]).exists()
            if exists:
                rest = {k: v for k, v in values.items() if k != "id"}
                if rest:
                    model.update(rest).where(model.id == values["id"]).execute()
            else:
                model.insert(values).execute()
    except peewee.IntegrityError as exc:
        log.warning("pulled %s %s conflicts with this till's data (%s); kept ours", kind, row_id, exc)


# The programme's records the chain shares (services.hub.apply.SHARED_RECORDS).
_RECORDS: dict[str, type[peewee.Model]] = {
    "issued_coupon": IssuedCoupon, "coupon_redemption": CouponRedemption, "event_bonus": EventBonus,
    "referral": Referral, "consent": Consent, "reach_preference": ReachPreference,
}


def _apply_record(kind: str, doc: dict[str, Any]) -> None:
    """A coupon, a coupon's use, a once-only bonus or a referral from another till.

    A reference to a sale this till does not have (it was made elsewhere) is
    kept empty; a member not pulled yet gets a placeholder. The records only
    grow: an empty field is filled, a set one is never changed. A bonus this
    till already gave for the same occasion (both tills offline) keeps the
    first row here: the unique index decides, and the hub keeps both."""
    model = _RECORDS[kind]
    values = _field_values(model, doc)
    for name, f in model._meta.fields.items():
        if not isinstance(f, peewee.ForeignKeyField) or values.get(name) is None:
            continue
        if f.rel_model is Member:
            _ensure_member(values[name])
        elif not f.rel_model.select().where(f.rel_model.id == values[name]).exists():
            values[name] = None
    if values.get("id") is None:
        return
    existing = model.get_or_none(model.id == values["id"])
    if existing is None:
        model.insert(values).on_conflict_ignore().execute()
        return
    fill = {name: value for name, value in values.items() if value is not None and existing.__data__.get(name) is None}
    if fill:
        model.update(fill).where(model.id == values["id"]).execute()


def _apply_setting(key: str, doc: dict[str, Any], clocks: dict[str, str]) -> None:
    if key in LOCAL_KEYS:
        return
    local_doc, local_clocks = fieldclock.known("setting", key)
    if not local_doc and Setting.get_or_none(Setting.key == key) is not None:
        local_doc = {"key": key, "value": _get(key)}  # ours, never exchanged: no clock, the hub's wins
    merged, merged_clocks, _ = hlc.merge(local_doc, local_clocks, doc, clocks)
    for reading in clocks.values():
        fieldclock.observe(reading)
    fieldclock.remember("setting", key, merged, merged_clocks)
    _set(key, merged.get("value"))


def _erased_here(member_id: object) -> bool:
    if not member_id:
        return False
    found = Member.get_or_none(Member.id == uuid.UUID(str(member_id)))
    return found is not None and found.erased_at is not None


def _ensure_member(member_id: object) -> None:
    """A ledger entry or card for a member this till has not heard of yet: a
    placeholder row keeps the entry; the member's own change fills it in."""
    mid = uuid.UUID(str(member_id))
    if not Member.select().where(Member.id == mid).exists():
        Member.insert(id=mid, name="", name_key="", balance=0).execute()


def _known(model: type[peewee.Model], ids: set[str]) -> set[str]:
    if not ids:
        return set()
    wanted = [uuid.UUID(i) for i in ids]
    return {str(r[0]) for r in model.select(model.id).where(model.id.in_(wanted)).tuples()}


def _insert_entries(docs: list[dict[str, Any]]) -> set[bytes]:
    refs = {
        "sale_id": _known(Sale, {d["sale_id"] for d in docs if d.get("sale_id")}),
        "return_id": _known(SaleReturn, {d["return_id"] for d in docs if d.get("return_id")}),
        "till_id": _known(Till, {d["till_id"] for d in docs if d.get("till_id")}),
        "staff_id": _known(Staff, {d["staff_id"] for d in docs if d.get("staff_id")}),
    }
    members = {d["member_id"] for d in docs}
    for mid in members - _known(Member, members):
        _ensure_member(mid)
    sql = ('INSERT OR IGNORE INTO "ledger_entry" (id, member_id, kind, delta, sale_id, return_id, till_id, staff_id, note, created_at) '
           'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    rows = []
    for d in docs:
        def ref(col: str) -> bytes | None:
            value = d.get(col)
            return uuid.UUID(value).bytes if value and value in refs[col] else None
        rows.append((
            uuid.UUID(d["id"]).bytes, uuid.UUID(d["member_id"]).bytes, d["kind"], int(d["delta"]),
            ref("sale_id"), ref("return_id"), ref("till_id"), ref("staff_id"), d.get("note") or "",
            LedgerEntry.created_at.db_value(dt.datetime.fromisoformat(d["created_at"])),
        ))
    db.obj.cursor().executemany(sql, rows)
    return {uuid.UUID(m).bytes for m in members}


def _recompute_balances(members: set[bytes]) -> None:
    ids = list(members)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        db.obj.execute_sql(
            f'UPDATE "member" SET balance = (SELECT COALESCE(SUM(delta), 0) FROM "ledger_entry" e WHERE e.member_id = "member".id) '
            f"WHERE id IN ({marks})", chunk,
        )


# --- retries ---------------------------------------------------------------------------

def sync_with_retries(client: HubClient, attempts: int = 4, first_wait: float = 0.5,
                      sleep: Callable[[float], None] = time.sleep) -> SyncResult:
    """sync_once, again after 0.5, 1, 2 s when the hub cannot be reached; a wrong
    token is not retried (it will not get better by itself)."""
    wait = first_wait
    for attempt in range(attempts):
        try:
            return sync_once(client)
        except SyncError as exc:
            if exc.code == "sync_unauthorised" or attempt == attempts - 1:
                raise
            log.info("sync failed (%s); again in %.1f s", exc, wait)
            sleep(wait)
            wait *= 2
    raise AssertionError("unreachable")


# --- for the till's window ------------------------------------------------------------

@dataclass(frozen=True)
class SyncState:
    connected: bool  # a hub is configured
    pending: int
    last_ok: dt.datetime | None


def state() -> SyncState:
    """What the status bar shows; a quick read (an index covers unsent rows)."""
    connected = bool(_get("sync_hub_url") and _get("sync_token"))  # without unsealing: no key needed to show it
    return SyncState(connected=connected, pending=pending(), last_ok=last_ok())


def run_sync() -> SyncResult:
    """One sync with the hub in the settings, on the caller's thread (the UI runs it on a worker)."""
    client = client_from_settings()
    try:
        return sync_once(client)
    finally:
        client.close()
