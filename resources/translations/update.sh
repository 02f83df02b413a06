#!/bin/sh
# Refresh the translation sources from ui/*.py and compile them to .qm.
# English is the source language; edit the .ts files with pyside6-linguist.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${PYSIDE_BIN:-$(dirname "$(command -v python3)")}
[ -x "$bin/pyside6-lupdate" ] || bin="$root/.venv/bin"
cd "$root"
for lang in ru ro; do
    "$bin/pyside6-lupdate" -no-obsolete -locations relative ui/*.py -ts "resources/translations/loyaltill_$lang.ts"
    "$bin/pyside6-lrelease" "resources/translations/loyaltill_$lang.ts" -qm "resources/translations/loyaltill_$lang.qm"
done
