"""Every UI string has a Russian and a Romanian translation, and the .qm files are current."""
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_every_string_is_translated(lang):
    tree = ET.parse(TRANSLATIONS / f"loyaltill_{lang}.ts")
    messages = tree.findall(".//message")
    assert len(messages) > 200
    missing = [
        m.findtext("source") for m in messages
        if (t := m.find("translation")) is None or t.get("type") in ("unfinished", "vanished", "obsolete")
        or not ("".join(t.itertext()).strip())
    ]
    assert missing == []


@pytest.mark.parametrize("lang", ["ru", "ro"])
def test_sources_cover_the_code(lang, tmp_path):
    """lupdate over ui/*.py finds no string the .ts lacks."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed beside this Python")
    fresh = tmp_path / f"fresh_{lang}.ts"
    subprocess.run([str(lupdate), "-no-obsolete", *map(str, sorted((ROOT / "ui").glob("*.py"))), "-ts", str(fresh)],
                   check=True, capture_output=True)
    sources = lambda path: {m.findtext("source") for m in ET.parse(path).iter("message")}  # noqa: E731
    found = sources(fresh)
    assert len(found) > 200
    assert found - sources(TRANSLATIONS / f"loyaltill_{lang}.ts") == set()
