"""Lifetime value and churn: BG/NBD and Gamma-Gamma against the papers' published fit on
their CDNOW data, the model's own properties, a simulation from known parameters, and the
shop's visits brought in as an imported history."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from services.devtools.bench_churn import simulate
from services.insights import btyd, lifetime

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow_customers_summary_with_transactions.csv"

# Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2),
# p. 280: the BG/NBD on CDNOW's 2,357 customers, time in weeks.
PAPER_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# Fader, Hardie & Lee (2005), "RFM and CLV", JMR 42(4) (and Fader & Hardie 2013, "The
# Gamma-Gamma model of monetary value"): the spend model on the 946 repeat customers.
PAPER_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def cdnow() -> dict[str, np.ndarray]:
    with CDNOW.open(newline="") as src:
        rows = list(csv.DictReader(src))
    return {key: np.array([float(row[key]) for row in rows]) for key in ("x", "t_x", "T", "zbar")}


# --- the must-show: the papers' parameters on their data ------------------------------------------

def test_bgnbd_on_cdnow_gives_the_papers_parameters_to_its_three_decimals():
    data = cdnow()
    assert len(data["x"]) == 2357 and int((data["x"] > 0).sum()) == 946
    m = btyd.fit_bgnbd(data["x"], data["t_x"], data["T"])
    got = {"r": m.r, "alpha": m.alpha, "a": m.a, "b": m.b}
    # Tolerance: equal when rounded to the paper's 3 decimals (|difference| < 0.0005).
    assert {k: round(v, 3) for k, v in got.items()} == PAPER_BGNBD, got
    # The same from the distinct (x, t_x, T) with their counts as weights.
    (x, t_x, T), weights = btyd.aggregate(data["x"], data["t_x"], data["T"])
    assert len(x) < len(data["x"])
    again = btyd.fit_bgnbd(x, t_x, T, weights)
    assert again.as_tuple() == pytest.approx(m.as_tuple(), rel=1e-4)


def test_gamma_gamma_on_cdnow_gives_the_papers_parameters_within_a_hundredth():
    data = cdnow()
    g = btyd.fit_gamma_gamma(data["x"], data["zbar"])
    got = {"p": g.p, "q": g.q, "gamma": g.gamma}
    # Tolerance: 0.01 of the paper's 2 decimals (we find gamma = 15.448, the `lifetimes` package 15.45).
    for key, published in PAPER_GAMMA_GAMMA.items():
        assert abs(got[key] - published) <= 0.01, got
    # The population's mean spend p * gamma / (q - 1) is CDNOW's $35 or so
    assert btyd.expected_average_value(g, [0], [0])[0] == pytest.approx(g.p * g.gamma / (g.q - 1))
    assert 33 < g.p * g.gamma / (g.q - 1) < 37


def test_conditional_expectation_is_the_integral_it_stands_for():
    """Equation 10 (with its hypergeometric function) against E[(1 - e^(-lambda p t)) / p]
    integrated over the posterior of an alive customer: two independent computations."""
    m = btyd.BgNbd(**PAPER_BGNBD)
    x, t_x, T = np.array([0, 2, 26, 1, 7]), np.array([0, 30.43, 30.86, 5.0, 38.0]), np.array([38.86, 38.86, 31, 38, 39])
    closed = btyd.expected_visits(m, 39, x, t_x, T)
    assert closed == pytest.approx(btyd._expected_by_quadrature(m, 39, x, t_x, T), rel=1e-6)
    assert closed[1] == pytest.approx(1.226, abs=5e-4)  # pinned: CDNOW customer 1, the next 39 weeks


# --- the model's properties ---------------------------------------------------------------------------

params = st.builds(btyd.BgNbd, st.floats(0.05, 5), st.floats(0.5, 200), st.floats(0.05, 5), st.floats(0.05, 20))


@settings(max_examples=150, deadline=None)
@given(params, st.integers(0, 400), st.floats(0, 2000))
def test_p_alive_is_one_without_a_repeat_visit(m, T, _):
    # BG/NBD lets a customer drop out only just after a repeat purchase: with none, they are alive.
    assert btyd.p_alive(m, [0], [0], [T])[0] == 1.0


@settings(max_examples=200, deadline=None)
@given(params, st.integers(1, 60), st.integers(0, 700), st.integers(0, 700), st.integers(1, 700))
def test_p_alive_falls_as_the_silence_grows_and_rises_with_a_later_last_visit(m, x, t_x, extra, more):
    T = t_x + extra
    now, later = btyd.p_alive(m, [x, x], [t_x, t_x], [T, T + more])
    assert 0 <= later <= now <= 1
    assert later < now or now == 0 or later == 1  # strictly, unless rounded to an end
    if t_x + more <= T:
        sooner, last = btyd.p_alive(m, [x, x], [t_x, t_x + more], [T, T])
        assert sooner <= last


@settings(max_examples=100, deadline=None)
@given(params, st.integers(0, 60), st.integers(0, 365), st.integers(0, 365))
def test_expected_visits_grow_with_the_horizon_and_match_the_integral(m, x, t_x, extra):
    T = t_x + extra
    t_x = t_x if x else 0
    e30, e90 = btyd.expected_visits(m, 30, [x], [t_x], [T])[0], btyd.expected_visits(m, 90, [x], [t_x], [T])[0]
    assert 0 <= e30 <= e90
    assert e90 == pytest.approx(btyd._expected_by_quadrature(m, 90, np.array([x]), np.array([t_x]), np.array([T]))[0],
                                rel=1e-5, abs=1e-9)


def test_expected_visits_of_very_frequent_customers_stay_finite():
    m = btyd.BgNbd(0.6, 40, 0.7, 3.5)
    x, t_x, T = np.array([300, 1000, 5000]), np.array([700, 729, 730]), np.array([730, 730, 730])
    out = btyd.expected_visits(m, 90, x, t_x, T)
    assert out == pytest.approx(btyd._expected_by_quadrature(m, 90, x, t_x, T), rel=1e-6)
    assert 500 < out[2] < 5000 / 730 * 90  # seven a day and surely alive, but any visit may be the last


# --- a simulation from known parameters -----------------------------------------------------------------

TRUE = btyd.BgNbd(0.6, 40.0, 0.7, 3.5)  # days: a visit every ~67 days, ~17 % leave after a visit


def test_a_simulated_shop_gives_back_its_parameters_and_its_future_visits():
    n = 20_000
    T = np.random.default_rng(3).uniform(30, 1000, n)
    sim = simulate(n, *TRUE.as_tuple(), T=T, horizon=90, seed=11)
    m = btyd.fit_bgnbd(sim["x"], sim["t_x"], sim["T"])
    # Tolerances (20,000 customers): the rate's shape and scale within 10 %, the dropout's
    # a and b within 15 %, the mean dropout a / (a + b) within 5 %.
    assert m.r == pytest.approx(TRUE.r, rel=0.10) and m.alpha == pytest.approx(TRUE.alpha, rel=0.10)
    assert m.a == pytest.approx(TRUE.a, rel=0.15) and m.b == pytest.approx(TRUE.b, rel=0.15)
    assert m.a / (m.a + m.b) == pytest.approx(TRUE.a / (TRUE.a + TRUE.b), rel=0.05)
    # Expected visits in the next 90 days (the true parameters) against the simulated ones:
    # the total within 3 %, each group of x = 0, 1, 2, 3-6, 7+ within 12 %.
    predicted = btyd.expected_visits(TRUE, 90, sim["x"], sim["t_x"], sim["T"])
    assert predicted.sum() == pytest.approx(sim["future"].sum(), rel=0.03)
    for lo, hi in ((0, 0), (1, 1), (2, 2), (3, 6), (7, 10**9)):
        sel = (sim["x"] >= lo) & (sim["x"] <= hi)
        assert predicted[sel].sum() == pytest.approx(sim["future"][sel].sum(), rel=0.12), (lo, hi)
    # And P(alive) says who is still there: of those it gives < 0.2, most have gone quiet.
    alive = btyd.p_alive(TRUE, sim["x"], sim["t_x"], sim["T"])
    assert sim["future"][alive < 0.2].mean() < 0.25 * sim["future"][alive > 0.8].mean()


# --- the shop's visits, brought in as history -------------------------------------------------------------

NOW = dt.datetime(2026, 12, 1, 12, 0)  # naive UTC; the test shop's clock is Moscow's (UTC+3)
AT = dt.date(2026, 12, 1)


def history_rows(members: int, seed: int = 5) -> list[dict[str, str]]:
    """Receipts of `members` customers (cards 990…) over two years, from a BG/NBD with known
    parameters; each visit one receipt at noon, some a second one the same day, a few of 0.00."""
    rng = np.random.default_rng(seed)
    T = rng.integers(100, 730, members).astype(float)
    sim = simulate(members, *TRUE.as_tuple(), T=T, seed=seed, events=True)
    rows = []
    for who, when in zip(sim["who"], sim["when"]):
        day = AT - dt.timedelta(days=int(T[who])) + dt.timedelta(days=int(when))
        amount = 0 if rng.random() < 0.03 else int(rng.integers(100, 100_000))
        card = f"990{who:09d}"
        rows.append({"date": day.strftime("%d.%m.%Y"), "time": "12:00", "amount": f"{amount // 100},{amount % 100:02d}",
                     "card": card})
        if rng.random() < 0.1:  # a second receipt the same day: the same visit
            rows.append({"date": day.strftime("%d.%m.%Y"), "time": "18:30", "amount": "5,00", "card": card})
    return rows


def import_history(shop, rows) -> None:
    from tests.unit.imports.historykit import programme_since_2000, run

    programme_since_2000()
    out = run(rows, shop)
    assert not out.errors and out.imported == len(rows)


def plain_visits(rows) -> dict[str, dict[dt.date, int]]:
    """Per card, per day, the day's value (minor units): the model's input in plain Python."""
    out: dict[str, dict[dt.date, int]] = {}
    for row in rows:
        day = dt.datetime.strptime(row["date"], "%d.%m.%Y").date()
        whole, cents = row["amount"].split(",")
        days = out.setdefault(row["card"], {})
        days[day] = days.get(day, 0) + int(whole) * 100 + int(cents)
    return out


def test_the_shops_fit_counts_its_members_and_checks_itself_on_the_last_90_days(shop):
    rows = history_rows(60)
    import_history(shop, rows)
    visits = plain_visits(rows)
    found = lifetime.fit(AT, now=NOW)
    assert found.model is not None, found.reason
    assert found.members == len(visits)
    assert found.repeat_members == sum(len(days) > 1 for days in visits.values())
    out = found.as_json()
    assert out["unit"] == "days" and out["at"] == "2026-12-01" and out["enough"] and out["margin"]["source"] == "default"
    assert set(out["summary"]) == {"mean_p_alive", "members_p_alive_below_half", "expected_visits_90d", "mean_clv"}
    # The holdout: the last 90 days, counted again here from the rows.
    cal_end = AT - dt.timedelta(days=90)
    known = {card: days for card, days in visits.items() if min(days) <= cal_end}
    hold = out["fit"]
    assert (hold["days"], hold["calibration_to"], hold["members"]) == (90, cal_end.isoformat(), len(known))
    assert hold["actual"] == sum(sum(1 for d in days if d > cal_end) for days in known.values())
    assert sum(b["actual"] for b in hold["by_x"]) == hold["actual"]
    assert sum(b["members"] for b in hold["by_x"]) == hold["members"]
    assert sum(b["predicted"] for b in hold["by_x"]) == pytest.approx(hold["predicted"], abs=0.05)
    by_x = {b["x"]: b["members"] for b in hold["by_x"]}
    assert by_x["0"] == sum(1 for days in known.values() if sum(1 for d in days if d <= cal_end) == 1)


def test_each_members_outlook_agrees_with_the_summary(shop):
    from models.schema import Card

    rows = history_rows(60)
    import_history(shop, rows)
    visits = plain_visits(rows)
    found = lifetime.fit(AT, now=NOW)
    outlooks = {}
    for card in Card.select():
        outlooks[card.number] = lifetime.member_outlook(card.member, found)
    assert set(outlooks) == set(visits)
    alive = [o["p_alive"] for o in outlooks.values()]
    assert np.mean(alive) == pytest.approx(found.summary["mean_p_alive"], abs=1e-4)
    assert sum(p < 0.5 for p in alive) == found.summary["members_p_alive_below_half"]
    assert sum(o["expected_visits_90d"] for o in outlooks.values()) == pytest.approx(
        found.summary["expected_visits_90d"], abs=0.1)
    assert np.mean([o["clv"] for o in outlooks.values()]) == pytest.approx(found.summary["mean_clv"], abs=1)
    # A member with one visit is alive by the model; their CLV is the population's mean value
    # times their expected visits in a year.
    once = next(card for card, days in visits.items() if len(days) == 1)
    assert outlooks[once]["p_alive"] == 1.0
    g = found.spend
    year = btyd.expected_visits(found.model, 365, [0], [0], [(AT - min(visits[once])).days])[0]
    assert outlooks[once]["clv"] == round(year * g.p * g.gamma / (g.q - 1))
    # A member who never bought has no outlook (and is not among the fitted members).
    from tests.unit.shopkit import add_member

    newcomer, _card = add_member("Новый", shop["cashier"])
    assert lifetime.member_outlook(newcomer, found) == {"p_alive": None, "expected_visits_90d": None, "clv": None}


def test_the_margin_the_owner_set_scales_the_clv_and_is_named(shop):
    import_history(shop, history_rows(60))
    full = lifetime.fit(AT, now=NOW)
    from services.insights import figures

    figures.set_margins(shop["owner"], {"overall_bp": 2_500})  # what the Reports page saves
    quarter = lifetime.fit(AT, now=NOW)
    assert (quarter.margin_percent, quarter.margin_source) == (25.0, "setting")
    assert "margin 25 %" in quarter.as_json()["clv_basis"]
    assert quarter.summary["mean_clv"] == pytest.approx(full.summary["mean_clv"] / 4, abs=1)


def test_the_margin_the_owner_enters_on_the_reports_page_is_the_clvs(shop):
    from services.insights import figures

    assert lifetime.margin() == (100.0, "default")
    figures.set_margins(shop["owner"], {"overall_bp": 2250})  # what the Reports page saves
    assert lifetime.margin() == (22.5, "setting")


def test_too_little_history_is_said_plainly_not_fitted(shop):
    from models.schema import Card

    assert lifetime.fit(AT, now=NOW).as_json()["reason"] == "no_history"
    rows = [{"date": f"0{d}.06.2026", "amount": "100,00", "card": f"99000000000{n}"} for n in range(5) for d in (1, 2, 3)]
    import_history(shop, rows)
    found = lifetime.fit(AT, now=NOW)
    out = found.as_json()
    assert (found.members, found.repeat_members) == (5, 5)
    assert out["enough"] is False and out["reason"] == "not_enough_history"
    assert (out["r"], out["alpha"], out["a"], out["b"], out["gamma_gamma"], out["summary"]) == (None,) * 6
    assert "fewer than 20 members" in out["message"]
    member = Card.get().member
    assert lifetime.member_outlook(member, found) == {"p_alive": None, "expected_visits_90d": None, "clv": None}


def test_the_fit_is_kept_and_refitted_after_a_week(shop):
    from models.schema import Card

    import_history(shop, history_rows(40))
    member = Card.get().member
    nothing = {"p_alive": None, "expected_visits_90d": None, "clv": None, "fit_at": None}
    assert lifetime.outlook(member, now=NOW) == nothing  # a look-up never fits
    first = lifetime.refresh(now=NOW)
    assert lifetime.cached() == first  # kept, and read back whole
    assert lifetime.outlook(member, now=NOW + dt.timedelta(days=3)) == (
        lifetime.member_outlook(member, first) | {"fit_at": AT.isoformat()})
    assert lifetime.refresh(now=NOW + dt.timedelta(days=7)).fitted_at == NOW  # a week old: still used
    later = lifetime.refresh(now=NOW + dt.timedelta(days=8))
    assert later.fitted_at == NOW + dt.timedelta(days=8) and later.at == AT + dt.timedelta(days=8)
    assert lifetime.cached() == later
    # Older than a week and not refreshed: the outlook still answers from it, and says its day.
    old = lifetime.outlook(member, now=NOW + dt.timedelta(days=30))
    assert old == lifetime.member_outlook(member, later) | {"fit_at": later.at.isoformat()}
    from services.sync.client import LOCAL_KEYS

    assert lifetime.CACHE_KEY in LOCAL_KEYS  # this till's own: never sent to the hub


def test_a_look_back_is_not_kept_and_a_small_shop_is_fitted_when_asked(shop, monkeypatch):
    from models.schema import Card

    import_history(shop, history_rows(40))
    back = lifetime.fit_and_store(AT - dt.timedelta(days=30), now=NOW)  # churn --at an earlier day
    assert back.model is not None and lifetime.cached() is None  # shown, not kept: the outlook is of today
    assert lifetime.cheap()  # 40 members
    kept = lifetime.refresh_if_cheap(now=NOW)
    assert kept is not None and kept.at == AT and lifetime.cached() == kept
    assert lifetime.outlook(Card.get().member, now=NOW)["fit_at"] == AT.isoformat()
    monkeypatch.setattr(lifetime, "CHEAP_MEMBERS", 39)
    assert not lifetime.cheap()
    assert lifetime.refresh_if_cheap(now=NOW + dt.timedelta(days=8)) == kept  # stale, but too big to fit inline


def test_a_fit_made_before_any_visit_is_made_anew_once_there_are_some(shop):
    assert lifetime.refresh(now=NOW).reason == "no_history"
    import_history(shop, history_rows(40))
    assert lifetime.refresh(now=NOW + dt.timedelta(days=1)).model is not None  # not a week of "no history"


def test_a_fit_at_the_models_edge_says_so():
    assert lifetime.notes(TRUE, btyd.GammaGamma(6.25, 3.74, 15.44)) == []
    assert lifetime.notes(btyd.BgNbd(7e6, 6e7, 0.005, 1.2e7), btyd.GammaGamma(1.4, 959, 6e7)) == ["same_rate", "no_dropout"]
    assert lifetime.notes(None, btyd.GammaGamma(2.4, 1524, 6.5e7)) == ["same_spend"]
