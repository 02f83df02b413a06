"""services/ and models/ never import Qt or ui: the core must run headless."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_qt_or_ui_in_core_sources():
    offenders = []
    for package in ("services", "models"):
        for path in (ROOT / package).rglob("*.py"):
            bad = _imports(path) & {"PySide6", "shiboken6", "ui", "PyQt5", "PyQt6"}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts) for pkg in ("services", "models")
        for p in (ROOT / pkg).rglob("*.py") if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert len(modules) > 10


def test_the_check_itself_catches_a_qt_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6" in _imports(bad)
