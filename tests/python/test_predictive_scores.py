"""Churn, lifetime value, payment risk and recovery on a hand-computed fixture
(tests/fixtures/predictive/README.md derives every figure), fits the data cannot support,
and settings that must be refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES

# slow: builds the predictive fixture warehouse (every model, Python models too) (./run test only)
pytestmark = pytest.mark.slow

FILES = FIXTURES / "predictive"
VARS = {
    "as_of_date": "2026-03-31",
    "load_date": "2026-04-05",
    **{
        f"{name}_path": str(FILES / f"{name}.csv")
        for name in ["transactions", "subscription_events", "invoices", "payments", "legal_events"]
    },
}


def d(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture(scope="module")
def built(module_warehouse):
    run = module_warehouse.dbt("build", vars=VARS)
    assert run.success, run.messages
    # the fit has 1 repeat customer of the 20 it needs: the run says so (a warning)
    assert "btyd_fit_converged" in run.messages
    return module_warehouse


def test_btyd_summary_matches_hand_computation(built):
    rows = built.query(
        "select date_role, btyd_frequency, btyd_recency, round(btyd_t, 4), btyd_monetary_value "
        "from int_customers_btyd_summary where customer_id = 'A' order by date_role"
    )
    assert rows == [
        ("calibration", 1, 5.0, 13.0, d("60.00")),
        ("scoring", 3, 22.0, 25.8571, d("60.00")),
    ]


def test_subscriber_churn_comes_from_the_life_table(built):
    rows = built.query(
        "select customer_id, churn_probability, churn_risk_band, billing_period, period_hazard, "
        "horizon_periods from churn_scores "
        "where date_role = 'scoring' and churn_method = 'subscription_life_table' "
        "order by customer_id"
    )
    assert rows == [
        ("C", d("0.7146"), "high", 6, d("0.3333"), d("3.09")),
        ("F", d("0.8828"), "high", 2, d("0.5000"), d("3.09")),
        ("G", d("0.5892"), "medium", 1, d("0.2500"), d("3.09")),
    ]


def test_churn_says_why(built):
    reasons = dict(
        built.query(
            "select customer_id, churn_reason from churn_scores where date_role = 'scoring'"
        )
    )
    assert reasons["F"] == (
        "plan basic, billing period 2: 50.0% of subscriptions cancel in it; 3.1 periods ahead"
    )
    assert reasons["C"].startswith("plan basic, billing period 6: nobody has reached it yet")
    assert reasons["A"] == "no purchase prediction: fit_too_few_customers"


def test_the_back_test_rescores_the_subscriber_as_of_the_calibration_date(built):
    # on 2025-12-31 only S1, S2 and S3 exist: hazards 1/3, 1/2, then the plan rate 2/5
    rows = built.query(
        "select customer_id, churn_probability, billing_period, period_hazard "
        "from churn_scores where date_role = 'calibration' and churn_method != 'unavailable'"
    )
    assert rows == [("C", d("0.7785"), 3, d("0.4000"))]


def test_a_fit_with_too_few_customers_publishes_no_prediction(built):
    statuses = built.query("select distinct date_role, fit_status, value from btyd_fits order by 1")
    assert statuses == [
        ("calibration", "too_few_customers", None),
        ("scoring", "too_few_customers", None),
    ]
    rows = built.query(
        "select distinct prediction_status, p_alive, clv from customer_lifetime_value"
    )
    assert rows == [("fit_too_few_customers", None, None)]


def test_payment_risk_matches_hand_computation(built):
    rows = built.query(
        "select customer_id, late_payments_points, days_late_points, unpaid_share_points, "
        "proceedings_points, payment_risk_score, payment_risk_top_factor, requires_prepayment, "
        "overdue_amount from payment_risk_scores order by customer_id"
    )
    assert rows == [
        (
            "A",
            d("11.11"),
            d("1.59"),
            d("0.00"),
            d("0.00"),
            d("12.70"),
            "late_payments",
            False,
            d("0.00"),
        ),
        (
            "B",
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("16.67"),
            d("16.67"),
            "proceedings",
            False,
            d("0.00"),
        ),
        (
            "E",
            d("0.00"),
            d("0.00"),
            d("0.00"),
            d("33.33"),
            d("33.33"),
            "proceedings",
            True,
            d("0.00"),
        ),
        (
            "H",
            d("22.22"),
            d("6.94"),
            d("20.37"),
            d("26.67"),
            d("76.20"),
            "proceedings",
            True,
            d("1100.00"),
        ),
    ]
    reasons = dict(built.query("select customer_id, prepayment_reason from payment_risk_scores"))
    forced = ": insolvency proceedings force prepayment whatever the score"
    assert reasons == {
        "A": None,
        "B": None,
        # liquidation: 33.33 points, under the threshold of 50, and still prepayment
        "E": "in liquidation since 2026-01-15" + forced,
        # receivership (its liquidation of 2026-04-02 is after the as-of date)
        "H": "in receivership since 2026-02-10" + forced,
    }


def test_safeguard_requires_prepayment_when_configured(built):
    run = built.dbt(
        "build",
        "--select",
        "payment_risk_scores",
        vars={**VARS, "prepayment_on_safeguard": True},
    )
    assert run.success, run.messages
    assert built.query(
        "select requires_prepayment, prepayment_reason from payment_risk_scores "
        "where customer_id = 'B'"
    ) == [
        (
            True,
            "in safeguard since 2025-06-01: insolvency proceedings force prepayment whatever the"
            " score",
        )
    ]
    run = built.dbt("build", "--select", "payment_risk_scores", vars=VARS)
    assert run.success, run.messages
    assert built.query(
        "select requires_prepayment from payment_risk_scores where customer_id = 'B'"
    ) == [(False,)]


def test_recovery_matches_hand_computation(built):
    rows = built.query(
        "select customer_id, partial_payments_points, eventually_paid_points, "
        "recent_payments_points, no_proceedings_points, recovery_score, recovery_top_factor "
        "from recovery_scores"
    )
    assert rows == [
        ("H", d("22.22"), d("7.41"), d("9.16"), d("4.44"), d("43.23"), "partial_payments"),
    ]


def test_customer_scores_carry_every_predictive_score(built):
    rows = built.query(
        "select customer_id, churn_method, churn_probability, clv_status, clv, "
        "payment_risk_score, recovery_score, requires_prepayment "
        "from customer_scores where customer_id in ('A', 'G', 'H') order by customer_id"
    )
    assert rows == [
        ("A", "unavailable", None, "fit_too_few_customers", None, d("12.70"), None, False),
        (
            "G",
            "subscription_life_table",
            d("0.5892"),
            "fit_too_few_customers",
            None,
            None,
            None,
            False,
        ),
        ("H", "unavailable", None, "fit_too_few_customers", None, d("76.20"), d("43.23"), True),
    ]


def test_payment_scores_are_explained(built):
    rows = built.query(
        "select criterion, criterion_level, weight, points, is_top_factor from score_explanations "
        "where customer_id = 'H' and score_name = 'payment_risk' order by criterion"
    )
    assert rows == [
        ("days_late", d("0.6250"), d("1.000"), d("6.94"), False),
        ("late_payments", d("1.0000"), d("2.000"), d("22.22"), False),
        ("proceedings", d("0.8000"), d("3.000"), d("26.67"), True),
        ("unpaid_share", d("0.6111"), d("3.000"), d("20.37"), False),
    ]


def test_a_fit_the_data_cannot_determine_is_refused(built):
    # with the minimum lowered to 1, Gamma-Gamma is fitted on customer A alone: p and q
    # run off to infinity. Nothing is published from it.
    run = built.dbt(
        "build",
        "--select",
        "btyd_fits+",
        vars={**VARS, "btyd_min_repeat_customers": 1},
    )
    assert run.success, run.messages
    assert "btyd_fit_converged" in run.messages
    rows = built.query(
        "select distinct date_role, model, fit_status from btyd_fits order by date_role, model"
    )
    # Gamma-Gamma has one history (customer A) on both dates for 3 parameters; BG/NBD has 8
    # customers on the scoring date, but only 3 distinct histories for 4 parameters on the
    # calibration date (Pareto/NBD too)
    assert rows == [
        ("calibration", "bg_nbd", "not_converged"),
        ("calibration", "gamma_gamma", "not_converged"),
        ("calibration", "pareto_nbd", "not_converged"),
        ("scoring", "bg_nbd", "converged"),
        ("scoring", "gamma_gamma", "not_converged"),
        ("scoring", "pareto_nbd", "converged"),
    ]
    # no purchase model to back-test on the calibration date: BG/NBD stays, and says why;
    # nobody here is silent for 180 days, so the first lives are the whole histories and
    # are not fitted again (a failed first-lives candidate: tests/python/test_btyd.py)
    skipped = (
        "; first lives not fitted for the 180 and 365-day silence: nobody came back after "
        "one by the calibration date, so they are the whole histories"
    )
    assert built.query(
        "select distinct model, is_chosen, backtest_error, choice_reason from btyd_fits "
        "where model != 'gamma_gamma' and comeback_gap_days is null order by model"
    ) == [
        (
            "bg_nbd",
            True,
            None,
            "chosen: no back-test (no purchase model converged on the calibration date)" + skipped,
        ),
        (
            "pareto_nbd",
            False,
            None,
            "not chosen: no back-test (no purchase model converged on the calibration date)"
            + skipped,
        ),
    ]
    assert built.query("select count(*) from btyd_fits where comeback_gap_days is not null") == [
        (0,)
    ]
    messages = built.query("select distinct message from btyd_fits where fit_status != 'converged'")
    assert all("the data do not determine" in message for (message,) in messages), messages
    assert built.query("select distinct prediction_status, clv from customer_lifetime_value") == [
        ("fit_not_converged", None)
    ]
    assert built.query(
        "select count(*) from churn_scores "
        "where churn_method in ('bg_nbd_no_purchase', 'pareto_nbd_no_purchase')"
    ) == [(0,)]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"churn_risk_bands": {"medium": 0.7, "high": 0.6}}, "churn_risk_bands must be"),
        ({"prepayment_threshold": 150}, "prepayment_threshold must be a number from 0 to 100"),
        ({"btyd_time_unit": "month"}, "btyd_time_unit"),
        ({"btyd_holdout_days": 0}, "btyd_holdout_days"),
        ({"btyd_comeback_gap_days": [180, 0]}, "btyd_comeback_gap_days must list whole numbers"),
        ({"btyd_comeback_gap_days": 180}, "btyd_comeback_gap_days must be a list"),
        # refused where it is first read: dbt's check of the lifetime folder's `enabled`
        # or the macro lifetime_models_enabled() of a model's config; which comes first
        # depends on dbt's parse order, and either message names the setting
        (
            {"python_models": "yes"},
            ("'yes' is not of type 'boolean'", "python_models must be true or false; got 'yes'"),
        ),
    ],
)
def test_bad_predictive_settings_are_refused(warehouse, settings, message):
    run = warehouse.dbt("build", vars={**VARS, **settings})
    assert not run.success
    messages = message if isinstance(message, tuple) else (message,)
    assert any(m in run.messages for m in messages), run.messages


def test_without_python_models_everything_else_builds(warehouse):
    # what PostgreSQL gets, and Spark without the lifetime step: the lifetime models are
    # disabled, the lifetime columns of customer_scores are null, payment risk and
    # recovery still score
    run = warehouse.dbt("build", vars={**VARS, "python_models": False})
    assert run.success, run.messages
    assert warehouse.query(
        "select count(*) from information_schema.tables where table_name in "
        "('btyd_fits', 'customer_lifetime_value', 'churn_scores', 'predictive_backtest')"
    ) == [(0,)]
    rows = warehouse.query(
        "select customer_id, churn_method, clv_status, clv, payment_risk_score, recovery_score "
        "from customer_scores where customer_id in ('G', 'H') order by customer_id"
    )
    assert rows == [
        ("G", "unavailable", "lifetime_models_off", None, None, None),
        ("H", "unavailable", "lifetime_models_off", None, d("76.20"), d("43.23")),
    ]
