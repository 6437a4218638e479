"""The seasonal index (issue 16): the purchase models are stationary, a business is not.
The chosen purchase model is refitted a year before each date and predicts the purchase
days of the same window a year earlier; what came over what it predicted is the index,
and it applies when it lowers the calibration date's back-test error
(customer_scoring.lifetime.fit, doc btyd_model_choice).

Planted: a Pareto/NBD population in days (purchase rate Gamma(0.9, 1/21) a day; an
exponential life of mean 420 days) over three years, whose purchases follow a season:
while alive, customer i buys at lambda_i x sigma(day), sigma = 1 + AMPLITUDE x cos(2 pi
(day of year - PEAK) / 365.25), of mean 1 over a year (an inhomogeneous Poisson process).
The peak is in mid-November, so the calibration date's holdout (April to June) is the slow
season. The summary is computed here from the purchase days by the rule of its SQL model
(whose unit test checks the year-before rows by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import btyd_dates, btyd_summary, fit_and_predict, lifetime_settings

from customer_scoring import lifetime

END = pd.Timestamp("2026-06-30")
DAYS = 3 * 365
HOLDOUT = 90
PEAK = 320  # day of the year (mid-November)
START = END - pd.Timedelta(days=DAYS)
DATES = btyd_dates(END, HOLDOUT)


def season(amplitude: float) -> np.ndarray:
    """sigma of each day of the history and of the holdout after it, shape (DAYS + HOLDOUT,)."""
    day_of_year = (START + pd.to_timedelta(np.arange(DAYS + HOLDOUT), "D")).dayofyear.to_numpy()
    return 1.0 + amplitude * np.cos(2 * np.pi * (day_of_year - PEAK) / 365.25)


def purchase_days(n: int, seed: int, amplitude: float) -> pd.DataFrame:
    """(customer_id, day) of n customers, first purchases uniform over the three years
    before END, purchases after it too (the scoring date's holdout: what the published
    predictions are about), each customer's days distinct."""
    rng = np.random.default_rng(seed)
    sigma = season(amplitude)
    cumulative = np.concatenate([[0.0], np.cumsum(sigma)])
    first = rng.integers(0, DAYS, n)
    rate = rng.gamma(0.9, 1 / 21, n)
    end = np.minimum(first + rng.exponential(420, n), DAYS + HOLDOUT)
    rows = []
    for i in range(n):
        lo, hi = cumulative[first[i]], np.interp(end[i], np.arange(len(cumulative)), cumulative)
        count = rng.poisson(rate[i] * (hi - lo))
        # inverse-CDF draw of each purchase's day from the season within the life
        days = np.searchsorted(cumulative, rng.uniform(lo, hi, count), side="right") - 1
        for day in sorted({int(first[i]), *days.tolist()}):
            rows.append((f"c{i}", day))
    return pd.DataFrame(rows, columns=["customer_id", "day"])


SETTINGS = lifetime_settings(holdout_days=HOLDOUT, comeback_gap_days=())


def run(days: pd.DataFrame, roles=tuple(DATES)):
    """(btyd_fits, btyd_history_predictions, the summary) of these purchase days."""
    table = btyd_summary(days, {role: DATES[role] for role in roles}, START, HOLDOUT)
    return (*fit_and_predict(SETTINGS, table), table)


def chosen_rows(fits: pd.DataFrame, role: str) -> pd.DataFrame:
    rows = fits[(fits.date_role == role) & (fits.model != "gamma_gamma")]
    return rows[rows.is_chosen.astype(bool)]


def total(predictions: pd.DataFrame, role: str) -> float:
    rows = predictions[predictions.date_role == role]
    return float((rows.expected_purchases_holdout * rows.customers).sum())


@pytest.fixture(scope="module")
def seasonal():
    days = purchase_days(6000, seed=21, amplitude=0.5)
    return (*run(days), *run(days, roles=("scoring", "calibration"))[:2], days)


def test_the_index_measures_the_season_a_year_earlier(seasonal):
    """Not the season itself: the season against what a stationary model expects at that
    point of the year. After the slow spring (the calibration date's window, April to
    June) it expects too much; after it (the scoring date, end of June) its customers look
    lapsed while the busy autumn comes, and it expects too little."""
    fits = seasonal[0]
    calibration, scoring = (
        chosen_rows(fits, role).seasonal_index.unique().item()
        for role in ("calibration", "scoring")
    )
    sigma = season(0.5)
    cut = (DATES["calibration"] - START).days
    assert sigma[cut + 1 : cut + 1 + HOLDOUT].mean() < 0.7  # the planted slow season
    assert calibration < 0.8 and scoring > 1.0, (calibration, scoring)
    reason = chosen_rows(fits, "scoring").choice_reason.iloc[0]
    assert "; applied for everyone: the seasonal index" in reason
    # the fits a year before are rows of their own, with the index they measured
    before = fits[fits.date_role.isin(["scoring_year_before", "calibration_year_before"])]
    assert set(before.date_role) == {"scoring_year_before", "calibration_year_before"}
    assert (before.fit_status == "converged").all() and not before.is_chosen.any()
    assert before.seasonal_index.notna().all()


def test_with_the_index_the_holdout_is_predicted_and_without_it_over_predicted(seasonal):
    fits, predictions, table, fits_without, predictions_without, _ = seasonal
    observed = float(table[table.date_role == "calibration"].holdout_purchase_days.sum())
    with_index = total(predictions, "calibration")
    without = total(predictions_without, "calibration")
    assert with_index == pytest.approx(observed, rel=0.10), (with_index, observed)
    assert without > 1.3 * observed, (without, observed)
    # without the dates a year before there is no index, and the reason says why
    assert chosen_rows(fits_without, "scoring").seasonal_index.isna().all()
    reason = chosen_rows(fits_without, "scoring").choice_reason.iloc[0]
    assert "no seasonal index: no customer a year before either date" in reason
    errors = chosen_rows(fits, "calibration").backtest_error.iloc[0]
    assert errors == chosen_rows(fits_without, "calibration").backtest_error.iloc[0]


def test_the_published_predictions_of_the_scoring_date_meet_the_season(seasonal):
    """What happened after the scoring date (drawn, never shown to the fits) against what
    was published for it."""
    _, predictions, table, _, predictions_without, days = seasonal
    cut = DAYS
    came = days[(days.day > cut) & (days.day <= cut + HOLDOUT)]
    known = set(table[table.date_role == "scoring"].customer_id)
    observed = float(came.customer_id.isin(known).sum())
    with_index = total(predictions, "scoring")
    without = total(predictions_without, "scoring")
    assert abs(with_index - observed) < abs(without - observed), (with_index, without, observed)
    assert with_index == pytest.approx(observed, rel=0.12), (with_index, observed)


def test_without_a_season_the_index_stays_near_one():
    fits, predictions, table = run(purchase_days(4000, seed=22, amplitude=0.0))
    for role in ("calibration", "scoring"):
        rows = fits[(fits.date_role == f"{role}_year_before")]
        (index,) = rows.seasonal_index.unique()
        assert index == pytest.approx(1.0, abs=0.12), (role, index)
    observed = float(table[table.date_role == "calibration"].holdout_purchase_days.sum())
    assert total(predictions, "calibration") == pytest.approx(observed, rel=0.12)


@pytest.mark.parametrize("index", [0.5, 1.0, 1.4])
def test_effective_days_scale_the_holdout_and_leave_the_rest_average(index):
    days = np.array([0.0, 30.0, 90.0, 180.0, 365.0])
    got = lifetime.effective_days(days, index, 90)
    assert got == pytest.approx([0.0, 30 * index, 90 * index, 90 * index + 90, 90 * index + 275])
    assert np.all(np.diff(got) > 0)
    assert lifetime.effective_days(45, 1.0, 90) == pytest.approx(45)
