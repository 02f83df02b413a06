"""Is this till file sound?  Integrity, foreign keys, balances, the outbox.

Works on a plain read-only sqlite3 connection, so the same check runs on the
till's own file, on a backup just written and on a file offered for restore,
without binding the models to it.  Two forms: the full one (every page,
every row: seconds on a large till; run by `main.py check` and in every
backup) and the quick one run as the till starts, which reads only the small
tables every command reads first (settings, the till, staff, the programme,
the catalogue) and the demo's build mark, so start-up stays fast.
"""
from __future__ import annotations

import contextlib
import functools
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import peewee

from models.migrations import LATEST, MIGRATIONS

# What every command reads before it does anything: checked as the till starts.
START_TABLES = ("setting", "till", "staff", "rule_set", "category", "product")

# SQLite's and Python's words for a file whose bytes are not what SQLite wrote.
DAMAGE_WORDS = (
    "malformed", "file is not a database", "could not decode to utf-8", "database corrupt",
    "file is encrypted", "disk image",
)


@dataclass
class CheckReport:
    ok: bool = True
    full: bool = True
    integrity: list[str] = field(default_factory=lambda: ["ok"])
    foreign_keys: int = 0  # rows pointing at no row
    balances: int = 0  # members whose cached balance differs from their ledger
    balance_examples: list[dict[str, Any]] = field(default_factory=list)
    outbox: dict[str, Any] = field(default_factory=dict)
    till_file: bool = True  # a LoyalTill database at all
    demo_unfinished: bool = False
    schema: int = 0
    unknown_schema: list[str] = field(default_factory=list)  # tables, indexes, triggers, views LoyalTill did not make

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def problems(self) -> list[str]:
        """Short codes of what is wrong, for a sentence in the shop's language."""
        out = []
        if not self.till_file:
            out.append("not_till")
        if self.integrity != ["ok"]:
            out.append("integrity")
        if self.foreign_keys:
            out.append("foreign_keys")
        if self.balances:
            out.append("balances")
        if self.outbox and not self.outbox.get("continuous", True):
            out.append("outbox")
        if self.demo_unfinished:
            out.append("demo_unfinished")
        if self.unknown_schema:
            out.append("schema")
        return out


def is_damage(exc: BaseException) -> bool:
    """Whether an error while reading the till means its file is damaged."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, UnicodeDecodeError):
            return True
        text = str(seen).lower()
        if isinstance(seen, (sqlite3.DatabaseError,)) or type(seen).__module__ == "peewee":
            if any(word in text for word in DAMAGE_WORDS):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


def read_only_uri(path: str | Path) -> str:
    """SQLite's URI for reading `path` only.  Built from the absolute path so a
    folder named "Shop #2" or "50% off?" is a path, not a fragment or a query."""
    return Path(path).resolve().as_uri() + "?mode=ro"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot write, and reads text as bytes (a damaged
    string is a finding, not a UnicodeDecodeError)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=10)
    conn.text_factory = bytes
    try:
        yield conn
    finally:
        conn.close()


def _is_till_file(conn: sqlite3.Connection) -> tuple[bool, int]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    names = {row[0].decode() if isinstance(row[0], bytes) else row[0]
             for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return version > 0 and {"sale", "till", "outbox", "ledger_entry", "member"} <= names, version


@functools.lru_cache(maxsize=None)
def expected_objects(version: int) -> frozenset[tuple[str, str, str]]:
    """(type, name, table) of every table, index, trigger and view a till of this
    schema version has: the frozen migration steps run on an empty database in
    memory, so it is exactly what LoyalTill itself makes."""
    database = peewee.SqliteDatabase(":memory:")
    try:
        with database.atomic():
            for step in MIGRATIONS[:version]:
                step(database)
        rows = database.execute_sql("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    finally:
        database.close()
    return frozenset((t, n, tbl) for t, n, tbl in rows)


def _text_of(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def unknown_objects(conn: sqlite3.Connection, version: int) -> list[str]:
    """What a file holds beyond a fresh till's schema of its version: a trigger added
    to a backup (`AFTER INSERT ON sale ... UPDATE staff SET role='owner'`) would
    run inside every sale of the till it is restored to, so anything unknown is
    refused.  Compared by type, name and table; SQLite's own tables (sqlite_sequence,
    the statistics of ANALYZE) and its automatic indexes are its business."""
    if not 0 < version <= LATEST:
        return []  # not a till of a version this program knows: refused on that ground
    expected = expected_objects(version)
    found = []
    for kind, name, table in conn.execute("SELECT type, name, tbl_name FROM sqlite_master"):
        kind, name, table = _text_of(kind), _text_of(name), _text_of(table)
        if (kind == "table" and name.startswith("sqlite_")) or (kind == "index" and name.startswith("sqlite_autoindex_")):
            continue
        if (kind, name, table) not in expected:
            found.append(f"{kind} {name} on {table}" if kind in ("index", "trigger") else f"{kind} {name}")
    return sorted(found)


def _texts_decode(conn: sqlite3.Connection, table: str) -> bool:
    """Every TEXT value of a small table is valid UTF-8 (a flipped byte inside a
    string passes SQLite's own checks but breaks every read of that row)."""
    columns = [row[1].decode() for row in conn.execute(f'PRAGMA table_info("{table}")')]
    for column in columns:
        for (value,) in conn.execute(f'SELECT [{column}] FROM "{table}" WHERE typeof([{column}]) = \'text\''):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def _demo_unfinished(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM setting WHERE key = 'demo_state'").fetchone()
    return row is not None and row[0] in (b'"building"', '"building"')


def quick(path: Path) -> CheckReport:
    """The check run as the till starts: milliseconds, whatever the till's size."""
    return _checked(path, full=False, look=_quick_look)


def full(path: Path) -> CheckReport:
    """Every page and row: integrity, foreign keys, balances, outbox continuity."""
    return _checked(path, full=True, look=_full_look)


def _checked(path: Path, *, full: bool, look: Callable[[sqlite3.Connection, CheckReport], None]) -> CheckReport:
    """What both checks share: open read-only, is it a till at all, objects of its
    own, then `look` at what that check reads, and a half-built demo; a schema too
    damaged to read is the report, not an exception."""
    report = CheckReport(full=full)
    try:
        with read_only(path) as conn:
            report.till_file, report.schema = _is_till_file(conn)
            if not report.till_file:
                report.ok = False
                return report
            report.unknown_schema = unknown_objects(conn, report.schema)
            look(conn, report)
            report.demo_unfinished = _demo_unfinished(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # A damaged schema: SQLite's own message quotes the broken bytes.
        report.integrity = [str(exc) if isinstance(exc, sqlite3.DatabaseError) else "the schema is not readable"]
        report.till_file = "not a database" not in str(exc)
    report.ok = not report.problems()
    return report


def _quick_look(conn: sqlite3.Connection, report: CheckReport) -> None:
    problems: list[str] = []
    names = {row[0].decode() for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in START_TABLES:
        if table not in names:
            continue
        found = [row[0].decode() for row in conn.execute(f'PRAGMA quick_check("{table}")')]
        if found != ["ok"]:
            problems.extend(found[:5])
        elif not _texts_decode(conn, table):
            problems.append(f"text in {table} is not readable")
    if problems:
        report.integrity = problems


def _full_look(conn: sqlite3.Connection, report: CheckReport) -> None:
    found = [row[0].decode() for row in conn.execute("PRAGMA integrity_check(20)")]
    report.integrity = found if found != ["ok"] else ["ok"]
    if report.integrity == ["ok"]:
        # Only a sound file's rows are worth reading; the texts of the tables
        # a sale reads (a sale's history is only printed, and reading every
        # string of a large till would hold the interpreter for minutes).
        for table in START_TABLES + ("member", "card"):
            if not _texts_decode(conn, table):
                report.integrity = [f"text in {table} is not readable"]
                break
    if report.integrity == ["ok"]:
        report.foreign_keys = len(conn.execute("PRAGMA foreign_key_check").fetchmany(1000))
        mismatched = conn.execute(_MISMATCHED).fetchmany(1000)
        report.balances = len(mismatched)
        report.balance_examples = [
            {"member": member.hex(), "cached": cached, "ledger": ledger} for member, cached, ledger in mismatched[:5]
        ]
        report.outbox = outbox_continuity(conn)


# As services.programme.ledger.mismatched_balances, on a plain connection.
_MISMATCHED = (
    'SELECT m.id, m.balance, COALESCE(s.total, 0) FROM "member" m '
    'LEFT JOIN (SELECT member_id, SUM(delta) AS total FROM "ledger_entry" GROUP BY member_id) s ON s.member_id = m.id '
    "WHERE m.balance != COALESCE(s.total, 0)"
)


def outbox_continuity(conn: sqlite3.Connection) -> dict[str, Any]:
    """The hub applies a till's operations in `seq` order with no gaps: what
    waits to be sent must be one unbroken run, after everything already sent."""
    unsent_min, unsent_max, unsent = conn.execute(
        'SELECT MIN(seq), MAX(seq), COUNT(*) FROM "outbox" WHERE sent_at IS NULL').fetchone()
    sent_max = conn.execute('SELECT MAX(seq) FROM "outbox" WHERE sent_at IS NOT NULL').fetchone()[0]
    continuous = unsent == 0 or (unsent_max - unsent_min + 1 == unsent and (sent_max is None or sent_max < unsent_min))
    return {"unsent": unsent, "first_unsent": unsent_min, "last_sent": sent_max, "continuous": continuous}


# --- as the till starts ----------------------------------------------------------------

# A small till's whole file is quick-checked at every start (a few milliseconds
# per megabyte); a large one's only its start tables, the rest in every backup.
WHOLE_FILE_AT_START = 32 * 1024 * 1024


def damage_mark(path: Path) -> Path:
    """A file beside the till's saying it was found damaged: a damaged file is
    not written to again, and the mark survives because it is not inside it."""
    return path.with_name(path.name + ".damaged")


def mark_damaged(path: Path, detail: str) -> None:
    try:
        damage_mark(path).write_text(detail[:2000] + "\n", encoding="utf-8")
    except OSError:
        pass  # the refusal is still said; the next start finds the damage again


def start_check(path: Path) -> CheckReport:
    """The quick form, plus the whole file when it is small, plus an earlier
    finding's mark; a report that is not ok means: refuse, write nothing."""
    report = quick(path)
    if report.ok and path.stat().st_size <= WHOLE_FILE_AT_START:
        try:
            with read_only(path) as conn:
                found = [row[0].decode() for row in conn.execute("PRAGMA quick_check(5)")]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            found = [str(exc) if isinstance(exc, sqlite3.DatabaseError) else "the schema is not readable"]
        if found != ["ok"]:
            report.integrity = found
    mark = damage_mark(path)
    if report.integrity == ["ok"] and mark.exists():
        detail = mark.read_text(encoding="utf-8", errors="replace").strip()
        if full(path).integrity == ["ok"]:
            mark.unlink(missing_ok=True)  # repaired (or restored) since: the mark is stale
        else:
            report.integrity = [detail or "found damaged earlier"]
    report.ok = not report.problems()
    return report


def refuse_unsafe_file(path: Path) -> None:
    """Nothing is written to a damaged file or a half-built demo: the command
    line (main.py) and the window (ui.app.open_shop) refuse it alike, with one
    sentence, before the file is opened for writing."""
    from services.core.errors import InputError

    report = start_check(path)
    if not report.till_file:
        return  # no till at all (a text file, another program's database): not damage; opening it says what it is
    if report.demo_unfinished:
        raise InputError("demo_interrupted")
    if report.unknown_schema:  # not damage: somebody added to it; nothing runs on it until it is looked at
        raise InputError("file_unknown_schema", path=str(path), names=", ".join(report.unknown_schema[:3]))
    if not report.ok:
        mark_damaged(path, "; ".join(report.integrity[:3]))
        raise InputError("file_damaged", path=str(path))
