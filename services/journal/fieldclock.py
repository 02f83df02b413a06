"""This till's hybrid logical clock, and the per-field readings of master data.

A member or card edited on two tills while they were apart is merged field by
field at the hub: each field keeps the write with the later reading.  The
till stamps only the fields an edit changed (compared with the last version
it knew, kept in SyncedRow); unchanged fields keep their old readings, so a
stale value sent along with a change never overwrites a newer edit elsewhere.
"""
from __future__ import annotations

import json
from typing import Any

from models.db import Statements
from models.schema import Setting, SyncedRow, Till
from services.core import hlc
from services.core.serialize import compact, dumps, plain

_CLOCK_KEY = "sync_hlc"


def _node() -> str:
    till = Till.get_or_none(Till.is_local == True)  # noqa: E712
    return till.id.hex[:12] if till is not None else "000000000000"


def _stored() -> str | None:
    """The till's clock as last written."""
    row = Setting.get_or_none(Setting.key == _CLOCK_KEY)
    return json.loads(row.value) if row else None


def next_reading() -> str:
    """Tick the till's clock (inside the caller's transaction)."""
    reading = hlc.tick(_stored(), _node())
    Setting.insert(key=_CLOCK_KEY, value=json.dumps(reading)).on_conflict_replace().execute()
    return reading


def observe(remote: str | None) -> None:
    """Move the till's clock past a reading heard from the hub."""
    last = _stored()
    later = hlc.observe(last, remote)
    if later != last:
        Setting.insert(key=_CLOCK_KEY, value=json.dumps(later)).on_conflict_replace().execute()


def known(kind: str, row_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    row = SyncedRow.get_or_none((SyncedRow.kind == kind) & (SyncedRow.row_id == row_id))
    return (json.loads(row.doc), json.loads(row.clocks)) if row else ({}, {})


def remember(kind: str, row_id: str, doc: dict[str, Any], clocks: dict[str, str]) -> None:
    SyncedRow.insert(
        kind=kind, row_id=row_id, doc=dumps(doc), clocks=json.dumps(clocks)
    ).on_conflict_replace().execute()


def readings(kind: str, row_id: str, doc: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """Readings for `doc`'s fields (a new one for each changed field), and the
    row and clocks to remember once the hub has them.  A value may be an id,
    a day or a time as an object: it is compared as serialize.plain writes it."""
    old_doc, old_clocks = known(kind, row_id)
    reading = None
    clocks: dict[str, str] = {}
    for field, value in doc.items():
        if field in old_doc and old_doc[field] == plain(value) and field in old_clocks:
            clocks[field] = old_clocks[field]
        else:
            reading = reading or next_reading()
            clocks[field] = reading
    return clocks, {**old_doc, **doc}, {**old_clocks, **clocks}


def stamp(kind: str, row_id: str, doc: dict[str, Any]) -> dict[str, str]:
    """Readings for `doc`'s fields, remembered at once (an outbox op is as
    durable as the write it describes)."""
    clocks, merged, merged_clocks = readings(kind, row_id, doc)
    remember(kind, row_id, merged, merged_clocks)
    return clocks


def stamp_many(kind: str, docs: list[tuple[str, dict[str, Any]]], *, new: bool = False,
               sink: Statements | None = None) -> list[dict[str, str]]:
    """stamp() for a bulk write (a batch of blank cards): one clock reading for
    the batch, the known versions read in one query and written back in one
    statement, so 10,000 cards cost milliseconds, not one round of queries each.
    `new`: the rows were born in the caller's transaction (an import's new
    members), so no version of them can be known: none is looked for.
    `sink`: the versions are kept there with the other writes (Planned), not written now."""
    from models import db

    planned = sink if isinstance(sink, Planned) else None
    ids = [] if new else [row_id for row_id, _ in docs]
    known_rows: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row_id, doc, clocks in db.obj.execute_sql(
            f'SELECT row_id, doc, clocks FROM "synced_row" WHERE kind = ? AND row_id IN ({marks})', [kind, *chunk]
        ).fetchall():
            known_rows[row_id] = (json.loads(doc), json.loads(clocks))
    if planned is not None:  # versions planned but not yet written (this chunk's, the chunk before's)
        for row_id in ids:
            version = planned.version(kind, row_id)
            if version is not None:
                known_rows[row_id] = (json.loads(version[0]), json.loads(version[1]))
    reading = planned.reading() if planned is not None else next_reading()
    out, rows = [], []
    fresh: dict[tuple[str, ...], tuple[dict[str, str], str]] = {}  # a new row's clocks, by its fields
    for row_id, doc in docs:
        known_row = known_rows.get(row_id)
        if known_row is None:  # a new row (a batch of cards, an import): every field has the batch's reading
            fields = tuple(doc)
            if fields not in fresh:
                clocks = dict.fromkeys(fields, reading)
                fresh[fields] = (clocks, json.dumps(clocks))
            clocks, clocks_text = fresh[fields]
            out.append(dict(clocks))
            rows.append((kind, row_id, compact(doc), clocks_text))
            continue
        old_doc, old_clocks = known_row
        clocks = {
            f: old_clocks[f] if f in old_doc and old_doc[f] == plain(v) and f in old_clocks else reading
            for f, v in doc.items()
        }
        out.append(clocks)
        rows.append((kind, row_id, compact({**old_doc, **doc}),
                     json.dumps({**old_clocks, **clocks})))
    (sink or db.obj.cursor()).executemany(REMEMBER_MANY, rows)
    if planned is not None:
        planned.versions.update(((k, row_id), (doc, clocks)) for k, row_id, doc, clocks in rows)
    return out


REMEMBER_MANY = 'INSERT OR REPLACE INTO "synced_row" (kind, row_id, doc, clocks) VALUES (?, ?, ?, ?)'


class Planned(Statements):
    """Writes planned on a snapshot for another connection to run later (an
    import's helper process plans a chunk while the importing process writes
    the chunk before): the clock is ticked here, from `last` on, and written
    once at the end (`close`); the versions this plan and `earlier` (the plan
    of a chunk not yet committed) remember are known as if written."""

    def __init__(self, last: str | None, node: str,
                 earlier: dict[tuple[str, str], tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.last, self.node = last, node
        self.ticked = False
        self.earlier = earlier or {}
        self.versions: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, row_id) -> (doc, clocks) as text

    @classmethod
    def on_snapshot(cls, after: str | None, earlier: dict[tuple[str, str], tuple[str, str]] | None = None
                    ) -> "Planned":
        """A plan starting from the till's clock as this connection reads it, or `after` if later."""
        last = max((r for r in (_stored(), after) if r), default=None)
        return cls(last, _node(), earlier)

    def reading(self) -> str:
        self.last = hlc.tick(self.last, self.node)
        self.ticked = True
        return self.last

    def version(self, kind: str, row_id: str) -> tuple[str, str] | None:
        return self.versions.get((kind, row_id)) or self.earlier.get((kind, row_id))

    def close(self) -> None:
        """The till's clock as this plan leaves it (if it ticked), written with the rest."""
        if self.ticked:
            self.executemany('INSERT OR REPLACE INTO "setting" (key, value) VALUES (?, ?)',
                             [(_CLOCK_KEY, json.dumps(self.last))])


def stamp_payloads(kind: str, payloads: list[dict[str, Any]], *, new: bool = False,
                   sink: Statements | None = None) -> list[dict[str, Any]]:
    """Outbox payloads with `_clock` readings; a batch is stamped in bulk (`new`: see stamp_many),
    and so is anything kept in a `sink`."""
    if sink is None and (len(payloads) == 1 or kind == "member_tier"):
        return [stamp_payload(kind, p) for p in payloads]
    if kind == "member_tier":
        raise ValueError("member_tier payloads are stamped one by one")
    docs = [(str(p["id"]), _without_balance(p)) for p in payloads]
    return [{**p, "_clock": clocks} for p, clocks in zip(payloads, stamp_many(kind, docs, new=new, sink=sink))]


def _without_balance(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload but its balance (a cache of the ledger, never merged by clock): a copy made in C."""
    doc = payload.copy()
    doc.pop("balance", None)
    return doc


def stamp_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An outbox payload with `_clock` readings, for the kinds merged field by field."""
    if kind == "member_tier":
        clocks = stamp("member", str(payload["member_id"]), {"tier": payload["tier"]})
        return {**payload, "_clock": clocks}
    doc = {k: v for k, v in payload.items() if k != "balance"}
    return {**payload, "_clock": stamp(kind, str(payload["id"]), doc)}


STAMPED = ("member", "card", "member_tier")
# Issue 14: what the shop knows of a member beside the member (services/reach), edited in place.
STAMPED += ("occasion", "contact", "feedback", "feedback_note")
