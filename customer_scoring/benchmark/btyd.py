"""Benchmark of the BG/NBD and Gamma-Gamma fits (customer_scoring/btyd.py) on simulated
customers, every one with a history of its own (continuous times, so no two share one).

    python -m customer_scoring benchmark-btyd --customers 1000000 [--seed 7] [--no-previous]

It draws the customers from the two models with known parameters (``simulate``), then
times, in this process and one after the other:
- floor: one evaluation of the per-customer log-likelihoods (btyd.bgnbd_log_likelihood and
  btyd.gamma_gamma_log_likelihood over every customer) and a numpy sum over the arrays:
  what one pass over the data costs on this machine at this moment;
- fit: btyd.fit_bgnbd and btyd.fit_gamma_gamma, as the btyd_fits model calls them;
- fit_pareto_nbd_days: btyd.fit_pareto_nbd, which btyd_fits also calls, on the same
  customers with their times rounded to whole days as the warehouse hands them over
  (int_customers_btyd_summary counts days): its hypergeometric functions are computed
  once per distinct (x, time) pair, about 15,000 here, where continuous times would make
  two million of them (about a minute);
- fit_pareto_nbd_ridge: btyd.fit_pareto_nbd on as many customers drawn from Pareto/NBD
  with near-homogeneous dropout (PARETO_NBD_RIDGE), whole days: the case of the demo's
  fits (s and beta large, the likelihood flat along s / beta);
- previous: the implementation before 2026-11-30 (``previous_fit``: L-BFGS-B with
  finite-difference gradients over the per-customer log-likelihood on distinct
  histories), unless --no-previous; kept here only to measure against.
It prints the seconds, the fit's ratio to the floor (a ratio stays comparable when other
processes share the CPU), the load average, the relative difference of every parameter
between the fit and the previous implementation, and the planted parameters.
"""

from __future__ import annotations

import os
import time

import numpy as np
from scipy import optimize

from customer_scoring import btyd

# planted parameters, in weeks: near the CDNOW fits (FHL 2005; Fader and Hardie 2013)
BGNBD = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
GAMMA_GAMMA = {"p": 6.0, "q": 3.8, "gamma": 15.0}
PARETO_NBD = {"r": 0.55, "alpha": 10.5, "s": 0.6, "beta": 11.5}
# near-homogeneous dropout (mean lifetime beta / s = 100 weeks, little spread), near what
# the demo's fits find: the likelihood's flat ridge of large s and beta, where the
# hypergeometric functions' argument nears 1 and the optimiser walks the longest
PARETO_NBD_RIDGE = {"r": 0.8, "alpha": 3.8, "s": 100.0, "beta": 10000.0}


def simulate(customers: int, seed: int = 7, weeks: float = 78.0, bgnbd=None, gamma_gamma=None):
    """Customers drawn from BG/NBD and Gamma-Gamma (dicts of parameters, default the planted
    ones above), first purchases spread uniformly over ``weeks``. Returns x, t_x, T and m
    (m is 0 without a repeat purchase).

    While alive a customer buys at rate lambda ~ Gamma(r, scale 1 / alpha) and drops out
    after each purchase with probability p ~ Beta(a, b): the purchase after which they
    drop out is K ~ Geometric(p), so of the N ~ Poisson(lambda T) purchases the Poisson
    process makes in (0, T], x = min(N, K) are seen. Given N, the purchase times are N
    uniform order statistics, so the x-th is T * Beta(x, N - x + 1). Each purchase is worth
    Gamma(p, rate nu) with nu ~ Gamma(q, rate gamma), so the mean of x of them is
    Gamma(p x, rate nu x)."""
    bgnbd = bgnbd or BGNBD
    gamma_gamma = gamma_gamma or GAMMA_GAMMA
    rng = np.random.default_rng(seed)
    T = rng.uniform(1.0, weeks, customers)
    rate = rng.gamma(bgnbd["r"], 1 / bgnbd["alpha"], customers)
    dropout = rng.beta(bgnbd["a"], bgnbd["b"], customers)
    made = rng.poisson(rate * T)
    x = np.minimum(made, rng.geometric(dropout))
    t_x = np.zeros(customers)
    repeat = x > 0
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], made[repeat] - x[repeat] + 1)
    nu = rng.gamma(gamma_gamma["q"], 1 / gamma_gamma["gamma"], customers)
    m = np.zeros(customers)
    m[repeat] = rng.gamma(gamma_gamma["p"] * x[repeat], 1 / (nu[repeat] * x[repeat]))
    return x.astype(float), t_x, T, m


def simulate_pareto_nbd(customers: int, seed: int = 7, weeks: float = 78.0, pareto_nbd=None):
    """Customers drawn from Pareto/NBD (a dict of parameters, default PARETO_NBD), first
    purchases spread uniformly over ``weeks``. Returns x, t_x and T.

    A customer buys at rate lambda ~ Gamma(r, scale 1 / alpha) while alive and lives an
    exponential time of rate mu ~ Gamma(s, scale 1 / beta) after the first purchase: the
    repeat purchases are Poisson(lambda min(lifetime, T)), and given their number the
    last is at min(lifetime, T) times the largest of x uniforms, Beta(x, 1)."""
    pareto_nbd = pareto_nbd or PARETO_NBD
    rng = np.random.default_rng(seed)
    T = rng.uniform(1.0, weeks, customers)
    rate = rng.gamma(pareto_nbd["r"], 1 / pareto_nbd["alpha"], customers)
    death = rng.gamma(pareto_nbd["s"], 1 / pareto_nbd["beta"], customers)
    seen = np.minimum(rng.exponential(1.0, customers) / death, T)
    x = rng.poisson(rate * seen)
    t_x = np.zeros(customers)
    repeat = x > 0
    t_x[repeat] = seen[repeat] * rng.beta(x[repeat], 1.0)
    return x.astype(float), t_x, T


def previous_fit(model: str, *columns) -> dict[str, float]:
    """The fit as it was before the analytic gradients: L-BFGS-B, finite-difference
    gradients, over the per-customer log-likelihood of each distinct history weighted by
    its count, same start and options. Parameters only: to measure the time and the
    agreement of the fit, nothing else."""
    columns = [np.asarray(column, dtype=float) for column in columns]
    rows, weight = btyd.distinct(*columns)
    if model == "bg_nbd":
        start = (1.0, max(float(np.mean(columns[2])), 1e-3) / 10, 1.0, 1.0)
        names, likelihood = ["r", "alpha", "a", "b"], btyd.bgnbd_log_likelihood
    else:
        start = (1.0, 1.0, max(float(np.mean(columns[1])), 1e-3))
        names, likelihood = ["p", "q", "gamma"], btyd.gamma_gamma_log_likelihood

    def negative_ll(log_params):
        value = -np.dot(weight, likelihood(np.exp(log_params), *rows))
        return value if np.isfinite(value) else 1e300

    result = optimize.minimize(
        negative_ll,
        np.clip(np.log(start), -btyd.LOG_BOUND, btyd.LOG_BOUND),
        method="L-BFGS-B",
        bounds=[(-btyd.LOG_BOUND, btyd.LOG_BOUND)] * len(names),
        options={"maxiter": 2000, "gtol": 1e-7},
    )
    return dict(zip(names, map(float, np.exp(result.x)), strict=True))


def in_whole_days(t_x, T):
    """Times in weeks rounded to whole days, as int_customers_btyd_summary hands them over
    (T up to the day, t_x to the nearest day and not after T)."""
    T_days = np.ceil(T * 7) / 7
    return np.minimum(np.round(t_x * 7) / 7, T_days), T_days


def _seconds(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def run(customers: int, seed: int = 7, previous: bool = True) -> dict:
    """Simulate, time the floor, the fit and (optionally) the previous fit; print and
    return the figures (module doc)."""
    x, t_x, T, m = simulate(customers, seed)
    repeat = (x > 0) & (m > 0)
    load_before = os.getloadavg()[0]
    floor = {
        "numpy_sum": _seconds(lambda: float(x.sum() + t_x.sum() + T.sum() + m.sum()))[0],
        "log_likelihood_pass": _seconds(
            lambda: (
                btyd.bgnbd_log_likelihood(list(BGNBD.values()), x, t_x, T).sum()
                + btyd.gamma_gamma_log_likelihood(
                    list(GAMMA_GAMMA.values()), x[repeat], m[repeat]
                ).sum()
            )
        )[0],
    }
    bgnbd_seconds, bgnbd = _seconds(btyd.fit_bgnbd, x, t_x, T)
    gg_seconds, gg = _seconds(btyd.fit_gamma_gamma, x[repeat], m[repeat])
    pareto_seconds, pareto = _seconds(btyd.fit_pareto_nbd, x, *in_whole_days(t_x, T))
    rx, rt_x, rT = simulate_pareto_nbd(customers, seed, pareto_nbd=PARETO_NBD_RIDGE)
    ridge_seconds, ridge = _seconds(btyd.fit_pareto_nbd, rx, *in_whole_days(rt_x, rT))
    fit_seconds = bgnbd_seconds + gg_seconds
    report = {
        "customers": customers,
        "repeat_customers": int(repeat.sum()),
        "distinct_histories": len(btyd.distinct(x, t_x, T)[1]),
        "cpus": os.cpu_count(),
        "seconds": {
            "fit_bgnbd": round(bgnbd_seconds, 2),
            "fit_gamma_gamma": round(gg_seconds, 2),
            "fit": round(fit_seconds, 2),
            "fit_pareto_nbd_days": round(pareto_seconds, 2),
            "fit_pareto_nbd_ridge": round(ridge_seconds, 2),
            "floor_log_likelihood_pass": round(floor["log_likelihood_pass"], 3),
            "floor_numpy_sum": round(floor["numpy_sum"], 4),
        },
        "fit_to_floor": round(fit_seconds / floor["log_likelihood_pass"], 1),
        "converged": bgnbd.converged and gg.converged,
        "pareto_nbd_days": {"converged": pareto.converged, **pareto.params},
        "pareto_nbd_ridge": {
            "converged": ridge.converged,
            "log_likelihood": ridge.log_likelihood,
            **ridge.params,
        },
        "params": {**bgnbd.params, **gg.params},
        "planted": {**BGNBD, **GAMMA_GAMMA},
    }
    if previous:
        old_bgnbd_seconds, old_bgnbd = _seconds(previous_fit, "bg_nbd", x, t_x, T)
        old_gg_seconds, old_gg = _seconds(previous_fit, "gamma_gamma", x[repeat], m[repeat])
        report["seconds"]["previous_fit"] = round(old_bgnbd_seconds + old_gg_seconds, 2)
        report["previous_to_fit"] = round(report["seconds"]["previous_fit"] / fit_seconds, 1)
        old = {**old_bgnbd, **old_gg}
        report["relative_difference_to_previous"] = {
            name: float(f"{report['params'][name] / value - 1:.2e}") for name, value in old.items()
        }
    report["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(table(report))
    return report


def table(report: dict) -> str:
    """The figures of ``run`` as Markdown."""
    seconds = report["seconds"]
    lines = [
        f"{report['customers']:,} customers ({report['repeat_customers']:,} with a repeat "
        f"purchase, {report['distinct_histories']:,} distinct histories), "
        f"{report['cpus']} CPUs, load average {report['load_average_1min'][0]} before and "
        f"{report['load_average_1min'][1]} after",
        "| what | seconds | × floor |",
        "|---|---:|---:|",
    ]
    floor = seconds["floor_log_likelihood_pass"]
    for name in (
        "floor_numpy_sum",
        "floor_log_likelihood_pass",
        "fit_bgnbd",
        "fit_gamma_gamma",
        "fit",
        "fit_pareto_nbd_days",
        "fit_pareto_nbd_ridge",
        "previous_fit",
    ):
        if name in seconds:
            lines.append(f"| {name} | {seconds[name]:.3f} | {seconds[name] / floor:.2f} |")
    lines.append("| parameter | planted | fit | fit / previous - 1 |")
    lines.append("|---|---:|---:|---:|")
    differences = report.get("relative_difference_to_previous", {})
    for name, value in report["params"].items():
        difference = f"{differences[name]:.1e}" if name in differences else "–"
        lines.append(f"| {name} | {report['planted'][name]} | {value:.4f} | {difference} |")
    lines.append(f"converged: {report['converged']}")
    if "pareto_nbd_days" in report:
        pareto = report["pareto_nbd_days"]
        lines.append(
            "Pareto/NBD on the same customers in whole days (a BG/NBD sample: nothing planted): "
            + ", ".join(
                f"{name} {value:.4f}" for name, value in pareto.items() if name != "converged"
            )
            + f", converged: {pareto['converged']}"
        )
    if "pareto_nbd_ridge" in report:
        ridge = report["pareto_nbd_ridge"]
        lines.append(
            "Pareto/NBD near-homogeneous dropout, whole days (planted "
            + ", ".join(f"{name} {value:g}" for name, value in PARETO_NBD_RIDGE.items())
            + "): "
            + ", ".join(
                f"{name} {value:.4f}"
                for name, value in ridge.items()
                if name not in ("converged", "log_likelihood")
            )
            + f", s / beta {ridge['s'] / ridge['beta']:.5f} (planted "
            + f"{PARETO_NBD_RIDGE['s'] / PARETO_NBD_RIDGE['beta']:.5f}), "
            + f"log-likelihood {ridge['log_likelihood']:.2f}, converged: {ridge['converged']}"
        )
    return "\n".join(lines)
