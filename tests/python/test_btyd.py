"""The BG/NBD and Gamma-Gamma likelihoods against published fits on the public CDNOW
sample (2,357 customers, weeks; tests/fixtures/cdnow/README.md)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import FIXTURES

from customer_scoring import btyd
from customer_scoring.benchmark.btyd import BGNBD as BGNBD_PLANTED
from customer_scoring.benchmark.btyd import GAMMA_GAMMA as GAMMA_GAMMA_PLANTED
from customer_scoring.benchmark.btyd import previous_fit, simulate, simulate_pareto_nbd

with (FIXTURES / "cdnow" / "cdnow_customers_summary.csv").open() as cdnow_file:
    ROWS = list(csv.DictReader(cdnow_file))
X = np.array([float(r["x"]) for r in ROWS])
T_X = np.array([float(r["t_x"]) for r in ROWS])
T = np.array([float(r["T"]) for r in ROWS])
ZBAR = np.array([float(r["zbar"]) for r in ROWS])

# Fader, Hardie and Lee (2005), "Counting your customers the easy way", CDNOW sample
BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
BGNBD_LOG_LIKELIHOOD = -9582.4
# Fader and Hardie (2013), "The Gamma-Gamma model of monetary value", same sample
GAMMA_GAMMA_PUBLISHED = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_the_fixture_is_the_published_sample():
    assert (len(ROWS), int(X.sum()), int((X > 0).sum())) == (2357, 2457, 946)


def test_bgnbd_fit_matches_the_published_parameters_within_one_percent():
    fit = btyd.fit_bgnbd(X, T_X, T)
    assert fit.converged
    for name, published in BGNBD_PUBLISHED.items():
        assert fit.params[name] == pytest.approx(published, rel=0.01), name
    assert fit.log_likelihood == pytest.approx(BGNBD_LOG_LIKELIHOOD, abs=0.1)


def test_gamma_gamma_fit_matches_the_published_parameters_within_one_percent():
    repeat = X > 0
    fit = btyd.fit_gamma_gamma(X[repeat], ZBAR[repeat])
    assert fit.converged
    for name, published in GAMMA_GAMMA_PUBLISHED.items():
        assert fit.params[name] == pytest.approx(published, rel=0.01), name


def test_conditional_expectation_matches_the_paper_example():
    # FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks
    params = [0.2426, 4.4135, 0.7931, 2.4259]
    assert btyd.expected_purchases(params, 39, [2], [30.43], [38.86])[0] == pytest.approx(
        1.226, abs=0.002
    )


def test_probability_alive_properties():
    params = [0.2426, 4.4135, 0.7931, 2.4259]
    # no repeat purchase: alive by assumption; a long silence lowers the probability
    assert btyd.probability_alive(params, [0], [0], [30])[0] == 1.0
    recent, silent = btyd.probability_alive(params, [5, 5], [29, 5], [30, 30])
    assert 0 < silent < recent <= 1


def test_a_fit_whose_parameter_runs_off_is_not_published():
    # nobody ever came back: the purchase rate shape r runs to 0
    fit = btyd.fit_bgnbd(np.zeros(6), np.zeros(6), np.arange(1.0, 7.0))
    assert not fit.converged
    assert fit.message.startswith("r ran to the edge"), fit.message
    # one repeat customer cannot tell spend heterogeneity apart: 1 history, 3 parameters
    # (the optimiser stops anywhere on a flat ridge: p = 793,000 once, 5,000 another time)
    fit = btyd.fit_gamma_gamma([1], [60.0])
    assert not fit.converged
    assert fit.message.startswith("1 distinct customer histories cannot determine 3"), fit.message
    # five customers with one and the same history are still one history
    fit = btyd.fit_bgnbd(np.zeros(5), np.zeros(5), np.ones(5))
    assert not fit.converged
    assert "the data do not determine" in fit.message


def test_customers_with_the_same_history_are_weighted_not_repeated():
    """The fit computes each distinct history once, weighted by how many share it: the
    same log-likelihood as summing customer by customer, on data full of repeats."""
    x, t_x, t = np.tile(X, 3), np.tile(T_X, 3), np.tile(T, 3)
    fit = btyd.fit_bgnbd(x, t_x, t)
    assert fit.converged and fit.customers == 3 * len(X)
    params = list(fit.params.values())
    assert fit.log_likelihood == pytest.approx(
        btyd.bgnbd_log_likelihood(params, x, t_x, t).sum(), rel=1e-12
    )
    # three copies of the sample: the same optimum, three times the log-likelihood
    assert fit.log_likelihood == pytest.approx(3 * btyd.fit_bgnbd(X, T_X, T).log_likelihood)
    repeaters = X > 0
    gg = btyd.fit_gamma_gamma(np.tile(X[repeaters], 2), np.tile(ZBAR[repeaters], 2))
    assert gg.log_likelihood == pytest.approx(
        btyd.gamma_gamma_log_likelihood(
            list(gg.params.values()), np.tile(X[repeaters], 2), np.tile(ZBAR[repeaters], 2)
        ).sum(),
        rel=1e-12,
    )


def test_probability_of_no_purchase_matches_the_model_integrated_numerically():
    """P(no purchase in (T, T + t] | x, t_x, T), the churn of a horizon t, against the
    BG/NBD model itself: draw (lambda, p) from the priors, weigh each draw by the
    likelihood of the history (alive: lambda^x e^(-lambda T) (1 - p)^x; dropped out after
    the last purchase: lambda^x e^(-lambda t_x) p (1 - p)^(x - 1)), and count a silent
    horizon as e^(-lambda t) for the alive and 1 for the dropped out."""
    r, alpha, a, b = params = [0.2426, 4.4135, 0.7931, 2.4259]
    rng = np.random.default_rng(16)
    lam = rng.gamma(r, 1 / alpha, 2_000_000)
    p = rng.beta(a, b, 2_000_000)
    t = 39.0
    for x, t_x, T in [(0, 0.0, 30.0), (2, 30.43, 38.86), (5, 5.0, 30.0)]:
        alive = lam**x * np.exp(-lam * T) * (1 - p) ** x
        dropped = lam**x * np.exp(-lam * t_x) * p * (1 - p) ** (x - 1) if x else 0 * lam
        integrated = (alive * np.exp(-lam * t) + dropped).sum() / (alive + dropped).sum()
        closed = btyd.probability_no_purchase(params, t, [x], [t_x], [T])[0]
        assert closed == pytest.approx(integrated, abs=0.01), (x, t_x, T)


def test_one_time_buyers_churn_more_the_longer_ago_they_bought():
    params = [0.2426, 4.4135, 0.7931, 2.4259]
    # no repeat purchase: ((alpha + T) / (alpha + T + t))^r, by hand for T = 30, t = 39:
    # (34.4135 / 73.4135)^0.2426 = exp(0.2426 * ln 0.468767) = exp(-0.183807) = 0.8321
    churn = btyd.probability_no_purchase(params, 39, [0, 0, 0, 0], [0, 0, 0, 0], [1, 30, 60, 100])
    assert churn[1] == pytest.approx(0.8321, abs=1e-4)
    assert list(churn) == sorted(churn) and churn[0] < churn[-1]
    # a brand-new customer: FHL 2005 equation 8 at x = 0, P(X(t) = 0) = (alpha / (alpha + t))^r
    assert btyd.probability_no_purchase(params, 39, [0], [0], [0])[0] == pytest.approx(
        (params[1] / (params[1] + 39)) ** params[0]
    )
    # a repeat buyer: at least the chance they are gone, below 1
    silent = btyd.probability_no_purchase(params, 39, [5], [5.0], [30.0])[0]
    assert 1 - btyd.probability_alive(params, [5], [5.0], [30.0])[0] < silent < 1


def _finite_difference(summed, params, step=1e-6):
    """Central differences of the summed log-likelihood, relative steps."""
    gradient = []
    for i, value in enumerate(params):
        h = step * value
        up, down = np.array(params, dtype=float), np.array(params, dtype=float)
        up[i] += h
        down[i] -= h
        gradient.append((summed(up)[0] - summed(down)[0]) / (2 * h))
    return np.array(gradient)


@pytest.mark.parametrize("seed", range(8))
def test_bgnbd_analytic_gradient_equals_finite_differences(seed):
    """On random parameters and random histories with random weights: the summed
    log-likelihood is the weighted sum of the per-customer one (FHL 2005 equation 6), and
    its analytic gradient is the numerical one."""
    rng = np.random.default_rng(seed)
    n = 500
    T = rng.uniform(0.5, 80, n)
    x = rng.poisson(rng.gamma(0.5, 4, n)).astype(float) * (rng.random(n) < 0.7)
    t_x = np.where(x > 0, T * rng.random(n), 0.0)
    weight = rng.integers(1, 5, n).astype(float)
    params = np.exp(rng.uniform(np.log(0.05), np.log(20), 4))
    summed = btyd.bgnbd_summed_log_likelihood(x, t_x, T, weight)
    value, gradient = summed(params)
    assert value == pytest.approx(weight @ btyd.bgnbd_log_likelihood(params, x, t_x, T), rel=1e-10)
    np.testing.assert_allclose(gradient, _finite_difference(summed, params), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("seed", range(8))
def test_gamma_gamma_analytic_gradient_equals_finite_differences(seed):
    rng = np.random.default_rng(100 + seed)
    n = 500
    x = rng.integers(1, 30, n).astype(float)
    m = rng.gamma(2, 30, n)
    weight = rng.integers(1, 5, n).astype(float)
    params = np.exp(rng.uniform(np.log(0.2), np.log(30), 3))
    summed = btyd.gamma_gamma_summed_log_likelihood(x, m, weight)
    value, gradient = summed(params)
    assert value == pytest.approx(weight @ btyd.gamma_gamma_log_likelihood(params, x, m), rel=1e-10)
    np.testing.assert_allclose(gradient, _finite_difference(summed, params), rtol=1e-5, atol=1e-4)


def test_fits_equal_the_previous_implementation_within_a_thousandth():
    """The fit with analytic gradients finds the optimum the finite-difference fit found
    before it (benchmark.btyd.previous_fit), on CDNOW and on a simulated sample."""
    repeat = X > 0
    x, t_x, t, m = simulate(20_000, seed=3)
    sim_repeat = x > 0
    for bgnbd_data, gg_data in [
        ((X, T_X, T), (X[repeat], ZBAR[repeat])),
        ((x, t_x, t), (x[sim_repeat], m[sim_repeat])),
    ]:
        fits = {**btyd.fit_bgnbd(*bgnbd_data).params, **btyd.fit_gamma_gamma(*gg_data).params}
        previous = {**previous_fit("bg_nbd", *bgnbd_data), **previous_fit("gamma_gamma", *gg_data)}
        for name, value in previous.items():
            assert fits[name] == pytest.approx(value, rel=1e-3), name


def test_planted_parameters_are_recovered():
    """300,000 customers drawn from BG/NBD and Gamma-Gamma with known parameters, each
    with a history of its own: the fits recover the parameters within 6%, some four
    standard errors at this size (1.3% for a, 1.5% for gamma, measured over 8 seeds)."""
    x, t_x, t, m = simulate(300_000, seed=11)
    repeat = x > 0
    fit = btyd.fit_bgnbd(x, t_x, t)
    gg = btyd.fit_gamma_gamma(x[repeat], m[repeat])
    assert fit.converged and gg.converged
    assert len(btyd.distinct(x, t_x, t)[1]) == 300_000
    for name, planted in {**BGNBD_PLANTED, **GAMMA_GAMMA_PLANTED}.items():
        assert {**fit.params, **gg.params}[name] == pytest.approx(planted, rel=0.06), name


def test_a_table_of_histories_with_counts_fits_as_the_customers_do():
    """fit_*(..., weight=counts) on the distinct histories is the fit on every customer."""
    (x, t_x, t), counts = btyd.distinct(np.tile(X, 2), np.tile(T_X, 2), np.tile(T, 2))
    assert counts.sum() == 2 * len(X) and len(counts) < len(X)
    weighted = btyd.fit_bgnbd(x, t_x, t, weight=counts)
    every = btyd.fit_bgnbd(np.tile(X, 2), np.tile(T_X, 2), np.tile(T, 2))
    assert weighted.customers == every.customers == 2 * len(X)
    assert weighted.params == pytest.approx(every.params, rel=1e-9)


# Fader, Hardie and Lee (2005), "Counting your customers the easy way", table 1: the
# Pareto/NBD fitted on the same CDNOW sample (and lifetimes' ParetoNBDFitter test)
PARETO_NBD_PUBLISHED = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
PARETO_NBD_LOG_LIKELIHOOD = -9595.0


def test_pareto_nbd_fit_matches_the_published_parameters_within_one_percent():
    fit = btyd.fit_pareto_nbd(X, T_X, T)
    assert fit.converged
    for name, published in PARETO_NBD_PUBLISHED.items():
        assert fit.params[name] == pytest.approx(published, rel=0.01), name
    assert fit.log_likelihood == pytest.approx(PARETO_NBD_LOG_LIKELIHOOD, abs=0.1)
    # the two models on the same data: BG/NBD's published fit is the better by 12.6
    assert fit.log_likelihood < btyd.fit_bgnbd(X, T_X, T).log_likelihood


def _gauss_legendre(function, low, high, nodes=200):
    """The integral of function from low to high (arrays of limits) by Gauss-Legendre."""
    points, weights = np.polynomial.legendre.leggauss(nodes)
    low, high = np.asarray(low, dtype=float)[:, None], np.asarray(high, dtype=float)[:, None]
    tau = low + (high - low) * (points + 1) / 2
    return (function(tau) * weights).sum(axis=1) * (high - low)[:, 0] / 2


@pytest.mark.parametrize(
    "params", [(0.55, 10.58, 0.61, 11.67), (0.8, 20.0, 1.3, 3.0), (2.0, 5.0, 0.5, 5.0)]
)
def test_pareto_nbd_death_integral_closed_form_equals_quadrature(params):
    """(G(t_x) - G(T)) / (r + s + x) is the integral of (alpha + tau)^-(r + x)
    (beta + tau)^-(s + 1) over (t_x, T], on both branches (alpha < beta, alpha >= beta)
    and at alpha = beta."""
    r, alpha, s, beta = params
    x = np.array([0.0, 1.0, 3.0, 12.0, 40.0])
    t_x = np.array([0.0, 2.0, 10.0, 30.0, 35.0])
    T = np.array([25.0, 30.0, 39.0, 39.0, 39.0])
    closed = (
        np.exp(btyd._pareto_log_G(params, x, t_x)) - np.exp(btyd._pareto_log_G(params, x, T))
    ) / (r + s + x)
    numeric = _gauss_legendre(
        lambda tau: (alpha + tau) ** -(r + x[:, None]) * (beta + tau) ** -(s + 1), t_x, T
    )
    np.testing.assert_allclose(closed, numeric, rtol=1e-8)


def test_pareto_nbd_hand_cases():
    # r = s = 1, alpha = beta = 1, x = 0, t_x = 0, T = 1: G(u) = (1 + u)^-2, so the alive
    # term is 2^-2 = 0.25 and the death term s / (r + s) (G(0) - G(1)) = 0.5 * 0.75 = 0.375:
    # P(alive) = 0.25 / 0.625 = 0.4; the likelihood Gamma(1) 1 1 / Gamma(1) * 0.625
    params = (1.0, 1.0, 1.0, 1.0)
    assert btyd.pareto_nbd_probability_alive(params, [0], [0], [1])[0] == pytest.approx(0.4)
    assert btyd.pareto_nbd_log_likelihood(params, [0], [0], [1])[0] == pytest.approx(np.log(0.625))
    # expected purchases at s = 1: P(alive) (r + x) (beta + T) / (alpha + T)
    # ln((beta + T + t) / (beta + T)) = 0.4 * 1 * 2 / 2 * ln(4 / 2) for t = 2
    assert btyd.pareto_nbd_expected_purchases(params, 2.0, [0], [0], [1])[0] == pytest.approx(
        0.4 * np.log(2.0)
    )
    # continuous in s around 1
    near = btyd.pareto_nbd_expected_purchases((1.0, 1.0, 1.0 + 1e-7, 1.0), 2.0, [0], [0], [1])[0]
    assert near == pytest.approx(0.4 * np.log(2.0), rel=1e-5)
    # a new customer (T = 0) is alive; the last purchase just now (t_x = T): alive too
    assert btyd.pareto_nbd_probability_alive(
        PARETO_NBD_PUBLISHED.values(), [0, 4], [0, 20], [0, 20]
    ) == (pytest.approx([1.0, 1.0]))
    # the longer the silence, the lower P(alive) and the higher the churn, one-time buyers too
    params = list(PARETO_NBD_PUBLISHED.values())
    for x in (0, 3):
        t_x = np.where(x > 0, 5.0, 0.0) * np.ones(4)
        T = np.array([6.0, 15.0, 30.0, 60.0])
        alive = btyd.pareto_nbd_probability_alive(params, [x] * 4, t_x, T)
        churn = btyd.pareto_nbd_probability_no_purchase(params, 13.0, [x] * 4, t_x, T)
        assert np.all(np.diff(alive) < 0) and np.all(np.diff(churn) > 0), x
        assert np.all(1 - alive < churn) and np.all(churn < 1), x


def test_pareto_nbd_predictions_match_the_model_integrated_by_monte_carlo():
    """P(alive), the expected purchases and the probability of no purchase in (T, T + t]
    against the Pareto/NBD model itself: draw (lambda, mu) from the priors and weigh each
    draw by the likelihood of the history, alive at T: lambda^x e^(-(lambda + mu) T), or
    died in (t_x, T]: lambda^x mu (e^(-(lambda + mu) t_x) - e^(-(lambda + mu) T)) /
    (lambda + mu). Given alive at T, the expected purchases in the next t are
    lambda / mu (1 - e^(-mu t)), and no purchase has the chance e^(-(lambda + mu) t) +
    mu / (lambda + mu) (1 - e^(-(lambda + mu) t)) (dies before buying); the dead buy
    nothing."""
    r, alpha, s, beta = params = [0.55, 10.58, 0.61, 11.67]
    rng = np.random.default_rng(16)
    lam = rng.gamma(r, 1 / alpha, 4_000_000)
    mu = rng.gamma(s, 1 / beta, 4_000_000)
    t = 13.0
    for x, t_x, T in [(0, 0.0, 30.0), (2, 30.43, 38.86), (5, 5.0, 30.0), (1, 2.0, 10.0)]:
        rate = lam + mu
        alive = lam**x * np.exp(-rate * T)
        dead = lam**x * mu * (np.exp(-rate * t_x) - np.exp(-rate * T)) / rate
        total = (alive + dead).sum()
        silent = np.exp(-rate * t) + mu / rate * (1 - np.exp(-rate * t))
        expected = lam / mu * -np.expm1(-mu * t)
        assert btyd.pareto_nbd_probability_alive(params, [x], [t_x], [T])[0] == pytest.approx(
            alive.sum() / total, abs=0.005
        ), (x, t_x, T)
        assert btyd.pareto_nbd_probability_no_purchase(params, t, [x], [t_x], [T])[0] == (
            pytest.approx(((alive * silent).sum() + dead.sum()) / total, abs=0.005)
        ), (x, t_x, T)
        assert btyd.pareto_nbd_expected_purchases(params, t, [x], [t_x], [T])[0] == pytest.approx(
            (alive * expected).sum() / total, rel=0.02
        ), (x, t_x, T)


@pytest.mark.parametrize("params", [(0.55, 10.58, 0.61, 11.67), (0.8, 20.0, 1.3, 3.0)])
def test_pareto_nbd_no_purchase_matches_quadrature_of_its_integral(params):
    """The closed form of the death integral in the probability of no purchase against
    Gauss-Legendre quadrature of the integrand as written (given alive at T):
    (A / (A + t))^(r + x) (B / (B + t))^s + integral over (0, t] of (s / B)
    (B / (B + tau))^(s + 1) (A / (A + tau))^(r + x)."""
    r, alpha, s, beta = params
    x = np.array([0.0, 1.0, 4.0, 25.0])
    t_x = np.array([0.0, 3.0, 20.0, 29.0])
    T = np.array([10.0, 30.0, 30.0, 30.0])
    t = 13.0
    A, B = (alpha + T)[:, None], (beta + T)[:, None]
    integral = _gauss_legendre(
        lambda tau: s / B * (B / (B + tau)) ** (s + 1) * (A / (A + tau)) ** (r + x[:, None]),
        np.zeros(4),
        np.full(4, t),
    )
    A, B = A[:, 0], B[:, 0]
    silent = (A / (A + t)) ** (r + x) * (B / (B + t)) ** s + integral
    alive = btyd.pareto_nbd_probability_alive(params, x, t_x, T)
    np.testing.assert_allclose(
        btyd.pareto_nbd_probability_no_purchase(params, t, x, t_x, T),
        1 - alive + alive * silent,
        rtol=1e-9,
    )


def whole_day_histories(rng, n):
    """n histories (x, t_x, T) in weeks on whole days, 30% one-time buyers, ages up to 80
    weeks: not drawn from either model, only shaped like the warehouse's."""
    T = np.round(rng.uniform(0.5, 80, n) * 7) / 7
    x = rng.poisson(rng.gamma(0.5, 4, n)).astype(float) * (rng.random(n) < 0.7)
    t_x = np.where(x > 0, np.round(T * rng.random(n) * 7) / 7, 0.0)
    return x, t_x, T


@pytest.mark.parametrize("seed", range(6))
def test_pareto_nbd_gradient_equals_finite_differences(seed):
    """The summed log-likelihood is the weighted sum of the per-customer one, and its
    gradient (the hypergeometric part per (x, time) pair: in alpha and beta analytic, in r
    and s by central differences; the rest analytic) is the numerical one of the
    per-customer sum, on both branches."""
    rng = np.random.default_rng(200 + seed)
    n = 500
    x, t_x, T = whole_day_histories(rng, n)
    weight = rng.integers(1, 5, n).astype(float)
    params = np.exp(rng.uniform(np.log(0.05), np.log(20), 4))
    summed = btyd.pareto_nbd_summed_log_likelihood(x, t_x, T, weight)
    value, gradient = summed(params)
    per_customer = btyd.pareto_nbd_log_likelihood(params, x, t_x, T)
    assert value == pytest.approx(weight @ per_customer, rel=1e-10)

    def reference(p):
        return weight @ btyd.pareto_nbd_log_likelihood(p, x, t_x, T), None

    np.testing.assert_allclose(
        gradient, _finite_difference(reference, params), rtol=1e-4, atol=1e-3
    )


def test_pareto_nbd_planted_parameters_are_recovered():
    """40,000 customers drawn from Pareto/NBD with known parameters: the fit recovers them
    within 15% (about three standard errors at this size), and BG/NBD fits them worse."""
    planted = {"r": 0.6, "alpha": 8.0, "s": 0.8, "beta": 15.0}
    x, t_x, T = simulate_pareto_nbd(40_000, seed=5, pareto_nbd=planted)
    fit = btyd.fit_pareto_nbd(x, t_x, T)
    assert fit.converged
    for name, value in planted.items():
        assert fit.params[name] == pytest.approx(value, rel=0.15), name
    assert fit.log_likelihood > btyd.fit_bgnbd(x, t_x, T).log_likelihood


def test_decile_calibration_error_by_hand():
    # ten customers, one per decile, exact but the first (0 predicted, 1 observed): 1 / 10
    predicted = np.arange(10.0)
    observed = predicted + np.r_[1.0, np.zeros(9)]
    assert btyd.decile_calibration_error(predicted, observed, np.ones(10)) == pytest.approx(0.1)
    # gaps of opposite sign within a decile cancel, across deciles they add: all ten tied
    # share decile 0, mean prediction 0 against mean observation 0
    tied = btyd.decile_calibration_error(np.zeros(10), np.r_[1.0, -1.0, np.zeros(8)], np.ones(10))
    assert tied == pytest.approx(0.0)
    # a row with weight 2 counts as two customers: predictions 1, 1, 2 (deciles 0, 0, 6),
    # observed 0: (|2| + |2|) / 3
    weighted = btyd.decile_calibration_error([1.0, 2.0], [0.0, 0.0], [2.0, 1.0])
    assert weighted == pytest.approx(4 / 3)
    assert weighted == pytest.approx(
        btyd.decile_calibration_error([1.0, 1.0, 2.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    )
    # in any order
    assert btyd.decile_calibration_error(predicted[::-1], observed[::-1], np.ones(10)) == (
        pytest.approx(0.1)
    )


def test_the_worst_decile_by_hand():
    # ten customers: nine tied at 1 share the first decile (observed 0, off by 1), the
    # last is alone in its own (predicted 5, observed 2, off by 3)
    predicted, observed = np.r_[np.ones(9), 5.0], np.r_[np.zeros(9), 2.0]
    mean, worst = btyd.decile_calibration_errors(predicted, observed, np.ones(10))
    assert (mean, worst) == (pytest.approx((9 * 1.0 + 3.0) / 10), 3.0)
    # in tolerances of max(0.5, 0.25 x observed): the last 3 / 0.5 = 6, the others 1 / 0.5 = 2
    mean, worst = btyd.decile_calibration_errors(
        predicted, observed, np.ones(10), tolerance=(0.5, 0.25)
    )
    assert mean == pytest.approx((9 * 2.0 + 6.0) / 10) and worst == pytest.approx(6.0)
    assert btyd.decile_calibration_error(
        predicted, observed, np.ones(10), tolerance=(0.5, 0.25)
    ) == pytest.approx(mean)


def test_decile_calibration_error_in_tolerances_by_hand():
    """Each decile's gap divided by max(absolute, relative x its observed mean): a light
    decile off by 0.1 (observed 0, tolerance 0.05) counts 2, a heavy one off by 2
    (observed 8, tolerance 0.25 x 8) counts 1; one customer per decile: (2 + 1) / 10.
    Without tolerances the heavy decile dominates: (0.1 + 2) / 10."""
    predicted = np.r_[0.1, np.arange(1.0, 9.0), 10.0]
    observed = np.r_[0.0, np.arange(1.0, 9.0), 8.0]
    ones = np.ones(10)
    assert btyd.decile_calibration_error(predicted, observed, ones) == pytest.approx(0.21)
    in_tolerances = btyd.decile_calibration_error(predicted, observed, ones, tolerance=(0.05, 0.25))
    assert in_tolerances == pytest.approx(0.3)
    # below 1 when every decile is within its tolerance
    close = observed * 1.2 + np.r_[0.04, np.zeros(9)]
    assert btyd.decile_calibration_error(close, observed, ones, tolerance=(0.05, 0.25)) < 1


def test_candidates_on_first_lives_are_chosen_and_named():
    both = {name: True for name in ("bg_nbd", "pareto_nbd", "pareto_nbd@180", "bg_nbd@180")}
    chosen, reason = btyd.choose_purchase_model(
        {"bg_nbd": 0.9, "pareto_nbd": 0.5, "pareto_nbd@180": 0.3, "bg_nbd@180": 0.6}, both, "e"
    )
    assert chosen == "pareto_nbd@180"
    assert reason == (
        "e Pareto/NBD on first lives (180-day silence) 0.3000, Pareto/NBD 0.5000, "
        "BG/NBD on first lives (180-day silence) 0.6000, BG/NBD 0.9000"
    )
    # the winner was not fitted (or failed) on the scoring date: the runner-up predicts
    chosen, reason = btyd.choose_purchase_model(
        {"pareto_nbd": 0.5, "pareto_nbd@180": 0.3}, {"pareto_nbd": True}, "e"
    )
    assert chosen == "pareto_nbd"
    assert reason.endswith(
        "; BG/NBD did not converge on the calibration date"
        "; Pareto/NBD on first lives (180-day silence) did not converge on the scoring date"
    )
    # a candidate that failed on the calibration date (NaN) is said, and never chosen
    chosen, reason = btyd.choose_purchase_model(
        {"bg_nbd": 0.9, "pareto_nbd": 0.5, "bg_nbd@365": float("nan")}, both, "e"
    )
    assert chosen == "pareto_nbd"
    assert (
        "BG/NBD on first lives (365-day silence) did not converge on the calibration date" in reason
    )
    # no scoring fit converged: the best candidate that has one (its predictions are null)
    assert (
        btyd.choose_purchase_model(
            {"pareto_nbd@180": 0.3, "pareto_nbd": 0.5}, {"bg_nbd": False, "pareto_nbd": False}, "e"
        )[0]
        == "pareto_nbd"
    )


def test_ties_keep_the_simpler_candidate():
    """On a tie: whole histories before first lives, the smaller gap, BG/NBD first."""
    tied = {"pareto_nbd@365": 0.4, "bg_nbd@180": 0.4, "pareto_nbd": 0.4, "bg_nbd": 0.4}
    assert btyd.rank_candidates(tied) == ["bg_nbd", "pareto_nbd", "bg_nbd@180", "pareto_nbd@365"]
    assert btyd.rank_candidates({"bg_nbd": float("nan"), "pareto_nbd": 0.2}) == ["pareto_nbd"]


def test_decile_error_in_tolerances_skips_empty_deciles():
    # every prediction tied: one decile holds everyone, nine are empty, and the error is
    # that decile's gap in tolerances, not NaN
    error = btyd.decile_calibration_error(
        np.zeros(20), np.r_[np.ones(2), np.zeros(18)], np.ones(20), tolerance=(0.05, 0.25)
    )
    assert error == pytest.approx(0.1 / 0.05)


def test_the_purchase_model_with_the_smaller_back_test_error_is_chosen():
    both = {"bg_nbd": True, "pareto_nbd": True}
    assert btyd.choose_purchase_model({"bg_nbd": 0.17, "pareto_nbd": 0.13}, both, "error") == (
        "pareto_nbd",
        "error Pareto/NBD 0.1300, BG/NBD 0.1700",
    )
    assert (
        btyd.choose_purchase_model({"bg_nbd": 0.12, "pareto_nbd": 0.13}, both, "e")[0] == "bg_nbd"
    )
    # a tie keeps BG/NBD
    assert btyd.choose_purchase_model({"bg_nbd": 0.1, "pareto_nbd": 0.1}, both, "e")[0] == "bg_nbd"
    # only one converged on the calibration date: it is chosen, and the reason says why
    assert btyd.choose_purchase_model({"pareto_nbd": 0.2}, both, "e") == (
        "pareto_nbd",
        "e Pareto/NBD 0.2000; BG/NBD did not converge on the calibration date",
    )
    # the winner failed on the scoring date: the runner-up predicts
    chosen, reason = btyd.choose_purchase_model(
        {"bg_nbd": 0.17, "pareto_nbd": 0.13}, {"bg_nbd": True, "pareto_nbd": False}, "e"
    )
    assert chosen == "bg_nbd" and reason.endswith("Pareto/NBD did not converge on the scoring date")
    # no back-test at all (or errors that are not numbers): BG/NBD
    assert btyd.choose_purchase_model({}, both, "e")[0] == "bg_nbd"
    assert btyd.choose_purchase_model({"pareto_nbd": float("nan")}, both, "e")[0] == "bg_nbd"


@pytest.mark.parametrize("name", ["bg_nbd", "pareto_nbd"])
def test_expected_purchases_of_many_horizons_equal_one_call_per_horizon(name):
    """customer_lifetime_value asks for every horizon at once (t of shape (k, 1)): the
    rows equal one call per horizon, bit for bit, on both purchase models."""
    n = 300
    x, t_x, T = whole_day_histories(np.random.default_rng(3), n)
    params = {"bg_nbd": [0.6, 3.0, 0.9, 21.7], "pareto_nbd": [0.8, 3.8, 100.0, 10000.0]}[name]
    model = btyd.PURCHASE_MODELS[name]
    horizons = np.array([4.3, 8.7, 13.0, 52.2])
    together = model.expected_purchases(params, horizons[:, None], x, t_x, T)
    assert together.shape == (len(horizons), n)
    for row, t in zip(together, horizons, strict=True):
        np.testing.assert_array_equal(row, model.expected_purchases(params, t, x, t_x, T))


@pytest.mark.parametrize("name", ["bg_nbd", "pareto_nbd"])
def test_predictions_once_per_distinct_pair_equal_every_customer_evaluated(name, monkeypatch):
    """The predictions evaluate the hypergeometric functions once per distinct (x, t_x) and
    (x, T) pair (btyd._per_pair): each customer's numbers equal those of every customer
    evaluated on their own row, bit for bit, with many customers sharing a pair, as whole
    days make them."""
    x, t_x, T = whole_day_histories(np.random.default_rng(5), 400)
    x, t_x, T = (np.concatenate([v, v[:150]]) for v in (x, t_x, T))  # shared histories too
    params = {"bg_nbd": [0.6, 3.0, 0.9, 21.7], "pareto_nbd": [0.8, 3.8, 100.0, 10000.0]}[name]
    model = btyd.PURCHASE_MODELS[name]
    assert len(btyd._pairs(x, t_x, T)[0]) < len(x)  # fewer pairs than customers

    def predictions() -> list[np.ndarray]:
        return [
            model.probability_alive(params, x, t_x, T),
            model.expected_purchases(params, np.array([[4.3], [13.0]]), x, t_x, T),
            model.probability_no_purchase(params, 13.0, x, t_x, T),
        ]

    per_pair = predictions()
    # a horizon per customer (t of shape (n,)) is not shared: each row keeps its own
    own = np.linspace(1.0, 30.0, len(x))
    each_own = model.expected_purchases(params, own, x, t_x, T)
    for i in (0, 7, len(x) - 1):
        np.testing.assert_allclose(
            each_own[i], model.expected_purchases(params, own[i], x[i], t_x[i], T[i]), rtol=1e-12
        )
    monkeypatch.setattr(btyd, "_per_pair", lambda function, x, *us: [function(x, u) for u in us])
    every_row = predictions()
    for once, each in zip(per_pair, every_row, strict=True):
        assert once.shape[-1] == len(x)
        np.testing.assert_array_equal(once, each)
