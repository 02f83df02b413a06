"""Nasty input on the command line: one line on stderr, exit 2, nothing changed.

The issue's own cases run the real program; then every numeric and date
argument of every command meets a table of nasty values (unicode digits,
huge, negative, empty) in-process, where a traceback is an exception."""
from __future__ import annotations

import contextlib
import io
import json

import pytest

from tests.e2e.conftest import counts, run

HUGE = "9" * 10_000


@pytest.fixture
def rules_files(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    digits = tmp_path / "digits.json"
    digits.write_text('{"welcome_points": ' + "7" * 5000 + "}", encoding="utf-8")
    window = tmp_path / "window.json"
    window.write_text(json.dumps({"tier_window_days": 10**12}), encoding="utf-8")
    wrong_format = tmp_path / "format.json"
    wrong_format.write_text(json.dumps({"format": "loyaltill-rules/99", "rules": {}}), encoding="utf-8")
    return {"deep": deep, "digits": digits, "window": window, "format": wrong_format}


@pytest.mark.parametrize("args,message", [
    (["sell", "--item", "{p}*²"], "quantity"),
    (["sell", "--item", "{p}*" + HUGE], "quantity"),
    (["sell", "--card", "{c}", "--item", "{p}", "--redeem", "²"], "--redeem"),
    (["sell", "--card", "{c}", "--item", "{p}", "--redeem", HUGE], "--redeem"),
    (["sell", "--card", "²" * 13, "--item", "{p}"], "card"),
    (["return", "--sale", "{r}", "--item", "{p}*²"], "quantity"),
    (["member", "--card", ""], "card"),
    (["rules", "export", "--version", "9" * 30], "version"),
    (["rules", "import", "{deep}"], "nested too deeply"),
    (["rules", "import", "{digits}"], "too many digits"),
    (["rules", "import", "{window}"], "at most 3650 days"),
    (["rules", "import", "{format}"], "format"),
    (["simulate", "--rules", "{deep}", "--json"], "nested too deeply"),
    (["simulate", "--rules", "{digits}", "--json"], "too many digits"),
    (["demo", "--members", "9" * 30], "--members"),
])
def test_the_issues_inputs_are_one_line_and_change_nothing(shop, rules_files, args, message):
    path, info = shop
    values = {"p": info["sample_products"][0], "c": info["sample_cards"][0], "r": "T01-000001",
              **{k: str(v) for k, v in rules_files.items()}}
    args = [a.format(**values) if "{" in a else a for a in args]
    before = counts(path)
    where = ["--db", str(path)] if args[0] != "rules" else []
    head = args[:2] if args[0] == "rules" else args[:1]
    rest = args[2:] if args[0] == "rules" else args[1:]
    if args[0] == "rules":
        rest = ["--db", str(path), *rest]
    out = run(*head, *where, *rest, check=False)
    assert out.returncode == 2, out.stderr[-2000:]
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert counts(path) == before


def test_simulate_over_the_whole_calendar_replays_the_history(shop, tmp_path):
    path, _ = shop
    rules = tmp_path / "rules.json"
    rules.write_text(run("rules", "export", "--db", str(path)).stdout, encoding="utf-8")
    whole = json.loads(run("simulate", "--db", str(path), "--rules", str(rules), "--from", "0001-01-01",
                           "--to", "9999-12-31", "--json").stdout)
    default = json.loads(run("simulate", "--db", str(path), "--rules", str(rules), "--json").stdout)
    assert whole.pop("period") != default.pop("period")
    assert whole == default and whole["sales"] > 0


def test_the_effective_offset_is_kept(shop, tmp_path):
    path, _ = shop
    rules = tmp_path / "rules.json"
    rules.write_text(run("rules", "export", "--db", str(path)).stdout, encoding="utf-8")
    stored = json.loads(run("rules", "import", "--db", str(path), str(rules), "--draft",
                            "--effective", "2026-12-01T00:00+05:00", "--json").stdout)
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as conn:
        when = conn.execute('SELECT effective_from FROM "rule_set" WHERE version = ?', (stored["version"],)).fetchone()[0]
    assert when.startswith("2026-11-30 19:00")


NASTY = ["²", "²" * 13, "٣" * 12 + "7", HUGE, "9" * 30, "-1", "-" + "9" * 30, "", "0", "1e3", " 5", "x",
         "0001-01-01", "9999-12-31", "2026-13-45"]
TEMPLATES = [
    ["sell", "--item", "{p}*{v}"],
    ["sell", "--card", "{c}", "--item", "{p}", "--redeem", "{v}"],
    ["sell", "--card", "{v}", "--item", "{p}"],
    ["sell", "--item", "{v}"],
    ["return", "--sale", "{v}"],
    ["return", "--sale", "{r}", "--item", "{p}*{v}"],
    ["member", "--card", "{v}"],
    ["member", "--phone", "{v}"],
    ["cards", "--blank", "{v}", "--out", "{tmp}/c.pdf"],
    ["cards", "--members", "{v}", "--out", "{tmp}/c.pdf"],
    ["receipt", "--sale", "{v}", "--out", "{tmp}/r.pdf"],
    ["rules", "export", "--version", "{v}", "--out", "{tmp}/e.json"],
    ["rules", "import", "{tmp}/rules.json", "--draft", "--effective", "{v}"],
    ["simulate", "--rules", "{tmp}/rules.json", "--from", "{v}", "--json"],
    ["simulate", "--rules", "{tmp}/rules.json", "--from", "0001-01-01", "--to", "{v}", "--json"],
    ["demo", "--members", "{v}", "--products", "1", "--sales", "0"],
    ["demo", "--members", "1", "--products", "{v}", "--sales", "0"],
    ["demo", "--members", "1", "--products", "1", "--sales", "{v}"],
    ["demo", "--members", "1", "--products", "1", "--sales", "0", "--seed", "{v}"],
    ["bench", "--rounds", "{v}", "--what", "pricing"],
    ["hub", "serve", "--dsn", "postgresql://x@/none?host={tmp}/no-socket", "--port", "{v}"],
    ["hub", "set-caps", "--dsn", "postgresql://x@/none?host={tmp}/no-socket", "--per-sale", "{v}", "--daily", "1"],
    ["sync", "--hub", "http://127.0.0.1:9/{v}", "--token", "{v}"],
    ["bench-sync", "--dsn", "postgresql://x@/none?host={tmp}/no-socket", "--ops", "{v}"],
]


def _in_process(argv: list[str]) -> tuple[int, str]:
    import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main.run_command(argv)
        except SystemExit as exc:  # argparse's own one-line refusals
            code = exc.code
    return code, err.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: " ".join(t[:2] if t[0] in ("rules", "hub") else t[:1])
                         + " " + next(a for a in t if "{v}" in a).replace("{v}", "V"))
def test_every_numeric_and_date_argument_meets_nasty_values(shop_file, tmp_path, template):
    import shutil

    source, info = shop_file
    (tmp_path / "rules.json").write_text(json.dumps({"name": "x"}), encoding="utf-8")
    for value in NASTY:
        path = tmp_path / "till.db"
        shutil.copy(source, path)
        for stale in tmp_path.glob("new.db*"):
            stale.unlink()
        target = tmp_path / "new.db" if template[0] == "demo" else path
        values = {"p": info["sample_products"][0], "c": info["sample_cards"][0], "r": "T01-000001",
                  "tmp": str(tmp_path), "v": value}
        argv = [a.format(**values) for a in template]
        head = 2 if template[0] in ("rules", "hub") else 1
        if template[0] not in ("hub", "bench-sync"):
            argv = [*argv[:head], "--db", str(target), *argv[head:]]
        before = counts(path)
        code, err = _in_process(argv)  # a traceback here is an exception: the test fails with it
        lines = [line for line in err.splitlines() if line.strip() and "|" not in line]  # progress bars aside
        assert code in (0, 1, 2), (argv[:6], value[:20], err[-500:])
        assert code == 0 or len(lines) == 1, (argv[:6], value[:20], err[-500:])
        if code != 0:
            assert counts(path) == before, (argv[:6], value[:20])
