"""Per buyer and score date: probability alive, expected purchases, expected order value
and customer lifetime value, from the fits of btyd_fits (customer_scoring/btyd.py).

- btyd_model: the purchase model that predicts, bg_nbd or pareto_nbd, the one btyd_fits
  chose by back-test (is_chosen), the same on both dates;
- p_alive: P(still a customer | frequency, recency, T) under that model;
- p_no_purchase_holdout: P(no purchase in the next btyd_holdout_days | frequency, recency,
  T) under that model (btyd.probability_no_purchase or
  btyd.pareto_nbd_probability_no_purchase): churn within that horizon, which rises with
  the time since the last purchase for one-time buyers too;
- expected_purchases_horizon: expected purchase days in the next prediction_horizon_days;
- expected_purchases_holdout / expected_spend_holdout: over the next btyd_holdout_days
  (what the back-test compares with reality, from the calibration date);
- expected_average_value: Gamma-Gamma expected value of a purchase (the population mean
  for customers without a repeat purchase);
- clv: expected spend over clv_horizon_months, month by month, discounted at
  clv_monthly_discount_rate: sum over months k of
  value * (E[purchases by month k] - E[purchases by month k-1]) / (1 + rate)^k.
When the chosen purchase model's fit or the Gamma-Gamma fit did not converge (or had too
few customers) the predictions are null and prediction_status says why: no number is
published from a failed fit. (The model not chosen does not matter.)
"""

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 365.25 / 12
# the predicted columns, in their order in the model, and the decimals each is rounded to
PREDICTIONS = {
    "p_alive": 6,
    "p_no_purchase_holdout": 6,
    "expected_purchases_horizon": 6,
    "expected_purchases_holdout": 6,
    "expected_average_value": 2,
    "expected_spend_holdout": 2,
    "clv": 2,
}


def model(dbt, session):
    dbt.config(materialized="table")
    from customer_scoring import btyd

    horizon_days = int(dbt.config.get("prediction_horizon_days"))
    holdout_days = int(dbt.config.get("btyd_holdout_days"))
    months = int(dbt.config.get("clv_horizon_months"))
    rate = float(dbt.config.get("clv_monthly_discount_rate"))
    # in a fixed order: the engine returns rows in any order, and a different order of the
    # same rows moves the optimum in its last digits (a rerun must give the same numbers)
    summary = (
        dbt.ref("int_customers_btyd_summary")
        .df()
        .sort_values(["date_role", "customer_id"], kind="stable")
        .reset_index(drop=True)
    )
    fits = dbt.ref("btyd_fits").df()
    frames = []
    for role, frame in summary.groupby("date_role"):
        frame = frame.copy()
        unit_days = 7.0 if frame["time_unit"].iloc[0] == "week" else 1.0
        fit = fits[(fits["date_role"] == role) & fits["is_chosen"]]
        btyd_model = str(fit.loc[fit["model"] != "gamma_gamma", "model"].iloc[0])
        frame["btyd_model"] = btyd_model
        statuses = set(fit["fit_status"])
        if statuses != {"converged"}:
            frame["prediction_status"] = "fit_" + "_and_".join(sorted(statuses - {"converged"}))
            for column in PREDICTIONS:
                frame[column] = np.nan
            frames.append(frame)
            continue
        params = dict(zip(fit["model"] + "." + fit["parameter"], fit["value"], strict=True))
        purchase = [params[f"{btyd_model}.{name}"] for name in btyd.MODEL_PARAMETERS[btyd_model]]
        gg = [params["gamma_gamma.p"], params["gamma_gamma.q"], params["gamma_gamma.gamma"]]
        predict = btyd.PURCHASE_MODELS[btyd_model]
        x = frame["btyd_frequency"].to_numpy(float)
        t_x = frame["btyd_recency"].to_numpy(float)
        T = frame["btyd_t"].to_numpy(float)
        m = frame["btyd_monetary_value"].fillna(0).to_numpy(float)

        # every horizon in one call (one row per horizon): Pareto/NBD's P(alive), two
        # hypergeometric functions per customer, is computed once instead of once per
        # horizon (14 with the default 12 months); the same numbers, element by element
        horizons_days = [k * DAYS_PER_MONTH for k in range(1, months + 1)]
        horizons_days += [horizon_days, holdout_days]
        expected = predict.expected_purchases(
            purchase, np.asarray(horizons_days)[:, None] / unit_days, x, t_x, T
        )
        value = btyd.expected_average_value(gg, x, m)
        cumulative = [np.zeros(len(frame))] + list(expected[:months])
        clv = sum(
            value * (cumulative[k] - cumulative[k - 1]) / (1 + rate) ** k
            for k in range(1, months + 1)
        )
        frame["prediction_status"] = "predicted"
        frame["p_alive"] = predict.probability_alive(purchase, x, t_x, T)
        frame["p_no_purchase_holdout"] = predict.probability_no_purchase(
            purchase, holdout_days / unit_days, x, t_x, T
        )
        frame["expected_purchases_horizon"] = expected[months]
        frame["expected_purchases_holdout"] = expected[months + 1]
        frame["expected_average_value"] = value
        frame["expected_spend_holdout"] = frame["expected_purchases_holdout"] * value
        frame["clv"] = clv
        frames.append(frame)
    out = (
        pd.concat(frames, ignore_index=True)
        if frames
        else summary.assign(
            prediction_status=None, btyd_model=None, **dict.fromkeys(PREDICTIONS, np.nan)
        )
    )
    # a date, not the timestamp pandas makes of it
    out["reference_date"] = pd.to_datetime(out["reference_date"]).dt.date
    for column, decimals in PREDICTIONS.items():
        out[column] = out[column].astype(float).round(decimals)
    return out[
        [
            "customer_id",
            "date_role",
            "reference_date",
            "time_unit",
            "btyd_frequency",
            "btyd_recency",
            "btyd_t",
            "btyd_monetary_value",
            "btyd_model",
            "prediction_status",
            *PREDICTIONS,
        ]
    ]
