"""An old card brought by an import works on the command line as it is:
`member --card` and `sell --card` find its member with the imported balance."""
from __future__ import annotations

import json

from tests.e2e.conftest import run


def _import_old_cards(path) -> None:
    from models import db, open_database
    from models.schema import Staff, utcnow
    from services.imports import members as member_import
    from services.shop import staff as auth

    open_database(path)
    try:
        owner = Staff.get(Staff.role == "owner")
        auth.login("111111", owner)  # the owner's key signs the opening balances
        rows = [(2, {"name": "Старая карта", "card": "96385074", "balance": "2 000"}),
                (3, {"name": "Чужой EAN", "card": "4006381333931", "balance": "50"})]
        outcome = member_import.run(rows, actor=owner, now=utcnow())
        assert outcome.imported == 2 and not outcome.errors
    finally:
        db.obj.close()
        db.initialize(None)


def test_member_and_sell_take_an_imported_card(shop):
    path, info = shop
    _import_old_cards(path)
    found = json.loads(run("member", "--db", str(path), "--card", "96385074", "--json").stdout)
    assert found["name"] == "Старая карта" and found["balance"] == 2000
    sold = json.loads(run("sell", "--db", str(path), "--card", "4006381333931", "--item", info["sample_products"][0],
                          "--json").stdout)
    assert sold["member"]["card"] == "4006381333931"
    assert sold["member"]["balance"] == 50 + sold["points_earned"]
