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
    # in a fixed order: the engine returns rows in any order, and a different order of the
    # same rows moves the optimum in its last digits (a rerun must give the same numbers)
    summary = (
        dbt.ref("int_customers_btyd_summary")
        .df()
        .sort_values(["date_role", "customer_id"], kind="stable")
        .reset_index(drop=True)
    )
    rows = []
    for role in ["scoring", "calibration"]:
        frame = summary[summary["date_role"] == role]
        # a date, not the timestamp pandas makes of it
        reference_date = pd.Timestamp(frame["reference_date"].max()).date() if len(frame) else None
        repeaters = frame[(frame["btyd_frequency"] > 0) & (frame["btyd_monetary_value"] > 0)]
        fits = []
        if len(repeaters) >= min_repeat:
            fits.append(
                btyd.fit_bgnbd(
                    frame["btyd_frequency"].to_numpy(float),
                    frame["btyd_recency"].to_numpy(float),
                    frame["btyd_t"].to_numpy(float),
                )
            )
            fits.append(
                btyd.fit_gamma_gamma(
                    repeaters["btyd_frequency"].to_numpy(float),
                    repeaters["btyd_monetary_value"].to_numpy(float),
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
                            f"{len(repeaters)} customers with a repeat purchase; "
                            f"at least {min_repeat} needed"
                        ),
                        customers=len(frame),
                    )
                )
        for fit in fits:
            status = (
                "converged"
                if fit.converged
                else ("too_few_customers" if len(repeaters) < min_repeat else "not_converged")
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
                        "time_unit": str(frame["time_unit"].iloc[0]) if len(frame) else None,
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
