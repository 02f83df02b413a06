"""Lifetime value and who is slipping away: BG/NBD and Gamma-Gamma on the shop's visits.

Time is in whole days on the shop's clock; a visit is a member's day with a receipt
(services.insights.basis). Per member, over all history up to the observation end `at`:
x = visits - 1 (repeat visits), t_x = days from the first visit to the last, T = days from
the first visit to `at`. The spend model takes a repeat member's average value of their
repeat visits (the first is left out, as in the paper; a member whose repeat visits were all
of zero value is left out of the spend fit, not of the visits fit).

CLV = expected visits in the next 365 days x expected average visit value x the overall
margin the owner set for the figures (setting "margins", {"overall_bp": basis points},
written by figures.set_margins; 100 % when unset) — undiscounted.

Fit quality: the last 90 days before `at` (a quarter of the history when that is shorter)
are held out; the model fitted on the days before predicts each member's visits in them.

The last fit "as of today" is kept in the till-local setting "lifetime_fit" (never synced).
A member's outlook (`outlook`: the member's page, `main.py member`, at the till too) never fits:
it reads the kept fit, however old (its day is given, "fit_at"), or has no numbers while none
is kept.  The fit is made when the owner or a manager asks for it: `main.py churn` and the
Reports page's churn tab (on its worker) fit and keep it, a fit for an earlier day (`--at`) is
shown but not kept (the outlook is of today).  `refresh` fits anew and keeps when the kept fit
is over CACHE_DAYS old, missing, or was made before there were any visits; `refresh_if_cheap`
does so only for a shop of at most CHEAP_MEMBERS members with visits (the fit takes a second
or so there; 1,000,000 members take about a minute), so a small shop's manager sees numbers
without asking.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import numpy as np

from models import db
from models.schema import Member, Setting, utcnow
from services.core.error_texts import N_
from services.core.messages import _
from services.core.storage import write_transaction
from services.insights import btyd, summary
from services.insights.basis import Period, receipts_sql, shop_zone, today
from services.shop.settings import get_setting

UNIT = "days"
HORIZON_DAYS = 90  # expected visits "in the next 90 days"
CLV_DAYS = 365
HOLDOUT_DAYS = 90
MIN_REPEAT = 20  # fewer repeat members than this and the parameters mean nothing
CACHE_KEY = "lifetime_fit"
CACHE_DAYS = 7
CACHE_VERSION = 1
X_BUCKETS = 8  # holdout by repeat visits 0..6 and 7+
CHEAP_MEMBERS = 5_000  # members with visits up to which a fit is made inline when none is kept

REASONS = {  # why there is no model: a code in the JSON, worded here
    "no_history": N_("There are no members' visits before this day."),
    "not_enough_history": N_("Not enough history to fit the model: fewer than {least} members came back a second time."),
    "fit_failed": N_("The model could not be fitted to this history."),
}


def reason_text(code: str) -> str:
    return _(REASONS[code]).format(least=MIN_REPEAT)


@dataclasses.dataclass(frozen=True)
class Fit:
    at: dt.date
    members: int  # members with at least one visit up to `at`
    repeat_members: int
    model: btyd.BgNbd | None  # None: not enough history (see reason)
    spend: btyd.GammaGamma | None
    margin_percent: float
    margin_source: str  # "setting" | "default"
    summary: dict[str, Any] | None
    holdout: dict[str, Any] | None
    reason: str | None = None
    spend_reason: str | None = None
    fitted_at: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        m, g = self.model, self.spend
        return {
            "at": self.at.isoformat(), "unit": UNIT,
            "r": m and m.r, "alpha": m and m.alpha, "a": m and m.a, "b": m and m.b,
            "gamma_gamma": g and {"p": g.p, "q": g.q, "gamma": g.gamma},
            "members": self.members, "repeat_members": self.repeat_members,
            "summary": self.summary, "fit": self.holdout,
            "enough": m is not None, "notes": notes(m, g),
            "reason": self.reason, "message": self.reason and reason_text(self.reason),
            "spend_reason": self.spend_reason,
            "margin": {"percent": self.margin_percent, "source": self.margin_source},
            "clv_basis": _("expected visits in the next {days} days × expected average visit value × margin "
                           "{margin} %, undiscounted, minor units").format(days=CLV_DAYS,
                                                                             margin=f"{self.margin_percent:g}"),
            "fitted_at": self.fitted_at.isoformat() if self.fitted_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fit:
        model = btyd.BgNbd(data["r"], data["alpha"], data["a"], data["b"]) if data["enough"] else None
        g = data["gamma_gamma"]
        return cls(
            at=dt.date.fromisoformat(data["at"]), members=data["members"], repeat_members=data["repeat_members"],
            model=model, spend=btyd.GammaGamma(g["p"], g["q"], g["gamma"]) if g else None,
            margin_percent=data["margin"]["percent"], margin_source=data["margin"]["source"],
            summary=data["summary"], holdout=data["fit"], reason=data["reason"], spend_reason=data["spend_reason"],
            fitted_at=dt.datetime.fromisoformat(data["fitted_at"]) if data["fitted_at"] else None)


def notes(m: btyd.BgNbd | None, g: btyd.GammaGamma | None = None) -> list[str]:
    """What a fit at the edge of the models means, as codes: "same_rate" (the spread of the
    members' rates vanished, r large: everyone visits about every alpha / r days), "no_dropout"
    (the mean dropout a / (a + b) after a visit is next to nothing), "same_spend" (q large: every
    member's mean visit value is the shop's, p * gamma / (q - 1))."""
    found = []
    if m is not None and m.r > 1e3:
        found.append("same_rate")
    if m is not None and m.a / (m.a + m.b) < 1e-4:
        found.append("no_dropout")
    if g is not None and g.q > 1e3:
        found.append("same_spend")
    return found


def margin() -> tuple[float, str]:
    """The overall margin in percent the owner set (setting "margins", written by
    figures.set_margins as {"overall_bp": basis points}; {"overall": percent} read too), or 100 % unset."""
    found = get_setting("margins")
    overall = found.get("overall") if isinstance(found, dict) else None
    bp = found.get("overall_bp") if isinstance(found, dict) else None
    if isinstance(bp, int) and not isinstance(bp, bool):
        overall = bp / 100
    if isinstance(overall, (int, float)) and not isinstance(overall, bool) and 0 <= overall <= 100:
        return float(overall), "setting"
    return 100.0, "default"


# --- the history, per member -------------------------------------------------------------

_ORDINAL = "CAST(julianday(day) - 1721424.5 AS INTEGER)"  # the day as date.toordinal()


@dataclasses.dataclass(frozen=True)
class History:
    """Per member with a visit up to `at` (numpy arrays, one entry a member; days as ordinals)."""
    visits: np.ndarray
    first: np.ndarray
    last: np.ndarray
    repeat_value: np.ndarray  # the value of all visits but the first (minor units)
    cal_visits: np.ndarray  # visits on or before the calibration's last day
    cal_last: np.ndarray  # the last of them (0: none)


def first_day(zone: Any) -> dt.date | None:
    row = db.obj.execute_sql('SELECT MIN(created_at) FROM "sale" WHERE member_id IS NOT NULL').fetchone()
    if not row or row[0] is None:
        return None
    return today(dt.datetime.fromisoformat(str(row[0])), zone)


def read_history(at: dt.date, cal_end: dt.date, zone: Any) -> History:
    """One pass over the members' visits up to `at`, in SQL; a row per member."""
    start = first_day(zone)
    empty = np.empty(0)
    if start is None or start > at:
        return History(empty, empty, empty, empty, empty, empty)
    summary.refresh()  # the visits of what was sold since they were last read
    # One GROUP BY over the visits (services.insights.summary: a row per member and day, in
    # member order, so no sort); the first visit's value rides on MIN of the text "day|value"
    # (the day's ordinal in 7 digits: text order is day order, and a value of any size is
    # exact), so no window or second pass is needed.
    params = [at.isoformat()]
    query = (
        "SELECT COUNT(*), MIN(d), MAX(d), SUM(value) - CAST(substr(MIN(printf('%07d|%d', d, value)), 9) AS INTEGER),"
        f" SUM(d <= ?), COALESCE(MAX(CASE WHEN d <= ? THEN d END), 0)"
        f' FROM (SELECT member_id, {_ORDINAL} AS d, value FROM "visit" WHERE day <= ?) GROUP BY member_id')
    cal = cal_end.toordinal()
    rows = db.obj.execute_sql(query, [cal, cal, *params]).fetchall()
    table = np.array(rows, dtype=float).reshape(-1, 6)
    return History(*(table[:, i] for i in range(6)))


# --- the fit ---------------------------------------------------------------------------------

def holdout_days(at: dt.date, start: dt.date | None) -> int:
    if start is None:
        return 0
    return min(HOLDOUT_DAYS, (at - start).days // 4)


def _triples(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Distinct (x, t_x, T) with their counts and, per member, the index of theirs. All are
    whole days (0 <= x, t_x <= T), so a triple is one integer and np.unique stays one-dimensional."""
    if not len(x):
        return [x, t_x, T], np.empty(0), np.empty(0, dtype=int)
    base = int(T.max()) + 1
    key = (x.astype(np.int64) * base + t_x.astype(np.int64)) * base + T.astype(np.int64)
    keys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    triple = [keys // (base * base), keys // base % base, keys % base]
    return [v.astype(float) for v in triple], counts.astype(float), inverse.reshape(-1)


def _fit_visits(x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                start: btyd.BgNbd | None = None) -> tuple[btyd.BgNbd | None, str | None]:
    if int((x > 0).sum()) < MIN_REPEAT:
        return None, "not_enough_history"
    (ux, ut, uT), w, _inv = _triples(x, t_x, T)
    try:
        model = btyd.fit_bgnbd(ux, ut, uT, w, start=start)
    except btyd.FitFailed:
        return None, "fit_failed"
    # r and alpha at their bound: run off to a corner. a or b at theirs is a limit the model keeps
    # meaning in (b large: next to no dropout, the "no_dropout" note; a and b large together: one
    # dropout chance for all), and a real shop's history lands there (the demo's does): kept, noted.
    logs = np.log([model.r, model.alpha])
    if not np.all(np.isfinite(logs)) or np.any(np.abs(logs) >= btyd.LOG_BOUND - 1e-3):
        return None, "fit_failed"  # run off to a corner: no number from it would mean anything
    if not all(math.isfinite(v) and v > 0 for v in (model.a, model.b)):
        return None, "fit_failed"  # a or b no number at all
    return model, None


def _fit_spend(x: np.ndarray, repeat_value: np.ndarray) -> tuple[btyd.GammaGamma | None, str | None]:
    repeat = x > 0
    m_x = np.where(repeat, repeat_value / np.where(repeat, x, 1), 0.0)
    usable = repeat & (m_x > 0)
    if int(usable.sum()) < MIN_REPEAT:
        return None, "not_enough_history"
    try:
        spend = btyd.fit_gamma_gamma(x[usable], m_x[usable])
    except btyd.FitFailed:
        return None, "fit_failed"
    if not spend.q > 1 or not all(math.isfinite(v) for v in (spend.p, spend.q, spend.gamma)):
        return None, "fit_failed"  # q <= 1: the mean value is unbounded, a CLV from it is no number
    return spend, None


def _round(value: float) -> int:
    return int(math.floor(value + 0.5))


def _holdout(h: History, at: dt.date, days: int) -> tuple[dict[str, Any], btyd.BgNbd | None]:
    """Fit on the days before the holdout; predicted vs actual visits in it (and that fit)."""
    if days < 1:
        return {"days": 0, "enough": False, "reason": "not_enough_history"}, None
    cal_end = at - dt.timedelta(days=days)
    known = h.first <= cal_end.toordinal()
    x = h.cal_visits[known] - 1
    t_x = h.cal_last[known] - h.first[known]
    T = cal_end.toordinal() - h.first[known]
    actual = (h.visits - h.cal_visits)[known]
    model, reason = _fit_visits(x, t_x, T)
    base = {"days": days, "from": (cal_end + dt.timedelta(days=1)).isoformat(), "to": at.isoformat(),
            "calibration_to": cal_end.isoformat(), "members": int(known.sum())}
    if model is None:
        return base | {"enough": False, "reason": reason}, None
    (ux, ut, uT), _w, inverse = _triples(x, t_x, T)
    predicted = btyd.expected_visits(model, days, ux, ut, uT)[inverse]
    bucket = np.minimum(x, X_BUCKETS - 1).astype(int)
    by_x = []
    for k in range(X_BUCKETS):
        sel = bucket == k
        by_x.append({"x": f"{k}+" if k == X_BUCKETS - 1 else str(k), "members": int(sel.sum()),
                     "predicted": round(float(predicted[sel].sum()), 2), "actual": int(actual[sel].sum())})
    return base | {
        "enough": True,
        "parameters": {"r": model.r, "alpha": model.alpha, "a": model.a, "b": model.b},
        "predicted": round(float(predicted.sum()), 2), "actual": int(actual.sum()),
        "mean_absolute_error": round(float(np.abs(predicted - actual).mean()), 4),
        "by_x": by_x,
    }, model


def fit(at: dt.date | None = None, *, now: dt.datetime | None = None) -> Fit:
    """BG/NBD and Gamma-Gamma on the shop's visits up to `at` (default: the shop's today)."""
    now = now or utcnow()
    zone = shop_zone()
    at = at or today(now, zone)
    percent, source = margin()
    start = first_day(zone)
    days = holdout_days(at, start)
    h = read_history(at, at - dt.timedelta(days=days), zone)
    x = h.visits - 1
    t_x = h.last - h.first
    T = at.toordinal() - h.first
    members, repeat = len(x), int((x > 0).sum())
    blank = dict(at=at, members=members, repeat_members=repeat, margin_percent=percent, margin_source=source,
                 fitted_at=now)
    if not members:
        return Fit(model=None, spend=None, summary=None, holdout=None, reason="no_history", **blank)
    holdout, calibrated = _holdout(h, at, days)  # first: its parameters are where the full fit starts
    model, reason = _fit_visits(x, t_x, T, start=calibrated)
    if model is None:
        return Fit(model=None, spend=None, summary=None, holdout=holdout, reason=reason, **blank)
    spend, spend_reason = _fit_spend(x, h.repeat_value)
    (ux, ut, uT), _w, inverse = _triples(x, t_x, T)
    alive = btyd.p_alive(model, ux, ut, uT)[inverse]
    soon = btyd.expected_visits(model, HORIZON_DAYS, ux, ut, uT)[inverse]
    summary: dict[str, Any] = {
        "mean_p_alive": round(float(alive.mean()), 4),
        "members_p_alive_below_half": int((alive < 0.5).sum()),
        "expected_visits_90d": round(float(soon.sum()), 1),
        "mean_clv": None,
    }
    if spend is not None:
        year = btyd.expected_visits(model, CLV_DAYS, ux, ut, uT)[inverse]
        m_x = np.where(x > 0, h.repeat_value / np.where(x > 0, x, 1), 0.0)
        value = btyd.expected_average_value(spend, x, m_x)
        summary["mean_clv"] = _round(float((year * value).mean()) * percent / 100)
    return Fit(model=model, spend=spend, summary=summary, holdout=holdout, reason=None,
               spend_reason=spend_reason, **blank)


# --- one member ------------------------------------------------------------------------------

def member_visits(member: Member, at: dt.date, zone: Any) -> list[tuple[dt.date, int]]:
    """The member's visits up to `at`: (day, value), oldest first."""
    row = db.obj.execute_sql('SELECT MIN(created_at) FROM "sale" WHERE member_id = ?', (member.id.bytes,)).fetchone()
    if not row or row[0] is None:
        return []
    start = today(dt.datetime.fromisoformat(str(row[0])), zone)
    if start > at:
        return []
    sql, params = receipts_sql(Period(start, at), zone)
    rows = db.obj.execute_sql(f"SELECT day, SUM(value) FROM ({sql}) WHERE member_id = ? GROUP BY day ORDER BY day",
                              [*params, member.id.bytes]).fetchall()
    return [(dt.date.fromisoformat(day), int(value)) for day, value in rows]


def member_outlook(member: Member, fit: Fit) -> dict[str, Any]:
    """{"p_alive", "expected_visits_90d", "clv"} of the member at the fit's `at` (None where
    the fit has no model, or the member no visit yet)."""
    out: dict[str, Any] = {"p_alive": None, "expected_visits_90d": None, "clv": None}
    if fit.model is None:
        return out
    visits = member_visits(member, fit.at, shop_zone())
    if not visits:
        return out
    x = len(visits) - 1
    t_x = (visits[-1][0] - visits[0][0]).days
    T = (fit.at - visits[0][0]).days
    out["p_alive"] = round(float(btyd.p_alive(fit.model, [x], [t_x], [T])[0]), 4)
    out["expected_visits_90d"] = round(float(btyd.expected_visits(fit.model, HORIZON_DAYS, [x], [t_x], [T])[0]), 3)
    if fit.spend is not None:
        m_x = sum(v for _, v in visits[1:]) / x if x else 0.0
        value = float(btyd.expected_average_value(fit.spend, [x], [m_x])[0])
        year = float(btyd.expected_visits(fit.model, CLV_DAYS, [x], [t_x], [T])[0])
        out["clv"] = _round(year * value * fit.margin_percent / 100)
    return out


# --- the cache ---------------------------------------------------------------------------------

def store(found: Fit) -> None:
    text = json.dumps({"version": CACHE_VERSION, "fit": found.as_json()}, ensure_ascii=False)
    with write_transaction():
        Setting.insert(key=CACHE_KEY, value=text).on_conflict_replace().execute()


def cached() -> Fit | None:
    row = Setting.get_or_none(Setting.key == CACHE_KEY)
    if row is None:
        return None
    try:
        data = json.loads(row.value)
        return Fit.from_json(data["fit"]) if data.get("version") == CACHE_VERSION else None
    except (ValueError, KeyError, TypeError):
        return None  # an older shape: fitted anew


def fit_and_store(at: dt.date | None = None, *, now: dt.datetime | None = None) -> Fit:
    """Fit up to `at` (default today) and keep the fit when it is today's: the members'
    outlook is of today, so a look back (`churn --at` an earlier day) does not replace it."""
    now = now or utcnow()
    found = fit(at, now=now)
    if found.at == today(now):
        store(found)
    return found


def stale(kept: Fit | None, *, now: dt.datetime | None = None) -> bool:
    """Whether the kept fit should be made anew: none, over CACHE_DAYS old (or for a later
    day), or made when there were no visits yet while there are some now."""
    day = today(now or utcnow())
    if kept is None or not dt.timedelta(0) <= day - kept.at <= dt.timedelta(days=CACHE_DAYS):
        return True
    return kept.reason == "no_history" and first_day(shop_zone()) is not None


def refresh(*, now: dt.datetime | None = None) -> Fit:
    """The kept fit, made anew (and kept) first when it is stale. For the owner's and the
    manager's asking (the churn tab, on its worker): it may take a minute on a big shop."""
    kept = cached()
    if stale(kept, now=now):
        return fit_and_store(now=now)
    assert kept is not None
    return kept


def cheap() -> bool:
    """At most CHEAP_MEMBERS members with visits: a fit takes a second or so (counted up to
    the bound only, through the sale's member index)."""
    row = db.obj.execute_sql('SELECT COUNT(*) FROM (SELECT DISTINCT member_id FROM "sale"'
                             " WHERE member_id IS NOT NULL LIMIT ?)", [CHEAP_MEMBERS + 1]).fetchone()
    return int(row[0]) <= CHEAP_MEMBERS


def refresh_if_cheap(*, now: dt.datetime | None = None) -> Fit | None:
    """`refresh` for a small shop (see cheap); on a big one the kept fit as it is (or None)."""
    kept = cached()
    if stale(kept, now=now) and cheap():
        return fit_and_store(now=now)
    return kept


def outlook(member: Member, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """{"p_alive", "expected_visits_90d", "clv", "fit_at"} from the kept fit, however old
    ("fit_at" its day; all None while no fit is kept). Never fits: it answers a look-up."""
    kept = cached()
    out = member_outlook(member, kept) if kept is not None else {"p_alive": None, "expected_visits_90d": None,
                                                                  "clv": None}
    return out | {"fit_at": kept.at.isoformat() if kept is not None else None}
