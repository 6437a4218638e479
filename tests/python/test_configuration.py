"""Bad settings stop the run with a message a user can act on; var values never reach SQL
unquoted. Each case compiles only the model that reads the setting."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

ORDERS = str(FIXTURES / "byo" / "orders.csv")
BASE = {"transactions_path": ORDERS, "as_of_date": "1998-07-01"}


@pytest.fixture(scope="module")
def seeded(module_warehouse):
    run = module_warehouse.dbt("seed", vars=BASE)
    assert run.success, run.messages
    return module_warehouse


@pytest.mark.parametrize(
    ("model", "overrides", "message"),
    [
        ("int_customers_rfm_scored", {"as_of_date": None}, "as_of_date is not set"),
        ("int_customers_rfm_scored", {"as_of_date": "2026-13-01"}, "must be a calendar date"),
        ("int_customers_rfm_scored", {"as_of_date": "yesterday"}, "must be a calendar date"),
        ("int_customers_rfm_scored", {"as_of_date": "2026-02-29"}, "must be a calendar date"),
        (
            "int_customers_rfm_scored",
            {"as_of_date": "2026-01-01' as date); drop table fct_orders; --"},
            "must be a calendar date",
        ),
        ("int_orders_netted", {"scoring_window_days": -30}, "scoring_window_days must be"),
        ("int_orders_netted", {"scoring_window_days": "ninety"}, "scoring_window_days must be"),
        (
            "int_customers_rfm_scored",
            {"rfm_weights": {"recency": -1, "frequency": 1, "monetary": 1}},
            "the weight of 'recency' must be a number of at least 0",
        ),
        (
            "int_customers_rfm_scored",
            {"rfm_weights": {"recency": 0, "frequency": 0, "monetary": 0}},
            "at least one weight must be above 0",
        ),
        (
            "int_customers_rfm_scored",
            {"rfm_weights": {"recncy": 1}},
            "unknown criterion 'recncy'. Known criteria: recency, frequency, monetary",
        ),
        (
            "int_customers_rfm_scored",
            {"rfm_weights": {"recency": "high"}},
            "the weight of 'recency' must be a number",
        ),
        ("int_order_lines_converted", {"reporting_currency": "EURO"}, "three-letter ISO 4217"),
    ],
)
def test_bad_setting_is_refused_with_a_clear_message(seeded, model, overrides, message):
    run = seeded.dbt("compile", "-s", model, vars={**BASE, **overrides})
    assert not run.success
    assert message in run.messages


@pytest.mark.slow  # compiles or builds models (./run test only)
def test_unknown_segment_map_is_refused(seeded):
    # a data test on the map seed: dbt build stops before anything reads the map
    run = seeded.dbt(
        "build",
        "-s",
        "rfm_segment_map",
        "--store-failures",
        vars={**BASE, "segment_map": "mine"},
    )
    assert not run.success
    assert "assert_segment_map_is_known" in run.messages
    [(problem,)] = seeded.query(
        "select problem from main_dbt_test__audit.assert_segment_map_is_known"
    )
    assert problem.startswith("segment_map 'mine' is not in seeds/rfm_segment_map.csv")
    assert "Known maps: simple, standard." in problem


def test_known_segment_map_passes_its_check(seeded):
    run = seeded.dbt("build", "-s", "rfm_segment_map", vars={**BASE, "segment_map": "simple"})
    assert run.success, run.messages


@pytest.mark.slow  # compiles or builds models (./run test only)
def test_missing_required_column_names_the_file_and_the_columns_found(seeded, tmp_path):
    no_amount = tmp_path / "no_amount.csv"
    no_amount.write_text("customer_id,order_id,ordered_at\nc1,o1,2024-01-01\n")
    run = seeded.dbt(
        "compile",
        "-s",
        "base_shop__transactions",
        vars={**BASE, "transactions_path": str(no_amount)},
    )
    assert not run.success
    assert f"The transactions file {no_amount} has no column 'amount'" in run.messages
    assert "Columns found: customer_id, order_id, ordered_at" in run.messages


@pytest.mark.slow  # compiles or builds models (./run test only)
def test_a_hostile_path_is_quoted_not_executed(seeded):
    hostile = "nowhere.csv', header = true); create table injected as select 1; --"
    run = seeded.dbt(
        "build", "-s", "base_shop__transactions", vars={**BASE, "transactions_path": hostile}
    )
    assert not run.success
    tables = seeded.query("select table_name from information_schema.tables")
    assert ("injected",) not in tables


@pytest.mark.slow  # compiles or builds models (./run test only)
def test_a_quote_in_a_test_account_domain_is_escaped(seeded):
    run = seeded.dbt(
        "run",
        "-s",
        "+base_crm__customers",  # with the erasure requests it reads
        vars={**BASE, "customers_path": ORDERS, "test_account_email_domains": ["o'hara.example"]},
    )
    assert run.success, run.messages
