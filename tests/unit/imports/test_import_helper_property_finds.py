"""Differences between the members import's ways of running that
test_import_helper_properties.py found, each minimised to a plain example:
the file imported in one process, with a helper that plans each chunk before
the chunk before it is written (RunsAhead), and as a dry run."""
from __future__ import annotations

import datetime as dt

import pytest

from services.imports import helper
from tests.unit.imports.test_import_helper_properties import three_runs

pytestmark = pytest.mark.skipif(not helper.available(), reason="a helper process needs POSIX pipes")


def member(name: str, created: dt.datetime, **given) -> dict:
    """One of the shop's members before the import, as test_import_helper_properties.open_shop makes it."""
    return {"name": name, "created_at": created, "origin": "", "phone": None, "email": None,
            "external_ref": None, "card": None, "card_status": "active", "balance": 0, **given}


# Two members share an e-mail; the older (Анна) has a card, the younger (Вера) a phone.
# Chunk 0 (size 1, no e-mail in it) finds Анна by her card and registers her in 2022: Вера is
# now the older holder of the e-mail.  Chunk 1's row gives the e-mail and Вера's phone.
SHARED_EMAIL_SHOP = {"blank": None, "members": [
    member("Анна", dt.datetime(2020, 1, 1), email="b@x.ru", card="11110001"),
    member("Вера", dt.datetime(2021, 1, 1), email="b@x.ru", phone="+79160000002"),
]}
SHARED_EMAIL_ROWS = [
    {"name": "Анна", "card": "11110001", "registered": "01.06.2022"},
    {"name": "Вера", "email": "b@x.ru", "phone": "+7 916 000-00-02", "note": "снова"},
]


def test_a_helper_finds_a_shared_email_by_who_was_oldest_before_a_pending_chunk_changed_a_registration_date(
        shop_template, tmp_path):
    """The one-process import reads the till's e-mails when a chunk first needs them
    (_Job.emails: SELECT email, id ... ORDER BY created_at, the first holder of each kept),
    here in chunk 1, after chunk 0 was written: b@x.ru is Вера's (Анна is now registered in
    2022), so the e-mail and the phone both find Вера and the row updates her note.
    The helper plans chunk 1 on a snapshot without chunk 0: the same query has Анна (2020)
    first, and _Job.emails keeps her, as it only asks whether a recalled chunk changed her
    e-mail (`if now is None or now["email"] == email`), not her created_at.  The e-mail finds
    Анна, the phone Вера: the row is refused (import_other_member) and Вера keeps no note."""
    found = three_runs(shop_template, tmp_path, SHARED_EMAIL_SHOP, SHARED_EMAIL_ROWS, 1, "merge")
    alone, helped = found["alone"], found["helped"]
    # one process: both rows update (Анна's date, Вера's note), nothing refused
    assert alone[0][1:5] == (0, 2, 0, [])
    assert ("Вера", "+79160000002", "b@x.ru", None, "", "снова") in [m[:6] for m in alone[1]["members"]]
    assert helped[0] == alone[0]  # helped: (0, 1, 0, [(3, "email", "import_other_member")])
    assert helped[1] == alone[1]


def test_a_dry_run_finds_a_shared_email_by_who_was_oldest_before_its_earlier_chunk_changed_a_registration_date(
        shop_template, tmp_path):
    """The dry run's chunk 0 is rolled back, not written: when chunk 1 reads the e-mails
    (_Job.emails) the database still has Анна registered in 2020, first by created_at, and
    the recalled chunk (_Planned.members) is asked only whether it changed her e-mail.  The
    dry run tells the owner row 3 will be refused (two members) and 1 member updated; the
    import then updates 2 and refuses nothing."""
    found = three_runs(shop_template, tmp_path, SHARED_EMAIL_SHOP, SHARED_EMAIL_ROWS, 1, "merge")
    alone, dry = found["alone"], found["dry"]
    assert alone[0][1:5] == (0, 2, 0, [])
    assert dry[0] == alone[0]  # dry: (0, 1, 0, [(3, "email", "import_other_member")])
