"""A big import on both of the machine's cores: a helper process reads,
checks and plans each chunk while this process writes the chunk before.

The helper (an engine's Planner, e.g. services.imports.members.Planner) has
its own read-only connection to the till's file.  For each chunk it takes a
snapshot, looks up what the chunk's rows find, decides every row, and turns
the chunk into its writes: statements with their rows in database form
(models.db.Statements), the outcome of its rows, and the documents the owner's
key must sign.  The chunk before, being written meanwhile, is not in its
snapshot: the planner recalls it as a dry run recalls its earlier chunks.

This process keeps the owner's key (it never leaves it): in one short write
transaction it asks for the next chunk's plan, signs this chunk's documents
(while the helper plans), runs its statements and keeps the signatures.

A plan is only as good as its snapshot.  Each plan is asked for at a moment
this process notes `PRAGMA data_version` (which changes when any other
connection commits: a sale at the till, a sync, another thread's edit); when
its write transaction begins and the number has changed, some other write
may have changed what the plan looked up, so the plan is dropped (the
planner undoes what it remembered of it) and the chunk is planned again on a
new snapshot.  With the lock held from that check to the commit, a plan is
only ever written over the file it was made on plus the writes it recalled.

The pace (chunks, rests for the till's sales), progress and a stop asked for
between chunks are as services.imports.chunks.run_in_chunks has them.  If the
helper fails, its traceback goes to the log and the import stops with one
sentence for the owner (import_helper_failed); the chunks committed stay, and
a second run completes the rest (imports are idempotent).
"""
from __future__ import annotations

import importlib
import itertools
import logging
import os
import queue
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Iterable

from models import db
from models.db import Statements
from services.core.errors import InputError
from services.core.storage import Pace, fewer_checkpoints, write_transaction
from services.imports.outcome import ImportOutcome
from services.journal import authority

log = logging.getLogger(__name__)
STOP_WAIT_S = 10.0  # how long a helper is given to end before it is terminated
ARG = "--import-helper"  # a frozen program's first argument that makes it the helper (main.py)
ROOT = Path(__file__).resolve().parents[2]
_OURS = "LOYALTILL_"  # the environment variables main.py reads (PIN, staff, files)


def available() -> bool:
    """A helper process can be started here (it is handed its pipes by number: POSIX)."""
    return os.name == "posix"


@dataclass
class ChunkPlan:
    """One chunk as the helper planned it."""

    statements: Statements  # its writes, in database form
    outcome: ImportOutcome  # its rows' counts, errors and warnings (rows read is counted here)
    to_sign: list[tuple[str, dict[str, Any]]]  # (row id, document) for the owner's key
    sign_kind: str


class HelperFailed(RuntimeError):
    """The helper process stopped with an error (its traceback is the message) or vanished."""


class _Stale(Exception):
    """Another connection committed since the plan was asked for."""


def run(records: Iterable[tuple[int, dict[str, Any]]], outcome: ImportOutcome, pace: Pace, *,
        planner: str, args: dict[str, Any], signer: Any = None,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None) -> ImportOutcome:
    """Import `records` with a helper process running `planner` ("module:Class",
    built with `args` in the helper); `signer` is the owner's key the job took
    (authority.signer()).  Returns `outcome`, filled in."""
    from services.imports.chunks import fewer_collections

    process, ours = _start()
    try:
        ours.send((str(db.obj.database), planner, args))
        with fewer_checkpoints(), fewer_collections():
            _write_chunks(ours, process, iter(records), outcome, pace, signer, progress, should_stop)
    except HelperFailed as exc:
        log.error("the import's helper failed after %d rows: %s", outcome.rows, exc)
        raise InputError("import_helper_failed", done=outcome.rows) from exc
    finally:
        _stop(ours, process)
    return outcome


class _Pipes:
    """One process's ends of the two pipes between the importing process and
    its helper, as one connection.  What is sent goes out on a thread of its
    own: each side may be sending a chunk's worth at once, and pipes hold only
    some kilobytes, so two blocking sends would wait for each other for ever."""

    def __init__(self, outgoing: int, incoming: int) -> None:
        self._out = Connection(outgoing, readable=False)
        self._in = Connection(incoming, writable=False)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="import-helper-pipe", daemon=True)
        self._sender.start()

    def _send_all(self) -> None:
        while (message := self._queue.get()) is not _CLOSE:
            try:
                self._out.send(message)
            except (OSError, ValueError):  # the other side is gone: its end of the other pipe says so
                return

    def send(self, message: Any) -> None:
        self._queue.put(message)

    def recv(self) -> Any:
        return self._in.recv()

    def close(self) -> None:
        """Reading ends first: the other side, if it is still sending (a plan no longer
        wanted, after a stop), is told at once that nobody reads, instead of waiting."""
        self._in.close()
        self._queue.put(_CLOSE)
        self._sender.join(STOP_WAIT_S)
        self._out.close()


_CLOSE = object()


def _start() -> tuple[subprocess.Popen, Any]:
    """The helper: this Python (or this frozen program) on services.imports.helper, with a pipe each way."""
    their_in, to_helper = os.pipe()
    from_helper, their_out = os.pipe()
    if getattr(sys, "frozen", False):
        command = [sys.executable, ARG]
    else:
        command = [sys.executable, "-m", "services.imports.helper"]
    # The helper needs none of LoyalTill's settings (the file's path comes down the pipe), and must not
    # see the owner's PIN (LOYALTILL_PIN: with the key salt in the till's file it is the owner's key).
    env = {name: value for name, value in os.environ.items() if not name.startswith(_OURS)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    try:
        process = subprocess.Popen([*command, str(their_in), str(their_out)], pass_fds=(their_in, their_out),
                                   env=env, stdin=subprocess.DEVNULL)
    except BaseException:
        for fd in (their_in, to_helper, from_helper, their_out):
            os.close(fd)
        raise
    os.close(their_in)
    os.close(their_out)
    return process, _Pipes(to_helper, from_helper)


def _write_chunks(ours: Any, process: subprocess.Popen, stream: Any, outcome: ImportOutcome, pace: Pace,
                  signer: Any, progress: Callable[[int], None] | None,
                  should_stop: Callable[[], bool] | None) -> None:
    """Chunk k is written while the helper plans chunk k+1 (asked for as chunk k-1
    was committed) and checks the rows of k+2, so neither side waits for the other
    while the helper keeps up."""
    batches: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    asked: dict[int, int] = {}  # a chunk's plan asked for -> data_version then
    committed = -1

    def read(number: int) -> bool:
        """The rows of chunk `number`, to the helper to check; False at the file's end."""
        batch = list(itertools.islice(stream, pace.size))
        if batch:
            batches[number] = batch
            ours.send(("rows", number, batch))
        return bool(batch)

    def ask(number: int) -> None:
        """A plan of chunk `number`, on a snapshot taken from now on, recalling the chunks
        before it not yet committed."""
        asked[number] = _data_version()
        ours.send(("plan", number, list(range(committed + 1, number))))

    if not read(0):
        return
    ask(0)
    if read(1):
        ask(1)
    number, done = 0, 0
    while True:
        plan = _receive(ours, process, number)
        pace.rest_owed()
        start = pace.clock()
        try:
            with write_transaction():
                if _data_version() != asked[number]:
                    raise _Stale
                plan.statements.run()
                authority.sign_rows(plan.sign_kind, plan.to_sign, held=signer)
        except _Stale:  # this plan and the next are planned again, on a new snapshot
            ours.send(("undo", number))
            for later in sorted(n for n in asked if n > number):
                _receive(ours, process, later)  # already asked for: dropped
                del asked[later]
            ask(number)
            if number + 1 in batches:
                ask(number + 1)
            continue
        committed = number
        pace.written(start, len(batches[number]))
        ours.send(("done", number))
        del asked[number]
        batch = batches.pop(number)
        _add(outcome, plan.outcome, len(batch))
        done += len(batch)
        if progress is not None:
            progress(done)
        if number + 1 not in batches or (should_stop is not None and should_stop()):
            return  # plans asked for and not written are dropped with the helper
        if read(number + 2):
            ask(number + 2)
        number += 1


def _data_version() -> int:
    return db.obj.execute_sql("PRAGMA data_version").fetchone()[0]


def _add(outcome: ImportOutcome, chunk: ImportOutcome, rows: int) -> None:
    outcome.rows += rows
    outcome.imported += chunk.imported
    outcome.updated += chunk.updated
    outcome.skipped += chunk.skipped
    outcome.errors.extend(chunk.errors)
    outcome.warnings.extend(chunk.warnings)


def _receive(ours: Any, process: subprocess.Popen, number: int) -> ChunkPlan:
    """The plan of chunk `number` (plans come in the order they were asked for)."""
    try:
        message = ours.recv()
    except (EOFError, OSError) as exc:
        raise HelperFailed(f"the import's helper process ended (exit code {process.poll()})") from exc
    if message[0] == "failed":
        raise HelperFailed(message[1])
    _, planned, plan = message
    if planned != number:
        raise HelperFailed(f"the import's helper sent the plan of chunk {planned}, not {number}")
    return plan


def _stop(ours: Any, process: subprocess.Popen) -> None:
    try:
        ours.send(("stop",))
    except (OSError, ValueError):
        pass
    ours.close()
    try:
        process.wait(STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the helper process ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """The helper process: its pipes' numbers are its two arguments."""
    argv = sys.argv[1:] if argv is None else argv
    serve(_Pipes(int(argv[1]), int(argv[0])))
    return 0


def serve(conn: Any) -> None:
    """The helper's loop.  First (the till's file, "module:Class", its args); then
    ("rows", number, rows) to check; ("plan", number, chunks pending) -> ("plan",
    number, ChunkPlan); ("undo", number) forgets the plans of it and after;
    ("done", number); ("stop",).  Its connection to the file never writes."""
    from models.db import make_database
    from services.imports.chunks import fewer_collections

    try:
        with fewer_collections():
            _serve(conn, make_database)
    except EOFError:  # the importing process is gone
        return
    except BaseException:  # noqa: BLE001 - told to the importing process, which raises it
        try:
            conn.send(("failed", traceback.format_exc()))
        except (OSError, ValueError):
            pass
    finally:
        if db.obj is not None and not db.obj.is_closed():
            db.obj.close()
        conn.close()


def _serve(conn: Any, make_database: Callable[[str], Any]) -> None:
    path, planner, args = conn.recv()
    database = make_database(path)
    db.initialize(database)
    database.connect()
    database.execute_sql("PRAGMA query_only = ON")
    module, name = planner.split(":")
    work = getattr(importlib.import_module(module), name)(args)
    while True:
        message = conn.recv()
        if message[0] == "stop":
            return
        if message[0] == "rows":
            work.rows(*message[1:])
        elif message[0] == "plan":
            conn.send(("plan", message[1], work.plan(message[1], message[2])))
        elif message[0] == "undo":
            work.undo(message[1])
        elif message[0] == "done":
            work.done(message[1])


if __name__ == "__main__":
    from services.imports import helper as _self  # the module by its name, so what it sends unpickles there

    sys.exit(_self.main())
