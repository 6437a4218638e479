"""Maximum-likelihood fits of the purchase models BG/NBD and Pareto/NBD and of the spend
model Gamma-Gamma, one per score date: the as-of date ('scoring') and the back-test
calibration date ('calibration').

The likelihoods live in customer_scoring/btyd.py (unit-tested, and checked against the
published CDNOW fits). One row per date, model and parameter, with the log-likelihood and
the fit status:
- converged: the optimiser converged and every parameter is finite;
- not_converged: it did not (message says why); no prediction is made from it;
- too_few_customers: fewer repeat customers than var btyd_min_repeat_customers.

Which purchase model predicts is chosen by back-test: both are fitted as of the
calibration date and predict the purchase days of each customer in the following
btyd_holdout_days, which have happened by the as-of date; the model with the smaller
backtest_error wins, for both dates (the runner-up when the winner's fit fails on the
scoring date). backtest_error is the calibration error of those
predictions as probability_calibration measures it: customers in deciles of the
prediction (tied predictions in one decile), the customer-weighted mean absolute gap
between a decile's mean prediction and its mean observed purchase days. Deciles weigh the
many light and lapsed buyers (whose churn is published) as much as the heavy ones; a sum
of squared errors is dominated by the few heaviest buyers and barely tells the models
apart. A tie, or no back-test, keeps BG/NBD; a model whose calibration fit failed is not
chosen (btyd.choose_purchase_model).
"""

import numpy as np
import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from customer_scoring import btyd

    min_repeat = int(dbt.config.get("btyd_min_repeat_customers"))
    holdout_days = int(dbt.config.get("btyd_holdout_days"))
    # the fits need each distinct history once, with how many customers share it: the
    # engine groups them (a million customers are read as their distinct histories), in
    # a fixed order (a different order of the same rows moves the optimum in its last
    # digits, and a rerun must give the same numbers)
    summary = dbt.ref("int_customers_btyd_summary")
    dates = summary.query(
        "summary",
        "select date_role, max(reference_date) as reference_date, "
        "any_value(time_unit) as time_unit, count(*) as customers, "
        "count(*) filter (where btyd_frequency > 0 and btyd_monetary_value > 0) as repeaters "
        "from summary group by date_role",
    ).df()
    fits, roles = {}, {}
    for role in ["scoring", "calibration"]:
        date = dates[dates["date_role"] == role]
        customers = int(date["customers"].sum())
        repeaters = int(date["repeaters"].sum())
        # a date, not the timestamp pandas makes of it
        reference_date = pd.Timestamp(date["reference_date"].iloc[0]).date() if customers else None
        time_unit = str(date["time_unit"].iloc[0]) if customers else None
        roles[role] = (reference_date, time_unit, repeaters)
        # numpy arrays straight from the engine, one role at a time (no text column: a
        # million strings in pandas cost more than the fit)
        frame = summary.query(
            "summary",
            "select btyd_frequency, btyd_recency, btyd_t, count(*) as customers "
            f"from summary where date_role = '{role}' group by all order by all",
        ).fetchnumpy()
        repeat = summary.query(
            "summary",
            "select btyd_frequency, cast(btyd_monetary_value as double) as btyd_monetary_value, "
            f"count(*) as customers from summary where date_role = '{role}' "
            "and btyd_frequency > 0 and btyd_monetary_value > 0 group by all order by all",
        ).fetchnumpy()
        if repeaters >= min_repeat:
            history = (frame["btyd_frequency"], frame["btyd_recency"], frame["btyd_t"])
            fits[role] = {
                **{
                    name: purchase_model.fit(*history, weight=frame["customers"])
                    for name, purchase_model in btyd.PURCHASE_MODELS.items()
                },
                "gamma_gamma": btyd.fit_gamma_gamma(
                    repeat["btyd_frequency"],
                    repeat["btyd_monetary_value"],
                    weight=repeat["customers"],
                ),
            }
        else:
            fits[role] = {
                model_name: btyd.Fit(
                    model=model_name,
                    params={name: float("nan") for name in names},
                    log_likelihood=float("nan"),
                    converged=False,
                    message=(
                        f"{repeaters} customers with a repeat purchase; "
                        f"at least {min_repeat} needed"
                    ),
                    customers=customers,
                )
                for model_name, names in btyd.MODEL_PARAMETERS.items()
            }

    # the back-test: each converged purchase model of the calibration date against the
    # qualifying purchase days of its customers in the holdout
    errors = {}
    calibration_date, time_unit, _ = roles["calibration"]
    scoring_date = roles["scoring"][0]
    converged = [name for name in btyd.PURCHASE_MODELS if fits["calibration"][name].converged]
    if converged and calibration_date is not None and scoring_date is not None:
        orders = dbt.ref("int_orders_netted")
        holdout = orders.query(
            "orders",
            "select customer_id, count(distinct ordered_date) as holdout_purchase_days "
            "from orders where is_qualifying "
            f"and ordered_date > date '{calibration_date}' "
            f"and ordered_date <= date '{scoring_date}' group by customer_id",
        )
        calibration = summary.filter("date_role = 'calibration'")
        backtest = (
            calibration.join(holdout, "customer_id", how="left")
            .query(
                "backtest",
                "select btyd_frequency, btyd_recency, btyd_t, "
                "coalesce(holdout_purchase_days, 0) as holdout_purchase_days, "
                "count(*) as customers from backtest group by all order by all",
            )
            .fetchnumpy()
        )
        horizon = holdout_days / (7.0 if time_unit == "week" else 1.0)
        history = (backtest["btyd_frequency"], backtest["btyd_recency"], backtest["btyd_t"])
        for name in converged:
            params = list(fits["calibration"][name].params.values())
            errors[name] = btyd.decile_calibration_error(
                btyd.PURCHASE_MODELS[name].expected_purchases(params, horizon, *history),
                np.asarray(backtest["holdout_purchase_days"], dtype=float),
                np.asarray(backtest["customers"], dtype=float),
            )
    chosen, reason = btyd.choose_purchase_model(
        errors,
        {name: fits["scoring"][name].converged for name in btyd.PURCHASE_MODELS},
        f"back-test as of {calibration_date}: decile calibration error of the expected "
        f"purchase days in the next {holdout_days} days",
    )

    rows = []
    for role, role_fits in fits.items():
        reference_date, time_unit, repeaters = roles[role]
        for fit in role_fits.values():
            status = (
                "converged"
                if fit.converged
                else ("too_few_customers" if repeaters < min_repeat else "not_converged")
            )
            if fit.model == "gamma_gamma":
                is_chosen, why = True, "the spend model (the only one)"
            else:
                is_chosen = fit.model == chosen
                why = ("chosen: " if is_chosen else "not chosen: ") + reason
            for name, value in fit.params.items():
                rows.append(
                    {
                        "date_role": role,
                        "reference_date": reference_date,
                        "model": fit.model,
                        "parameter": name,
                        "value": value if fit.converged else None,
                        "log_likelihood": fit.log_likelihood if fit.converged else None,
                        "fit_status": status,
                        "message": fit.message,
                        "customers": int(fit.customers),
                        "time_unit": time_unit,
                        "is_chosen": is_chosen,
                        "backtest_error": errors.get(fit.model),
                        "choice_reason": why,
                    }
                )
    # typed even when every fit failed (all values null)
    return pd.DataFrame(
        rows,
        columns=[
            "date_role",
            "reference_date",
            "model",
            "parameter",
            "value",
            "log_likelihood",
            "fit_status",
            "message",
            "customers",
            "time_unit",
            "is_chosen",
            "backtest_error",
            "choice_reason",
        ],
    ).astype(
        {
            "value": "float64",
            "log_likelihood": "float64",
            "customers": "int64",
            "is_chosen": "bool",
            "backtest_error": "float64",
        }
    )
