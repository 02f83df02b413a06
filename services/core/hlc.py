"""Hybrid logical clocks, and the field-by-field last-writer-wins merge.

A clock reading is text "<13-digit ms>:<5-digit counter>:<node>", so readings
compare as strings: wall time first, then the counter (two writes in the same
millisecond, or a till whose wall clock is behind one it has heard from),
then the node as a tie-break so two tills never produce equal readings.
"""
from __future__ import annotations

import time
from typing import Any


def encode(ms: int, counter: int, node: str) -> str:
    return f"{ms:013d}:{counter:05d}:{node}"


def decode(reading: str) -> tuple[int, int, str]:
    ms, counter, node = reading.split(":", 2)
    return int(ms), int(counter), node


def tick(last: str | None, node: str, now_ms: int | None = None) -> str:
    """The next reading on this node: never behind `last`, never equal to it."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if last:
        last_ms, last_counter, _ = decode(last)
        if last_ms >= now_ms:
            return encode(last_ms, last_counter + 1, node)
    return encode(now_ms, 0, node)


def observe(last: str | None, remote: str | None) -> str | None:
    """The clock after hearing `remote`: the later of the two."""
    if not remote:
        return last
    if not last or remote > last:
        return remote
    return last


def merge(
    doc: dict[str, Any], clocks: dict[str, str], incoming: dict[str, Any], incoming_clocks: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str], bool]:
    """Merge `incoming` into `doc`: each field keeps the value with the later clock.

    A field the incoming side has no clock for never overwrites one that has a
    clock.  Returns the merged document and clocks, and whether anything changed.
    """
    out, out_clocks, changed = dict(doc), dict(clocks), False
    for field, value in incoming.items():
        theirs = incoming_clocks.get(field, "")
        ours = out_clocks.get(field)
        if field not in out or (theirs and (ours is None or theirs > ours)):
            if out.get(field) != value or field not in out:
                changed = True
            out[field] = value
            if theirs:
                if out_clocks.get(field) != theirs:
                    changed = True
                out_clocks[field] = theirs
    return out, out_clocks, changed
