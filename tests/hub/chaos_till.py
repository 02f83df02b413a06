"""One till in the chaos test, as its own process: sells, returns, redeems and
edits members for a shared set of cards, syncing often through a connection
that fails at random, and finally syncs cleanly.  Prints a JSON summary.

python -m tests.hub.chaos_till DB HUB_URL TOKEN SEED ACTIONS CARD [CARD ...]
"""
from __future__ import annotations

import json
import random
import sys
import time

import httpx

from models import open_database
from services.members import registry as members
from services.sync import client as sync
from services.core.errors import InputError
from services.sale.returns import return_items
from tests.hub import tillkit


class FaultyTransport(httpx.BaseTransport):
    """Cuts connections, loses answers after the hub acted, sends requests twice,
    and replays old push batches out of order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.inner = httpx.HTTPTransport()
        self.old: list[httpx.Request] = []
        self.faults: dict[str, int] = {"cut": 0, "lost_answer": 0, "duplicate": 0, "replayed_old": 0}

    def _copy(self, request: httpx.Request) -> httpx.Request:
        return httpx.Request(request.method, request.url, headers=request.headers, content=request.content)

    def _quietly(self, request: httpx.Request) -> None:
        try:
            self.inner.handle_request(request).read()
        except httpx.TransportError:
            pass

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        is_push = request.url.path == "/v1/push"
        if self.rng.random() < 0.12:
            self.faults["cut"] += 1
            raise httpx.ConnectError("chaos: connection cut")
        if is_push and self.old and self.rng.random() < 0.2:
            self.faults["replayed_old"] += 1
            self._quietly(self._copy(self.rng.choice(self.old)))
        response = self.inner.handle_request(request)
        response.read()
        if is_push:
            self.old = (self.old + [self._copy(request)])[-6:]
        if self.rng.random() < 0.15:
            self.faults["duplicate"] += 1
            self._quietly(self._copy(request))
        if self.rng.random() < 0.12:
            self.faults["lost_answer"] += 1
            raise httpx.ReadError("chaos: answer lost")
        return response


def main(argv: list[str]) -> int:
    db_path, hub_url, token, seed, actions, *cards = argv
    rng = random.Random(int(seed))
    open_database(db_path)
    faulty = FaultyTransport(rng)
    chaotic = sync.HubClient(hub_url, token, http=httpx.Client(base_url=hub_url, transport=faulty, timeout=5))
    barcodes = tillkit.some_barcodes(6)
    sales: list[str] = []
    done = {"sales": 0, "returns": 0, "redeemed": 0, "refused": 0, "edits": 0, "sync_ok": 0, "sync_failed": 0}
    for i in range(int(actions)):
        roll = rng.random()
        card = rng.choice(cards)
        try:
            if roll < 0.6:
                items = [(b, rng.randint(1, 4)) for b in rng.sample(barcodes, rng.randint(1, 3))]
                points = rng.choice([0, 0, 5, 20, 50])
                try:
                    result = tillkit.sell(card, items, redeem_points=points)
                except InputError:
                    done["refused"] += 1
                    result = tillkit.sell(card, items)
                sales.append(result.sale_id)
                done["sales"] += 1
                done["redeemed"] += result.priced.points_redeemed
            elif roll < 0.8 and sales:
                return_items(rng.choice(sales), None if rng.random() < 0.5 else {rng.choice(barcodes): 1}, actor=tillkit.owner())
                done["returns"] += 1
            else:
                member = members.find_by_card(card)
                members.update(member, name=f"Chaos {seed}-{i}", actor=tillkit.owner())
                done["edits"] += 1
        except InputError:
            pass  # e.g. that item is not on the receipt, or everything was returned
        if i % 3 == 2:
            try:
                sync.sync_once(chaotic, batch=rng.choice([3, 7, 20]), page=rng.choice([5, 50]))
                done["sync_ok"] += 1
            except sync.SyncError:
                done["sync_failed"] += 1
        time.sleep(rng.random() * 0.05)
    print(json.dumps({"done": done, "faults": faulty.faults, "pending": sync.pending()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
