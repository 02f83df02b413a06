"""A member erased at a till (services/reach/privacy.py on the till): the hub keeps no old copy.

The erasure arrives as an ordinary member edit whose personal fields carry
later clocks, so the member's document (`entity`) takes it by the usual
merge.  But the change log the tills pull from (`change`) keeps every past
version of the document, and a quarantined operation keeps what it carried:
once a member's document carries `erased_at`, their past versions there are
replaced by the erased document (a till pulling from an old cursor merges the
same final state, earlier), and a quarantined operation's values the erasure
changed are overwritten with the erased ones.

Not scrubbed: the hub's audit log (`hub_audit`), which a trigger keeps
append-only; a till scrubs its own unsent audit entries before they are pushed.
"""
from __future__ import annotations

from typing import Any, Callable

from models.hub import Change, Entity, Quarantine

Handler = Callable[[list[Any], Any], None]


# A member's personal fields (services/reach/privacy.py on the till; the hub does not import
# the till's code): once erased, no till's later edit brings one back.
PERSONAL = ("name", "name_key", "phone", "email", "birthday", "note", "external_ref", "marketing_consent")


def erasing(apply: Handler) -> Handler:
    """The member handler, then the scrub for each member this push erased; an edit made
    offline to a member erased meanwhile keeps its other fields, not its personal ones."""
    def run(ops: list[Any], ctx: Any) -> None:
        erased = {str(op.payload.get("id")) for op in ops if op.payload.get("erased_at")}
        ids = list({str(op.payload.get("id")) for op in ops})
        before = {row.entity_id: row.doc for row in Entity.select().where(
            (Entity.kind == "member") & Entity.entity_id.in_(ids))} if ids else {}
        for op in ops:
            if (before.get(str(op.payload.get("id"))) or {}).get("erased_at") and not op.payload.get("erased_at"):
                op.payload = {k: v for k, v in op.payload.items() if k not in PERSONAL}
                if isinstance(op.payload.get("_clock"), dict):
                    op.payload["_clock"] = {k: v for k, v in op.payload["_clock"].items() if k not in PERSONAL}
        apply(ops, ctx)
        for member_id in erased:
            old = before.get(member_id) or {}
            if not old.get("erased_at"):
                scrub_member(member_id, old)
    return run


def scrub_member(member_id: str, old: dict[str, Any]) -> None:
    row = Entity.get_or_none((Entity.kind == "member") & (Entity.entity_id == member_id))
    if row is None or not row.doc.get("erased_at"):
        return  # an older edit won the merge: nothing was erased here
    doc, clocks = row.doc, row.clocks
    Change.update(doc=doc, clocks=clocks).where((Change.kind == "member") & (Change.entity_id == member_id)).execute()
    gone = {key: value for key, value in old.items() if isinstance(value, str) and doc.get(key) != value}
    if not gone:
        return
    for held in Quarantine.select().where((Quarantine.kind == "member")
                                          & Quarantine.payload.contains({"id": member_id})):
        payload = dict(held.payload) if isinstance(held.payload, dict) else {}
        if payload.get("id") != member_id:
            continue
        cleaned = {k: (doc.get(k) if k in gone and v == gone[k] else v) for k, v in payload.items()}
        if cleaned != payload:
            Quarantine.update(payload=cleaned).where(Quarantine.id == held.id).execute()
