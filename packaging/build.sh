#!/usr/bin/env bash
# Build a self-contained folder dist/loyaltill/ (run it as dist/loyaltill/loyaltill).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e . pyinstaller
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/loyaltill.spec
echo "built: dist/loyaltill/loyaltill"
