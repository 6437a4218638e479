"""Maximum-likelihood fits of BG/NBD (purchases) and Gamma-Gamma (spend), one per score
date: the as-of date ('scoring') and the back-test calibration date ('calibration').

The likelihoods live in customer_scoring/btyd.py (unit-tested, and checked against the
published CDNOW fits). One row per date, model and parameter, with the log-likelihood and
the fit status:
- converged: the optimiser converged and every parameter is finite;
- not_converged: it did not (message says why); no prediction is made from it;
- too_few_customers: fewer repeat customers than var btyd_min_repeat_customers.
"""

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from customer_scoring import btyd

    min_repeat = int(dbt.config.get("btyd_min_repeat_customers"))
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
    rows = []
    for role in ["scoring", "calibration"]:
        date = dates[dates["date_role"] == role]
        customers = int(date["customers"].sum())
        repeaters = int(date["repeaters"].sum())
        # a date, not the timestamp pandas makes of it
        reference_date = pd.Timestamp(date["reference_date"].iloc[0]).date() if customers else None
        time_unit = str(date["time_unit"].iloc[0]) if customers else None
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
        fits = []
        if repeaters >= min_repeat:
            fits.append(
                btyd.fit_bgnbd(
                    frame["btyd_frequency"],
                    frame["btyd_recency"],
                    frame["btyd_t"],
                    weight=frame["customers"],
                )
            )
            fits.append(
                btyd.fit_gamma_gamma(
                    repeat["btyd_frequency"],
                    repeat["btyd_monetary_value"],
                    weight=repeat["customers"],
                )
            )
        else:
            for model_name, names in [
                ("bg_nbd", ["r", "alpha", "a", "b"]),
                ("gamma_gamma", ["p", "q", "gamma"]),
            ]:
                fits.append(
                    btyd.Fit(
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
                )
        for fit in fits:
            status = (
                "converged"
                if fit.converged
                else ("too_few_customers" if repeaters < min_repeat else "not_converged")
            )
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
        ],
    ).astype({"value": "float64", "log_likelihood": "float64", "customers": "int64"})
