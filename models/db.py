"""The database handle: one proxy, opened by main.py with the till's pragmas."""
from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import peewee

db = peewee.DatabaseProxy()

# WAL so a reader (reports, sync) never blocks the till; FULL so a completed
# sale survives a power cut; foreign keys because the ledger must point at
# real sales and members.
TILL_PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -64000,  # 64 MiB
    "temp_store": 2,  # memory
}


def fold_text(text: str | None) -> str:
    """Text as a search compares it: case-folded, spaces collapsed, Latin letters
    without their accents ("Pâine  Albă" -> "paine alba"), "ё" as "е" — a
    cashier types "paine" or "лед" on a keyboard without the letters."""
    if not text:
        return ""
    kept = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue  # the accent of a Latin letter (â, ă, ș, ț, é...)
        if unicodedata.combining(char) and kept and kept[-1] == "е" and char == "\u0308":
            continue  # ё -> е
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def make_database(path: str | Path) -> peewee.SqliteDatabase:
    database = peewee.SqliteDatabase(str(path), pragmas=dict(TILL_PRAGMAS))
    # fold(x): the same folding in SQL, so rows keyed before it existed are still found.
    database.register_function(fold_text, "fold", 1, deterministic=True)
    return database


def write_transaction() -> peewee._atomic:
    """A transaction for a write that reads first (a balance, a sequence).

    BEGIN IMMEDIATE takes the write lock at the start, so two writers cannot
    both read the same balance and then both commit a redemption.  Nested
    calls become savepoints of the outer transaction.
    """
    return db.atomic(lock_type="IMMEDIATE")


# Fields whose SQLite value of this type already is the Python value
# (peewee's python_value hands it back unchanged): reading them is a lookup.
_NATIVE: dict[type[peewee.Field], type] = {peewee.IntegerField: int, peewee.TextField: str}


@dataclass(frozen=True)
class _RowReader:
    """How to build a model from one statement's rows, worked out once."""

    names: tuple[str, ...]  # per column: the field's name, or the column's for an extra
    extra: tuple[str, ...]
    converted: tuple[tuple[str, Callable[[Any], Any]], ...]  # columns always read through python_value
    # Columns whose SQLite value is normally the Python value already: checked
    # all at once in C (`native_values(row)`, one type each, None allowed), and
    # read through python_value one by one only when one of them is not.
    native_values: Callable[[tuple], tuple]
    native_types: tuple[tuple[type, type], ...]
    natives: tuple[tuple[str, Callable[[Any], Any], type], ...]


_readers: dict[tuple[type[peewee.Model], str], _RowReader] = {}


def _pick(positions: list[int]) -> Callable[[tuple], tuple]:
    """A function taking the values at `positions` out of a row, as a tuple (in C)."""
    if len(positions) >= 2:
        return operator.itemgetter(*positions)
    return lambda row: tuple(row[i] for i in positions)


def _reader_for(model: type[peewee.Model], description: Any, extra: tuple[str, ...]) -> _RowReader:
    columns = model._meta.columns
    names: list[str] = []
    converted, natives, positions = [], [], []
    for index, (name, *_) in enumerate(description):
        if name in extra:
            names.append(name)
            continue
        field = columns[name]
        names.append(field.name)
        native = _NATIVE.get(type(field))
        if native is None:
            converted.append((field.name, field.python_value))
        else:
            natives.append((field.name, field.python_value, native))
            positions.append(index)
    return _RowReader(
        tuple(names), tuple(name for name in names if name in extra), tuple(converted),
        _pick(positions), tuple((n, type(None)) for _, _, n in natives), tuple(natives),
    )


def fetch_model(
    model: type[peewee.Model], sql: str, params: tuple, extra: tuple[str, ...] = ()
) -> tuple[peewee.Model, dict[str, object]] | None:
    """Run hand-written SQL on the till's hot path and build the model from the row.

    Building a query object costs ~150 µs in peewee; a card lookup must stay
    near a raw indexed lookup, so the few hot queries are written once as
    SQL, and how to read each column is worked out once per statement.  The
    statement goes straight to the connection (peewee's execute_sql adds a
    debug-log check and a fresh cursor per call), errors still become peewee's.
    Columns named in `extra` are returned beside the model as they are.
    """
    with peewee.__exception_wrapper__:
        cursor = db.obj.connection().execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    reader = _readers.get((model, sql))
    if reader is None:
        reader = _readers[(model, sql)] = _reader_for(model, cursor.description, extra)
    data: dict[str, Any] = dict(zip(reader.names, row))
    others = {}
    for name in reader.extra:
        others[name] = data.pop(name)
    for name, convert in reader.converted:
        value = data[name]
        if value is not None:
            data[name] = convert(value)
    if not all(map(isinstance, reader.native_values(row), reader.native_types)):
        for name, convert, native in reader.natives:
            value = data[name]
            if value is not None and type(value) is not native:
                data[name] = convert(value)
    instance = model(__no_default__=1)
    instance.__data__ = data  # as peewee's own cursor wrapper leaves it: nothing dirty
    return instance, others


@dataclass(frozen=True)
class _ColumnWriter:
    name: str
    db_value: Callable[[Any], Any]
    default: Any  # a value, a callable making one, or None
    native: type | None  # values of this type go to SQLite as they are (db_value would return them unchanged)


_inserts: dict[type[peewee.Model], tuple[str, tuple[_ColumnWriter, ...]]] = {}


def _insert_for(model: type[peewee.Model]) -> tuple[str, tuple[_ColumnWriter, ...]]:
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField)]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
    return sql, tuple(_ColumnWriter(f.name, f.db_value, f.default, _NATIVE.get(type(f))) for f in fields)


def insert_rows(model: type[peewee.Model], rows: list[dict[str, object]]) -> None:
    """INSERT rows (dicts of field name -> Python value) with a statement built once.

    Values go through each field's db_value, and missing ones take the field's
    default, exactly as Model.create would; only the SQL text and the list of
    columns are worked out once (this runs for every row of every sale).
    """
    if not rows:
        return
    cached = _inserts.get(model)
    if cached is None:
        cached = _inserts[model] = _insert_for(model)
    sql, writers = cached
    params = []
    for row in rows:
        values = []
        for column in writers:
            if column.name in row:
                value = row[column.name]
            elif column.default is not None:
                value = row[column.name] = column.default() if callable(column.default) else column.default
            else:
                value = None
            if value is not None and type(value) is not column.native:
                if isinstance(value, peewee.Model):
                    value = value.get_id()
                value = column.db_value(value)
            values.append(value)
        params.append(tuple(values))
    db.obj.cursor().executemany(sql, params)


def insert_tuples(model: type[peewee.Model], fields: list[str], rows: list[tuple], *,
                  sink: Statements | None = None) -> None:
    """executemany of values already in database form, for bulk loads (the demo
    writes tens of millions of rows; insert_rows' per-value conversion would
    double its time).  `sink`: kept there to run later, not run now."""
    if not rows:
        return
    columns = ", ".join(f'"{model._meta.fields[f].column_name}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    (sink or db.obj.connection()).executemany(
        f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', rows)


class Statements:
    """Writes kept to be run later, in order, in another transaction (or by another
    process: an import's helper plans a chunk's writes, the importing process runs
    them): what a bulk write would have passed to executemany, with values already
    in database form.  It has executemany as a connection has, so a bulk write
    takes either."""

    def __init__(self, kept: list[tuple[str, list[tuple]]] | None = None) -> None:
        self.kept: list[tuple[str, list[tuple]]] = kept if kept is not None else []

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        rows = list(rows)
        if rows:
            self.kept.append((sql, rows))

    def run(self) -> None:
        """Run them on this thread's connection, inside the caller's transaction."""
        connection = db.obj.connection()
        for sql, rows in self.kept:
            connection.executemany(sql, rows)
