"""The shape of an SQLite schema, read back from the file, and its differences
from another's in sentences a developer can act on.

Read through PRAGMAs (table_info, index_list/index_info, foreign_key_list)
rather than by comparing CREATE text: a column added by ALTER TABLE lands at
the end of the text, a table rebuilt by playhouse.migrate is written anew, and
neither is a difference.  CHECK constraints and partial-index conditions have
no PRAGMA, so they are taken from the text, whitespace and quoting ignored.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Column:
    type: str
    notnull: bool
    default: str | None
    pk: int  # position in the primary key, 0 if not in it

    def __str__(self) -> str:
        words = [self.type or "(no type)"]
        if self.notnull:
            words.append("NOT NULL")
        if self.default is not None:
            words.append(f"DEFAULT {self.default}")
        if self.pk:
            words.append("PRIMARY KEY" if self.pk == 1 else f"PRIMARY KEY (part {self.pk})")
        return " ".join(words)


@dataclass
class Index:
    columns: tuple[str, ...]
    unique: bool
    where: str | None  # a partial index's condition

    def __str__(self) -> str:
        text = ("UNIQUE " if self.unique else "") + "(" + ", ".join(self.columns) + ")"
        return text + (f" WHERE {self.where}" if self.where else "")


@dataclass
class Table:
    columns: dict[str, Column] = field(default_factory=dict)  # in table order
    indexes: dict[str, Index] = field(default_factory=dict)
    foreign_keys: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)


Shape = dict[str, Table]


def _plain(sql: str) -> str:
    """Text to compare: quotes, brackets and spacing do not matter, case does not either."""
    return re.sub(r"\s+", " ", re.sub(r'["`()\[\]]', " ", sql)).strip().lower()


def _checks(sql: str) -> set[str]:
    """Every CHECK (...) in a CREATE TABLE, by balanced brackets, outside quotes."""
    found = set()
    for match in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth, quote, start = 0, None, match.end() - 1
        for position in range(start, len(sql)):
            char = sql[position]
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    found.add(_plain(sql[start : position + 1]))
                    break
    return found


def _where(sql: str | None) -> str | None:
    if not sql:
        return None
    match = re.search(r"\bWHERE\b(.*)$", sql, re.IGNORECASE | re.DOTALL)
    return _plain(match.group(1)) if match else None


def read_shape(path: Path) -> Shape:
    """Tables, columns, indexes, foreign keys and checks of the database at `path`."""
    conn = sqlite3.connect(path)
    try:
        shape: Shape = {}
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        for name, sql in tables:
            table = shape[name] = Table(checks=_checks(sql))
            for _cid, column, type_, notnull, default, pk in conn.execute(f'PRAGMA table_info("{name}")'):
                table.columns[column] = Column(type_.upper(), bool(notnull), default, pk)
            for _seq, index, unique, origin, _partial in conn.execute(f'PRAGMA index_list("{name}")'):
                columns = tuple(row[2] for row in conn.execute(f'PRAGMA index_info("{index}")'))
                index_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
                # SQLite names the indexes behind PRIMARY KEY / UNIQUE itself, by position: key them by what they cover.
                key = index if origin == "c" else f"({'primary key' if origin == 'pk' else 'unique constraint'} on {', '.join(columns)})"
                table.indexes[key] = Index(columns, bool(unique), _where(index_sql[0] if index_sql else None))
            keys: dict[int, list] = {}
            for fk_id, _seq, target, source, to, on_update, on_delete, match in conn.execute(
                f'PRAGMA foreign_key_list("{name}")'
            ):
                keys.setdefault(fk_id, []).append((source, target, to, on_update, on_delete, match))
            for parts in keys.values():
                sources = ", ".join(p[0] for p in parts)
                targets = ", ".join(str(p[2]) for p in parts)
                _, target, _, on_update, on_delete, match = parts[0]
                table.foreign_keys.add(
                    f"({sources}) REFERENCES {target} ({targets}) ON UPDATE {on_update} ON DELETE {on_delete} MATCH {match}"
                )
        return shape
    finally:
        conn.close()


def _other_objects(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {f"{kind} {name}: {_plain(sql or '')}" for kind, name, sql in
                conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')")}
    finally:
        conn.close()


def differences(left: Path, right: Path, left_name: str, right_name: str, column_order: bool = False) -> list[str]:
    """One sentence per difference between two databases' schemas, naming the
    table and the column or index, and what each side has."""
    a, b = read_shape(left), read_shape(right)
    out: list[str] = []

    def both(what: str, x: object, y: object) -> None:
        out.append(f"{what} -- {left_name}: {x if x is not None else '(none)'}; "
                   f"{right_name}: {y if y is not None else '(none)'}")

    for name in sorted(a.keys() | b.keys()):
        if name not in b:
            both(f'table "{name}"', "present", None)
            continue
        if name not in a:
            both(f'table "{name}"', None, "present")
            continue
        ta, tb = a[name], b[name]
        for column in list(ta.columns) + [c for c in tb.columns if c not in ta.columns]:
            x, y = ta.columns.get(column), tb.columns.get(column)
            if x != y:
                both(f'table "{name}", column "{column}"', x, y)
        if column_order:
            order_a = [c for c in ta.columns if c in tb.columns]
            order_b = [c for c in tb.columns if c in ta.columns]
            if order_a != order_b:
                both(f'table "{name}", column order', order_a, order_b)
        for index in sorted(ta.indexes.keys() | tb.indexes.keys()):
            x, y = ta.indexes.get(index), tb.indexes.get(index)
            if x != y:
                both(f'table "{name}", index "{index}"', x, y)
        for key in sorted(ta.foreign_keys ^ tb.foreign_keys):
            on_left = key in ta.foreign_keys
            both(f'table "{name}", foreign key {key}', "present" if on_left else None, None if on_left else "present")
        for check in sorted(ta.checks ^ tb.checks):
            on_left = check in ta.checks
            both(f'table "{name}", check {check}', "present" if on_left else None, None if on_left else "present")
    others_left, others_right = _other_objects(left), _other_objects(right)
    for thing in sorted(others_left ^ others_right):
        on_left = thing in others_left
        both(thing, "present" if on_left else None, None if on_left else "present")
    return out
