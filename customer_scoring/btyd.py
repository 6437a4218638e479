"""Buy-till-you-die models fitted by maximum likelihood: BG/NBD, Pareto/NBD and Gamma-Gamma.

BG/NBD (Fader, Hardie and Lee, "Counting your customers the easy way", 2005): while
alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase they
drop out with probability p ~ Beta(a, b). Per customer: x repeat purchases, t_x the time
of the last one and T the time since the first (all in one time unit).

Pareto/NBD (Schmittlein, Morrison and Colombo 1987): the same purchases, but a customer
dies at an exponential time of rate mu ~ Gamma(s, beta), at any moment (section below).
btyd_fits chooses between the two purchase models by back-test (choose_purchase_model).

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
    """One fit: model ("bg_nbd", "pareto_nbd" or "gamma_gamma"), params (name -> value), the summed
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


def _fit(log_likelihood, start, names, model: str, customers: int, histories: int) -> Fit:
    """Maximise ``log_likelihood`` (params -> summed log-likelihood and its gradient in the
    params) over log-parameters, which keeps every parameter positive; the gradient is the
    analytic one, so each L-BFGS-B step costs one pass over the data. A fit on no more
    distinct histories than parameters is refused whatever the optimiser says: its
    likelihood has a flat ridge, and where L-BFGS-B stops on it is arbitrary."""

    def negative(log_params):
        params = np.exp(log_params)
        value, gradient = log_likelihood(params)
        if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
            return 1e300, np.zeros(len(params))
        return -value, -gradient * params  # d/d log(theta) = theta * d/d theta

    result = optimize.minimize(
        negative,
        np.clip(np.log(start), -LOG_BOUND, LOG_BOUND),
        jac=True,
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


def _in_order(columns: list[np.ndarray]) -> bool:
    """Whether the rows are already in lexicographic order (first column first)."""
    undecided = np.ones(max(len(columns[0]) - 1, 0), dtype=bool)
    for column in columns:
        if np.any(undecided & (column[1:] < column[:-1])):
            return False
        undecided &= column[1:] == column[:-1]
    return True


def distinct(*columns: np.ndarray, weight=None) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the columns in lexicographic order, and how many customers
    share each (the sum of ``weight``, one per row by default): customers with the same
    history have the same likelihood, so each is computed once and weighted. (A third of a
    million customers share their (x, t_x, T) with another.)"""
    columns = [np.asarray(column, dtype=float) for column in columns]
    weight = np.ones(len(columns[0])) if weight is None else np.asarray(weight, dtype=float)
    if len(weight) == 0:
        return columns, weight
    if _in_order(columns):  # as the engine hands a grouped table over: no sort needed
        order, ordered = np.arange(len(weight)), columns
    else:
        order = np.lexsort(columns[::-1])  # the first column is the primary key
        ordered = [column[order] for column in columns]
    new = np.zeros(len(order), dtype=bool)
    new[0] = True
    for column in ordered:
        new[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(new)
    return [column[starts] for column in ordered], np.add.reduceat(weight[order], starts)


def _dot(weight: np.ndarray, values: np.ndarray) -> float:
    """weight . values on one thread, in a fixed order. (numpy's ``@`` hands long vectors to
    a multi-threaded BLAS, whose threads wait for each other when another process holds a
    core: 10 ms instead of 1 ms for a million elements on a busy 2-core machine.)"""
    return float(np.einsum("i,i->", weight, values))


def _by_value(values: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values, each row's index into them and the weight of each value: terms
    that depend on x only are computed once per purchase count, not once per customer."""
    unique, index = np.unique(values, return_inverse=True)
    return unique, index, np.bincount(index, weights=weight, minlength=len(unique))


def bgnbd_summed_log_likelihood(x, t_x, T, weight=None):
    """The BG/NBD log-likelihood summed over customers (each counted ``weight`` times) as a
    function of params = (r, alpha, a, b), returning the sum and its gradient. Equal to
    ``weight @ bgnbd_log_likelihood(params, x, t_x, T)``, written as in Fader, Hardie and
    Lee's note "Implementing the BG/NBD model for customer base analysis in Excel" (2005):

        LL = A1 + A2 + log(exp(A3) + [x > 0] exp(A4))
        A1 = ln G(r + x) - ln G(r) + r ln alpha
        A2 = ln G(a + b) + ln G(b + x) - ln G(b) - ln G(a + b + x)
        A3 = -(r + x) ln(alpha + T)
        A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x)

    A1 and A2 depend on x only and are summed once per purchase count; per customer
    remain two logarithms and the mixture term, written A3 + softplus(A4 - A3), whose
    derivative weighs A4's by sigmoid(A4 - A3), the probability of having dropped out.
    The derivatives of ln G are digamma functions."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    weight = np.ones(len(x)) if weight is None else np.asarray(weight, dtype=float)
    x_values, _, x_weight = _by_value(x, weight)
    total = weight.sum()
    # customers without a repeat purchase: the mixture is A3 = -r ln(alpha + T)
    once = x == 0
    once_T, once_weight = T[once], weight[once]
    repeat = ~once
    rep_x, rep_t_x, rep_T, rep_weight = x[repeat], t_x[repeat], T[repeat], weight[repeat]
    rep_values, rep_index, rep_x_weight = _by_value(rep_x, rep_weight)
    weight_x = rep_weight * rep_x

    def summed(params):
        r, alpha, a, b = params
        # A1 + A2, once per purchase count
        value = _dot(
            x_weight,
            special.gammaln(r + x_values)
            + special.gammaln(b + x_values)
            - special.gammaln(a + b + x_values),
        ) + total * (
            -special.gammaln(r) + r * np.log(alpha) + special.gammaln(a + b) - special.gammaln(b)
        )
        psi_ab_x = special.digamma(a + b + x_values)
        d_r = _dot(x_weight, special.digamma(r + x_values)) + total * (
            np.log(alpha) - special.digamma(r)
        )
        d_alpha = total * r / alpha
        d_a = total * special.digamma(a + b) - _dot(x_weight, psi_ab_x)
        d_b = _dot(x_weight, special.digamma(b + x_values) - psi_ab_x) + total * (
            special.digamma(a + b) - special.digamma(b)
        )
        # A3 of the one-time buyers
        log_once = np.log(alpha + once_T)
        value -= r * _dot(once_weight, log_once)
        d_r -= _dot(once_weight, log_once)
        d_alpha -= r * _dot(once_weight, 1.0 / (alpha + once_T))
        # A3 + softplus(A4 - A3) of the repeat buyers
        log_T = np.log(alpha + rep_T)
        gap = log_T - np.log(alpha + rep_t_x)
        shape = r + rep_x
        difference = (np.log(a) - np.log(b + rep_values - 1))[rep_index] + shape * gap  # A4 - A3
        # softplus(d) = max(d, 0) + log1p(exp(-|d|)); sigmoid(d) from the same exponential
        tail = np.exp(-np.abs(difference))
        dropped = np.where(difference > 0, 1.0, tail) / (1.0 + tail)
        value += _dot(rep_weight, np.maximum(difference, 0.0) + np.log1p(tail) - shape * log_T)
        d_r += _dot(rep_weight, dropped * gap - log_T)
        inverse_T = 1.0 / (alpha + rep_T)
        d_alpha += _dot(
            r * rep_weight + weight_x, dropped * (inverse_T - 1.0 / (alpha + rep_t_x)) - inverse_T
        )
        dropped_by_x = np.bincount(
            rep_index, weights=rep_weight * dropped, minlength=len(rep_values)
        )
        d_a += dropped_by_x.sum() / a
        d_b -= _dot(dropped_by_x, 1.0 / (b + rep_values - 1))
        return float(value), np.array([d_r, d_alpha, d_a, d_b])

    return summed


def fit_bgnbd(x, t_x, T, start=(1.0, 1.0, 1.0, 1.0), weight=None) -> Fit:
    """Maximum-likelihood r, alpha, a, b; ``weight`` counts the customers of each row (one
    each by default), so a table of distinct histories with their counts can be given."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    (x_d, t_x_d, T_d), weight_d = distinct(x, t_x, T, weight=weight)
    # alpha scales with the time unit: start it at the mean customer age
    mean_T = _dot(weight_d, T_d) / weight_d.sum() if len(weight_d) else 0.0
    start = (start[0], max(mean_T, 1e-3) * start[1] / 10, start[2], start[3])
    return _fit(
        bgnbd_summed_log_likelihood(x_d, t_x_d, T_d, weight_d),
        start,
        ["r", "alpha", "a", "b"],
        "bg_nbd",
        int(round(weight_d.sum())),
        len(weight_d),
    )


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
    """E[purchases in the next t | x, t_x, T] (FHL 2005, equation 10). ``t`` is a number
    or an array that broadcasts against the histories: t of shape (k, 1) gives (k, n),
    one row per horizon (as for pareto_nbd_expected_purchases)."""
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))

    # the hypergeometric function depends on (x, T) only: once per distinct pair, when
    # every customer has the same horizons (t a number, or one per row of shape (k, 1))
    def hypergeometric(x, T):
        return special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))

    shared = np.ndim(t) == 0 or np.shape(t)[-1] == 1
    (hyp,) = _per_pair(hypergeometric, x, T) if shared else [hypergeometric(x, T)]
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


def gamma_gamma_summed_log_likelihood(x, m, weight=None):
    """The Gamma-Gamma log-likelihood summed over customers (each counted ``weight``
    times) as a function of params = (p, q, gamma), returning the sum and its gradient:
    ``weight @ gamma_gamma_log_likelihood(params, x, m)``. The ln G terms depend on x only
    and are summed once per purchase count, the terms in ln m and ln x are constant sums;
    per customer remains ln(gamma + x m)."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    weight = np.ones(len(x)) if weight is None else np.asarray(weight, dtype=float)
    x_values, _, x_weight = _by_value(x, weight)
    total = weight.sum()
    weight_x = weight * x
    spent = x * m
    with np.errstate(divide="ignore"):
        log_m, log_x = np.log(m), np.log(x)
    sum_x_log = _dot(weight_x, log_m + log_x)  # sum of w x (ln m + ln x)
    sum_log_m = _dot(weight, log_m)

    def summed(params):
        p, q, gamma = params
        px = p * x_values
        log_spent = np.log(gamma + spent)
        x_log_spent, sum_log_spent = _dot(weight_x, log_spent), _dot(weight, log_spent)
        psi_pxq = special.digamma(px + q)
        value = (
            _dot(x_weight, special.gammaln(px + q) - special.gammaln(px))
            + total * (q * np.log(gamma) - special.gammaln(q))
            + p * (sum_x_log - x_log_spent)
            - q * sum_log_spent
            - sum_log_m
        )
        d_p = _dot(x_weight * x_values, psi_pxq - special.digamma(px)) + sum_x_log - x_log_spent
        d_q = _dot(x_weight, psi_pxq) + total * (np.log(gamma) - special.digamma(q)) - sum_log_spent
        d_gamma = total * q / gamma - _dot(p * weight_x + q * weight, 1.0 / (gamma + spent))
        return float(value), np.array([d_p, d_q, d_gamma])

    return summed


def fit_gamma_gamma(x, m, start=(1.0, 1.0, 1.0), weight=None) -> Fit:
    """Maximum-likelihood p, q, gamma on customers with x >= 1 and m > 0; ``weight`` counts
    the customers of each row (one each by default)."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    (x_d, m_d), weight_d = distinct(x, m, weight=weight)
    mean_m = _dot(weight_d, m_d) / weight_d.sum() if len(weight_d) else 0.0
    start = (start[0], start[1], max(mean_m, 1e-3) * start[2])
    fit = _fit(
        gamma_gamma_summed_log_likelihood(x_d, m_d, weight_d),
        start,
        ["p", "q", "gamma"],
        "gamma_gamma",
        int(round(weight_d.sum())),
        len(weight_d),
    )
    if fit.converged and fit.params["q"] <= 1:
        # the population mean value p * gamma / (q - 1) does not exist
        return replace(
            fit, converged=False, message=f"q = {fit.params['q']:.4g} <= 1: no finite mean value"
        )
    return fit


# Pareto/NBD (Schmittlein, Morrison and Colombo, "Counting your customers: who are they
# and what will they do next?", 1987; the expressions as in Fader, Hardie and Lee, "A note
# on deriving the Pareto/NBD model and related expressions", 2005). While alive a customer
# buys at Poisson rate lambda ~ Gamma(r, alpha) and dies at an exponential time of rate
# mu ~ Gamma(s, beta), at any moment (BG/NBD lets them drop out only right after a
# purchase). The same x, t_x, T as BG/NBD.
PARETO_NBD_NAMES = ["r", "alpha", "s", "beta"]


def _pareto_log_G(params, x, u, scale_derivatives=False):
    """ln G(u) with G(u) = 2F1(r + s + x, b; r + s + x + 1; z(u)) / (c + u)^(r + s + x), an
    antiderivative of the death integrand: for t_x <= u1 <= u2,

        integral from u1 to u2 of (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) dtau
            = (G(u1) - G(u2)) / (r + s + x)

    (FHL 2005 note, equation 19, A0). Two branches keep the argument z of the Gauss
    hypergeometric function in [0, 1): alpha >= beta: c = alpha, b = s + 1,
    z = (alpha - beta) / (alpha + u); alpha < beta: c = beta, b = r + x,
    z = (beta - alpha) / (beta + u). At alpha = beta both give (alpha + u)^-(r + s + x).

    With ``scale_derivatives``, returns (ln G, d ln G / d alpha, d ln G / d beta): alpha and
    beta enter only through z and c, and d/dz 2F1(1, p; q; z) = p / q 2F1(2, p + 1; q + 1; z)
    (DLMF 15.5.1), one evaluation for both instead of four for central differences."""
    r, alpha, s, beta = params
    x, u = np.asarray(x, dtype=float), np.asarray(u, dtype=float)
    shape = r + s + x
    if alpha >= beta:
        c, other, power = alpha, beta, r + x
        exponent = s  # b - 1 with b = s + 1
    else:
        c, other, power = beta, alpha, s + 1.0
        exponent = r + x - 1.0  # b - 1 with b = r + x
    # Euler's transformation 2F1(a, b; a + 1; z) = (1 - z)^-(b - 1) 2F1(1, a + 1 - b; a + 1; z)
    # keeps the function finite where z nears 1 and b is large (a far-off trial point of the
    # optimiser); 1 - z = (other + u) / (c + u), taken in logs
    log_c_u = np.log(c + u)
    log_one_minus_z = np.log(other + u) - log_c_u
    z = -np.expm1(log_one_minus_z)
    hypergeometric = special.hyp2f1(1.0, power, shape + 1.0, z)
    log_G = np.log(hypergeometric) - exponent * log_one_minus_z - shape * log_c_u
    if not scale_derivatives:
        return log_G
    # ln G = ln F(z) - exponent ln(1 - z) - shape ln(c + u), z = 1 - (other + u) / (c + u):
    # d ln(1 - z) = d ln(other + u) - d ln(c + u) and dz = -(1 - z) d ln(1 - z)
    d_log_F_dz = (
        power / (shape + 1.0) * special.hyp2f1(2.0, power + 1.0, shape + 2.0, z) / hypergeometric
    )
    one_minus_z = np.exp(log_one_minus_z)
    d_other, d_c = 1.0 / (other + u), 1.0 / (c + u)
    # the derivative of ln G through ln(other + u) and through ln(c + u)
    by_other = -d_log_F_dz * one_minus_z - exponent
    by_c = d_log_F_dz * one_minus_z + exponent - shape
    d_by_other, d_by_c = by_other * d_other, by_c * d_c
    if alpha >= beta:
        return log_G, d_by_c, d_by_other
    return log_G, d_by_other, d_by_c


def _log1mexp(d: np.ndarray) -> np.ndarray:
    """ln(1 - e^d) for d <= 0 (-inf at d = 0), accurate near 0 and for very negative d."""
    d = np.asarray(d, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(
            d > -0.6931, np.log(-np.expm1(np.minimum(d, -1e-300))), np.log1p(-np.exp(d))
        )


def _pareto_terms(params, x, log_G_tx, log_G_T, T):
    """The two terms of the Pareto/NBD likelihood in logs, without their common factor
    Gamma(r + x) alpha^r beta^s / Gamma(r): alive at T, ln[(alpha + T)^-(r + x)
    (beta + T)^-s], and died in (t_x, T], ln[s / (r + s + x) (G(t_x) - G(T))] (-inf when
    t_x = T)."""
    r, alpha, s, beta = params
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    dead = np.log(s) - np.log(r + s + x) + log_G_tx + _log1mexp(np.minimum(log_G_T - log_G_tx, 0.0))
    return alive, dead


def pareto_nbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Log-likelihood of each customer under Pareto/NBD (FHL 2005 note, equation 19):

    L = Gamma(r + x) alpha^r beta^s / Gamma(r)
        * [(alpha + T)^-(r + x) (beta + T)^-s + s / (r + s + x) A0]
    A0 = G(t_x) - G(T)   (see _pareto_log_G)"""
    r, alpha, s, beta = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    alive, dead = _pareto_terms(
        params, x, _pareto_log_G(params, x, t_x), _pareto_log_G(params, x, T), T
    )
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return common + np.logaddexp(alive, dead)


def _pairs(x, *us):
    """The distinct (x, u) pairs over u in each of ``us`` (arrays as long as x), and each
    row's index into them, one index array per u: ``xs, us, index_1, index_2, ...``
    (sorted once: np.unique along an axis is ten times slower)."""
    n = len(x)
    xs = np.concatenate([x] * len(us))
    all_u = np.concatenate(us)
    order = np.lexsort((all_u, xs))
    xs_o, us_o = xs[order], all_u[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (xs_o[1:] != xs_o[:-1]) | (us_o[1:] != us_o[:-1])
    group = np.cumsum(new) - 1
    index = np.empty(len(order), dtype=np.intp)
    index[order] = group
    return xs_o[new], us_o[new], *(index[i * n : (i + 1) * n] for i in range(len(us)))


def _per_pair(function, x, *us) -> list[np.ndarray]:
    """``function(x, u)`` for each u in ``us``, evaluated once per distinct (x, u) pair over
    all of them and spread back to the rows (the last axis of the result): the same
    numbers, element by element. Customers share their (x, t_x) and (x, T) far more often
    than their whole history (100,000 customers of the demo: a few thousand pairs), and the
    hypergeometric function is the cost of a prediction. Rows that are not one-dimensional
    arrays of one length are evaluated as they are."""
    x = np.asarray(x, dtype=float)
    us = [np.asarray(u, dtype=float) for u in us]
    if x.ndim != 1 or any(u.shape != x.shape for u in us):
        return [function(x, u) for u in us]
    pair_x, pair_u, *indices = _pairs(x, *us)
    values = function(pair_x, pair_u)
    return [np.take(values, index, axis=-1) for index in indices]


def pareto_nbd_summed_log_likelihood(x, t_x, T, weight=None, step=1e-4):
    """The Pareto/NBD log-likelihood summed over customers (each counted ``weight`` times)
    as a function of params = (r, alpha, s, beta), returning the sum and its gradient.

    The hypergeometric functions, the costly part, depend on (x, t_x) and (x, T) only, not
    on the whole history: they are computed once per distinct pair (times are whole days,
    so a million customers have about 15,000 pairs) with their derivatives: in alpha and
    beta analytic (through z, see _pareto_log_G), in r and s by central differences of
    relative step ``step`` (1e-4: hyp2f1 near z = 1 carries relative errors of about 1e-9,
    which a step of 1e-6 turned into gradient noise that stopped the optimiser early on
    the flat ridge of large s and beta; the truncation error of 1e-4 is about 1e-8, the
    size of the noise). Per history remain
    logarithms and the mixture of the two terms, whose derivatives are analytic: the
    mixture weighs each term's derivative by its share, P(alive) and 1 - P(alive), and
    d ln(G1 - G2) = (d ln G1 - e^(ln G2 - ln G1) d ln G2) / (1 - e^(ln G2 - ln G1))."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    weight = np.ones(len(x)) if weight is None else np.asarray(weight, dtype=float)
    x_values, _, x_weight = _by_value(x, weight)
    total = weight.sum()
    pair_x, pair_u, index_tx, index_T = _pairs(x, t_x, T)
    n_pairs = len(pair_x)
    died_possible = t_x < T

    def summed(params):
        # a far-off trial point of the optimiser can overflow (inf - inf): _fit refuses a
        # value or gradient that is not finite, so the warnings say nothing
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            return _summed(params)

    def _summed(params):
        r, alpha, s, beta = params
        params = np.asarray(params, dtype=float)
        log_G, d_alpha, d_beta = _pareto_log_G(params, pair_x, pair_u, scale_derivatives=True)
        d_log_G = [None, d_alpha, None, d_beta]
        for i in (0, 2):  # r and s also move the hypergeometric function's parameters
            up, down = params.copy(), params.copy()
            h = step * params[i]
            up[i] += h
            down[i] -= h
            d_log_G[i] = (
                _pareto_log_G(up, pair_x, pair_u) - _pareto_log_G(down, pair_x, pair_u)
            ) / (2 * h)
        # per pair: the alive term (read at the pair of x and T) and ln s - ln(r + s + x)
        # + ln G (read at the pair of x and t_x)
        log_alpha_u, log_beta_u = np.log(alpha + pair_u), np.log(beta + pair_u)
        alive_pair = -(r + pair_x) * log_alpha_u - s * log_beta_u
        inverse_shape = 1.0 / (r + s + pair_x)
        dead_pair = np.log(s) + np.log(inverse_shape) + log_G
        # per history: only the mixture; its derivatives are summed per pair (bincount)
        # and multiplied by the pair's derivatives once
        difference = np.minimum(log_G[index_T] - log_G[index_tx], 0.0)
        alive = alive_pair[index_T]
        dead = dead_pair[index_tx] + _log1mexp(difference)
        value = _dot(x_weight, special.gammaln(r + x_values)) + total * (
            -special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        )
        with np.errstate(invalid="ignore", over="ignore"):
            value += _dot(weight, np.logaddexp(alive, dead))
            share_alive = 1.0 / (1.0 + np.exp(np.clip(dead - alive, -700, 700)))
        w_alive = weight * share_alive
        w_dead = np.where(died_possible, weight - w_alive, 0.0)
        ratio = np.exp(difference)
        with np.errstate(divide="ignore", invalid="ignore"):
            w_scaled = np.where(died_possible, w_dead / -np.expm1(difference), 0.0)
        alive_by_pair = np.bincount(index_T, weights=w_alive, minlength=n_pairs)
        dead_by_pair = np.bincount(index_tx, weights=w_dead, minlength=n_pairs)
        first_by_pair = np.bincount(index_tx, weights=w_scaled, minlength=n_pairs)
        second_by_pair = np.bincount(index_T, weights=w_scaled * ratio, minlength=n_pairs)
        gradient = np.array(
            [
                _dot(x_weight, special.digamma(r + x_values))
                + total * (np.log(alpha) - special.digamma(r))
                - _dot(alive_by_pair, log_alpha_u)
                - _dot(dead_by_pair, inverse_shape),
                total * r / alpha - _dot(alive_by_pair, (r + pair_x) / (alpha + pair_u)),
                total * np.log(beta)
                - _dot(alive_by_pair, log_beta_u)
                + dead_by_pair.sum() / s
                - _dot(dead_by_pair, inverse_shape),
                total * s / beta - s * _dot(alive_by_pair, 1.0 / (beta + pair_u)),
            ]
        )
        for i in range(4):
            gradient[i] += _dot(first_by_pair, d_log_G[i]) - _dot(second_by_pair, d_log_G[i])
        return float(value), gradient

    return summed


def fit_pareto_nbd(x, t_x, T, start=(1.0, 1.0, 1.0, 1.0), weight=None) -> Fit:
    """Maximum-likelihood r, alpha, s, beta; ``weight`` counts the customers of each row
    (one each by default), as for fit_bgnbd. alpha and beta scale with the time unit: both
    start at the mean customer age times the start value."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    (x_d, t_x_d, T_d), weight_d = distinct(x, t_x, T, weight=weight)
    mean_T = _dot(weight_d, T_d) / weight_d.sum() if len(weight_d) else 0.0
    scale = max(mean_T, 1e-3)
    start = (start[0], scale * start[1], start[2], scale * start[3])
    return _fit(
        pareto_nbd_summed_log_likelihood(x_d, t_x_d, T_d, weight_d),
        start,
        PARETO_NBD_NAMES,
        "pareto_nbd",
        int(round(weight_d.sum())),
        len(weight_d),
    )


def pareto_nbd_probability_alive(params, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) under Pareto/NBD (FHL 2005 note, equation 20): the share
    of the likelihood in its first term. Below 1 for one-time buyers too (x = 0): they can
    die at any time after their purchase."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    log_G_tx, log_G_T = _per_pair(lambda x, u: _pareto_log_G(params, x, u), x, t_x, T)
    alive, dead = _pareto_terms(params, x, log_G_tx, log_G_T, T)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(np.clip(dead - alive, -700, 700)))


def pareto_nbd_expected_purchases(params, t, x, t_x, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] under Pareto/NBD (FHL 2005 note, equation
    22): P(alive) times the expected purchases of a customer alive at T, whose lambda and mu
    are then Gamma(r + x, alpha + T) and Gamma(s, beta + T):

        (r + x) (beta + T) / ((alpha + T) (s - 1)) [1 - ((beta + T) / (beta + T + t))^(s - 1)]

    (at s = 1 the bracket over s - 1 is ln((beta + T + t) / (beta + T))). ``t`` is a number
    or an array that broadcasts against the histories: t of shape (k, 1) gives (k, n), one
    row per horizon, with P(alive) (two hypergeometric functions per history) computed
    once for all of them."""
    r, alpha, s, beta = params
    x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    log_q = np.log(beta + T) - np.log(beta + T + t)
    # [1 - q^(s - 1)] / (s - 1), continuous at s = 1
    horizon = -np.expm1((s - 1) * log_q) / (s - 1) if abs(s - 1) > 1e-9 else -log_q
    alive = pareto_nbd_probability_alive(params, x, t_x, T)
    return alive * (r + x) * (beta + T) / (alpha + T) * horizon


def pareto_nbd_probability_no_purchase(params, t, x, t_x, T) -> np.ndarray:
    """P(no purchase in (T, T + t] | x, t_x, T) under Pareto/NBD: the churn of a horizon t.

    Dead at T: no purchase for sure. Alive at T, with lambda ~ Gamma(r + x, alpha + T) and
    mu ~ Gamma(s, beta + T) (the posteriors given alive and the history; write A = alpha +
    T, B = beta + T), no purchase means surviving the horizon without one or dying at
    tau in (0, t] before the first:

        P0 = 1 - P(alive) + P(alive) [(A / (A + t))^(r + x) (B / (B + t))^s
             + integral from 0 to t of (s / B) (B / (B + tau))^(s + 1) (A / (A + tau))^(r + x) dtau]

    The integral is the likelihood's death integral with the origin moved to T (alpha -> A,
    beta -> B), so it has the same closed form: s A^(r + x) B^s (G(T) - G(T + t)) /
    (r + s + x) with G of _pareto_log_G. A new customer (x = 0, T = 0) gets the
    probability of no purchase in the first t of the model itself."""
    r, alpha, s, beta = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    alive = pareto_nbd_probability_alive(params, x, t_x, T)
    A, B = alpha + T, beta + T
    log_survive = (r + x) * (np.log(A) - np.log(A + t)) + s * (np.log(B) - np.log(B + t))
    # G depends on alpha + u and beta + u only: G at (r, A, s, B) and tau is G at u = T + tau
    shape = r + s + x
    log_G0, log_Gt = _per_pair(lambda x, u: _pareto_log_G(params, x, u), x, T, T + t)
    log_die = (
        np.log(s)
        + (r + x) * np.log(A)
        + s * np.log(B)
        - np.log(shape)
        + log_G0
        + _log1mexp(np.minimum(log_Gt - log_G0, 0.0))
    )
    silent_while_alive = np.exp(np.logaddexp(log_survive, log_die))
    return 1.0 - alive + alive * np.minimum(silent_while_alive, 1.0)


@dataclass(frozen=True)
class PurchaseModel:
    """A purchase model's name for people, its fit and its predictions, each with the
    signature of the BG/NBD function of the same name."""

    label: str
    fit: object
    probability_alive: object
    expected_purchases: object
    probability_no_purchase: object


# the purchase models btyd_fits chooses between by back-test, by the name it publishes
PURCHASE_MODELS = {
    "bg_nbd": PurchaseModel(
        "BG/NBD", fit_bgnbd, probability_alive, expected_purchases, probability_no_purchase
    ),
    "pareto_nbd": PurchaseModel(
        "Pareto/NBD",
        fit_pareto_nbd,
        pareto_nbd_probability_alive,
        pareto_nbd_expected_purchases,
        pareto_nbd_probability_no_purchase,
    ),
}
MODEL_PARAMETERS = {
    "bg_nbd": ["r", "alpha", "a", "b"],
    "pareto_nbd": PARETO_NBD_NAMES,
    "gamma_gamma": ["p", "q", "gamma"],
}


def decile_calibration_error(predicted, observed, weight, tolerance=None) -> float:
    """The mean of decile_calibration_errors: btyd_fits chooses the purchase model by it."""
    return decile_calibration_errors(predicted, observed, weight, tolerance)[0]


def decile_calibration_errors(predicted, observed, weight, tolerance=None) -> tuple[float, float]:
    """Two decile calibration errors, (mean, worst), from one pass: the customers in
    deciles of the prediction; mean: the
    customer-weighted mean absolute gap between a decile's mean prediction and its mean
    observation, sum over deciles of |sum of weight * (predicted - observed)| / sum of
    weight (probability_calibration's expected calibration error). ``weight`` counts the
    customers of each row. A row's decile is 10 x the share of customers with a smaller
    prediction, rounded down: tied predictions share one.

    With ``tolerance`` (absolute, relative), each decile's gap is first divided by its
    tolerance, max(absolute, relative x the decile's mean observation), as
    probability_calibration judges a band: the error is then in tolerances (above 1, the
    mean decile is off), and a light decile weighs as much as a heavy one. btyd_fits
    chooses the purchase model by this one (calibration_tolerance). absolute must be above
    0: a decile that observed nothing has no other tolerance.

    worst: the largest gap of a decile (the one probability_calibration's test fails on
    when it is above 1 in tolerances). Both NaN without customers."""
    predicted, observed, weight = (
        np.asarray(v, dtype=float) for v in (predicted, observed, weight)
    )
    order = np.argsort(predicted, kind="stable")
    predicted, observed, weight = predicted[order], observed[order], weight[order]
    total = weight.sum()
    if total == 0:
        return float("nan"), float("nan")
    below = np.cumsum(weight) - weight  # customers before each row
    # rows with the same prediction take the first one's count below
    first = np.r_[True, predicted[1:] != predicted[:-1]]
    below = np.maximum.accumulate(np.where(first, below, 0.0))
    decile = np.minimum((10 * below / total).astype(int), 9)
    customers = np.bincount(decile, weights=weight, minlength=10)
    observed_sum = np.bincount(decile, weights=weight * observed, minlength=10)
    gap = np.bincount(decile, weights=weight * predicted, minlength=10) - observed_sum
    if tolerance is not None:
        absolute, relative = tolerance
        filled = customers > 0
        mean_observed = np.divide(observed_sum, customers, out=np.zeros(10), where=filled)
        # deciles without customers (ties leave some empty) have no gap to weigh
        gap = np.divide(
            gap, np.maximum(absolute, relative * mean_observed), out=np.zeros(10), where=filled
        )
    filled = customers > 0
    worst = float(np.abs(gap[filled] / customers[filled]).max())
    return float(np.abs(gap).sum() / customers.sum()), worst


def candidate(model: str, gap_days: int | None) -> str:
    """The name of a purchase model fitted on whole histories (gap_days None: the model's
    name) or on first lives ending at a silence of gap_days (``pareto_nbd@180``)."""
    return model if gap_days is None else f"{model}@{int(gap_days)}"


def candidate_parts(name: str) -> tuple[str, int | None]:
    """(model, gap_days) of a candidate's name (``candidate``'s inverse)."""
    model, _, gap = name.partition("@")
    return model, (int(gap) if gap else None)


def candidate_label(name: str) -> str:
    """A candidate's name for people: ``Pareto/NBD on first lives (180-day silence)``."""
    model, gap = candidate_parts(name)
    label = PURCHASE_MODELS[model].label
    return label if gap is None else f"{label} on first lives ({gap}-day silence)"


def rank_candidates(errors: dict[str, float]) -> list[str]:
    """The candidates with a back-test error (``errors``: candidate -> error, NaN for a
    fit that failed), best first: the smaller error; on a tie whole histories before first
    lives, the smaller gap first, and BG/NBD before Pareto/NBD."""
    scored = {name: error for name, error in errors.items() if np.isfinite(error)}

    def key(name):
        model, gap = candidate_parts(name)
        return (scored[name], gap is not None, gap or 0, model != "bg_nbd")

    return sorted(scored, key=key)


def choose_purchase_model(
    errors: dict[str, float], converged_on_scoring_date: dict[str, bool], measured: str
) -> tuple[str, str]:
    """The purchase model that predicts and why, in words: the first candidate of
    ``rank_candidates(errors)`` (``errors``: candidate -> back-test error, NaN or absent
    when its fit failed on the calibration date) whose fit converged on the scoring date
    (``converged_on_scoring_date``: candidate -> converged, for the fits made there). A
    candidate is a model's name (fitted on whole histories) or ``candidate(model, gap)``
    (fitted on first lives, int_customers_btyd_first_lives). When no scoring fit
    converged, the best candidate with a scoring fit (its predictions are then null, with
    the fit's status). Without any back-test error, BG/NBD on whole histories.
    ``measured`` says what the errors are, for the reason."""
    names = set(errors) | set(PURCHASE_MODELS) | set(converged_on_scoring_date)
    label = {name: candidate_label(name) for name in names}
    ranked = rank_candidates(errors)
    if not ranked:
        return "bg_nbd", "no back-test (no purchase model converged on the calibration date)"
    usable = (
        [name for name in ranked if converged_on_scoring_date.get(name)]
        or [name for name in ranked if name in converged_on_scoring_date]
        or sorted(converged_on_scoring_date)
        or ranked
    )
    chosen = usable[0]
    failed = [name for name in errors if name not in ranked]
    failed += [name for name in PURCHASE_MODELS if name not in errors]
    passed_over = ranked[: ranked.index(chosen)] if chosen in ranked else ranked
    reason = (
        f"{measured} "
        + ", ".join(f"{label[name]} {errors[name]:.4f}" for name in ranked)
        + "".join(f"; {label[name]} did not converge on the calibration date" for name in failed)
        + "".join(f"; {label[name]} did not converge on the scoring date" for name in passed_over)
    )
    return chosen, reason
