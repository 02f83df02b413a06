"""The hub's HTTP service: FastAPI over PostgreSQL (peewee), one JSON line per request in the log.

Every /v1 route knows the till from its bearer token, never from the body.
The door (`Door`, services.hub.door) stands before every /v1 route: an
unknown or revoked token is 401 before a byte of the body is read, a till
over its rate is 429, a body over MAX_BODY is 413 as soon as it says so or
grows past it.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from typing import Any, Callable

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from models.hub import HubTill, hub_db, utcnow
from services.hub import apply, auth, checks, holds, pull
from services.hub import figures_access
from services.hub.door import Door, RateLimit

log = logging.getLogger("loyaltill.hub")


class JsonLines(logging.Formatter):
    """Structured logs: one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
            "logger": record.name, "msg": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class OpIn(BaseModel):
    op_id: uuid.UUID
    seq: int = Field(ge=0, le=2**62)
    kind: str = Field(max_length=100)
    payload: Any  # an object or its JSON text; anything else goes to quarantine (apply.parse_ops)


class PushIn(BaseModel):
    ops: list[OpIn] = Field(max_length=10_000)


class HoldIn(BaseModel):
    hold_id: uuid.UUID
    member_id: uuid.UUID
    points: int = Field(gt=0, le=checks.MAX_POINTS)


class ConfirmIn(BaseModel):
    sale_id: uuid.UUID


def _ops(body: PushIn) -> list[dict[str, Any]]:
    return [{"op_id": op.op_id, "seq": op.seq, "kind": op.kind, "payload": op.payload} for op in body.ops]


def _is_json(content_type: str | None) -> bool:
    main, _, sub = (content_type or "").partition(";")[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def read_push(body: bytes, content_type: str | None) -> list[apply.Op]:
    """A push's body as operations, off the event loop.  pydantic reads the JSON
    and checks it in one pass (the standard library's parser and then the check
    cost the hub twice as much); whatever that pass refuses is read again the
    way FastAPI reads a body, so a body it cannot take is refused (422) or taken
    exactly as before (a lone surrogate, a number beyond a double, deep nesting)."""
    if not _is_json(content_type):
        raise RequestValidationError([{"type": "model_attributes_type", "loc": ("body",),
                                       "msg": "the body must be JSON (Content-Type: application/json)", "input": None}])
    try:
        parsed = PushIn.model_validate_json(body)
    except ValidationError:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error",
                                           "input": {}, "ctx": {"error": str(exc)[:200]}}]) from None
        try:
            parsed = PushIn.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from None
    return apply.parse_ops(_ops(parsed))


def read_and_prepare(body: bytes, content_type: str | None, till: HubTill, now: dt.datetime) -> list[apply.Op]:
    ops = read_push(body, content_type)
    apply.prepare(till, ops, now)
    return ops


def _in_db(fn: Callable[[], Any]) -> Any:
    with hub_db.connection_context():
        return fn()


def till_for_token(token: str) -> HubTill | None:
    return _in_db(lambda: auth.till_for_token(token))


async def current_till(request: Request) -> HubTill:
    """The till the door let in (its token was checked before the body was read)."""
    till = getattr(request.state, "hub_till", None)
    if till is None:
        raise HTTPException(status_code=401, detail="unknown or revoked till token",
                            headers={"WWW-Authenticate": "Bearer"})
    return till


class AccessLog:
    """One log line per request, and none of the uvicorn tracebacks a client
    leaving mid-body caused (the door then answers nothing: "client left")."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            log.info("request" if status else "client left", extra={"fields": {
                "method": scope.get("method"), "path": scope.get("path"), "status": status[0] if status else None,
                "ms": round((time.perf_counter() - started) * 1000, 1), "till": scope.get("state", {}).get("till"),
            }})


def create_app(rate: RateLimit | None = None, max_body: int | None = None,
               clock: Callable[[], dt.datetime] = utcnow) -> FastAPI:
    """The hub's app.  `clock` is the hub's own time (naive UTC), against which
    a till's clocks are judged; tests pass a fake one."""
    app = FastAPI(title="LoyalTill hub", version="1", description="Tills push their outboxes and pull what the others did.")
    app.add_middleware(Door, find_till=till_for_token, rate=rate or RateLimit(), max_body=max_body)

    app.add_middleware(AccessLog)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 naming where the body is wrong, never echoing what it held: a value
        the answer cannot encode (a lone surrogate) would turn it into a 500."""
        errors = [{"loc": [str(part)[:100] for part in e.get("loc", ())], "msg": str(e.get("msg", ""))[:200],
                   "type": str(e.get("type", ""))} for e in exc.errors()[:20]]
        return JSONResponse({"detail": json.loads(json.dumps(errors).encode("ascii", "replace"))}, status_code=422)

    @app.get("/health")
    def health() -> dict[str, Any]:
        try:
            _in_db(lambda: hub_db.execute_sql("SELECT 1").fetchone())
        except Exception as exc:  # the database is what the health check is about
            return JSONResponse({"status": "down", "database": str(exc)}, status_code=503)  # type: ignore[return-value]
        return {"status": "ok"}

    @app.get("/v1/whoami")
    def whoami(till: HubTill = Depends(current_till)) -> dict[str, Any]:
        return {"till_id": str(till.id), "name": till.name, "number": till.number, "last_seq": till.last_seq}

    @app.post("/v1/push", openapi_extra={"requestBody": {
        "required": True, "content": {"application/json": {"schema": PushIn.model_json_schema()}}}})
    async def push(request: Request, till: HubTill = Depends(current_till)) -> Any:
        """A till's next batch is read, and its rows checked and made, while the one
        before it is applied (the till sends it before the answer comes:
        services.sync.client.push_all); the door's turn (services.hub.door.Turns)
        then applies them in the order they came, at the time they were made for."""
        body = await request.body()
        now = clock()
        ops = await run_in_threadpool(read_and_prepare, body, request.headers.get("content-type"), till, now)
        turn = request.scope["state"].get("turn")
        if turn is not None:
            await turn.wait()
        try:
            result = await run_in_threadpool(_in_db, lambda: apply.apply_batch(till.id, ops, now=now))
        finally:
            if turn is not None:
                turn.leave()
        log.info("push", extra={"fields": {"till": till.name, "ops": len(ops), **result["counts"]}})
        # Plain JSON already (text and numbers): FastAPI's generic encoder would walk it again, op by op.
        return Response(json.dumps(result), media_type="application/json")

    @app.post("/v1/snapshot")
    def snapshot(body: PushIn, till: HubTill = Depends(current_till),
                 seed: str | None = Query(None, pattern="^(more|last)$")) -> dict[str, Any]:
        """Master data, or with `seed` a part of the till's own history when it joins (once)."""
        ops = apply.parse_ops(_ops(body))
        return {"applied": _in_db(lambda: apply.apply_snapshot(till.id, ops, now=clock(), seed=seed))}

    @app.get("/v1/pull")
    def pull_changes(after: int = Query(0, ge=0, le=2**62), limit: int = Query(1000, ge=1, le=100_000),
                     till: HubTill = Depends(current_till)) -> dict[str, Any]:
        # JSON text made row by row (services.hub.pull): one bad row is held back, never a 500 for every till.
        return Response(_in_db(lambda: pull.page_json(after, limit)), media_type="application/json")

    @app.post("/v1/holds")
    def place_hold(body: HoldIn, till: HubTill = Depends(current_till)) -> Any:
        try:
            return _in_db(lambda: holds.place(till, body.hold_id, body.member_id, body.points))
        except holds.HoldRefused as exc:
            return JSONResponse({"detail": "not enough points", "available": exc.available}, status_code=409)

    @app.post("/v1/holds/{hold_id}/confirm")
    def confirm_hold(hold_id: uuid.UUID, body: ConfirmIn, till: HubTill = Depends(current_till)) -> dict[str, Any]:
        return {"confirmed": _in_db(lambda: holds.confirm(till, hold_id, body.sale_id))}

    @app.post("/v1/holds/{hold_id}/release")
    def release_hold(hold_id: uuid.UUID, till: HubTill = Depends(current_till)) -> dict[str, Any]:
        return {"released": _in_db(lambda: holds.release(till, hold_id))}

    @app.get("/v1/figures")
    def chain_figures(request: Request, start: dt.date = Query(alias="from"), end: dt.date = Query(alias="to"),
                      store: str | None = Query(None, max_length=200),
                      till: HubTill = Depends(current_till)) -> dict[str, Any]:
        """The chain's figures (services.hub.figures): the caller's own store with its
        token alone; any store and the chain's total only with the owner's signature."""
        reading = figures_access.Reading(start, end, store, request.headers.get(figures_access.KEY_HEADER),
                                         request.headers.get(figures_access.SIG_HEADER),
                                         request.headers.get(figures_access.AT_HEADER))
        try:
            return _in_db(lambda: figures_access.read(till, reading, now=clock()))
        except figures_access.NotAllowed as exc:
            raise HTTPException(status_code=403, detail=str(exc)) from None
        except figures_access.BadQuestion as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None

    @app.get("/v1/members/{member_id}/points")
    def member_points(member_id: uuid.UUID, till: HubTill = Depends(current_till)) -> dict[str, int]:
        return _in_db(lambda: holds.available(member_id))

    return app


# How long a thread holding the GIL keeps it while another waits (Python's default: 5 ms).
# A push is applied in a worker thread that waits on PostgreSQL a dozen times; each time
# it comes back it needs the GIL, which the thread reading and preparing the till's next
# push then held for up to the default's 5 ms: on the critical path, every statement.
# 0.5 ms measured 15 to 70% more ops/s for one till (bench-sync, load 4 to 5); 0.2 ms no better.
SWITCH_INTERVAL = 0.0005


def serve(dsn: str, host: str = "127.0.0.1", port: int = 8765) -> None:
    import sys

    import uvicorn

    from models.hub import open_hub

    sys.setswitchinterval(SWITCH_INTERVAL)

    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    open_hub(dsn)
    log.info("hub starting", extra={"fields": {"host": host, "port": port}})
    uvicorn.run(create_app(), host=host, port=port, log_config=None, access_log=False)
