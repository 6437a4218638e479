"""Maximum-likelihood fits of the purchase models BG/NBD and Pareto/NBD and of the spend
model Gamma-Gamma, one per score date: the as-of date ('scoring') and the back-test
calibration date ('calibration'), and the chosen purchase model a year before each (its
seasonal index: 'scoring_year_before', 'calibration_year_before'). One row per date,
model and parameter, with the
log-likelihood and the fit status (converged, not_converged, too_few_customers: fewer
repeat customers than var btyd_min_repeat_customers).

The work is customer_scoring.lifetime.fit (engine-free: the lifetime step runs the same
function on engines without Python models); the likelihoods are customer_scoring/btyd.py
(unit-tested, and checked against the published CDNOW fits). Which purchase model
predicts is chosen by back-test: both are fitted as of the calibration date and predict
the purchase days of each customer in the following btyd_holdout_days; the smaller decile
calibration error wins (models/_docs.md, btyd_model_choice).
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
    # the engine groups the histories (a million customers are read as their distinct
    # histories): the queries read the two inputs as subqueries
    fits = lifetime.fit(
        lambda sql: session.sql(sql).fetchnumpy(),
        f"({dbt.ref('int_customers_btyd_summary').sql_query()})",
        settings,
        f"({dbt.ref('int_customers_btyd_first_lives').sql_query()})",
    )
    # typed as declared, empty or not (lifetime.FIT_COLUMNS)
    return lifetime.typed(session, fits, lifetime.FIT_COLUMNS)
