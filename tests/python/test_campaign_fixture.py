"""Campaign results on a hand-computed fixture (tests/fixtures/campaigns/README.md derives
every number): conversion before and after, the difference-in-differences, its standard
error and 95% interval, relative uplift, incremental conversions, orders and revenue, the
launch-date RFM without look-ahead, and the campaign inputs' bad rows quarantined."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES

# slow: builds the fixture warehouse (every model) (./run test only)
pytestmark = pytest.mark.slow

CAMPAIGNS = FIXTURES / "campaigns"
VARS = {
    "transactions_path": str(CAMPAIGNS / "orders.csv"),
    "campaigns_path": str(CAMPAIGNS / "campaigns.csv"),
    "campaign_assignments_path": str(CAMPAIGNS / "campaign_assignments.csv"),
    "as_of_date": "2026-04-30",
    "campaign_min_group_customers": 4,
    # 3 of the 4 campaign rows are deliberately bad, far above the 5% run threshold
    "max_quarantined_share": 0.8,
}


@pytest.fixture(scope="module")
def built(module_warehouse):
    run = module_warehouse.dbt("build", vars=VARS)
    assert run.success, run.messages
    return module_warehouse


def _result(built, columns: str, where: str = "segment = 'All' and value_tier = 'All'"):
    (row,) = built.query(
        f"select {columns} from campaign_results where campaign_id = 'K1' and {where}"
    )
    return row


def test_conversion_before_and_after_per_group(built):
    assert _result(
        built,
        "treated_customers, control_customers, treated_conversion_before, "
        "treated_conversion_after, control_conversion_before, control_conversion_after",
    ) == (4, 4, Decimal("0.5"), Decimal("0.75"), Decimal("0.5"), Decimal("0.5"))


def test_difference_in_differences_and_its_interval(built):
    assert _result(
        built, "uplift, uplift_standard_error, uplift_lower_95, uplift_upper_95, is_significant"
    ) == (Decimal("0.25"), Decimal("0.629153"), Decimal("-0.983117"), Decimal("1.483117"), False)


def test_relative_uplift_and_incremental_figures(built):
    assert _result(
        built,
        "counterfactual_conversion_after, relative_uplift, relative_uplift_lower_95, "
        "relative_uplift_upper_95, incremental_conversions, incremental_orders, "
        "incremental_revenue",
    ) == (
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("-1.966234"),
        Decimal("2.966234"),
        Decimal("1.00"),
        Decimal("2.00"),
        Decimal("40.00"),
    )


def test_group_size_flag_follows_the_setting(built):
    # 4 a side meets campaign_min_group_customers 4; a cell of a single tier may not
    assert _result(built, "is_too_small_to_conclude") == (False,)
    small = built.query(
        "select treated_customers, control_customers, is_too_small_to_conclude "
        "from campaign_results where campaign_id = 'K1' and segment = 'All' and value_tier != 'All'"
    )
    assert small and all(flag == (t < 4 or c < 4) for t, c, flag in small)
    # the tier rows partition the campaign
    assert sum(t for t, _, _ in small) == 4 and sum(c for _, c, _ in small) == 4


def test_launch_rfm_ignores_the_campaigns_own_orders(built):
    rows = built.query(
        "select customer_id, frequency, monetary, recency_days, launch_as_of_date "
        "from int_campaign_launch_rfm where campaign_id = 'K1' and customer_id in ('t1', 't3') "
        "order by customer_id"
    )
    assert [row[:4] for row in rows] == [
        ("t1", 2, Decimal("20.00"), 18),  # 2025-06-01 and 2026-02-10, 18 days before 02-28
        ("t3", 1, Decimal("10.00"), 272),  # 2025-06-01 only: 03-20 and 03-25 come after
    ]
    assert {str(row[4]) for row in rows} == {"2026-02-28"}


def test_before_after_table_in_points(built):
    (row,) = built.query(
        "select conversion_before_pct, conversion_after_pct, control_conversion_before_pct, "
        "control_conversion_after_pct, uplift_points, uplift_lower_95_points, "
        "uplift_upper_95_points, verdict from campaign_before_after "
        "where campaign_id = 'K1' and breakdown = 'value tier' and segment = 'All'"
    )
    assert row == (
        Decimal("50.0"),
        Decimal("75.0"),
        Decimal("50.0"),
        Decimal("50.0"),
        Decimal("25.0"),
        Decimal("-98.3"),
        Decimal("148.3"),
        "no measurable effect",
    )


def test_cumulative_uplift_of_every_decile_is_the_campaigns(built):
    """Down to the lowest decile the Qini curve has targeted everyone: its cumulative
    uplift is the campaign's, and random selection gives the same conversions."""
    (row,) = built.query(
        "select cumulative_uplift, incremental_conversions, random_incremental_conversions, "
        "share_targeted from campaign_uplift_deciles "
        "where campaign_id = 'K1' order by score_decile limit 1"
    )
    assert row == (Decimal("0.25"), Decimal("2.00"), Decimal("2.00"), Decimal("1"))


def test_bad_campaign_rows_are_quarantined_with_their_reason(built):
    rows = built.query(
        "select source_name, record_key, rejection_reason from quarantined_rows "
        "where source_name like 'campaigns.%' order by source_name, rejection_reason"
    )
    assert rows == [
        ("campaigns.campaign_assignments", "K1", "duplicate_assignment"),
        ("campaigns.campaign_assignments", "K1", "unknown_assignment_group"),
        ("campaigns.campaign_assignments", "K9", "unknown_campaign"),
        ("campaigns.campaigns", "K1", "duplicate_campaign_id"),
        ("campaigns.campaigns", "K2", "end_before_start"),
        ("campaigns.campaigns", "K3", "unknown_channel"),
    ]
    assert built.query("select count(*) from campaign_customers") == [(8,)]
