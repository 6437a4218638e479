"""Any valid input builds green: a score without enough data is null with a reason, never
a failed build (tests/fixtures/minimal/README.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES

# slow: two full builds (./run test only)
pytestmark = pytest.mark.slow

FILES = FIXTURES / "minimal"
VARS = {
    "as_of_date": "2026-06-30",
    "load_date": "2026-06-30",
    "transactions_path": str(FILES / "transactions.csv"),
}


def test_all_history_within_the_horizon_builds_with_a_reason(warehouse):
    run = warehouse.dbt("build", vars=VARS)
    assert run.success, run.messages
    rows = warehouse.query(
        "select customer_id, purchase_probability, purchase_probability_basis, churn_method, "
        "churn_reason from customer_scores order by customer_id"
    )
    assert rows == [
        (
            customer,
            None,
            "no_backtest_customers",
            "unavailable",
            "no purchase prediction: fit_too_few_customers",
        )
        for customer in ["K1", "K2", "K3", "K4", "K5"]
    ]
    assert warehouse.query("select count(*) from customer_history") == [(5,)]


def test_a_customer_file_with_only_ids_and_never_buyers_builds(warehouse):
    run = warehouse.dbt("build", vars={**VARS, "customers_path": str(FILES / "customers.csv")})
    assert run.success, run.messages
    rows = warehouse.query(
        "select customer_id, rfm_status, engagement_score, purchase_score, churn_method, "
        "churn_reason, clv_status from customer_scores where customer_id like 'N%' order by 1"
    )
    assert rows == [
        (
            customer,
            "no_purchase_yet",
            Decimal("0.00"),
            Decimal("0.00"),
            "unavailable",
            "no subscription and no purchase yet",
            "no_purchase_yet",
        )
        for customer in ["N1", "N2"]
    ]
    assert warehouse.query("select count(*) from customer_history") == [(7,)]
