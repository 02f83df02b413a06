"""Render the owner's Reports (figures with the trend chart, by cashier, programme, segments
with the 20/80 curve, a segment's members, who is slipping away, the chain's figures from the hub)
and a member's profile to PNGs, for people to look at.

The hub is faked (tests/ui/chainkit.py: two stores, as services.hub.figures answers): the Chain
tab for the owner, then the hub out of reach, then a manager's (their store only).

The demo shop (three months of sales) gets a year of older history through the history import
(services.imports.history), members buying at rates of their own and some of them stopping, so
the trend, the segments and the churn fit have something to show.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/screenshot_reports.py [/tmp/shots-reports/] [--lang ru|ro|en]
        [--fake]   (the page on tests/ui/reportkit.py's dicts instead of the services)
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def older_history(now: dt.datetime, seed: int = 7) -> list[tuple[int, dict[str, object]]]:
    """A year of receipts before the demo's own three months: each member with a rate of visits
    (gamma-distributed, as BG/NBD assumes) and a day they stop coming (some never do); the old
    program's own customers (by its id) up to today, most of whom stopped at some point, so
    some are slipping away; receipts of customers without a card."""
    from models.schema import Card, Member

    rng = random.Random(seed)
    start = (now - dt.timedelta(days=92 + 365)).date()
    rows: list[tuple[int, dict[str, object]]] = []
    number = 1
    members = list(Member.select().join(Card).where(Card.status == "active").order_by(Member.name))
    for member in members:
        card = member.cards.where(Card.status == "active").first()
        rate = rng.gammavariate(0.9, 1 / 25)  # visits a day
        stops = rng.random() < 0.45
        last = start + dt.timedelta(days=rng.randrange(60, 400) if stops else 460)
        spend = rng.gammavariate(4, 120)  # the member's usual receipt, major units
        day = start + dt.timedelta(days=rng.randrange(0, 120))
        while day < min(last, start + dt.timedelta(days=365)):
            amount = max(20.0, rng.gauss(spend, spend / 4))
            rows.append((number + 1, {"receipt": f"OLD-{number}", "date": day.isoformat(),
                                      "time": f"{rng.randrange(9, 21):02d}:{rng.randrange(60):02d}",
                                      "amount": f"{amount:.2f}", "card": card.number}))
            number += 1
            day += dt.timedelta(days=max(1, int(rng.expovariate(rate)) if rate > 0 else 400))
    firsts = ("Анна", "Мария", "Ольга", "Пётр", "Денис", "Кирилл", "Вера", "Лидия", "Роман", "Тимур")
    lasts = ("Орлов", "Белов", "Зуев", "Киселёв", "Носов", "Титов", "Фомин", "Шилов", "Яковлев", "Гусев")
    end = now.date()
    for n in range(220):  # the old program's customers, known by its id: some stopped coming, some never did
        rate = rng.gammavariate(1.2, 1 / 12)
        stops = rng.random() < 0.6
        last = start + dt.timedelta(days=rng.randrange(40, 440)) if stops else end
        spend = rng.gammavariate(4, 150)
        day = start + dt.timedelta(days=rng.randrange(0, 90))
        name = f"{firsts[n % 10]} {lasts[(n // 10) % 10]}{'а' if firsts[n % 10][-1] in 'ая' else ''}"
        while day < min(last, end):
            amount = max(20.0, rng.gauss(spend, spend / 4))
            rows.append((number + 1, {"receipt": f"OLD-{number}", "date": day.isoformat(), "time": "17:30",
                                      "amount": f"{amount:.2f}", "customer_ref": f"C{n:04d}", "customer_name": name}))
            number += 1
            day += dt.timedelta(days=max(1, int(rng.expovariate(rate))))
    for _n in range(900):  # customers without a card
        day = start + dt.timedelta(days=rng.randrange(0, 365))
        rows.append((number + 1, {"receipt": f"OLD-{number}", "date": day.isoformat(), "time": "12:00",
                                  "amount": f"{rng.uniform(50, 900):.2f}"}))
        number += 1
    return rows


from tests.ui.shotkit import Shots  # noqa: E402


def render(folder: Path, language: str = "ru", fake: bool = False) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    import models
    from models.schema import Member, RuleSet, utcnow
    from services.core.storage import write_transaction
    from services.demo.builder import build_demo
    from services.imports import history
    from services.shop import staff as auth
    from services.shop.settings import shop_info
    from ui.app import install_translator
    from ui.formatting import Formatter
    from ui.member_dialogs import MemberFormDialog
    from ui.reports_page import ReportsDialog, Sources

    shots = Shots(folder, language, rounds=40)
    app, out, settle, shot = shots.app, shots.out, shots.settle, shots.shot

    with tempfile.TemporaryDirectory() as tmp:
        models.open_database(Path(tmp) / "shot.db")
        now = utcnow().replace(microsecond=0)
        build_demo(ROOT / "resources", members=150, products=80, sales=2500, seed=1, now=now)
        with write_transaction():  # the programme in force before the older history's first day
            RuleSet.update(effective_from=dt.datetime(2000, 1, 1)).execute()
        owner = auth.first_of_role("owner")
        outcome = history.run(older_history(now), actor=owner, now=now)
        print(f"history: {outcome.imported} receipts imported, {len(outcome.errors)} refused", file=sys.stderr)
        install_translator(app, ROOT / "resources", language)
        info = shop_info()
        fmt = Formatter(info.currency, info.locale, info.time_zone)
        members = list(Member.select().order_by(Member.name).limit(12))
        if fake:
            from tests.ui.reportkit import FakeSources

            sources: Sources = FakeSources(members)
        else:
            sources = Sources()
        from services.sync.client import SyncError
        from tests.ui.chainkit import FakeHub, hub_answer

        sources.in_chain = lambda: True  # type: ignore[method-assign]
        sources.chain_figures = FakeHub(hub_answer, SyncError("sync_unreachable", detail="ConnectTimeout"))  # type: ignore[method-assign]
        dialog = ReportsDialog(owner, fmt, ROOT / "resources", sources=sources)
        dialog.setMaximumSize(16_777_215, 16_777_215)  # the offscreen screen is smaller than a till's 1366 x 768
        dialog.resize(1366, 768)
        dialog.show()
        dialog.picker.choose("this_year")
        dialog.refresh()
        shot(dialog, "reports_figures")
        dialog.trend_measure.setCurrentIndex(1)
        shot(dialog, "reports_figures_receipts")
        dialog.trend_measure.setCurrentIndex(0)
        for index, name in ((1, "reports_cashiers"), (2, "reports_programme"), (3, "reports_segments"),
                            (4, "reports_churn")):
            dialog.tabs.setCurrentIndex(index)
            shot(dialog, name)
        dialog.tabs.setCurrentWidget(dialog.chain_tab)
        shot(dialog, "reports_chain")
        dialog.chain_tab.retry.click()  # the hub gone meanwhile
        shot(dialog, "reports_chain_offline")
        dialog.tabs.setCurrentIndex(3)
        settle()
        listing = dialog.segments_tab.open_segment(0)
        if listing is not None:
            shot(listing, "reports_segment_members")
            profile = listing.open_member(0)
            if profile is not None:
                shot(profile, "reports_member_profile")
                profile.close()
            listing.close()
        dialog.close()
        sources.chain_figures = FakeHub(lambda period: hub_answer(period, own="Центр"))  # type: ignore[method-assign]
        manager = ReportsDialog(auth.first_of_role("manager"), fmt, ROOT / "resources", sources=sources)
        manager.setMaximumSize(16_777_215, 16_777_215)
        manager.resize(1366, 768)
        manager.show()
        manager.tabs.setCurrentWidget(manager.chain_tab)
        shot(manager, "reports_chain_manager")
        manager.close()
        if not fake:  # the member's own dialog counts through the services
            member = max(Member.select(), key=lambda m: m.sales.count())
            edit = MemberFormDialog(owner, member)
            edit.resize(820, 620)
            edit.show()
            edit.tabs.setCurrentIndex(1)
            shot(edit, "member_profile_tab")
            edit.close()
        for widget in QApplication.topLevelWidgets():
            widget.close()
        settle()
        models.db.close()
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    args = [a for a in args if a != lang]
    target = Path(args[0]) if args else Path("/tmp/shots-reports")
    for path in render(target, lang, fake="--fake" in sys.argv):
        print(path)
