"""A hand-computed CSV through the bring-your-own path: exact marts, ties, reruns.

The expected figures are derived in tests/fixtures/byo/README.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import FIXTURES

# slow: builds the bring-your-own fixture warehouse (every model) (./run test only)
pytestmark = pytest.mark.slow

BYO = {
    "transactions_path": str(FIXTURES / "byo" / "orders.csv"),
    "exchange_rates_path": str(FIXTURES / "byo" / "exchange_rates.csv"),
    "as_of_date": "1998-07-01",
    # 3 of the fixture's 18 rows are deliberately bad, far above the 5% run threshold
    "max_quarantined_share": 0.2,
}

EXPECTED_RFM = [
    # customer, status, recency, frequency, monetary, R, F, M, code, score, tier
    ("c1", "scored", 1, 2, Decimal("150.00"), 5, 4, 4, "544", Decimal("83.33"), "VIP"),
    ("c2", "scored", 1, 1, Decimal("150.00"), 5, 2, 4, "524", Decimal("66.67"), "Regular"),
    ("c3", "scored", 30, 1, Decimal("10.00"), 2, 2, 1, "221", Decimal("16.67"), "Occasional"),
    ("c4", "scored", 11, 3, Decimal("400.00"), 3, 5, 5, "355", Decimal("83.33"), "VIP"),
    ("c5", "scored", 61, 1, Decimal("20.00"), 1, 2, 2, "122", Decimal("16.67"), "Occasional"),
    ("c6", "no_purchase_yet", None, None, None, None, None, None, None, None, None),
]
RFM_COLUMNS = (
    "customer_id, rfm_status, recency_days, frequency, monetary, r_score, f_score, m_score, "
    "rfm_code, rfm_score, value_tier"
)


@pytest.fixture(scope="module")
def built(module_warehouse):
    run = module_warehouse.dbt("build", vars=BYO)
    assert run.success, run.messages
    return module_warehouse


def test_rfm_matches_hand_computation(built):
    rows = built.query(f"select {RFM_COLUMNS} from customer_rfm order by customer_id")
    assert rows == EXPECTED_RFM


def test_segments_match_hand_computation(built):
    rows = built.query("select customer_id, segment from customer_segments order by customer_id")
    assert rows == [
        ("c1", "Champions"),
        ("c2", "Potential Loyalist"),
        ("c3", "Hibernating"),
        ("c4", "Loyal"),
        ("c5", "Hibernating"),
    ]


def test_customers_are_derived_from_transactions(built):
    rows = built.query("select customer_id, is_in_crm, customer_type from dim_customers")
    assert sorted(rows) == [(f"c{i}", False, "UNKNOWN") for i in range(1, 7)]


def test_orders_are_netted(built):
    rows = built.query(
        "select order_id, order_status, gross_amount, deducted_amount, net_amount, is_qualifying "
        "from fct_orders where order_id in ('o1', 'o3', 'o5', 'o10', 'o11') order by order_id"
    )
    assert rows == [
        ("o1", "completed", Decimal("100.00"), Decimal("0.00"), Decimal("100.00"), True),
        ("o10", "returned", Decimal("70.00"), Decimal("70.00"), Decimal("0.00"), False),
        ("o11", "completed", Decimal("20.00"), Decimal("0.00"), Decimal("20.00"), True),
        ("o3", "partially_returned", Decimal("200.00"), Decimal("50.00"), Decimal("150.00"), True),
        ("o5", "cancelled", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), False),
    ]
    # o6 is dated after the as-of date: the fact keeps it (it does not depend on the as-of
    # date), RFM leaves it out (test_rfm_matches_hand_computation)
    (after,) = built.query("select ordered_date from fct_orders where order_id = 'o6'")
    assert after[0] > dt.date(1998, 7, 1)


def test_unfit_rows_are_quarantined_with_reasons(built):
    rows = built.query(
        "select rejection_reason, record_key from quarantined_rows order by rejection_reason"
    )
    assert rows == [
        ("duplicate_row", "o4"),
        ("missing_customer_id", "o13"),
        ("non_positive_amount", "o14"),
    ]


def test_segment_summary_adds_up(built):
    rows = built.query(
        "select segment, customers, revenue from segment_summary where customers > 0 "
        "order by segment_value_rank"
    )
    assert rows == [
        ("Champions", 1, Decimal("150.00")),
        ("Loyal", 1, Decimal("400.00")),
        ("Potential Loyalist", 1, Decimal("150.00")),
        ("Hibernating", 2, Decimal("30.00")),
    ]
    assert built.query("select sum(share_of_customers) from segment_summary") == [
        (Decimal("1.0000"),)
    ]


def test_quintile_boundaries_show_empty_scores(built):
    rows = built.query(
        "select score, customers, min_value, max_value from rfm_quintile_boundaries "
        "where measure = 'frequency' order by score"
    )
    # three customers tie at frequency 1: they share score 2 and leave score 1 empty
    assert rows == [
        (1, 0, None, None),
        (2, 3, Decimal("1.00"), Decimal("1.00")),
        (3, 0, None, None),
        (4, 1, Decimal("2.00"), Decimal("2.00")),
        (5, 1, Decimal("3.00"), Decimal("3.00")),
    ]


def test_rerun_gives_identical_marts(built):
    marts = {
        "customer_rfm": "customer_id",
        "customer_segments": "customer_id",
        "segment_summary": "segment",
        "fct_orders": "order_id",
        "rfm_quintile_boundaries": "measure, score",
    }
    before = {name: built.table(name, key) for name, key in marts.items()}
    # the data tests passed on these rows in the first build (the fixture)
    run = built.dbt("build", "--exclude", "resource_type:test", vars=BYO)
    assert run.success, run.messages
    assert {name: built.table(name, key) for name, key in marts.items()} == before


def test_scoring_window_leaves_older_buyers_unscored(warehouse):
    run = warehouse.dbt(
        "build", "--exclude", "resource_type:test", vars={**BYO, "scoring_window_days": 31}
    )
    assert run.success, run.messages
    rows = warehouse.query(
        "select customer_id, rfm_status, frequency, monetary from customer_rfm order by 1"
    )
    # window = 1998-06-01 .. 1998-07-01: c4 keeps o8 and o9, c5 (05-01) drops out
    assert rows == [
        ("c1", "scored", 2, Decimal("150.00")),
        ("c2", "scored", 1, Decimal("150.00")),
        ("c3", "scored", 1, Decimal("10.00")),
        ("c4", "scored", 2, Decimal("100.00")),
        ("c5", "no_purchase_in_window", None, None),
        ("c6", "no_purchase_yet", None, None),
    ]


def test_parquet_file_scores_like_the_csv(built, tmp_path):
    import duckdb

    parquet = tmp_path / "orders.parquet"
    duckdb.sql(
        f"copy (select * from read_csv('{BYO['transactions_path']}', all_varchar = true)) "
        f"to '{parquet}' (format parquet)"
    )
    other = type(built)(tmp_path / "parquet.duckdb", tmp_path)
    run = other.dbt(
        "build",
        *("--select", "+customer_rfm", "--exclude", "resource_type:test"),
        vars={**BYO, "transactions_path": str(parquet)},
    )
    assert run.success, run.messages
    rows = other.query(f"select {RFM_COLUMNS} from customer_rfm order by customer_id")
    assert rows == EXPECTED_RFM


def test_scores_without_their_inputs_are_what_the_weighting_gives_no_signal(built):
    """No behaviour file is given: engagement and satisfaction, whose levels models declare
    only behaviour inputs (meta raw_inputs), are weighed in int_score_points without its
    windows. Their rows are those the weighting gives when no criterion has a signal: one
    per score date, customer and criterion; engagement 0 (every level 0, the email
    unsubscribes' negative weight included), satisfaction null (no feedback, no level,
    no divisor); points alike; no top factor; the one category the best."""
    customers = built.query("select count(*) from int_score_customers")[0][0]
    assert customers > 0
    rows = built.query(
        "select score_name, criterion, count(*), min(score), max(score), min(points), "
        "max(points), count(top_factor), bool_or(is_top_factor), bool_and(is_best_category) "
        "from int_score_points where score_name in ('engagement', 'satisfaction') "
        "group by score_name, criterion order by score_name, criterion"
    )
    zero = Decimal("0.00")
    assert rows == [
        ("engagement", criterion, customers, zero, zero, zero, zero, 0, False, True)
        for criterion in sorted(
            [
                "content_views",
                "email_clicks",
                "email_opens",
                "email_unsubscribes",
                "feedback_given",
                "web_sessions",
            ]
        )
    ] + [
        ("satisfaction", criterion, customers, None, None, None, None, 0, False, True)
        for criterion in ["csat", "nps", "review_stars"]
    ]
    assert built.query(
        "select count(*), count(engagement_score), max(engagement_score), "
        "count(satisfaction_score) from customer_scores"
    ) == [(6, 6, zero, 0)]
