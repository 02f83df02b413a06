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
from typing import Any

import numpy as np
from scipy import optimize, special

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
    """L-BFGS-B on the log-parameters; when it stops short, Nelder-Mead from where it
    stopped and L-BFGS-B once more to polish."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    quasi = {"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}
    with np.errstate(all="ignore"):
        best = optimize.minimize(objective, start, method="L-BFGS-B", bounds=bounds, options=quasi)
        if not best.success or not np.isfinite(best.fun):
            simplex = optimize.minimize(objective, best.x, method="Nelder-Mead", bounds=bounds,
                                        options={"maxfev": 3000, "xatol": 1e-7, "fatol": 1e-12})
            polished = optimize.minimize(objective, simplex.x, method="L-BFGS-B", bounds=bounds, options=quasi)
            best = min((best, simplex, polished), key=lambda found: found.fun if np.isfinite(found.fun) else np.inf)
    if not np.isfinite(best.fun) or best.fun >= 1e300 or not np.all(np.isfinite(best.x)):
        raise FitFailed("the optimiser found no finite maximum")
    return np.asarray(best.x)


def fit_bgnbd(x: Any, t_x: Any, T: Any, weights: Any = None) -> BgNbd:
    """Maximum likelihood over customers (or distinct triples with `weights`)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    if not total or not (x > 0).any():
        raise FitFailed("no repeat purchases to fit")

    def objective(logs: np.ndarray) -> float:
        ll = bgnbd_log_likelihood(tuple(np.exp(logs)), x, t_x, T)
        value = -(w * ll).sum() / total
        return float(value) if np.isfinite(value) else 1e300

    start = np.log([1.0, max(float(np.average(T, weights=w)), 1e-3) / 4, 1.0, 1.0])
    logs = _minimise(objective, start)
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
    if abs(a - 1) < 1e-9:
        a = 1 + 1e-9  # the formula's (a - 1) is removable; step beside it
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
    p ~ Beta(a, b + x); E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p. Gauss-Legendre over
    p on a log scale, one customer at a time (only where hyp2f1 failed)."""
    r, alpha, a, b = m.as_tuple()
    nodes, weights = np.polynomial.legendre.leggauss(200)
    out = np.empty(len(np.atleast_1d(x)))
    alive = np.atleast_1d(p_alive(m, x, t_x, T))
    for i, (xi, Ti) in enumerate(zip(np.atleast_1d(x), np.atleast_1d(T))):
        u = (nodes + 1) / 2 * 40 - 40  # log p from -40 to 0
        p = np.exp(u)
        log_density = (a * u + (b + xi - 1) * np.log1p(-np.minimum(p, 1 - 1e-16)) - special.betaln(a, b + xi))
        inner = -np.expm1((r + xi) * np.log((alpha + Ti) / (alpha + Ti + p * t))) / p
        out[i] = alive[i] * float(np.sum(weights * 20 * np.exp(log_density) * inner))
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
    """Maximum likelihood over repeat customers (x > 0, average value m_x > 0)."""
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    keep = (x > 0) & (m_x > 0)
    x, m_x = x[keep], m_x[keep]
    if not len(x):
        raise FitFailed("no repeat customers with a value to fit")

    def objective(logs: np.ndarray) -> float:
        value = -gamma_gamma_log_likelihood(tuple(np.exp(logs)), x, m_x).mean()
        return float(value) if np.isfinite(value) else 1e300

    logs = _minimise(objective, np.log([1.0, 1.0, float(m_x.mean())]))
    return GammaGamma(*(float(v) for v in np.exp(logs)))


def expected_average_value(g: GammaGamma, x: Any, m_x: Any) -> np.ndarray:
    """E[M | p, q, gamma; m_x, x]: the customer's average value, shrunk towards the
    population's mean p * gamma / (q - 1) the fewer purchases they made (x = 0: that mean)."""
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    return (g.gamma + m_x * x) * g.p / (g.p * x + g.q - 1)
