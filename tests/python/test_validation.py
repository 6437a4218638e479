"""The Great Expectations suites count exactly the corpus's defects and keep a report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import FIXTURES, PROJECT_DIR

from customer_scoring import cli
from customer_scoring.validate import Inputs, validate

CORPUS = FIXTURES / "corpus"
INPUTS = Inputs(
    transactions=CORPUS / "transactions.csv",
    customers=CORPUS / "customers.csv",
    exchange_rates=CORPUS / "exchange_rates.csv",
)
LOADED = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    return out, validate(
        INPUTS, dt.date(2024, 3, 31), out, load_time=LOADED, progress=lambda _: None
    )


def test_each_expectation_counts_the_corpus_defects(report):
    _, result = report
    counts = {(c.input, c.column, c.expectation): c.unexpected for c in result.checks}
    failing = {key: n for key, n in counts.items() if n}
    assert failing == {
        ("transactions", "has_customer_id", "expect_column_values_to_be_in_set"): 1,
        ("transactions", "has_order_id", "expect_column_values_to_be_in_set"): 1,
        ("transactions", "has_ordered_at", "expect_column_values_to_be_in_set"): 2,
        ("transactions", "is_dated_after_load", "expect_column_values_to_be_in_set"): 1,
        # -5, 0 and 99999999; 'abc' and '12,50' do not parse and are counted as nulls
        ("transactions", "amount_number", "expect_column_values_to_not_be_null"): 2,
        ("transactions", "amount_number", "expect_column_values_to_be_between"): 3,
        ("transactions", "status", "expect_column_values_to_be_in_set"): 1,
        ("transactions", "identical_rows", "expect_column_values_to_be_in_set"): 2,
        ("transactions", "customers_per_order", "expect_column_values_to_be_between"): 2,
        ("transactions", "days_per_order", "expect_column_values_to_be_between"): 2,
        ("transactions", "has_rates", "expect_column_values_to_be_in_set"): 1,
        ("transactions", "is_known_customer", "expect_column_values_to_be_in_set"): 1,
        ("customers", "email_domain", "expect_column_values_to_not_be_in_set"): 1,
    }
    assert result.rows_checked == {"transactions": 31, "customers": 5, "exchange_rates": 1}


def test_results_are_kept_for_machines_and_people(report):
    out, result = report
    (saved,) = out.glob("validation-20240401T000000.json")
    data = json.loads(saved.read_text())
    assert data["rows_checked"]["transactions"] == 31
    assert len(data["checks"]) == len(result.checks)
    assert data["great_expectations"]["transactions"]["success"] is False
    summary = (out / "validation-20240401T000000.md").read_text()
    assert (
        "| transactions | expect_column_values_to_be_in_set **failed** | has_rates | 1 |" in summary
    )


@pytest.mark.slow  # runs the validate command through dbt (./run test only)
def test_validate_command_refuses_a_broken_file_with_advice(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "orders.csv"
    broken.write_text("customer_id,order_id,ordered_at,amount\n")
    monkeypatch.chdir(PROJECT_DIR)
    monkeypatch.setenv("DBT_PROFILES_DIR", str(PROJECT_DIR))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(SystemExit) as stopped:
        cli.main(
            [
                "validate",
                "--as-of",
                "2024-03-31",
                "--out",
                str(tmp_path / "report"),
                "--vars",
                f"{{transactions_path: '{broken}'}}",
            ]
        )
    assert stopped.value.code == "dbt run-operation failed (see the messages above)"
    assert f"The transactions file {broken} has a header but no rows" in capsys.readouterr().out
    assert not (tmp_path / "report").exists()
