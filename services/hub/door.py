"""The hub's door: who may come in, how often, with how much.

An ASGI middleware before every /v1 route, so that nothing of a request's
body is read before its bearer token names an enrolled, unrevoked till (a
315 MB body was once read and parsed first: the hub grew from 90 MB to 1 GB).
Then, per till, a token bucket: a till over its rate is answered 429 with
Retry-After, which the till's sync treats as any refusal (it tries again at
its next sync).  Then the body, read here and never beyond MAX_BODY: a
Content-Length over it is 413 before a byte is read, and a chunked body
that grows past it is 413 as soon as it does.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import anyio

# A push is at most a few thousand operations of a few kB: far below this.
MAX_BODY = 16 * 1024 * 1024
# Per till: a sync sends a request per 500 operations, a sale a hold or two.
RATE_PER_SECOND = 50.0
BURST = 200

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


class Door:
    def __init__(self, app: Callable, *, find_till: Callable[[str], Any], rate: RateLimit,
                 max_body: int | None = None) -> None:
        self.app = app
        self.find_till = find_till
        self.rate = rate
        self.max_body = max_body or MAX_BODY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        token = token.strip()
        till = None
        if scheme.lower() == "bearer" and token and len(token) < 200:
            till = await anyio.to_thread.run_sync(self.find_till, token)
        if till is None:
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
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _answer(send, 400, {"detail": "Content-Length is not a number"})
                return
            if declared > self.max_body:
                await _answer(send, 413, {"detail": f"the body is larger than {self.max_body} bytes"})
                return
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
        state["hub_till"] = till
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
