"""A big file's pure per-row work (reading a history's cells: dates, times,
money, phones, cards) on a second core, while this process writes.

The till has two cores or more; an import used one.  Reading a history's
row is a pure function of its cells (about a third of the import's CPU), so
after the first rows (a small file never starts a process) the rows go in
batches to one worker process, a few batches ahead, and come back in the
file's order.  The worker is spawned, not forked: the caller may be a Qt
program with threads and an open database, neither of which a child may
inherit.  If the worker cannot start or dies, the rest is read here, as
before: the pool can only make the import faster, never change what it does.
"""
from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

FIRST = 50_000  # rows read here before a worker is worth its start (about a second, spawned)
BATCH = 4_000  # rows a batch: large enough that sending it costs little beside reading it
AHEAD = 3  # batches in flight: the worker reads on while this process writes a chunk

log = logging.getLogger("loyaltill.imports.pool")


def _apply(func: Callable[[Any], Any], batch: list[Any]) -> list[Any]:
    return [func(item) for item in batch]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def in_order(func: Callable[[Item], Result], items: Iterable[Item], *, first: int = FIRST, batch: int = BATCH,
             ahead: int = AHEAD) -> Iterator[tuple[Item, Result]]:
    """(item, func(item)) for each item, in order.  `func` must be picklable (a
    module's function, or a functools.partial of one, with picklable
    arguments) and pure: the worker's answers must be what this process would
    have computed.  Items are read from `items` ahead of what was yielded (at
    most first + ahead * batch): count what was done from what is yielded."""
    stream = iter(items)
    for item in itertools.islice(stream, first):
        yield item, func(item)
    if cores() < 2:
        for item in stream:
            yield item, func(item)
        return
    part = list(itertools.islice(stream, batch))
    if not part:
        return
    executor: ProcessPoolExecutor | None
    try:
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError) as exc:
        executor = _given_up(None, exc)
    pending: collections.deque[tuple[list[Item], Future[list[Result]] | None]] = collections.deque()
    try:
        while part or pending:
            while part and len(pending) < ahead:
                future = None
                if executor is not None:
                    try:
                        future = executor.submit(_apply, func, part)
                    except (BrokenProcessPool, RuntimeError, OSError) as exc:
                        executor = _given_up(executor, exc)
                pending.append((part, future))
                part = list(itertools.islice(stream, batch))
            done, future = pending.popleft()
            results = None
            if future is not None:
                try:
                    results = future.result()
                except (BrokenProcessPool, CancelledError, OSError) as exc:
                    executor = _given_up(executor, exc)
            if results is None:  # no worker (any more): read here
                results = _apply(func, done)
            yield from zip(done, results)
    finally:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _given_up(executor: ProcessPoolExecutor | None, exc: BaseException) -> None:
    log.warning("reading on one core: the worker process failed (%s)", exc)
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
    return None
