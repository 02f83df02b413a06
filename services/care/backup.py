"""Backups of the till's file: by hand, and automatically once a day.

A backup is SQLite's online backup of the live file (a consistent snapshot
even while a sale is being written: in WAL mode the copy reads one snapshot
and the till keeps writing), written beside its final name, checked in full
(`services.care.check.full`: integrity, foreign keys, balances, outbox), and
only then renamed into place: a backup that exists is a whole one.

Automatic backups go to `backups/` beside the till's file and, if the owner
set one, to a second folder (a USB stick, a network share).  Rotation keeps
the last 7 days and one per week for the 4 weeks before; only files named
by this module are ever deleted.  A second folder that is missing (the stick
is out) is a warning in the result, never a failure of the backup.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import db
from models.schema import Setting, utcnow
from services.care import check
from services.core.errors import InputError
from services.core.storage import write_transaction

log = logging.getLogger("loyaltill.backup")

KEEP_DAYS = 7
KEEP_WEEKS = 4
AUTO_NAME = re.compile(r"^till-(\d{4}-\d{2}-\d{2})\.loyaltill-backup$")
SUFFIX = ".loyaltill-backup"
# Settings of this till only (services.sync.client.LOCAL_KEYS lists them too).
SECOND_FOLDER_KEY = "backup_second_folder"
LAST_KEY = "backup_last"


@dataclass
class BackupResult:
    path: str
    size: int
    at: str
    check: dict[str, Any]
    problems: list[str]
    second: str | None = None  # where the second copy went
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "size": self.size, "at": self.at, "ok": not self.problems, "problems": self.problems,
            "check": self.check, "second": self.second, "warnings": self.warnings, "removed": self.removed,
        }


def live_path() -> Path:
    return Path(db.obj.database)


def write_backup(source: Path, out: Path) -> check.CheckReport:
    """Copy `source` to `out` with SQLite's online backup, check the copy in
    full, then rename it into place; a copy that is damaged or no till file is
    deleted and refused."""
    out = Path(out)
    if out.is_dir():
        raise InputError("backup_out_folder", path=str(out))
    if not out.parent.is_dir():
        raise InputError("backup_no_folder", path=str(out.parent))
    if out.resolve() == Path(source).resolve():
        raise InputError("backup_onto_itself", path=str(out))
    partial = out.with_name(out.name + ".partial")
    try:
        with contextlib_closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)) as src, \
                contextlib_closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # one step: one consistent snapshot of the till
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        report = check.full(partial)
        if not report.till_file or report.integrity != ["ok"]:
            raise InputError("backup_source_damaged", problems="; ".join(report.integrity[:3]))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except UnicodeDecodeError:  # SQLite's own message about the damage arrived as bytes that are not text
        raise InputError("backup_source_damaged", problems="text that cannot be read") from None
    except (OSError, sqlite3.Error) as exc:
        raise InputError("backup_write_failed", path=str(out), reason=_reason(exc)) from None
    finally:
        partial.unlink(missing_ok=True)
    return report


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


class contextlib_closing:
    """contextlib.closing, named here so the two connections read as one line each."""

    def __init__(self, thing: Any) -> None:
        self.thing = thing

    def __enter__(self) -> Any:
        return self.thing

    def __exit__(self, *exc: object) -> None:
        self.thing.close()


def backup_now(out: Path, *, staff: Any = None, now: dt.datetime | None = None, automatic: bool = False) -> BackupResult:
    """A backup of the open till to `out`, recorded (last backup, audit log)."""
    from services.journal import audit

    now = now or utcnow()
    report = write_backup(live_path(), out)
    result = BackupResult(path=str(out), size=Path(out).stat().st_size, at=now.isoformat(timespec="seconds"),
                          check=report.as_json(), problems=report.problems())
    with write_transaction():
        remember(result)
        audit.record("backup_made", staff, target=str(out), now=now, automatic=automatic, ok=not result.problems)
    return result


# --- automatic, daily ------------------------------------------------------------------

def backup_folder() -> Path:
    return live_path().parent / "backups"


def second_folder() -> str:
    row = Setting.get_or_none(Setting.key == SECOND_FOLDER_KEY)
    return json.loads(row.value) if row else ""


def set_second_folder(folder: str, staff: Any = None) -> None:
    from services.journal import audit

    folder = folder.strip()
    with write_transaction():
        Setting.insert(key=SECOND_FOLDER_KEY, value=json.dumps(folder, ensure_ascii=False)).on_conflict_replace().execute()
        audit.record("settings_changed", staff, target=SECOND_FOLDER_KEY, folder=folder)


def last_backup() -> dict[str, Any] | None:
    row = Setting.get_or_none(Setting.key == LAST_KEY)
    return json.loads(row.value) if row else None


def remember(result: BackupResult) -> None:
    Setting.insert(key=LAST_KEY, value=json.dumps(result.as_json(), ensure_ascii=False)).on_conflict_replace().execute()


def due(now: dt.datetime) -> bool:
    """Whether today's automatic backup is still to be made."""
    last = last_backup()
    if not last or not last.get("at"):
        return True
    return dt.datetime.fromisoformat(last["at"]).date() < now.date()


def automatic_backup(now: dt.datetime | None = None) -> BackupResult:
    """Today's backup in backups/ (made again if run twice a day), a copy in the
    second folder if one is set, old ones rotated away in both."""
    now = now or utcnow()
    folder = backup_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("backup_write_failed", path=str(folder), reason=_reason(exc)) from None
    name = f"till-{now.date().isoformat()}{SUFFIX}"
    report = write_backup(live_path(), folder / name)
    result = BackupResult(path=str(folder / name), size=(folder / name).stat().st_size,
                          at=now.isoformat(timespec="seconds"), check=report.as_json(), problems=report.problems())
    result.removed += rotate(folder, now.date())
    second = second_folder()
    if second:
        target = Path(second)
        if not target.is_dir():
            result.warnings.append(f"second folder {second} is not there")
        else:
            try:
                partial = target / (name + ".partial")
                shutil.copyfile(folder / name, partial)
                os.replace(partial, target / name)
                result.second = str(target / name)
                result.removed += rotate(target, now.date())
            except OSError as exc:
                result.warnings.append(f"second folder {second}: {_reason(exc)}")
    from services.journal import audit

    with write_transaction():
        remember(result)
        audit.record("backup_made", None, target=result.path, now=now, automatic=True, ok=not result.problems,
                     second=result.second or "", warnings=result.warnings)
    return result


def rotate(folder: Path, today: dt.date) -> list[str]:
    """Delete automatic backups beyond the last KEEP_DAYS days and one per week
    (the newest of each) for the KEEP_WEEKS weeks before; returns what went."""
    dated: list[tuple[dt.date, Path]] = []
    for path in folder.iterdir():
        match = AUTO_NAME.match(path.name)
        if match:
            try:
                dated.append((dt.date.fromisoformat(match.group(1)), path))
            except ValueError:
                continue
    dated.sort(reverse=True)
    keep: set[Path] = {path for _, path in dated[:KEEP_DAYS]}
    weeks: dict[tuple[int, int], Path] = {}
    for day, path in dated[KEEP_DAYS:]:
        weeks.setdefault(day.isocalendar()[:2], path)  # newest of its week (sorted newest first)
    keep |= set(list(weeks.values())[:KEEP_WEEKS])
    removed = []
    for day, path in dated:
        if path not in keep and day <= today:
            try:
                path.unlink()
                removed.append(str(path))
            except OSError as exc:
                log.warning("cannot remove old backup %s: %s", path, exc)
    return removed
