"""A hub in memory for unit tests: no network, no PostgreSQL.

`FakeHub` answers, one request at a time in the order they came (as the
hub's door lines up a till's pushes), the routes of services/hub/app.py the way the till's `HubClient` uses them, with the same
bodies: push (applied / duplicate / quarantined / gap, by op UUID and seq,
as services.hub.apply does), snapshot, pull (pages after a cursor), holds
(place, confirm, release; 409 with `available`), whoami, and 401 for a bad
token.  It records every request it received, and can be scripted to fail:

    hub.fail("push", "lose")      # apply the batch, then lose the answer (ReadTimeout)
    hub.fail("hold", "down")      # refuse the connection (ConnectError), once
    hub.fail("pull", 503, times=2)
    hub.down = True               # every route, until set back
    hub.latency_s = 5.0           # slower than a client whose read timeout is shorter
    hub.rewind(3)                 # the hub lost everything after seq 3 (restored from a backup)

Time is never waited on: "slow" compares `latency_s` with the timeout the
request carries and raises httpx.ReadTimeout when the client would have
given up.
"""
from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

from services.sync.client import HubClient

URL = "http://hub.test"
TOKEN = "lt_fake_till_token"
FAULTS = ("down", "timeout", "lose", "gap")  # or an HTTP status (int)


@dataclass
class Received:
    """One request as the hub saw it."""

    method: str
    route: str  # whoami, push, snapshot, pull, hold, confirm, release, points
    path: str
    params: dict[str, str]
    body: Any
    timeout: dict[str, float | None]


@dataclass
class FakeHold:
    member_id: str
    points: int
    state: str = "active"  # active -> confirmed | released
    sale_id: str | None = None


@dataclass
class FakeHub:
    token: str = TOKEN
    till_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    name: str = "T09"
    number: int = 9
    down: bool = False
    latency_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    applied: list[dict[str, Any]] = field(default_factory=list)  # ops applied, in the order applied
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # the change feed tills pull
    balances: dict[str, int] = field(default_factory=dict)  # member id -> points in the hub's ledger
    holds: dict[str, FakeHold] = field(default_factory=dict)
    last_seq: int = 0
    on_request: Callable[[Received], None] | None = None  # sees each request as it arrives (before any answer)
    _faults: dict[str, list[str | int]] = field(default_factory=dict)

    # --- scripting ---------------------------------------------------------

    def fail(self, route: str, how: str | int, times: int = 1) -> None:
        """The next `times` requests to `route` fail `how`: "down" (connection refused),
        "timeout" (no answer, nothing done), "lose" (done, answer lost), "gap" (push only:
        every op answered gap, nothing applied), or an HTTP status."""
        if not isinstance(how, int) and how not in FAULTS:
            raise ValueError(f"unknown fault {how!r}")
        self._faults.setdefault(route, []).extend([how] * times)

    def rewind(self, to_seq: int) -> None:
        """The hub forgets this till's ops after `to_seq`, as a hub restored from a backup would."""
        self.applied = [op for op in self.applied if op["seq"] <= to_seq]
        self.last_seq = to_seq

    def publish(self, kind: str, entity_id: str, doc: dict[str, Any], clocks: dict[str, str] | None = None) -> int:
        """Another till's change reaches the feed; returns its seq."""
        seq = len(self.changes) + 1
        self.changes.append({"seq": seq, "kind": kind, "id": entity_id, "doc": doc, "clocks": clocks or {}})
        return seq

    # --- what the tests read -------------------------------------------------

    def calls(self, *routes: str) -> list[Received]:
        return [r for r in self.received if not routes or r.route in routes]

    def routes(self) -> list[str]:
        return [r.route for r in self.received]

    def applied_seqs(self) -> list[int]:
        return [op["seq"] for op in self.applied]

    def client(self, timeout: float = 10.0, token: str | None = None) -> HubClient:
        """A HubClient speaking to this hub, as client_from_settings would build it."""
        return HubClient(URL, token or self.token, http=self.http(timeout))

    def http(self, timeout: float = 10.0) -> httpx.Client:
        return httpx.Client(base_url=URL, transport=_InOrder(self), timeout=timeout)

    # --- the transport -----------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route, arg = _route(request)
        body = json.loads(request.content) if request.content else None
        timeout = dict(request.extensions.get("timeout") or {})
        received = Received(request.method, route, request.url.path, dict(request.url.params), body, timeout)
        self.received.append(received)
        if self.on_request is not None:
            self.on_request(received)
        if self.down:
            raise httpx.ConnectError("connection refused (fake hub is down)", request=request)
        if self.latency_s and self.latency_s > (timeout.get("read") or float("inf")):
            raise httpx.ReadTimeout("the fake hub answered too late", request=request)
        fault = self._faults.get(route, []).pop(0) if self._faults.get(route) else None
        if fault == "down":
            raise httpx.ConnectError("connection refused (scripted)", request=request)
        if fault == "timeout":
            raise httpx.ReadTimeout("no answer (scripted)", request=request)
        if isinstance(fault, int):
            return httpx.Response(fault, json={"detail": "scripted failure"})
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"detail": "unknown or revoked till token"},
                                  headers={"WWW-Authenticate": "Bearer"})
        if route == "push" and fault == "gap":
            response = self._answer_gap(body)
        else:
            response = self._answer(route, arg, request, body)
        if fault == "lose":
            raise httpx.ReadTimeout("the answer was lost after the hub applied the request (scripted)", request=request)
        return response

    def _answer(self, route: str, arg: str | None, request: httpx.Request, body: Any) -> httpx.Response:
        if route == "whoami":
            return httpx.Response(200, json={"till_id": self.till_id, "name": self.name, "number": self.number,
                                             "last_seq": self.last_seq})
        if route == "push":
            return self._push(body)
        if route == "snapshot":
            ops = _checked_ops(body)
            if ops is None:
                return _unprocessable()
            self.snapshots.extend(ops)
            return httpx.Response(200, json={"applied": len(ops)})
        if route == "pull":
            return self._pull(request.url.params)
        if route == "hold":
            return self._hold(body)
        if route in ("confirm", "release"):
            hold = self.holds.get(str(arg))
            done = hold is not None and hold.state == "active"
            if done:
                hold.state = "confirmed" if route == "confirm" else "released"
                if route == "confirm":
                    hold.sale_id = str(uuid.UUID(body["sale_id"]))
            return httpx.Response(200, json={"confirmed" if route == "confirm" else "released": done})
        if route == "points":
            return httpx.Response(200, json=self._available(str(arg)))
        return httpx.Response(404, json={"detail": "Not Found"})

    def _push(self, body: Any) -> httpx.Response:
        """services.hub.apply.apply_batch: each op once, in seq order, no gaps."""
        ops = _checked_ops(body)
        if ops is None:
            return _unprocessable()
        status: dict[str, str] = {}
        expected = self.last_seq + 1
        known = {op["op_id"] for op in self.applied}
        gap = None
        for op in sorted(ops, key=lambda o: o["seq"]):
            if op["seq"] == expected and op["op_id"] not in status:
                if op["op_id"] in known:  # the same op under another seq
                    status[op["op_id"]] = "duplicate"
                else:
                    self.applied.append(op)
                    known.add(op["op_id"])
                    status[op["op_id"]] = "applied"
                expected += 1
            elif op["seq"] < expected:
                status[op["op_id"]] = "duplicate" if op["op_id"] in known else "quarantined"
            else:
                status[op["op_id"]] = "gap"
                gap = gap or {"expected": expected, "got": op["seq"]}
        self.last_seq = expected - 1
        results = [{"op_id": op["op_id"], "status": status[op["op_id"]]} for op in ops]
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return httpx.Response(200, json={"results": results, "last_seq": self.last_seq, "gap": gap, "counts": counts})

    def _answer_gap(self, body: Any) -> httpx.Response:
        ops = _checked_ops(body) or []
        gap = {"expected": self.last_seq + 1, "got": min((op["seq"] for op in ops), default=0)}
        results = [{"op_id": op["op_id"], "status": "gap"} for op in ops]
        return httpx.Response(200, json={"results": results, "last_seq": self.last_seq, "gap": gap,
                                         "counts": {"gap": len(ops)}})

    def _pull(self, params: httpx.QueryParams) -> httpx.Response:
        after = int(params.get("after", 0))
        limit = max(1, min(int(params.get("limit", 1000)), 5000))
        page = [c for c in self.changes if c["seq"] > after][:limit]
        cursor = page[-1]["seq"] if page else after
        return httpx.Response(200, json={"changes": page, "cursor": cursor, "more": len(page) == limit})

    def _available(self, member_id: str) -> dict[str, int]:
        balance = self.balances.get(member_id, 0)
        held = sum(h.points for h in self.holds.values() if h.member_id == member_id and h.state in ("active", "confirmed"))
        return {"balance": balance, "held": held, "available": balance - held}

    def _hold(self, body: Any) -> httpx.Response:
        try:
            hold_id, member_id, points = str(uuid.UUID(body["hold_id"])), str(uuid.UUID(body["member_id"])), int(body["points"])
        except (KeyError, TypeError, ValueError):
            return _unprocessable()
        if points <= 0:
            return _unprocessable()
        if hold_id in self.holds:  # idempotent by hold id
            return httpx.Response(200, json={**self._available(member_id), "points": self.holds[hold_id].points})
        state = self._available(member_id)
        if state["available"] < points:
            return httpx.Response(409, json={"detail": "not enough points", "available": max(state["available"], 0)})
        self.holds[hold_id] = FakeHold(member_id, points)
        return httpx.Response(200, json={**self._available(member_id), "points": points})


class _InOrder(httpx.BaseTransport):
    """The hub's door (services.hub.door.Turns): requests answered one at a time, in
    the order they began to arrive, though the till sends its next push from
    another thread before the last one's answer is back."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.turn = threading.Condition()
        self.arrived = 0
        self.served = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.turn:
            mine = self.arrived
            self.arrived += 1
            self.turn.notify_all()
        try:
            request.read()
            with self.turn:
                self.turn.wait_for(lambda: self.served == mine)
            return self.hub(request)
        finally:
            with self.turn:
                self.turn.wait_for(lambda: self.served == mine)
                self.served += 1
                self.turn.notify_all()


def _route(request: httpx.Request) -> tuple[str, str | None]:
    parts = request.url.path.strip("/").split("/")
    if parts[:1] != ["v1"]:
        return "unknown", None
    rest = parts[1:]
    if rest == ["whoami"] and request.method == "GET":
        return "whoami", None
    if rest in (["push"], ["snapshot"]) and request.method == "POST":
        return rest[0], None
    if rest == ["pull"] and request.method == "GET":
        return "pull", None
    if rest == ["holds"] and request.method == "POST":
        return "hold", None
    if len(rest) == 3 and rest[0] == "holds" and rest[2] in ("confirm", "release") and request.method == "POST":
        return rest[2], rest[1]
    if len(rest) == 3 and rest[0] == "members" and rest[2] == "points" and request.method == "GET":
        return "points", rest[1]
    return "unknown", None


def _checked_ops(body: Any) -> list[dict[str, Any]] | None:
    """PushIn as the hub validates it (op_id a UUID, seq >= 0, at most 10,000 ops); None if invalid."""
    try:
        ops = body["ops"]
        if len(ops) > 10_000:
            return None
        out = []
        for op in ops:
            if int(op["seq"]) < 0 or not isinstance(op["kind"], str):
                return None
            payload = json.loads(op["payload"]) if isinstance(op["payload"], str) else op["payload"]
            out.append({"op_id": str(uuid.UUID(op["op_id"])), "seq": int(op["seq"]), "kind": op["kind"], "payload": payload})
        return out
    except (KeyError, TypeError, ValueError):
        return None


def _unprocessable() -> httpx.Response:
    return httpx.Response(422, json={"detail": "invalid body"})
