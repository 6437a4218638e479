"""The lifetime models, engine-free: the fits of BG/NBD, Pareto/NBD and Gamma-Gamma per score
date (``fit``: the rows of btyd_fits) and the predictions per distinct purchase history
(``predict``: the rows of btyd_history_predictions), given a function that runs a query
on the warehouse and returns its columns as numpy arrays. The maths is in btyd.py.

Two routes run this code, and give the same tables:
- on engines with dbt Python models (DuckDB, the default): the Python models of
  ``models/marts/predictive/lifetime/python`` call ``fit`` and ``predict``;
- on Spark (dbt-spark's session method: no dbt Python models): the lifetime step
  (``run_step``; ``python -m customer_scoring lifetime``) runs between two dbt builds,
  reads the distinct histories through dbt's Spark session (575 for the 400-customer
  demo's two dates, 136,134 for the 1M-order benchmark's 100,000 customers), fits and
  predicts in this process, and writes both tables where the SQL models of
  ``models/marts/predictive/lifetime/step`` read them (var ``lifetime_step``). It also
  runs on DuckDB with python_models false (tests/python/test_lifetime_step.py checks the
  two routes give the same tables); not on PostgreSQL (its SQL has no ``double``) nor on
  a Spark reached through Thrift (no session in this process).
Either way ``customer_lifetime_value`` is SQL: one row per customer, the predictions of
its history joined, the Gamma-Gamma expected value computed per customer.

The queries are written once (``QUERIES``), in SQL that DuckDB and Spark both read; every
number the maths uses is cast to double by the query, and every grouping is
ordered, so both routes hand the optimiser the same arrays in the same order and give
the same fits, digit for digit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from customer_scoring import btyd

# query(sql) -> {column: numpy array}: runs one SELECT on the warehouse
Query = Callable[[str], Mapping[str, np.ndarray]]

DAYS_PER_MONTH = 365.25 / 12

# each customer of the summary on one date role with their first life at one gap
# (int_customers_btyd_first_lives; null columns: none, their first life is the whole
# history): the FROM of the queries on first lives (_from_summary)
WITH_FIRST_LIVES = """from {summary} as summary
            left join {lives} as lives
                on summary.customer_id = lives.customer_id
                and summary.date_role = lives.date_role
                and lives.comeback_gap_days = {gap_days}
            where summary.date_role = '{role}'"""

QUERIES = {
    # per date role: its date and unit, the customers and those with a repeat purchase
    "dates": """
        select date_role, max(reference_date) as reference_date, max(time_unit) as time_unit,
            count(*) as customers,
            sum(case when btyd_frequency > 0 and btyd_monetary_value > 0 then 1 else 0 end)
                as repeaters
        from {summary} group by date_role order by date_role""",
    # the purchase models' input on first lives: each customer's first life
    # (int_customers_btyd_first_lives) at one comeback gap, the whole history of those
    # without one; each distinct history once, with its customers
    "life_histories": """
        select btyd_frequency, btyd_recency, btyd_t, count(*) as customers
        from (
            select
                cast(coalesce(lives.first_life_frequency, summary.btyd_frequency) as double)
                    as btyd_frequency,
                cast(coalesce(lives.first_life_recency, summary.btyd_recency) as double)
                    as btyd_recency,
                cast(coalesce(lives.first_life_t, summary.btyd_t) as double) as btyd_t
            {from_summary}
        ) as histories
        group by btyd_frequency, btyd_recency, btyd_t
        order by btyd_frequency, btyd_recency, btyd_t""",
    # each distinct history of a date once, with its customers (the purchase models'
    # input and the predictions'); for the back-test with the purchase days of the holdout
    # after the date (counted by int_customers_btyd_summary); split at comebacks or not
    # (histories_sql)
    "histories": """
        select btyd_frequency, btyd_recency, btyd_t, {outcome}is_comeback, count(*) as customers
        from (
            select
                cast(summary.btyd_frequency as double) as btyd_frequency,
                cast(summary.btyd_recency as double) as btyd_recency,
                cast(summary.btyd_t as double) as btyd_t,
                {outcome_column}
                {is_comeback} as is_comeback
            {from_summary}
        ) as histories
        group by btyd_frequency, btyd_recency, btyd_t, {outcome}is_comeback
        order by btyd_frequency, btyd_recency, btyd_t, {outcome}is_comeback""",
    # the spend model's input: the repeat customers' (frequency, mean spend)
    "spend": """
        select cast(btyd_frequency as double) as btyd_frequency,
            cast(btyd_monetary_value as double) as btyd_monetary_value, count(*) as customers
        from {summary}
        where date_role = '{role}' and btyd_frequency > 0 and btyd_monetary_value > 0
        group by btyd_frequency, btyd_monetary_value
        order by btyd_frequency, btyd_monetary_value""",
}

# The columns of the two tables and their SQL types, declared once: the frames are typed
# from them (PANDAS_TYPES), the tables written with them (typed, spark_engine), so an
# empty result (dbt build --empty, a warehouse without buyers) has the same columns and
# types as a full one.
FIT_COLUMNS = {
    "date_role": "varchar",
    "reference_date": "date",
    "model": "varchar",
    "parameter": "varchar",
    "value": "double",
    "log_likelihood": "double",
    "fit_status": "varchar",
    "message": "varchar",
    "customers": "bigint",
    "time_unit": "varchar",
    "comeback_gap_days": "bigint",
    "is_chosen": "boolean",
    "backtest_error": "double",
    "seasonal_index": "double",
    "comeback_seasonal_index": "double",
    "choice_reason": "varchar",
}
# per history (and, on a date whose seasonal index takes the comebacks apart, per side of
# it): the purchase model's predictions, unrounded (customer_lifetime_value rounds)
PREDICTION_COLUMNS = {
    "date_role": "varchar",
    "reference_date": "date",
    "btyd_frequency": "double",
    "btyd_recency": "double",
    "btyd_t": "double",
    "is_comeback": "boolean",
    "comeback_gap_days": "bigint",
    "customers": "bigint",
    "btyd_model": "varchar",
    "prediction_status": "varchar",
    "p_alive": "double",
    "p_no_purchase_holdout": "double",
    "expected_purchases_horizon": "double",
    "expected_purchases_holdout": "double",
    "discounted_expected_purchases": "double",
}
PANDAS_TYPES = {
    "varchar": "object",
    "date": "object",
    "double": "float64",
    "bigint": "int64",
    "boolean": "bool",
}


def _pandas_types(columns: Mapping[str, str]) -> dict[str, str]:
    # the gap as Python ints and None (null for whole histories, gamma_gamma and dates not
    # split), which int64 cannot hold
    return {
        name: "object" if name == "comeback_gap_days" else PANDAS_TYPES[kind]
        for name, kind in columns.items()
    }


def typed(connection, frame: pd.DataFrame, columns: Mapping[str, str]):
    """``frame`` as a DuckDB relation on ``connection`` with the SQL types of ``columns``
    (FIT_COLUMNS or PREDICTION_COLUMNS): what the DuckDB Python models return and the
    DuckDB step writes (pandas gives an empty text or date column no type)."""
    select = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns.items())
    return connection.from_df(frame).query("frame", f"select {select} from frame")


def _structured(value):
    """A config value that is a list or a mapping: as given, or parsed from the JSON text
    the config's "{{ tojson(var(...)) }}" renders to."""
    return json.loads(value) if isinstance(value, str) else value


def _gap_days(value) -> tuple[int, ...]:
    # checked where the var is read in SQL (macro btyd_comeback_gap_days): here only parsed
    return tuple(int(gap) for gap in _structured(value))


def _tolerance(value) -> tuple[float, float]:
    tolerance = _structured(value)
    try:
        absolute, relative = float(tolerance["absolute"]), float(tolerance["relative"])
    except (TypeError, KeyError, ValueError):
        absolute = relative = float("nan")
    if not (absolute > 0 and relative >= 0):
        raise ValueError(
            "calibration_tolerance must be {absolute: a number above 0, relative: a number of "
            f"at least 0}} (dbt_project.yml); got {value!r}"
        )
    return absolute, relative


@dataclass(frozen=True)
class Settings:
    """The lifetime models' settings, declared once as the config of btyd_fits and
    btyd_history_predictions (models/marts/predictive/lifetime/_lifetime__models.yml,
    from the vars of the same names): min_repeat_customers (btyd_min_repeat_customers),
    holdout_days (btyd_holdout_days, days), horizon_days (prediction_horizon_days, days),
    clv_months (clv_horizon_months), clv_monthly_discount_rate (a fraction per month),
    comeback_gap_days (btyd_comeback_gap_days: the silences, in days, that end a first
    life; each a candidate of the back-test), calibration_tolerance (absolute, relative:
    the var of the same name, which the back-test measures its error in),
    min_band_customers (calibration_min_band_customers: the customers a calibration band
    needs to count, and each group needs for a seasonal index of its own)."""

    min_repeat_customers: int
    holdout_days: int
    horizon_days: int
    clv_months: int
    clv_monthly_discount_rate: float
    comeback_gap_days: tuple[int, ...]
    calibration_tolerance: tuple[float, float]
    min_band_customers: int

    CONFIG: ClassVar[dict[str, tuple[str, Callable]]] = {
        "min_repeat_customers": ("btyd_min_repeat_customers", int),
        "holdout_days": ("btyd_holdout_days", int),
        "horizon_days": ("prediction_horizon_days", int),
        "clv_months": ("clv_horizon_months", int),
        "clv_monthly_discount_rate": ("clv_monthly_discount_rate", float),
        "comeback_gap_days": ("btyd_comeback_gap_days", _gap_days),
        "calibration_tolerance": ("calibration_tolerance", _tolerance),
        "min_band_customers": ("calibration_min_band_customers", int),
    }

    @classmethod
    def from_config(cls, get: Callable[[str], object]) -> Settings:
        """From a model's config getter (``dbt.config.get`` in a Python model, a manifest
        node's ``config.get`` in the lifetime step). Raises ValueError naming a setting
        the config lacks."""
        values = {}
        for field, (name, kind) in cls.CONFIG.items():
            value = get(name)
            if value is None:
                raise ValueError(
                    f"the lifetime model's config has no {name} "
                    "(models/marts/predictive/lifetime/_lifetime__models.yml)"
                )
            values[field] = kind(value)
        return cls(**values)


def _sql(name: str, **names) -> str:
    return QUERIES[name].format(**names)


def _from_summary(summary: str, role: str, lives: str | None, gap_days: int | None) -> str:
    """The FROM (and WHERE) of a query on one date role of ``summary``: with ``lives`` and
    ``gap_days``, each customer beside their first life at that gap (WITH_FIRST_LIVES)."""
    if lives is None or gap_days is None:
        return f"from {summary} as summary where summary.date_role = '{role}'"
    return WITH_FIRST_LIVES.format(summary=summary, lives=lives, role=role, gap_days=gap_days)


def histories_sql(
    summary: str,
    role: str,
    outcome: bool = False,
    lives: str | None = None,
    gap_days: int | None = None,
) -> str:
    """The query of the distinct histories of ``role`` in ``summary``: columns
    btyd_frequency, btyd_recency, btyd_t, with ``outcome`` holdout_purchase_days (the
    back-test's), is_comeback and customers, in that order and ordered by them. With
    ``lives`` and ``gap_days``, each history is split into its comebacks (a row of
    ``lives`` at ``gap_days``: they came back after a silence of at least that many days;
    customer_lifetime_value.sql reads each customer's side by the same rule) and the
    others, for a seasonal index of each; without, is_comeback is false."""
    column = "cast(summary.holdout_purchase_days as double) as holdout_purchase_days,"
    split = lives is not None and gap_days is not None
    return _sql(
        "histories",
        outcome="holdout_purchase_days, " if outcome else "",
        outcome_column=column if outcome else "",
        is_comeback=(
            "case when lives.customer_id is null then false else true end" if split else "false"
        ),
        from_summary=_from_summary(summary, role, lives, gap_days),
    )


# The seasonal index: the date role of int_customers_btyd_summary a year before each date
# role, whose histories and following purchase days measure the same calendar window a
# year earlier (365 days: int_customers_btyd_summary adds these roles)
YEAR_BEFORE = {"calibration": "calibration_year_before", "scoring": "scoring_year_before"}


def effective_days(days, seasonal_index, holdout_days: int):
    """The horizon, in days of an average season, that the next ``days`` days are worth
    when the next ``holdout_days`` run at ``seasonal_index`` times the average purchase
    rate and the days after at the average: days + (index - 1) x min(days, holdout_days).
    Increasing in days (index above 0), so the predictions of longer horizons stay the
    larger; index 1 leaves every horizon as it is. days and seasonal_index: numbers or
    arrays that broadcast (an index per customer)."""
    days = np.asarray(days, dtype=float)
    return days + (seasonal_index - 1.0) * np.minimum(days, holdout_days)


def comeback_gap(candidate: str, settings: Settings) -> int | None:
    """The silence, in days, after which a customer who buys again counts as a comeback
    for the seasonal index of each group (int_customers_btyd_first_lives): the gap that
    ends the first lives ``candidate`` was fitted on, the shortest of
    settings.comeback_gap_days for whole histories, None without gaps."""
    gap_days = btyd.candidate_parts(candidate)[1]
    if gap_days is not None:
        return gap_days
    return min(settings.comeback_gap_days) if settings.comeback_gap_days else None


FIT_THREADS = min(4, os.cpu_count() or 1)


def fitted_side_by_side(
    jobs: Mapping[str, tuple[Callable[..., btyd.Fit], Mapping[str, np.ndarray]]],
) -> dict[str, btyd.Fit]:
    """Independent fits on FIT_THREADS threads: name -> (a purchase model's fit, the
    distinct histories of a date: histories_sql's columns) to name -> its Fit, in the
    order given. Each fit is computed as alone (the same numbers);
    numpy's and scipy's loops release the GIL, so the fits of a date overlap on the cores
    (at 10M orders lifetime.fit 38.5 -> 32.1 s; not more: scipy's hyp2f1 at the fitted
    Pareto/NBD parameters runs one call at a time, docs/benchmark.md)."""

    def fitted(fit_function, frame) -> btyd.Fit:
        history = (frame["btyd_frequency"], frame["btyd_recency"], frame["btyd_t"])
        return fit_function(*history, weight=frame["customers"])

    if len(jobs) <= 1 or FIT_THREADS == 1:
        return {name: fitted(*job) for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=FIT_THREADS) as pool:
        futures = {name: pool.submit(fitted, *job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def fit(query: Query, summary: str, settings: Settings, lives: str | None = None) -> pd.DataFrame:
    """The rows of btyd_fits: one per date role, fitted candidate and parameter
    (FIT_COLUMNS).

    query: runs SQL on the warehouse; summary and lives: how that SQL names
    int_customers_btyd_summary (its histories, and the holdout purchase days the back-test
    compares with) and int_customers_btyd_first_lives (a table name, or a subquery in
    parentheses; without lives, whole histories only).
    Gamma-Gamma is fitted per date role on the repeat customers' spend. The purchase
    models are candidates: BG/NBD and Pareto/NBD, each fitted on the whole histories and
    on the first lives of each gap of settings.comeback_gap_days, on the distinct
    histories (weighted by their customers); a gap after which nobody came back by the
    calibration date is not fitted (its first lives are the whole histories: the same fits,
    at a cost; choice_reason says so). Each candidate fitted as of the calibration
    date predicts the purchase days of the following holdout_days; the one with the
    smallest decile calibration error in tolerances (btyd.decile_calibration_error with
    settings.calibration_tolerance) predicts (btyd.choose_purchase_model; the model docs:
    btyd_model_choice). On the scoring date the candidates are fitted in that order
    (both models of a kind of history at once) until one converges: usually only the
    winner's kind. Predictions always use each customer's whole history
    (btyd_history_predictions).

    The seasonal index: the chosen candidate is refitted as of a year (365 days) before
    each date (the summary's date roles in YEAR_BEFORE) and predicts the purchase days of
    the holdout_days that follow there; the index is the purchase days that came over
    those it predicted, summed over customers. When both dates have one (at least
    min_repeat_customers repeat customers a year before, a converged fit) and the
    calibration date's lowers the chosen candidate's back-test error without raising its
    worst decile's (btyd.decile_calibration_errors), each date's
    predictions use its own (effective_days; column seasonal_index on the chosen rows);
    choice_reason says either way. The fits a year before are rows of their own date
    roles (is_chosen false, seasonal_index the index they measured).

    Comebacks apart: with ``lives``, the index is also measured for the customers who came
    back after a silence (a first life at comeback_gap: the chosen candidate's gap, or the
    shortest one for whole histories) and for the others apart, when each group has at
    least settings.min_band_customers customers a year before both dates; of the two ways,
    for everyone or per group, the one with the lower back-test error applies, under the
    same conditions (comeback_seasonal_index: the comebacks' index, seasonal_index then
    the others')."""
    dates = query(_sql("dates", summary=summary))
    roles: dict[str, tuple] = {}
    for role in ("scoring", "calibration", *YEAR_BEFORE.values()):
        at = [i for i, name in enumerate(dates["date_role"]) if name == role]
        customers = int(dates["customers"][at[0]]) if at else 0
        repeaters = int(dates["repeaters"][at[0]]) if at else 0
        # a date, not the timestamp pandas or numpy make of it
        reference_date = pd.Timestamp(dates["reference_date"][at[0]]).date() if at else None
        time_unit = str(dates["time_unit"][at[0]]) if at else None
        roles[role] = (reference_date, time_unit, repeaters, customers)

    def enough(role: str) -> bool:
        return roles[role][2] >= settings.min_repeat_customers

    frames: dict[tuple[str, int | None], Mapping[str, np.ndarray]] = {}

    def histories(role: str, gap_days: int | None) -> Mapping[str, np.ndarray]:
        # the distinct histories of one date, whole or first lives at one gap, read once
        if (role, gap_days) not in frames:
            frames[role, gap_days] = query(
                histories_sql(summary, role)
                if gap_days is None
                else _sql(
                    "life_histories", from_summary=_from_summary(summary, role, lives, gap_days)
                )
            )
        return frames[role, gap_days]

    def same_as_whole(role: str, gap_days: int) -> bool:
        # no customer came back after a silence of gap_days by the date: the first lives
        # are the whole histories, and so would be the fits
        whole, first = histories(role, None), histories(role, gap_days)
        return all(np.array_equal(whole[name], first[name]) for name in first)

    def fit_candidates(role: str, *gaps: int | None) -> dict[str, btyd.Fit]:
        # both purchase models on each kind of history (gap) of one date, side by side
        # (the histories are read here: the query is not shared with the threads)
        return fitted_side_by_side(
            {
                btyd.candidate(name, gap_days): (purchase_model.fit, histories(role, gap_days))
                for gap_days in gaps
                for name, purchase_model in btyd.PURCHASE_MODELS.items()
            }
        )

    unit_days = 7.0 if roles["calibration"][1] == "week" else 1.0

    def predicted_holdout(name: str, one: btyd.Fit, backtest, seasonal_index=1.0):
        # expected purchase days of each back-test history in the following holdout_days
        # (seasonal_index: one for all, or one per history)
        model_name, _ = btyd.candidate_parts(name)
        days = effective_days(settings.holdout_days, seasonal_index, settings.holdout_days)
        history = (backtest["btyd_frequency"], backtest["btyd_recency"], backtest["btyd_t"])
        return btyd.PURCHASE_MODELS[model_name].expected_purchases(
            list(one.params.values()), days / unit_days, *history
        )

    def backtest_errors(name: str, one: btyd.Fit, backtest, seasonal_index=1.0):
        # (mean, worst) decile calibration error in tolerances, from one prediction
        return btyd.decile_calibration_errors(
            predicted_holdout(name, one, backtest, seasonal_index),
            np.asarray(backtest["holdout_purchase_days"], dtype=float),
            np.asarray(backtest["customers"], dtype=float),
            tolerance=settings.calibration_tolerance,
        )

    gaps = [None, *(settings.comeback_gap_days if lives is not None else ())]
    fits: dict[str, dict[str, btyd.Fit]] = {}
    for role in ("calibration", "scoring"):
        if enough(role):
            spend = query(_sql("spend", summary=summary, role=role))
            fits[role] = {
                "gamma_gamma": btyd.fit_gamma_gamma(
                    spend["btyd_frequency"],
                    spend["btyd_monetary_value"],
                    weight=spend["customers"],
                )
            }
        else:
            repeaters, customers = roles[role][2], roles[role][3]
            fits[role] = {
                model_name: btyd.Fit(
                    model=model_name,
                    params={name: float("nan") for name in names},
                    log_likelihood=float("nan"),
                    converged=False,
                    message=(
                        f"{repeaters} customers with a repeat purchase; "
                        f"at least {settings.min_repeat_customers} needed"
                    ),
                    customers=customers,
                )
                for model_name, names in btyd.MODEL_PARAMETERS.items()
            }
    unfitted = []  # gaps after which nobody came back by the calibration date
    if enough("calibration"):
        for gap_days in gaps:
            if gap_days is not None and same_as_whole("calibration", gap_days):
                unfitted.append(gap_days)
        fitted_gaps = [gap_days for gap_days in gaps if gap_days not in unfitted]
        fits["calibration"].update(fit_candidates("calibration", *fitted_gaps))

    # the back-test: each candidate converged on the calibration date against the
    # qualifying purchase days of its customers in the holdout, predicted from their
    # whole histories
    errors = {}
    worst_errors = {}  # each candidate's worst decile, for the seasonal index
    calibration_date = roles["calibration"][0]
    scoring_date = roles["scoring"][0]
    candidates = [name for name in fits["calibration"] if name != "gamma_gamma"]
    converged = [name for name in candidates if fits["calibration"][name].converged]
    if converged and calibration_date is not None and scoring_date is not None:
        errors = {name: float("nan") for name in candidates}  # NaN: failed, said so
        backtest = query(histories_sql(summary, "calibration", outcome=True))
        for name in converged:
            errors[name], worst_errors[name] = backtest_errors(
                name, fits["calibration"][name], backtest
            )
    if enough("scoring"):
        # on the scoring date, the candidates in their back-test order until one converges
        # (both models of a kind of history at once; usually the best one's kind only);
        # whole histories without a back-test
        for name in btyd.rank_candidates(errors) or ["bg_nbd"]:
            if name not in fits["scoring"]:
                fits["scoring"].update(fit_candidates("scoring", btyd.candidate_parts(name)[1]))
            if fits["scoring"][name].converged:
                break
    absolute, relative = settings.calibration_tolerance
    chosen, reason = btyd.choose_purchase_model(
        errors,
        {name: one.converged for name, one in fits["scoring"].items() if name != "gamma_gamma"},
        f"back-test as of {calibration_date}: decile calibration error of the expected "
        f"purchase days in the next {settings.holdout_days} days, in tolerances of "
        f"max({absolute:g}, {relative:g} x observed)",
    )
    # the seasonal index (docs/scores.md): the chosen candidate refitted a year before
    # each date predicts the purchase days of the same holdout_days a year earlier; the
    # index is what came over what it predicted, for everyone and, where both groups are
    # large enough, for the comebacks and the others apart. The one that lowers the
    # calibration date's back-test error most without raising its worst decile applies
    measured: dict[str, float] = {}  # date role -> index measured a year before it
    measured_split: dict[str, tuple[float, float]] = {}  # -> (others', comebacks')
    instruments: dict[str, btyd.Fit] = {}  # role a year before -> the chosen one's fit
    season_note, applied = "", None  # None, "for everyone" or "per group"
    split_gap = comeback_gap(chosen, settings) if lives is not None else None
    if chosen in errors and np.isfinite(errors[chosen]):
        model_name, gap_days = btyd.candidate_parts(chosen)
        # both dates' refits side by side
        refit = btyd.PURCHASE_MODELS[model_name].fit
        instruments.update(
            fitted_side_by_side(
                {
                    before: (refit, histories(before, gap_days))
                    for before in YEAR_BEFORE.values()
                    if enough(before)
                }
            )
        )
        for role, before in YEAR_BEFORE.items():
            one = instruments.get(before)
            if one is None or not one.converged:
                continue
            outcome = query(histories_sql(summary, before, True, lives, split_gap))
            weight = np.asarray(outcome["customers"], dtype=float)
            predicted = weight * predicted_holdout(chosen, one, outcome)
            observed = weight * np.asarray(outcome["holdout_purchase_days"], dtype=float)
            if predicted.sum() > 0 and observed.sum() > 0:
                measured[role] = float(observed.sum() / predicted.sum())
            if split_gap is not None:
                comeback = np.asarray(outcome["is_comeback"], dtype=bool)
                groups = (~comeback, comeback)
                if all(
                    weight[group].sum() >= settings.min_band_customers
                    and predicted[group].sum() > 0
                    and observed[group].sum() > 0
                    for group in groups
                ):
                    measured_split[role] = tuple(
                        float(observed[group].sum() / predicted[group].sum()) for group in groups
                    )
        window = f"the same {settings.holdout_days} days a year earlier"
        if not any(roles[before][0] for before in YEAR_BEFORE.values()):
            season_note = (
                "; no seasonal index: no customer a year before either date (a history "
                "shorter than a year, or btyd_holdout_days of a year or more)"
            )
        elif "calibration" not in measured or "scoring" not in measured:
            missing = [role for role in YEAR_BEFORE if role not in measured]
            season_note = (
                f"; no seasonal index: {' and '.join(missing)} date without {window} "
                f"(at least {settings.min_repeat_customers} repeat customers a year before "
                "and a converged fit needed)"
            )
        else:
            # each way of applying it against the back-test without: applied when it
            # lowers the mean decile error without raising the worst decile's (the one
            # probability_calibration's test fails on): a multiplier of the whole
            # population may fit the heavy buyers and push a middle decile off
            tried = {
                "for everyone": backtest_errors(
                    chosen, fits["calibration"][chosen], backtest, measured["calibration"]
                )
            }
            described = [
                f"for everyone {measured['scoring']:.3f} on the scoring date and "
                f"{measured['calibration']:.3f} on the calibration date (back-test error "
                f"{tried['for everyone'][0]:.4f}, worst decile {tried['for everyone'][1]:.4f})"
            ]
            came_back = f"came back after a silence of at least {split_gap} days"
            if "calibration" in measured_split and "scoring" in measured_split:
                split_backtest = query(
                    histories_sql(summary, "calibration", True, lives, split_gap)
                )
                tried["per group"] = backtest_errors(
                    chosen,
                    fits["calibration"][chosen],
                    split_backtest,
                    np.where(
                        np.asarray(split_backtest["is_comeback"], dtype=bool),
                        measured_split["calibration"][1],
                        measured_split["calibration"][0],
                    ),
                )
                (others_s, comebacks_s), (others_c, comebacks_c) = (
                    measured_split["scoring"],
                    measured_split["calibration"],
                )
                described.append(
                    f"for the customers who {came_back} {comebacks_s:.3f} and for the "
                    f"others {others_s:.3f} on the scoring date, {comebacks_c:.3f} and "
                    f"{others_c:.3f} on the calibration date (back-test error "
                    f"{tried['per group'][0]:.4f}, worst decile {tried['per group'][1]:.4f})"
                )
            elif split_gap is not None:
                described.append(
                    f"not per group: a year before a date, fewer than "
                    f"{settings.min_band_customers} customers {came_back} or did not, or one "
                    "of the two groups bought or was predicted nothing"
                )
            without = (errors[chosen], worst_errors[chosen])
            better = {
                way: found
                for way, found in tried.items()
                if found[0] < without[0] and found[1] <= without[1]
            }
            applied = min(better, key=lambda way: better[way][0]) if better else None
            season_note = (
                f"; {f'applied {applied}' if applied else 'not applied'}: the seasonal "
                f"index (purchase days of {window} over the chosen model's prediction, "
                f"fitted a year before the date) {'; '.join(described)}; without it the "
                f"back-test error is {without[0]:.4f} and the worst decile's {without[1]:.4f}"
            )
    # date role -> (the index its predictions use, the comebacks' when apart)
    seasonal = {
        role: ((measured[role], None) if applied == "for everyone" else measured_split[role])
        for role in YEAR_BEFORE
        if applied
    }
    reason += season_note
    if unfitted:
        reason += (
            f"; first lives not fitted for the {' and '.join(map(str, unfitted))}-day "
            "silence: nobody came back after one by the calibration date, so they are "
            "the whole histories"
        )

    rows = []
    fitted = [
        (role, name, one) for role, role_fits in fits.items() for name, one in role_fits.items()
    ]
    fitted += [(before, chosen, one) for before, one in instruments.items()]
    for role, name, one in fitted:
        reference_date, time_unit = roles[role][:2]
        status = (
            "converged"
            if one.converged
            else ("not_converged" if enough(role) else "too_few_customers")
        )
        gap_days, index, comeback_index = None, None, None
        if one.model == "gamma_gamma":
            is_chosen, why = True, "the spend model (the only one)"
        elif role in instruments:
            # the chosen candidate refitted a year before a date: the index it measured
            dated = next(date for date, before in YEAR_BEFORE.items() if before == role)
            gap_days, is_chosen, index = btyd.candidate_parts(name)[1], False, measured.get(dated)
            comeback_index = measured_split.get(dated, (None, None))[1]
            why = f"the seasonal index's fit for the {dated} date; " + reason
        else:
            gap_days = btyd.candidate_parts(name)[1]
            is_chosen = name == chosen
            if is_chosen:
                index, comeback_index = seasonal.get(role, (None, None))
            why = ("chosen: " if is_chosen else "not chosen: ") + reason
        for parameter, value in one.params.items():
            rows.append(
                {
                    "date_role": role,
                    "reference_date": reference_date,
                    "model": one.model,
                    "parameter": parameter,
                    "value": value if one.converged else None,
                    "log_likelihood": one.log_likelihood if one.converged else None,
                    "fit_status": status,
                    "message": one.message,
                    "customers": int(one.customers),
                    "time_unit": time_unit,
                    "comeback_gap_days": gap_days,
                    "is_chosen": is_chosen,
                    "backtest_error": (
                        errors[name]
                        if role not in instruments and np.isfinite(errors.get(name, np.nan))
                        else None
                    ),
                    "seasonal_index": index,
                    "comeback_seasonal_index": comeback_index,
                    "choice_reason": why,
                }
            )
    # typed even when every fit failed (all values null)
    return pd.DataFrame(
        {
            name: pd.Series([row[name] for row in rows], dtype=kind)
            for name, kind in _pandas_types(FIT_COLUMNS).items()
        }
    )


def predict(
    query: Query, summary: str, fits: pd.DataFrame, settings: Settings, lives: str | None = None
) -> pd.DataFrame:
    """The rows of btyd_history_predictions: one per date role and distinct history
    (frequency, recency, T) of int_customers_btyd_summary (PREDICTION_COLUMNS, with the
    date of the fits and the customers who share the history), under the purchase model
    btyd_fits chose. When btyd_fits gives the comebacks a seasonal index of their own on
    a date (comeback_seasonal_index), each history of that date is two rows: is_comeback
    true for its customers with a first life at comeback_gap_days
    (int_customers_btyd_first_lives: ``lives``, required then), false for the others;
    otherwise is_comeback is false and comeback_gap_days null.

    - p_alive: P(still a customer | history);
    - p_no_purchase_holdout: P(no purchase in the next holdout_days | history);
    - expected_purchases_horizon / _holdout: expected purchase days in the next
      horizon_days / holdout_days;
    - discounted_expected_purchases: sum over months k = 1..clv_months of
      (E[purchases by month k] - E[purchases by month k - 1]) / (1 + rate)^k, months of
      365.25 / 12 days: the CLV is this times the expected value of a purchase
      (customer_lifetime_value).

    ``fits``: the rows of btyd_fits. When the chosen purchase model's fit or Gamma-Gamma's
    did not converge (or had too few customers) the predictions are null and
    prediction_status says why (fit_not_converged, fit_too_few_customers)."""
    frames = []
    for role in ("scoring", "calibration"):
        role_fits = fits[(fits["date_role"] == role) & fits["is_chosen"].astype(bool)]
        chosen = role_fits[role_fits["model"] != "gamma_gamma"]
        model_name = str(chosen["model"].iloc[0]) if len(chosen) else "bg_nbd"
        # the seasonal index btyd_fits applied to this date (null: none, 1), and the
        # comebacks' when they have their own: then each history is split into the
        # customers who came back after a silence and the others
        index = chosen["seasonal_index"].dropna()
        seasonal_index = float(index.iloc[0]) if len(index) else 1.0
        comeback_index = chosen["comeback_seasonal_index"].dropna()
        split_gap = None
        if len(comeback_index):
            if lives is None:
                raise ValueError(
                    f"btyd_fits gives the comebacks a seasonal index of their own on the {role} "
                    "date: predict needs int_customers_btyd_first_lives (lives)"
                )
            gap = chosen["comeback_gap_days"].dropna()
            fitted_on = btyd.candidate(model_name, int(gap.iloc[0]) if len(gap) else None)
            split_gap = comeback_gap(fitted_on, settings)
        histories = query(histories_sql(summary, role, False, lives, split_gap))
        if len(histories["btyd_frequency"]) == 0:
            continue
        frame = pd.DataFrame({name: histories[name] for name in histories})
        frame["comeback_gap_days"] = split_gap
        frame.insert(0, "date_role", role)
        # the date of the fits (the lifetime step's tables are checked against the run's)
        frame.insert(1, "reference_date", pd.Timestamp(role_fits["reference_date"].iloc[0]).date())
        unit_days = 7.0 if role_fits["time_unit"].iloc[0] == "week" else 1.0
        frame["btyd_model"] = model_name
        statuses = set(role_fits["fit_status"])
        if statuses != {"converged"}:
            frame["prediction_status"] = "fit_" + "_and_".join(sorted(statuses - {"converged"}))
            frames.append(frame)
            continue
        params = dict(
            zip(role_fits["model"] + "." + role_fits["parameter"], role_fits["value"], strict=True)
        )
        purchase = [params[f"{model_name}.{name}"] for name in btyd.MODEL_PARAMETERS[model_name]]
        model = btyd.PURCHASE_MODELS[model_name]
        histories_all = (
            frame["btyd_frequency"].to_numpy(float),
            frame["btyd_recency"].to_numpy(float),
            frame["btyd_t"].to_numpy(float),
        )
        comeback = frame["is_comeback"].to_numpy(bool)
        groups = [(~comeback, seasonal_index)]
        if split_gap is not None:
            groups.append((comeback, float(comeback_index.iloc[0])))
        months = settings.clv_months
        horizons_days = [k * DAYS_PER_MONTH for k in range(1, months + 1)]
        horizons_days += [settings.horizon_days, settings.holdout_days]
        rate = settings.clv_monthly_discount_rate
        predicted = {
            name: np.full(len(frame), np.nan)
            for name in (
                "p_alive",
                "p_no_purchase_holdout",
                "expected_purchases_horizon",
                "expected_purchases_holdout",
                "discounted_expected_purchases",
            )
        }
        for rows, group_index in groups:
            history = tuple(values[rows] for values in histories_all)
            # every horizon in one call (one row per horizon): Pareto/NBD's P(alive), two
            # hypergeometric functions per history, is computed once, not once per
            # horizon; each horizon in days of an average season (effective_days)
            horizons = effective_days(horizons_days, group_index, settings.holdout_days)
            expected = model.expected_purchases(purchase, horizons[:, None] / unit_days, *history)
            cumulative = [np.zeros(len(history[0]))] + list(expected[:months])
            predicted["p_alive"][rows] = model.probability_alive(purchase, *history)
            predicted["p_no_purchase_holdout"][rows] = model.probability_no_purchase(
                purchase,
                float(effective_days(settings.holdout_days, group_index, settings.holdout_days))
                / unit_days,
                *history,
            )
            predicted["expected_purchases_horizon"][rows] = expected[months]
            predicted["expected_purchases_holdout"][rows] = expected[months + 1]
            predicted["discounted_expected_purchases"][rows] = sum(
                (cumulative[k] - cumulative[k - 1]) / (1 + rate) ** k for k in range(1, months + 1)
            )
        frame["prediction_status"] = "predicted"
        for name, values in predicted.items():
            frame[name] = values
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.reindex(columns=list(PREDICTION_COLUMNS)).astype(_pandas_types(PREDICTION_COLUMNS))


# --- the lifetime step: the same fits and predictions on engines without Python models ---

# the models that read the step's tables (models/marts/predictive/lifetime/step), in the
# order the step writes them, and the models they read
STEP_MODELS = ("btyd_fits", "btyd_history_predictions")
STEP_INPUTS = ("int_customers_btyd_summary", "int_customers_btyd_first_lives")


@dataclass(frozen=True)
class Engine:
    """How the step reaches the warehouse: ``query(sql)`` returns the columns of a SELECT
    as numpy arrays; ``write(table, frame, columns)`` replaces ``table`` (a qualified
    name) with the rows of ``frame``, typed as ``columns`` says (FIT_COLUMNS or
    PREDICTION_COLUMNS; NaN and None written as null)."""

    query: Query
    write: Callable[[str, pd.DataFrame, Mapping[str, str]], None]


def duckdb_engine(connection) -> Engine:
    """The step on a DuckDB connection (a check of the step's route beside the Python
    models; DuckDB itself runs them)."""

    def write(table: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
        connection.execute(f"drop table if exists {table}")
        typed(connection, frame, columns).create(table)

    return Engine(lambda sql: connection.sql(sql).fetchnumpy(), write)


def spark_engine(spark) -> Engine:
    """The step on a Spark session (dbt-spark's own, in the process that ran dbt): queries
    through Spark SQL, tables written as Parquet into the session's catalog."""
    from pyspark.sql import types

    kinds = {
        "varchar": types.StringType(),
        "date": types.DateType(),
        "double": types.DoubleType(),
        "bigint": types.LongType(),
        "boolean": types.BooleanType(),
    }

    def query(sql: str) -> dict[str, np.ndarray]:
        frame = spark.sql(sql).toPandas()
        return {name: frame[name].to_numpy() for name in frame.columns}

    def write(table: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
        schema = types.StructType(
            [types.StructField(name, kinds[kind]) for name, kind in columns.items()]
        )
        frame = frame[list(columns)]
        rows = [
            tuple(None if value is None or value != value else value for value in row)
            for row in frame.astype(object).itertuples(index=False, name=None)
        ]
        spark.createDataFrame(rows, schema).write.mode("overwrite").format("parquet").saveAsTable(
            table
        )

    return Engine(query, write)


def _enabled_model(manifest, name: str):
    found = [
        node
        for node in manifest.nodes.values()
        if node.resource_type == "model" and node.name == name
    ]
    if not found:
        raise ValueError(
            f"model {name} is not enabled: the lifetime step needs var lifetime_step true "
            "on an engine without dbt Python models (or python_models false)"
        )
    return found[0]


def step_tables(manifest) -> dict[str, str]:
    """Model name -> the table the step writes for it (the model's config step_table, in
    the model's schema), from a manifest parsed with var lifetime_step true. Raises
    ValueError when the lifetime models there are the Python ones (no step needed)."""
    tables = {}
    for name in STEP_MODELS:
        node = _enabled_model(manifest, name)
        table = node.config.get("step_table")
        if table is None:
            raise ValueError(
                f"{name} runs as a dbt Python model on this engine: the lifetime step is not "
                "needed (dbt build runs the lifetime models)"
            )
        tables[name] = ".".join(part for part in (node.database, node.schema, table) if part)
    return tables


def run_step(manifest, engine: Engine, progress: Callable[[str], None] = print) -> dict:
    """The lifetime step: read the distinct histories of the built
    int_customers_btyd_summary (and the first lives), fit, predict,
    and write the tables the step models read (step_tables). ``manifest``: the project
    parsed with the run's vars (relation names and the settings come from it). Returns
    {table: rows written}."""
    import time

    inputs = {name: _enabled_model(manifest, name).relation_name for name in STEP_INPUTS}
    tables = step_tables(manifest)
    settings = Settings.from_config(_enabled_model(manifest, "btyd_fits").config.get)
    started = time.perf_counter()
    fits = fit(
        engine.query,
        inputs["int_customers_btyd_summary"],
        settings,
        inputs["int_customers_btyd_first_lives"],
    )
    progress(f"lifetime step: fits {time.perf_counter() - started:.1f} s")
    predictions = predict(
        engine.query,
        inputs["int_customers_btyd_summary"],
        fits,
        settings,
        inputs["int_customers_btyd_first_lives"],
    )
    progress(
        f"lifetime step: {len(predictions):,} histories predicted "
        f"({time.perf_counter() - started:.1f} s)"
    )
    written = {}
    for name, frame, columns in (
        ("btyd_fits", fits, FIT_COLUMNS),
        ("btyd_history_predictions", predictions, PREDICTION_COLUMNS),
    ):
        engine.write(tables[name], frame, columns)
        written[tables[name]] = len(frame)
    progress(f"lifetime step: written {written} ({time.perf_counter() - started:.1f} s)")
    return written


def build(
    dbt_vars: Mapping,
    *,
    exclude: tuple[str, ...] = (),
    full_refresh: bool = False,
    run: Callable | None = None,
    duckdb_path: str | None = None,
    progress: Callable[[str], None] = print,
) -> bool:
    """The whole warehouse, lifetime models included, on an engine without dbt Python
    models (Spark; DuckDB with python_models false), in this process:

    1. ``dbt build`` of everything the fits do not feed (``--exclude btyd_fits+
       btyd_history_predictions+``), with var lifetime_step true;
    2. the lifetime step (run_step) on the engine dbt used (Spark: dbt-spark's session,
       which lives on in this process; DuckDB: the file ``duckdb_path``, by default
       WAREHOUSE_PATH or data/warehouse.duckdb);
    3. ``dbt build`` of the rest (``--select btyd_fits+ btyd_history_predictions+``).

    On an engine that runs the lifetime models as dbt Python models it is one plain
    ``dbt build``. exclude: more of dbt's --exclude (every part). run(args, vars) runs dbt
    (default customer_scoring.dbt.invoke; the tests pass their warehouse's). Returns
    whether every part succeeded; dbt's messages and the step's figures go to
    ``progress``. Other engines (PostgreSQL) are refused, saying so."""
    import os

    from customer_scoring import dbt

    run_vars = {**dbt_vars, "lifetime_step": True}
    refresh = ["--full-refresh"] if full_refresh else []
    parsed = (run or (lambda args, vars: dbt.invoke(args, vars)))(["parse"], run_vars)
    if not parsed.success:
        progress(parsed.messages)
        return False
    manifest = parsed.manifest
    # the builds use the project parsed once (dbt would parse it again for each)
    run = run or (lambda args, vars: dbt.invoke(args, vars, manifest=manifest))
    try:
        step_tables(manifest)
    except ValueError as reason:
        progress(f"{reason}: one dbt build")
        done = run(["build", *refresh, *(["--exclude", *exclude] if exclude else [])], run_vars)
        if not done.success:
            progress(done.messages)
        return done.success
    engine_type = manifest.metadata.adapter_type
    if engine_type not in ("spark", "duckdb"):
        progress(
            f"the lifetime step runs on Spark and DuckDB, not {engine_type}: set lifetime_step "
            "to false there (the lifetime models are then off)"
        )
        return False
    downstream = [f"{name}+" for name in STEP_MODELS]
    done = run(["build", *refresh, "--exclude", *downstream, *exclude], run_vars)
    progress(
        f"dbt build without the lifetime models: {done.seconds:.0f} s, {len(done.results)} nodes"
    )
    if not done.success:
        progress(done.messages)
        return False
    try:
        if engine_type == "spark":
            from pyspark.sql import SparkSession

            # dbt-spark's session (method session) lives on in this process; with the
            # Thrift method there is none, and a new local session would see another catalog
            if SparkSession._instantiatedSession is None:
                progress(
                    "the lifetime step needs dbt's Spark session in this process (profile "
                    "method: session); with Thrift, run it where a session reaches the catalog"
                )
                return False
            run_step(manifest, spark_engine(SparkSession.builder.getOrCreate()), progress)
        else:
            import duckdb

            path = duckdb_path or os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb")
            with duckdb.connect(path) as connection:
                run_step(manifest, duckdb_engine(connection), progress)
    except Exception as error:  # the engine's or the fit's: said, and the build stops
        progress(f"the lifetime step failed: {type(error).__name__}: {error}")
        return False
    done = run(
        ["build", *refresh, "--select", *downstream, *(["--exclude", *exclude] if exclude else [])],
        run_vars,
    )
    progress(
        f"dbt build of the lifetime models and what reads them: {done.seconds:.0f} s, "
        f"{len(done.results)} nodes"
    )
    if not done.success:
        progress(done.messages)
    return done.success
