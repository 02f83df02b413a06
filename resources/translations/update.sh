#!/bin/sh
# Refresh the message catalogue from the code, then compile it.
#
#   resources/translations/update.sh
#
# English is the source language: the msgids are the English texts in ui/ and
# services/ (_(), ngettext(), pgettext(), npgettext(), and N_() for texts worded
# later, like the error sentences in services/core/error_texts.py).  Translate
# in <lang>/LC_MESSAGES/loyaltill.po (any PO editor, or by hand), run this
# again, and commit the .po with its .mo.  tests/unit/core/test_catalogue.py
# fails while a text lacks a translation or a .mo is older than its .po.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pybabel=${PYBABEL:-$(command -v pybabel || echo "$root/.venv/bin/pybabel")}
cd "$root"
"$pybabel" -q extract --no-location --sort-by-file --project LoyalTill --charset utf-8 \
    -k _ -k ngettext:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -k N_ \
    -o resources/translations/loyaltill.pot ui services
for lang in ru ro; do
    po="resources/translations/$lang/LC_MESSAGES/loyaltill.po"
    if [ -f "$po" ]; then
        "$pybabel" -q update --no-fuzzy-matching --ignore-obsolete \
            -i resources/translations/loyaltill.pot -D loyaltill -d resources/translations -l "$lang"
    else
        "$pybabel" -q init -i resources/translations/loyaltill.pot -D loyaltill -d resources/translations -l "$lang"
    fi
done
"$pybabel" compile --statistics -D loyaltill -d resources/translations
