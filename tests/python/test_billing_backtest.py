"""Payment risk and recovery back-tested on a hand-computed fixture
(tests/fixtures/billing_backtest/README.md derives every figure): both scored as of the
back-test date from the billing state known then, against what happened in the 30 days
after it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES

# slow: builds a warehouse (./run test only)
pytestmark = pytest.mark.slow

FILES = FIXTURES / "billing_backtest"
VARS = {
    "as_of_date": "2026-03-31",
    "load_date": "2026-04-05",
    **{
        f"{name}_path": str(FILES / f"{name}.csv")
        for name in ["transactions", "invoices", "payments"]
    },
}


def d(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture(scope="module")
def built(module_warehouse):
    run = module_warehouse.dbt("build", vars=VARS)
    assert run.success, run.messages
    return module_warehouse


def test_scores_are_computed_as_of_the_back_test_date(built):
    """Payments after 2026-03-01 are unknown then: P3's invoice X5 is unpaid (29 days),
    R1's X11 part paid, the invoices due in March not due yet."""
    scores = built.query(
        "select score_name, customer_id, score from int_score_backtest_outcomes "
        "where score_name in ('payment_risk', 'recovery') order by score_name, customer_id"
    )
    assert scores == [
        ("payment_risk", "P1", d("0.00")),
        ("payment_risk", "P2", d("25.00")),
        ("payment_risk", "P3", d("61.02")),
        ("payment_risk", "P4", d("0.00")),
        ("payment_risk", "P5", d("26.67")),
        ("recovery", "P3", d("22.22")),
        ("recovery", "R1", d("64.89")),
        ("recovery", "R2", d("56.85")),
    ]


def test_outcomes_are_what_happened_next(built):
    outcomes = built.query(
        "select score_name, customer_id, had_outcome, score_decile "
        "from int_score_backtest_outcomes where score_name in ('payment_risk', 'recovery') "
        "order by score_name, customer_id"
    )
    assert outcomes == [
        ("payment_risk", "P1", 0, 3),  # X2 paid before its due date
        ("payment_risk", "P2", 1, 6),  # X4 paid 10 days late
        ("payment_risk", "P3", 1, 10),  # X6 unpaid on 2026-03-31
        ("payment_risk", "P4", 1, 3),  # X8 paid 5 days late
        ("payment_risk", "P5", 0, 8),  # X10 paid on its due date
        ("recovery", "P3", 1, 2),  # X5 paid in full on 2026-03-20
        ("recovery", "R1", 1, 9),  # X11's last 300 paid on 2026-03-10
        ("recovery", "R2", 0, 6),  # X12 still unpaid
    ]


def test_back_test_figures(built):
    rows = built.query(
        "select score_name, customers, customers_with_outcome, base_rate, top_decile_customers, "
        "top_decile_rate, lift, auc, backtest_date, outcome_until_date from score_backtest "
        "where score_name in ('payment_risk', 'recovery') order by score_name"
    )
    import datetime as dt

    backtest, until = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    assert rows == [
        (
            "payment_risk",
            5,
            3,
            d("0.6000"),
            1,
            d("1.0000"),
            d("1.67"),
            d("0.5833"),
            backtest,
            until,
        ),
        ("recovery", 3, 2, d("0.6667"), 0, None, None, d("0.5000"), backtest, until),
    ]


def test_lift_by_decile(built):
    rows = built.query(
        "select score_name, score_decile, customers, customers_with_outcome, min_score, max_score, "
        "outcome_rate, lift from score_backtest_deciles "
        "where score_name in ('payment_risk', 'recovery') order by score_name, score_decile"
    )
    assert rows == [
        ("payment_risk", 3, 2, 1, d("0.00"), d("0.00"), d("0.5000"), d("0.83")),
        ("payment_risk", 6, 1, 1, d("25.00"), d("25.00"), d("1.0000"), d("1.67")),
        ("payment_risk", 8, 1, 0, d("26.67"), d("26.67"), d("0.0000"), d("0.00")),
        ("payment_risk", 10, 1, 1, d("61.02"), d("61.02"), d("1.0000"), d("1.67")),
        ("recovery", 2, 1, 1, d("22.22"), d("22.22"), d("1.0000"), d("1.50")),
        ("recovery", 6, 1, 0, d("56.85"), d("56.85"), d("0.0000"), d("0.00")),
        ("recovery", 9, 1, 1, d("64.89"), d("64.89"), d("1.0000"), d("1.50")),
    ]


def test_the_published_scores_stay_as_of_the_as_of_date(built):
    """payment_risk_scores keeps one row per customer, as of 2026-03-31: P3's X5 is paid
    (late) by then, X6 is 16 days overdue."""
    rows = built.query("select date_role, count(*) from payment_risk_scores group by date_role")
    assert rows == [("scoring", 7)]
