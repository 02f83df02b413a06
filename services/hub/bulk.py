"""Writing many rows at once, on the push's hot path.

Two ways, both one statement per table and batch:

- `copy_rows`: PostgreSQL's COPY ... FROM STDIN, the rows as COPY's text.  The
  server neither plans nor unnests anything and fills each heap page in one go
  (its multi-row insert); measured about half the database's cost of the
  INSERT below for `applied_op`, the largest table a push writes.  COPY has no
  ON CONFLICT: a row whose key is already there fails the whole COPY, which
  then runs in its own savepoint and leaves nothing behind, and the caller
  inserts the same rows the careful way.  A push's rows are almost always new
  (the seq check under the till's lock has passed), so the careful way is the
  rare one: a re-sent operation under a new seq, a sale sent again, two tills
  racing with the same ids.
- `insert_values`: `INSERT ... SELECT * FROM unnest(...) ON CONFLICT DO
  NOTHING`, each column as one array literal.

Values are plain Python (UUIDs, JSON and times as text, typed by the column;
whole numbers; None).  What either form cannot carry (a NUL character, a lone
surrogate) goes to psycopg2's own adaptation, which refuses it as it always did.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import psycopg2
import psycopg2.errors

from models.hub import hub_db


def copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple], lines: list[str] | None = None) -> bool:
    """COPY `rows` into `table`: True when every row went in, False when none did
    (a row's key is already there, or a value COPY's text cannot carry): the
    caller then writes them with `insert_values`.  Any other error (bad data:
    PostgreSQL's class 22) is raised, as the INSERT would raise it.  `lines`:
    the same rows as `copy_lines` made them earlier (a push's, before its turn;
    `rows` are then not read)."""
    if lines is None:
        if not rows:
            return True
        lines = copy_lines(rows)
    elif not lines:
        return True
    data = _encoded(lines) if lines is not None else None
    if data is None:
        return False
    cursor = hub_db.cursor()
    try:
        with hub_db.atomic():  # a savepoint: a refused COPY undoes only itself
            cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', io.BytesIO(data), size=len(data))
    except psycopg2.errors.UniqueViolation:
        return False
    return True


def copy_text(rows: list[tuple]) -> bytes | None:
    """The rows as COPY's text format (tab between columns, a line per row, `\\N`
    for NULL, backslash escapes); None when a value cannot be carried (NUL, a
    lone surrogate, a type this does not know)."""
    lines = copy_lines(rows)
    return _encoded(lines) if lines is not None else None


def copy_lines(rows: list[tuple]) -> list[str] | None:
    """Each row as a line of COPY's text (without its line break), made a column at a time."""
    columns = []
    for values in zip(*rows):
        column = _copy_column(list(values))
        if column is None:
            return None
        columns.append(column)
    return list(map("\t".join, zip(*columns)))


def _encoded(lines: list[str]) -> bytes | None:
    try:
        return ("\n".join(lines) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None


def _escaped(text: str) -> str:
    if "\\" in text or "\n" in text or "\r" in text or "\t" in text:
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text


def _copy_column(values: list[Any]) -> list[str] | None:
    kinds = set(map(type, values))
    if kinds == {str}:
        joined = "\x00".join(values)
        if joined.count("\x00") != len(values) - 1:
            return None  # a NUL inside a value
        return _escaped(joined).split("\x00")
    if kinds == {int}:
        return list(map(str, values))
    if kinds <= {str, type(None)}:
        if any("\x00" in v for v in values if v is not None):
            return None
        return ["\\N" if v is None else _escaped(v) for v in values]
    if kinds <= {int, type(None)}:
        return ["\\N" if v is None else str(v) for v in values]
    if kinds <= {bool, type(None)}:
        return ["\\N" if v is None else ("t" if v else "f") for v in values]
    if kinds <= {dt.datetime, type(None)}:
        return ["\\N" if v is None else v.isoformat(" ") for v in values]
    return None


def insert_values(table: str, columns: tuple[str, ...], rows: list[tuple], *, returning: str | None = None,
                  conflict: str = "ON CONFLICT DO NOTHING", casts: dict[str, str] | None = None) -> list[tuple]:
    """One multi-row INSERT per table and batch: each column goes as one array
    and the server unnests them (`INSERT ... SELECT * FROM unnest(...)`).
    Rendering a VALUES list row by row (psycopg2's execute_values) cost the
    hub as much as the database's own work, and building the statement
    through peewee's query objects more still.  Values are plain Python (UUIDs
    and JSON as text, cast by `casts`; other columns typed by their values)."""
    if not rows:
        return []
    casts = casts or {}
    arrays = [list(column) for column in zip(*rows)]
    types = [casts.get(name, "").lstrip(":") or _array_type(values) for name, values in zip(columns, arrays)]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT * FROM unnest({unnest}) {conflict}'
    if returning:
        sql += f" RETURNING {returning}"
    cursor = hub_db.cursor()
    cursor.execute(sql, [array_literal(values) for values in arrays])
    return cursor.fetchall() if returning else []


def array_literal(values: list[Any]) -> str | list[Any]:
    """A column as PostgreSQL's array text (`{"a","b",NULL}`), made a column at a
    time: psycopg2 adapts a list element by element, which cost the hub more
    than the insert itself.  Every text element is quoted and escaped, so no
    value can split or end the array whatever it holds; a column this does not
    cover (mixed kinds, a NUL character) goes as a list, psycopg2's own way."""
    kinds = set(map(type, values))
    if kinds == {str}:
        joined = "\x00".join(values)
        if joined.count("\x00") != len(values) - 1:
            return values  # a NUL inside a value: psycopg2 refuses it, as it always did
        escaped = joined.replace("\\", "\\\\").replace('"', '\\"')
        return '{"' + escaped.replace("\x00", '","') + '"}'
    if kinds == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if kinds <= {str, type(None)}:
        return "{" + ",".join("NULL" if v is None else _quoted(v) for v in values) + "}"
    if kinds <= {int, type(None)}:
        return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"
    if kinds == {dt.datetime}:
        return "{" + ",".join(f'"{v.isoformat(" ")}"' for v in values) + "}"
    return values


def _quoted(value: str) -> str:
    if "\x00" in value:
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array_type(values: list[Any]) -> str:
    for value in values:
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "bigint"
        if isinstance(value, dt.datetime):
            return "timestamp"
        if value is not None:
            return "text"
    return "text"


