"""The owner's commands on the hub: enrol and revoke tills, see overdrafts and quarantine, set caps."""
from __future__ import annotations

import argparse
from typing import Any

import peewee

from models.hub import Quarantine, open_hub
from services.hub import apply, auth, governance, holds


class AdminError(Exception):
    pass


def run(args: argparse.Namespace) -> dict[str, Any]:
    try:
        database = open_hub(args.dsn, max_connections=2)
    except (peewee.OperationalError, ValueError) as exc:
        raise AdminError(f"cannot open the hub database: {str(exc).strip().splitlines()[0]}") from None
    try:
        with database.connection_context():
            return _COMMANDS[args.hub_command](args)
    finally:
        database.close_all()


def _add_till(args: argparse.Namespace) -> dict[str, Any]:
    try:
        till, token = auth.add_till(args.name, getattr(args, "store", None))
    except peewee.IntegrityError:
        raise AdminError(f"a till named {args.name!r} is already enrolled") from None
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    return {"till_id": str(till.id), "token": token, "name": till.name, "number": till.number, "store": till.store}


def _set_store(args: argparse.Namespace) -> dict[str, Any]:
    try:
        till = auth.set_store(args.name, args.store)
    except auth.TillNotFound:
        raise AdminError(f"no till {args.name!r} is enrolled") from None
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    return {"till_id": str(till.id), "name": till.name, "store": till.store}


def _figures(args: argparse.Namespace) -> dict[str, Any]:
    """The chain's figures (services.hub.figures); the admin's own credential is the database's."""
    import datetime as dt

    from services.hub import figures

    zone = args.zone or figures.chain_zone()
    try:
        figures.check_zone(zone)
        end = dt.date.fromisoformat(args.end) if args.end else None
        start = dt.date.fromisoformat(args.start) if args.start else None
    except (figures.FiguresError, ValueError) as exc:
        raise AdminError(str(exc)) from None
    period = figures.period_of(start, end, zone)
    if period is None:
        raise AdminError("--from must be on or before --to")
    return figures.chain_figures(period, zone, store=args.store)


def _revoke_till(args: argparse.Namespace) -> dict[str, Any]:
    try:
        till = auth.revoke_till(args.name)
    except auth.TillNotFound:
        raise AdminError(f"no till {args.name!r} is enrolled") from None
    return {"till_id": str(till.id), "name": till.name, "revoked_at": till.revoked_at.isoformat()}


def _overdrafts(args: argparse.Namespace) -> dict[str, Any]:
    return {"members": holds.overdrafts()}


def _quarantine(args: argparse.Namespace) -> dict[str, Any]:
    rows = Quarantine.select().order_by(Quarantine.id)
    return {"operations": [
        {"op_id": str(q.op_id), "till_id": str(q.till_id), "seq": q.seq, "kind": q.kind, "error": q.error,
         "created_at": q.created_at.isoformat()} for q in rows
    ]}


def _set_caps(args: argparse.Namespace) -> dict[str, Any]:
    from models.hub import HubTill, hub_db

    if args.per_sale < 0 or args.daily < 0:
        raise AdminError("caps cannot be negative")
    with hub_db.atomic():
        ctx = apply.Context(HubTill(id=None, name="owner"))
        for key, value in (("offline_redeem_cap_sale", args.per_sale), ("offline_redeem_cap_daily", args.daily)):
            reading = governance.caps_reading(key)  # later than any reading the caps had: the admin's word wins
            apply.merge_entity(ctx, "setting", key, {"key": key, "value": value}, {"key": reading, "value": reading})
        apply.append_changes(ctx.changes)
    return {"offline_redeem_cap_sale": args.per_sale, "offline_redeem_cap_daily": args.daily}


def _trust_owner(args: argparse.Namespace) -> dict[str, Any]:
    try:
        row = governance.trust(args.key, name=args.name or "")
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    return {"key": row.key, "name": row.name, "staff_id": row.staff_id, "trusted": True}


def _owner_keys(args: argparse.Namespace) -> dict[str, Any]:
    return {"keys": governance.trusted_keys()}


_COMMANDS = {
    "trust-owner": _trust_owner, "owner-keys": _owner_keys,
    "add-till": _add_till, "set-store": _set_store, "figures": _figures, "revoke-till": _revoke_till, "overdrafts": _overdrafts,
    "quarantine": _quarantine, "set-caps": _set_caps,
}
