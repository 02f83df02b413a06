"""The "buy till you die" models behind lifetime value, on numpy and scipy alone.

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
  customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after each purchase they drop out
  with probability p ~ Beta(a, b). Per customer: x repeat purchases, t_x the time of the last
  one and T the time observed, both from the first purchase.
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013, "The Gamma-Gamma
  model of monetary value"): a repeat customer's average purchase value m_x over x purchases,
  with spend ~ Gamma(p, nu) and nu ~ Gamma(q, gamma).

Both are fitted by maximum likelihood with scipy.optimize.minimize on the log of the
parameters. Identical (x, t_x, T) triples are fitted once with their count as a weight, so a
million customers of a shop (whole days) fit as fast as their few thousand distinct triples.

The `lifetimes` package (0.11.3, 2020) has these formulas too, but it is unmaintained and
written for older pandas; ours are the paper's formulas, checked against its published
parameters on the CDNOW data (tests/unit/insights/test_lifetime.py).
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
from scipy import integrate, optimize, special

LOG_BOUND = 18.0  # parameters from e^-18 to e^18: beyond that a fit has run off to a degenerate corner


class FitFailed(Exception):
    """The optimiser found no usable maximum (too little or too odd a history)."""


@dataclasses.dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float

    def as_tuple(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


@dataclasses.dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float


def aggregate(*columns: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical rows once, with how many times each occurs: ([column, ...], weights)."""
    stacked = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    if not len(stacked):
        return [np.empty(0) for _ in columns], np.empty(0)
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(float)


# --- BG/NBD -------------------------------------------------------------------------

def bgnbd_log_likelihood(params: tuple[float, float, float, float], x: np.ndarray, t_x: np.ndarray,
                         T: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood (the paper's equation 6, in logs)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    xs = np.where(repeat, x, 1.0)  # keeps b + x - 1 > 0 where the term is not used
    a3 = np.where(repeat, special.betaln(a + 1, b + xs - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 - special.betaln(a, b) + np.logaddexp(a2, a3)


def _minimise(objective: Any, start: np.ndarray) -> np.ndarray:
    """L-BFGS-B on the log-parameters with the objective's own gradient (`objective(logs)` gives
    (value, gradient)); when it stops short, Nelder-Mead from where it stopped and L-BFGS-B once
    more to polish."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    quasi = {"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9}

    def value(logs: np.ndarray) -> float:
        return objective(logs)[0]

    with np.errstate(all="ignore"):
        best = optimize.minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options=quasi)
        if not best.success or not np.isfinite(best.fun):
            simplex = optimize.minimize(value, best.x, method="Nelder-Mead", bounds=bounds,
                                        options={"maxfev": 3000, "xatol": 1e-7, "fatol": 1e-12})
            polished = optimize.minimize(objective, simplex.x, jac=True, method="L-BFGS-B", bounds=bounds,
                                         options=quasi)
            best = min((best, simplex, polished), key=lambda found: found.fun if np.isfinite(found.fun) else np.inf)
    if not np.isfinite(best.fun) or best.fun >= 1e300 or not np.all(np.isfinite(best.x)):
        raise FitFailed("the optimiser found no finite maximum")
    return np.asarray(best.x)


def _finite(value: float, gradient: np.ndarray) -> tuple[float, np.ndarray]:
    if np.isfinite(value) and np.all(np.isfinite(gradient)):
        return float(value), gradient
    return 1e300, np.zeros_like(gradient)


class _Indexed:
    """A column as its distinct values and, per row, the index of its value: a special
    function of the column is then computed once per distinct value (a shop's x, t_x and T
    in days take a few hundred values over a million members)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values, self.index = np.unique(values, return_inverse=True)
        self.index = self.index.reshape(-1)


def fit_bgnbd(x: Any, t_x: Any, T: Any, weights: Any = None, start: BgNbd | None = None) -> BgNbd:
    """Maximum likelihood over customers (or distinct triples with `weights`); `start`:
    where to begin (a fit of a nearby history saves most of the steps)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    if not total or not (x > 0).any():
        raise FitFailed("no repeat purchases to fit")
    ww = w / total
    # Customers with no repeat visit: their log-likelihood is r log(alpha) - r log(alpha + T),
    # so they enter only through the weight of each distinct T.
    zero = x == 0
    z_T, z_w = np.unique(T[zero], return_inverse=True)
    z_w = np.bincount(z_w.reshape(-1), weights=ww[zero], minlength=len(z_T)) if len(z_T) else z_w
    w_zero = float(ww[zero].sum())
    # Repeat customers: the special functions once per distinct x, t_x, T; weights summed per x.
    xr, ix, it, iT, wr = x[~zero], _Indexed(x[~zero]), _Indexed(t_x[~zero]), _Indexed(T[~zero]), ww[~zero]
    w_per_x = np.bincount(ix.index, weights=wr, minlength=len(ix.values))

    def objective(logs: np.ndarray) -> tuple[float, np.ndarray]:
        """Minus the mean log-likelihood and its gradient in the log-parameters (digammas of
        the paper's equation 6; the two terms' shares s2, s3 of the likelihood weight them)."""
        r, alpha, a, b = np.exp(logs)
        ux, psi = ix.values, special.digamma
        log_alpha = np.log(alpha)
        # no repeat visit
        z_log = np.log(alpha + z_T)
        value = w_zero * r * log_alpha - r * np.dot(z_w, z_log)
        d_r = w_zero * log_alpha - np.dot(z_w, z_log)
        d_alpha = w_zero * r / alpha - r * np.dot(z_w, 1 / (alpha + z_T))
        d_a = d_b = 0.0
        # repeat visits
        head = special.gammaln(r + ux) - special.gammaln(r) + r * log_alpha - special.betaln(a, b)
        stay = special.betaln(a, b + ux)
        drop = special.betaln(a + 1, b + ux - 1)
        rx = r + xr
        log_T, log_t = np.log(alpha + iT.values)[iT.index], np.log(alpha + it.values)[it.index]
        a2 = stay[ix.index] - rx * log_T
        a3 = drop[ix.index] - rx * log_t
        both = np.logaddexp(a2, a3)
        s2 = np.exp(a2 - both)
        s3 = 1 - s2
        value += np.dot(w_per_x, head) + np.dot(wr, both)
        s2_per_x = np.bincount(ix.index, weights=wr * s2, minlength=len(ux))
        s3_per_x = w_per_x - s2_per_x
        psi_abx = psi(a + b + ux)
        d_r += np.dot(w_per_x, psi(r + ux) - psi(r) + log_alpha) - np.dot(wr, s2 * log_T + s3 * log_t)
        d_alpha += w_per_x.sum() * r / alpha - np.dot(
            wr * rx, s2 / (alpha + iT.values)[iT.index] + s3 / (alpha + it.values)[it.index])
        d_a += (-(psi(a) - psi(a + b)) * w_per_x.sum() + np.dot(s2_per_x, psi(a) - psi_abx)
                + np.dot(s3_per_x, psi(a + 1) - psi_abx))
        d_b += (-(psi(b) - psi(a + b)) * w_per_x.sum() + np.dot(s2_per_x, psi(b + ux) - psi_abx)
                + np.dot(s3_per_x, psi(b + ux - 1) - psi_abx))
        return _finite(-value, -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]))

    origin = (np.log(start.as_tuple()) if start is not None
              else np.log([1.0, max(float(np.average(T, weights=w)), 1e-3) / 4, 1.0, 1.0]))
    logs = _minimise(objective, origin)
    return BgNbd(*(float(v) for v in np.exp(logs)))


def p_alive(m: BgNbd, x: Any, t_x: Any, T: Any) -> np.ndarray:
    """P(alive | x, t_x, T) (the paper's equation 11): 1 for x = 0, as the model has no
    dropout before the first repeat purchase."""
    r, alpha, a, b = m.as_tuple()
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    xs = np.where(x > 0, x, 1.0)
    with np.errstate(all="ignore"):
        log_odds = np.log(a) - np.log(b + xs - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def expected_visits(m: BgNbd, t: float, x: Any, t_x: Any, T: Any) -> np.ndarray:
    """E[Y(t) | x, t_x, T], purchases in the next t (the paper's equation 10)."""
    r, alpha, a, b = m.as_tuple()
    if abs(a - 1) < 1e-4:  # (a - 1) is a removable singularity: interpolate between a = 1 -+ 2e-4
        below = expected_visits(BgNbd(r, alpha, 1 - 2e-4, b), t, x, t_x, T)
        above = expected_visits(BgNbd(r, alpha, 1 + 2e-4, b), t, x, t_x, T)
        return below + (a - (1 - 2e-4)) / 4e-4 * (above - below)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        head = (a + b + x - 1) / (a - 1) * (1 - np.exp((r + x) * np.log((alpha + T) / (alpha + T + t))) * hyp)
        out = head * p_alive(m, x, t_x, T)
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any():  # hyp2f1 loses its way for very frequent customers: integrate instead
        out = np.where(bad, _expected_by_quadrature(m, t, x, t_x, T), out)
    return out


def _expected_by_quadrature(m: BgNbd, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The same expectation as an integral: alive, lambda ~ Gamma(r + x, alpha + T) and
    p ~ Beta(a, b + x); E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p, so
    E[Y(t) | alive] = E_p[(1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p], in two halves
    each with the Beta density's end singularity substituted away; one customer at a time
    (used where hyp2f1 fails, and by the tests as an independent check)."""
    r, alpha, a, b = m.as_tuple()
    xs, Ts = np.atleast_1d(np.asarray(x, dtype=float)), np.atleast_1d(np.asarray(T, dtype=float))
    alive = np.atleast_1d(p_alive(m, x, t_x, T))
    out = np.empty(len(xs))
    for i, (xi, Ti) in enumerate(zip(xs, Ts)):
        scale, power, beta, norm = t / (alpha + Ti), r + xi, b + xi, special.betaln(a, b + xi)

        def gain(p: float) -> float:
            return power * scale if p <= 0 else -math.expm1(-power * math.log1p(p * scale)) / p

        def near_zero(u: float) -> float:  # p = u^(1/a) on p < 1/2: p^(a-1) dp = du / a
            p = u ** (1 / a)
            return math.exp((beta - 1) * math.log1p(-p) - norm) * gain(p) / a

        def near_one(v: float) -> float:  # 1 - p = v^(1/beta) on p > 1/2: (1-p)^(beta-1) dp = dv / beta
            p = 1 - v ** (1 / beta)
            return math.exp((a - 1) * math.log(p) - norm) * gain(p) / beta

        with warnings.catch_warnings():  # QUADPACK's doubts about the last digits: the tests bound the error
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            peak = min(0.5 ** a, (1 / beta) ** a)
            low = integrate.quad(near_zero, 0, 0.5 ** a, points=[peak] if peak < 0.5 ** a else None, limit=500,
                                 epsabs=0, epsrel=1e-11)[0]
            high = integrate.quad(near_one, 0, 0.5 ** beta, limit=500, epsabs=0, epsrel=1e-11)[0] if 0.5 ** beta > 0 else 0.0
        out[i] = alive[i] * (low + high)
    return out


def expected_visits_new(m: BgNbd, t: float) -> float:
    """E[X(t)] for a customer just acquired (the paper's equation 7)."""
    r, alpha, a, b = m.as_tuple()
    hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp))


# --- Gamma-Gamma ----------------------------------------------------------------------

def gamma_gamma_log_likelihood(params: tuple[float, float, float], x: np.ndarray, m_x: np.ndarray) -> np.ndarray:
    p, q, g = params
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m_x) + px * np.log(x) - (px + q) * np.log(g + m_x * x))


def fit_gamma_gamma(x: Any, m_x: Any) -> GammaGamma:
    """Maximum likelihood over repeat customers (x > 0, average value m_x > 0). The sums that
    do not move with the parameters are taken once; each step costs one log per customer."""
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    keep = (x > 0) & (m_x > 0)
    x, m_x = x[keep], m_x[keep]
    n = len(x)
    if not n:
        raise FitFailed("no repeat customers with a value to fit")
    ux, counts = np.unique(x, return_counts=True)
    log_m = np.log(m_x)
    x_log_m, sum_log_m, x_log_x = float(np.dot(x, log_m)), float(log_m.sum()), float(np.dot(x, np.log(x)))
    mx = m_x * x

    def objective(logs: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, g = np.exp(logs)
        psi = special.digamma
        per_x = np.dot(counts, special.gammaln(p * ux + q) - special.gammaln(p * ux))
        tail = np.log(g + mx)
        ll = (per_x + n * (q * np.log(g) - special.gammaln(q)) + p * x_log_m - sum_log_m + p * x_log_x
              - p * np.dot(x, tail) - q * tail.sum())
        d_p = np.dot(counts * ux, psi(p * ux + q) - psi(p * ux)) + x_log_m + x_log_x - np.dot(x, tail)
        d_q = np.dot(counts, psi(p * ux + q)) + n * (np.log(g) - psi(q)) - tail.sum()
        d_g = n * q / g - np.sum((p * x + q) / (g + mx))
        return _finite(-ll / n, -np.array([d_p * p, d_q * q, d_g * g]) / n)

    logs = _minimise(objective, np.log([1.0, 1.0, float(m_x.mean())]))
    return GammaGamma(*(float(v) for v in np.exp(logs)))


def expected_average_value(g: GammaGamma, x: Any, m_x: Any) -> np.ndarray:
    """E[M | p, q, gamma; m_x, x]: the customer's average value, shrunk towards the
    population's mean p * gamma / (q - 1) the fewer purchases they made (x = 0: that mean)."""
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    return (g.gamma + m_x * x) * g.p / (g.p * x + g.q - 1)
