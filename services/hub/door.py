"""The hub's door: who may come in, how often, with how much.

An ASGI middleware before every /v1 route, so that nothing of a request's
body is read before its bearer token names an enrolled, unrevoked till (a
315 MB body was once read and parsed first: the hub grew from 90 MB to 1 GB).
Then, per till, a token bucket: a till over its rate is answered 429 with
Retry-After, which the till's sync treats as any refusal (it tries again at
its next sync).  Then the body, read here and never beyond MAX_BODY: a
Content-Length over it is 413 before a byte is read, and a chunked body
that grows past it is 413 as soon as it does.

Memory is what a flood costs the hub (one 15 MB push of tiny keys took it
from 81 to 234 MB, eight at once to 990 MB), so the door also bounds what
is held at once: MAX_BODY is 2 MB (the till cuts its batches to PUSH_BYTES,
services.sync.client); a till has at most PUSHES_IN_FLIGHT pushes or
snapshots inside the hub at once (another one is 429); and all requests
together hold at most BODIES_IN_MEMORY bytes of body from the moment they
start reading until they are answered (beyond it, 503 with Retry-After).
A wrong token costs its address: after STRANGER_BURST of them an address is
429 before its token is even looked up.

A till sends its next push before the answer to the last one comes (so the
hub reads one while it applies the other), and the two may reach the hub's
threads in either order; applied out of order, the later one would only be
answered "gap" and sent again.  So the door lines each till's pushes up in
the order they came in (`Turns`): a push is applied once those before it are
(or TURN_WAIT has passed: the order is then the database's, by seq, as
always).  The waiting is on the event loop, never in a worker thread.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import anyio

# A push is at most 500 operations, cut by the till to PUSH_BYTES (services.sync.client).
MAX_BODY = 2 * 1024 * 1024
# Per till: a sync sends a request per 500 operations, a sale a hold or two.
RATE_PER_SECOND = 50.0
BURST = 200
# A till's sync pushes one batch after another: two at once is already a retry racing its original.
PUSHES_IN_FLIGHT = 2
BULK_PATHS = ("/v1/push", "/v1/snapshot")
# Bodies held by all requests together (eight full pushes).
BODIES_IN_MEMORY = 8 * MAX_BODY
# The longest a push waits for the till's earlier one to be applied (services.hub.apply's lock and
# its seq check keep the order anyway; this only saves sending a batch twice).
TURN_WAIT = 30.0
# Wrong or unknown tokens per client address: a few mistakes, then one a second.
STRANGER_PER_SECOND = 1.0
STRANGER_BURST = 20

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class RateLimit:
    """A token bucket per till: `burst` requests at once, `per_second` after that.
    The clock is passed in (tests give a fake one)."""

    per_second: float = RATE_PER_SECOND
    burst: int = BURST
    clock: Callable[[], float] = time.monotonic
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # till -> (tokens, when)

    def allows(self, key: str) -> bool:
        """Whether `key` has a request left, without taking it."""
        tokens, then = self.buckets.get(key, (float(self.burst), self.clock()))
        return min(float(self.burst), tokens + (self.clock() - then) * self.per_second) >= 1.0

    def wait(self, key: str) -> float:
        """Take one request from `key`'s bucket; 0 if it may go now, else seconds to wait."""
        now = self.clock()
        tokens, then = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.per_second


class Turn:
    """One push's place in its till's line (see Turns)."""

    def __init__(self, line: list["Turn"]) -> None:
        self.line = line
        self.done = anyio.Event()

    async def wait(self, limit: float = TURN_WAIT) -> None:
        """Until every push of this till that came in before this one has been applied or has ended."""
        with anyio.move_on_after(limit):
            while self.line and self.line[0] is not self:
                await self.line[0].done.wait()

    def leave(self) -> None:
        if not self.done.is_set():
            self.done.set()
            self.line.remove(self)


@dataclass
class Turns:
    """Per till, its pushes inside the hub in the order they came in."""

    lines: dict[str, list[Turn]] = field(default_factory=dict)

    def arrive(self, key: str) -> Turn:
        line = self.lines.setdefault(key, [])
        turn = Turn(line)
        line.append(turn)
        return turn

    def leave(self, key: str, turn: Turn) -> None:
        turn.leave()
        if not turn.line and self.lines.get(key) is turn.line:
            del self.lines[key]


class Door:
    def __init__(self, app: Callable, *, find_till: Callable[[str], Any], rate: RateLimit,
                 max_body: int | None = None, strangers: RateLimit | None = None,
                 pushes_in_flight: int = PUSHES_IN_FLIGHT, bodies_in_memory: int | None = None) -> None:
        self.app = app
        self.find_till = find_till
        self.rate = rate
        self.max_body = max_body or MAX_BODY
        self.strangers = strangers or RateLimit(STRANGER_PER_SECOND, STRANGER_BURST)
        self.pushes_in_flight = pushes_in_flight
        self.bodies_in_memory = bodies_in_memory or BODIES_IN_MEMORY
        self.pushing: dict[str, int] = {}  # till -> its pushes inside the hub now
        self.holding = 0  # bytes of body reserved by the requests inside the hub now
        self.turns = Turns()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        address = str((scope.get("client") or ("?",))[0])
        if not self.strangers.allows(address):  # before any look-up: a guesser costs nothing
            await _answer(send, 429, {"detail": "too many wrong tokens from this address"}, [(b"retry-after", b"1")])
            return
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        token = token.strip()
        till = None
        if scheme.lower() == "bearer" and token and len(token) < 200:
            till = await anyio.to_thread.run_sync(self.find_till, token)
        if till is None:
            self.strangers.wait(address)
            await _answer(send, 401, {"detail": "unknown or revoked till token"}, [(b"www-authenticate", b"Bearer")])
            return
        state = scope.setdefault("state", {})
        state["till"] = till.name
        wait = self.rate.wait(str(till.id))
        if wait > 0:
            await _answer(send, 429, {"detail": "too many requests from this till"},
                          [(b"retry-after", str(max(1, math.ceil(wait))).encode())])
            return
        length = headers.get(b"content-length")
        declared = None
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _answer(send, 400, {"detail": "Content-Length is not a number"})
                return
            if declared > self.max_body:
                await _answer(send, 413, {"detail": f"the body is larger than {self.max_body} bytes"})
                return
        key = str(till.id)
        bulk = scope.get("method") == "POST" and scope["path"] in BULK_PATHS
        if bulk and self.pushing.get(key, 0) >= self.pushes_in_flight:
            await _answer(send, 429, {"detail": "this till already has a push in progress"}, [(b"retry-after", b"1")])
            return
        reserve = self.max_body if declared is None else declared
        if self.holding + reserve > self.bodies_in_memory:
            await _answer(send, 503, {"detail": "the hub is busy reading other requests"}, [(b"retry-after", b"1")])
            return
        self.holding += reserve
        turn = None
        if bulk:
            self.pushing[key] = self.pushing.get(key, 0) + 1
            turn = state["turn"] = self.turns.arrive(key)
        try:
            await self._inside(scope, receive, send, till)
        finally:
            self.holding -= reserve
            if turn is not None:
                self.turns.leave(key, turn)
                self.pushing[key] -= 1
                if not self.pushing[key]:
                    del self.pushing[key]

    async def _inside(self, scope: Scope, receive: Receive, send: Send, till: Any) -> None:
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _answer(send, 413, {"detail": f"the body is larger than {self.max_body} bytes"})
                return
            if not message.get("more_body", False):
                break
        scope["state"]["hub_till"] = till
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replay


async def _answer(send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
               (b"connection", b"close"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
