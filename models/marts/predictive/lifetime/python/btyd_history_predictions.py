"""Per score date and distinct purchase history (btyd_frequency, btyd_recency, btyd_t) of
int_customers_btyd_summary, under the purchase model btyd_fits chose: P(alive), P(no
purchase in the next btyd_holdout_days), expected purchase days in the next
prediction_horizon_days and btyd_holdout_days, and the expected purchases of the next
clv_horizon_months discounted monthly (customer_lifetime_value multiplies them by the
expected value of a purchase). Unrounded doubles; null with prediction_status fit_* when
a fit of that date failed.

The work is customer_scoring.lifetime.predict (engine-free: the lifetime step runs the
same function on engines without Python models). Per history, not per customer: the
hypergeometric functions of Pareto/NBD and BG/NBD are evaluated once for every customer
who shares a history (a million customers have a few hundred thousand).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from customer_scoring import lifetime

    # dbt hands a Python model only the config keys named literally in model(): the
    # settings of _lifetime__models.yml, each named here (lifetime.Settings says what
    # they are)
    config = {
        "btyd_min_repeat_customers": dbt.config.get("btyd_min_repeat_customers"),
        "btyd_holdout_days": dbt.config.get("btyd_holdout_days"),
        "prediction_horizon_days": dbt.config.get("prediction_horizon_days"),
        "clv_horizon_months": dbt.config.get("clv_horizon_months"),
        "clv_monthly_discount_rate": dbt.config.get("clv_monthly_discount_rate"),
        "btyd_comeback_gap_days": dbt.config.get("btyd_comeback_gap_days"),
        "calibration_tolerance": dbt.config.get("calibration_tolerance"),
        "calibration_min_band_customers": dbt.config.get("calibration_min_band_customers"),
    }
    settings = lifetime.Settings.from_config(config.get)
    predictions = lifetime.predict(
        lambda sql: session.sql(sql).fetchnumpy(),
        f"({dbt.ref('int_customers_btyd_summary').sql_query()})",
        dbt.ref("btyd_fits").df(),
        settings,
        f"({dbt.ref('int_customers_btyd_first_lives').sql_query()})",
    )
    # typed as declared, empty or not (lifetime.PREDICTION_COLUMNS)
    return lifetime.typed(session, predictions, lifetime.PREDICTION_COLUMNS)
