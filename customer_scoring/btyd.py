"""Buy-till-you-die models fitted by maximum likelihood: BG/NBD and Gamma-Gamma.

BG/NBD (Fader, Hardie and Lee, "Counting your customers the easy way", 2005): while
alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase they
drop out with probability p ~ Beta(a, b). Per customer: x repeat purchases, t_x the time
of the last one and T the time since the first (all in one time unit).

Gamma-Gamma (Fader and Hardie, "The Gamma-Gamma model of monetary value", 2013): the
values of a customer's repeat purchases are Gamma(p, nu) with nu ~ Gamma(q, gamma),
independent of the purchase process. Per customer: x repeat purchases (x >= 1) and their
mean value m.

Each function works on numpy arrays, one element per customer. ``fit_*`` return a
``Fit`` with the parameters, the log-likelihood and whether the optimiser converged; the
caller decides what to publish when it did not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, special


@dataclass(frozen=True)
class Fit:
    """One fit: model ("bg_nbd" or "gamma_gamma"), params (name -> value), the summed
    log-likelihood, whether the optimiser converged inside the search range, its message,
    and the customers it was fitted on."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    converged: bool
    message: str
    customers: int


def bgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Log-likelihood of each customer under BG/NBD (FHL 2005, equation 6)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    still_alive = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    # dropped out right after the last purchase (only possible after a repeat purchase)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(
            x > 0,
            special.betaln(a + 1, np.maximum(b + x - 1, 1e-300))
            - beta_ab
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return common + np.logaddexp(still_alive, dropped)


# Every parameter is searched in [1e-6, 1e6]. A maximum on that edge means the data do not
# pin the parameter down (it runs off to 0 or infinity, as with a handful of customers):
# such a fit is reported as not converged rather than published.
LOG_BOUND = float(np.log(1e6))
# A flat likelihood stops L-BFGS-B short of the edge (793,000 for a Gamma-Gamma p fitted on
# one customer): within a factor e^2 (7.4) of the edge counts as the edge, i.e. above about
# 135,000 or below about 7.4e-6.
EDGE_MARGIN = 2.0


def _fit(negative_ll, start, names, model: str, customers: int, histories: int) -> Fit:
    """Minimise over log-parameters (keeps every parameter positive). A fit on no more
    distinct histories than parameters is refused whatever the optimiser says: its
    likelihood has a flat ridge, and where L-BFGS-B stops on it is arbitrary."""
    result = optimize.minimize(
        negative_ll,
        np.clip(np.log(start), -LOG_BOUND, LOG_BOUND),
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(names),
        options={"maxiter": 2000, "gtol": 1e-7},
    )
    params = np.exp(result.x)
    finite = bool(np.all(np.isfinite(params)) and np.isfinite(result.fun))
    at_edge = [
        name
        for name, value in zip(names, result.x, strict=True)
        if abs(value) > LOG_BOUND - EDGE_MARGIN
    ]
    message = str(result.message)
    too_few = histories <= len(names)
    if too_few:
        message = (
            f"{histories} distinct customer histories cannot determine {len(names)} parameters "
            f"({', '.join(names)}): the data do not determine them"
        )
    elif at_edge:
        message = (
            f"{', '.join(at_edge)} ran to the edge of the search range "
            "(1e-6 to 1e6, within a factor e^2): "
            "the data do not determine it"
        )
    return Fit(
        model=model,
        params=dict(zip(names, map(float, params), strict=True)),
        log_likelihood=float(-result.fun),
        converged=bool(result.success) and finite and not at_edge and not too_few,
        message=message,
        customers=customers,
    )


def _distinct(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the columns, and how many customers share each: customers with
    the same history have the same likelihood, so each is computed once and weighted. (A
    third of a million customers share their (x, t_x, T) with another.)"""
    rows, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return [rows[:, i] for i in range(len(columns))], counts.astype(float)


def fit_bgnbd(x, t_x, T, start=(1.0, 1.0, 1.0, 1.0)) -> Fit:
    """Maximum-likelihood r, alpha, a, b."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    # alpha scales with the time unit: start it at the mean customer age
    start = (start[0], max(float(np.mean(T)), 1e-3) * start[1] / 10, start[2], start[3])
    (x_d, t_x_d, T_d), weight = _distinct(x, t_x, T)

    def negative_ll(log_params):
        value = -np.dot(weight, bgnbd_log_likelihood(np.exp(log_params), x_d, t_x_d, T_d))
        return value if np.isfinite(value) else 1e300

    return _fit(negative_ll, start, ["r", "alpha", "a", "b"], "bg_nbd", len(x), len(weight))


def probability_alive(params, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) (FHL 2005, equation 9); 1 for customers without repeats."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
    return np.where(x > 0, 1.0 / (1.0 + np.exp(log_ratio)), 1.0)


def expected_purchases(params, t, x, t_x, T) -> np.ndarray:
    """E[purchases in the next t | x, t_x, T] (FHL 2005, equation 10)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    denominator = 1 + np.where(x > 0, tail, 0.0)
    return numerator / denominator


def probability_no_purchase(params, t, x, t_x, T) -> np.ndarray:
    """P(no purchase in (T, T + t] | x, t_x, T) under BG/NBD: the churn of a horizon t.

    A BG/NBD customer drops out only right after a purchase, so a customer alive at T who
    buys nothing in (T, T + t] is still alive at T + t, and the chance of that silence is
    E[exp(-lambda t)] over the posterior of lambda given alive and the history, which is
    Gamma(r + x, alpha + T) (FHL 2005, section 4; the same posterior gives equation 10):

        P(no purchase) = 1 - P(alive) + P(alive) * ((alpha + T) / (alpha + T + t))^(r + x)

    With P(alive) = 1 (no repeat purchase) it is ((alpha + T) / (alpha + T + t))^r, which
    rises with T, the time since the one purchase: one-time buyers get a churn that grows
    with their recency, not 0. For a new customer (x = 0, T = 0) it is (alpha / (alpha +
    t))^r, FHL 2005 equation 8 at x = 0."""
    r, alpha, a, b = params
    x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    alive = probability_alive(params, x, t_x, T)
    silent_while_alive = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    return 1.0 - alive + alive * silent_while_alive


def gamma_gamma_log_likelihood(params, x, m) -> np.ndarray:
    """Log-likelihood of each customer's mean repeat value m over x purchases (x >= 1)."""
    p, q, gamma = params
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + x * m)
    )


def fit_gamma_gamma(x, m, start=(1.0, 1.0, 1.0)) -> Fit:
    """Maximum-likelihood p, q, gamma on customers with x >= 1 and m > 0."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    start = (start[0], start[1], max(float(np.mean(m)), 1e-3) * start[2])
    (x_d, m_d), weight = _distinct(x, m)

    def negative_ll(log_params):
        value = -np.dot(weight, gamma_gamma_log_likelihood(np.exp(log_params), x_d, m_d))
        return value if np.isfinite(value) else 1e300

    fit = _fit(negative_ll, start, ["p", "q", "gamma"], "gamma_gamma", len(x), len(weight))
    if fit.converged and fit.params["q"] <= 1:
        # the population mean value p * gamma / (q - 1) does not exist
        return replace(
            fit, converged=False, message=f"q = {fit.params['q']:.4g} <= 1: no finite mean value"
        )
    return fit


def expected_average_value(params, x, m) -> np.ndarray:
    """E[value of a purchase | x, m]: a weighted mean of the population mean and the
    customer's own mean (Fader and Hardie 2013, equation 5). Customers without repeat
    purchases get the population mean p * gamma / (q - 1)."""
    p, q, gamma = params
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    population = p * gamma / (q - 1)
    weight = (q - 1) / (p * x + q - 1)
    return np.where(x > 0, weight * population + (1 - weight) * m, population)
